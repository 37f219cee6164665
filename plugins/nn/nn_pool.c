/*
 * nn_pool.c — the layers that reshape images without parameters:
 * max pooling and average pooling over kh × kw windows (a stride and
 * zero padding per dimension, like PyTorch's MaxPool2d and AvgPool2d with
 * count_include_pad), global average and max pooling (one value per
 * channel) and flatten (channels × height × width becomes one feature vector).
 *
 * Max pooling keeps the index of each window's maximum (in scratch) for
 * back-propagation; padding never wins a maximum.
 */
#include "nn_conv.h"

#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Max and average pooling                                              */
/* ------------------------------------------------------------------ */

static int pool_setup(pipe_nn_layer *l, char *err, size_t err_size)
{
    const pipe_nn_layer_spec *s = &l->spec;
    if (nn_window_check(s, err, err_size) != 0)
        return -1;
    if (2 * s->pad[0] > s->kernel[0] || 2 * s->pad[1] > s->kernel[1])
        return nn_fail(err, err_size,
                       "the padding %dx%d is more than half the %dx%d window (a window would "
                       "pool padding only)",
                       s->pad[0], s->pad[1], s->kernel[0], s->kernel[1]);
    nn_conv geometry = {.in_chw = {l->in_chw[0], l->in_chw[1], l->in_chw[2]},
                        .kernel = {s->kernel[0], s->kernel[1]},
                        .stride = {s->stride[0], s->stride[1]},
                        .pad = {s->pad[0], s->pad[1]}};
    if (nn_conv_shape(&geometry, l->in_chw[0], err, err_size) != 0)
        return -1;
    memcpy(l->out_chw, geometry.out_chw, sizeof l->out_chw);
    l->out_size = l->out_chw[0] * l->out_chw[1] * l->out_chw[2];
    if (s->kind == PIPE_NN_MAXPOOL)
        l->scratch_per_row = (size_t)l->out_size; /* the index of each maximum */
    return 0;
}

/* The window of output pixel (oy, ox), clipped to the image: rows
 * [y0, y1), columns [x0, x1). */
typedef struct window {
    int y0, y1, x0, x1;
} window;

static window window_at(const pipe_nn_layer *l, int oy, int ox)
{
    const pipe_nn_layer_spec *s = &l->spec;
    window w = {oy * s->stride[0] - s->pad[0], 0, ox * s->stride[1] - s->pad[1], 0};
    w.y1 = w.y0 + s->kernel[0];
    w.x1 = w.x0 + s->kernel[1];
    w.y0 = w.y0 < 0 ? 0 : w.y0;
    w.x0 = w.x0 < 0 ? 0 : w.x0;
    w.y1 = w.y1 > l->in_chw[1] ? l->in_chw[1] : w.y1;
    w.x1 = w.x1 > l->in_chw[2] ? l->in_chw[2] : w.x1;
    return w;
}

/* The index (within the plane) of the largest value of window w. */
static int window_argmax(const nn_real *plane, int width, window w)
{
    int best = w.y0 * width + w.x0;
    for (int y = w.y0; y < w.y1; y++)
        for (int x = w.x0; x < w.x1; x++)
            if (plane[y * width + x] > plane[best])
                best = y * width + x;
    return best;
}

static nn_real window_sum(const nn_real *plane, int width, window w)
{
    nn_real sum = 0;
    for (int y = w.y0; y < w.y1; y++)
        for (int x = w.x0; x < w.x1; x++)
            sum += plane[y * width + x];
    return sum;
}

/* The common case, 2x2 windows with stride 2 and no padding, without
 * the general window walk (same maxima, same first-wins ties). */
static int is_plain_2x2(const pipe_nn_layer_spec *s)
{
    return s->kind == PIPE_NN_MAXPOOL && s->kernel[0] == 2 && s->kernel[1] == 2 &&
           s->stride[0] == 2 && s->stride[1] == 2 && s->pad[0] == 0 && s->pad[1] == 0;
}

/* Keep (v, at) unless x is larger: a maximum without branches (the first
 * of equal values wins, as in window_argmax). */
#define KEEP_LARGER(v, at, x, x_at)                                                                \
    do {                                                                                           \
        int larger_ = (x) > (v);                                                                   \
        (v) = (x) > (v) ? (x) : (v);                                                               \
        (at) += ((x_at) - (at)) & -larger_;                                                        \
    } while (0)

/* The maximum of each 2x2 window, row of windows by row of windows
 * (scalar: the rows are often a single window, too short to vectorize). */
static void maxpool_2x2(pipe_nn_layer *l, const nn_real *in, int planes)
{
    int width = l->in_chw[2], oh = l->out_chw[1], ow = l->out_chw[2];
    size_t skip = (size_t)(l->in_chw[1] - 2 * oh) * width; /* an odd last row */
    int32_t *restrict arg = (int32_t *)l->scratch;
    nn_real *restrict out = l->out;
    const nn_real *r0 = in;
    for (int p = 0; p < planes; p++, r0 += skip)
        for (int top = 0; top < 2 * oh * width; top += 2 * width, r0 += 2 * width) {
            const nn_real *r1 = r0 + width;
            for (int x = 0; x < 2 * ow; x += 2, out++, arg++) {
                int best = top + x, bottom = top + width + x;
                nn_real v = r0[x];
                KEEP_LARGER(v, best, r0[x + 1], top + x + 1);
                KEEP_LARGER(v, best, r1[x], bottom);
                KEEP_LARGER(v, best, r1[x + 1], bottom + 1);
                *out = v;
                *arg = best;
            }
        }
}

static void pool_forward(pipe_nn_layer *l, const nn_real *in, int n, int training, pipe_rng *rng)
{
    (void)training, (void)rng;
    if (is_plain_2x2(&l->spec)) {
        maxpool_2x2(l, in, n * l->in_chw[0]);
        return;
    }
    int planes = n * l->in_chw[0], width = l->in_chw[2];
    int oh = l->out_chw[1], ow = l->out_chw[2], in_plane = l->in_chw[1] * width;
    int32_t *arg = (int32_t *)l->scratch;
    nn_real area = (nn_real)(l->spec.kernel[0] * l->spec.kernel[1]);
    for (int p = 0; p < planes; p++) {
        const nn_real *plane = in + (size_t)p * in_plane;
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                size_t o = ((size_t)p * oh + oy) * ow + ox;
                window w = window_at(l, oy, ox);
                if (l->spec.kind == PIPE_NN_MAXPOOL) {
                    arg[o] = window_argmax(plane, width, w);
                    l->out[o] = plane[arg[o]];
                } else {
                    l->out[o] = window_sum(plane, width, w) / area;
                }
            }
    }
}

/* din[arg[o]] += dout[o], plane by plane (din cleared). */
static void maxpool_backward(const pipe_nn_layer *l, const nn_real *dout, nn_real *din, int n)
{
    size_t planes = (size_t)n * l->in_chw[0], in_plane = (size_t)l->in_chw[1] * l->in_chw[2];
    size_t per_plane = (size_t)l->out_chw[1] * l->out_chw[2];
    const int32_t *arg = (const int32_t *)l->scratch;
    for (size_t p = 0; p < planes; p++, arg += per_plane, dout += per_plane, din += in_plane)
        for (size_t o = 0; o < per_plane; o++)
            din[arg[o]] += dout[o];
}

/* Each window's pixels get dout / area (din cleared). */
static void avgpool_backward(const pipe_nn_layer *l, const nn_real *dout, nn_real *din, int n)
{
    int planes = n * l->in_chw[0], width = l->in_chw[2];
    int oh = l->out_chw[1], ow = l->out_chw[2], in_plane = l->in_chw[1] * width;
    nn_real area = (nn_real)(l->spec.kernel[0] * l->spec.kernel[1]);
    for (int p = 0; p < planes; p++) {
        nn_real *plane = din + (size_t)p * in_plane;
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                size_t o = ((size_t)p * oh + oy) * ow + ox;
                window w = window_at(l, oy, ox);
                for (int y = w.y0; y < w.y1; y++)
                    for (int x = w.x0; x < w.x1; x++)
                        plane[y * width + x] += dout[o] / area;
            }
    }
}

static void pool_backward(pipe_nn_layer *l, const nn_real *in, nn_real *dout, nn_real *din, int n)
{
    (void)in;
    if (!din)
        return;
    memset(din, 0, (size_t)n * l->in_size * sizeof *din);
    if (l->spec.kind == PIPE_NN_MAXPOOL)
        maxpool_backward(l, dout, din, n);
    else
        avgpool_backward(l, dout, din, n);
}

const pipe_nn_layer_ops nn_pool_ops = {
    .setup = pool_setup,
    .forward = pool_forward,
    .backward = pool_backward,
};

/* ------------------------------------------------------------------ */
/* Global average pooling                                               */
/* ------------------------------------------------------------------ */

static int gap_setup(pipe_nn_layer *l, char *err, size_t err_size)
{
    (void)err, (void)err_size;
    l->out_chw[0] = l->in_chw[0];
    l->out_chw[1] = l->out_chw[2] = 1;
    l->out_size = l->in_chw[0];
    return 0;
}

static void gap_forward(pipe_nn_layer *l, const nn_real *in, int n, int training, pipe_rng *rng)
{
    (void)training, (void)rng;
    size_t planes = (size_t)n * l->in_chw[0], area = (size_t)l->in_chw[1] * l->in_chw[2];
    for (size_t p = 0; p < planes; p++) {
        nn_real sum = 0;
        for (size_t k = 0; k < area; k++)
            sum += in[p * area + k];
        l->out[p] = sum / (nn_real)area;
    }
}

static void gap_backward(pipe_nn_layer *l, const nn_real *in, nn_real *dout, nn_real *din, int n)
{
    (void)in;
    if (!din)
        return;
    size_t planes = (size_t)n * l->in_chw[0], area = (size_t)l->in_chw[1] * l->in_chw[2];
    for (size_t p = 0; p < planes; p++)
        for (size_t k = 0; k < area; k++)
            din[p * area + k] = dout[p] / (nn_real)area;
}

const pipe_nn_layer_ops nn_global_avgpool_ops = {
    .setup = gap_setup,
    .forward = gap_forward,
    .backward = gap_backward,
};

/* ------------------------------------------------------------------ */
/* Global max pooling                                                   */
/* ------------------------------------------------------------------ */

static void gmp_forward(pipe_nn_layer *l, const nn_real *in, int n, int training, pipe_rng *rng)
{
    (void)training, (void)rng;
    size_t planes = (size_t)n * l->in_chw[0], area = (size_t)l->in_chw[1] * l->in_chw[2];
    for (size_t p = 0; p < planes; p++)
        l->out[p] = in[p * area + nn_argmax(in + p * area, area)];
}

/* The gradient goes to the maximum, found again in the input. */
static void gmp_backward(pipe_nn_layer *l, const nn_real *in, nn_real *dout, nn_real *din, int n)
{
    if (!din)
        return;
    size_t planes = (size_t)n * l->in_chw[0], area = (size_t)l->in_chw[1] * l->in_chw[2];
    memset(din, 0, planes * area * sizeof *din);
    for (size_t p = 0; p < planes; p++)
        din[p * area + nn_argmax(in + p * area, area)] = dout[p];
}

const pipe_nn_layer_ops nn_global_maxpool_ops = {
    .setup = gap_setup, /* the same shapes as global average pooling */
    .forward = gmp_forward,
    .backward = gmp_backward,
};

/* ------------------------------------------------------------------ */
/* Flatten                                                              */
/* ------------------------------------------------------------------ */

static int flatten_setup(pipe_nn_layer *l, char *err, size_t err_size)
{
    (void)err, (void)err_size;
    l->out_size = l->in_size;
    l->out_chw[0] = l->in_size;
    l->out_chw[1] = l->out_chw[2] = 1;
    return 0;
}

/* The values stay in place: only the shape the next layer sees changes. */
static void flatten_forward(pipe_nn_layer *l, const nn_real *in, int n, int training, pipe_rng *rng)
{
    (void)training, (void)rng;
    memcpy(l->out, in, (size_t)n * l->out_size * sizeof *in);
}

static void flatten_backward(pipe_nn_layer *l, const nn_real *in, nn_real *dout, nn_real *din,
                             int n)
{
    (void)in;
    if (din)
        memcpy(din, dout, (size_t)n * l->in_size * sizeof *din);
}

const pipe_nn_layer_ops nn_flatten_ops = {
    .setup = flatten_setup,
    .forward = flatten_forward,
    .backward = flatten_backward,
};
