/*
 * test_stats.c — the numbers behind the plots against closed forms and
 * NumPy's definitions: quantiles, Pearson correlation, histograms and
 * per-bin profiles. (ROC curves are the metrics library's, tested there.)
 */
#include "stats.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

Test(stats, quantile_interpolates_like_numpy)
{
    double v[] = {4, 1, 3, 2};
    cr_assert_float_eq(plot_quantile(v, 4, 0.5), 2.5, 1e-12);
    cr_assert_float_eq(plot_quantile(v, 4, 0.0), 1.0, 1e-12);
    cr_assert_float_eq(plot_quantile(v, 4, 1.0), 4.0, 1e-12);
    cr_assert_float_eq(plot_quantile(v, 4, 0.25), 1.75, 1e-12);
}

Test(stats, pearson_against_the_textbook_example)
{
    double x[] = {1, 2, 3, 4, 5}, y[] = {2, 4, 5, 4, 5}, z[5], c[] = {3, 3, 3, 3, 3};
    /* Σdxdy = 6, Σdx² = 10, Σdy² = 6 */
    cr_assert_float_eq(plot_pearson(x, y, 5), 6 / sqrt(60.0), 1e-12);
    for (int i = 0; i < 5; i++)
        z[i] = -2 * x[i] + 7;
    cr_assert_float_eq(plot_pearson(x, z, 5), -1.0, 1e-12);
    cr_assert(isnan(plot_pearson(x, c, 5)));
}

Test(stats, histogram_counts_and_overflows)
{
    double v[] = {0, 0.5, 1, 1.5, 2, -1, 3}, edges[] = {0, 1, 2}, counts[2];
    size_t under, over;
    plot_histogram(v, 7, edges, 2, counts, &under, &over);
    cr_assert_float_eq(counts[0], 2.0, 0); /* 0, 0.5 */
    cr_assert_float_eq(counts[1], 3.0, 0); /* 1, 1.5 and 2 on the closed last edge */
    cr_assert_eq(under, 1);
    cr_assert_eq(over, 1);
}

Test(stats, weighted_histogram_sums_the_weights)
{
    /* bin [0, 1): weights 2 and -0.5; bin [1, 2]: 1, 4 and 0.25 */
    double v[] = {0, 0.5, 1, 1.5, 2, -1, 3}, w[] = {2, -0.5, 1, 4, 0.25, 9, 9};
    double edges[] = {0, 1, 2}, counts[2];
    size_t under, over;
    plot_histogram_weighted(v, w, 7, edges, 2, counts, &under, &over);
    cr_assert_float_eq(counts[0], 1.5, 0);
    cr_assert_float_eq(counts[1], 5.25, 0);
    cr_assert_eq(under, 1);
    cr_assert_eq(over, 1);
}

Test(stats, log_edges_are_geometric)
{
    double edges[3];
    plot_edges_log(1, 100, 2, edges);
    cr_assert_float_eq(edges[0], 1.0, 1e-12);
    cr_assert_float_eq(edges[1], 10.0, 1e-12);
    cr_assert_float_eq(edges[2], 100.0, 1e-12);
}

Test(stats, profile_mean_and_spread_per_bin)
{
    double x[] = {0.5, 0.5, 1.5}, y[] = {1, 3, 10}, edges[] = {0, 1, 2, 3};
    double mean[3], sd[3];
    size_t count[3];
    plot_profile(x, y, 3, edges, 3, mean, sd, count);
    cr_assert_float_eq(mean[0], 2.0, 1e-12);
    cr_assert_float_eq(sd[0], 1.0, 1e-12);
    cr_assert_float_eq(mean[1], 10.0, 1e-12);
    cr_assert_float_eq(sd[1], 0.0, 1e-12);
    cr_assert(isnan(mean[2]) && isnan(sd[2]));
    cr_assert_eq(count[0], 2);
    cr_assert_eq(count[2], 0);
}

Test(stats, quantile_agrees_with_sorting)
{
    /* a shuffled permutation of 0..999 with duplicates: rank k holds k / 2 */
    enum { N = 1000 };
    double v[N];
    for (int i = 0; i < N; i++)
        v[i] = (double)((i * 617) % N / 2);
    cr_assert_float_eq(plot_quantile(v, N, 0.0), 0.0, 1e-12);
    cr_assert_float_eq(plot_quantile(v, N, 1.0), 499.0, 1e-12);
    /* position 0.995 × 999 = 994.005: between ranks 994 (497) and 995 (497) */
    cr_assert_float_eq(plot_quantile(v, N, 0.995), 497.0, 1e-12);
    /* position 0.5 × 999 = 499.5: between ranks 499 (249) and 500 (250) */
    cr_assert_float_eq(plot_quantile(v, N, 0.5), 249.5, 1e-12);
}
