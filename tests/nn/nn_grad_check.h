/*
 * nn_grad_check.h — the gradient check the neural-network tests share:
 * every back-propagated parameter gradient of a model, in double
 * precision (pipe_nn_f64), against the central finite difference of its
 * loss.
 */
#ifndef PIPE_TEST_NN_GRAD_CHECK_H
#define PIPE_TEST_NN_GRAD_CHECK_H

#include "nn.h"

#include <stdint.h>

#define NN_GRAD_STEP 1e-6      /* the finite difference's half step */
#define NN_GRAD_TOLERANCE 1e-6 /* relative, on the scale max(1e-3, |a| + |n|) */

/* The batch a model is checked on. */
typedef struct nn_grad_batch {
    const double *x, *y; /* rows × inputs, rows × outputs */
    const double *w;     /* row weights, or NULL */
    int rows;
    uint64_t mask_seed; /* seeds the dropout masks, the same for every pass */
} nn_grad_batch;

/* The model's loss on the batch, in training mode, without the L2 penalty. */
double nn_grad_loss(pipe_nn_model *m, const nn_grad_batch *b);

/* Back-propagate once, then move every parameter by ± NN_GRAD_STEP and
 * compare. Each disagreement fails the running test (the first five are
 * reported with their values, then their count). */
void nn_grad_check(pipe_nn_model *m, const nn_grad_batch *b, const char *what);

/* A model (loss mse) over samples chw for batches of `rows`, its He
 * initial parameters moved by 0.1·N(0, 1) drawn from rng (nonzero biases,
 * γ ≠ 1, β ≠ 0). Fails the running test when it cannot be built. */
pipe_nn_model *nn_grad_model(const int chw[3], const pipe_nn_layer_spec *specs, int n, int rows,
                             pipe_rng *rng);

/* nn_grad_check on `rows` rows of N(0, 1) inputs and targets from rng. */
void nn_grad_check_random(pipe_nn_model *m, int rows, pipe_rng *rng, const char *what);

#endif
