/*
 * nn_act.c — activation functions (their names, their forward and
 * backward loops) and the layers built on them: the standalone
 * activation layer, dropout, and softmax (over each sample's values).
 *
 * Every derivative is computed from the activation's output y, so layers
 * keep only their outputs for back-propagation: relu' = [y > 0],
 * tanh' = 1 − y², sigmoid' = y·(1 − y), relu6' = [0 < y < 6]; leaky relu
 * keeps the sign of x.
 * The switch on the kind sits outside the loops so that they vectorise.
 */
#include "nn_internal.h"

#include <math.h>
#include <string.h>

static const char *const act_names[] = {"linear", "relu", "leaky_relu", "tanh", "sigmoid", "relu6"};

const char *pipe_nn_act_name(pipe_nn_act act)
{
    return nn_name_of(act_names, PIPE_COUNT(act_names), (unsigned)act);
}

int pipe_nn_act_parse(const char *name)
{
    return nn_name_find(act_names, PIPE_COUNT(act_names), name);
}

size_t nn_argmax(const nn_real *v, size_t n)
{
    size_t best = 0;
    for (size_t k = 1; k < n; k++)
        if (v[k] > v[best])
            best = k;
    return best;
}

static nn_real sigmoid(nn_real x)
{
    /* Stable on both sides: never exp of a large positive number. */
    if (x >= 0)
        return 1 / (1 + NN_EXP(-x));
    nn_real e = NN_EXP(x);
    return e / (1 + e);
}

NN_HOT void nn_act_forward(pipe_nn_act act, double alpha, nn_real *v, size_t count)
{
    nn_real a = (nn_real)alpha;
    switch (act) {
    case PIPE_NN_LINEAR:
        break;
    case PIPE_NN_RELU:
        /* Unrolled: the plain loop takes two cycles a vector on Zen 3. */
#pragma GCC unroll 4
        for (size_t i = 0; i < count; i++)
            v[i] = v[i] > 0 ? v[i] : 0;
        break;
    case PIPE_NN_LEAKY_RELU:
        for (size_t i = 0; i < count; i++)
            v[i] = v[i] > 0 ? v[i] : a * v[i];
        break;
    case PIPE_NN_TANH:
        for (size_t i = 0; i < count; i++)
            v[i] = NN_TANH(v[i]);
        break;
    case PIPE_NN_SIGMOID:
        for (size_t i = 0; i < count; i++)
            v[i] = sigmoid(v[i]);
        break;
    case PIPE_NN_RELU6:
        for (size_t i = 0; i < count; i++)
            v[i] = v[i] > 0 ? (v[i] < 6 ? v[i] : 6) : 0;
        break;
    }
}

NN_HOT void nn_act_backward(pipe_nn_act act, double alpha, const nn_real *y, nn_real *d,
                            size_t count)
{
    nn_real a = (nn_real)alpha;
    switch (act) {
    case PIPE_NN_LINEAR:
        break;
    case PIPE_NN_RELU:
        for (size_t i = 0; i < count; i++)
            d[i] = y[i] > 0 ? d[i] : 0;
        break;
    case PIPE_NN_LEAKY_RELU:
        /* y > 0 exactly when x > 0 (alpha > 0 keeps the sign). */
        for (size_t i = 0; i < count; i++)
            d[i] = y[i] > 0 ? d[i] : a * d[i];
        break;
    case PIPE_NN_TANH:
        for (size_t i = 0; i < count; i++)
            d[i] *= 1 - y[i] * y[i];
        break;
    case PIPE_NN_SIGMOID:
        for (size_t i = 0; i < count; i++)
            d[i] *= y[i] * (1 - y[i]);
        break;
    case PIPE_NN_RELU6:
        for (size_t i = 0; i < count; i++)
            d[i] = y[i] > 0 && y[i] < 6 ? d[i] : 0;
        break;
    }
}

/* ------------------------------------------------------------------ */
/* The activation layer                                                 */
/* ------------------------------------------------------------------ */

static int act_setup(pipe_nn_layer *l, char *err, size_t err_size)
{
    if ((unsigned)l->spec.act >= PIPE_COUNT(act_names))
        return nn_fail(err, err_size, "unknown activation %d", (int)l->spec.act);
    if (l->spec.act == PIPE_NN_LEAKY_RELU && !(l->spec.alpha > 0))
        return nn_fail(err, err_size, "leaky relu needs a slope alpha > 0, found %g",
                       l->spec.alpha);
    l->out_size = l->in_size;
    memcpy(l->out_chw, l->in_chw, sizeof l->out_chw);
    return 0;
}

static void act_forward(pipe_nn_layer *l, const nn_real *in, int n, int training, pipe_rng *rng)
{
    (void)training, (void)rng;
    size_t count = (size_t)n * l->out_size;
    memcpy(l->out, in, count * sizeof *in);
    nn_act_forward(l->spec.act, l->spec.alpha, l->out, count);
}

static void act_backward(pipe_nn_layer *l, const nn_real *in, nn_real *dout, nn_real *din, int n)
{
    (void)in;
    if (!din)
        return;
    size_t count = (size_t)n * l->out_size;
    nn_act_backward(l->spec.act, l->spec.alpha, l->out, dout, count);
    memcpy(din, dout, count * sizeof *din);
}

const pipe_nn_layer_ops nn_activation_ops = {
    .setup = act_setup,
    .forward = act_forward,
    .backward = act_backward,
};

/* ------------------------------------------------------------------ */
/* The dropout layer (kept here: it too is an element-wise layer)       */
/* ------------------------------------------------------------------ */

static int dropout_setup(pipe_nn_layer *l, char *err, size_t err_size)
{
    if (!(l->spec.rate >= 0 && l->spec.rate < 1))
        return nn_fail(err, err_size, "dropout rate must be in [0, 1), found %g", l->spec.rate);
    l->out_size = l->in_size;
    memcpy(l->out_chw, l->in_chw, sizeof l->out_chw);
    l->scratch_per_row = (size_t)l->in_size; /* the mask, 0 or 1/(1 − rate) */
    return 0;
}

static void dropout_forward(pipe_nn_layer *l, const nn_real *in, int n, int training, pipe_rng *rng)
{
    size_t count = (size_t)n * l->out_size;
    if (!training || l->spec.rate == 0) {
        memcpy(l->out, in, count * sizeof *in);
        return;
    }
    nn_real keep = (nn_real)(1 / (1 - l->spec.rate));
    for (size_t i = 0; i < count; i++)
        l->scratch[i] = pipe_rng_uniform(rng) < l->spec.rate ? 0 : keep;
    for (size_t i = 0; i < count; i++)
        l->out[i] = in[i] * l->scratch[i];
}

static void dropout_backward(pipe_nn_layer *l, const nn_real *in, nn_real *dout, nn_real *din,
                             int n)
{
    (void)in;
    if (!din)
        return;
    size_t count = (size_t)n * l->out_size;
    if (l->spec.rate == 0) {
        memcpy(din, dout, count * sizeof *din);
        return;
    }
    for (size_t i = 0; i < count; i++)
        din[i] = dout[i] * l->scratch[i];
}

const pipe_nn_layer_ops nn_dropout_ops = {
    .setup = dropout_setup,
    .forward = dropout_forward,
    .backward = dropout_backward,
};

/* ------------------------------------------------------------------ */
/* Softmax over each sample                                             */
/* ------------------------------------------------------------------ */

static int softmax_setup(pipe_nn_layer *l, char *err, size_t err_size)
{
    (void)err, (void)err_size;
    l->out_size = l->in_size;
    memcpy(l->out_chw, l->in_chw, sizeof l->out_chw);
    return 0;
}

/* exp(x − max) / Σ exp(x − max): never exp of a positive number. */
static void softmax_forward(pipe_nn_layer *l, const nn_real *in, int n, int training, pipe_rng *rng)
{
    (void)training, (void)rng;
    size_t dim = (size_t)l->out_size;
    for (int r = 0; r < n; r++) {
        const nn_real *x = in + r * dim;
        nn_real *y = l->out + r * dim, top = x[0], sum = 0;
        for (size_t j = 1; j < dim; j++)
            top = x[j] > top ? x[j] : top;
        for (size_t j = 0; j < dim; j++)
            sum += y[j] = NN_EXP(x[j] - top);
        for (size_t j = 0; j < dim; j++)
            y[j] /= sum;
    }
}

/* din = y ⊙ (dout − Σⱼ yⱼ·doutⱼ); fused with CCE, dout is already dLoss/dx. */
static void softmax_backward(pipe_nn_layer *l, const nn_real *in, nn_real *dout, nn_real *din,
                             int n)
{
    (void)in;
    if (!din)
        return;
    size_t dim = (size_t)l->out_size;
    if (l->dz_given) {
        memcpy(din, dout, (size_t)n * dim * sizeof *din);
        return;
    }
    for (int r = 0; r < n; r++) {
        const nn_real *y = l->out + r * dim, *g = dout + r * dim;
        double dot = 0;
        for (size_t j = 0; j < dim; j++)
            dot += (double)y[j] * g[j];
        for (size_t j = 0; j < dim; j++)
            din[r * dim + j] = (nn_real)(y[j] * (g[j] - dot));
    }
}

const pipe_nn_layer_ops nn_softmax_ops = {
    .setup = softmax_setup,
    .forward = softmax_forward,
    .backward = softmax_backward,
};
