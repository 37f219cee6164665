/*
 * dnn.h — what the files of the `dnn` stage share: reading its
 * parameters into the neural-network core's configuration and the two
 * modes (train, predict). Rows, model files and the saved
 * scaling come from the core's stage helpers (nn_stage.h).
 */
#ifndef PIPE_DNN_H
#define PIPE_DNN_H

#include "nn.h"
#include "nn_io.h"
#include "nn_stage.h"
#include "nn_train.h"

#include <pipe/pipe.h>

/* Inference batches: larger than training ones, for faster GEMMs. */
#define DNN_PREDICT_BATCH 256

/* The training configuration read from the parameters. */
typedef struct dnn_config {
    pipe_nn_layer_spec *layers; /* malloc'd, n_layers of them (output layer last) */
    int n_layers;
    pipe_nn_loss loss;
    pipe_nn_init init;
    pipe_nn_optim_config optim;
    pipe_nn_fit_config fit;
} dnn_config;

/* Check the parameters that do not need tensors (mode-specific ones,
 * choices that contradict each other). Returns 0 or -1 (reported). */
int dnn_check_params(pipe_ctx *ctx);

/* Nonzero for head: multiclass. */
int dnn_is_multiclass(const pipe_ctx *ctx);
/* Nonzero for head: binary (or its old spelling). */
int dnn_is_binary(const pipe_ctx *ctx);

/* Read the training configuration for `n_outputs` outputs. Returns 0, or
 * -1 with the error reported. Free with dnn_config_free. */
int dnn_config_read(pipe_ctx *ctx, int n_outputs, dnn_config *cfg);
void dnn_config_free(dnn_config *cfg);

int dnn_train(pipe_ctx *ctx);
/* Refuse (against "layers") a network of cfg for n_in inputs and n_out
 * outputs that will not fit in memory; d: the rows, or NULL in check().
 * 0 or -1 (reported). */
int dnn_check_memory(pipe_ctx *ctx, const dnn_config *cfg, int n_in, int n_out,
                     const pipe_nn_rows *d);
int dnn_predict(pipe_ctx *ctx);

#endif
