/*
 * windows.c — rows counted by predicted class inside closed windows of a
 * column (see windows.h).
 */
#include "windows.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int pipe_metrics_check_windows(const double *bounds, size_t n_bounds, char *err, size_t err_size)
{
    if (n_bounds < 2 || n_bounds % 2) {
        snprintf(err, err_size, "expected pairs [lo, hi, lo, hi, ...], found %zu value%s", n_bounds,
                 n_bounds == 1 ? "" : "s");
        return -1;
    }
    for (size_t w = 0; w < n_bounds / 2; w++) {
        double lo = bounds[2 * w], hi = bounds[2 * w + 1];
        if (!isfinite(lo) || !isfinite(hi) || !(lo < hi)) {
            snprintf(err, err_size, "window %zu is [%g, %g]: expected finite lo < hi", w + 1, lo,
                     hi);
            return -1;
        }
    }
    return 0;
}

int pipe_metrics_window_counts(const double *column, const double *cls, int64_t n,
                               const double *bounds, size_t n_bounds, int64_t k, int64_t *counts,
                               char *err, size_t err_size)
{
    size_t windows = n_bounds / 2;
    memset(counts, 0, windows * (size_t)k * sizeof *counts);
    for (int64_t i = 0; i < n; i++) {
        double c = cls[i];
        if (!(c >= 0 && c < (double)k && c == floor(c))) {
            snprintf(err, err_size, "row %lld has class %g (expected 0 to %lld)", (long long)i, c,
                     (long long)(k - 1));
            return -1;
        }
        for (size_t w = 0; w < windows; w++)
            if (column[i] >= bounds[2 * w] && column[i] <= bounds[2 * w + 1])
                counts[w * (size_t)k + (size_t)c]++;
    }
    return 0;
}
