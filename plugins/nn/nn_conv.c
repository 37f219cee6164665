/*
 * nn_conv.c — the 2-D convolution kernel (see nn_conv.h): geometry, the
 * choice of path, and the im2col + GEMM path for images (the unrolled
 * path for tiny images is nn_conv_unrolled.c).
 *
 * Both paths run over the whole mini-batch at once, so each pass is one
 * large GEMM rather than one small GEMM per sample.
 */
#include "nn_conv.h"

#include <math.h>
#include <string.h>

/* Unrolled when the input plane has at most this many kernel windows of
 * pixels, and the unrolled matrix at most this many reals. */
#define UNROLL_MAX_WINDOWS 2
#define UNROLL_MAX_REALS (1u << 22)

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
    return (size_t)c->in_chw[0] * c->kernel[0] * c->kernel[1];
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
    return in_pixels(c) <= UNROLL_MAX_WINDOWS * window && window <= NN_CONV_UNROLL_MAX_TAPS &&
           unrolled_count(c) <= UNROLL_MAX_REALS;
}

size_t nn_conv_kernel_count(const nn_conv *c)
{
    return (size_t)c->out_chw[0] * patch_len(c);
}

size_t nn_conv_scratch_fixed(const nn_conv *c)
{
    return nn_conv_unrolled(c) ? nn_conv_unrolled_fixed(c) : 0;
}

size_t nn_conv_scratch_per_row(const nn_conv *c)
{
    return nn_conv_unrolled(c) ? nn_conv_unrolled_per_row(c)
                               : (patch_len(c) + (size_t)c->out_chw[0]) * out_pixels(c);
}

void nn_conv_init_kernel(const nn_conv *c, nn_real *w, pipe_rng *rng, pipe_nn_init init)
{
    double area = (double)c->kernel[0] * c->kernel[1];
    nn_init_kernel(w, nn_conv_kernel_count(c), c->in_chw[0] * area, c->out_chw[0] * area, rng,
                   init);
}

/* The outputs o in [*lo, *hi) whose input index o·stride − pad + k lies in
 * [0, len): the part of a row (or column) that reads real input. */
static void inside(int len, int out_len, int stride, int pad, int k, int *lo, int *hi)
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

/* The work area of a batch of n: patches (patch_len × n·P), then the
 * GEMM result or its gradient (out × n·P). */
static nn_real *cols_of(const nn_conv *c)
{
    return c->work;
}

static nn_real *gemm_of(const nn_conv *c, int n)
{
    return c->work + patch_len(c) * out_pixels(c) * (size_t)n;
}

/* One patch row (c, i, j) of one sample: dst[oy·OW + ox] = plane[y][x]. */
static void im2col_plane(const nn_conv *c, const nn_real *plane, int i, int j, nn_real *dst)
{
    int w = c->in_chw[2], oh = c->out_chw[1], ow = c->out_chw[2];
    int sh = c->stride[0], sw = c->stride[1], ylo, yhi, xlo, xhi;
    inside(c->in_chw[1], oh, sh, c->pad[0], i, &ylo, &yhi);
    inside(w, ow, sw, c->pad[1], j, &xlo, &xhi);
    memset(dst, 0, (size_t)oh * ow * sizeof *dst);
    for (int oy = ylo; oy < yhi; oy++) {
        const nn_real *src = plane + (size_t)(oy * sh - c->pad[0] + i) * w;
        nn_real *d = dst + (size_t)oy * ow;
        int x0 = xlo * sw - c->pad[1] + j;
        if (sw == 1) {
            memcpy(d + xlo, src + x0, (size_t)(xhi - xlo) * sizeof *d);
            continue;
        }
        for (int ox = xlo; ox < xhi; ox++)
            d[ox] = src[x0 + (ox - xlo) * sw];
    }
}

/* cols[(ch·kh + i)·kw + j][s·P + p] = the input under tap (i, j) of output
 * pixel p of sample s (0 in the padding). */
static void im2col(const nn_conv *c, const nn_real *in, int n, nn_real *cols)
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

/* The reverse of im2col_plane: plane[y][x] += src[oy·OW + ox]. */
NN_HOT static void col2im_plane(const nn_conv *c, const nn_real *src, int i, int j, nn_real *plane)
{
    int w = c->in_chw[2], oh = c->out_chw[1], ow = c->out_chw[2];
    int sh = c->stride[0], sw = c->stride[1], ylo, yhi, xlo, xhi;
    inside(c->in_chw[1], oh, sh, c->pad[0], i, &ylo, &yhi);
    inside(w, ow, sw, c->pad[1], j, &xlo, &xhi);
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

static void col2im(const nn_conv *c, const nn_real *cols, int n, nn_real *din, int accumulate)
{
    int ch = c->in_chw[0], kh = c->kernel[0], kw = c->kernel[1];
    size_t plane = in_pixels(c), p = out_pixels(c), np = (size_t)n * p;
    if (!accumulate)
        memset(din, 0, (size_t)n * ch * plane * sizeof *din);
    for (int k = 0; k < ch; k++)
        for (int i = 0; i < kh; i++)
            for (int j = 0; j < kw; j++) {
                const nn_real *row = cols + ((size_t)(k * kh + i) * kw + j) * np;
                for (int s = 0; s < n; s++)
                    col2im_plane(c, row + (size_t)s * p, i, j, din + ((size_t)s * ch + k) * plane);
            }
}

static void im2col_forward(const nn_conv *c, const nn_real *in, int n, nn_real *out)
{
    int oc = c->out_chw[0];
    size_t p = out_pixels(c), np = (size_t)n * p, k = patch_len(c);
    nn_real *cols = cols_of(c), *y = gemm_of(c, n);
    im2col(c, in, n, cols);
    /* The GEMM accumulates onto the bias (beta = 1; see nn_dense.c). */
    for (int o = 0; o < oc; o++) {
        nn_real *row = y + (size_t)o * np;
        for (size_t q = 0; q < np; q++)
            row[q] = c->b[o];
    }
    NN_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, oc, (int)np, (int)k, 1, c->w, (int)k, cols,
            (int)np, 1, y, (int)np);
    for (int s = 0; s < n; s++)
        for (int o = 0; o < oc; o++)
            memcpy(out + ((size_t)s * oc + o) * p, y + (size_t)o * np + (size_t)s * p,
                   p * sizeof *out);
}

static void im2col_backward(const nn_conv *c, const nn_real *dz, nn_real *din, int accumulate,
                            int n)
{
    int oc = c->out_chw[0];
    size_t p = out_pixels(c), np = (size_t)n * p, k = patch_len(c);
    nn_real *cols = cols_of(c), *y = gemm_of(c, n);
    for (int o = 0; o < oc; o++)
        for (int s = 0; s < n; s++)
            memcpy(y + (size_t)o * np + (size_t)s * p, dz + ((size_t)s * oc + o) * p,
                   p * sizeof *y);
    memset(c->gw, 0, (size_t)oc * k * sizeof *c->gw);
    NN_GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, oc, (int)k, (int)np, 1, y, (int)np, cols,
            (int)np, 1, c->gw, (int)k);
    if (!din)
        return;
    /* The patches are no longer needed: their gradient takes their place. */
    NN_GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, (int)k, (int)np, oc, 1, c->w, (int)k, y,
            (int)np, 0, cols, (int)np);
    col2im(c, cols, n, din, accumulate);
}

/* ------------------------------------------------------------------ */
/* Both                                                                 */
/* ------------------------------------------------------------------ */

void nn_conv_forward(const nn_conv *c, const nn_real *in, int n, nn_real *out)
{
    if (nn_conv_unrolled(c))
        nn_conv_unrolled_forward(c, in, n, out);
    else
        im2col_forward(c, in, n, out);
    nn_act_forward(c->act, c->alpha, out, (size_t)n * c->out_chw[0] * out_pixels(c));
}

void nn_conv_backward(const nn_conv *c, const nn_real *out, nn_real *dout, nn_real *din,
                      int accumulate, int n)
{
    int oc = c->out_chw[0];
    size_t p = out_pixels(c);
    nn_act_backward(c->act, c->alpha, out, dout, (size_t)n * oc * p);
    for (int o = 0; o < oc; o++) {
        nn_real sum = 0;
        for (int s = 0; s < n; s++) {
            const nn_real *row = dout + ((size_t)s * oc + o) * p;
            for (size_t q = 0; q < p; q++)
                sum += row[q];
        }
        c->gb[o] = sum;
    }
    if (nn_conv_unrolled(c))
        nn_conv_unrolled_backward(c, dout, din, accumulate, n);
    else
        im2col_backward(c, dout, din, accumulate, n);
}
