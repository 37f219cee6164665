/*
 * bench_timing.h — the timing helpers the benchmarks share (header only):
 * a monotonic clock in seconds and an ascending sort of timings, so that
 * t[0] is the best run, t[n / 2] the median and t[n * 9 / 10] the 90th
 * percentile. Benchmarks print figures; they never pass or fail.
 *
 * bench_store_rate reads the state of the core a benchmark runs on: on
 * the shared virtual machines we measure on, the rate at which a core
 * stores to its own L1 cache halves for seconds at a time (while the host
 * runs other work on the core's second hardware thread, which takes half
 * of the core's store queue), and every store-heavy benchmark slows with
 * it — GEMM packing, optimizer updates. Printing it beside a figure says
 * which state the figure was taken in.
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

/* CPU seconds of this process (an arbitrary origin): on a shared machine
 * the monotonic clock also counts the time other jobs held the core. */
static inline double bench_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
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

/* GB/s stored to a 16 KiB buffer that stays in L1: the median of 64
 * passes of 8 sweeps (about half a millisecond). */
static inline double bench_store_rate(void)
{
    enum { reals = 4096, passes = 64, sweeps = 8 };
    float buf[reals];
    double t[passes];
    for (int p = 0; p < passes; p++) {
        double t0 = bench_now();
        for (int s = 0; s < sweeps; s++) {
            float value = (float)(p * sweeps + s);
            for (int i = 0; i < reals; i++)
                buf[i] = value;
            __asm__ volatile("" : : "r"(buf) : "memory"); /* the stores happen */
        }
        t[p] = bench_now() - t0;
    }
    bench_sort(t, passes);
    return (double)sweeps * sizeof buf / t[passes / 2] * 1e-9;
}

#endif
