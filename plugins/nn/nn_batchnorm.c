/*
 * nn_batchnorm.c — batch normalisation, as Keras' BatchNormalization:
 * per channel, y = γ·(x − μ)/sqrt(σ² + eps) + β, with the batch's mean and
 * (biased) variance in training and the running averages in inference.
 * Running averages: avg = momentum·avg + (1 − momentum)·batch value.
 *
 * A sample is `channels` blocks of `spatial` values (features of a dense
 * input: spatial = 1; an image: one block per channel of H·W pixels), so
 * the same code normalises dense and convolutional activations.
 *
 * Parameters: γ then β. State: running mean then running variance.
 * Scratch: per channel mean and 1/σ, then x̂ per row.
 */
#include "nn_internal.h"

#include <math.h>
#include <string.h>

static int bn_setup(pipe_nn_layer *l, char *err, size_t err_size)
{
    if (!(l->spec.momentum >= 0 && l->spec.momentum < 1))
        return nn_fail(err, err_size, "batchnorm momentum must be in [0, 1), found %g",
                       l->spec.momentum);
    if (!(l->spec.eps > 0))
        return nn_fail(err, err_size, "batchnorm eps must be > 0, found %g", l->spec.eps);
    size_t channels = (size_t)l->in_chw[0];
    l->out_size = l->in_size;
    memcpy(l->out_chw, l->in_chw, sizeof l->out_chw);
    l->n_param = 2 * channels;
    l->n_state = 2 * channels;
    l->scratch_per_row = (size_t)l->in_size;
    l->scratch_fixed = 2 * channels;
    return 0;
}

static void bn_init(pipe_nn_layer *l, pipe_rng *rng, pipe_nn_init init)
{
    (void)rng, (void)init;
    size_t c = (size_t)l->in_chw[0];
    for (size_t i = 0; i < c; i++) {
        l->param[i] = 1;     /* γ */
        l->param[c + i] = 0; /* β */
        l->state[i] = 0;     /* running mean */
        l->state[c + i] = 1; /* running variance */
    }
}

/* Σ v[0 .. count): one block of a channel (dense features: one value,
 * summed inline; image planes through nn_sum's partial sums). */
static nn_real block_sum(const nn_real *v, int count)
{
    if (count < NN_LANES) {
        nn_real s = 0;
        for (int k = 0; k < count; k++)
            s += v[k];
        return s;
    }
    return nn_sum(v, (size_t)count);
}

/* Σ a[k]·b[k] over one block (as block_sum). */
static nn_real block_dot(const nn_real *a, const nn_real *b, int count)
{
    if (count < NN_LANES) {
        nn_real s = 0;
        for (int k = 0; k < count; k++)
            s += a[k] * b[k];
        return s;
    }
    return nn_dot(a, b, (size_t)count, 1);
}

/* dst[k] = src[k] − shift over one block (NN_HOT: vectorised). */
NN_HOT static void block_shift(nn_real *restrict dst, const nn_real *restrict src, nn_real shift,
                               int count)
{
    for (int k = 0; k < count; k++)
        dst[k] = src[k] - shift;
}

/* x̂ *= 1/σ, then out = γ·x̂ + β over one block. */
NN_HOT static void block_affine(nn_real *restrict xhat, nn_real *restrict out, nn_real inv,
                                nn_real gamma, nn_real beta, int count)
{
    for (int k = 0; k < count; k++) {
        xhat[k] *= inv;
        out[k] = gamma * xhat[k] + beta;
    }
}

/* The batch's mean and 1/σ per channel, the running averages updated;
 * xhat gets x − μ. */
static void batch_statistics(pipe_nn_layer *l, const nn_real *in, int n, nn_real *mean,
                             nn_real *inv, nn_real *xhat)
{
    int channels = l->in_chw[0], spatial = l->in_size / channels;
    nn_real m = (nn_real)n * spatial, mom = (nn_real)l->spec.momentum;
    memset(mean, 0, 2 * (size_t)channels * sizeof *mean); /* mean, then inv */
    for (int r = 0; r < n; r++)
        for (int c = 0; c < channels; c++)
            mean[c] += block_sum(in + (size_t)r * l->in_size + (size_t)c * spatial, spatial);
    for (int c = 0; c < channels; c++)
        mean[c] /= m;
    for (int r = 0; r < n; r++)
        for (int c = 0; c < channels; c++) {
            size_t at = (size_t)r * l->in_size + (size_t)c * spatial;
            block_shift(xhat + at, in + at, mean[c], spatial);
            inv[c] += block_dot(xhat + at, xhat + at, spatial);
        }
    for (int c = 0; c < channels; c++) {
        nn_real var = inv[c] / m;
        l->state[c] = mom * l->state[c] + (1 - mom) * mean[c];
        l->state[channels + c] = mom * l->state[channels + c] + (1 - mom) * var;
        inv[c] = 1 / NN_SQRT(var + (nn_real)l->spec.eps);
    }
}

static void bn_forward(pipe_nn_layer *l, const nn_real *in, int n, int training, pipe_rng *rng)
{
    (void)rng;
    int channels = l->in_chw[0], spatial = l->in_size / channels;
    const nn_real *gamma = l->param, *beta = l->param + channels;
    nn_real *mean = l->scratch, *inv = mean + channels, *xhat = l->scratch + l->scratch_fixed;
    if (training) {
        batch_statistics(l, in, n, mean, inv, xhat);
    } else {
        for (int c = 0; c < channels; c++) {
            mean[c] = l->state[c];
            inv[c] = 1 / NN_SQRT(l->state[channels + c] + (nn_real)l->spec.eps);
        }
    }
    for (int r = 0; r < n; r++)
        for (int c = 0; c < channels; c++) {
            size_t at = (size_t)r * l->in_size + (size_t)c * spatial;
            if (!training)
                block_shift(xhat + at, in + at, mean[c], spatial);
            block_affine(xhat + at, l->out + at, inv[c], gamma[c], beta[c], spatial);
        }
}

/* din = γ/σ/m · (m·dout − Σdout − x̂·Σ(dout·x̂)) over one block. */
NN_HOT static void block_input_grad(nn_real *restrict din, const nn_real *restrict dout,
                                    const nn_real *restrict xhat, nn_real scale, nn_real m,
                                    nn_real dbeta, nn_real dgamma, int count)
{
    for (int k = 0; k < count; k++)
        din[k] = scale * (m * dout[k] - dbeta - xhat[k] * dgamma);
}

static void bn_backward(pipe_nn_layer *l, const nn_real *in, nn_real *dout, nn_real *din, int n)
{
    (void)in;
    int channels = l->in_chw[0], spatial = l->in_size / channels;
    const nn_real *gamma = l->param, *inv = l->scratch + channels;
    const nn_real *xhat = l->scratch + l->scratch_fixed;
    nn_real *dgamma = l->grad, *dbeta = l->grad + channels;
    memset(l->grad, 0, l->n_param * sizeof *l->grad);
    for (int r = 0; r < n; r++)
        for (int c = 0; c < channels; c++) {
            size_t at = (size_t)r * l->in_size + (size_t)c * spatial;
            dgamma[c] += block_dot(dout + at, xhat + at, spatial);
            dbeta[c] += block_sum(dout + at, spatial);
        }
    if (!din)
        return;
    nn_real m = (nn_real)n * spatial;
    for (int r = 0; r < n; r++)
        for (int c = 0; c < channels; c++) {
            size_t at = (size_t)r * l->in_size + (size_t)c * spatial;
            block_input_grad(din + at, dout + at, xhat + at, gamma[c] * inv[c] / m, m, dbeta[c],
                             dgamma[c], spatial);
        }
}

static int bn_tensors(const pipe_nn_layer *l, pipe_nn_tensor_info *out)
{
    int64_t c = l->in_chw[0];
    out[0] = (pipe_nn_tensor_info){"gamma", 1, {c, 0}, 0, 0};
    out[1] = (pipe_nn_tensor_info){"beta", 1, {c, 0}, (size_t)c, 0};
    out[2] = (pipe_nn_tensor_info){"moving_mean", 1, {c, 0}, 0, 1};
    out[3] = (pipe_nn_tensor_info){"moving_variance", 1, {c, 0}, (size_t)c, 1};
    return 4;
}

const pipe_nn_layer_ops nn_batchnorm_ops = {
    .setup = bn_setup,
    .init = bn_init,
    .forward = bn_forward,
    .backward = bn_backward,
    .tensors = bn_tensors,
};
