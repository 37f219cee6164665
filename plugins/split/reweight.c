/*
 * reweight.c — flat (pT, η) reweighting per class (see reweight.h): the
 * bins of every row, one histogram of summed weights per class, and each
 * row's weight divided by its class's bin content.
 */
#include "reweight.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The bin of x among `bins` equal bins of [lo, hi] (the last one closed). */
static int bin_of(double x, double lo, double hi, int bins)
{
    if (!(hi > lo))
        return 0;
    int b = (int)((x - lo) / (hi - lo) * bins);
    return b < 0 ? 0 : b >= bins ? bins - 1 : b;
}

/* Every value finite and every weight >= 0; the ranges of u and v. */
static int check_rows(const double *u, const double *v, const double *w, int64_t n, double lo[2],
                      double hi[2], char *err, size_t err_size)
{
    lo[0] = lo[1] = INFINITY;
    hi[0] = hi[1] = -INFINITY;
    for (int64_t r = 0; r < n; r++) {
        double wr = w ? w[r] : 1;
        if (!isfinite(u[r]) || !isfinite(v[r]) || !isfinite(wr) || wr < 0) {
            snprintf(err, err_size,
                     "row %lld: the variables must be finite and the weight finite and >= 0 "
                     "(flat reweighting divides by a histogram of weights), found %g, %g, "
                     "weight %g",
                     (long long)r, u[r], v[r], wr);
            return -1;
        }
        lo[0] = fmin(lo[0], u[r]), hi[0] = fmax(hi[0], u[r]);
        lo[1] = fmin(lo[1], v[r]), hi[1] = fmax(hi[1], v[r]);
    }
    return 0;
}

/* The index of each row's class among the distinct labels (sorted
 * order is not needed: first appearance); their count in *k. */
static int *class_index(const double *labels, int64_t n, int *k)
{
    int *idx = malloc((size_t)(n + 1) * sizeof *idx);
    double *seen = malloc((size_t)(n + 1) * sizeof *seen);
    *k = 0;
    for (int64_t r = 0; idx && seen && r < n; r++) {
        double label = labels ? labels[r] : 0;
        int c = 0;
        while (c < *k && seen[c] != label)
            c++;
        if (c == *k)
            seen[(*k)++] = label;
        idx[r] = c;
    }
    free(seen);
    return idx;
}

int pipe_reweight_flat(const double *u, const double *v, const double *labels, const double *w,
                       int64_t n, const int bins[2], double *out, char *err, size_t err_size)
{
    double lo[2], hi[2];
    if (check_rows(u, v, w, n, lo, hi, err, err_size) != 0)
        return -1;
    int k, cells = bins[0] * bins[1];
    int *cls = class_index(labels, n, &k);
    double *hist = cls ? calloc((size_t)k * cells + 1, sizeof *hist) : NULL;
    double *target = calloc((size_t)k + 1, sizeof *target);
    int64_t *bin = malloc((size_t)(n + 1) * sizeof *bin);
    int rc = cls && hist && target && bin ? 0 : -1;
    if (rc != 0)
        snprintf(err, err_size, "out of memory");
    for (int64_t r = 0; rc == 0 && r < n; r++) {
        bin[r] = (int64_t)cls[r] * cells + bin_of(u[r], lo[0], hi[0], bins[0]) * bins[1] +
                 bin_of(v[r], lo[1], hi[1], bins[1]);
        hist[bin[r]] += w ? w[r] : 1;
    }
    for (int c = 0; rc == 0 && c < k; c++) {
        double sum = 0;
        int occupied = 0;
        for (int b = 0; b < cells; b++) {
            sum += hist[(int64_t)c * cells + b];
            occupied += hist[(int64_t)c * cells + b] > 0;
        }
        target[c] = occupied ? sum / occupied : 0;
    }
    /* A bin whose weights sum to 0 holds only rows of weight 0 (all are
     * >= 0): they keep 0. */
    for (int64_t r = 0; rc == 0 && r < n; r++)
        out[r] = hist[bin[r]] > 0 ? (w ? w[r] : 1) * target[cls[r]] / hist[bin[r]] : 0;
    free(cls), free(hist), free(target), free(bin);
    return rc;
}
