/*
 * nn_grad_check.c — the central-finite-difference gradient check of
 * nn_grad_check.h.
 */
#include "nn_grad_check.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { REPORTED = 5 }; /* disagreements shown one by one */

/* The forward pass of the check: training mode, the batch's masks. */
static const double *forward(pipe_nn_model *m, const nn_grad_batch *b)
{
    pipe_rng rng;
    pipe_rng_seed(&rng, b->mask_seed);
    return pipe_nn_model_forward(m, b->x, b->rows, 1, &rng);
}

double nn_grad_loss(pipe_nn_model *m, const nn_grad_batch *b)
{
    const double *out = forward(m, b);
    return pipe_nn_loss_eval(pipe_nn_model_loss(m), out, b->y, b->w, b->rows,
                             pipe_nn_model_outputs(m), NULL);
}

void nn_grad_check(pipe_nn_model *m, const nn_grad_batch *b, const char *what)
{
    size_t n;
    double *params = pipe_nn_model_params(m, &n);
    double *analytic = malloc(n * sizeof *analytic);
    cr_assert(analytic && n > 0, "%s: a model with parameters", what);
    forward(m, b);
    pipe_nn_model_backward(m, b->x, b->y, b->w, b->rows);
    memcpy(analytic, pipe_nn_model_grads(m, NULL), n * sizeof *analytic);
    int wrong = 0;
    for (size_t i = 0; i < n; i++) {
        double keep = params[i];
        params[i] = keep + NN_GRAD_STEP;
        double up = nn_grad_loss(m, b);
        params[i] = keep - NN_GRAD_STEP;
        double down = nn_grad_loss(m, b);
        params[i] = keep;
        double numeric = (up - down) / (2 * NN_GRAD_STEP);
        double err = fabs(numeric - analytic[i]) / fmax(1e-3, fabs(numeric) + fabs(analytic[i]));
        if (err >= NN_GRAD_TOLERANCE && wrong++ < REPORTED)
            cr_expect(0,
                      "%s: parameter %zu of %zu: back-propagation %.10g, finite difference %.10g",
                      what, i, n, analytic[i], numeric);
    }
    cr_expect(wrong == 0, "%s: %d of %zu gradients wrong", what, wrong, n);
    free(analytic);
}

pipe_nn_model *nn_grad_model(const int chw[3], const pipe_nn_layer_spec *specs, int n, int rows,
                             pipe_rng *rng)
{
    char err[300];
    pipe_nn_loss loss = {PIPE_NN_MSE, 1};
    pipe_nn_model *m = pipe_nn_model_new_chw(chw, specs, n, &loss, rows, err, sizeof err);
    cr_assert(m, "model: %s", err);
    pipe_nn_model_init(m, rng, PIPE_NN_INIT_HE);
    size_t count;
    double *params = pipe_nn_model_params(m, &count);
    for (size_t i = 0; i < count; i++) /* nonzero biases, γ ≠ 1, β ≠ 0 */
        params[i] += 0.1 * pipe_rng_normal(rng);
    return m;
}

void nn_grad_check_random(pipe_nn_model *m, int rows, pipe_rng *rng, const char *what)
{
    size_t n_in = (size_t)rows * pipe_nn_model_inputs(m);
    size_t n_out = (size_t)rows * pipe_nn_model_outputs(m);
    double *x = malloc(n_in * sizeof *x), *y = malloc(n_out * sizeof *y);
    cr_assert(x && y);
    for (size_t i = 0; i < n_in; i++)
        x[i] = pipe_rng_normal(rng);
    for (size_t i = 0; i < n_out; i++)
        y[i] = pipe_rng_normal(rng);
    nn_grad_batch b = {x, y, NULL, rows, 1};
    nn_grad_check(m, &b, what);
    free(x);
    free(y);
}
