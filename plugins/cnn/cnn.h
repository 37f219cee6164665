/*
 * cnn.h — what the files of the `cnn` stage share above the layer stack
 * (cnn_layers.h): the parameters' checks and the training configuration,
 * images and targets as the core wants them, and the two modes (train,
 * predict). The headers form layers without circles: cnn_blocks.h (block
 * items) < cnn_layers.h (the stack, its graph and shape pass) < cnn.h.
 */
#ifndef PIPE_CNN_H
#define PIPE_CNN_H

#include "cnn_layers.h"
#include "nn.h"
#include "nn_io.h"
#include "nn_stage.h"
#include "nn_train.h"

#include <pipe/pipe.h>

/* Training and inference batches are at most this large (an image layer's
 * work buffers grow with the batch). */
#define CNN_PREDICT_BATCH 64

/* ---- parameters and training configuration (cnn_config.c) ---- */

/* Nonzero for head: binary (sigmoid output, binary cross-entropy; or its
 * old spelling, classification). */
int cnn_is_classifier(const pipe_ctx *ctx);
/* Nonzero for head: multiclass (softmax outputs, categorical cross-entropy). */
int cnn_is_multiclass(const pipe_ctx *ctx);

/* Check the parameters that do not need tensors: each given parameter
 * applies to the mode and choices, input_shape against the layers.
 * Returns 0 or -1 (reported). */
int cnn_check_params(pipe_ctx *ctx);

/* The training configuration: the shared training parameters
 * (nn_stage.h) and the cnn stage's loss and initialisation. */
typedef struct cnn_config {
    pipe_nn_loss loss;
    pipe_nn_init init;
    pipe_nn_optim_config optim;
    pipe_nn_fit_config fit;
} cnn_config;

void cnn_config_read(pipe_ctx *ctx, cnn_config *cfg);

/* ---- data (cnn_data.c) ---- */

/* The images as the core's rows (x: rows × C·H·W) and their shape. */
typedef struct cnn_data {
    pipe_nn_rows rows;
    int chw[3];
    pipe_nn_classes classes; /* head: multiclass */
} cnn_data;

/* The images of input x (rank 4, f32 or f64), as reals. 0 or -1
 * (reported; a non-finite pixel is an error naming the image). */
int cnn_data_images(pipe_ctx *ctx, cnn_data *d);
/* The target (input y, column `target`) and the split's train and val
 * rows. 0 or -1 (reported). */
int cnn_data_target_and_split(pipe_ctx *ctx, cnn_data *d);
void cnn_data_free(cnn_data *d);

/* ---- the modes (cnn_train.c, cnn_predict.c) ---- */

int cnn_train(pipe_ctx *ctx);
int cnn_predict(pipe_ctx *ctx);

#endif
