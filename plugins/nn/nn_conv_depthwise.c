/*
 * nn_conv_depthwise.c — the direct kernel of a depthwise convolution (one
 * group per input channel, one output channel per group: MobileNetV2's
 * 3×3 layers), see nn_conv.h.
 *
 * Each output plane is its bias plus, for every tap (i, j) of its
 * channel's kernel, the input plane shifted by the tap and scaled by its
 * weight: kh·kw passes of a multiply-add over rows of the plane, which
 * the compiler vectorises (NN_HOT: AVX2 where the CPU has it). This
 * replaces, per channel, a gather of the channel, a one-row im2col GEMM
 * and a scatter back (the grouped path of nn_conv2d.c).
 */
#include "nn_conv.h"

#include <string.h>

/* The window of tap (i, j) over the output: rows [ylo, yhi), columns
 * [xlo, xhi) read real input; and the offset of the input under output
 * pixel (ylo, xlo). */
typedef struct tap_window {
    int ylo, yhi, xlo, xhi;
    ptrdiff_t first;
} tap_window;

static tap_window window_of(const nn_conv *c, int i, int j)
{
    tap_window t;
    nn_conv_inside(c->in_chw[1], c->out_chw[1], c->stride[0], c->pad[0], i, &t.ylo, &t.yhi);
    nn_conv_inside(c->in_chw[2], c->out_chw[2], c->stride[1], c->pad[1], j, &t.xlo, &t.xhi);
    t.first = (ptrdiff_t)(t.ylo * c->stride[0] - c->pad[0] + i) * c->in_chw[2] +
              (t.xlo * c->stride[1] - c->pad[1] + j);
    return t;
}

/* dst[k] += w · src[k·stride] for k < len (a row of one tap). */
NN_HOT static void row_axpy(nn_real *restrict dst, const nn_real *restrict src, nn_real w, int len,
                            int stride)
{
    if (stride == 1)
        for (int k = 0; k < len; k++)
            dst[k] += w * src[k];
    else
        for (int k = 0; k < len; k++)
            dst[k] += w * src[k * stride];
}

/* dst[k·stride] += w · src[k] for k < len (the reverse, for the input
 * gradient). */
NN_HOT static void row_axpy_scatter(nn_real *restrict dst, const nn_real *restrict src, nn_real w,
                                    int len, int stride)
{
    if (stride == 1)
        for (int k = 0; k < len; k++)
            dst[k] += w * src[k];
    else
        for (int k = 0; k < len; k++)
            dst[k * stride] += w * src[k];
}

/* One output plane of channel ch: bias, then every tap. */
static void plane_forward(const nn_conv *c, int ch, const nn_real *in, nn_real *out)
{
    int kh = c->kernel[0], kw = c->kernel[1], ow = c->out_chw[2], w = c->in_chw[2];
    size_t p = (size_t)c->out_chw[1] * ow;
    const nn_real *kernel = c->w + (size_t)ch * kh * kw;
    for (size_t q = 0; q < p; q++)
        out[q] = c->b[ch];
    for (int i = 0; i < kh; i++)
        for (int j = 0; j < kw; j++) {
            tap_window t = window_of(c, i, j);
            const nn_real *src = in + t.first;
            for (int oy = t.ylo; oy < t.yhi; oy++, src += (ptrdiff_t)c->stride[0] * w)
                row_axpy(out + (size_t)oy * ow + t.xlo, src, kernel[i * kw + j], t.xhi - t.xlo,
                         c->stride[1]);
        }
}

void nn_conv_depthwise_forward(const nn_conv *c, const nn_real *in, int n, nn_real *out)
{
    int channels = c->in_chw[0];
    size_t in_plane = (size_t)c->in_chw[1] * c->in_chw[2];
    size_t out_plane = (size_t)c->out_chw[1] * c->out_chw[2];
    for (int s = 0; s < n; s++)
        for (int ch = 0; ch < channels; ch++) {
            size_t plane = (size_t)s * channels + (size_t)ch;
            plane_forward(c, ch, in + plane * in_plane, out + plane * out_plane);
        }
}

/* Channel ch of one sample: its kernel and bias gradients (added) and,
 * when din is not NULL, its input gradient (added). */
static void plane_backward(const nn_conv *c, int ch, const nn_real *in, const nn_real *dz,
                           nn_real *din)
{
    int kh = c->kernel[0], kw = c->kernel[1], ow = c->out_chw[2], w = c->in_chw[2];
    int sh = c->stride[0], sw = c->stride[1];
    size_t tap0 = (size_t)ch * kh * kw;
    c->gb[ch] += nn_sum(dz, (size_t)c->out_chw[1] * ow);
    for (int i = 0; i < kh; i++)
        for (int j = 0; j < kw; j++) {
            tap_window t = window_of(c, i, j);
            int len = t.xhi - t.xlo;
            nn_real g = 0, wt = c->w[tap0 + (size_t)i * kw + j];
            for (int oy = t.ylo; oy < t.yhi; oy++) {
                const nn_real *d = dz + (size_t)oy * ow + t.xlo;
                ptrdiff_t at = t.first + (ptrdiff_t)(oy - t.ylo) * sh * w;
                g += nn_dot(d, in + at, (size_t)len, (size_t)sw);
                if (din)
                    row_axpy_scatter(din + at, d, wt, len, sw);
            }
            c->gw[tap0 + (size_t)i * kw + j] += g;
        }
}

void nn_conv_depthwise_backward(const nn_conv *c, const nn_real *in, const nn_real *dz,
                                nn_real *din, int accumulate, int n)
{
    int channels = c->in_chw[0];
    size_t in_plane = (size_t)c->in_chw[1] * c->in_chw[2];
    size_t out_plane = (size_t)c->out_chw[1] * c->out_chw[2];
    memset(c->gw, 0, (size_t)channels * c->kernel[0] * c->kernel[1] * sizeof *c->gw);
    memset(c->gb, 0, (size_t)channels * sizeof *c->gb);
    if (din && !accumulate)
        memset(din, 0, (size_t)n * channels * in_plane * sizeof *din);
    for (int s = 0; s < n; s++)
        for (int ch = 0; ch < channels; ch++) {
            size_t plane = (size_t)s * channels + (size_t)ch;
            plane_backward(c, ch, in + plane * in_plane, dz + plane * out_plane,
                           din ? din + plane * in_plane : NULL);
        }
}
