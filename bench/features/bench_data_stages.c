/*
 * bench_data_stages.c — how long the cores of cleaner, split, scaler,
 * features and metrics take on 100,000 events (the size of the full CMS
 * dielectron file), built by repeating the rows of the real sample.
 * Prints the best of N runs per stage and the throughput.
 *
 *   bench_data_stages [--runs N] [--rows R] [--sample path]
 *
 * Build folder: bench/features/ (it needs all five stages and pipe_csv).
 */
#include "bench_timing.h"
#include "cleaner.h"
#include "csv.h"
#include "features_core.h"
#include "metrics_core.h"
#include "scaler.h"
#include "split.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The real sample: $PIPE_SHARED_DATA, else ../shared/data next to the
 * source tree (written into buf). */
static const char *default_sample(char *buf, size_t size)
{
    const char *env = getenv("PIPE_SHARED_DATA");
    snprintf(buf, size, "%s/dielectron_sample.csv", env ? env : PIPE_SOURCE_DIR "/../shared/data");
    return buf;
}

/* The sample's rows repeated into a table of `rows` rows. */
static pipe_tensor *tiled_sample(const char *path, int64_t rows)
{
    char err[512];
    pipe_tensor *sample = pipe_csv_read(path, NULL, NULL, err, sizeof err);
    if (!sample) {
        fprintf(stderr, "bench_data_stages: %s\n", err);
        return NULL;
    }
    int64_t width = sample->shape[1], n = sample->shape[0];
    pipe_tensor *t = pipe_tensor_new2(PIPE_F64, rows, width);
    pipe_tensor_set_columns(t, (const char *const *)sample->columns, width);
    for (int64_t r = 0; r < rows; r++)
        memcpy((double *)t->data + r * width, (double *)sample->data + (r % n) * width,
               (size_t)width * sizeof(double));
    pipe_tensor_release(sample);
    return t;
}

typedef struct bench_input {
    const pipe_tensor *table;
    double *m, *m_calc, *labels;
    uint8_t *parts;
} bench_input;

static void run_cleaner(const bench_input *in)
{
    pipe_cleaner_config cfg = {.physics_check = 1,
                               .energy_tolerance = PIPE_CLEANER_ENERGY_TOLERANCE,
                               .mass_tolerance = PIPE_CLEANER_MASS_TOLERANCE};
    pipe_cleaner_report rep = {0};
    char err[256];
    pipe_tensor_release(pipe_cleaner_apply(in->table, &cfg, &rep, err, sizeof err));
}

static void run_split(const bench_input *in)
{
    double fractions[3] = {0.8, 0.1, 0.1};
    pipe_rng rng;
    pipe_rng_seed(&rng, 42);
    pipe_split_result result;
    char err[256];
    pipe_split_assign(in->table->shape[0], in->labels, fractions, &rng, in->parts, &result, err,
                      sizeof err);
    pipe_split_result_free(&result);
}

static void run_scaler(const bench_input *in)
{
    int64_t cols[19];
    for (int c = 0; c < 19; c++)
        cols[c] = c;
    uint8_t *use = malloc((size_t)in->table->shape[0]);
    for (int64_t r = 0; r < in->table->shape[0]; r++)
        use[r] = in->parts[r] == PIPE_PART_TRAIN;
    char err[256];
    pipe_tensor *scaling =
        pipe_scaler_fit(in->table, cols, 19, use, PIPE_SCALER_STANDARD, err, sizeof err);
    pipe_tensor_release(
        pipe_scaler_apply(in->table, scaling, PIPE_SCALER_STANDARD, err, sizeof err));
    pipe_tensor_release(scaling);
    free(use);
}

static void run_features(const bench_input *in)
{
    size_t n_defs;
    const pipe_features_def *defs = pipe_features_list(&n_defs);
    const char *add[32];
    for (size_t i = 0; i < n_defs; i++)
        add[i] = defs[i].name;
    pipe_features_config cfg = {.all_columns = 1, .add = add, .n_add = n_defs};
    pipe_tensor *table, *target;
    char err[256];
    pipe_features_build(in->table, &cfg, &table, &target, err, sizeof err);
    pipe_tensor_release(table);
}

static void run_metrics(const bench_input *in)
{
    pipe_metrics_regression m;
    char err[256];
    pipe_metrics_regress(in->m_calc, in->m, in->table->shape[0], &m, err, sizeof err);
}

static void time_stage(const char *name, void (*run)(const bench_input *), const bench_input *in,
                       int runs)
{
    double best = INFINITY;
    for (int i = 0; i < runs; i++) {
        double start = bench_now();
        run(in);
        double elapsed = bench_now() - start;
        best = elapsed < best ? elapsed : best;
    }
    printf("%-10s %8.2f ms  %7.1f M rows/s\n", name, best * 1e3,
           (double)in->table->shape[0] / best / 1e6);
}

int main(int argc, char **argv)
{
    int runs = 5;
    int64_t rows = 100000;
    char sample_path[4096];
    const char *sample = default_sample(sample_path, sizeof sample_path);
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--runs") == 0)
            runs = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--rows") == 0)
            rows = atoll(argv[i + 1]);
        else if (strcmp(argv[i], "--sample") == 0)
            sample = argv[i + 1];
    }
    if (rows < 1 || rows > (int64_t)1 << 32 || runs < 1) {
        fprintf(stderr, "bench_data_stages: --rows must be in 1..2^32 and --runs above 0\n");
        return 2;
    }
    pipe_tensor *table = tiled_sample(sample, rows);
    if (!table)
        return 1;
    bench_input in = {table, malloc((size_t)rows * sizeof(double)),
                      malloc((size_t)rows * sizeof(double)), malloc((size_t)rows * sizeof(double)),
                      malloc((size_t)rows)};
    const double *d = table->data;
    for (int64_t r = 0; r < rows; r++) {
        in.m[r] = d[r * 19 + 18];
        in.m_calc[r] = in.m[r] * (1 + 1e-5);
        in.labels[r] = d[r * 19 + 9]; /* Q1: stratify by charge */
    }
    printf("data stages on %lld rows x 19 columns, best of %d runs\n", (long long)rows, runs);
    time_stage("cleaner", run_cleaner, &in, runs);
    time_stage("split", run_split, &in, runs);
    time_stage("scaler", run_scaler, &in, runs);
    time_stage("features", run_features, &in, runs);
    time_stage("metrics", run_metrics, &in, runs);
    free(in.m);
    free(in.m_calc);
    free(in.labels);
    free(in.parts);
    pipe_tensor_release(table);
    return 0;
}
