/*
 * nn_conv_unrolled.c — the unrolled path of the convolution kernel (see
 * nn_conv.h), for tiny images: the convolution written out as the dense
 * matrix it is, rows (output channel o, output pixel p) and columns
 * (input pixel q, input channel ch) — channels last, so that the weights
 * joining one input pixel to one output pixel are a contiguous run of
 * `in` channels, copied (and their gradients summed back) a run at a time.
 *
 * Two layouts of that matrix, chosen from the geometry:
 *
 * - shifted: most of the matrix is zero when the windows are clipped by
 *   the image border. Take the output pixels one column at a time (or one
 *   row: the "major" axis; pixels and input pixels are counted column by
 *   column then). The windows of a column of outputs span the same input
 *   columns [lo, hi), and their rows of the matrix over those columns are
 *   the kernel shifted to each output row: one "shifted kernel" tensor
 *   (output row, o, kernel column, input row, ch) holds them for every
 *   column at once, and its slices are the GEMM operands directly — one
 *   GEMM per output column for the forward pass, the kernel gradient and
 *   the input gradient, and no products with the zeros outside [lo, hi).
 *   On the 2 × 3 tabular image (3 × 3 windows) that is 28 of the 36 pixel
 *   pairs. The rows are (p, o) then, so the output and its gradient go
 *   through a channels-last copy.
 *
 * - full: the whole matrix, rows (o, p), so the GEMMs read and write the
 *   layer's channels-first tensors directly; chosen when shifting saves
 *   less than those transpositions cost (few channels).
 *
 * Work area: the matrix (or the shifted kernels) and its gradient, the
 * kernel and its gradient laid out tap-major (o, tap, ch), a row of
 * bias-gradient sums; then per sample of the batch the input and the
 * input gradient (channels last), and when shifted the output (or its
 * gradient) channels last.
 */
#include "nn_conv.h"

#include <stdint.h>
#include <string.h>

/* The most GEMMs per pass of the shifted layout. */
#define MAX_GROUPS 64

/* The geometry in the terms of this file; "major" is the axis of the
 * groups (x when by_column), "minor" the other. */
typedef struct unrolled {
    int in_ch, oc, taps;
    int shifted, by_column;
    int maj_in, min_in, maj_out, min_out; /* input and output extents */
    int maj_k, min_k, maj_s, min_s, maj_pad, min_pad;
    size_t p_count, q_count, rows, cols; /* rows = oc · P, cols = Q · in_ch */
    size_t row_len;                      /* shifted: reals per row (output row, o) */
    size_t matrix_len;                   /* reals of the matrix or shifted kernels */
    nn_real *matrix, *gmatrix, *wt, *gwt, *acc, *in_t, *din_t, *pix_t;
} unrolled;

/* ------------------------------------------------------------------ */
/* Geometry                                                             */
/* ------------------------------------------------------------------ */

static void set_axes(const nn_conv *c, unrolled *u, int by_column)
{
    int a = by_column ? 1 : 0, b = 1 - a; /* index of the major, minor axis */
    u->by_column = by_column;
    u->maj_in = c->in_chw[1 + a], u->min_in = c->in_chw[1 + b];
    u->maj_out = c->out_chw[1 + a], u->min_out = c->out_chw[1 + b];
    u->maj_k = c->kernel[a], u->min_k = c->kernel[b];
    u->maj_s = c->stride[a], u->min_s = c->stride[b];
    u->maj_pad = c->pad[a], u->min_pad = c->pad[b];
    u->row_len = (size_t)u->maj_k * u->min_in * u->in_ch;
}

/* The input columns [*lo, *hi) (major axis) under the windows of output
 * column g; returns the kernel column of *lo. */
static int span_of(const unrolled *u, int g, int *lo, int *hi)
{
    int origin = g * u->maj_s - u->maj_pad;
    *lo = origin < 0 ? 0 : origin;
    *hi = origin + u->maj_k > u->maj_in ? u->maj_in : origin + u->maj_k;
    if (*hi < *lo)
        *hi = *lo;
    return *lo - origin;
}

/* Reals of the input columns [lo, hi) in a channels-last sample. */
static size_t span_len(const unrolled *u, int lo, int hi)
{
    return (size_t)(hi - lo) * u->min_in * u->in_ch;
}

/* Multiply-adds per sample of the shifted layout, or 0 when it would need
 * too many GEMMs. */
static size_t shifted_cost(const unrolled *u)
{
    if (u->maj_out > MAX_GROUPS)
        return 0;
    size_t cost = 0;
    for (int g = 0; g < u->maj_out; g++) {
        int lo, hi;
        span_of(u, g, &lo, &hi);
        cost += (size_t)u->min_out * u->oc * span_len(u, lo, hi);
    }
    return cost;
}

/* Shift along the axis that costs less, when the multiply-adds saved per
 * sample outweigh the two transpositions of the output (about 32
 * multiply-adds per real moved); else the full matrix. */
static void choose_layout(const nn_conv *c, unrolled *u)
{
    size_t full = u->rows * u->cols;
    set_axes(c, u, 0);
    size_t by_row = shifted_cost(u);
    set_axes(c, u, 1);
    size_t by_column = shifted_cost(u);
    if (by_row > 0 && (by_column == 0 || by_row <= by_column))
        set_axes(c, u, 0);
    size_t best = u->by_column ? by_column : by_row;
    u->shifted = best > 0 && best + 32 * u->rows < full;
    if (u->shifted) {
        u->matrix_len = (size_t)u->min_out * u->oc * u->row_len;
    } else {
        set_axes(c, u, 0);
        u->matrix_len = full;
    }
}

/* The geometry and the layout of c, without the work area. */
static void layout_of(const nn_conv *c, unrolled *u)
{
    *u = (unrolled){.in_ch = c->in_chw[0],
                    .oc = c->out_chw[0],
                    .taps = c->kernel[0] * c->kernel[1],
                    .p_count = (size_t)c->out_chw[1] * c->out_chw[2],
                    .q_count = (size_t)c->in_chw[1] * c->in_chw[2]};
    u->rows = (size_t)u->oc * u->p_count;
    u->cols = u->q_count * (size_t)u->in_ch;
    choose_layout(c, u);
}

static size_t kernel_len(const unrolled *u)
{
    return (size_t)u->oc * u->taps * u->in_ch;
}

/* The layout and the work area laid out for a batch of n. */
static void unrolled_of(const nn_conv *c, int n, unrolled *u)
{
    layout_of(c, u);
    u->matrix = c->work;
    u->gmatrix = u->matrix + u->matrix_len;
    u->wt = u->gmatrix + u->matrix_len;
    u->gwt = u->wt + kernel_len(u);
    u->acc = u->gwt + kernel_len(u);
    u->in_t = u->acc + u->rows;
    u->din_t = u->in_t + (size_t)n * u->cols;
    u->pix_t = u->din_t + (size_t)n * u->cols;
}

size_t nn_conv_unrolled_fixed(const nn_conv *c)
{
    unrolled u;
    layout_of(c, &u);
    return 2 * u.matrix_len + 2 * kernel_len(&u) + u.rows;
}

size_t nn_conv_unrolled_per_row(const nn_conv *c)
{
    unrolled u;
    layout_of(c, &u);
    return 2 * u.cols + (u.shifted ? u.rows : 0);
}

/* The tap (i·kw + j) at kernel column jmaj and kernel row imin (major,
 * minor axis). */
static int tap_at(const nn_conv *c, const unrolled *u, int jmaj, int imin)
{
    return u->by_column ? imin * c->kernel[1] + jmaj : jmaj * c->kernel[1] + imin;
}

/* The kernel row of input row qmin for output row pmin, or -1 off the
 * kernel. */
static int kernel_row(const unrolled *u, int pmin, int qmin)
{
    int i = qmin - (pmin * u->min_s - u->min_pad);
    return i >= 0 && i < u->min_k ? i : -1;
}

/* The taps of output pixel p (row by row) that lie on the image: tap[k]
 * joins input pixel q[k]. Returns their number (full layout). */
static int taps_of(const nn_conv *c, size_t p, int *tap, size_t *q)
{
    int h = c->in_chw[1], w = c->in_chw[2], found = 0;
    int y0 = (int)(p / (size_t)c->out_chw[2]) * c->stride[0] - c->pad[0];
    int x0 = (int)(p % (size_t)c->out_chw[2]) * c->stride[1] - c->pad[1];
    for (int i = 0; i < c->kernel[0]; i++)
        for (int j = 0; j < c->kernel[1]; j++) {
            int y = y0 + i, x = x0 + j;
            if (y < 0 || y >= h || x < 0 || x >= w)
                continue;
            tap[found] = i * c->kernel[1] + j;
            q[found++] = (size_t)y * w + x;
        }
    return found;
}

/* ------------------------------------------------------------------ */
/* Transpositions                                                       */
/* ------------------------------------------------------------------ */

#if defined(__GNUC__) && !defined(__clang__)
#ifdef PIPE_NN_DOUBLE
typedef int64_t lane_t;
#else
typedef int32_t lane_t;
#endif
typedef nn_real vec8 __attribute__((vector_size(8 * sizeof(nn_real))));
typedef lane_t lanes8 __attribute__((vector_size(8 * sizeof(nn_real))));

/* dst[j·dl + i] = src[i·sl + j] for i, j < 8, in vector registers. */
static inline __attribute__((always_inline)) void transpose8(const nn_real *restrict src, size_t sl,
                                                             nn_real *restrict dst, size_t dl)
{
    vec8 r[8], t[8];
    for (int i = 0; i < 8; i++)
        memcpy(&r[i], src + i * sl, sizeof r[i]);
    const lanes8 lo = {0, 8, 1, 9, 4, 12, 5, 13}, hi = {2, 10, 3, 11, 6, 14, 7, 15};
    const lanes8 pair_lo = {0, 1, 8, 9, 4, 5, 12, 13}, pair_hi = {2, 3, 10, 11, 6, 7, 14, 15};
    const lanes8 half_lo = {0, 1, 2, 3, 8, 9, 10, 11}, half_hi = {4, 5, 6, 7, 12, 13, 14, 15};
    for (int i = 0; i < 8; i += 2) {
        t[i] = __builtin_shuffle(r[i], r[i + 1], lo);
        t[i + 1] = __builtin_shuffle(r[i], r[i + 1], hi);
    }
    for (int i = 0; i < 8; i += 4)
        for (int k = 0; k < 2; k++) {
            r[i + 2 * k] = __builtin_shuffle(t[i + k], t[i + k + 2], pair_lo);
            r[i + 2 * k + 1] = __builtin_shuffle(t[i + k], t[i + k + 2], pair_hi);
        }
    for (int i = 0; i < 4; i++) {
        vec8 a = __builtin_shuffle(r[i], r[i + 4], half_lo);
        vec8 b = __builtin_shuffle(r[i], r[i + 4], half_hi);
        memcpy(dst + i * dl, &a, sizeof a);
        memcpy(dst + (i + 4) * dl, &b, sizeof b);
    }
}
#define HAVE_TRANSPOSE8 1
#endif

/* dst[j·dl + i] = src[i·sl + j] for i < rows, j < cols (inlined in the
 * hot callers, which are compiled for AVX2 too). */
static inline __attribute__((always_inline)) void transpose(const nn_real *restrict src, size_t sl,
                                                            size_t rows, size_t cols,
                                                            nn_real *restrict dst, size_t dl)
{
    size_t i = 0;
#ifdef HAVE_TRANSPOSE8
    for (; i + 8 <= rows; i += 8) {
        size_t j = 0;
        for (; j + 8 <= cols; j += 8)
            transpose8(src + i * sl + j, sl, dst + j * dl + i, dl);
        for (; j < cols; j++)
            for (size_t k = 0; k < 8; k++)
                dst[j * dl + i + k] = src[(i + k) * sl + j];
    }
#endif
    for (size_t j = 0; i < rows && j < cols; j++)
        for (size_t k = i; k < rows; k++)
            dst[j * dl + k] = src[k * sl + j];
}

/* Samples between channels first (n, ch, h, w) and channels last in the
 * pixel order (n, q, ch) — x-major when by_column — one image row y at a
 * time: the plane row (ch, x) is the transpose of (x, ch). */
NN_HOT static void to_channels_last(const unrolled *u, int ch, int h, int w, const nn_real *src,
                                    int n, nn_real *dst)
{
    size_t plane = (size_t)h * w, sample = plane * ch;
    for (int s = 0; s < n; s++)
        for (int y = 0; y < h; y++)
            transpose(src + s * sample + (size_t)y * w, plane, (size_t)ch, (size_t)w,
                      dst + s * sample + (u->by_column ? (size_t)y : (size_t)y * w) * ch,
                      (u->by_column ? (size_t)h : 1) * ch);
}

NN_HOT static void to_channels_first(const unrolled *u, int ch, int h, int w, const nn_real *src,
                                     int n, nn_real *dst)
{
    size_t plane = (size_t)h * w, sample = plane * ch;
    for (int s = 0; s < n; s++)
        for (int y = 0; y < h; y++)
            transpose(src + s * sample + (u->by_column ? (size_t)y : (size_t)y * w) * ch,
                      (u->by_column ? (size_t)h : 1) * ch, (size_t)w, (size_t)ch,
                      dst + s * sample + (size_t)y * w, plane);
}

/* dst += src, src channels last in the pixel order, dst channels first. */
static void add_channels_first(const nn_conv *c, const unrolled *u, const nn_real *src, int n,
                               nn_real *dst)
{
    int h = c->in_chw[1], w = c->in_chw[2];
    for (int s = 0; s < n; s++, src += u->cols, dst += u->cols)
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                size_t q = u->by_column ? (size_t)x * h + y : (size_t)y * w + x;
                for (int ch = 0; ch < u->in_ch; ch++)
                    dst[(size_t)ch * u->q_count + (size_t)y * w + x] += src[q * u->in_ch + ch];
            }
}

/* wt[o][t][ch] = w[o][ch][t]: the kernel tap-major; and back. */
NN_HOT static void kernel_tap_major(const unrolled *u, const nn_real *w, nn_real *wt)
{
    size_t per_o = (size_t)u->taps * u->in_ch;
    for (int o = 0; o < u->oc; o++)
        transpose(w + o * per_o, (size_t)u->taps, (size_t)u->in_ch, (size_t)u->taps, wt + o * per_o,
                  (size_t)u->in_ch);
}

NN_HOT static void kernel_channel_major(const unrolled *u, const nn_real *wt, nn_real *w)
{
    size_t per_o = (size_t)u->taps * u->in_ch;
    for (int o = 0; o < u->oc; o++)
        transpose(wt + o * per_o, (size_t)u->in_ch, (size_t)u->taps, (size_t)u->in_ch,
                  w + o * per_o, (size_t)u->taps);
}

/* ------------------------------------------------------------------ */
/* The matrix                                                           */
/* ------------------------------------------------------------------ */

/* Shifted: row (output row pmin, o) holds, at kernel column jmaj and
 * input row qmin, the run wt[o][tap][·] of the kernel row that input row
 * meets; zeros off the kernel. */
NN_HOT static void build_shifted(const nn_conv *c, const unrolled *u)
{
    int in_ch = u->in_ch;
    nn_real *restrict dst = u->matrix;
    for (int pmin = 0; pmin < u->min_out; pmin++)
        for (int o = 0; o < u->oc; o++)
            for (int jmaj = 0; jmaj < u->maj_k; jmaj++)
                for (int qmin = 0; qmin < u->min_in; qmin++, dst += in_ch) {
                    int i = kernel_row(u, pmin, qmin);
                    if (i < 0) {
                        for (int ch = 0; ch < in_ch; ch++)
                            dst[ch] = 0;
                        continue;
                    }
                    const nn_real *restrict src =
                        u->wt + ((size_t)o * u->taps + tap_at(c, u, jmaj, i)) * in_ch;
                    for (int ch = 0; ch < in_ch; ch++)
                        dst[ch] = src[ch];
                }
}

/* The kernel gradient (tap-major, in gwt) from the shifted kernels'. */
NN_HOT static void fold_shifted(const nn_conv *c, const unrolled *u)
{
    int in_ch = u->in_ch;
    memset(u->gwt, 0, kernel_len(u) * sizeof *u->gwt);
    const nn_real *restrict src = u->gmatrix;
    for (int pmin = 0; pmin < u->min_out; pmin++)
        for (int o = 0; o < u->oc; o++)
            for (int jmaj = 0; jmaj < u->maj_k; jmaj++)
                for (int qmin = 0; qmin < u->min_in; qmin++, src += in_ch) {
                    int i = kernel_row(u, pmin, qmin);
                    if (i < 0)
                        continue;
                    nn_real *restrict dst =
                        u->gwt + ((size_t)o * u->taps + tap_at(c, u, jmaj, i)) * in_ch;
                    for (int ch = 0; ch < in_ch; ch++)
                        dst[ch] += src[ch];
                }
}

/* Full: row (o, p) holds, at each input pixel q under a tap t of p's
 * window, the run wt[o][t][·]; zeros at the other pixels. */
NN_HOT static void build_full(const nn_conv *c, const unrolled *u)
{
    int tap[NN_CONV_UNROLL_MAX_TAPS], in_ch = u->in_ch;
    size_t q[NN_CONV_UNROLL_MAX_TAPS];
    for (size_t p = 0; p < u->p_count; p++) {
        int found = taps_of(c, p, tap, q);
        for (int o = 0; o < u->oc; o++) {
            nn_real *restrict row = u->matrix + ((size_t)o * u->p_count + p) * u->cols;
            for (size_t k = 0; k < u->cols; k++)
                row[k] = 0;
            for (int k = 0; k < found; k++) {
                const nn_real *restrict src = u->wt + ((size_t)o * u->taps + tap[k]) * in_ch;
                for (int ch = 0; ch < in_ch; ch++)
                    row[q[k] * in_ch + ch] = src[ch];
            }
        }
    }
}

/* The kernel gradient (tap-major, in gwt) from the full matrix's. */
NN_HOT static void fold_full(const nn_conv *c, const unrolled *u)
{
    int tap[NN_CONV_UNROLL_MAX_TAPS], in_ch = u->in_ch;
    size_t q[NN_CONV_UNROLL_MAX_TAPS];
    memset(u->gwt, 0, kernel_len(u) * sizeof *u->gwt);
    for (size_t p = 0; p < u->p_count; p++) {
        int found = taps_of(c, p, tap, q);
        for (int o = 0; o < u->oc; o++) {
            const nn_real *row = u->gmatrix + ((size_t)o * u->p_count + p) * u->cols;
            for (int k = 0; k < found; k++) {
                nn_real *restrict dst = u->gwt + ((size_t)o * u->taps + tap[k]) * in_ch;
                const nn_real *restrict src = row + q[k] * in_ch;
                for (int ch = 0; ch < in_ch; ch++)
                    dst[ch] += src[ch];
            }
        }
    }
}

/* gb[o] = the sum of dz over the samples and the pixels (n rows of
 * oc · P, (p, o) when shifted, else (o, p)). */
NN_HOT static void bias_gradient(const nn_conv *c, const unrolled *u, const nn_real *dz, int n)
{
    nn_real *restrict acc = u->acc;
    memcpy(acc, dz, u->rows * sizeof *acc);
    for (int s = 1; s < n; s++) {
        const nn_real *restrict row = dz + (size_t)s * u->rows;
        for (size_t r = 0; r < u->rows; r++)
            acc[r] += row[r];
    }
    for (int o = 0; o < u->oc; o++)
        c->gb[o] = 0;
    for (size_t p = 0; p < u->p_count; p++)
        for (int o = 0; o < u->oc; o++)
            c->gb[o] += acc[u->shifted ? p * u->oc + (size_t)o : (size_t)o * u->p_count + p];
}

/* ------------------------------------------------------------------ */
/* Forward and backward                                                 */
/* ------------------------------------------------------------------ */

/* y = the bias, n rows of oc · P laid out as in bias_gradient. */
static void fill_bias(const nn_conv *c, const unrolled *u, int n, nn_real *y)
{
    for (size_t p = 0; p < u->p_count; p++)
        for (int o = 0; o < u->oc; o++)
            y[u->shifted ? p * u->oc + (size_t)o : (size_t)o * u->p_count + p] = c->b[o];
    for (int s = 1; s < n; s++)
        memcpy(y + (size_t)s * u->rows, y, u->rows * sizeof *y);
}

/* y (n rows of oc · P, layout as bias_gradient) += in_t · matrixᵀ. */
static void forward_products(const unrolled *u, int n, nn_real *y)
{
    if (!u->shifted) {
        NN_GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, n, (int)u->rows, (int)u->cols, 1, u->in_t,
                (int)u->cols, u->matrix, (int)u->cols, 1, y, (int)u->rows);
        return;
    }
    int m = u->min_out * u->oc;
    for (int g = 0; g < u->maj_out; g++) {
        int lo, hi, j = span_of(u, g, &lo, &hi), k = (int)span_len(u, lo, hi);
        if (k > 0)
            NN_GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, n, m, k, 1,
                    u->in_t + span_len(u, 0, lo), (int)u->cols, u->matrix + span_len(u, 0, j),
                    (int)u->row_len, 1, y + (size_t)g * m, (int)u->rows);
    }
}

void nn_conv_unrolled_forward(const nn_conv *c, const nn_real *in, int n, nn_real *out)
{
    unrolled u;
    unrolled_of(c, n, &u);
    kernel_tap_major(&u, c->w, u.wt);
    if (u.shifted)
        build_shifted(c, &u);
    else
        build_full(c, &u);
    to_channels_last(&u, u.in_ch, c->in_chw[1], c->in_chw[2], in, n, u.in_t);
    nn_real *y = u.shifted ? u.pix_t : out;
    fill_bias(c, &u, n, y);
    forward_products(&u, n, y);
    if (u.shifted)
        to_channels_first(&u, u.oc, c->out_chw[1], c->out_chw[2], y, n, out);
}

/* gmatrix = d (layout as bias_gradient)ᵀ · in_t, on the matrix' nonzeros;
 * with din_t = d · matrix when din_t is not NULL. */
static void backward_products(const unrolled *u, const nn_real *d, int n, nn_real *din_t)
{
    /* beta = 1 on cleared blocks: cheaper than OpenBLAS' own clearing */
    memset(u->gmatrix, 0, u->matrix_len * sizeof *u->gmatrix);
    if (din_t)
        memset(din_t, 0, (size_t)n * u->cols * sizeof *din_t);
    int m = u->shifted ? u->min_out * u->oc : (int)u->rows;
    for (int g = 0; g < (u->shifted ? u->maj_out : 1); g++) {
        int lo = 0, hi = 0, j = u->shifted ? span_of(u, g, &lo, &hi) : 0;
        int k = u->shifted ? (int)span_len(u, lo, hi) : (int)u->cols;
        int ld = u->shifted ? (int)u->row_len : (int)u->cols;
        const nn_real *dg = d + (size_t)g * m, *in_g = u->in_t + span_len(u, 0, lo);
        if (k == 0)
            continue;
        NN_GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, m, k, n, 1, dg, (int)u->rows, in_g,
                (int)u->cols, 1, u->gmatrix + span_len(u, 0, j), ld);
        if (din_t)
            NN_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, k, m, 1, dg, (int)u->rows,
                    u->matrix + span_len(u, 0, j), ld, 1, din_t + span_len(u, 0, lo), (int)u->cols);
    }
}

void nn_conv_unrolled_backward(const nn_conv *c, const nn_real *dz, nn_real *din, int accumulate,
                               int n)
{
    unrolled u;
    unrolled_of(c, n, &u);
    const nn_real *d = dz;
    if (u.shifted) {
        to_channels_last(&u, u.oc, c->out_chw[1], c->out_chw[2], dz, n, u.pix_t);
        d = u.pix_t;
    }
    bias_gradient(c, &u, d, n);
    backward_products(&u, d, n, din ? u.din_t : NULL);
    if (u.shifted)
        fold_shifted(c, &u);
    else
        fold_full(c, &u);
    kernel_channel_major(&u, u.gwt, c->gw);
    if (!din)
        return;
    if (accumulate)
        add_channels_first(c, &u, u.din_t, n, din);
    else
        to_channels_first(&u, u.in_ch, c->in_chw[1], c->in_chw[2], u.din_t, n, din);
}
