/*
 * regression.c — regression metrics (scikit-learn's definitions),
 * numpy-style percentiles and the MAE per mass bin. See metrics_core.h.
 */
#include "metrics_core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double pipe_metrics_percentile(const double *sorted, int64_t n, double q)
{
    double h = (double)(n - 1) * q / 100.0;
    int64_t lo = (int64_t)floor(h);
    if (lo >= n - 1)
        return sorted[n - 1];
    return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

/* Sum of squared deviations of truth from its mean. */
static double total_sum_of_squares(const double *truth, int64_t n)
{
    double mean = 0, ss = 0;
    for (int64_t i = 0; i < n; i++)
        mean += truth[i];
    mean /= (double)n;
    for (int64_t i = 0; i < n; i++)
        ss += (truth[i] - mean) * (truth[i] - mean);
    return ss;
}

/* Median of the absolute errors and percentiles of the relative ones. */
static int error_quantiles(const double *pred, const double *truth, int64_t n,
                           pipe_metrics_regression *out)
{
    double *abs_err = malloc((size_t)n * sizeof *abs_err);
    double *rel_err = malloc((size_t)n * sizeof *rel_err);
    if (!abs_err || !rel_err) {
        free(abs_err);
        free(rel_err);
        return -1;
    }
    int64_t n_rel = 0;
    for (int64_t i = 0; i < n; i++) {
        abs_err[i] = fabs(pred[i] - truth[i]);
        if (truth[i] != 0)
            rel_err[n_rel++] = abs_err[i] / fabs(truth[i]);
    }
    qsort(abs_err, (size_t)n, sizeof *abs_err, by_value);
    qsort(rel_err, (size_t)n_rel, sizeof *rel_err, by_value);
    out->median_ae = pipe_metrics_percentile(abs_err, n, 50);
    out->rel_count = n_rel;
    out->rel_p50 = n_rel ? pipe_metrics_percentile(rel_err, n_rel, 50) : NAN;
    out->rel_p90 = n_rel ? pipe_metrics_percentile(rel_err, n_rel, 90) : NAN;
    out->rel_p99 = n_rel ? pipe_metrics_percentile(rel_err, n_rel, 99) : NAN;
    free(abs_err);
    free(rel_err);
    return 0;
}

int pipe_metrics_regress(const double *pred, const double *truth, int64_t n,
                         pipe_metrics_regression *out, char *err, size_t err_size)
{
    *out = (pipe_metrics_regression){.count = n};
    if (n < 1) {
        snprintf(err, err_size, "no rows to evaluate");
        return -1;
    }
    double abs_sum = 0, sq_sum = 0;
    for (int64_t i = 0; i < n; i++) {
        double e = pred[i] - truth[i];
        abs_sum += fabs(e);
        sq_sum += e * e;
    }
    out->mae = abs_sum / (double)n;
    out->mse = sq_sum / (double)n;
    out->rmse = sqrt(out->mse);
    double ss_tot = total_sum_of_squares(truth, n);
    out->r2 = ss_tot > 0 ? 1.0 - sq_sum / ss_tot : (sq_sum == 0 ? 1.0 : 0.0);
    if (error_quantiles(pred, truth, n, out) != 0) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    return 0;
}

int pipe_metrics_check_edges(const double *edges, size_t n_edges, char *err, size_t err_size)
{
    if (n_edges < 2) {
        snprintf(err, err_size, "expected at least 2 bin edges, found %zu", n_edges);
        return -1;
    }
    for (size_t i = 1; i < n_edges; i++)
        if (!(edges[i] > edges[i - 1])) {
            snprintf(err, err_size,
                     "bin edges must increase: edge %zu (%g) is not above edge "
                     "%zu (%g)",
                     i + 1, edges[i], i, edges[i - 1]);
            return -1;
        }
    return 0;
}

int64_t pipe_metrics_bin_index(double v, const double *edges, size_t n_edges)
{
    size_t last = n_edges - 1;
    if (!(v >= edges[0]))
        return -1;
    if (v > edges[last])
        return (int64_t)last;
    if (v == edges[last])
        return (int64_t)last - 1;
    size_t lo = 0, hi = last; /* edges[lo] <= v < edges[hi] */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (v < edges[mid])
            hi = mid;
        else
            lo = mid;
    }
    return (int64_t)lo;
}

void pipe_metrics_bins(const double *pred, const double *truth, const double *mass, int64_t n,
                       const double *edges, size_t n_edges, pipe_metrics_bin *bins)
{
    size_t n_bins = n_edges - 1;
    for (size_t b = 0; b < n_bins; b++)
        bins[b] = (pipe_metrics_bin){.lo = edges[b], .hi = edges[b + 1]};
    for (int64_t i = 0; i < n; i++) {
        int64_t b = pipe_metrics_bin_index(mass[i], edges, n_edges);
        if (b >= 0 && (size_t)b < n_bins) {
            bins[b].count++;
            bins[b].mae += fabs(pred[i] - truth[i]); /* the sum, divided below */
        }
    }
    for (size_t b = 0; b < n_bins; b++)
        bins[b].mae = bins[b].count ? bins[b].mae / (double)bins[b].count : NAN;
}
