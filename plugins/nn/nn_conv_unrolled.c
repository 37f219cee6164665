/*
 * nn_conv_unrolled.c — the unrolled path of the convolution kernel (see
 * nn_conv.h), for tiny images: the convolution written out as the dense
 * matrix it is, rows (output channel o, output pixel p), columns (input
 * pixel q, input channel ch) — channels last, so that the weights joining
 * one input pixel to one output pixel are a contiguous run of `in`
 * channels, copied (and their gradients summed back) a run at a time.
 *
 * Work area: the matrix and its gradient, the kernel and its gradient
 * laid out tap-major (o, tap, ch); then per sample of the batch the input
 * and the input gradient, channels last.
 */
#include "nn_conv.h"

#include <string.h>

/* The geometry in the terms of this file. */
typedef struct unrolled {
    int in_ch, oc, taps, kw;
    size_t p_count, q_count, rows, cols; /* rows = oc · P, cols = Q · in_ch */
    nn_real *matrix, *gmatrix, *wt, *gwt, *in_t, *din_t;
} unrolled;

static unrolled unrolled_of(const nn_conv *c, int n)
{
    unrolled u = {.in_ch = c->in_chw[0],
                  .oc = c->out_chw[0],
                  .taps = c->kernel[0] * c->kernel[1],
                  .kw = c->kernel[1],
                  .p_count = (size_t)c->out_chw[1] * c->out_chw[2],
                  .q_count = (size_t)c->in_chw[1] * c->in_chw[2]};
    u.rows = (size_t)u.oc * u.p_count;
    u.cols = u.q_count * (size_t)u.in_ch;
    size_t kernel = (size_t)u.oc * u.taps * u.in_ch;
    u.matrix = c->work;
    u.gmatrix = u.matrix + u.rows * u.cols;
    u.wt = u.gmatrix + u.rows * u.cols;
    u.gwt = u.wt + kernel;
    u.in_t = u.gwt + kernel;
    u.din_t = u.in_t + (size_t)n * u.cols;
    return u;
}

size_t nn_conv_unrolled_fixed(const nn_conv *c)
{
    unrolled u = unrolled_of(c, 0);
    return 2 * u.rows * u.cols + 2 * (size_t)u.oc * u.taps * u.in_ch;
}

size_t nn_conv_unrolled_per_row(const nn_conv *c)
{
    return 2 * unrolled_of(c, 0).cols;
}

/* The taps of output pixel p that lie on the image: tap[k] (i·kw + j)
 * joins input pixel q[k]. Returns their number (at most kh·kw). */
static int taps_of(const nn_conv *c, size_t p, int *tap, size_t *q)
{
    int ow = c->out_chw[2], w = c->in_chw[2], found = 0;
    int y0 = (int)(p / (size_t)ow) * c->stride[0] - c->pad[0];
    int x0 = (int)(p % (size_t)ow) * c->stride[1] - c->pad[1];
    for (int i = 0; i < c->kernel[0]; i++)
        for (int j = 0; j < c->kernel[1]; j++) {
            int y = y0 + i, x = x0 + j;
            if (y < 0 || y >= c->in_chw[1] || x < 0 || x >= w)
                continue;
            tap[found] = i * c->kernel[1] + j;
            q[found++] = (size_t)y * w + x;
        }
    return found;
}

/* dst[s][q][ch] = src[s][ch][q]: n samples to channels last. */
static void to_channels_last(const unrolled *u, const nn_real *src, int n, nn_real *dst)
{
    for (int s = 0; s < n; s++, src += u->cols, dst += u->cols)
        for (int ch = 0; ch < u->in_ch; ch++)
            for (size_t q = 0; q < u->q_count; q++)
                dst[q * u->in_ch + ch] = src[ch * u->q_count + q];
}

/* The reverse, adding to dst when `accumulate` is nonzero. */
static void from_channels_last(const unrolled *u, const nn_real *src, int n, nn_real *dst,
                               int accumulate)
{
    for (int s = 0; s < n; s++, src += u->cols, dst += u->cols)
        for (int ch = 0; ch < u->in_ch; ch++)
            for (size_t q = 0; q < u->q_count; q++) {
                nn_real v = src[q * u->in_ch + ch];
                dst[ch * u->q_count + q] = accumulate ? dst[ch * u->q_count + q] + v : v;
            }
}

/* Write the matrix: row (o, p) holds, at each input pixel q under a tap t
 * of p's window, the run w[o][·][t]; zeros elsewhere. */
static void unroll(const nn_conv *c, const unrolled *u)
{
    for (int o = 0; o < u->oc; o++)
        for (int t = 0; t < u->taps; t++)
            for (int ch = 0; ch < u->in_ch; ch++)
                u->wt[((size_t)o * u->taps + t) * u->in_ch + ch] =
                    c->w[((size_t)o * u->in_ch + ch) * u->taps + t];
    memset(u->matrix, 0, u->rows * u->cols * sizeof *u->matrix);
    int tap[NN_CONV_UNROLL_MAX_TAPS];
    size_t q[NN_CONV_UNROLL_MAX_TAPS];
    for (size_t p = 0; p < u->p_count; p++) {
        int found = taps_of(c, p, tap, q);
        for (int o = 0; o < u->oc; o++) {
            nn_real *row = u->matrix + ((size_t)o * u->p_count + p) * u->cols;
            for (int k = 0; k < found; k++)
                memcpy(row + q[k] * u->in_ch, u->wt + ((size_t)o * u->taps + tap[k]) * u->in_ch,
                       (size_t)u->in_ch * sizeof *row);
        }
    }
}

/* The kernel gradient from the matrix gradient: each run added back to
 * its tap, then the tap-major sums turned to the kernel's layout. */
NN_HOT static void fold(const nn_conv *c, const unrolled *u)
{
    memset(u->gwt, 0, (size_t)u->oc * u->taps * u->in_ch * sizeof *u->gwt);
    int tap[NN_CONV_UNROLL_MAX_TAPS];
    size_t q[NN_CONV_UNROLL_MAX_TAPS];
    for (size_t p = 0; p < u->p_count; p++) {
        int found = taps_of(c, p, tap, q);
        for (int o = 0; o < u->oc; o++) {
            const nn_real *row = u->gmatrix + ((size_t)o * u->p_count + p) * u->cols;
            for (int k = 0; k < found; k++) {
                nn_real *restrict g = u->gwt + ((size_t)o * u->taps + tap[k]) * u->in_ch;
                const nn_real *restrict src = row + q[k] * u->in_ch;
                for (int ch = 0; ch < u->in_ch; ch++)
                    g[ch] += src[ch];
            }
        }
    }
    for (int o = 0; o < u->oc; o++)
        for (int ch = 0; ch < u->in_ch; ch++)
            for (int t = 0; t < u->taps; t++)
                c->gw[((size_t)o * u->in_ch + ch) * u->taps + t] =
                    u->gwt[((size_t)o * u->taps + t) * u->in_ch + ch];
}

void nn_conv_unrolled_forward(const nn_conv *c, const nn_real *in, int n, nn_real *out)
{
    unrolled u = unrolled_of(c, n);
    unroll(c, &u);
    to_channels_last(&u, in, n, u.in_t);
    for (int s = 0; s < n; s++)
        for (int o = 0; o < u.oc; o++)
            for (size_t p = 0; p < u.p_count; p++)
                out[((size_t)s * u.oc + o) * u.p_count + p] = c->b[o];
    NN_GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, n, (int)u.rows, (int)u.cols, 1, u.in_t,
            (int)u.cols, u.matrix, (int)u.cols, 1, out, (int)u.rows);
}

void nn_conv_unrolled_backward(const nn_conv *c, const nn_real *dz, nn_real *din, int accumulate,
                               int n)
{
    unrolled u = unrolled_of(c, n);
    /* beta = 1 on a cleared matrix: cheaper than OpenBLAS' own clearing */
    memset(u.gmatrix, 0, u.rows * u.cols * sizeof *u.gmatrix);
    NN_GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, (int)u.rows, (int)u.cols, n, 1, dz,
            (int)u.rows, u.in_t, (int)u.cols, 1, u.gmatrix, (int)u.cols);
    fold(c, &u);
    if (!din)
        return;
    NN_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, (int)u.cols, (int)u.rows, 1, dz,
            (int)u.rows, u.matrix, (int)u.cols, 0, u.din_t, (int)u.cols);
    from_channels_last(&u, u.din_t, n, din, accumulate);
}
