/*
 * features.c — pipe_features_build: plan which input columns are kept and
 * which quantities the computed features read, fill the new table row by
 * row, then split off the target column. See features_core.h.
 */
#include "features_core.h"
#include "table/table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the output is made of. */
typedef struct plan {
    int64_t *kept; /* input columns kept, in output order */
    size_t n_kept;
    const pipe_features_def **defs; /* computed features */
    size_t n_defs;
    int64_t quantity[2][PIPE_FEATURES_N_QUANTITIES]; /* input column, -1 when unread */
    int64_t label;                                   /* the label's source column, or -1 */
    const char **names;                              /* output column names */
    size_t n_names;
} plan;

static void plan_free(plan *p)
{
    free(p->kept);
    free((void *)p->defs);
    free((void *)p->names);
}

static int out_of_memory(char *err, size_t err_size)
{
    snprintf(err, err_size, "out of memory");
    return -1;
}

/* Is input column `col` the label's source or the target (left out of
 * `all` columns)? */
static int split_off(const pipe_tensor *in, int64_t col, const pipe_features_config *cfg)
{
    const char *name = in->columns[col];
    return (cfg->label && strcmp(name, cfg->label->column) == 0) ||
           (cfg->target && strcmp(name, cfg->target) == 0);
}

static int plan_kept(const pipe_tensor *in, const pipe_features_config *cfg, plan *p, char *err,
                     size_t err_size)
{
    int64_t width = in->shape[1];
    p->kept = malloc((size_t)(width + (int64_t)cfg->n_columns + 1) * sizeof *p->kept);
    if (!p->kept)
        return out_of_memory(err, err_size);
    if (!cfg->all_columns) {
        p->n_kept = cfg->n_columns;
        return pipe_table_find_all(in, cfg->columns, cfg->n_columns, p->kept, err, err_size);
    }
    for (int64_t c = 0; c < width; c++)
        if (!split_off(in, c, cfg))
            p->kept[p->n_kept++] = c;
    return 0;
}

/* Resolve the computed features and the input columns they read. */
static int plan_features(const pipe_tensor *in, const pipe_features_config *cfg, plan *p, char *err,
                         size_t err_size)
{
    size_t bad;
    if (pipe_features_check_names(cfg->add, cfg->n_add, &bad, err, err_size) != 0)
        return -1;
    p->defs = malloc((cfg->n_add + 1) * sizeof *p->defs);
    if (!p->defs)
        return out_of_memory(err, err_size);
    unsigned needs = 0;
    for (size_t i = 0; i < cfg->n_add; i++) {
        p->defs[p->n_defs++] = pipe_features_find(cfg->add[i]);
        needs |= p->defs[i]->needs;
    }
    for (int e = 0; e < 2; e++)
        for (int q = 0; q < PIPE_FEATURES_N_QUANTITIES; q++) {
            p->quantity[e][q] = -1;
            if (!(needs & (1u << q)))
                continue;
            char name[16], reason[768];
            pipe_features_column_name(q, e, name, sizeof name);
            p->quantity[e][q] = pipe_table_find(in, name, reason, sizeof reason);
            if (p->quantity[e][q] < 0) {
                for (size_t i = 0; i < p->n_defs; i++)
                    if (p->defs[i]->needs & (1u << q)) {
                        snprintf(err, err_size, "feature '%s' needs column '%s': %s",
                                 p->defs[i]->name, name, reason);
                        break;
                    }
                return -1;
            }
        }
    return 0;
}

/* The output names; an error when one repeats. */
static int plan_names(const pipe_tensor *in, const pipe_features_config *cfg, plan *p, char *err,
                      size_t err_size)
{
    p->names = malloc((p->n_kept + p->n_defs + 2) * sizeof *p->names);
    if (!p->names)
        return out_of_memory(err, err_size);
    for (size_t i = 0; i < p->n_kept; i++)
        p->names[p->n_names++] = in->columns[p->kept[i]];
    for (size_t i = 0; i < p->n_defs; i++)
        p->names[p->n_names++] = p->defs[i]->name;
    if (cfg->label)
        p->names[p->n_names++] = cfg->label->name;
    for (size_t i = 0; i < p->n_names; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(p->names[i], p->names[j]) == 0) {
                snprintf(err, err_size, "the output would have two columns called '%s' (%s)",
                         p->names[i],
                         i < p->n_kept ? "listed twice in columns"
                         : i < p->n_kept + p->n_defs
                             ? "a computed feature of the same name as a column or feature"
                             : "the label's name is already a column");
                return -1;
            }
    return 0;
}

static int make_plan(const pipe_tensor *in, const pipe_features_config *cfg, plan *p, char *err,
                     size_t err_size)
{
    *p = (plan){.label = -1};
    if (plan_kept(in, cfg, p, err, err_size) != 0 || plan_features(in, cfg, p, err, err_size))
        return -1;
    if (cfg->label) {
        char reason[768];
        p->label = pipe_table_find(in, cfg->label->column, reason, sizeof reason);
        if (p->label < 0) {
            snprintf(err, err_size, "label: %s", reason);
            return -1;
        }
    }
    return plan_names(in, cfg, p, err, err_size);
}

/* Fill one output row from input row `src`. */
static void fill_row(const plan *p, const pipe_features_config *cfg, const double *src, double *dst)
{
    pipe_features_pair pair;
    for (int e = 0; e < 2; e++)
        for (int q = 0; q < PIPE_FEATURES_N_QUANTITIES; q++)
            pair.q[e][q] = p->quantity[e][q] >= 0 ? src[p->quantity[e][q]] : NAN;
    for (size_t i = 0; i < p->n_kept; i++)
        *dst++ = src[p->kept[i]];
    for (size_t i = 0; i < p->n_defs; i++)
        *dst++ = p->defs[i]->compute(&pair);
    if (cfg->label) {
        double v = src[p->label];
        *dst = isnan(v) ? NAN : (v >= cfg->label->lo && v <= cfg->label->hi);
    }
}

/* Is `name` listed in cfg->columns? */
static int listed(const pipe_features_config *cfg, const char *name)
{
    for (size_t i = 0; !cfg->all_columns && i < cfg->n_columns; i++)
        if (strcmp(cfg->columns[i], name) == 0)
            return 1;
    return 0;
}

/* Take the target out of *table (or of the input), removing its column
 * from *table unless it was listed. */
static int split_target(const pipe_tensor *in, const pipe_features_config *cfg, pipe_tensor **table,
                        pipe_tensor **target, char *err, size_t err_size)
{
    int64_t col = pipe_tensor_column(*table, cfg->target);
    if (col < 0) {
        col = pipe_table_find(in, cfg->target, err, err_size);
        if (col < 0)
            return -1;
        *target = pipe_table_column_vector(in, col);
        return *target ? 0 : out_of_memory(err, err_size);
    }
    *target = pipe_table_column_vector(*table, col);
    if (!*target)
        return out_of_memory(err, err_size);
    if (listed(cfg, cfg->target))
        return 0;
    int64_t width = (*table)->shape[1], rows = (*table)->shape[0], n = 0;
    int64_t *cols = malloc((size_t)width * sizeof *cols);
    uint8_t *all_rows = malloc((size_t)rows + 1);
    pipe_tensor *rest = NULL;
    if (cols && all_rows) {
        for (int64_t c = 0; c < width; c++)
            if (c != col)
                cols[n++] = c;
        memset(all_rows, 1, (size_t)rows);
        rest = pipe_table_take(*table, all_rows, cols, n);
    }
    free(cols);
    free(all_rows);
    if (!rest)
        return out_of_memory(err, err_size);
    pipe_tensor_release(*table);
    *table = rest;
    return 0;
}

int pipe_features_build(const pipe_tensor *in, const pipe_features_config *cfg, pipe_tensor **table,
                        pipe_tensor **target, char *err, size_t err_size)
{
    *table = *target = NULL;
    if (!pipe_table_is_table(in)) {
        snprintf(err, err_size,
                 "expected an f64 table with column names, found a %s tensor of "
                 "rank %d",
                 pipe_dtype_name(in->dtype), in->rank);
        return -1;
    }
    plan p;
    int status = make_plan(in, cfg, &p, err, err_size);
    if (status == 0) {
        int64_t rows = in->shape[0], width = in->shape[1], n_out = (int64_t)p.n_names;
        *table = pipe_table_new(rows, n_out, p.names, NULL);
        status = *table ? 0 : out_of_memory(err, err_size);
        for (int64_t r = 0; status == 0 && r < rows; r++)
            fill_row(&p, cfg, (const double *)in->data + r * width,
                     (double *)(*table)->data + r * n_out);
    }
    if (status == 0 && cfg->target)
        status = split_target(in, cfg, table, target, err, err_size);
    if (status != 0) {
        pipe_tensor_release(*table);
        pipe_tensor_release(*target);
        *table = *target = NULL;
    }
    plan_free(&p);
    return status;
}

int pipe_features_check_names(const char *const *names, size_t n, size_t *bad, char *err,
                              size_t err_size)
{
    size_t n_known;
    const pipe_features_def *known = pipe_features_list(&n_known);
    const char *known_names[32];
    for (size_t i = 0; i < n_known && i < 32; i++)
        known_names[i] = known[i].name;
    for (size_t i = 0; i < n; i++) {
        if (pipe_features_find(names[i]))
            continue;
        char hint[128];
        *bad = i;
        size_t len =
            (size_t)snprintf(err, err_size, "unknown feature '%s'%s; known: ", names[i],
                             pipe_suggest_text(names[i], known_names, n_known, hint, sizeof hint));
        for (size_t k = 0; k < n_known && len < err_size; k++)
            len +=
                (size_t)snprintf(err + len, err_size - len, "%s%s", k ? ", " : "", known_names[k]);
        return -1;
    }
    return 0;
}
