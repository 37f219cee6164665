/*
 * stats.c — ranges, quantiles, histograms, profiles and correlation for
 * the plot kinds. See stats.h.
 */
#include "stats.h"

#include "metrics_core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void plot_min_max(const double *v, size_t n, double *lo, double *hi)
{
    *lo = *hi = v[0];
    for (size_t i = 1; i < n; i++) {
        if (v[i] < *lo)
            *lo = v[i];
        if (v[i] > *hi)
            *hi = v[i];
    }
}

double plot_min_positive(const double *v, size_t n)
{
    double lo = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] > 0 && (lo == 0 || v[i] < lo))
            lo = v[i];
    return lo;
}

double plot_mean(const double *v, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    return n ? sum / n : NAN;
}

static void swap(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

/* Rearrange v[0..n) so that v[k] is the value of rank k, smaller ones
 * before it and larger ones after (Hoare's selection, median-of-three
 * pivot): linear time on average. */
static void select_rank(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (hi > lo) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < v[lo])
            swap(&v[mid], &v[lo]);
        if (v[hi] < v[lo])
            swap(&v[hi], &v[lo]);
        if (v[hi] < v[mid])
            swap(&v[hi], &v[mid]);
        double pivot = v[mid];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                swap(&v[i], &v[j]);
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return;
    }
}

double plot_quantile(const double *v, size_t n, double q)
{
    double *work = n ? malloc(n * sizeof *work) : NULL;
    if (!work)
        return NAN;
    memcpy(work, v, n * sizeof *work);
    double pos = q * (double)(n - 1);
    size_t k = (size_t)floor(pos);
    select_rank(work, n, k);
    double result = work[k];
    if (k + 1 < n && pos > (double)k) { /* the next order statistic: the least above rank k */
        double next = work[k + 1];
        for (size_t i = k + 2; i < n; i++)
            next = fmin(next, work[i]);
        result += (pos - (double)k) * (next - result);
    }
    free(work);
    return result;
}

void plot_edges_linear(double lo, double hi, size_t bins, double *edges)
{
    for (size_t i = 0; i <= bins; i++)
        edges[i] = lo + (hi - lo) * (double)i / (double)bins;
    edges[bins] = hi;
}

void plot_edges_log(double lo, double hi, size_t bins, double *edges)
{
    double a = log10(lo), b = log10(hi);
    for (size_t i = 0; i <= bins; i++)
        edges[i] = pow(10.0, a + (b - a) * (double)i / (double)bins);
    edges[0] = lo;
    edges[bins] = hi;
}

/* Index of the bin holding v, or −1 below, `bins` above (the metrics
 * stage's binning, so that a plot and a table agree). */
static long find_bin(double v, const double *edges, size_t bins)
{
    return (long)pipe_metrics_bin_index(v, edges, bins + 1);
}

void plot_histogram(const double *v, size_t n, const double *edges, size_t bins, double *counts,
                    size_t *under, size_t *over)
{
    plot_histogram_weighted(v, NULL, n, edges, bins, counts, under, over);
}

void plot_histogram_weighted(const double *v, const double *w, size_t n, const double *edges,
                             size_t bins, double *counts, size_t *under, size_t *over)
{
    size_t below = 0, above = 0;
    memset(counts, 0, bins * sizeof *counts);
    for (size_t i = 0; i < n; i++) {
        long b = find_bin(v[i], edges, bins);
        if (b < 0)
            below++;
        else if ((size_t)b >= bins)
            above++;
        else
            counts[b] += w ? w[i] : 1;
    }
    if (under)
        *under = below;
    if (over)
        *over = above;
}

void plot_profile(const double *x, const double *y, size_t n, const double *edges, size_t bins,
                  double *mean, double *sd, size_t *count)
{
    double *sum2 = calloc(bins, sizeof *sum2);
    size_t *k = calloc(bins, sizeof *k);
    for (size_t b = 0; b < bins; b++)
        mean[b] = sd[b] = NAN;
    if (count)
        memset(count, 0, bins * sizeof *count);
    if (!sum2 || !k) {
        free(sum2), free(k);
        return;
    }
    long *bin_of = malloc(n * sizeof *bin_of);
    for (size_t i = 0; i < n; i++) {
        long b = find_bin(x[i], edges, bins);
        if (bin_of)
            bin_of[i] = b;
        if (b < 0 || (size_t)b >= bins)
            continue;
        mean[b] = k[b] ? mean[b] + y[i] : y[i];
        k[b]++;
    }
    for (size_t b = 0; b < bins; b++)
        if (k[b])
            mean[b] /= (double)k[b];
    /* second pass for the spread about the mean (stable for large means) */
    for (size_t i = 0; i < n; i++) {
        long b = bin_of ? bin_of[i] : find_bin(x[i], edges, bins);
        if (b >= 0 && (size_t)b < bins)
            sum2[b] += (y[i] - mean[b]) * (y[i] - mean[b]);
    }
    for (size_t b = 0; b < bins; b++) {
        if (k[b])
            sd[b] = sqrt(sum2[b] / (double)k[b]);
        if (count)
            count[b] = k[b];
    }
    free(bin_of);
    free(sum2);
    free(k);
}

double plot_pearson(const double *a, const double *b, size_t n)
{
    double ma = plot_mean(a, n), mb = plot_mean(b, n);
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) {
        double da = a[i] - ma, db = b[i] - mb;
        sab += da * db;
        saa += da * da;
        sbb += db * db;
    }
    if (saa == 0 || sbb == 0)
        return NAN;
    double r = sab / sqrt(saa * sbb);
    return r > 1 ? 1 : r < -1 ? -1 : r;
}
