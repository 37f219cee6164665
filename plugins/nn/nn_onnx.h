/*
 * nn_onnx.h — a model of the neural-network core written as an ONNX file
 * (IR version 7, opset 13), for ONNX Runtime and the tools around it
 * (CMSSW's inference among them).
 *
 * The graph takes input "x": batch × features (or batch × C × H × W for
 * images), the batch axis dynamic ("batch"). When a scaling is given it
 * comes first, (x − offset) / divisor per feature (Sub then Div), so the
 * file takes raw columns. Each layer becomes the standard operators that
 * compute it in inference mode (Gemm, Conv with groups, BatchNormalization,
 * MaxPool, AveragePool with count_include_pad, the global pools, Flatten,
 * Sum, Concat, Softmax, the activations; dropout is the identity). The
 * output is batch × outputs, float; with `argmax` a second output, the
 * int64 index of each row's largest output.
 */
#ifndef PIPE_NN_ONNX_H
#define PIPE_NN_ONNX_H

#include "nn.h"
#include "nn_io.h"

#include <stdio.h>

typedef struct pipe_nn_onnx_options {
    int images;                  /* input is batch × C × H × W (else batch × features) */
    const double *offset;        /* per input feature, or NULL: no scaling */
    const double *divisor;       /* per input feature (with offset) */
    const char *output;          /* the output's name ("y" when NULL) */
    const char *argmax;          /* the argmax output's name, or NULL: none */
    const pipe_nn_st_meta *meta; /* metadata_props */
    size_t n_meta;
    const char *producer_version;
} pipe_nn_onnx_options;

/* Write model m as ONNX to f. Returns 0, or -1 with the reason in err. */
int pipe_nn_onnx_write(const pipe_nn_model *m, FILE *f, const pipe_nn_onnx_options *o, char *err,
                       size_t err_size);

#endif
