/*
 * bench_nn_step.c — how fast the neural-network core trains the reference
 * network of the invariant-mass study: 14 → 128 → 64 → 32 → 1, ReLU, L2,
 * MSE, Adam, batch 32, on one thread.
 *
 * Prints the time of one training step (forward, loss, backward, Adam
 * update with the L2 penalty) as best and median over many single steps,
 * then the same for each of its three phases (timed in a separate loop, so
 * that their clock reads do not weigh on the step), then the time of a full
 * training run: `epochs` epochs (300 by default)
 * over 85,000 training rows with 14,800 validation rows, through
 * pipe_nn_fit exactly as the dnn stage calls it. After every epoch of that
 * run it reads the core's L1 store rate (bench_timing.h) and reports the
 * epochs taken on a quiet core apart from the others.
 *
 * Usage: bench_nn_step [epochs]    (0 skips the full run)
 */
#include "bench_timing.h"
#include "nn.h"
#include "nn_train.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N_IN 14
#define BATCH 32
#define TRAIN_ROWS 85000
#define VAL_ROWS 14800
#define TIMED_STEPS 20000

static pipe_nn_model *reference_model(pipe_rng *rng)
{
    pipe_nn_layer_spec specs[4];
    int units[4] = {128, 64, 32, 1};
    for (int i = 0; i < 4; i++) {
        specs[i] = pipe_nn_layer_spec_default(PIPE_NN_DENSE);
        specs[i].units = units[i];
        specs[i].act = i < 3 ? PIPE_NN_RELU : PIPE_NN_LINEAR;
        specs[i].l2 = 1e-4;
    }
    pipe_nn_loss loss = {PIPE_NN_MSE, 1.0};
    char err[200];
    pipe_nn_model *m = pipe_nn_model_new(N_IN, specs, 4, &loss, 256, err, sizeof err);
    if (!m) {
        fprintf(stderr, "bench_nn_step: %s\n", err);
        exit(1);
    }
    pipe_nn_model_init(m, rng, PIPE_NN_INIT_GLOROT);
    return m;
}

/* Rows of standard-normal inputs with a smooth target. */
static void make_data(pipe_rng *rng, pipe_nn_real *x, pipe_nn_real *y, int64_t rows)
{
    for (int64_t r = 0; r < rows; r++) {
        double t = 0;
        for (int j = 0; j < N_IN; j++) {
            double v = pipe_rng_normal(rng);
            x[r * N_IN + j] = (pipe_nn_real)v;
            t += (j % 3 == 0 ? v * v : 0.5 * v);
        }
        y[r] = (pipe_nn_real)t;
    }
}

static void time_steps(pipe_nn_model *m, pipe_nn_optim *opt, const pipe_nn_real *x,
                       const pipe_nn_real *y, pipe_rng *rng)
{
    double *t = malloc(TIMED_STEPS * sizeof *t);
    for (int s = 0; s < TIMED_STEPS + 2000; s++) {
        int64_t row = (int64_t)(s % (TRAIN_ROWS / BATCH)) * BATCH;
        double t0 = bench_now();
        pipe_nn_model_forward(m, x + row * N_IN, BATCH, 1, rng);
        pipe_nn_model_backward(m, x + row * N_IN, y + row, NULL, BATCH);
        pipe_nn_optim_step(opt, m, 1e-3);
        if (s >= 2000) /* after warm-up */
            t[s - 2000] = bench_now() - t0;
    }
    bench_sort(t, TIMED_STEPS);
    printf("training step (batch %d, 1 thread): best %.1f us, median %.1f us, "
           "90th percentile %.1f us (%d steps)\n",
           BATCH, t[0] * 1e6, t[TIMED_STEPS / 2] * 1e6, t[TIMED_STEPS * 9 / 10] * 1e6, TIMED_STEPS);
    free(t);
}

/* Best and median of the forward pass, the backward pass (loss included)
 * and the optimizer update, over the same steps as time_steps. */
static void time_phases(pipe_nn_model *m, pipe_nn_optim *opt, const pipe_nn_real *x,
                        const pipe_nn_real *y, pipe_rng *rng)
{
    static const char *const names[3] = {"forward", "backward", "optimizer"};
    double *t[3];
    for (int p = 0; p < 3; p++)
        t[p] = malloc(TIMED_STEPS * sizeof *t[p]);
    for (int s = 0; s < TIMED_STEPS + 2000; s++) {
        int64_t row = (int64_t)(s % (TRAIN_ROWS / BATCH)) * BATCH;
        double t0 = bench_now();
        pipe_nn_model_forward(m, x + row * N_IN, BATCH, 1, rng);
        double t1 = bench_now();
        pipe_nn_model_backward(m, x + row * N_IN, y + row, NULL, BATCH);
        double t2 = bench_now();
        pipe_nn_optim_step(opt, m, 1e-3);
        double t3 = bench_now();
        if (s >= 2000) {
            t[0][s - 2000] = t1 - t0;
            t[1][s - 2000] = t2 - t1;
            t[2][s - 2000] = t3 - t2;
        }
    }
    for (int p = 0; p < 3; p++) {
        bench_sort(t[p], TIMED_STEPS);
        printf("  %-9s best %5.1f us, median %5.1f us\n", names[p], t[p][0] * 1e6,
               t[p][TIMED_STEPS / 2] * 1e6);
        free(t[p]);
    }
}

/* What the full run records after every epoch: when it ended (the time
 * of the store-rate probe left out) and the core's store rate then. */
typedef struct epoch_log {
    double *seconds, *store_rate;
    double last_end, probe_time;
    int count;
} epoch_log;

static int log_epoch(void *user, const pipe_nn_epoch_stats *stats)
{
    (void)stats;
    epoch_log *log = user;
    double end = bench_now();
    log->seconds[log->count] = end - log->last_end;
    log->store_rate[log->count++] = bench_store_rate();
    log->last_end = bench_now();
    log->probe_time += log->last_end - end;
    return 0;
}

/* Epochs split by the store rate measured after them: near the run's best
 * rate (a quiet core) or not; their count and mean time each. */
static void print_epoch_states(const epoch_log *log, int64_t steps_per_epoch)
{
    double best_rate = 0, sum[2] = {0, 0};
    int count[2] = {0, 0};
    for (int e = 0; e < log->count; e++)
        best_rate = log->store_rate[e] > best_rate ? log->store_rate[e] : best_rate;
    for (int e = 0; e < log->count; e++) {
        int quiet = log->store_rate[e] >= 0.8 * best_rate;
        sum[quiet] += log->seconds[e];
        count[quiet]++;
    }
    double *sorted = malloc((size_t)log->count * sizeof *sorted);
    memcpy(sorted, log->seconds, (size_t)log->count * sizeof *sorted);
    bench_sort(sorted, (size_t)log->count);
    printf("  epochs: fastest %.3f s, median %.3f s (%.1f and %.1f us per step)\n", sorted[0],
           sorted[log->count / 2], sorted[0] / (double)steps_per_epoch * 1e6,
           sorted[log->count / 2] / (double)steps_per_epoch * 1e6);
    free(sorted);
    printf("  L1 store rate after each epoch: best %.0f GB/s\n", best_rate);
    for (int quiet = 1; quiet >= 0; quiet--)
        if (count[quiet])
            printf("  %3d epochs %s 80%% of it: %.3f s per epoch (%.1f us per step)\n",
                   count[quiet], quiet ? "at or above" : "below", sum[quiet] / count[quiet],
                   sum[quiet] / count[quiet] / (double)steps_per_epoch * 1e6);
}

static void time_fit(pipe_nn_model *m, pipe_nn_optim *opt, const pipe_nn_real *x,
                     const pipe_nn_real *y, pipe_rng *rng, int epochs)
{
    int64_t *train = malloc(TRAIN_ROWS * sizeof *train), *val = malloc(VAL_ROWS * sizeof *val);
    for (int64_t i = 0; i < TRAIN_ROWS; i++)
        train[i] = i;
    for (int64_t i = 0; i < VAL_ROWS; i++)
        val[i] = TRAIN_ROWS + i;
    pipe_nn_dataset d = {
        .x = x, .y = y, .train = train, .n_train = TRAIN_ROWS, .val = val, .n_val = VAL_ROWS};
    pipe_nn_fit_config cfg = {.epochs = epochs,
                              .batch = BATCH,
                              .shuffle = 1,
                              .schedule = {.kind = PIPE_NN_SCHED_CONSTANT, .lr = 1e-3},
                              .metric = PIPE_NN_METRIC_MAE};
    epoch_log log = {.seconds = malloc((size_t)epochs * sizeof *log.seconds),
                     .store_rate = malloc((size_t)epochs * sizeof *log.store_rate)};
    pipe_nn_fit_result res;
    char err[256];
    double t0 = bench_now();
    log.last_end = t0;
    if (pipe_nn_fit(m, opt, &d, &cfg, rng, log_epoch, &log, &res, err, sizeof err) != 0) {
        fprintf(stderr, "bench_nn_step: %s\n", err);
        exit(1);
    }
    double t = bench_now() - t0 - log.probe_time;
    printf("full training: %d epochs x %d rows (+%d validation rows): %.2f s "
           "(%.1f us per step, %lld steps)\n",
           epochs, TRAIN_ROWS, VAL_ROWS, t, t / (double)res.steps * 1e6, (long long)res.steps);
    print_epoch_states(&log, res.steps / res.epochs_run);
    free(log.seconds);
    free(log.store_rate);
    free(train);
    free(val);
}

int main(int argc, char **argv)
{
    int epochs = argc > 1 ? atoi(argv[1]) : 300;
    openblas_set_num_threads(1);
    pipe_nn_fpu_flush_denormals(); /* as pipe_nn_fit trains */
    pipe_rng rng;
    pipe_rng_seed(&rng, 42);
    int64_t rows = TRAIN_ROWS + VAL_ROWS;
    pipe_nn_real *x = malloc((size_t)rows * N_IN * sizeof *x),
                 *y = malloc((size_t)rows * sizeof *y);
    make_data(&rng, x, y, rows);
    pipe_nn_model *m = reference_model(&rng);
    pipe_nn_optim_config oc = pipe_nn_optim_config_default(PIPE_NN_ADAM);
    pipe_nn_optim *opt = pipe_nn_optim_new(&oc, m);
    printf("reference network 14-128-64-32-1 relu, %zu parameters, MSE + L2, Adam\n",
           pipe_nn_model_param_count(m));
    time_steps(m, opt, x, y, &rng);
    time_phases(m, opt, x, y, &rng);
    if (epochs > 0)
        time_fit(m, opt, x, y, &rng, epochs);
    pipe_nn_optim_free(opt);
    pipe_nn_model_free(m);
    free(x);
    free(y);
    return 0;
}
