/*
 * test_cleaner_core.c — pipe_cleaner_apply on hand-built tables: each
 * reason, the order of the reasons, dropped columns, missing columns, and
 * the physics checks at their tolerance boundaries.
 */
#include "cleaner.h"
#include "table/table.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

static const char *const physics_cols[] = {"E1",  "px1", "py1", "pz1", "E2", "px2",
                                           "py2", "pz2", "M",   "Q1",  "Q2"};

/* A genuine-looking pair: two massless electrons back to back along x,
 * each of energy e: M = 2 e. */
static void pair_row(double *row, double e, double q1, double q2)
{
    double values[11] = {e, e, 0, 0, e, -e, 0, 0, 2 * e, q1, q2};
    memcpy(row, values, sizeof values);
}

static pipe_cleaner_config default_config(void)
{
    return (pipe_cleaner_config){.energy_tolerance = PIPE_CLEANER_ENERGY_TOLERANCE,
                                 .mass_tolerance = PIPE_CLEANER_MASS_TOLERANCE};
}

static pipe_tensor *clean(const pipe_tensor *in, const pipe_cleaner_config *cfg,
                          pipe_cleaner_report *rep, int64_t *range_counts)
{
    char err[512] = "";
    rep->range = range_counts;
    pipe_tensor *out = pipe_cleaner_apply(in, cfg, rep, err, sizeof err);
    cr_assert_not_null(out, "apply failed: %s", err);
    return out;
}

Test(cleaner_core, each_reason_counted_once_in_order)
{
    double rows[7][11];
    pair_row(rows[0], 10, 1, -1); /* kept */
    pair_row(rows[1], 20, 1, -1); /* NaN in M (and bad energy): counted as NaN */
    rows[1][8] = NAN;
    rows[1][0] = 0;
    pair_row(rows[2], 30, 1, -1); /* E1 = 0: energy below momentum (and M wrong) */
    rows[2][0] = 0;
    pair_row(rows[3], 40, 1, -1); /* E1 far too large: mass mismatch only */
    rows[3][0] = 400;
    pair_row(rows[4], 60, 1, -1);    /* M = 120: outside the range */
    pair_row(rows[5], 25, 1, 1);     /* same sign: charge */
    pair_row(rows[6], 55.5, -1, -1); /* M = 111 out of range AND same sign: range first */
    pipe_tensor *in = pipe_table_new(7, 11, physics_cols, &rows[0][0]);
    pipe_cleaner_range range = {"M", 2, 110};
    pipe_cleaner_config cfg = default_config();
    cfg.physics_check = 1;
    cfg.ranges = &range;
    cfg.n_ranges = 1;
    cfg.charge = PIPE_CLEANER_CHARGE_OPPOSITE;
    int64_t range_count[1];
    pipe_cleaner_report rep;
    pipe_tensor *out = clean(in, &cfg, &rep, range_count);
    cr_assert_eq(rep.rows_in, 7);
    cr_assert_eq(rep.rows_out, 1);
    cr_assert_eq(rep.nan, 1);
    cr_assert_eq(rep.energy_below_momentum, 1);
    cr_assert_eq(rep.mass_mismatch, 1);
    cr_assert_eq(range_count[0], 2, "M = 120 and M = 111 are out of [2, 110]");
    cr_assert_eq(rep.charge, 1);
    cr_assert_eq(out->shape[0], 1);
    cr_assert_eq(out->shape[1], 11);
    cr_assert_eq(memcmp(out->data, rows[0], sizeof rows[0]), 0, "the kept row is unchanged");
    cr_assert_str_eq(out->columns[8], "M");
    pipe_tensor_release(out);
    pipe_tensor_release(in);
}

Test(cleaner_core, charge_same_keeps_same_sign_only)
{
    double rows[3][11];
    pair_row(rows[0], 10, 1, -1);
    pair_row(rows[1], 10, 1, 1);
    pair_row(rows[2], 10, -1, -1);
    pipe_tensor *in = pipe_table_new(3, 11, physics_cols, &rows[0][0]);
    pipe_cleaner_config cfg = default_config();
    cfg.charge = PIPE_CLEANER_CHARGE_SAME;
    pipe_cleaner_report rep;
    pipe_tensor *out = clean(in, &cfg, &rep, NULL);
    cr_assert_eq(rep.charge, 1);
    cr_assert_eq(rep.rows_out, 2);
    cr_assert_float_eq(((double *)out->data)[9], 1.0, 0);
    cr_assert_float_eq(((double *)out->data)[11 + 9], -1.0, 0);
    pipe_tensor_release(out);
    pipe_tensor_release(in);
}

Test(cleaner_core, dropped_columns_are_not_checked_for_nan_by_default)
{
    const char *names[] = {"a", "b", "c"};
    double values[] = {1, NAN, 3,   /* NaN only in dropped b: kept */
                       4, 5,   NAN, /* NaN in kept c: dropped */
                       7, 8,   9};
    pipe_tensor *in = pipe_table_new(3, 3, names, values);
    const char *drop[] = {"b"};
    pipe_cleaner_config cfg = default_config();
    cfg.drop_columns = drop;
    cfg.n_drop_columns = 1;
    pipe_cleaner_report rep;
    pipe_tensor *out = clean(in, &cfg, &rep, NULL);
    cr_assert_eq(rep.nan, 1);
    cr_assert_eq(out->shape[0], 2);
    cr_assert_eq(out->shape[1], 2);
    cr_assert_str_eq(out->columns[0], "a");
    cr_assert_str_eq(out->columns[1], "c");
    const double *d = out->data;
    cr_assert(d[0] == 1 && d[1] == 3 && d[2] == 7 && d[3] == 9);
    pipe_tensor_release(out);
    pipe_tensor_release(in);
}

Test(cleaner_core, dropna_list_and_none)
{
    const char *names[] = {"a", "b"};
    double values[] = {NAN, 1, 2, NAN, 3, 4};
    pipe_tensor *in = pipe_table_new(3, 2, names, values);
    const char *only_a[] = {"a"};
    pipe_cleaner_config cfg = default_config();
    cfg.nan_mode = PIPE_CLEANER_NAN_LIST;
    cfg.nan_columns = only_a;
    cfg.n_nan_columns = 1;
    pipe_cleaner_report rep;
    pipe_tensor *out = clean(in, &cfg, &rep, NULL);
    cr_assert_eq(rep.nan, 1);
    cr_assert_eq(rep.rows_out, 2);
    cr_assert(isnan(((double *)out->data)[1]), "the NaN in b survives");
    pipe_tensor_release(out);
    cfg.nan_mode = PIPE_CLEANER_NAN_NONE;
    out = clean(in, &cfg, &rep, NULL);
    cr_assert_eq(rep.nan, 0);
    cr_assert_eq(rep.rows_out, 3);
    pipe_tensor_release(out);
    pipe_tensor_release(in);
}

Test(cleaner_core, missing_column_is_an_error_with_suggestion)
{
    const char *names[] = {"E1", "px1", "M"};
    pipe_tensor *in = pipe_table_new(1, 3, names, NULL);
    pipe_cleaner_range range = {"m", 2, 110};
    pipe_cleaner_config cfg = default_config();
    cfg.ranges = &range;
    cfg.n_ranges = 1;
    int64_t count[1];
    pipe_cleaner_report rep = {.range = count};
    char err[256];
    cr_assert_null(pipe_cleaner_apply(in, &cfg, &rep, err, sizeof err));
    cr_assert_str_eq(err, "no column 'm' in the table (did you mean 'M'?); its columns are "
                          "E1, px1, M");
    cfg.n_ranges = 0;
    cfg.physics_check = 1;
    cr_assert_null(pipe_cleaner_apply(in, &cfg, &rep, err, sizeof err));
    cr_assert_str_eq(err, "no column 'py1' in the table (did you mean 'px1'?); its columns "
                          "are E1, px1, M");
    pipe_tensor_release(in);
}

Test(cleaner_core, rejects_a_tensor_that_is_not_a_table)
{
    pipe_tensor *in = pipe_tensor_new2(PIPE_F32, 2, 2);
    pipe_cleaner_config cfg = default_config();
    pipe_cleaner_report rep = {0};
    char err[256];
    cr_assert_null(pipe_cleaner_apply(in, &cfg, &rep, err, sizeof err));
    cr_assert_str_eq(err, "expected an f64 table with column names, found a f32 tensor of "
                          "rank 2 without column names");
    pipe_tensor_release(in);
}

Test(cleaner_core, energy_tolerance_boundary)
{
    /* |p| = 5 (3-4-0 triangle). */
    cr_assert(pipe_cleaner_energy_ok(5.0, 3, 4, 0, 1e-4));
    cr_assert(pipe_cleaner_energy_ok(5.0 * (1 - 0.9e-4), 3, 4, 0, 1e-4));
    cr_assert(!pipe_cleaner_energy_ok(5.0 * (1 - 1.1e-4), 3, 4, 0, 1e-4));
    cr_assert(!pipe_cleaner_energy_ok(0.0, 3, 4, 0, 1e-4));
    cr_assert(pipe_cleaner_energy_ok(700.0, 3, 4, 0, 1e-4), "too large is not below |p|");
    cr_assert(!pipe_cleaner_energy_ok(NAN, 3, 4, 0, 1e-4), "NaN energy fails");
}

Test(cleaner_core, mass_tolerance_scales_with_total_energy_squared)
{
    /* Two 50 GeV electrons at right angles: m^2 = 2 * 50 * 50 = 5000,
     * (E1 + E2)^2 = 10000, so a tolerance of 1e-4 allows |M^2 - 5000| <= 1. */
    double a[4] = {50, 50, 0, 0}, b[4] = {50, 0, 50, 0};
    double m = sqrt(5000.0);
    cr_assert(pipe_cleaner_mass_ok(a, b, m, 1e-4));
    cr_assert(pipe_cleaner_mass_ok(a, b, sqrt(5000.9), 1e-4));
    cr_assert(pipe_cleaner_mass_ok(a, b, sqrt(4999.1), 1e-4));
    cr_assert(!pipe_cleaner_mass_ok(a, b, sqrt(5001.1), 1e-4));
    cr_assert(!pipe_cleaner_mass_ok(a, b, sqrt(4998.9), 1e-4));
}
