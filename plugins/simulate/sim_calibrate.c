/*
 * sim_calibrate.c — the comparison of simulated with real events that
 * docs/stages/simulate.md reports and the calibration test asserts: how far the
 * simulation is from the real sample, next to how far real runs are from
 * each other.
 */
#include "sim.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Whether E agrees with |p| in row `row`; col: the columns of E, px, py, pz. */
static int energy_agrees(const pipe_tensor *t, int64_t row, const int64_t col[4])
{
    int64_t ncol = pipe_tensor_cols(t);
    double v[4];
    for (int i = 0; i < 4; i++)
        v[i] = pipe_tensor_get(t, row * ncol + col[i]);
    double p = sqrt(v[1] * v[1] + v[2] * v[2] + v[3] * v[3]);
    return isfinite(v[0]) && fabs(v[0] - p) <= 0.01 + 0.001 * p;
}

pipe_tensor *pipe_sim_consistent_rows(const pipe_tensor *t)
{
    static const char *const names[2][4] = {{"E1", "px1", "py1", "pz1"},
                                            {"E2", "px2", "py2", "pz2"}};
    int64_t col[2][4];
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < 4; i++)
            if ((col[k][i] = pipe_tensor_column(t, names[k][i])) < 0)
                return NULL;
    int64_t rows = pipe_tensor_rows(t), ncol = pipe_tensor_cols(t), kept = 0;
    for (int64_t r = 0; r < rows; r++)
        kept += energy_agrees(t, r, col[0]) && energy_agrees(t, r, col[1]);
    pipe_tensor *out = pipe_tensor_new2(PIPE_F64, kept, ncol);
    if (!out ||
        (t->columns && pipe_tensor_set_columns(out, (const char *const *)t->columns, ncol) != 0)) {
        pipe_tensor_release(out);
        return NULL;
    }
    int64_t o = 0;
    for (int64_t r = 0; r < rows; r++) {
        if (!(energy_agrees(t, r, col[0]) && energy_agrees(t, r, col[1])))
            continue;
        for (int64_t c = 0; c < ncol; c++)
            pipe_tensor_set(out, o * ncol + c, pipe_tensor_get(t, r * ncol + c));
        o++;
    }
    return out;
}

static void distances(const pipe_sim_summary *a, const pipe_sim_summary *b,
                      double out[PIPE_SIM_N_DISTANCES])
{
    pipe_sim_distance d;
    pipe_sim_distance_compute(a, b, &d);
    pipe_sim_distance_values(&d, out);
}

/* Block i of n of the sample against the other blocks and the simulation. */
static int compare_block(const pipe_tensor *sample, int i, int n, pipe_sim_calibration *c,
                         char *err, size_t err_size)
{
    int64_t rows = pipe_tensor_rows(sample);
    int64_t begin = rows * i / n, end = rows * (i + 1) / n;
    pipe_sim_summary block, rest;
    if (pipe_sim_summarize(sample, begin, end, 0, 0, &block, err, err_size) != 0)
        return -1;
    if (pipe_sim_summarize(sample, 0, rows, begin, end, &rest, err, err_size) != 0) {
        pipe_sim_summary_free(&block);
        return -1;
    }
    double vs_rest[PIPE_SIM_N_DISTANCES], vs_sim[PIPE_SIM_N_DISTANCES];
    distances(&block, &rest, vs_rest);
    distances(&block, &c->sim_all, vs_sim);
    for (int k = 0; k < PIPE_SIM_N_DISTANCES; k++) {
        c->block_vs_rest[k] += vs_rest[k] / n;
        c->block_vs_rest_se[k] += vs_rest[k] * vs_rest[k]; /* sum of squares until the end */
        c->block_vs_sim[k] += vs_sim[k] / n;
        c->block_vs_rest_max[k] = fmax(c->block_vs_rest_max[k], vs_rest[k]);
    }
    pipe_sim_summary_free(&block);
    pipe_sim_summary_free(&rest);
    return 0;
}

int pipe_sim_calibrate(const pipe_tensor *sample, const pipe_tensor *run, const pipe_tensor *sim,
                       int n_blocks, pipe_sim_calibration *c, char *err, size_t err_size)
{
    memset(c, 0, sizeof *c);
    if (n_blocks < 2 || n_blocks > pipe_tensor_rows(sample)) {
        snprintf(err, err_size, "expected 2 to %lld blocks, found %d",
                 (long long)pipe_tensor_rows(sample), n_blocks);
        return -1;
    }
    if (pipe_sim_summarize(sample, 0, pipe_tensor_rows(sample), 0, 0, &c->sample_all, err,
                           err_size) != 0 ||
        pipe_sim_summarize(run, 0, pipe_tensor_rows(run), 0, 0, &c->run_all, err, err_size) != 0 ||
        pipe_sim_summarize(sim, 0, pipe_tensor_rows(sim), 0, 0, &c->sim_all, err, err_size) != 0) {
        pipe_sim_calibration_free(c);
        return -1;
    }
    distances(&c->sim_all, &c->sample_all, c->sim_vs_sample);
    distances(&c->run_all, &c->sample_all, c->run_vs_sample);
    for (int i = 0; i < n_blocks; i++) {
        if (compare_block(sample, i, n_blocks, c, err, err_size) != 0) {
            pipe_sim_calibration_free(c);
            return -1;
        }
    }
    for (int k = 0; k < PIPE_SIM_N_DISTANCES; k++) {
        double mean = c->block_vs_rest[k];
        double var = (c->block_vs_rest_se[k] - n_blocks * mean * mean) / (n_blocks - 1);
        c->block_vs_rest_se[k] = sqrt(fmax(var, 0.0) / n_blocks);
    }
    return 0;
}

void pipe_sim_calibration_free(pipe_sim_calibration *c)
{
    pipe_sim_summary_free(&c->sample_all);
    pipe_sim_summary_free(&c->run_all);
    pipe_sim_summary_free(&c->sim_all);
}
