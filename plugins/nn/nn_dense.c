/*
 * nn_dense.c — the fully connected layer: y = act(x·W + b), with W stored
 * (in, out) row-major as Keras stores it, followed by b.
 *
 * Forward is the bias copied into the output, one GEMM accumulating onto
 * it and one activation pass. Backward turns dLoss/dy into dLoss/dz in
 * place while summing the bias gradient (one pass for ReLU), then two
 * GEMMs give the kernel gradient (xᵀ·dz) and the input gradient (dz·Wᵀ).
 * A single-output layer uses GEMV and GER, cheaper at that shape.
 */
#include "nn_internal.h"

#include <math.h>
#include <string.h>

static int dense_setup(pipe_nn_layer *l, char *err, size_t err_size)
{
    if (l->spec.units < 1)
        return nn_fail(err, err_size, "a dense layer needs at least 1 unit, found %d",
                       l->spec.units);
    if (!(l->spec.l2 >= 0))
        return nn_fail(err, err_size, "the L2 coefficient must be >= 0, found %g", l->spec.l2);
    if (l->spec.act == PIPE_NN_LEAKY_RELU && !(l->spec.alpha > 0))
        return nn_fail(err, err_size, "leaky relu needs a slope alpha > 0, found %g",
                       l->spec.alpha);
    l->out_size = l->spec.units;
    l->out_chw[0] = l->out_size;
    l->out_chw[1] = l->out_chw[2] = 1;
    l->n_kernel = (size_t)l->in_size * (size_t)l->out_size;
    l->n_param = l->n_kernel + (size_t)l->out_size;
    return 0;
}

void nn_init_kernel(nn_real *w, size_t count, double fan_in, double fan_out, pipe_rng *rng,
                    pipe_nn_init init)
{
    if (init == PIPE_NN_INIT_HE) {
        double sd = sqrt(2 / fan_in);
        for (size_t i = 0; i < count; i++)
            w[i] = (nn_real)(sd * pipe_rng_normal(rng));
    } else {
        double limit = sqrt(6 / (fan_in + fan_out));
        for (size_t i = 0; i < count; i++)
            w[i] = (nn_real)(limit * (2 * pipe_rng_uniform(rng) - 1));
    }
}

static void dense_init(pipe_nn_layer *l, pipe_rng *rng, pipe_nn_init init)
{
    nn_init_kernel(l->param, l->n_kernel, l->in_size, l->out_size, rng, init);
    memset(l->param + l->n_kernel, 0, (size_t)l->out_size * sizeof *l->param);
}

/* Every GEMM here accumulates into an output we prepared (beta = 1):
 * OpenBLAS' own zeroing pass for beta = 0 costs more than the bias copy
 * or memset that replaces it, for every shape of the reference network. */

/* Every one of the n rows of out set to the bias: one row, then copies of
 * the rows done so far (log2 n calls rather than n small ones). */
static void bias_rows(nn_real *out, const nn_real *bias, int n, int no)
{
    size_t row = (size_t)no * sizeof *out, rows = (size_t)n;
    if (n < 1)
        return;
    memcpy(out, bias, row);
    for (size_t done = 1; done < rows; done *= 2)
        memcpy(out + done * no, out, (rows - done < done ? rows - done : done) * row);
}

static void dense_forward(pipe_nn_layer *l, const nn_real *in, int n, int training, pipe_rng *rng)
{
    (void)training, (void)rng;
    int ni = l->in_size, no = l->out_size;
    bias_rows(l->out, l->param + l->n_kernel, n, no);
    if (no == 1)
        NN_GEMV(CblasRowMajor, CblasNoTrans, n, ni, 1, in, ni, l->param, 1, 1, l->out, 1);
    else
        NN_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, no, ni, 1, in, ni, l->param, no, 1,
                l->out, no);
    nn_act_forward(l->spec.act, l->spec.alpha, l->out, (size_t)n * no);
}

/* ReLU's dz = dout · [y > 0] in place and gb = Σ_rows dz, in one pass
 * (nn_act_backward's ReLU, fused with the sum). */
NN_HOT static void relu_dz(const nn_real *y, nn_real *dout, nn_real *gb, int n, int no)
{
    memset(gb, 0, (size_t)no * sizeof *gb);
    for (int r = 0; r < n; r++) {
        const nn_real *yr = y + (size_t)r * no;
        nn_real *row = dout + (size_t)r * no;
        for (int j = 0; j < no; j++) {
            nn_real d = yr[j] > 0 ? row[j] : 0;
            row[j] = d;
            gb[j] += d;
        }
    }
}

/* dz = dout · act'(y) in place, and the bias gradient Σ_rows dz. */
NN_HOT static void dense_dz(pipe_nn_layer *l, nn_real *dout, int n)
{
    int no = l->out_size;
    nn_real *gb = l->grad + l->n_kernel;
    if (!l->dz_given && l->spec.act == PIPE_NN_RELU) {
        relu_dz(l->out, dout, gb, n, no);
        return;
    }
    if (!l->dz_given)
        nn_act_backward(l->spec.act, l->spec.alpha, l->out, dout, (size_t)n * no);
    memset(gb, 0, (size_t)no * sizeof *gb);
    for (int r = 0; r < n; r++) {
        const nn_real *row = dout + (size_t)r * no;
        for (int j = 0; j < no; j++)
            gb[j] += row[j];
    }
}

static void dense_backward(pipe_nn_layer *l, const nn_real *in, nn_real *dout, nn_real *din, int n)
{
    int ni = l->in_size, no = l->out_size;
    dense_dz(l, dout, n);
    memset(l->grad, 0, l->n_kernel * sizeof *l->grad);
    if (din)
        memset(din, 0, (size_t)n * ni * sizeof *din);
    if (no == 1) {
        NN_GEMV(CblasRowMajor, CblasTrans, n, ni, 1, in, ni, dout, 1, 1, l->grad, 1);
        if (din)
            NN_GER(CblasRowMajor, n, ni, 1, dout, 1, l->param, 1, din, ni);
        return;
    }
    NN_GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, ni, no, n, 1, in, ni, dout, no, 1, l->grad,
            no);
    if (din)
        NN_GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, n, ni, no, 1, dout, no, l->param, no, 1,
                din, ni);
}

static int dense_tensors(const pipe_nn_layer *l, pipe_nn_tensor_info *out)
{
    out[0] = (pipe_nn_tensor_info){"kernel", 2, {l->in_size, l->out_size}, 0, 0};
    out[1] = (pipe_nn_tensor_info){"bias", 1, {l->out_size, 0}, l->n_kernel, 0};
    return 2;
}

const pipe_nn_layer_ops nn_dense_ops = {
    .setup = dense_setup,
    .init = dense_init,
    .forward = dense_forward,
    .backward = dense_backward,
    .tensors = dense_tensors,
};
