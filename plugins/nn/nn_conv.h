/*
 * nn_conv.h — the 2-D convolution kernel that the conv2d layer and the
 * residual block share (internal to the neural-network core).
 *
 * A convolution is described by an nn_conv: its geometry, its weights and
 * a work area. Samples are channels × height × width, one after the
 * other. The kernel tensor is (out channels, in channels · kh · kw)
 * row-major: PyTorch's (out, in, kh, kw) layout, flattened.
 *
 * The way of computing is chosen from the geometry:
 *
 * - im2col, for images larger than a few kernel windows: the input
 *   patches of a chunk of samples (as many as fit a cache-sized matrix)
 *   are copied into one matrix (row (c, i, j), column (sample, output
 *   pixel)) and multiplied with the kernel in one GEMM; backward makes the
 *   patches again from the input, then two GEMMs (kernel gradient, patch
 *   gradient), and folds the patch gradient back onto the input (col2im).
 *
 * - pointwise, for 1×1 kernels with stride 1 and no padding on planes of
 *   at least a few hundred pixels: each sample's input is its own patch
 *   matrix, so forward and backward are plain GEMMs per sample on the
 *   tensors themselves (no im2col, no col2im, no work area).
 *
 * - depthwise (c->depthwise), one group per channel: a direct kernel,
 *   kh·kw vectorised multiply-adds over each plane (nn_conv_depthwise.c).
 *
 * - unrolled, for tiny images (the 2 × 3 pixels of the tabular encoding,
 *   where most taps fall in the padding): the convolution is written out
 *   as the dense matrix it is, (out · pixels) × (H · W · in), rebuilt from
 *   the kernel at every pass (nn_conv_unrolled.c), so forward, kernel
 *   gradient and input gradient are GEMMs over the whole mini-batch,
 *   skipping the blocks of the matrix that are zero. No patch matrix.
 */
#ifndef PIPE_NN_CONV_H
#define PIPE_NN_CONV_H

#include "nn_internal.h"

typedef struct nn_conv {
    int in_chw[3], out_chw[3];
    int kernel[2], stride[2], pad[2]; /* height, width */
    pipe_nn_act act;
    double alpha;
    /* Nonzero: depthwise, one group per channel (in_chw[0] == out_chw[0]
     * channels; the kernel is channels × kh·kw). */
    int depthwise;
    const nn_real *w, *b; /* kernel (out, in·kh·kw) and bias (out) */
    nn_real *gw, *gb;     /* their gradients */
    /* nn_conv_scratch_fixed() + n · nn_conv_scratch_per_row() reals for a
     * batch of n: what forward keeps for backward, and work space. */
    nn_real *work;
} nn_conv;

/* Check a spec's window: kernel >= 1, stride >= 1, padding >= 0 in both
 * dimensions (conv2d, residual and pooling layers). 0, or -1 with err. */
int nn_window_check(const pipe_nn_layer_spec *s, char *err, size_t err_size);

/* Output length of a window sliding over `in` cells (with `pad` zeros on
 * each side), or 0 when the window does not fit. */
int nn_conv_out_len(int in, int kernel, int stride, int pad);

/* Fill c->out_chw from the geometry for `out_channels` channels; returns
 * 0, or -1 with a message naming the shapes when the window does not fit. */
int nn_conv_shape(nn_conv *c, int out_channels, char *err, size_t err_size);

/* Nonzero when c computes unrolled (see above). */
int nn_conv_unrolled(const nn_conv *c);

/* Kernel reals (out · in·kh·kw), and the work area's size. */
size_t nn_conv_kernel_count(const nn_conv *c);
size_t nn_conv_scratch_fixed(const nn_conv *c);
size_t nn_conv_scratch_per_row(const nn_conv *c);

/* Draw a kernel: He (normal) or Glorot (uniform) with Keras' fans
 * (in·kh·kw and out·kh·kw). */
void nn_conv_init_kernel(const nn_conv *c, nn_real *w, pipe_rng *rng, pipe_nn_init init);

/* out = act(conv(in) + b) over n samples. */
void nn_conv_forward(const nn_conv *c, const nn_real *in, int n, nn_real *out);

/*
 * After nn_conv_forward(c, in, n, out), with the same `in` and `out`:
 * given dout = dLoss/dout (overwritten unless the activation is linear),
 * set c->gw and c->gb, and when din is not NULL write dLoss/din there —
 * or add it to what din holds when `accumulate` is nonzero.
 */
void nn_conv_backward(const nn_conv *c, const nn_real *in, const nn_real *out, nn_real *dout,
                      nn_real *din, int accumulate, int n);

/* The outputs o in [*lo, *hi) whose input index o·stride − pad + k lies in
 * [0, len): the part of a row (or column) that reads real input. */
void nn_conv_inside(int len, int out_len, int stride, int pad, int k, int *lo, int *hi);

/* The depthwise kernel (nn_conv_depthwise.c): forward without the
 * activation, and backward given dz = dLoss/d(pre-activation). */
void nn_conv_depthwise_forward(const nn_conv *c, const nn_real *in, int n, nn_real *out);
void nn_conv_depthwise_backward(const nn_conv *c, const nn_real *in, const nn_real *dz,
                                nn_real *din, int accumulate, int n);

/* The unrolled path (nn_conv_unrolled.c): its work area, forward, and
 * backward given dz = dLoss/d(pre-activation), after forward over the
 * same n samples. Kernels of at most NN_CONV_UNROLL_MAX_TAPS taps. */
#define NN_CONV_UNROLL_MAX_TAPS 64
size_t nn_conv_unrolled_fixed(const nn_conv *c);
size_t nn_conv_unrolled_per_row(const nn_conv *c);
void nn_conv_unrolled_forward(const nn_conv *c, const nn_real *in, int n, nn_real *out);
void nn_conv_unrolled_backward(const nn_conv *c, const nn_real *dz, nn_real *din, int accumulate,
                               int n);

#endif
