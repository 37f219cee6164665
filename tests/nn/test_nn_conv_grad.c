/*
 * test_nn_conv_grad.c — gradient checks of the image layers of the
 * neural-network core (conv2d, max and average pooling, global average
 * pooling, flatten, the residual block, batchnorm per channel), in double
 * precision (pipe_nn_f64): every back-propagated parameter gradient must
 * match a central finite difference of the loss to 1e-6 (relative).
 *
 * Each layer under test sits after a convolution, so the gradient it
 * passes to its input is checked too (through that convolution's
 * parameters), and before a dense output layer.
 */
#include "nn.h"
#include "nn_grad_check.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROWS 5

typedef struct probe {
    pipe_nn_model *m;
    double *x, *y;
} probe;

static void probe_init(probe *p, const int chw[3], const pipe_nn_layer_spec *specs, int n_layers)
{
    char err[300];
    pipe_nn_loss loss = {PIPE_NN_MSE, 1};
    p->m = pipe_nn_model_new_chw(chw, specs, n_layers, &loss, ROWS, err, sizeof err);
    cr_assert(p->m, "model: %s", err);
    pipe_rng rng;
    pipe_rng_seed(&rng, 11);
    pipe_nn_model_init(p->m, &rng, PIPE_NN_INIT_HE);
    size_t n;
    double *params = pipe_nn_model_params(p->m, &n);
    for (size_t i = 0; i < n; i++) /* nonzero biases, γ ≠ 1, β ≠ 0 */
        params[i] += 0.1 * pipe_rng_normal(&rng);
    int n_in = pipe_nn_model_inputs(p->m), n_out = pipe_nn_model_outputs(p->m);
    p->x = malloc((size_t)ROWS * n_in * sizeof *p->x);
    p->y = malloc((size_t)ROWS * n_out * sizeof *p->y);
    for (int i = 0; i < ROWS * n_in; i++)
        p->x[i] = pipe_rng_normal(&rng);
    for (int i = 0; i < ROWS * n_out; i++)
        p->y[i] = pipe_rng_normal(&rng);
}

/* Check every gradient, then free the probe. */
static void check_gradients(probe *p, const char *what)
{
    nn_grad_batch b = {p->x, p->y, NULL, ROWS, 1};
    nn_grad_check(p->m, &b, what);
    free(p->x);
    free(p->y);
    pipe_nn_model_free(p->m);
}

static pipe_nn_layer_spec conv(int channels, int kh, int kw, int stride, int pad, pipe_nn_act act)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(PIPE_NN_CONV2D);
    s.channels = channels;
    s.kernel[0] = kh;
    s.kernel[1] = kw;
    s.stride[0] = s.stride[1] = stride;
    s.pad[0] = s.pad[1] = pad;
    s.act = act;
    s.alpha = 0.2;
    return s;
}

static pipe_nn_layer_spec pool(pipe_nn_layer_kind kind, int k, int stride, int pad)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(kind);
    s.kernel[0] = s.kernel[1] = k;
    s.stride[0] = s.stride[1] = stride;
    s.pad[0] = s.pad[1] = pad;
    return s;
}

static pipe_nn_layer_spec dense(int units)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(PIPE_NN_DENSE);
    s.units = units;
    return s;
}

static pipe_nn_layer_spec residual(int channels, int stride, int norm)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(PIPE_NN_RESIDUAL);
    s.channels = channels;
    s.stride[0] = s.stride[1] = stride;
    s.norm = norm;
    return s;
}

/* Run the check on [conv 3x3 pad 1 (tanh), layer, dense 2] over a 2x5x6
 * image (the convolutions compute through im2col) and over a 2x3x4 one
 * (small enough for the unrolled path of 3x3 kernels). */
static void check_after_conv(pipe_nn_layer_spec layer, const char *what)
{
    const int sizes[2][3] = {{2, 5, 6}, {2, 3, 4}};
    for (int i = 0; i < 2; i++) {
        pipe_nn_layer_spec specs[3] = {conv(3, 3, 3, 1, 1, PIPE_NN_TANH), layer, dense(2)};
        char name[160];
        snprintf(name, sizeof name, "%s on %dx%dx%d", what, sizes[i][0], sizes[i][1], sizes[i][2]);
        probe p;
        probe_init(&p, sizes[i], specs, 3);
        check_gradients(&p, name);
    }
}

Test(nn_conv_grad, conv2d_every_activation)
{
    for (int act = PIPE_NN_LINEAR; act <= PIPE_NN_SIGMOID; act++)
        check_after_conv(conv(4, 3, 3, 1, 1, (pipe_nn_act)act), pipe_nn_act_name((pipe_nn_act)act));
}

Test(nn_conv_grad, conv2d_stride_padding_and_rectangular_kernels)
{
    check_after_conv(conv(4, 3, 2, 2, 1, PIPE_NN_TANH), "3x2 kernel, stride 2, padding 1");
    check_after_conv(conv(3, 2, 3, 1, 0, PIPE_NN_LINEAR), "2x3 kernel, no padding");
    check_after_conv(conv(5, 1, 1, 1, 0, PIPE_NN_SIGMOID), "1x1 kernel");
    check_after_conv(conv(2, 5, 5, 3, 2, PIPE_NN_TANH), "5x5 kernel, stride 3, padding 2");
    check_after_conv(conv(2, 3, 3, 2, 1, PIPE_NN_TANH), "3x3 kernel, stride 2, padding 1");
}

Test(nn_conv_grad, conv2d_as_first_layer_on_a_one_pixel_image)
{
    const int chw[3] = {6, 1, 1};
    pipe_nn_layer_spec specs[2] = {conv(4, 1, 1, 1, 0, PIPE_NN_TANH), dense(1)};
    probe p;
    probe_init(&p, chw, specs, 2);
    check_gradients(&p, "1x1 image");
}

/* A 3x3 convolution over 110592 patch reals per sample: im2col takes the
 * batch a sample at a time (see CHUNK_REALS in nn_conv.c), in backward
 * too, after a 1x1 one so that the input gradient is checked. */
Test(nn_conv_grad, conv2d_in_chunks_of_samples)
{
    const int chw[3] = {2, 64, 64};
    pipe_nn_layer_spec specs[4] = {conv(3, 1, 1, 1, 0, PIPE_NN_TANH),
                                   conv(2, 3, 3, 1, 1, PIPE_NN_TANH),
                                   pipe_nn_layer_spec_default(PIPE_NN_GLOBAL_AVGPOOL), dense(2)};
    probe p;
    probe_init(&p, chw, specs, 4);
    check_gradients(&p, "3x3 convolution on 3x64x64, one sample per chunk");
}

/* Enough input channels for the shifted layout of the unrolled path
 * (see test_nn_conv.c): a 1x1 convolution (im2col) makes 30 channels, so
 * that the input gradient of the 3x3 one is checked too: 2x3 (by column),
 * 3x2 (by row), 3x4 with stride 2 (kernel rows off the image). */
Test(nn_conv_grad, conv2d_with_shifted_kernels)
{
    const int chws[3][3] = {{2, 2, 3}, {2, 3, 2}, {2, 3, 4}};
    const int strides[3] = {1, 1, 2};
    for (int i = 0; i < 3; i++) {
        pipe_nn_layer_spec specs[3] = {conv(30, 1, 1, 1, 0, PIPE_NN_TANH),
                                       conv(3, 3, 3, strides[i], 1, PIPE_NN_TANH), dense(2)};
        char name[80];
        snprintf(name, sizeof name, "shifted kernels on 30x%dx%d", chws[i][1], chws[i][2]);
        probe p;
        probe_init(&p, chws[i], specs, 3);
        check_gradients(&p, name);
    }
}

/* On a 1x2 image every convolution of a residual block computes unrolled
 * and the 1x1 projection adds its input gradient to the block's: with the
 * full matrix (3 channels, 3x3 kernels) and shifted (34, 1x1 kernels so
 * that the check stays quick). */
Test(nn_conv_grad, residual_block_on_a_two_pixel_image)
{
    const int chw[3] = {2, 1, 2}, channels[2][2] = {{3, 4}, {34, 36}}, kernels[2] = {3, 1};
    for (int i = 0; i < 2; i++) {
        pipe_nn_layer_spec specs[3] = {conv(channels[i][0], 1, 1, 1, 0, PIPE_NN_TANH),
                                       residual(channels[i][1], 1, 0), dense(2)};
        specs[1].kernel[0] = specs[1].kernel[1] = kernels[i];
        specs[1].act = PIPE_NN_TANH; /* no kinks for the finite differences */
        char name[80];
        snprintf(name, sizeof name, "residual %d -> %d channels on 1x2", channels[i][0],
                 channels[i][1]);
        probe p;
        probe_init(&p, chw, specs, 3);
        check_gradients(&p, name);
    }
}

Test(nn_conv_grad, max_pooling)
{
    check_after_conv(pool(PIPE_NN_MAXPOOL, 2, 2, 0), "maxpool 2, stride 2");
    check_after_conv(pool(PIPE_NN_MAXPOOL, 3, 1, 1), "maxpool 3, stride 1, padding 1 (overlap)");
    check_after_conv(pool(PIPE_NN_MAXPOOL, 3, 2, 0), "maxpool 3, stride 2");
}

Test(nn_conv_grad, average_pooling)
{
    check_after_conv(pool(PIPE_NN_AVGPOOL, 2, 2, 0), "avgpool 2, stride 2");
    check_after_conv(pool(PIPE_NN_AVGPOOL, 3, 2, 1), "avgpool 3, stride 2, padding 1");
}

Test(nn_conv_grad, global_average_pooling_and_flatten)
{
    check_after_conv(pipe_nn_layer_spec_default(PIPE_NN_GLOBAL_AVGPOOL), "global avgpool");
    check_after_conv(pipe_nn_layer_spec_default(PIPE_NN_FLATTEN), "flatten");
}

Test(nn_conv_grad, batchnorm_per_channel_on_images)
{
    check_after_conv(pipe_nn_layer_spec_default(PIPE_NN_BATCHNORM), "batchnorm on 3x5x6 maps");
}

Test(nn_conv_grad, residual_blocks)
{
    check_after_conv(residual(3, 1, 1), "residual, identity shortcut, batchnorm");
    check_after_conv(residual(4, 1, 1), "residual, projection (channels), batchnorm");
    check_after_conv(residual(4, 2, 1), "residual, projection (stride 2), batchnorm");
    check_after_conv(residual(3, 1, 0), "residual, identity shortcut, no batchnorm");
    check_after_conv(residual(5, 2, 0), "residual, projection, no batchnorm");
}

Test(nn_conv_grad, study_sized_stack)
{
    /* The tabular image (3 x 2 x 3) through the stack the cnn pipeline uses. */
    const int chw[3] = {3, 2, 3};
    pipe_nn_layer_spec specs[6] = {conv(4, 3, 3, 1, 1, PIPE_NN_RELU),
                                   conv(5, 3, 3, 1, 1, PIPE_NN_RELU),
                                   pool(PIPE_NN_MAXPOOL, 2, 2, 0),
                                   pipe_nn_layer_spec_default(PIPE_NN_FLATTEN),
                                   dense(6),
                                   dense(1)};
    specs[4].act = PIPE_NN_TANH;
    probe p;
    probe_init(&p, chw, specs, 6);
    check_gradients(&p, "tabular stack");
}
