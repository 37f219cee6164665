/*
 * nn_conv.c — the 2-D convolution kernel (see nn_conv.h): geometry, the
 * choice of path, and the im2col + GEMM path for images (the unrolled
 * path for tiny images is nn_conv_unrolled.c).
 *
 * Both paths run over many samples at once (the unrolled path the whole
 * mini-batch, im2col a cache-sized chunk of it), so each pass is a few
 * large GEMMs rather than one small GEMM per sample.
 */
#include "nn_conv.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

/* Unrolled when the input plane has at most this many kernel windows of
 * pixels, and the unrolled matrix at most this many reals. */
#define UNROLL_MAX_WINDOWS 2
#define UNROLL_MAX_REALS (1u << 22)
/* The patches of one chunk of samples of the im2col path, at most. */
#define CHUNK_REALS (1u << 17)

int nn_conv_out_len(int in, int kernel, int stride, int pad)
{
    int span = in + 2 * pad - kernel;
    return span < 0 || stride < 1 ? 0 : span / stride + 1;
}

int nn_conv_shape(nn_conv *c, int out_channels, char *err, size_t err_size)
{
    int oh = nn_conv_out_len(c->in_chw[1], c->kernel[0], c->stride[0], c->pad[0]);
    int ow = nn_conv_out_len(c->in_chw[2], c->kernel[1], c->stride[1], c->pad[1]);
    if (oh < 1 || ow < 1)
        return nn_fail(err, err_size,
                       "the %dx%d window (stride %dx%d, padding %dx%d) does not fit the input "
                       "%dx%dx%d",
                       c->kernel[0], c->kernel[1], c->stride[0], c->stride[1], c->pad[0], c->pad[1],
                       c->in_chw[0], c->in_chw[1], c->in_chw[2]);
    c->out_chw[0] = out_channels;
    c->out_chw[1] = oh;
    c->out_chw[2] = ow;
    return 0;
}

/* Reals in one patch (in · kh · kw), output pixels per channel, input
 * pixels per channel. */
static size_t patch_len(const nn_conv *c)
{
    return (size_t)(c->depthwise ? 1 : c->in_chw[0]) * c->kernel[0] * c->kernel[1];
}

static size_t out_pixels(const nn_conv *c)
{
    return (size_t)c->out_chw[1] * c->out_chw[2];
}

static size_t in_pixels(const nn_conv *c)
{
    return (size_t)c->in_chw[1] * c->in_chw[2];
}

/* Reals of the unrolled matrix: (out · out pixels) × (in · in pixels). */
static size_t unrolled_count(const nn_conv *c)
{
    return (size_t)c->out_chw[0] * out_pixels(c) * c->in_chw[0] * in_pixels(c);
}

int nn_conv_unrolled(const nn_conv *c)
{
    size_t window = (size_t)c->kernel[0] * c->kernel[1];
    return !c->depthwise && in_pixels(c) <= UNROLL_MAX_WINDOWS * window &&
           window <= NN_CONV_UNROLL_MAX_TAPS && unrolled_count(c) <= UNROLL_MAX_REALS;
}

size_t nn_conv_kernel_count(const nn_conv *c)
{
    return (size_t)c->out_chw[0] * patch_len(c);
}

/* Samples per chunk of the im2col path: the patches of a chunk take at
 * most CHUNK_REALS reals, so that they stay in the cache between im2col
 * and the GEMMs (at least one sample). */
static int chunk_samples(const nn_conv *c)
{
    size_t per_sample = patch_len(c) * out_pixels(c);
    return per_sample >= CHUNK_REALS ? 1 : (int)(CHUNK_REALS / per_sample);
}

static int pointwise(const nn_conv *c);

size_t nn_conv_scratch_fixed(const nn_conv *c)
{
    if (nn_conv_unrolled(c))
        return nn_conv_unrolled_fixed(c);
    if (pointwise(c) || c->depthwise)
        return 0;
    size_t chunk = (size_t)chunk_samples(c);
    /* the patches, then (several samples) the GEMM result or gradient */
    return (patch_len(c) + (chunk > 1 ? (size_t)c->out_chw[0] : 0)) * out_pixels(c) * chunk;
}

size_t nn_conv_scratch_per_row(const nn_conv *c)
{
    return nn_conv_unrolled(c) ? nn_conv_unrolled_per_row(c) : 0;
}

void nn_conv_init_kernel(const nn_conv *c, nn_real *w, pipe_rng *rng, pipe_nn_init init)
{
    double area = (double)c->kernel[0] * c->kernel[1];
    nn_init_kernel(w, nn_conv_kernel_count(c), c->in_chw[0] * area, c->out_chw[0] * area, rng,
                   init);
}

void nn_conv_inside(int len, int out_len, int stride, int pad, int k, int *lo, int *hi)
{
    int first = pad - k, last = len - 1 + pad - k;
    *lo = first <= 0 ? 0 : (first + stride - 1) / stride;
    *hi = last < 0 ? 0 : last / stride + 1;
    if (*hi > out_len)
        *hi = out_len;
    if (*lo > *hi)
        *lo = *hi;
}

/* ------------------------------------------------------------------ */
/* im2col                                                               */
/* ------------------------------------------------------------------ */

/* Keep short copy loops inline rather than let GCC turn them into calls
 * to memcpy and memset (rows of an image are a few reals long). */
#if defined(__GNUC__) && !defined(__clang__)
#define NO_LIBC_CALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define NO_LIBC_CALLS
#endif

/* Stride 1 with the output as wide as the input ("same" width, |dx| < w):
 * a patch row is the plane shifted by (dy, dx), so output pixel k reads
 * input pixel k + dy·w + dx — one contiguous run over the rows that meet
 * the image — except in the |dx| columns where the window hangs over the
 * left or right edge. */
static int shifts_plainly(const nn_conv *c)
{
    return c->stride[0] == 1 && c->stride[1] == 1 && c->out_chw[2] == c->in_chw[2] &&
           c->pad[1] < c->in_chw[2] && c->kernel[1] - 1 - c->pad[1] < c->in_chw[2];
}

/* The run [*from, *to) of output pixels of tap (i, j) in a plain shift
 * (see shifts_plainly), rows [ylo, yhi); returns the offset dy·w + dx. */
static ptrdiff_t plain_run(const nn_conv *c, int i, int j, int ylo, int yhi, size_t *from,
                           size_t *to)
{
    int w = c->in_chw[2], dx = j - c->pad[1];
    *from = (size_t)ylo * w + (size_t)(dx < 0 ? -dx : 0);
    *to = (size_t)yhi * w - (size_t)(dx > 0 ? dx : 0);
    if (*to < *from)
        *to = *from;
    return (ptrdiff_t)(i - c->pad[0]) * w + dx;
}

/* One patch row (c, i, j) of one sample: dst[oy·OW + ox] = plane[y][x],
 * 0 in the padding (inlined in im2col: short rows, no calls). */
static inline __attribute__((always_inline)) void
im2col_plane(const nn_conv *c, const nn_real *restrict plane, int i, int j, nn_real *restrict dst)
{
    int w = c->in_chw[2], oh = c->out_chw[1], ow = c->out_chw[2];
    int sh = c->stride[0], sw = c->stride[1], ylo, yhi, xlo, xhi;
    nn_conv_inside(c->in_chw[1], oh, sh, c->pad[0], i, &ylo, &yhi);
    nn_conv_inside(w, ow, sw, c->pad[1], j, &xlo, &xhi);
    if (shifts_plainly(c)) {
        size_t from, to, p = (size_t)oh * ow;
        ptrdiff_t shift = plain_run(c, i, j, ylo, yhi, &from, &to);
        for (size_t k = 0; k < from; k++)
            dst[k] = 0;
        const nn_real *restrict from_plane = plane + (ptrdiff_t)from + shift;
        for (size_t k = 0; k < to - from; k++)
            dst[from + k] = from_plane[k];
        for (size_t k = to; k < p; k++)
            dst[k] = 0;
        for (int oy = ylo; oy < yhi; oy++) {
            for (int ox = 0; ox < xlo; ox++)
                dst[(size_t)oy * ow + ox] = 0;
            for (int ox = xhi; ox < ow; ox++)
                dst[(size_t)oy * ow + ox] = 0;
        }
        return;
    }
    for (int oy = 0; oy < oh; oy++, dst += ow) {
        if (oy < ylo || oy >= yhi) {
            for (int ox = 0; ox < ow; ox++)
                dst[ox] = 0;
            continue;
        }
        const nn_real *src =
            plane + (size_t)(oy * sh - c->pad[0] + i) * w + xlo * sw - c->pad[1] + j;
        for (int ox = 0; ox < xlo; ox++)
            dst[ox] = 0;
        if (sw == 1)
            for (int ox = xlo; ox < xhi; ox++)
                dst[ox] = src[ox - xlo];
        else
            for (int ox = xlo; ox < xhi; ox++)
                dst[ox] = src[(ox - xlo) * sw];
        for (int ox = xhi; ox < ow; ox++)
            dst[ox] = 0;
    }
}

/* cols[(ch·kh + i)·kw + j][s·P + p] = the input under tap (i, j) of output
 * pixel p of sample s (0 in the padding). */
NN_HOT NO_LIBC_CALLS static void im2col(const nn_conv *c, const nn_real *in, int n, nn_real *cols)
{
    int ch = c->in_chw[0], kh = c->kernel[0], kw = c->kernel[1];
    size_t plane = in_pixels(c), p = out_pixels(c), np = (size_t)n * p;
    for (int k = 0; k < ch; k++)
        for (int i = 0; i < kh; i++)
            for (int j = 0; j < kw; j++) {
                nn_real *row = cols + ((size_t)(k * kh + i) * kw + j) * np;
                for (int s = 0; s < n; s++)
                    im2col_plane(c, in + ((size_t)s * ch + k) * plane, i, j, row + (size_t)s * p);
            }
}

/* The reverse of im2col_plane: plane[y][x] += src[oy·OW + ox] (inlined
 * in col2im). A plain shift clears the entries of src that lie over the
 * padding first (their gradient goes nowhere), then adds one run. */
static inline __attribute__((always_inline)) void
col2im_plane(const nn_conv *c, nn_real *restrict src, int i, int j, nn_real *restrict plane)
{
    int w = c->in_chw[2], oh = c->out_chw[1], ow = c->out_chw[2];
    int sh = c->stride[0], sw = c->stride[1], ylo, yhi, xlo, xhi;
    nn_conv_inside(c->in_chw[1], oh, sh, c->pad[0], i, &ylo, &yhi);
    nn_conv_inside(w, ow, sw, c->pad[1], j, &xlo, &xhi);
    if (shifts_plainly(c)) {
        size_t from, to;
        ptrdiff_t shift = plain_run(c, i, j, ylo, yhi, &from, &to);
        for (int oy = ylo; oy < yhi; oy++) {
            for (int ox = 0; ox < xlo; ox++)
                src[(size_t)oy * ow + ox] = 0;
            for (int ox = xhi; ox < ow; ox++)
                src[(size_t)oy * ow + ox] = 0;
        }
        nn_real *restrict to_plane = plane + (ptrdiff_t)from + shift;
        const nn_real *restrict from_src = src + from;
        for (size_t k = 0; k < to - from; k++)
            to_plane[k] += from_src[k];
        return;
    }
    for (int oy = ylo; oy < yhi; oy++) {
        nn_real *dst = plane + (size_t)(oy * sh - c->pad[0] + i) * w + (xlo * sw - c->pad[1] + j);
        const nn_real *s = src + (size_t)oy * ow + xlo;
        int len = xhi - xlo;
        if (sw == 1) {
            for (int k = 0; k < len; k++)
                dst[k] += s[k];
            continue;
        }
        for (int k = 0; k < len; k++)
            dst[k * sw] += s[k];
    }
}

NN_HOT static void col2im(const nn_conv *c, nn_real *cols, int n, nn_real *din, int accumulate)
{
    int ch = c->in_chw[0], kh = c->kernel[0], kw = c->kernel[1];
    size_t plane = in_pixels(c), p = out_pixels(c), np = (size_t)n * p;
    if (!accumulate)
        memset(din, 0, (size_t)n * ch * plane * sizeof *din);
    for (int k = 0; k < ch; k++)
        for (int i = 0; i < kh; i++)
            for (int j = 0; j < kw; j++) {
                nn_real *row = cols + ((size_t)(k * kh + i) * kw + j) * np;
                for (int s = 0; s < n; s++)
                    col2im_plane(c, row + (size_t)s * p, i, j, din + ((size_t)s * ch + k) * plane);
            }
}

/* The work area: the patches of a chunk of m samples (patch_len × m·P),
 * then the GEMM result or its gradient (out × m·P). */
static nn_real *gemm_of(const nn_conv *c)
{
    return c->work + patch_len(c) * out_pixels(c) * (size_t)chunk_samples(c);
}

/* y[o][q] = b[o] for an out × count result (the GEMMs then accumulate
 * onto the bias, beta = 1; see nn_dense.c). */
static void fill_bias(const nn_conv *c, nn_real *y, size_t count)
{
    for (int o = 0; o < c->out_chw[0]; o++)
        for (size_t q = 0; q < count; q++)
            y[(size_t)o * count + q] = c->b[o];
}

/* A chunk of one sample has the layout of the sample's output (out ×
 * pixels): the GEMM then writes the output, and backward reads dz, in
 * place — no copies. Several samples per chunk go through the work area. */
static void im2col_forward(const nn_conv *c, const nn_real *in, int n, nn_real *out)
{
    int oc = c->out_chw[0], chunk = chunk_samples(c);
    size_t p = out_pixels(c), k = patch_len(c), in_size = c->in_chw[0] * in_pixels(c);
    nn_real *cols = c->work;
    for (int s0 = 0; s0 < n; s0 += chunk) {
        int m = n - s0 < chunk ? n - s0 : chunk;
        size_t np = (size_t)m * p;
        nn_real *y = chunk == 1 ? out + (size_t)s0 * oc * p : gemm_of(c);
        im2col(c, in + (size_t)s0 * in_size, m, cols);
        fill_bias(c, y, np);
        NN_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, oc, (int)np, (int)k, 1, c->w, (int)k,
                cols, (int)np, 1, y, (int)np);
        if (chunk == 1)
            continue;
        for (int s = 0; s < m; s++)
            for (int o = 0; o < oc; o++)
                memcpy(out + ((size_t)(s0 + s) * oc + o) * p, y + (size_t)o * np + (size_t)s * p,
                       p * sizeof *out);
    }
}

/* dz of the chunk of m samples from s0 as one out × m·P matrix (see
 * im2col_forward), and its share of the bias gradient (added). */
static const nn_real *chunk_dz(const nn_conv *c, const nn_real *dz, int s0, int m)
{
    int oc = c->out_chw[0];
    size_t p = out_pixels(c), np = (size_t)m * p;
    const nn_real *y = dz + (size_t)s0 * oc * p;
    if (chunk_samples(c) > 1) {
        nn_real *work = gemm_of(c);
        for (int o = 0; o < oc; o++)
            for (int s = 0; s < m; s++)
                memcpy(work + (size_t)o * np + (size_t)s * p, y + ((size_t)s * oc + o) * p,
                       p * sizeof *work);
        y = work;
    }
    for (int o = 0; o < oc; o++)
        c->gb[o] += nn_sum(y + (size_t)o * np, np);
    return y;
}

/* One chunk of m samples from s0 of the backward pass: its share of the
 * bias and kernel gradients (added), and its input gradient. The patches
 * are made again from the input. */
static void im2col_backward_chunk(const nn_conv *c, const nn_real *in, const nn_real *dz,
                                  nn_real *din, int accumulate, int s0, int m)
{
    int oc = c->out_chw[0];
    size_t np = (size_t)m * out_pixels(c), k = patch_len(c);
    size_t in_size = c->in_chw[0] * in_pixels(c);
    nn_real *cols = c->work;
    const nn_real *y = chunk_dz(c, dz, s0, m);
    im2col(c, in + (size_t)s0 * in_size, m, cols);
    NN_GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, oc, (int)k, (int)np, 1, y, (int)np, cols,
            (int)np, 1, c->gw, (int)k);
    if (!din)
        return;
    /* The patches are no longer needed: their gradient takes their place
     * (beta = 1 on a cleared matrix: cheaper than OpenBLAS' own clearing). */
    memset(cols, 0, k * np * sizeof *cols);
    NN_GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, (int)k, (int)np, oc, 1, c->w, (int)k, y,
            (int)np, 1, cols, (int)np);
    col2im(c, cols, m, din + (size_t)s0 * in_size, accumulate);
}

static void im2col_backward(const nn_conv *c, const nn_real *in, const nn_real *dz, nn_real *din,
                            int accumulate, int n)
{
    int chunk = chunk_samples(c);
    for (int s0 = 0; s0 < n; s0 += chunk)
        im2col_backward_chunk(c, in, dz, din, accumulate, s0, n - s0 < chunk ? n - s0 : chunk);
}

/* ------------------------------------------------------------------ */
/* 1×1, stride 1, no padding: the input is its own patch matrix          */
/* ------------------------------------------------------------------ */

/* Each sample's input (in × P) is the patch matrix of that sample, so
 * every pass is one plain GEMM per sample on the tensors themselves: no
 * im2col, no col2im, no work area. Used when P is large enough for a
 * per-sample GEMM to run at full speed; smaller planes batch several
 * samples through im2col (a copy, for a 1×1 kernel). */
#define POINTWISE_MIN_PIXELS 256

static int pointwise(const nn_conv *c)
{
    return c->kernel[0] == 1 && c->kernel[1] == 1 && c->stride[0] == 1 && c->stride[1] == 1 &&
           c->pad[0] == 0 && c->pad[1] == 0 && out_pixels(c) >= POINTWISE_MIN_PIXELS;
}

static void pointwise_forward(const nn_conv *c, const nn_real *in, int n, nn_real *out)
{
    int oc = c->out_chw[0], ic = c->in_chw[0], p = (int)out_pixels(c);
    for (int s = 0; s < n; s++) {
        nn_real *y = out + (size_t)s * oc * p;
        fill_bias(c, y, (size_t)p);
        NN_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, oc, p, ic, 1, c->w, ic,
                in + (size_t)s * ic * p, p, 1, y, p);
    }
}

static void pointwise_backward(const nn_conv *c, const nn_real *in, const nn_real *dz, nn_real *din,
                               int accumulate, int n)
{
    int oc = c->out_chw[0], ic = c->in_chw[0], p = (int)out_pixels(c);
    if (din && !accumulate)
        memset(din, 0, (size_t)n * ic * p * sizeof *din);
    for (int s = 0; s < n; s++) {
        const nn_real *y = dz + (size_t)s * oc * p;
        for (int o = 0; o < oc; o++)
            c->gb[o] += nn_sum(y + (size_t)o * p, (size_t)p);
        NN_GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, oc, ic, p, 1, y, p,
                in + (size_t)s * ic * p, p, 1, c->gw, ic);
        if (din)
            NN_GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, ic, p, oc, 1, c->w, ic, y, p, 1,
                    din + (size_t)s * ic * p, p);
    }
}

/* ------------------------------------------------------------------ */
/* Both                                                                 */
/* ------------------------------------------------------------------ */

void nn_conv_forward(const nn_conv *c, const nn_real *in, int n, nn_real *out)
{
    if (nn_conv_unrolled(c))
        nn_conv_unrolled_forward(c, in, n, out);
    else if (c->depthwise)
        nn_conv_depthwise_forward(c, in, n, out);
    else if (pointwise(c))
        pointwise_forward(c, in, n, out);
    else
        im2col_forward(c, in, n, out);
    nn_act_forward(c->act, c->alpha, out, (size_t)n * c->out_chw[0] * out_pixels(c));
}

void nn_conv_backward(const nn_conv *c, const nn_real *in, const nn_real *out, nn_real *dout,
                      nn_real *din, int accumulate, int n)
{
    size_t oc = (size_t)c->out_chw[0];
    size_t p = out_pixels(c);
    nn_act_backward(c->act, c->alpha, out, dout, (size_t)n * oc * p);
    if (nn_conv_unrolled(c)) {
        nn_conv_unrolled_backward(c, dout, din, accumulate, n);
        return;
    }
    if (c->depthwise) {
        nn_conv_depthwise_backward(c, in, dout, din, accumulate, n);
        return;
    }
    memset(c->gw, 0, oc * patch_len(c) * sizeof *c->gw);
    memset(c->gb, 0, oc * sizeof *c->gb);
    if (pointwise(c))
        pointwise_backward(c, in, dout, din, accumulate, n);
    else
        im2col_backward(c, in, dout, din, accumulate, n);
}
