/*
 * bench_select.c — the speed of the select stage's expressions: five
 * defines of about ten operations each over 10^6 rows of a 19-column table
 * laid out like the CMS dielectron file (values drawn from a seeded RNG in
 * the file's ranges). Prints, for the best of N runs, the milliseconds and
 * operations per second of (1) evaluating the five compiled programs and
 * (2) the whole pipe_select_apply() (widening the table and copying the
 * kept rows included), beside the core's store rate (see bench_timing.h).
 * Wall-clock and CPU time are both printed: on the loaded shared machine
 * the thread's CPU time is the fairer figure.
 *
 *   bench_select [--runs N] [--rows R]
 */
#include "bench_timing.h"
#include "expr.h"
#include "select_core.h"
#include "table/table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const columns[] = {"Run",  "Event", "E1",   "px1", "py1", "pz1", "pt1",
                                      "eta1", "phi1",  "Q1",   "E2",  "px2", "py2", "pz2",
                                      "pt2",  "eta2",  "phi2", "Q2",  "M"};
#define N_COLUMNS (sizeof columns / sizeof columns[0])

static const char *const define_names[] = {"mt", "m_sq", "deta_dphi", "ptw", "logs"};
static const char *const define_texts[] = {
    "sqrt(2*pt1*pt2*(1 - cos(phi1 - phi2))) + 0.5*abs(eta1)",
    "(E1 + E2)*(E1 + E2) - (px1 + px2)*(px1 + px2) - (py1 + py2)*(py1 + py2)",
    "abs(eta1 - eta2) + abs(phi1 - phi2) * 0.5 + min(pt1, pt2) / max(pt1, pt2) - 1",
    "(pt1*pt1 + pt2*pt2 + pt1*pt2) / (E1 + E2 + 1) * M",
    "log(E1 + 1) + log(E2 + 1) - sinh(eta1 * 0.1) - pz1 / E1",
};
#define N_DEFINES (sizeof define_texts / sizeof define_texts[0])

/* Seconds of CPU time this thread has used: unlike the wall clock, it
 * does not count the time the shared machine gives to other processes. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A table of `rows` events with values in the CMS file's ranges. */
static pipe_tensor *make_table(int64_t rows)
{
    pipe_tensor *t = pipe_table_new(rows, N_COLUMNS, columns, NULL);
    if (!t)
        return NULL;
    pipe_rng rng;
    pipe_rng_seed(&rng, 16);
    double *d = t->data;
    for (int64_t r = 0; r < rows; r++) {
        double *row = d + r * (int64_t)N_COLUMNS;
        for (int e = 0; e < 2; e++) {
            double pt = 5 + 95 * pipe_rng_uniform(&rng), eta = 5 * pipe_rng_uniform(&rng) - 2.5;
            double phi = 2 * M_PI * pipe_rng_uniform(&rng) - M_PI;
            double *p = row + 2 + 8 * e;
            p[0] = pt * cosh(eta), p[1] = pt * cos(phi), p[2] = pt * sin(phi);
            p[3] = pt * sinh(eta), p[4] = pt, p[5] = eta, p[6] = phi;
            p[7] = pipe_rng_uniform(&rng) < 0.5 ? -1 : 1;
        }
        row[0] = 147929, row[1] = (double)r, row[18] = 2 + 118 * pipe_rng_uniform(&rng);
    }
    return t;
}

int main(int argc, char **argv)
{
    int runs = 5;
    int64_t rows = 1000000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--runs") == 0)
            runs = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--rows") == 0)
            rows = atoll(argv[i + 1]);
    }
    if (runs < 1 || runs > 100)
        runs = 5;
    pipe_tensor *table = make_table(rows);
    double *out = malloc((size_t)rows * sizeof *out);
    pipe_expr *exprs[N_DEFINES];
    pipe_expr_program *progs[N_DEFINES];
    size_t ops = 0;
    pipe_expr_error err;
    for (size_t i = 0; i < N_DEFINES; i++) {
        exprs[i] = pipe_expr_parse(define_texts[i], &err);
        progs[i] = exprs[i] ? pipe_expr_compile(exprs[i], columns, N_COLUMNS, &err) : NULL;
        if (!progs[i] || !table || !out) {
            fprintf(stderr, "bench_select: %s: %s\n", define_texts[i], err.message);
            return 1;
        }
        ops += pipe_expr_program_ops(progs[i]);
        printf("define %-10s %2zu operations  %s\n", define_names[i],
               pipe_expr_program_ops(progs[i]), define_texts[i]);
    }
    double eval_t[100], apply_t[100], eval_cpu[100], apply_cpu[100];
    pipe_select_spec spec = {
        .n_defines = N_DEFINES, .define_names = define_names, .defines = exprs, .n_cuts = 0};
    for (int k = 0; k < runs; k++) {
        double t0 = bench_now(), c0 = cpu_now();
        for (size_t i = 0; i < N_DEFINES; i++)
            pipe_expr_eval(progs[i], table->data, rows, N_COLUMNS, out, 1);
        eval_t[k] = bench_now() - t0, eval_cpu[k] = cpu_now() - c0;
        pipe_select_result r;
        pipe_select_failure fail;
        t0 = bench_now(), c0 = cpu_now();
        if (pipe_select_apply(table, NULL, &spec, &r, &fail) != 0) {
            fprintf(stderr, "bench_select: %s\n", fail.error.message);
            return 1;
        }
        apply_t[k] = bench_now() - t0, apply_cpu[k] = cpu_now() - c0;
        pipe_select_result_free(&r);
    }
    bench_sort(eval_t, (size_t)runs);
    bench_sort(apply_t, (size_t)runs);
    bench_sort(eval_cpu, (size_t)runs);
    bench_sort(apply_cpu, (size_t)runs);
    double n_ops = (double)ops * (double)rows;
    printf("%lld rows, %zu defines, %zu operations per row, best of %d (store rate %.1f GB/s)\n",
           (long long)rows, N_DEFINES, ops, runs, bench_store_rate());
    printf("                          wall ms   M ops/s  (median)    cpu ms   M ops/s\n");
    printf("evaluate the 5 programs: %8.1f  %8.0f  (%6.1f)  %8.1f  %8.0f\n", eval_t[0] * 1e3,
           n_ops / eval_t[0] * 1e-6, eval_t[runs / 2] * 1e3, eval_cpu[0] * 1e3,
           n_ops / eval_cpu[0] * 1e-6);
    printf("pipe_select_apply:       %8.1f  %8.0f  (%6.1f)  %8.1f  %8.0f\n", apply_t[0] * 1e3,
           n_ops / apply_t[0] * 1e-6, apply_t[runs / 2] * 1e3, apply_cpu[0] * 1e3,
           n_ops / apply_cpu[0] * 1e-6);
    for (size_t i = 0; i < N_DEFINES; i++) {
        pipe_expr_program_free(progs[i]);
        pipe_expr_free(exprs[i]);
    }
    free(out);
    pipe_tensor_release(table);
    return 0;
}
