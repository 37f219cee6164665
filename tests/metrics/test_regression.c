/*
 * test_regression.c — regression metrics, numpy-style percentiles and the
 * MAE per mass bin against values computed by hand.
 */
#include "metrics_core.h"

#include <criterion/criterion.h>
#include <math.h>

Test(regression, hand_computed_example)
{
    /* errors 1, 0, -2, -1; truth mean 5.75, SS_tot 48.75, SS_res 6;
     * relative errors sorted 0, 0.1, 0.25, 1. */
    double pred[4] = {2, 4, 6, 9}, truth[4] = {1, 4, 8, 10};
    pipe_metrics_regression m;
    char err[128];
    cr_assert_eq(pipe_metrics_regress(pred, truth, 4, &m, err, sizeof err), 0);
    cr_assert_eq(m.count, 4);
    cr_assert_float_eq(m.mae, 1.0, 1e-15);
    cr_assert_float_eq(m.mse, 1.5, 1e-15);
    cr_assert_float_eq(m.rmse, sqrt(1.5), 1e-15);
    cr_assert_float_eq(m.r2, 1 - 6 / 48.75, 1e-15);
    cr_assert_float_eq(m.median_ae, 1.0, 1e-15);
    cr_assert_eq(m.rel_count, 4);
    cr_assert_float_eq(m.rel_p50, 0.175, 1e-15);
    cr_assert_float_eq(m.rel_p90, 0.775, 1e-15);
    cr_assert_float_eq(m.rel_p99, 0.9775, 1e-15);
}

Test(regression, r2_of_a_constant_truth_and_zero_truth_rows)
{
    double truth[2] = {3, 3}, exact[2] = {3, 3}, off[2] = {3, 4};
    pipe_metrics_regression m;
    char err[128];
    pipe_metrics_regress(exact, truth, 2, &m, err, sizeof err);
    cr_assert_float_eq(m.r2, 1.0, 0, "scikit-learn: perfect prediction of a constant");
    pipe_metrics_regress(off, truth, 2, &m, err, sizeof err);
    cr_assert_float_eq(m.r2, 0.0, 0, "scikit-learn: imperfect prediction of a constant");
    double zero_truth[2] = {0, 2}, pred[2] = {1, 1};
    pipe_metrics_regress(pred, zero_truth, 2, &m, err, sizeof err);
    cr_assert_eq(m.rel_count, 1, "true 0 is left out of the relative errors");
    cr_assert_float_eq(m.rel_p50, 0.5, 0);
    cr_assert_eq(pipe_metrics_regress(pred, zero_truth, 0, &m, err, sizeof err), -1);
    cr_assert_str_eq(err, "no rows to evaluate");
}

Test(regression, percentiles_interpolate_like_numpy)
{
    /* numpy.percentile([1, 2, 3, 4, 10], q): 50 -> 3, 90 -> 7.6, 99 -> 9.76,
     * 0 -> 1, 100 -> 10, 25 -> 2. */
    double sorted[5] = {1, 2, 3, 4, 10};
    cr_assert_float_eq(pipe_metrics_percentile(sorted, 5, 50), 3.0, 1e-15);
    cr_assert_float_eq(pipe_metrics_percentile(sorted, 5, 90), 7.6, 1e-14);
    cr_assert_float_eq(pipe_metrics_percentile(sorted, 5, 99), 9.76, 1e-14);
    cr_assert_float_eq(pipe_metrics_percentile(sorted, 5, 0), 1.0, 0);
    cr_assert_float_eq(pipe_metrics_percentile(sorted, 5, 100), 10.0, 0);
    cr_assert_float_eq(pipe_metrics_percentile(sorted, 5, 25), 2.0, 0);
    cr_assert_float_eq(pipe_metrics_percentile(sorted, 1, 90), 1.0, 0);
}

Test(regression, mae_per_mass_bin)
{
    double edges[3] = {0, 10, 20};
    double mass[6] = {0, 5, 10, 20, 25, NAN};
    double truth[6] = {1, 1, 1, 1, 1, 1}, pred[6] = {2, 4, 1.5, 0.5, 9, 9};
    pipe_metrics_bin bins[2];
    pipe_metrics_bins(pred, truth, mass, 6, edges, 3, bins);
    cr_assert_eq(bins[0].count, 2);
    cr_assert_float_eq(bins[0].mae, 2.0, 1e-15, "(1 + 3) / 2");
    cr_assert_eq(bins[1].count, 2, "10 and 20: the last bin is closed");
    cr_assert_float_eq(bins[1].mae, 0.5, 1e-15);
    cr_assert(bins[1].lo == 10 && bins[1].hi == 20);
    double empty_edges[3] = {100, 200, 300};
    pipe_metrics_bins(pred, truth, mass, 6, empty_edges, 3, bins);
    cr_assert_eq(bins[0].count, 0);
    cr_assert(isnan(bins[0].mae));
}

Test(regression, bin_edges_are_checked)
{
    char err[128];
    double good[3] = {2, 5, 12}, flat[3] = {2, 5, 5}, one[1] = {2};
    cr_assert_eq(pipe_metrics_check_edges(good, 3, err, sizeof err), 0);
    cr_assert_eq(pipe_metrics_check_edges(flat, 3, err, sizeof err), -1);
    cr_assert_str_eq(err, "bin edges must increase: edge 3 (5) is not above edge 2 (5)");
    cr_assert_eq(pipe_metrics_check_edges(one, 1, err, sizeof err), -1);
    cr_assert_str_eq(err, "expected at least 2 bin edges, found 1");
}
