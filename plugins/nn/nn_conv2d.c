/*
 * nn_conv2d.c — the conv2d layer: y = act(conv(x, W) + b) with `channels`
 * output channels, a kh × kw kernel, a stride and zero padding per
 * dimension, on the convolution kernel of nn_conv.c. Parameters: the
 * kernel (channels, in/groups · kh · kw: PyTorch's layout), then the bias.
 *
 * Grouped convolution (groups G, or depthwise: G = input channels): the
 * input channels and the output channels fall into G groups, and output
 * group g sees input group g only — G convolutions side by side, the
 * kernel rows of group g after those of g − 1, as in PyTorch. Each group
 * is gathered into a contiguous batch in the scratch, convolved by the
 * same kernel code, and scattered back. One group computes in place, and
 * so does a depthwise layer with one output channel per group (the
 * kernel's direct depthwise path, no gathering).
 *
 * Also the shortcut of a residual connection: the identity, or a linear
 * 1×1 convolution with a stride when the shapes need one.
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

/* The number of groups of l (after setup: it divides both channel counts). */
static int groups_of(const pipe_nn_layer *l)
{
    if (l->spec.depthwise)
        return l->in_chw[0];
    return l->spec.groups > 1 ? l->spec.groups : 1;
}

/* The convolution of group g, pointing into the layer's parameters and,
 * for several groups, its share of the scratch (after the gathered
 * batches, see group_buffers). */
static nn_conv conv_of(const pipe_nn_layer *l, int g)
{
    int groups = groups_of(l);
    nn_conv c = {.act = l->spec.act, .alpha = l->spec.alpha};
    memcpy(c.in_chw, l->in_chw, sizeof c.in_chw);
    memcpy(c.out_chw, l->out_chw, sizeof c.out_chw);
    c.in_chw[0] /= groups;
    c.out_chw[0] = l->spec.channels / groups;
    memcpy(c.kernel, l->spec.kernel, sizeof c.kernel);
    memcpy(c.stride, l->spec.stride, sizeof c.stride);
    memcpy(c.pad, l->spec.pad, sizeof c.pad);
    size_t kernel = l->n_kernel / (size_t)groups, bias = (size_t)c.out_chw[0];
    c.work = l->scratch;
    if (!l->param) /* the shape pass, before buffers exist: geometry only */
        return c;
    c.w = l->param + (size_t)g * kernel;
    c.b = l->param + l->n_kernel + (size_t)g * bias;
    c.gw = l->grad + (size_t)g * kernel;
    c.gb = l->grad + l->n_kernel + (size_t)g * bias;
    return c;
}

/* Depthwise with one output channel per input channel: the whole layer
 * is one depthwise convolution of the kernel (nn_conv_depthwise.c). */
static int direct_depthwise(const pipe_nn_layer *l)
{
    int groups = groups_of(l);
    return groups > 1 && groups == l->in_chw[0] && groups == l->spec.channels;
}

static nn_conv depthwise_of(const pipe_nn_layer *l)
{
    nn_conv c = conv_of(l, 0);
    c.in_chw[0] = c.out_chw[0] = l->in_chw[0];
    c.depthwise = 1;
    return c;
}

/* Reals per sample of one group's input and output. */
static size_t group_in(const pipe_nn_layer *l)
{
    return (size_t)l->in_size / (size_t)groups_of(l);
}

static size_t group_out(const pipe_nn_layer *l)
{
    return (size_t)l->out_size / (size_t)groups_of(l);
}

/* The scratch of a grouped layer for a batch of n samples (laid out by n,
 * the same in forward and backward): the kernel work area of each group,
 * then four gathered batches (input, output, output gradient, input
 * gradient). */
typedef struct group_buffers {
    nn_real *in, *out, *dout, *din;
} group_buffers;

static group_buffers group_buffers_of(const pipe_nn_layer *l, int n, nn_conv *c, int g)
{
    size_t work = nn_conv_scratch_fixed(c) + (size_t)n * nn_conv_scratch_per_row(c);
    size_t gi = (size_t)n * group_in(l), go = (size_t)n * group_out(l);
    nn_real *base = l->scratch + (size_t)groups_of(l) * work;
    c->work = l->scratch + (size_t)g * work;
    return (group_buffers){base, base + gi, base + gi + go, base + gi + 2 * go};
}

/* dst[s] = src[s's group g] for n samples (gather), or the reverse. */
static void gather(nn_real *dst, const nn_real *src, size_t whole, size_t part, int g, int n)
{
    for (int s = 0; s < n; s++)
        memcpy(dst + (size_t)s * part, src + (size_t)s * whole + (size_t)g * part,
               part * sizeof *dst);
}

static void scatter(nn_real *dst, const nn_real *src, size_t whole, size_t part, int g, int n)
{
    for (int s = 0; s < n; s++)
        memcpy(dst + (size_t)s * whole + (size_t)g * part, src + (size_t)s * part,
               part * sizeof *dst);
}

static int conv_setup(pipe_nn_layer *l, char *err, size_t err_size)
{
    const pipe_nn_layer_spec *s = &l->spec;
    if (s->channels == 0 && s->expand >= 0) /* a multiple of the input's channels */
        l->spec.channels = (s->expand ? s->expand : 1) * l->in_chw[0];
    if (s->channels < 1)
        return nn_fail(err, err_size, "a convolution needs at least 1 output channel, found %d",
                       s->channels);
    if (!(s->l2 >= 0))
        return nn_fail(err, err_size, "the L2 coefficient must be >= 0, found %g", s->l2);
    if (s->act == PIPE_NN_LEAKY_RELU && !(s->alpha > 0))
        return nn_fail(err, err_size, "leaky relu needs a slope alpha > 0, found %g", s->alpha);
    if (nn_window_check(s, err, err_size) != 0)
        return -1;
    int groups = groups_of(l);
    if (s->groups < 0)
        return nn_fail(err, err_size, "groups must be >= 1, found %d", s->groups);
    if (l->in_chw[0] % groups || s->channels % groups)
        return nn_fail(err, err_size,
                       "%s %d groups must divide the input's %d channels (input %dx%dx%d) and the "
                       "%d output channels",
                       s->depthwise ? "depthwise:" : "the", groups, l->in_chw[0], l->in_chw[0],
                       l->in_chw[1], l->in_chw[2], s->channels);
    nn_conv c = conv_of(l, 0);
    if (nn_conv_shape(&c, s->channels / groups, err, err_size) != 0)
        return -1;
    memcpy(l->out_chw, c.out_chw, sizeof l->out_chw);
    l->out_chw[0] = s->channels;
    l->out_size = l->out_chw[0] * l->out_chw[1] * l->out_chw[2];
    l->n_kernel = nn_conv_kernel_count(&c) * (size_t)groups;
    l->n_param = l->n_kernel + (size_t)s->channels;
    l->scratch_fixed = nn_conv_scratch_fixed(&c) * (size_t)groups;
    l->scratch_per_row = nn_conv_scratch_per_row(&c) * (size_t)groups;
    if (direct_depthwise(l)) /* no work area, nothing gathered */
        l->scratch_fixed = l->scratch_per_row = 0;
    else if (groups > 1) /* the gathered batches */
        l->scratch_per_row += 2 * (group_in(l) + group_out(l));
    return 0;
}

static void conv_init(pipe_nn_layer *l, pipe_rng *rng, pipe_nn_init init)
{
    for (int g = 0; g < groups_of(l); g++) {
        nn_conv c = conv_of(l, g);
        nn_conv_init_kernel(&c, (nn_real *)c.w, rng, init);
    }
    memset(l->param + l->n_kernel, 0, (size_t)l->spec.channels * sizeof *l->param);
}

static void conv_forward(pipe_nn_layer *l, const nn_real *in, int n, int training, pipe_rng *rng)
{
    (void)training, (void)rng;
    int groups = groups_of(l);
    if (groups == 1 || direct_depthwise(l)) {
        nn_conv c = groups == 1 ? conv_of(l, 0) : depthwise_of(l);
        nn_conv_forward(&c, in, n, l->out);
        return;
    }
    for (int g = 0; g < groups; g++) {
        nn_conv c = conv_of(l, g);
        group_buffers b = group_buffers_of(l, n, &c, g);
        gather(b.in, in, (size_t)l->in_size, group_in(l), g, n);
        nn_conv_forward(&c, b.in, n, b.out);
        scatter(l->out, b.out, (size_t)l->out_size, group_out(l), g, n);
    }
}

static void conv_backward(pipe_nn_layer *l, const nn_real *in, nn_real *dout, nn_real *din, int n)
{
    int groups = groups_of(l);
    if (groups == 1 || direct_depthwise(l)) {
        nn_conv c = groups == 1 ? conv_of(l, 0) : depthwise_of(l);
        nn_conv_backward(&c, in, l->out, dout, din, 0, n);
        return;
    }
    for (int g = 0; g < groups; g++) {
        nn_conv c = conv_of(l, g);
        group_buffers b = group_buffers_of(l, n, &c, g);
        gather(b.in, in, (size_t)l->in_size, group_in(l), g, n);
        gather(b.out, l->out, (size_t)l->out_size, group_out(l), g, n);
        gather(b.dout, dout, (size_t)l->out_size, group_out(l), g, n);
        nn_conv_backward(&c, b.in, b.out, b.dout, din ? b.din : NULL, 0, n);
        if (din)
            scatter(din, b.din, (size_t)l->in_size, group_in(l), g, n);
    }
}

/* The kernel as PyTorch's rank-4 (out, in/groups, kh, kw), then the bias. */
static int conv_tensors(const pipe_nn_layer *l, pipe_nn_tensor_info *out)
{
    int64_t oc = l->spec.channels, in = l->in_chw[0] / groups_of(l);
    out[0] =
        (pipe_nn_tensor_info){"kernel", 4, {oc, in, l->spec.kernel[0], l->spec.kernel[1]}, 0, 0};
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

/* ------------------------------------------------------------------ */
/* The shortcut of a residual connection                                */
/* ------------------------------------------------------------------ */

/* Identity when the input already has the channels and the stride is 1. */
static int shortcut_is_identity(const pipe_nn_layer *l)
{
    return l->in_chw[0] == l->spec.channels && l->spec.stride[0] == 1 && l->spec.stride[1] == 1;
}

/* Otherwise a linear 1×1 convolution with the stride (ResNet's projection). */
static int shortcut_setup(pipe_nn_layer *l, char *err, size_t err_size)
{
    if (!shortcut_is_identity(l)) {
        l->spec.kernel[0] = l->spec.kernel[1] = 1;
        l->spec.pad[0] = l->spec.pad[1] = 0;
        l->spec.act = PIPE_NN_LINEAR;
        l->spec.groups = l->spec.depthwise = 0;
        return conv_setup(l, err, err_size);
    }
    memcpy(l->out_chw, l->in_chw, sizeof l->out_chw);
    l->out_size = l->in_size;
    return 0;
}

static void shortcut_init(pipe_nn_layer *l, pipe_rng *rng, pipe_nn_init init)
{
    if (l->n_param)
        conv_init(l, rng, init);
}

static void shortcut_forward(pipe_nn_layer *l, const nn_real *in, int n, int training,
                             pipe_rng *rng)
{
    if (l->n_param)
        conv_forward(l, in, n, training, rng);
    else
        memcpy(l->out, in, (size_t)n * l->out_size * sizeof *in);
}

static void shortcut_backward(pipe_nn_layer *l, const nn_real *in, nn_real *dout, nn_real *din,
                              int n)
{
    if (l->n_param)
        conv_backward(l, in, dout, din, n);
    else if (din)
        memcpy(din, dout, (size_t)n * l->out_size * sizeof *din);
}

static int shortcut_tensors(const pipe_nn_layer *l, pipe_nn_tensor_info *out)
{
    return l->n_param ? conv_tensors(l, out) : 0;
}

const pipe_nn_layer_ops nn_shortcut_ops = {
    .setup = shortcut_setup,
    .init = shortcut_init,
    .forward = shortcut_forward,
    .backward = shortcut_backward,
    .tensors = shortcut_tensors,
};
