/*
 * test_nn_grad.c — gradient checks of the neural-network core, in double
 * precision (linked with pipe_nn_f64): for every layer kind, activation
 * and loss, the back-propagated gradient of every parameter must match a
 * central finite difference of the loss to 1e-6 (relative). Also the dense
 * layer's output and bias gradient at every batch size from 1 to 9 against
 * a direct computation (its bias rows are filled by doubling copies).
 */
#include "nn.h"
#include "nn_grad_check.h"
#include "nn_train.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ROWS 7

/* A model under test with its batch and a seed for the dropout masks. */
typedef struct probe {
    pipe_nn_model *m;
    double x[ROWS * 8], y[ROWS * 3], w[ROWS];
    int use_weights;
    uint64_t mask_seed;
} probe;

static void probe_init(probe *p, int n_in, const pipe_nn_layer_spec *specs, int n_layers,
                       pipe_nn_loss_kind loss_kind, int binary_targets)
{
    char err[200];
    memset(p, 0, sizeof *p);
    pipe_nn_loss loss = {loss_kind, 0.3};
    p->m = pipe_nn_model_new(n_in, specs, n_layers, &loss, ROWS, err, sizeof err);
    cr_assert(p->m, "model: %s", err);
    pipe_rng rng;
    pipe_rng_seed(&rng, 7);
    pipe_nn_model_init(p->m, &rng, PIPE_NN_INIT_GLOROT);
    /* Non-trivial biases and batchnorm parameters, so every term matters. */
    size_t n;
    double *params = pipe_nn_model_params(p->m, &n);
    for (size_t i = 0; i < n; i++)
        params[i] += 0.1 * pipe_rng_normal(&rng);
    int n_out = pipe_nn_model_outputs(p->m);
    for (int i = 0; i < ROWS * n_in; i++)
        p->x[i] = pipe_rng_normal(&rng);
    for (int i = 0; i < ROWS * n_out; i++)
        p->y[i] = binary_targets ? (double)(pipe_rng_uniform(&rng) < 0.5) : pipe_rng_normal(&rng);
    for (int i = 0; i < ROWS; i++)
        p->w[i] = 0.5 + pipe_rng_uniform(&rng);
    p->mask_seed = 99;
}

static nn_grad_batch probe_batch(const probe *p)
{
    return (nn_grad_batch){p->x, p->y, p->use_weights ? p->w : NULL, ROWS, p->mask_seed};
}

/* The loss at the current parameters (training mode, same dropout mask). */
static double probe_loss(probe *p)
{
    nn_grad_batch b = probe_batch(p);
    return nn_grad_loss(p->m, &b);
}

/* Compare back-propagation with finite differences for every parameter. */
static void check_gradients(probe *p, const char *what)
{
    nn_grad_batch b = probe_batch(p);
    nn_grad_check(p->m, &b, what);
    pipe_nn_model_free(p->m);
}

static pipe_nn_layer_spec dense(int units, pipe_nn_act act)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(PIPE_NN_DENSE);
    s.units = units;
    s.act = act;
    s.alpha = 0.2;
    return s;
}

Test(nn_grad, dense_every_activation)
{
    static const char *const names[] = {"linear", "relu", "leaky_relu", "tanh", "sigmoid"};
    for (int act = PIPE_NN_LINEAR; act <= PIPE_NN_SIGMOID; act++) {
        pipe_nn_layer_spec specs[3] = {dense(6, (pipe_nn_act)act), dense(5, (pipe_nn_act)act),
                                       dense(2, PIPE_NN_LINEAR)};
        probe p;
        probe_init(&p, 4, specs, 3, PIPE_NN_MSE, 0);
        check_gradients(&p, names[act]);
    }
}

/* One ReLU layer, MSE: out = relu(x·W + b) and dLoss/db_j = Σ_r 2·(out − y)
 * / (n·units) where out > 0, for n = 1 … 9 rows. */
Test(nn_grad, dense_relu_rows_and_bias_gradient_at_every_batch_size)
{
    enum { IN = 3, UNITS = 5, MAX_ROWS = 9 };
    pipe_nn_layer_spec spec = dense(UNITS, PIPE_NN_RELU);
    pipe_nn_loss loss = {PIPE_NN_MSE, 1};
    char err[200];
    pipe_nn_model *m = pipe_nn_model_new(IN, &spec, 1, &loss, MAX_ROWS, err, sizeof err);
    cr_assert(m, "model: %s", err);
    pipe_rng rng;
    pipe_rng_seed(&rng, 3);
    double x[MAX_ROWS * IN], y[MAX_ROWS * UNITS], *w = pipe_nn_model_params(m, NULL);
    for (int i = 0; i < IN * UNITS + UNITS; i++)
        w[i] = pipe_rng_normal(&rng);
    for (int i = 0; i < MAX_ROWS * IN; i++)
        x[i] = pipe_rng_normal(&rng);
    for (int i = 0; i < MAX_ROWS * UNITS; i++)
        y[i] = pipe_rng_normal(&rng);
    for (int n = 1; n <= MAX_ROWS; n++) {
        const double *out = pipe_nn_model_forward(m, x, n, 1, &rng);
        double gb[UNITS] = {0};
        for (int r = 0; r < n; r++)
            for (int j = 0; j < UNITS; j++) {
                double z = w[IN * UNITS + j];
                for (int k = 0; k < IN; k++)
                    z += x[r * IN + k] * w[k * UNITS + j];
                double o = z > 0 ? z : 0;
                cr_expect(fabs(out[r * UNITS + j] - o) < 1e-12, "%d rows: out[%d][%d] %g, not %g",
                          n, r, j, out[r * UNITS + j], o);
                gb[j] += o > 0 ? 2 * (o - y[r * UNITS + j]) / (n * UNITS) : 0;
            }
        pipe_nn_model_backward(m, x, y, NULL, n);
        const double *g = pipe_nn_model_grads(m, NULL) + IN * UNITS;
        for (int j = 0; j < UNITS; j++)
            cr_expect(fabs(g[j] - gb[j]) < 1e-12, "%d rows: bias gradient %d is %g, not %g", n, j,
                      g[j], gb[j]);
    }
    pipe_nn_model_free(m);
}

Test(nn_grad, single_output_dense_uses_gemv_path)
{
    pipe_nn_layer_spec specs[2] = {dense(5, PIPE_NN_TANH), dense(1, PIPE_NN_LINEAR)};
    probe p;
    probe_init(&p, 3, specs, 2, PIPE_NN_MSE, 0);
    check_gradients(&p, "dense to 1 output");
}

Test(nn_grad, activation_layer)
{
    for (int act = PIPE_NN_RELU; act <= PIPE_NN_SIGMOID; act++) {
        pipe_nn_layer_spec a = pipe_nn_layer_spec_default(PIPE_NN_ACTIVATION);
        a.act = (pipe_nn_act)act;
        a.alpha = 0.3;
        pipe_nn_layer_spec specs[3] = {dense(6, PIPE_NN_LINEAR), a, dense(2, PIPE_NN_LINEAR)};
        probe p;
        probe_init(&p, 4, specs, 3, PIPE_NN_MSE, 0);
        check_gradients(&p, pipe_nn_act_name((pipe_nn_act)act));
    }
}

Test(nn_grad, dropout_with_fixed_mask)
{
    pipe_nn_layer_spec d = pipe_nn_layer_spec_default(PIPE_NN_DROPOUT);
    d.rate = 0.4;
    pipe_nn_layer_spec specs[3] = {dense(8, PIPE_NN_TANH), d, dense(2, PIPE_NN_LINEAR)};
    probe p;
    probe_init(&p, 4, specs, 3, PIPE_NN_MSE, 0);
    check_gradients(&p, "dropout");
}

Test(nn_grad, batchnorm_training_mode)
{
    pipe_nn_layer_spec specs[4] = {dense(6, PIPE_NN_RELU),
                                   pipe_nn_layer_spec_default(PIPE_NN_BATCHNORM),
                                   dense(4, PIPE_NN_TANH), dense(2, PIPE_NN_LINEAR)};
    probe p;
    probe_init(&p, 5, specs, 4, PIPE_NN_MSE, 0);
    check_gradients(&p, "batchnorm");
}

Test(nn_grad, every_loss_with_row_weights)
{
    for (int loss = PIPE_NN_MSE; loss <= PIPE_NN_HUBER; loss++) {
        pipe_nn_layer_spec specs[2] = {dense(5, PIPE_NN_TANH), dense(3, PIPE_NN_LINEAR)};
        probe p;
        probe_init(&p, 4, specs, 2, (pipe_nn_loss_kind)loss, 0);
        p.use_weights = 1;
        check_gradients(&p, pipe_nn_loss_name((pipe_nn_loss_kind)loss));
    }
}

Test(nn_grad, huber_has_residuals_on_both_sides_of_delta)
{
    /* The check above is only meaningful if both Huber branches occur. */
    pipe_nn_loss loss = {PIPE_NN_HUBER, 0.3};
    double pred[4] = {0.1, -0.2, 1.5, -2.0}, y[4] = {0, 0, 0, 0}, g[4];
    double v = pipe_nn_loss_eval(&loss, pred, y, NULL, 4, 1, g);
    double want = (0.5 * 0.01 + 0.5 * 0.04 + 0.3 * (1.5 - 0.15) + 0.3 * (2.0 - 0.15)) / 4;
    cr_assert_float_eq(v, want, 1e-15);
    cr_assert_float_eq(g[0], 0.1 / 4, 1e-15);
    cr_assert_float_eq(g[2], 0.3 / 4, 1e-15);
    cr_assert_float_eq(g[3], -0.3 / 4, 1e-15);
}

Test(nn_grad, bce_after_sigmoid_is_fused)
{
    pipe_nn_layer_spec specs[2] = {dense(5, PIPE_NN_TANH), dense(1, PIPE_NN_SIGMOID)};
    probe p;
    probe_init(&p, 4, specs, 2, PIPE_NN_BCE, 1);
    p.use_weights = 1;
    check_gradients(&p, "bce + sigmoid (fused)");
}

Test(nn_grad, bce_on_its_own)
{
    /* BCE after a layer that is not a sigmoid dense: the general path. */
    pipe_nn_layer_spec a = pipe_nn_layer_spec_default(PIPE_NN_ACTIVATION);
    a.act = PIPE_NN_SIGMOID;
    pipe_nn_layer_spec specs[3] = {dense(5, PIPE_NN_TANH), dense(2, PIPE_NN_LINEAR), a};
    probe p;
    probe_init(&p, 4, specs, 3, PIPE_NN_BCE, 1);
    check_gradients(&p, "bce");
}

/* L2 enters through the optimizer: one SGD step with lr 1 and no momentum
 * moves w by exactly −(dLoss/dw + 2λw); compare with finite differences
 * of loss + λΣw². */
Test(nn_grad, l2_penalty_through_the_optimizer)
{
    pipe_nn_layer_spec specs[2] = {dense(4, PIPE_NN_TANH), dense(2, PIPE_NN_LINEAR)};
    specs[0].l2 = 0.05;
    specs[1].l2 = 0.2;
    probe p;
    probe_init(&p, 3, specs, 2, PIPE_NN_MSE, 0);
    size_t n;
    double *params = pipe_nn_model_params(p.m, &n);
    double *before = malloc(n * sizeof *before);
    memcpy(before, params, n * sizeof *before);
    pipe_nn_optim_config cfg = pipe_nn_optim_config_default(PIPE_NN_SGD);
    cfg.momentum = 0;
    pipe_nn_optim *opt = pipe_nn_optim_new(&cfg, p.m);
    pipe_rng rng;
    pipe_rng_seed(&rng, 1);
    pipe_nn_model_forward(p.m, p.x, ROWS, 1, &rng);
    pipe_nn_model_backward(p.m, p.x, p.y, NULL, ROWS);
    double penalty = pipe_nn_model_penalty(p.m);
    double reported = pipe_nn_optim_step(opt, p.m, 1.0); /* (macros evaluate twice) */
    cr_assert_float_eq(reported, penalty, 1e-12);
    cr_assert(penalty > 0);
    double *step = malloc(n * sizeof *step);
    for (size_t i = 0; i < n; i++)
        step[i] = before[i] - params[i];
    for (size_t i = 0; i < n; i++) {
        memcpy(params, before, n * sizeof *params);
        params[i] = before[i] + NN_GRAD_STEP;
        double up = probe_loss(&p) + pipe_nn_model_penalty(p.m);
        params[i] = before[i] - NN_GRAD_STEP;
        double down = probe_loss(&p) + pipe_nn_model_penalty(p.m);
        double numeric = (up - down) / (2 * NN_GRAD_STEP);
        cr_expect(fabs(numeric - step[i]) < NN_GRAD_TOLERANCE * fmax(1e-3, fabs(numeric)),
                  "parameter %zu: step %.10g, finite difference %.10g", i, step[i], numeric);
    }
    free(step);
    pipe_nn_optim_free(opt);
    free(before);
    pipe_nn_model_free(p.m);
}
