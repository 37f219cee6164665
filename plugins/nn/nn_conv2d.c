/*
 * nn_conv2d.c — the conv2d layer: y = act(conv(x, W) + b) with `channels`
 * output channels, a kh × kw kernel, a stride and zero padding per
 * dimension, on the convolution kernel of nn_conv.c. Parameters: the
 * kernel (channels, in · kh · kw), then the bias.
 */
#include "nn_conv.h"

#include <string.h>

int nn_window_check(const pipe_nn_layer_spec *s, char *err, size_t err_size)
{
    if (s->kernel[0] < 1 || s->kernel[1] < 1)
        return nn_fail(err, err_size, "the window must be at least 1x1, found %dx%d", s->kernel[0],
                       s->kernel[1]);
    if (s->stride[0] < 1 || s->stride[1] < 1)
        return nn_fail(err, err_size, "the stride must be at least 1x1, found %dx%d", s->stride[0],
                       s->stride[1]);
    if (s->pad[0] < 0 || s->pad[1] < 0)
        return nn_fail(err, err_size, "the padding must be >= 0, found %dx%d", s->pad[0],
                       s->pad[1]);
    return 0;
}

/* The layer's convolution, pointing into its parameters and scratch. */
static nn_conv conv_of(const pipe_nn_layer *l)
{
    nn_conv c = {.act = l->spec.act, .alpha = l->spec.alpha};
    memcpy(c.in_chw, l->in_chw, sizeof c.in_chw);
    memcpy(c.out_chw, l->out_chw, sizeof c.out_chw);
    memcpy(c.kernel, l->spec.kernel, sizeof c.kernel);
    memcpy(c.stride, l->spec.stride, sizeof c.stride);
    memcpy(c.pad, l->spec.pad, sizeof c.pad);
    c.w = l->param;
    c.b = l->param + l->n_kernel;
    c.gw = l->grad;
    c.gb = l->grad + l->n_kernel;
    c.work = l->scratch;
    return c;
}

static int conv_setup(pipe_nn_layer *l, char *err, size_t err_size)
{
    const pipe_nn_layer_spec *s = &l->spec;
    if (s->channels < 1)
        return nn_fail(err, err_size, "a convolution needs at least 1 output channel, found %d",
                       s->channels);
    if (!(s->l2 >= 0))
        return nn_fail(err, err_size, "the L2 coefficient must be >= 0, found %g", s->l2);
    if (s->act == PIPE_NN_LEAKY_RELU && !(s->alpha > 0))
        return nn_fail(err, err_size, "leaky relu needs a slope alpha > 0, found %g", s->alpha);
    if (nn_window_check(s, err, err_size) != 0)
        return -1;
    nn_conv c = conv_of(l);
    if (nn_conv_shape(&c, s->channels, err, err_size) != 0)
        return -1;
    memcpy(l->out_chw, c.out_chw, sizeof l->out_chw);
    l->out_size = c.out_chw[0] * c.out_chw[1] * c.out_chw[2];
    l->n_kernel = nn_conv_kernel_count(&c);
    l->n_param = l->n_kernel + (size_t)s->channels;
    l->scratch_fixed = nn_conv_scratch_fixed(&c);
    l->scratch_per_row = nn_conv_scratch_per_row(&c);
    return 0;
}

static void conv_init(pipe_nn_layer *l, pipe_rng *rng, pipe_nn_init init)
{
    nn_conv c = conv_of(l);
    nn_conv_init_kernel(&c, l->param, rng, init);
    memset(l->param + l->n_kernel, 0, (size_t)l->spec.channels * sizeof *l->param);
}

static void conv_forward(pipe_nn_layer *l, const nn_real *in, int n, int training, pipe_rng *rng)
{
    (void)training, (void)rng;
    nn_conv c = conv_of(l);
    nn_conv_forward(&c, in, n, l->out);
}

static void conv_backward(pipe_nn_layer *l, const nn_real *in, nn_real *dout, nn_real *din, int n)
{
    nn_conv c = conv_of(l);
    nn_conv_backward(&c, in, l->out, dout, din, 0, n);
}

static int conv_tensors(const pipe_nn_layer *l, pipe_nn_tensor_info *out)
{
    int64_t oc = l->spec.channels;
    out[0] = (pipe_nn_tensor_info){"kernel", 2, {oc, (int64_t)(l->n_kernel / (size_t)oc)}, 0, 0};
    out[1] = (pipe_nn_tensor_info){"bias", 1, {oc, 0}, l->n_kernel, 0};
    return 2;
}

const pipe_nn_layer_ops nn_conv2d_ops = {
    .setup = conv_setup,
    .init = conv_init,
    .forward = conv_forward,
    .backward = conv_backward,
    .tensors = conv_tensors,
};
