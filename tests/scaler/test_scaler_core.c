/*
 * test_scaler_core.c — standard and min-max scalings against closed forms:
 * population std, fitting on some rows only, constant columns, NaN,
 * re-applying a saved scaling, and values near DBL_MAX that overflow
 * naive sums and differences.
 */
#include "scaler.h"
#include "table/table.h"

#include <criterion/criterion.h>
#include <math.h>

static const char *const names[] = {"a", "b", "c"};

static pipe_tensor *scale_all(const pipe_tensor *t, const uint8_t *use, pipe_scaler_method method,
                              pipe_tensor **scaling)
{
    int64_t cols[3] = {0, 1, 2};
    char err[256] = "";
    *scaling = pipe_scaler_fit(t, cols, 3, use, method, err, sizeof err);
    cr_assert_not_null(*scaling, "%s", err);
    pipe_tensor *out = pipe_scaler_apply(t, *scaling, method, err, sizeof err);
    cr_assert_not_null(out, "%s", err);
    return out;
}

static double at(const pipe_tensor *t, int64_t r, int64_t c)
{
    return ((const double *)t->data)[r * t->shape[1] + c];
}

Test(scaler_core, standard_uses_the_population_std)
{
    /* a = 1 2 3 4: mean 2.5, variance 1.25 (ddof 0). b constant 0.1.
     * c = -2 0 NaN 2: NaN left out, mean 0, variance 8/3. */
    double values[] = {1, 0.1, -2, 2, 0.1, 0, 3, 0.1, NAN, 4, 0.1, 2};
    pipe_tensor *t = pipe_table_new(4, 3, names, values), *scaling;
    pipe_tensor *out = scale_all(t, NULL, PIPE_SCALER_STANDARD, &scaling);
    const double *s = scaling->data;
    cr_assert_float_eq(s[0], 2.5, 1e-15);
    cr_assert_float_eq(s[3], sqrt(1.25), 1e-15);
    cr_assert_float_eq(s[4], 1.0, 0, "a constant column gets scale 1");
    cr_assert_float_eq(s[2], 0.0, 1e-15);
    cr_assert_float_eq(s[5], sqrt(8.0 / 3), 1e-15);
    cr_assert_str_eq(scaling->columns[1], "b");
    for (int r = 0; r < 4; r++) {
        cr_assert_float_eq(at(out, r, 0), (r + 1 - 2.5) / sqrt(1.25), 1e-14);
        cr_assert_float_eq(at(out, r, 1), 0.0, 1e-15);
    }
    cr_assert_float_eq(at(out, 0, 2), -2 / sqrt(8.0 / 3), 1e-14);
    cr_assert(isnan(at(out, 2, 2)), "NaN stays NaN");
    pipe_tensor_release(out);
    pipe_tensor_release(scaling);
    pipe_tensor_release(t);
}

Test(scaler_core, fitted_on_training_rows_applied_to_all)
{
    /* Rows 0 and 1 train (a = 0, 10: mean 5, std 5); row 2 (a = 20) is
     * scaled with them: (20 - 5) / 5 = 3. */
    double values[] = {0, 1, 2, 10, 3, 4, 20, 5, 6};
    uint8_t use[3] = {1, 1, 0};
    pipe_tensor *t = pipe_table_new(3, 3, names, values), *scaling;
    pipe_tensor *out = scale_all(t, use, PIPE_SCALER_STANDARD, &scaling);
    cr_assert_float_eq(at(out, 0, 0), -1.0, 1e-15);
    cr_assert_float_eq(at(out, 1, 0), 1.0, 1e-15);
    cr_assert_float_eq(at(out, 2, 0), 3.0, 1e-15);
    cr_assert_float_eq(at(out, 2, 1), (5 - 2.0) / 1.0, 1e-15);
    pipe_tensor_release(out);
    pipe_tensor_release(scaling);
    pipe_tensor_release(t);
}

Test(scaler_core, minmax_maps_the_training_range_to_unit)
{
    double values[] = {2, 7, 0, 4, 7, 1, 10, 7, 2};
    pipe_tensor *t = pipe_table_new(3, 3, names, values), *scaling;
    pipe_tensor *out = scale_all(t, NULL, PIPE_SCALER_MINMAX, &scaling);
    const double *s = scaling->data;
    cr_assert(s[0] == 2 && s[3] == 10, "rows are min and max");
    cr_assert_float_eq(at(out, 1, 0), 0.25, 1e-15);
    cr_assert_float_eq(at(out, 2, 0), 1.0, 1e-15);
    cr_assert_float_eq(at(out, 0, 1), 0.0, 0, "a constant column: range 1, x - min");
    cr_assert_float_eq(at(out, 1, 2), 0.5, 1e-15);
    pipe_tensor_release(out);
    pipe_tensor_release(scaling);
    pipe_tensor_release(t);
}

Test(scaler_core, only_the_chosen_columns_change)
{
    double values[] = {1, 100, 5, 3, 200, 6};
    pipe_tensor *t = pipe_table_new(2, 3, names, values);
    int64_t cols[1] = {1};
    char err[256];
    pipe_tensor *scaling = pipe_scaler_fit(t, cols, 1, NULL, PIPE_SCALER_STANDARD, err, sizeof err);
    pipe_tensor *out = pipe_scaler_apply(t, scaling, PIPE_SCALER_STANDARD, err, sizeof err);
    cr_assert(at(out, 0, 0) == 1 && at(out, 1, 0) == 3 && at(out, 0, 2) == 5 && at(out, 1, 2) == 6);
    cr_assert_float_eq(at(out, 0, 1), -1.0, 1e-15);
    cr_assert_float_eq(at(out, 1, 1), 1.0, 1e-15);
    pipe_tensor_release(out);
    pipe_tensor_release(scaling);
    pipe_tensor_release(t);
}

Test(scaler_core, saved_scaling_applies_by_column_name)
{
    /* A scaling of columns c and a (in that order) applied to a table
     * whose columns come as a, b, c. */
    const char *saved_names[] = {"c", "a"};
    double saved_values[] = {10, 1, /* means */ 2, 4 /* stds */};
    pipe_tensor *scaling = pipe_table_new(2, 2, saved_names, saved_values);
    double values[] = {5, 7, 14};
    pipe_tensor *t = pipe_table_new(1, 3, names, values);
    char err[256];
    pipe_tensor *out = pipe_scaler_apply(t, scaling, PIPE_SCALER_STANDARD, err, sizeof err);
    cr_assert_not_null(out, "%s", err);
    cr_assert_float_eq(at(out, 0, 0), (5 - 1) / 4.0, 1e-15);
    cr_assert_float_eq(at(out, 0, 1), 7.0, 0);
    cr_assert_float_eq(at(out, 0, 2), (14 - 10) / 2.0, 1e-15);
    pipe_tensor_release(out);
    const char *other[] = {"a", "b", "x"};
    pipe_tensor *u = pipe_table_new(1, 3, other, values);
    cr_assert_null(pipe_scaler_apply(u, scaling, PIPE_SCALER_STANDARD, err, sizeof err));
    cr_assert_str_eq(err, "no column 'c' in the table; its columns are a, "
                          "b, x");
    pipe_tensor_release(u);
    pipe_tensor_release(t);
    pipe_tensor_release(scaling);
}

Test(scaler_core, errors_without_rows_to_fit)
{
    double values[] = {1, 2, 3, NAN, 5, 6};
    pipe_tensor *t = pipe_table_new(2, 3, names, values);
    uint8_t none[2] = {0, 0}, first[2] = {0, 1};
    int64_t cols[2] = {0, 0};
    char err[256];
    cr_assert_null(pipe_scaler_fit(t, cols, 1, none, PIPE_SCALER_STANDARD, err, sizeof err));
    cr_assert_str_eq(err, "column 'a' has no value to fit on (no training row, or NaN on every "
                          "one)");
    cr_assert_null(pipe_scaler_fit(t, cols, 1, first, PIPE_SCALER_MINMAX, err, sizeof err));
    pipe_tensor *bad = pipe_tensor_new2(PIPE_F64, 3, 3);
    cr_assert_null(pipe_scaler_apply(t, bad, PIPE_SCALER_MINMAX, err, sizeof err));
    cr_assert_str_eq(err, "expected a scaling table of 2 rows (min, max) with column names, "
                          "found a f64 tensor of rank 2 with 3 rows");
    pipe_tensor_release(bad);
    pipe_tensor_release(t);
}

Test(scaler_core, constant_feature_test_matches_scikit_learn)
{
    /* var <= n eps var + (n mean eps)^2 */
    cr_assert(pipe_scaler_is_constant(0.0, 5.0, 10));
    cr_assert(pipe_scaler_is_constant(1e-30, 1.0, 10), "(10 eps)^2 = 4.9e-30");
    cr_assert(!pipe_scaler_is_constant(1e-28, 1.0, 10));
    cr_assert(!pipe_scaler_is_constant(1.25, 2.5, 4));
}

Test(scaler_core, values_near_dbl_max_do_not_overflow)
{
    /* a = 1e308, -1e308, 1e308, -1e308: the sums overflow; mean 0, std
     * 1e308, scaled to +-1. b = 1e308, 1.5e308 (twice): mean 1.25e308,
     * std 0.25e308, scaled to -1 and 1. c = 1, 2, 3, 4: a normal column,
     * unchanged. */
    double values[] = {1e308, 1e308, 1, -1e308, 1.5e308, 2, 1e308, 1e308, 3, -1e308, 1.5e308, 4};
    pipe_tensor *t = pipe_table_new(4, 3, names, values), *scaling;
    pipe_tensor *out = scale_all(t, NULL, PIPE_SCALER_STANDARD, &scaling);
    const double *s = scaling->data;
    cr_assert_float_eq(s[0], 0.0, 1e-300);
    cr_assert_float_eq(s[3], 1e308, 1e293);
    cr_assert_float_eq(s[1], 1.25e308, 1e293);
    cr_assert_float_eq(s[4], 0.25e308, 1e293);
    cr_assert_float_eq(s[2], 2.5, 0, "a normal column keeps the naive sums");
    cr_assert_float_eq(s[5], sqrt(1.25), 0);
    for (int r = 0; r < 4; r++) {
        cr_assert_float_eq(at(out, r, 0), r % 2 ? -1.0 : 1.0, 1e-15, "row %d: %g", r,
                           at(out, r, 0));
        cr_assert_float_eq(at(out, r, 1), r % 2 ? 1.0 : -1.0, 1e-15, "row %d: %g", r,
                           at(out, r, 1));
    }
    pipe_tensor_release(out);
    pipe_tensor_release(scaling);
    /* minmax over [-1e308, 1e308]: max - min overflows; 0 maps to 0.5. */
    double wide[] = {-1e308, 0, 0, 0, 0, 0, 1e308, 0, 0};
    pipe_tensor *w = pipe_table_new(3, 3, names, wide);
    out = scale_all(w, NULL, PIPE_SCALER_MINMAX, &scaling);
    cr_assert_float_eq(at(out, 0, 0), 0.0, 1e-15);
    cr_assert_float_eq(at(out, 1, 0), 0.5, 1e-15);
    cr_assert_float_eq(at(out, 2, 0), 1.0, 1e-15);
    pipe_tensor_release(out);
    pipe_tensor_release(scaling);
    pipe_tensor_release(w);
    pipe_tensor_release(t);
}
