/*
 * windows.h — pipe_metrics' window counts: rows grouped by closed windows
 * [lo, hi] of one column (mass windows around a resonance), and in each
 * window the number of rows of each predicted class. Pure logic on
 * arrays, in the static library pipe_metrics_core; the metrics stage's
 * kind: windows reports them (window_report.c).
 */
#ifndef PIPE_METRICS_WINDOWS_H
#define PIPE_METRICS_WINDOWS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Check the window bounds: n_bounds values lo_1, hi_1, lo_2, hi_2, ...,
 * an even number of at least 2, finite, each lo < hi (windows may
 * overlap). Returns 0, or -1 with the reason in err.
 */
int pipe_metrics_check_windows(const double *bounds, size_t n_bounds, char *err, size_t err_size);

/*
 * Count, for each of the n_bounds / 2 windows, the rows whose column
 * value v has lo <= v <= hi (NaN in none) by predicted class: counts
 * holds (n_bounds / 2) x k values, row-major, zeroed here. cls[i] is the
 * class of row i, a whole number in [0, k). Returns 0, or -1 with the
 * reason in err (a class outside [0, k), naming the row).
 */
int pipe_metrics_window_counts(const double *column, const double *cls, int64_t n,
                               const double *bounds, size_t n_bounds, int64_t k, int64_t *counts,
                               char *err, size_t err_size);

#ifdef __cplusplus
}
#endif
#endif /* PIPE_METRICS_WINDOWS_H */
