/*
 * test_nn_train.c — training with the neural-network core (float build):
 * optimizers and schedules against their closed forms, batch
 * normalisation and dropout statistics, early stopping with restore-best,
 * the NaN-loss error, and small networks trained to a tight error on
 * closed-form targets.
 */
#include "nn.h"
#include "nn_train.h"
#include "nn_trainer.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static pipe_nn_layer_spec dense(int units, pipe_nn_act act)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(PIPE_NN_DENSE);
    s.units = units;
    s.act = act;
    return s;
}

static pipe_nn_model *build(int n_in, const pipe_nn_layer_spec *specs, int n, int batch)
{
    char err[256];
    pipe_nn_loss loss = {PIPE_NN_MSE, 1};
    pipe_nn_model *m = pipe_nn_model_new(n_in, specs, n, &loss, batch, err, sizeof err);
    cr_assert(m, "%s", err);
    return m;
}

/* A one-weight model (y = w·x + b) whose gradient we set by hand. */
static pipe_nn_model *scalar_model(float w, float b)
{
    pipe_nn_layer_spec s = dense(1, PIPE_NN_LINEAR);
    pipe_nn_model *m = build(1, &s, 1, 4);
    float *p = pipe_nn_model_params(m, NULL);
    p[0] = w;
    p[1] = b;
    return m;
}

Test(nn_optim, sgd_momentum_two_steps)
{
    pipe_nn_model *m = scalar_model(1.0f, 0.5f);
    pipe_nn_optim_config cfg = pipe_nn_optim_config_default(PIPE_NN_SGD);
    cfg.momentum = 0.9;
    pipe_nn_optim *o = pipe_nn_optim_new(&cfg, m);
    float *p = pipe_nn_model_params(m, NULL), *g = pipe_nn_model_grads(m, NULL);
    g[0] = 2.0f;
    g[1] = -1.0f;
    pipe_nn_optim_step(o, m, 0.1);
    cr_assert_float_eq(p[0], 1.0 - 0.2, 1e-6);
    cr_assert_float_eq(p[1], 0.5 + 0.1, 1e-6);
    pipe_nn_optim_step(o, m, 0.1); /* v = 0.9·(−0.2) − 0.2 = −0.38 */
    cr_assert_float_eq(p[0], 0.8 - 0.38, 1e-6);
    cr_assert_float_eq(p[1], 0.6 + 0.19, 1e-6);
    pipe_nn_optim_free(o);
    pipe_nn_model_free(m);
}

Test(nn_optim, adam_and_adamw_first_steps)
{
    for (int kind = PIPE_NN_ADAM; kind <= PIPE_NN_ADAMW; kind++) {
        pipe_nn_model *m = scalar_model(1.0f, 0.5f);
        pipe_nn_optim_config cfg = pipe_nn_optim_config_default((pipe_nn_optim_kind)kind);
        cfg.weight_decay = 0.1;
        pipe_nn_optim *o = pipe_nn_optim_new(&cfg, m);
        float *p = pipe_nn_model_params(m, NULL), *g = pipe_nn_model_grads(m, NULL);
        double lr = 0.01, g0 = 3.0, g1 = -0.5, b1 = 0.9, b2 = 0.999, eps = 1e-7;
        g[0] = (float)g0;
        g[1] = (float)g1;
        pipe_nn_optim_step(o, m, lr);
        /* Step 1: m = (1−β1)g, v = (1−β2)g², α = lr·sqrt(1−β2)/(1−β1). */
        double alpha = lr * sqrt(1 - b2) / (1 - b1);
        double d0 = alpha * (1 - b1) * g0 / (sqrt((1 - b2) * g0 * g0) + eps);
        double d1 = alpha * (1 - b1) * g1 / (sqrt((1 - b2) * g1 * g1) + eps);
        double shrink = kind == PIPE_NN_ADAMW ? 1 - lr * 0.1 : 1; /* kernel only */
        cr_assert_float_eq(p[0], 1.0 * shrink - d0, 1e-6);
        cr_assert_float_eq(p[1], 0.5 - d1, 1e-6);
        /* Step 2 with the same gradient: m = g(1−β1²), v = g²(1−β2²). */
        float w1 = p[0];
        pipe_nn_optim_step(o, m, lr);
        double alpha2 = lr * sqrt(1 - b2 * b2) / (1 - b1 * b1);
        double m2 = (1 - b1) * g0 + b1 * (1 - b1) * g0;
        double v2 = (1 - b2) * g0 * g0 * (1 + b2);
        cr_assert_float_eq(p[0], w1 * shrink - alpha2 * m2 / (sqrt(v2) + eps), 1e-6);
        pipe_nn_optim_free(o);
        pipe_nn_model_free(m);
    }
}

Test(nn_optim, l2_penalty_reported_and_applied)
{
    pipe_nn_layer_spec s = dense(1, PIPE_NN_LINEAR);
    s.l2 = 0.25;
    pipe_nn_model *m = build(2, &s, 1, 4);
    float *p = pipe_nn_model_params(m, NULL), *g = pipe_nn_model_grads(m, NULL);
    p[0] = 2;
    p[1] = -1;
    p[2] = 7; /* the bias: no penalty */
    memset(g, 0, 3 * sizeof *g);
    pipe_nn_optim_config cfg = pipe_nn_optim_config_default(PIPE_NN_SGD);
    cfg.momentum = 0;
    pipe_nn_optim *o = pipe_nn_optim_new(&cfg, m);
    double penalty = pipe_nn_optim_step(o, m, 0.1);
    cr_assert_float_eq(penalty, 0.25 * (4 + 1), 1e-6);
    cr_assert_float_eq(p[0], 2 - 0.1 * 2 * 0.25 * 2, 1e-6);
    cr_assert_float_eq(p[1], -1 + 0.1 * 2 * 0.25 * 1, 1e-6);
    cr_assert_float_eq(p[2], 7, 1e-6);
    pipe_nn_optim_free(o);
    pipe_nn_model_free(m);
}

Test(nn_schedule, closed_forms)
{
    pipe_nn_schedule s = {.kind = PIPE_NN_SCHED_STEP, .lr = 0.1, .factor = 0.5, .step = 3};
    pipe_nn_schedule_start(&s);
    double want_step[7] = {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025};
    for (int e = 0; e < 7; e++)
        cr_assert_float_eq(pipe_nn_schedule_lr(&s, e), want_step[e], 1e-15);
    s = (pipe_nn_schedule){.kind = PIPE_NN_SCHED_COSINE, .lr = 0.1, .min_lr = 0.01, .epochs = 10};
    pipe_nn_schedule_start(&s);
    for (int e = 0; e < 10; e++)
        cr_assert_float_eq(pipe_nn_schedule_lr(&s, e),
                           0.01 + 0.09 * 0.5 * (1 + cos(M_PI * e / 10.0)), 1e-15);
    s = (pipe_nn_schedule){
        .kind = PIPE_NN_SCHED_PLATEAU, .lr = 1, .factor = 0.1, .patience = 2, .min_lr = 0.005};
    pipe_nn_schedule_start(&s);
    double losses[8] = {5, 4, 4.5, 4.2, 3, 3, 3, 3};
    double want_plateau[8] = {1, 1, 1, 1, 0.1, 0.1, 0.1, 0.01};
    for (int e = 0; e < 8; e++) {
        cr_assert_float_eq(pipe_nn_schedule_lr(&s, e), want_plateau[e], 1e-15, "epoch %d", e);
        pipe_nn_schedule_observe(&s, losses[e]);
    }
    /* Two more epochs without improvement: 0.001, floored at min_lr. */
    pipe_nn_schedule_observe(&s, 3);
    cr_assert_float_eq(pipe_nn_schedule_lr(&s, 9), 0.005, 1e-15);
}

Test(nn_schedule, early_stopping_patience)
{
    pipe_nn_early_stop e = {.patience = 2};
    pipe_nn_early_stop_start(&e);
    double losses[5] = {5, 4, 4.5, 4.2, 3};
    int best[5] = {1, 1, 0, 0, -1}, stop = 0;
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(pipe_nn_early_stop_observe(&e, i + 1, losses[i], &stop), best[i]);
        cr_assert_eq(stop, i == 3, "epoch %d", i + 1);
    }
    cr_assert_eq(e.best_epoch, 2);
}

Test(nn_layers, batchnorm_running_statistics)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(PIPE_NN_BATCHNORM);
    pipe_nn_model *m = build(2, &s, 1, 4);
    pipe_nn_model_init(m, NULL, PIPE_NN_INIT_GLOROT);
    float x[8] = {1, 10, 2, 20, 3, 30, 6, 40}; /* column means 3 and 25 */
    const float *y = pipe_nn_model_forward(m, x, 4, 1, NULL);
    /* Training output: (x − mean)/sqrt(var + 0.001); var of 1,2,3,6 is 3.5. */
    cr_assert_float_eq(y[0], (1 - 3) / sqrt(3.5 + 1e-3), 1e-5);
    size_t n;
    float *state = pipe_nn_model_state(m, &n);
    cr_assert_eq(n, 4);
    cr_assert_float_eq(state[0], 0.01 * 3, 1e-6); /* running mean */
    cr_assert_float_eq(state[1], 0.01 * 25, 1e-6);
    cr_assert_float_eq(state[2], 0.99 + 0.01 * 3.5, 1e-6); /* running variance */
    cr_assert_float_eq(state[3], 0.99 + 0.01 * 125, 1e-5);
    y = pipe_nn_model_forward(m, x, 1, 0, NULL); /* inference: running statistics */
    cr_assert_float_eq(y[0], (1 - 0.03) / sqrt(1.025 + 1e-3), 1e-5);
    pipe_nn_model_free(m);
}

Test(nn_layers, dropout_statistics)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(PIPE_NN_DROPOUT);
    s.rate = 0.3;
    pipe_nn_model *m = build(1000, &s, 1, 32);
    float *x = malloc(32000 * sizeof *x);
    for (int i = 0; i < 32000; i++)
        x[i] = 1;
    pipe_rng rng;
    pipe_rng_seed(&rng, 5);
    const float *y = pipe_nn_model_forward(m, x, 32, 1, &rng);
    int zeros = 0;
    for (int i = 0; i < 32000; i++) {
        zeros += y[i] == 0;
        cr_assert(y[i] == 0 || fabsf(y[i] - 1 / 0.7f) < 1e-6f);
    }
    cr_assert(fabs(zeros / 32000.0 - 0.3) < 0.01, "dropped %d of 32000", zeros);
    y = pipe_nn_model_forward(m, x, 32, 0, NULL);
    for (int i = 0; i < 32000; i++)
        cr_assert_eq(y[i], 1.0f);
    free(x);
    pipe_nn_model_free(m);
}

Test(nn_model, invalid_layers_are_named)
{
    char err[256];
    pipe_nn_loss loss = {PIPE_NN_MSE, 1};
    pipe_nn_layer_spec s[2] = {dense(4, PIPE_NN_RELU), pipe_nn_layer_spec_default(PIPE_NN_DROPOUT)};
    s[1].rate = 1;
    cr_assert_null(pipe_nn_model_new(3, s, 2, &loss, 8, err, sizeof err));
    cr_assert_str_eq(err, "layer 2 (dropout): dropout rate must be in [0, 1), found 1");
    s[0].units = 0;
    cr_assert_null(pipe_nn_model_new(3, s, 1, &loss, 8, err, sizeof err));
    cr_assert_str_eq(err, "layer 1 (dense): a dense layer needs at least 1 unit, found 0");
}

/* ------------------------------------------------------------------ */
/* The epoch loop                                                       */
/* ------------------------------------------------------------------ */

typedef struct rows {
    int64_t n;
    float *x, *y;
    int64_t *train, *val;
    int64_t n_train, n_val;
} rows;

/* n rows of 2 inputs uniform in [−1, 1]; every 5th row validates. */
static rows make_rows(int64_t n, double (*target)(double, double), uint64_t seed)
{
    rows r = {n,
              malloc(2 * n * sizeof(float)),
              malloc(n * sizeof(float)),
              malloc(n * sizeof(int64_t)),
              malloc(n * sizeof(int64_t)),
              0,
              0};
    pipe_rng rng;
    pipe_rng_seed(&rng, seed);
    for (int64_t i = 0; i < n; i++) {
        double a = 2 * pipe_rng_uniform(&rng) - 1, b = 2 * pipe_rng_uniform(&rng) - 1;
        r.x[2 * i] = (float)a;
        r.x[2 * i + 1] = (float)b;
        r.y[i] = (float)target(a, b);
        if (i % 5 == 4)
            r.val[r.n_val++] = i;
        else
            r.train[r.n_train++] = i;
    }
    return r;
}

static void free_rows(rows *r)
{
    free(r->x);
    free(r->y);
    free(r->train);
    free(r->val);
}

static pipe_nn_dataset dataset(const rows *r)
{
    pipe_nn_dataset d = {.x = r->x,
                         .y = r->y,
                         .train = r->train,
                         .n_train = r->n_train,
                         .val = r->val,
                         .n_val = r->n_val};
    return d;
}

/* A model with its Adam optimizer and random stream. */
typedef nn_trainer trainer;

static trainer trainer_new(const pipe_nn_layer_spec *specs, int n, uint64_t seed)
{
    return nn_trainer_new(specs, n, seed, PIPE_NN_ADAM, 64);
}

static pipe_nn_fit_config fit_config(int epochs, int batch, double lr)
{
    pipe_nn_fit_config c = {.epochs = epochs,
                            .batch = batch,
                            .shuffle = 1,
                            .schedule = {.kind = PIPE_NN_SCHED_CONSTANT, .lr = lr},
                            .metric = PIPE_NN_METRIC_MAE};
    return c;
}

static double linear_target(double a, double b)
{
    return 3 * a - 2 * b + 0.5;
}

static double smooth_target(double a, double b)
{
    return sin(2 * a) * b + 0.5 * a * a;
}

Test(nn_fit, linear_model_recovers_exact_weights)
{
    rows r = make_rows(500, linear_target, 1);
    pipe_nn_layer_spec s = dense(1, PIPE_NN_LINEAR);
    trainer t = trainer_new(&s, 1, 2);
    pipe_nn_dataset d = dataset(&r);
    pipe_nn_fit_config c = fit_config(300, 16, 0.02);
    c.schedule.kind = PIPE_NN_SCHED_COSINE;
    c.schedule.epochs = 300;
    pipe_nn_fit_result res;
    char err[256];
    cr_assert_eq(pipe_nn_fit(t.m, t.o, &d, &c, &t.rng, NULL, NULL, &res, err, sizeof err), 0, "%s",
                 err);
    const float *p = pipe_nn_model_params(t.m, NULL);
    cr_assert_float_eq(p[0], 3, 1e-4);
    cr_assert_float_eq(p[1], -2, 1e-4);
    cr_assert_float_eq(p[2], 0.5, 1e-4);
    cr_assert_eq(res.epochs_run, 300);
    cr_assert_eq(res.steps, 300 * 25);
    nn_trainer_free(&t);
    free_rows(&r);
}

static int record_epoch(void *user, const pipe_nn_epoch_stats *s)
{
    double *val_mae = user;
    val_mae[s->epoch - 1] = s->val_metric;
    return 0;
}

Test(nn_fit, small_network_learns_a_smooth_function)
{
    rows r = make_rows(4000, smooth_target, 3);
    pipe_nn_layer_spec s[3] = {dense(32, PIPE_NN_TANH), dense(32, PIPE_NN_TANH),
                               dense(1, PIPE_NN_LINEAR)};
    trainer t = trainer_new(s, 3, 4);
    pipe_nn_dataset d = dataset(&r);
    pipe_nn_fit_config c = fit_config(150, 32, 0.003);
    c.schedule.kind = PIPE_NN_SCHED_COSINE;
    c.schedule.epochs = 150;
    double val_mae[150];
    pipe_nn_fit_result res;
    char err[256];
    cr_assert_eq(
        pipe_nn_fit(t.m, t.o, &d, &c, &t.rng, record_epoch, val_mae, &res, err, sizeof err), 0);
    /* Independent check of the reported figure: predict the val rows. */
    double *pred = malloc(r.n * sizeof *pred), mae = 0;
    pipe_nn_model_predict(t.m, r.x, r.n, pred);
    for (int64_t i = 0; i < r.n_val; i++)
        mae += fabs(pred[r.val[i]] - r.y[r.val[i]]);
    mae /= (double)r.n_val;
    cr_assert_float_eq(val_mae[149], mae, 1e-6);
    cr_assert(mae < 0.01, "validation MAE %g", mae);
    free(pred);
    nn_trainer_free(&t);
    free_rows(&r);
}

/* Train on y = f, validate on y = −f: validation gets worse as training
 * improves, so early stopping keeps the first epoch's weights. */
typedef struct watch {
    trainer t;
    float first[64];
} watch;

static int keep_first_epoch(void *user, const pipe_nn_epoch_stats *s)
{
    watch *w = user;
    size_t n;
    const float *p = pipe_nn_model_params(w->t.m, &n);
    if (s->epoch == 1)
        memcpy(w->first, p, n * sizeof *p);
    return 0;
}

Test(nn_fit, early_stopping_restores_the_best_epoch)
{
    rows r = make_rows(400, linear_target, 5);
    for (int64_t i = 0; i < r.n_val; i++)
        r.y[r.val[i]] = -r.y[r.val[i]];
    pipe_nn_layer_spec s = dense(1, PIPE_NN_LINEAR);
    watch w = {trainer_new(&s, 1, 6), {0}};
    pipe_nn_dataset d = dataset(&r);
    pipe_nn_fit_config c = fit_config(100, 16, 0.05);
    c.early.patience = 3;
    c.restore_best = 1;
    pipe_nn_fit_result res;
    char err[256];
    cr_assert_eq(
        pipe_nn_fit(w.t.m, w.t.o, &d, &c, &w.t.rng, keep_first_epoch, &w, &res, err, sizeof err),
        0);
    cr_assert_eq(res.best_epoch, 1);
    cr_assert_eq(res.epochs_run, 4);
    cr_assert(res.stopped_early && res.restored);
    cr_assert_arr_eq(pipe_nn_model_params(w.t.m, NULL), w.first, 3 * sizeof(float));
    nn_trainer_free(&w.t);
    free_rows(&r);
}

Test(nn_fit, nan_loss_names_epoch_and_step)
{
    rows r = make_rows(100, linear_target, 7);
    r.x[2 * 80] = NAN; /* row 80 is the 65th training row: step 3 of 3 */
    pipe_nn_layer_spec s = dense(1, PIPE_NN_LINEAR);
    trainer t = trainer_new(&s, 1, 8);
    pipe_nn_dataset d = dataset(&r);
    pipe_nn_fit_config c = fit_config(5, 32, 0.001);
    c.shuffle = 0;
    pipe_nn_fit_result res;
    char err[256];
    cr_assert_eq(pipe_nn_fit(t.m, t.o, &d, &c, &t.rng, NULL, NULL, &res, err, sizeof err), -1);
    cr_assert_str_eq(err, "loss is NaN at epoch 1, step 3 of 3 (learning rate 0.001): training "
                          "diverged; lower the learning rate or check the inputs");
    nn_trainer_free(&t);
    free_rows(&r);
}
