/*
 * test_dnn_memory.c — a network that will not fit in memory is refused
 * before anything is allocated, with the estimate and what is available:
 * by `pipe validate` (exit 2) when even the fewest inputs cannot fit, and
 * by the run, with the rows counted, before the model is built. The
 * limit is set with PIPE_MEMORY_AVAILABLE; the estimates are computed
 * here from the layer sizes (float weights, buffers padded to 64 bytes).
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char head[] = "pipeline: memory\n"
                           "seed: 1\n"
                           "stages:\n"
                           "  - id: simulate\n"
                           "    plugin: simulate\n"
                           "    params: {events: 2000}\n"
                           "    outputs: {table: events}\n"
                           "  - id: split\n"
                           "    plugin: split\n"
                           "    inputs: {table: events}\n"
                           "    params: {fractions: [0.8, 0.1, 0.1]}\n"
                           "    outputs: {split: split}\n"
                           "  - id: dnn\n"
                           "    plugin: dnn\n"
                           "    inputs: {x: events, y: events, split: split}\n"
                           "    params:\n"
                           "      target: M\n"
                           "      features: [E1, px1, py1, pz1, eta1, phi1, Q1, E2, px2, py2, "
                           "pz2, eta2, phi2, Q2]\n"
                           "      epochs: 2\n";

/* Reals rounded up to whole 64-byte blocks of floats. */
static double padded(double n)
{
    return n < 1 ? 16 : (double)(((long long)n + 15) / 16 * 16);
}

/* The figures of the message, formatted as pipe formats them. */
static const char *text(double bytes, char *buf)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024) {
        sprintf(buf, "%.0f bytes", bytes);
        return buf;
    }
    int u = 0;
    for (bytes /= 1024; bytes >= 1024 && u < 3; u++)
        bytes /= 1024;
    sprintf(buf, "%.1f %s", bytes, units[u]);
    return buf;
}

/* The estimate of a dense stack (14 inputs, hidden widths, 1 output,
 * batches of 256 rows, no batchnorm, dropout or best-epoch copy). */
typedef struct estimate {
    double weights, optimizer, activations;
} estimate;

static estimate dense_estimate(const double *hidden, int n)
{
    double params = 0, acts = 0, widest = 14, in = 14;
    for (int i = 0; i <= n; i++) {
        double out = i < n ? hidden[i] : 1;
        params += in * out + out;
        acts += padded(256 * out);
        widest = out > widest ? out : widest;
        in = out;
    }
    estimate e = {4 * (2 * padded(params) + padded(0)), 4 * 2 * params,
                  4 * (acts + 2 * padded(256 * widest))};
    return e;
}

static void expect_message(const char *err, const char *where, estimate e, double rows,
                           double available)
{
    char total[32], w[32], o[32], a[32], r[32], av[32], expected[1024], part[64] = "";
    double sum = e.weights + e.optimizer + e.activations + rows;
    if (rows > 0)
        snprintf(part, sizeof part, ", the rows %s", text(rows, r));
    snprintf(expected, sizeof expected,
             "%s: stage 'dnn': parameter 'layers': the network will not fit in memory: training "
             "it takes an estimated %s (weights and gradients %s, optimizer state %s, activations "
             "and work buffers for batches of 256 rows %s%s%s) but %s is available "
             "(PIPE_MEMORY_AVAILABLE); use fewer or smaller layers or a smaller batch\n",
             where, text(sum, total), text(e.weights, w), text(e.optimizer, o),
             text(e.activations, a), part, rows > 0 ? "" : "; the rows not counted yet",
             text(available, av));
    cr_assert(strncmp(err, expected, strlen(expected)) == 0, "expected\n%s\ngot\n%s", expected,
              err);
}

Test(dnn_memory, validate_refuses_three_layers_of_65536_units)
{
    setenv("PIPE_MEMORY_AVAILABLE", "100000000", 1);
    char yaml[2048];
    snprintf(yaml, sizeof yaml, "%s      layers: [65536, 65536, 65536]\n", head);
    pipe_test_pipeline p = pipe_test_pipeline_run("validate", yaml, NULL, NULL);
    unsetenv("PIPE_MEMORY_AVAILABLE");
    cr_assert_eq(p.r.status, 2, "%s", p.r.err);
    char where[1024];
    snprintf(where, sizeof where, "%s:20:15", p.yaml);
    const double hidden[] = {65536, 65536, 65536};
    expect_message(p.r.err, where, dense_estimate(hidden, 3), 0, 1e8);
    pipe_test_pipeline_free(&p);
}

Test(dnn_memory, the_run_counts_the_rows_before_building_the_model)
{
    /* 54,472 bytes for the network alone fit in 100,000; with the rows
     * (1,600 train and 200 val rows of 14 inputs and 1 target as floats,
     * the training order, predictions for 2,000 rows, 2 history rows)
     * they do not. */
    setenv("PIPE_MEMORY_AVAILABLE", "100000", 1);
    char yaml[2048];
    snprintf(yaml, sizeof yaml, "%s      layers: [16]\n", head);
    pipe_test_pipeline v = pipe_test_pipeline_run("validate", yaml, NULL, NULL);
    cr_assert_eq(v.r.status, 0, "%s", v.r.err);
    pipe_test_pipeline p = pipe_test_pipeline_run("run", yaml, v.dir, NULL);
    unsetenv("PIPE_MEMORY_AVAILABLE");
    cr_assert_eq(p.r.status, 1, "%s", p.r.err);
    char where[1024];
    snprintf(where, sizeof where, "%s:20:15", p.yaml);
    const double hidden[] = {16};
    estimate e = dense_estimate(hidden, 1);
    cr_assert_eq(e.weights + e.optimizer + e.activations, 54472);
    double rows = 4.0 * 15 * 1800 + 8.0 * 1600 + 8.0 * 2000 + 8.0 * 6 * 2;
    const char *at = strstr(p.r.err, where);
    cr_assert(at, "%s", p.r.err);
    expect_message(at, where, e, rows, 1e5);
    pipe_test_pipeline_free(&p);
    pipe_test_pipeline_free(&v);
}
