/*
 * cleaner.c — pipe_cleaner_apply: decide for each row of a table whether
 * it is kept or for which reason it is dropped, then build the cleaned
 * table. See cleaner.h for the order of the checks.
 */
#include "cleaner.h"
#include "table/table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Why a row was dropped; ROW_KEPT when it was not. */
enum {
    ROW_KEPT = 0,
    ROW_NAN,
    ROW_ENERGY,
    ROW_MASS,
    ROW_CHARGE,
    ROW_RANGE, /* ROW_RANGE + k: range cut k */
};

/* Column indexes resolved once for the whole table. */
typedef struct cleaner_columns {
    uint8_t *kept; /* per column: kept in the output */
    int64_t *nan;  /* columns checked for NaN */
    size_t n_nan;
    int64_t physics[9]; /* E1 px1 py1 pz1 E2 px2 py2 pz2 M */
    int64_t *range;     /* one per range cut */
    int64_t charge[2];  /* Q1, Q2 */
} cleaner_columns;

static void columns_free(cleaner_columns *c)
{
    free(c->kept);
    free(c->nan);
    free(c->range);
}

/* Mark the dropped columns and list the NaN-checked ones. */
static int resolve_kept_and_nan(const pipe_tensor *in, const pipe_cleaner_config *cfg,
                                cleaner_columns *c, char *err, size_t err_size)
{
    int64_t width = in->shape[1];
    for (int64_t k = 0; k < width; k++)
        c->kept[k] = 1;
    for (size_t i = 0; i < cfg->n_drop_columns; i++) {
        int64_t col = pipe_table_find(in, cfg->drop_columns[i], err, err_size);
        if (col < 0)
            return -1;
        c->kept[col] = 0;
    }
    if (cfg->nan_mode == PIPE_CLEANER_NAN_LIST) {
        c->n_nan = cfg->n_nan_columns;
        return pipe_table_find_all(in, cfg->nan_columns, cfg->n_nan_columns, c->nan, err, err_size);
    }
    if (cfg->nan_mode == PIPE_CLEANER_NAN_KEPT)
        for (int64_t k = 0; k < width; k++)
            if (c->kept[k])
                c->nan[c->n_nan++] = k;
    return 0;
}

static int resolve_columns(const pipe_tensor *in, const pipe_cleaner_config *cfg,
                           cleaner_columns *c, char *err, size_t err_size)
{
    int64_t width = in->shape[1];
    size_t n_nan = cfg->nan_mode == PIPE_CLEANER_NAN_LIST ? cfg->n_nan_columns : (size_t)width;
    c->kept = calloc((size_t)width + 1, 1);
    c->nan = calloc(n_nan + 1, sizeof *c->nan);
    c->range = calloc(cfg->n_ranges + 1, sizeof *c->range);
    if (!c->kept || !c->nan || !c->range) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    if (resolve_kept_and_nan(in, cfg, c, err, err_size) != 0)
        return -1;
    if (cfg->physics_check &&
        pipe_table_find_all(in, pipe_cleaner_physics_names, 9, c->physics, err, err_size) != 0)
        return -1;
    for (size_t i = 0; i < cfg->n_ranges; i++) {
        c->range[i] = pipe_table_find(in, cfg->ranges[i].column, err, err_size);
        if (c->range[i] < 0)
            return -1;
    }
    static const char *const charges[2] = {"Q1", "Q2"};
    if (cfg->charge != PIPE_CLEANER_CHARGE_ANY)
        return pipe_table_find_all(in, charges, 2, c->charge, err, err_size);
    return 0;
}

static int physics_verdict(const double *row, const cleaner_columns *c,
                           const pipe_cleaner_config *cfg)
{
    double a[4], b[4];
    for (int k = 0; k < 4; k++) {
        a[k] = row[c->physics[k]];
        b[k] = row[c->physics[4 + k]];
    }
    if (!pipe_cleaner_energy_ok(a[0], a[1], a[2], a[3], cfg->energy_tolerance) ||
        !pipe_cleaner_energy_ok(b[0], b[1], b[2], b[3], cfg->energy_tolerance))
        return ROW_ENERGY;
    if (!pipe_cleaner_mass_ok(a, b, row[c->physics[8]], cfg->mass_tolerance))
        return ROW_MASS;
    return ROW_KEPT;
}

/* The first reason to drop `row`, or ROW_KEPT. */
static int row_verdict(const double *row, const cleaner_columns *c, const pipe_cleaner_config *cfg)
{
    for (size_t i = 0; i < c->n_nan; i++)
        if (isnan(row[c->nan[i]]))
            return ROW_NAN;
    if (cfg->physics_check) {
        int verdict = physics_verdict(row, c, cfg);
        if (verdict != ROW_KEPT)
            return verdict;
    }
    for (size_t i = 0; i < cfg->n_ranges; i++) {
        double v = row[c->range[i]];
        if (!(v >= cfg->ranges[i].lo && v <= cfg->ranges[i].hi))
            return ROW_RANGE + (int)i;
    }
    if (cfg->charge != PIPE_CLEANER_CHARGE_ANY) {
        double product = row[c->charge[0]] * row[c->charge[1]];
        int wanted = cfg->charge == PIPE_CLEANER_CHARGE_OPPOSITE ? product < 0 : product > 0;
        if (!wanted)
            return ROW_CHARGE;
    }
    return ROW_KEPT;
}

static void count_verdict(int verdict, pipe_cleaner_report *report)
{
    switch (verdict) {
    case ROW_KEPT:
        report->rows_out++;
        break;
    case ROW_NAN:
        report->nan++;
        break;
    case ROW_ENERGY:
        report->energy_below_momentum++;
        break;
    case ROW_MASS:
        report->mass_mismatch++;
        break;
    case ROW_CHARGE:
        report->charge++;
        break;
    default:
        report->range[verdict - ROW_RANGE]++;
        break;
    }
}

/* The table of the kept rows and columns. */
static pipe_tensor *build_output(const pipe_tensor *in, const uint8_t *keep_row,
                                 const uint8_t *kept_col, char *err, size_t err_size)
{
    int64_t width = in->shape[1], n_cols = 0;
    int64_t *cols = malloc((size_t)(width + 1) * sizeof *cols);
    pipe_tensor *out = NULL;
    if (cols) {
        for (int64_t k = 0; k < width; k++)
            if (kept_col[k])
                cols[n_cols++] = k;
        out = pipe_table_take(in, keep_row, cols, n_cols);
    }
    free(cols);
    if (!out)
        snprintf(err, err_size, "out of memory");
    return out;
}

pipe_tensor *pipe_cleaner_apply(const pipe_tensor *in, const pipe_cleaner_config *cfg,
                                pipe_cleaner_report *report, char *err, size_t err_size)
{
    int64_t *range_counts = report->range;
    *report = (pipe_cleaner_report){.range = range_counts, .rows_in = in->shape[0]};
    for (size_t i = 0; i < cfg->n_ranges; i++)
        report->range[i] = 0;
    if (!pipe_table_is_table(in)) {
        snprintf(err, err_size,
                 "expected an f64 table with column names, found a %s tensor "
                 "of rank %d%s",
                 pipe_dtype_name(in->dtype), in->rank, in->columns ? "" : " without column names");
        return NULL;
    }
    cleaner_columns cols = {0};
    uint8_t *keep = NULL;
    pipe_tensor *out = NULL;
    if (resolve_columns(in, cfg, &cols, err, err_size) == 0) {
        int64_t rows = in->shape[0], width = in->shape[1];
        keep = malloc((size_t)rows + 1);
        if (!keep)
            snprintf(err, err_size, "out of memory");
        for (int64_t r = 0; keep && r < rows; r++) {
            int verdict = row_verdict((const double *)in->data + r * width, &cols, cfg);
            keep[r] = verdict == ROW_KEPT;
            count_verdict(verdict, report);
        }
        if (keep)
            out = build_output(in, keep, cols.kept, err, err_size);
    }
    free(keep);
    columns_free(&cols);
    return out;
}
