/*
 * nn_residual.c — the residual block of ResNet ("basic block"):
 *
 *   out = act(bn2(conv2(act(bn1(conv1(x))))) + shortcut(x))
 *
 * conv1 has the block's kernel and stride, conv2 the same kernel with
 * stride 1, both padded to keep the size ("same", so the kernel must be
 * odd). The shortcut is x itself when the block keeps the channel count
 * and the stride is 1, else a 1×1 convolution with the stride (the
 * projection). Without `norm` the two batch normalisations are left out.
 *
 * The block reuses the core's pieces: the convolution kernel of
 * nn_conv.c and the batchnorm layer of nn_batchnorm.c, run as sub-layers
 * over regions of the block's own parameters, state and scratch.
 *
 * Parameters: the kernels (conv1, conv2, shortcut — these carry the L2
 * penalty), then the biases, then γ and β of bn1 and bn2. State: running
 * mean and variance of bn1, then of bn2.
 */
#include "nn_conv.h"

#include <string.h>

/* The pieces of a block, pointing into the layer's buffers for a batch
 * of n samples. */
typedef struct block {
    nn_conv conv1, conv2, shortcut;
    int projected, norm;
    pipe_nn_layer bn1, bn2;
    size_t area;                /* reals per sample of every block-sized map */
    nn_real *z1, *a1, *z2, *b2; /* conv1 out, its activation, conv2 out, bn2 out */
    nn_real *zs;                /* the projected shortcut */
    nn_real *t1, *t2;           /* back-propagation work */
} block;

/* Geometry of the three convolutions (no buffers). */
static void block_geometry(const pipe_nn_layer *l, block *b)
{
    const pipe_nn_layer_spec *s = &l->spec;
    memset(b, 0, sizeof *b);
    nn_conv *c1 = &b->conv1, *c2 = &b->conv2, *cs = &b->shortcut;
    memcpy(c1->in_chw, l->in_chw, sizeof c1->in_chw);
    memcpy(c1->kernel, s->kernel, sizeof c1->kernel);
    memcpy(c1->stride, s->stride, sizeof c1->stride);
    c1->pad[0] = s->kernel[0] / 2;
    c1->pad[1] = s->kernel[1] / 2;
    c1->out_chw[0] = s->channels;
    c1->out_chw[1] = nn_conv_out_len(l->in_chw[1], s->kernel[0], s->stride[0], c1->pad[0]);
    c1->out_chw[2] = nn_conv_out_len(l->in_chw[2], s->kernel[1], s->stride[1], c1->pad[1]);
    *c2 = *c1;
    memcpy(c2->in_chw, c1->out_chw, sizeof c2->in_chw);
    c2->stride[0] = c2->stride[1] = 1;
    *cs = *c1;
    cs->kernel[0] = cs->kernel[1] = 1;
    cs->pad[0] = cs->pad[1] = 0;
    c1->act = s->norm ? PIPE_NN_LINEAR : s->act;
    c1->alpha = s->alpha;
    b->projected = l->in_chw[0] != s->channels || s->stride[0] != 1 || s->stride[1] != 1;
    b->norm = s->norm;
    b->area = (size_t)c1->out_chw[0] * c1->out_chw[1] * c1->out_chw[2];
}

/* A batchnorm sub-layer over the block's output maps. */
static pipe_nn_layer bn_part(const pipe_nn_layer *l, const block *b)
{
    pipe_nn_layer bn = {.ops = &nn_batchnorm_ops, .spec = l->spec};
    bn.spec.kind = PIPE_NN_BATCHNORM;
    memcpy(bn.in_chw, b->conv1.out_chw, sizeof bn.in_chw);
    memcpy(bn.out_chw, b->conv1.out_chw, sizeof bn.out_chw);
    bn.in_size = bn.out_size = (int)b->area;
    bn.n_param = bn.n_state = bn.scratch_fixed = 2 * (size_t)b->conv1.out_chw[0];
    bn.scratch_per_row = b->area;
    return bn;
}

/* Take `fixed + n · per_row` reals from *cursor. */
static nn_real *carve(nn_real **cursor, size_t fixed, size_t per_row, int n)
{
    nn_real *p = *cursor;
    *cursor += fixed + (size_t)n * per_row;
    return p;
}

/* Point the pieces at the layer's parameters, gradients and state, and
 * at its scratch laid out for a batch of n samples. */
static void block_bind(const pipe_nn_layer *l, int n, block *b)
{
    block_geometry(l, b);
    size_t k1 = nn_conv_kernel_count(&b->conv1), k2 = nn_conv_kernel_count(&b->conv2);
    size_t ks = b->projected ? nn_conv_kernel_count(&b->shortcut) : 0;
    size_t oc = (size_t)l->spec.channels, bias = k1 + k2 + ks;
    nn_conv *convs[3] = {&b->conv1, &b->conv2, &b->shortcut};
    size_t kernel_at[3] = {0, k1, k1 + k2};
    for (int i = 0; i < 3; i++) {
        convs[i]->w = l->param + kernel_at[i];
        convs[i]->gw = l->grad + kernel_at[i];
        convs[i]->b = l->param + bias + (size_t)i * oc;
        convs[i]->gb = l->grad + bias + (size_t)i * oc;
    }
    size_t norms = bias + (b->projected ? 3 : 2) * oc;
    b->bn1 = bn_part(l, b);
    b->bn2 = bn_part(l, b);
    b->bn1.param = l->param + norms;
    b->bn1.grad = l->grad + norms;
    b->bn2.param = l->param + norms + 2 * oc;
    b->bn2.grad = l->grad + norms + 2 * oc;
    b->bn1.state = l->state;
    b->bn2.state = l->state + 2 * oc;
    nn_real *cur = l->scratch;
    for (int i = 0; i < 3; i++) {
        if (i == 2 && !b->projected)
            break;
        convs[i]->work =
            carve(&cur, nn_conv_scratch_fixed(convs[i]), nn_conv_scratch_per_row(convs[i]), n);
    }
    b->z1 = carve(&cur, 0, b->area, n);
    b->z2 = carve(&cur, 0, b->area, n);
    b->zs = b->projected ? carve(&cur, 0, b->area, n) : NULL;
    b->t1 = carve(&cur, 0, b->area, n);
    b->t2 = carve(&cur, 0, b->area, n);
    b->a1 = b->norm ? carve(&cur, 0, b->area, n) : b->z1;
    b->b2 = b->norm ? carve(&cur, 0, b->area, n) : b->z2;
    if (b->norm) {
        b->bn1.scratch = carve(&cur, b->bn1.scratch_fixed, b->area, n);
        b->bn2.scratch = carve(&cur, b->bn2.scratch_fixed, b->area, n);
        b->bn1.out = b->a1;
        b->bn2.out = b->b2;
    }
}

static int residual_setup(pipe_nn_layer *l, char *err, size_t err_size)
{
    const pipe_nn_layer_spec *s = &l->spec;
    if (s->channels < 1)
        return nn_fail(err, err_size, "a residual block needs at least 1 channel, found %d",
                       s->channels);
    if (nn_window_check(s, err, err_size) != 0)
        return -1;
    if (s->kernel[0] % 2 == 0 || s->kernel[1] % 2 == 0)
        return nn_fail(err, err_size,
                       "a residual block keeps the image size, so its kernel must be odd, "
                       "found %dx%d",
                       s->kernel[0], s->kernel[1]);
    if (!(s->l2 >= 0))
        return nn_fail(err, err_size, "the L2 coefficient must be >= 0, found %g", s->l2);
    if (s->act == PIPE_NN_LEAKY_RELU && !(s->alpha > 0))
        return nn_fail(err, err_size, "leaky relu needs a slope alpha > 0, found %g", s->alpha);
    block b;
    block_geometry(l, &b);
    pipe_nn_layer bn = bn_part(l, &b);
    if (s->norm && bn.ops->setup(&bn, err, err_size) != 0)
        return -1;
    memcpy(l->out_chw, b.conv1.out_chw, sizeof l->out_chw);
    l->out_size = (int)b.area;
    size_t oc = (size_t)s->channels, convs = b.projected ? 3 : 2;
    l->n_kernel = nn_conv_kernel_count(&b.conv1) + nn_conv_kernel_count(&b.conv2) +
                  (b.projected ? nn_conv_kernel_count(&b.shortcut) : 0);
    l->n_param = l->n_kernel + convs * oc + (s->norm ? 4 * oc : 0);
    l->n_state = s->norm ? 4 * oc : 0;
    l->scratch_fixed = nn_conv_scratch_fixed(&b.conv1) + nn_conv_scratch_fixed(&b.conv2) +
                       (b.projected ? nn_conv_scratch_fixed(&b.shortcut) : 0) +
                       (s->norm ? 4 * oc : 0);
    l->scratch_per_row = nn_conv_scratch_per_row(&b.conv1) + nn_conv_scratch_per_row(&b.conv2) +
                         (b.projected ? nn_conv_scratch_per_row(&b.shortcut) + b.area : 0) +
                         4 * b.area + (s->norm ? 4 * b.area : 0);
    return 0;
}

static void residual_init(pipe_nn_layer *l, pipe_rng *rng, pipe_nn_init init)
{
    block b;
    block_bind(l, 0, &b);
    nn_conv_init_kernel(&b.conv1, (nn_real *)b.conv1.w, rng, init);
    nn_conv_init_kernel(&b.conv2, (nn_real *)b.conv2.w, rng, init);
    if (b.projected)
        nn_conv_init_kernel(&b.shortcut, (nn_real *)b.shortcut.w, rng, init);
    memset(l->param + l->n_kernel, 0, (l->n_param - l->n_kernel) * sizeof *l->param);
    if (b.norm) {
        nn_batchnorm_ops.init(&b.bn1, rng, init);
        nn_batchnorm_ops.init(&b.bn2, rng, init);
    }
}

static void residual_forward(pipe_nn_layer *l, const nn_real *in, int n, int training,
                             pipe_rng *rng)
{
    block b;
    block_bind(l, n, &b);
    size_t count = (size_t)n * b.area;
    nn_conv_forward(&b.conv1, in, n, b.z1);
    if (b.norm) {
        b.bn1.ops->forward(&b.bn1, b.z1, n, training, rng);
        nn_act_forward(l->spec.act, l->spec.alpha, b.a1, count);
    }
    nn_conv_forward(&b.conv2, b.a1, n, b.z2);
    if (b.norm)
        b.bn2.ops->forward(&b.bn2, b.z2, n, training, rng);
    const nn_real *skip = in;
    if (b.projected) {
        nn_conv_forward(&b.shortcut, in, n, b.zs);
        skip = b.zs;
    }
    for (size_t i = 0; i < count; i++)
        l->out[i] = b.b2[i] + skip[i];
    nn_act_forward(l->spec.act, l->spec.alpha, l->out, count);
}

/* dout is the gradient at the block's output (overwritten). conv2 and the
 * shortcut are linear, so their backward passes leave dout as it is and
 * both can read it. */
static void residual_backward(pipe_nn_layer *l, const nn_real *in, nn_real *dout, nn_real *din,
                              int n)
{
    block b;
    block_bind(l, n, &b);
    size_t count = (size_t)n * b.area;
    nn_act_backward(l->spec.act, l->spec.alpha, l->out, dout, count);
    nn_real *dz2 = dout;
    if (b.norm) {
        b.bn2.ops->backward(&b.bn2, b.z2, dout, b.t1, n);
        dz2 = b.t1;
    }
    nn_conv_backward(&b.conv2, b.a1, b.z2, dz2, b.t2, 0, n); /* t2 = dLoss/da1 */
    nn_real *dz1 = b.t2;
    if (b.norm) {
        nn_act_backward(l->spec.act, l->spec.alpha, b.a1, b.t2, count);
        b.bn1.ops->backward(&b.bn1, b.z1, b.t2, b.t1, n);
        dz1 = b.t1;
    }
    nn_conv_backward(&b.conv1, in, b.z1, dz1, din, 0, n);
    if (b.projected) {
        nn_conv_backward(&b.shortcut, in, b.zs, dout, din, 1, n);
    } else if (din) {
        for (size_t i = 0; i < count; i++)
            din[i] += dout[i];
    }
}

static int residual_tensors(const pipe_nn_layer *l, pipe_nn_tensor_info *out)
{
    block b;
    block_geometry(l, &b);
    int64_t oc = l->spec.channels;
    size_t k1 = nn_conv_kernel_count(&b.conv1), k2 = nn_conv_kernel_count(&b.conv2);
    size_t bias = l->n_kernel, norms = bias + (size_t)(b.projected ? 3 : 2) * (size_t)oc;
    int count = 0;
    int64_t ic = l->in_chw[0], kh = b.conv1.kernel[0], kw = b.conv1.kernel[1];
    out[count++] = (pipe_nn_tensor_info){"conv1.kernel", 4, {oc, ic, kh, kw}, 0, 0};
    out[count++] = (pipe_nn_tensor_info){"conv2.kernel", 4, {oc, oc, kh, kw}, k1, 0};
    if (b.projected)
        out[count++] = (pipe_nn_tensor_info){"shortcut.kernel", 4, {oc, ic, 1, 1}, k1 + k2, 0};
    out[count++] = (pipe_nn_tensor_info){"conv1.bias", 1, {oc, 0}, bias, 0};
    out[count++] = (pipe_nn_tensor_info){"conv2.bias", 1, {oc, 0}, bias + (size_t)oc, 0};
    if (b.projected)
        out[count++] = (pipe_nn_tensor_info){"shortcut.bias", 1, {oc, 0}, bias + 2 * (size_t)oc, 0};
    if (!b.norm)
        return count;
    static const char *const params[4] = {"bn1.gamma", "bn1.beta", "bn2.gamma", "bn2.beta"};
    static const char *const state[4] = {"bn1.moving_mean", "bn1.moving_variance",
                                         "bn2.moving_mean", "bn2.moving_variance"};
    for (int i = 0; i < 4; i++)
        out[count++] = (pipe_nn_tensor_info){params[i], 1, {oc, 0}, norms + (size_t)i * oc, 0};
    for (int i = 0; i < 4; i++)
        out[count++] = (pipe_nn_tensor_info){state[i], 1, {oc, 0}, (size_t)i * oc, 1};
    return count;
}

const pipe_nn_layer_ops nn_residual_ops = {
    .setup = residual_setup,
    .init = residual_init,
    .forward = residual_forward,
    .backward = residual_backward,
    .tensors = residual_tensors,
};
