/*
 * nn_merge.c — the layers that join branches of a graph:
 *
 *   add:    y = x₁ + x₂ + … (every input of the same shape; ResNet skips;
 *           `optional`: when the shapes differ, y = the last input alone)
 *   concat: y = [x₁, x₂, …] along the channels (same height and width;
 *           DenseNet, Inception), each sample's channels one after another
 *
 * They read their inputs through l->ins and write their inputs'
 * gradients through l->dins (nn_internal.h), adding into them when
 * l->din_add says another consumer has written there already.
 */
#include "nn_internal.h"

#include <stdio.h>
#include <string.h>

/* "32x8x8", or "64" for a vector. */
static void shape_text(const int chw[3], char *buf, size_t size)
{
    if (chw[1] == 1 && chw[2] == 1)
        snprintf(buf, size, "%d", chw[0]);
    else
        snprintf(buf, size, "%dx%dx%d", chw[0], chw[1], chw[2]);
}

/* "input k (layer j) is 16x8x8" for messages. */
static void input_text(const pipe_nn_layer *l, int k, char *buf, size_t size)
{
    char shape[48];
    shape_text(l->ins_chw[k], shape, sizeof shape);
    if (l->in_idx[k] < 0)
        snprintf(buf, size, "the input is %s", shape);
    else
        snprintf(buf, size, "layer %d gives %s", l->in_idx[k] + 1, shape); /* 1-based */
}

/* Nonzero when every input of l has the first one's shape. */
static int same_shapes(const pipe_nn_layer *l)
{
    for (int k = 1; k < l->n_in; k++)
        if (memcmp(l->ins_chw[k], l->ins_chw[0], sizeof l->ins_chw[0]) != 0)
            return 0;
    return 1;
}

/* An optional add whose shapes differ passes its last input through. */
static int passes_through(const pipe_nn_layer *l)
{
    return l->spec.optional && !same_shapes(l);
}

static int add_setup(pipe_nn_layer *l, char *err, size_t err_size)
{
    if (passes_through(l)) {
        memcpy(l->out_chw, l->ins_chw[l->n_in - 1], sizeof l->out_chw);
        l->out_size = l->out_chw[0] * l->out_chw[1] * l->out_chw[2];
        return 0;
    }
    for (int k = 1; k < l->n_in; k++)
        if (memcmp(l->ins_chw[k], l->ins_chw[0], sizeof l->ins_chw[0]) != 0) {
            char a[80], b[80];
            input_text(l, 0, a, sizeof a);
            input_text(l, k, b, sizeof b);
            return nn_fail(err, err_size, "add needs inputs of one shape: %s, %s", a, b);
        }
    memcpy(l->out_chw, l->in_chw, sizeof l->out_chw);
    l->out_size = l->in_size;
    return 0;
}

/* out[i] = a[i] + b[i] (out may be a): the sum of the first two inputs in
 * one pass, then each further input added in order. */
NN_HOT static void add_arrays(nn_real *out, const nn_real *a, const nn_real *b, size_t count)
{
    for (size_t i = 0; i < count; i++)
        out[i] = a[i] + b[i];
}

static void add_forward(pipe_nn_layer *l, const nn_real *in, int n, int training, pipe_rng *rng)
{
    (void)in, (void)training, (void)rng;
    size_t count = (size_t)n * l->out_size;
    if (passes_through(l)) {
        memcpy(l->out, l->ins[l->n_in - 1], count * sizeof *l->out);
        return;
    }
    add_arrays(l->out, l->ins[0], l->ins[1], count);
    for (int k = 2; k < l->n_in; k++)
        add_arrays(l->out, l->out, l->ins[k], count);
}

static void add_backward(pipe_nn_layer *l, const nn_real *in, nn_real *dout, nn_real *din, int n)
{
    (void)in, (void)din;
    size_t count = (size_t)n * l->out_size;
    int through = passes_through(l);
    for (int k = 0; k < l->n_in; k++) {
        nn_real *d = l->dins[k];
        if (!d)
            continue;
        if (through && k < l->n_in - 1) { /* an input not used: no gradient */
            if (!l->din_add[k])
                memset(d, 0,
                       (size_t)n * l->ins_chw[k][0] * l->ins_chw[k][1] * l->ins_chw[k][2] *
                           sizeof *d);
            continue;
        }
        if (!l->din_add[k])
            memcpy(d, dout, count * sizeof *d);
        else
            for (size_t i = 0; i < count; i++)
                d[i] += dout[i];
    }
}

const pipe_nn_layer_ops nn_add_ops = {
    .setup = add_setup,
    .forward = add_forward,
    .backward = add_backward,
};

static int concat_setup(pipe_nn_layer *l, char *err, size_t err_size)
{
    int channels = 0;
    for (int k = 0; k < l->n_in; k++) {
        if (l->ins_chw[k][1] != l->ins_chw[0][1] || l->ins_chw[k][2] != l->ins_chw[0][2]) {
            char a[80], b[80];
            input_text(l, 0, a, sizeof a);
            input_text(l, k, b, sizeof b);
            return nn_fail(err, err_size, "concat needs inputs of one height and width: %s, %s", a,
                           b);
        }
        channels += l->ins_chw[k][0];
    }
    l->out_chw[0] = channels;
    l->out_chw[1] = l->in_chw[1];
    l->out_chw[2] = l->in_chw[2];
    l->out_size = channels * l->in_chw[1] * l->in_chw[2];
    return 0;
}

/* Reals per sample of input k. */
static size_t input_size(const pipe_nn_layer *l, int k)
{
    return (size_t)l->ins_chw[k][0] * l->ins_chw[k][1] * l->ins_chw[k][2];
}

static void concat_forward(pipe_nn_layer *l, const nn_real *in, int n, int training, pipe_rng *rng)
{
    (void)in, (void)training, (void)rng;
    for (int r = 0; r < n; r++) {
        nn_real *y = l->out + (size_t)r * l->out_size;
        for (int k = 0; k < l->n_in; k++) {
            size_t size = input_size(l, k);
            memcpy(y, l->ins[k] + (size_t)r * size, size * sizeof *y);
            y += size;
        }
    }
}

static void concat_backward(pipe_nn_layer *l, const nn_real *in, nn_real *dout, nn_real *din, int n)
{
    (void)in, (void)din;
    for (int r = 0; r < n; r++) {
        const nn_real *g = dout + (size_t)r * l->out_size;
        for (int k = 0; k < l->n_in; k++) {
            size_t size = input_size(l, k);
            nn_real *d = l->dins[k] ? l->dins[k] + (size_t)r * size : NULL;
            if (d && !l->din_add[k])
                memcpy(d, g, size * sizeof *d);
            else if (d)
                for (size_t i = 0; i < size; i++)
                    d[i] += g[i];
            g += size;
        }
    }
}

const pipe_nn_layer_ops nn_concat_ops = {
    .setup = concat_setup,
    .forward = concat_forward,
    .backward = concat_backward,
};
