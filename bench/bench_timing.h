/*
 * bench_timing.h — the timing helpers the benchmarks share (header only):
 * a monotonic clock in seconds and an ascending sort of timings, so that
 * t[0] is the best run, t[n / 2] the median and t[n * 9 / 10] the 90th
 * percentile. Benchmarks print figures; they never pass or fail.
 */
#ifndef PIPE_BENCH_TIMING_H
#define PIPE_BENCH_TIMING_H

#include <stddef.h>
#include <stdlib.h>
#include <time.h>

/* Seconds on the monotonic clock (an arbitrary origin: take differences). */
static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline int bench_compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sort n timings in ascending order. */
static inline void bench_sort(double *t, size_t n)
{
    qsort(t, n, sizeof *t, bench_compare_doubles);
}

#endif
