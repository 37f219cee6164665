/*
 * nn_blocks.c — the blocks of the image families, written once as
 * compositions of the core's layers and expanded into layer specs (with
 * their `from` inputs) when a network is built:
 *
 *   basic (ResNet):        conv k/s → bn → act → conv k → bn, + shortcut(x), act
 *   bottleneck (ResNet-50): conv 1×1 (C/4) → bn → act → conv 3×3/s → bn → act →
 *                          conv 1×1 (C) → bn, + shortcut(x), act
 *   dense_block (DenseNet): `layers` times: x ← concat(x, conv k (growth) of act(bn x))
 *   transition (DenseNet): bn → act → conv 1×1 (C) → 2×2 average pooling
 *   inception:             concat(conv 1×1, conv 1×1 → 3×3, conv 1×1 → 3×3 → 3×3,
 *                          max pool 3×3/1 → conv 1×1) of x, each conv with bn and act
 *   inverted_residual (MobileNetV2): conv 1×1 (t·C_in) → bn → relu6 → depthwise 3×3/s →
 *                          bn → relu6 → conv 1×1 (C) → bn, + x where the shapes agree
 *
 * The shortcut layer is x itself or a 1×1 projection, as the shapes need
 * (nn_conv2d.c); the skip of the inverted residual is an `optional` add.
 * Both decide when the network is set up, so blocks expand without
 * knowing the shapes. Without `norm` the convolutions apply the
 * activation themselves and no batchnorm is added.
 */
#include "nn_internal.h"

#include <string.h>

static const char *const block_names[] = {"basic",      "bottleneck", "dense_block",
                                          "transition", "inception",  "inverted_residual"};

const char *pipe_nn_block_kind_name(pipe_nn_block_kind kind)
{
    return nn_name_of(block_names, PIPE_COUNT(block_names), (unsigned)kind);
}

pipe_nn_block pipe_nn_block_default(pipe_nn_block_kind kind)
{
    pipe_nn_block b = {.kind = kind,
                       .stride = 1,
                       .kernel = 3,
                       .expand = 6,
                       .layers = 4,
                       .growth = 12,
                       .norm = 1,
                       .act = kind == PIPE_NN_BLOCK_INVERTED ? PIPE_NN_RELU6 : PIPE_NN_RELU,
                       .alpha = 0.01,
                       .momentum = 0.99,
                       .eps = 1e-3};
    return b;
}

/* Where the specs go: out[n - base] is layer n. */
typedef struct emitter {
    const pipe_nn_block *b;
    pipe_nn_layer_spec *out;
    int cap, base, n; /* n: the index of the next layer */
} emitter;

/* Append s taking `from` (one input); returns its index. */
static int emit(emitter *e, pipe_nn_layer_spec s, int from)
{
    if (from != e->n - 1 || e->n == e->base) { /* explicit unless the previous block layer */
        s.n_from = 1;
        s.from[0] = from;
    }
    if (e->out && e->n - e->base < e->cap)
        e->out[e->n - e->base] = s;
    return e->n++;
}

static int emit_merge(emitter *e, pipe_nn_layer_kind kind, const int *from, int n_from,
                      int optional)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(kind);
    s.n_from = n_from;
    memcpy(s.from, from, (size_t)n_from * sizeof *from);
    s.optional = optional;
    if (e->out && e->n - e->base < e->cap)
        e->out[e->n - e->base] = s;
    return e->n++;
}

static int emit_act(emitter *e, pipe_nn_act act, int from)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(PIPE_NN_ACTIVATION);
    s.act = act;
    s.alpha = e->b->alpha;
    return emit(e, s, from);
}

static int emit_bn(emitter *e, int from)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(PIPE_NN_BATCHNORM);
    s.momentum = e->b->momentum;
    s.eps = e->b->eps;
    return emit(e, s, from);
}

/* A convolution with "same" padding (channels 0: expand × the input's). */
static pipe_nn_layer_spec conv_spec(const pipe_nn_block *b, int channels, int k, int stride)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(PIPE_NN_CONV2D);
    s.channels = channels;
    s.kernel[0] = s.kernel[1] = k;
    s.stride[0] = s.stride[1] = stride;
    s.pad[0] = s.pad[1] = k / 2;
    s.act = b->act;
    s.alpha = b->alpha;
    s.l2 = b->l2;
    return s;
}

/* conv, then (norm) bn and, when `act` is not linear, the activation;
 * without norm the convolution applies `act` itself. */
static int emit_unit(emitter *e, pipe_nn_layer_spec conv, pipe_nn_act act, int from)
{
    conv.act = e->b->norm ? PIPE_NN_LINEAR : act;
    int at = emit(e, conv, from);
    if (!e->b->norm)
        return at;
    at = emit_bn(e, at);
    return act == PIPE_NN_LINEAR ? at : emit_act(e, act, at);
}

/* The residual sum of the main path and the shortcut of x, then act. */
static void emit_residual_end(emitter *e, int main, int x)
{
    pipe_nn_layer_spec sc = pipe_nn_layer_spec_default(PIPE_NN_SHORTCUT);
    sc.channels = e->b->channels;
    sc.stride[0] = sc.stride[1] = e->b->stride;
    sc.l2 = e->b->l2;
    int skip = emit(e, sc, x);
    int sum = emit_merge(e, PIPE_NN_ADD, (int[]){main, skip}, 2, 0);
    emit_act(e, e->b->act, sum);
}

static void expand_basic(emitter *e, int x)
{
    const pipe_nn_block *b = e->b;
    int a = emit_unit(e, conv_spec(b, b->channels, b->kernel, b->stride), b->act, x);
    a = emit_unit(e, conv_spec(b, b->channels, b->kernel, 1), PIPE_NN_LINEAR, a);
    emit_residual_end(e, a, x);
}

static void expand_bottleneck(emitter *e, int x)
{
    const pipe_nn_block *b = e->b;
    int inner = b->channels / 4;
    int a = emit_unit(e, conv_spec(b, inner, 1, 1), b->act, x);
    a = emit_unit(e, conv_spec(b, inner, 3, b->stride), b->act, a);
    a = emit_unit(e, conv_spec(b, b->channels, 1, 1), PIPE_NN_LINEAR, a);
    emit_residual_end(e, a, x);
}

/* bn → act → conv (DenseNet's pre-activation order). */
static int emit_pre_act_conv(emitter *e, pipe_nn_layer_spec conv, int from)
{
    int at = from;
    if (e->b->norm) {
        at = emit_bn(e, at);
        at = emit_act(e, e->b->act, at);
        conv.act = PIPE_NN_LINEAR;
    }
    return emit(e, conv, at);
}

static void expand_dense(emitter *e, int x)
{
    int cur = x;
    for (int i = 0; i < e->b->layers; i++) {
        int c = emit_pre_act_conv(e, conv_spec(e->b, e->b->growth, e->b->kernel, 1), cur);
        cur = emit_merge(e, PIPE_NN_CONCAT, (int[]){cur, c}, 2, 0);
    }
}

static void expand_transition(emitter *e, int x)
{
    int c = emit_pre_act_conv(e, conv_spec(e->b, e->b->channels, 1, 1), x);
    pipe_nn_layer_spec pool = pipe_nn_layer_spec_default(PIPE_NN_AVGPOOL);
    emit(e, pool, c);
}

static void expand_inception(emitter *e, int x)
{
    const pipe_nn_block *b = e->b;
    const int *c = b->branch;
    int b1 = emit_unit(e, conv_spec(b, c[0], 1, 1), b->act, x);
    int b3 = emit_unit(e, conv_spec(b, c[1], 1, 1), b->act, x);
    b3 = emit_unit(e, conv_spec(b, c[2], 3, 1), b->act, b3);
    int b5 = emit_unit(e, conv_spec(b, c[3], 1, 1), b->act, x);
    b5 = emit_unit(e, conv_spec(b, c[4], 3, 1), b->act, b5);
    b5 = emit_unit(e, conv_spec(b, c[4], 3, 1), b->act, b5);
    pipe_nn_layer_spec pool = pipe_nn_layer_spec_default(PIPE_NN_MAXPOOL);
    pool.kernel[0] = pool.kernel[1] = 3;
    pool.stride[0] = pool.stride[1] = 1;
    pool.pad[0] = pool.pad[1] = 1;
    int bp = emit(e, pool, x);
    bp = emit_unit(e, conv_spec(b, c[5], 1, 1), b->act, bp);
    emit_merge(e, PIPE_NN_CONCAT, (int[]){b1, b3, b5, bp}, 4, 0);
}

static void expand_inverted(emitter *e, int x)
{
    const pipe_nn_block *b = e->b;
    int a = x;
    if (b->expand > 1) {
        pipe_nn_layer_spec up = conv_spec(b, 0, 1, 1);
        up.expand = b->expand;
        a = emit_unit(e, up, b->act, a);
    }
    pipe_nn_layer_spec dw = conv_spec(b, 0, 3, b->stride);
    dw.depthwise = 1;
    a = emit_unit(e, dw, b->act, a);
    a = emit_unit(e, conv_spec(b, b->channels, 1, 1), PIPE_NN_LINEAR, a);
    emit_merge(e, PIPE_NN_ADD, (int[]){x, a}, 2, 1);
}

/* The options each kind needs, checked. */
static int check_block(const pipe_nn_block *b, char *err, size_t err_size)
{
    int needs_channels = b->kind != PIPE_NN_BLOCK_DENSE && b->kind != PIPE_NN_BLOCK_INCEPTION;
    if (needs_channels && b->channels < 1)
        return nn_fail(err, err_size, "a %s block needs channels >= 1, found %d",
                       pipe_nn_block_kind_name(b->kind), b->channels);
    if (b->kind == PIPE_NN_BLOCK_BOTTLENECK && b->channels % 4)
        return nn_fail(err, err_size,
                       "a bottleneck's channels must be a multiple of 4 (its inner width is a "
                       "quarter), found %d",
                       b->channels);
    if (b->stride < 1 || b->kernel < 1 || b->kernel % 2 == 0)
        return nn_fail(err, err_size, "stride must be >= 1 and kernel odd, found %d and %d",
                       b->stride, b->kernel);
    if (b->kind == PIPE_NN_BLOCK_DENSE && (b->layers < 1 || b->growth < 1))
        return nn_fail(err, err_size, "a dense block needs layers >= 1 and growth >= 1");
    if (b->kind == PIPE_NN_BLOCK_INVERTED && b->expand < 1)
        return nn_fail(err, err_size, "expand must be >= 1, found %d", b->expand);
    for (int i = 0; b->kind == PIPE_NN_BLOCK_INCEPTION && i < 6; i++)
        if (b->branch[i] < 1)
            return nn_fail(err, err_size,
                           "an inception block needs 6 channel counts >= 1 (1x1, 3x3 reduce, "
                           "3x3, double 3x3 reduce, double 3x3, pool projection)");
    return 0;
}

int pipe_nn_block_expand(const pipe_nn_block *b, int input, int base, pipe_nn_layer_spec *out,
                         int cap, char *err, size_t err_size)
{
    if (check_block(b, err, err_size) != 0)
        return -1;
    emitter e = {b, out, cap, base, base};
    switch (b->kind) {
    case PIPE_NN_BLOCK_BASIC:
        expand_basic(&e, input);
        break;
    case PIPE_NN_BLOCK_BOTTLENECK:
        expand_bottleneck(&e, input);
        break;
    case PIPE_NN_BLOCK_DENSE:
        expand_dense(&e, input);
        break;
    case PIPE_NN_BLOCK_TRANSITION:
        expand_transition(&e, input);
        break;
    case PIPE_NN_BLOCK_INCEPTION:
        expand_inception(&e, input);
        break;
    case PIPE_NN_BLOCK_INVERTED:
        expand_inverted(&e, input);
        break;
    }
    return e.n - base;
}
