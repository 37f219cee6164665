/*
 * test_nn_checkpoint.c — checkpoints of the core's fit (nn_train.h): a fit
 * interrupted after a checkpoint and resumed in a fresh model, optimizer
 * and random stream ends with the very weights, steps and extra figures of
 * an uninterrupted fit (SGD with momentum and a plateau schedule; Adam
 * with dropout, batch normalisation and early stopping with restore-best);
 * a checkpoint of another network is refused by name.
 */
#include "nn_trainer.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ROWS 300

/* y = x0 − 2·x1 + x0·x1 on a fixed grid; 240 train rows, 60 val rows. */
typedef struct data {
    float x[ROWS * 2], y[ROWS];
    int64_t train[240], val[60];
} data;

static void data_make(data *d)
{
    for (int i = 0; i < ROWS; i++) {
        float a = (float)(i % 17) / 8 - 1, b = (float)(i % 23) / 11 - 1;
        d->x[2 * i] = a;
        d->x[2 * i + 1] = b;
        d->y[i] = a - 2 * b + a * b;
    }
    for (int i = 0; i < 240; i++)
        d->train[i] = i;
    for (int i = 0; i < 60; i++)
        d->val[i] = 240 + i;
}

/* Where the checkpoint goes: a temporary name renamed into place. */
typedef struct sink {
    char path[256], tmp[272];
} sink;

static FILE *sink_open(void *user)
{
    sink *s = user;
    return fopen(s->tmp, "wb");
}

static int sink_commit(void *user, FILE *f)
{
    sink *s = user;
    return fclose(f) == 0 && rename(s->tmp, s->path) == 0 ? 0 : -1;
}

/* One training: the network, its optimizer and stream, the caller's
 * figures, and where the epoch callback interrupts the fit (0: never). */
typedef struct run {
    nn_trainer t;
    double extra[4];
    int stop_at;
} run;

static run run_new(const pipe_nn_layer_spec *specs, int n, pipe_nn_optim_kind kind)
{
    run r = {nn_trainer_new(specs, n, 11, kind, 32), {0}, 0};
    return r;
}

/* The caller's figures, saved with the fit: here a sum of the losses. */
static int on_epoch(void *user, const pipe_nn_epoch_stats *s)
{
    run *r = user;
    r->extra[0] += s->loss;
    r->extra[1] = s->epoch;
    return s->epoch == r->stop_at;
}

static int fit(run *r, const data *d, pipe_nn_fit_config c, const pipe_nn_checkpoint *ck,
               pipe_nn_fit_result *res, char *err)
{
    pipe_nn_dataset ds = {
        .x = d->x, .y = d->y, .train = d->train, .n_train = 240, .val = d->val, .n_val = 60};
    c.checkpoint = ck;
    return pipe_nn_fit(r->t.m, r->t.o, &ds, &c, &r->t.rng, on_epoch, r, res, err, 256);
}

/* Uninterrupted, then interrupted at epoch `stop` and resumed: the same.
 * Returns what the uninterrupted fit did. */
static pipe_nn_fit_result check_resume(const pipe_nn_layer_spec *specs, int n,
                                       pipe_nn_optim_kind kind, pipe_nn_fit_config c, int every,
                                       int stop, int resumed)
{
    data *d = malloc(sizeof *d);
    data_make(d);
    sink s;
    snprintf(s.path, sizeof s.path, "/tmp/pipe_nn_ckpt_%d.ckpt", (int)getpid());
    snprintf(s.tmp, sizeof s.tmp, "%s.tmp", s.path);
    unlink(s.path);
    char err[256];
    pipe_nn_fit_result ref_res, cut_res, res;
    run ref = run_new(specs, n, kind);
    cr_assert_eq(fit(&ref, d, c, NULL, &ref_res, err), 0, "%s", err);
    run cut = run_new(specs, n, kind);
    cut.stop_at = stop;
    pipe_nn_checkpoint ck = {every, cut.extra, 4, NULL, sink_open, sink_commit, &s};
    cr_assert_eq(fit(&cut, d, c, &ck, &cut_res, err), -1);
    run again = run_new(specs, n, kind);
    pipe_nn_checkpoint back = {every, again.extra, 4, s.path, sink_open, sink_commit, &s};
    cr_assert_eq(fit(&again, d, c, &back, &res, err), 0, "%s", err);
    cr_assert_eq(res.resumed_epoch, resumed);
    cr_assert_eq(res.steps, ref_res.steps);
    cr_assert_eq(res.epochs_run, ref_res.epochs_run);
    cr_assert_eq(res.best_epoch, ref_res.best_epoch);
    cr_assert_eq(res.restored, ref_res.restored);
    size_t n_p, n_s;
    const float *p = pipe_nn_model_params(again.t.m, &n_p),
                *q = pipe_nn_model_params(ref.t.m, NULL);
    cr_assert(memcmp(p, q, n_p * sizeof *p) == 0, "the weights differ");
    p = pipe_nn_model_state(again.t.m, &n_s);
    q = pipe_nn_model_state(ref.t.m, NULL);
    cr_assert(memcmp(p, q, n_s * sizeof *p) == 0, "the batchnorm state differs");
    cr_assert(memcmp(again.extra, ref.extra, sizeof ref.extra) == 0, "the extra figures differ");
    unlink(s.path);
    nn_trainer_free(&ref.t);
    nn_trainer_free(&cut.t);
    nn_trainer_free(&again.t);
    free(d);
    return ref_res;
}

static pipe_nn_layer_spec dense(int units, pipe_nn_act act)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(PIPE_NN_DENSE);
    s.units = units;
    s.act = act;
    return s;
}

Test(nn_checkpoint, sgd_with_momentum_and_a_plateau_schedule_resumes_exactly)
{
    pipe_nn_layer_spec s[2] = {dense(8, PIPE_NN_TANH), dense(1, PIPE_NN_LINEAR)};
    pipe_nn_fit_config c = {.epochs = 12, .batch = 16, .shuffle = 1, .metric = PIPE_NN_METRIC_MAE};
    c.schedule = (pipe_nn_schedule){
        .kind = PIPE_NN_SCHED_PLATEAU, .lr = 0.05, .factor = 0.5, .patience = 1, .epochs = 12};
    /* checkpoints after epochs 5 and 10; stopped at 7: resumes after 5 */
    check_resume(s, 2, PIPE_NN_SGD, c, 5, 7, 5);
}

Test(nn_checkpoint, adam_dropout_batchnorm_and_restore_best_resume_exactly)
{
    pipe_nn_layer_spec s[4] = {
        dense(16, PIPE_NN_RELU), pipe_nn_layer_spec_default(PIPE_NN_BATCHNORM),
        pipe_nn_layer_spec_default(PIPE_NN_DROPOUT), dense(1, PIPE_NN_LINEAR)};
    s[2].rate = 0.2;
    pipe_nn_fit_config c = {.epochs = 15, .batch = 32, .shuffle = 1, .metric = PIPE_NN_METRIC_MAE};
    c.schedule = (pipe_nn_schedule){.kind = PIPE_NN_SCHED_COSINE, .lr = 0.01, .epochs = 15};
    c.early = (pipe_nn_early_stop){.patience = 4};
    c.restore_best = 1;
    pipe_nn_fit_result ref = check_resume(s, 4, PIPE_NN_ADAM, c, 1, 5, 4);
    cr_assert(ref.stopped_early && ref.restored, "early stopping and restore-best were exercised");
}

Test(nn_checkpoint, a_checkpoint_of_another_network_is_refused)
{
    data *d = malloc(sizeof *d);
    data_make(d);
    sink s;
    snprintf(s.path, sizeof s.path, "/tmp/pipe_nn_ckpt_other_%d.ckpt", (int)getpid());
    snprintf(s.tmp, sizeof s.tmp, "%s.tmp", s.path);
    pipe_nn_layer_spec small[2] = {dense(4, PIPE_NN_TANH), dense(1, PIPE_NN_LINEAR)};
    pipe_nn_layer_spec wide[2] = {dense(6, PIPE_NN_TANH), dense(1, PIPE_NN_LINEAR)};
    pipe_nn_fit_config c = {.epochs = 4, .batch = 16, .metric = PIPE_NN_METRIC_MAE};
    c.schedule = (pipe_nn_schedule){.kind = PIPE_NN_SCHED_CONSTANT, .lr = 0.01};
    char err[256], expected[512];
    pipe_nn_fit_result res;
    run a = run_new(small, 2, PIPE_NN_ADAM);
    pipe_nn_checkpoint ck = {1, a.extra, 4, NULL, sink_open, sink_commit, &s};
    cr_assert_eq(fit(&a, d, c, &ck, &res, err), 0, "%s", err);
    run b = run_new(wide, 2, PIPE_NN_ADAM);
    pipe_nn_checkpoint back = {1, b.extra, 4, s.path, sink_open, sink_commit, &s};
    cr_assert_eq(fit(&b, d, c, &back, &res, err), -1);
    snprintf(expected, sizeof expected,
             "cannot resume from checkpoint %s: it is of another network", s.path);
    cr_assert_str_eq(err, expected);
    unlink(s.path);
    nn_trainer_free(&a.t);
    nn_trainer_free(&b.t);
    free(d);
}
