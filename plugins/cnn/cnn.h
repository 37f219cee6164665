/*
 * cnn.h — what the files of the `cnn` stage share: the layer stack read
 * from the `layers` parameter (with its shape pass), the training
 * configuration, images and targets as the core wants them, the model
 * file, and the two modes (train, predict).
 */
#ifndef PIPE_CNN_H
#define PIPE_CNN_H

#include "nn.h"
#include "nn_io.h"
#include "nn_stage.h"
#include "nn_train.h"

#include <pipe/pipe.h>

/* Training and inference batches are at most this large (an image layer's
 * work buffers grow with the batch). */
#define CNN_PREDICT_BATCH 64

/* ---- the layer stack (cnn_layers.c) ---- */

/* The layers of the `layers` parameter, then the output dense layer. */
typedef struct cnn_stack {
    pipe_nn_layer_spec *specs; /* malloc'd, n of them */
    const pipe_value **items;  /* the parameter item of each (NULL: the output layer) */
    int *first;                /* the index of the first spec of each spec's item */
    int n;
} cnn_stack;

/* In the specs of a block, where the block takes its input, until
 * cnn_graph_link puts the block's input there. */
#define CNN_BLOCK_INPUT (-1000)

/* Nonzero when `key` is one of the space-separated words of `options`. */
int cnn_word_listed(const char *options, const char *key);

/* ---- block items (cnn_blocks.c) ---- */

/* Nonzero when the item is a block ({basic: 16}, {inception: [...]}, ...). */
int cnn_is_block(const pipe_value *item);
/* The block's word ("bottleneck"), or NULL for another item. */
const char *cnn_block_name(const pipe_value *item);
/* Read block item `index` (1-based) into b, checked. 0 or -1 (reported). */
int cnn_block_read(pipe_ctx *ctx, int index, const pipe_value *item, pipe_nn_block *b);

/* Read the layers parameter (every item checked; errors name the item),
 * appending the output layer of `outputs` units. Returns 0, or -1 with
 * every error reported. Free with cnn_stack_free. */
int cnn_stack_read(pipe_ctx *ctx, int outputs, cnn_stack *stack);
void cnn_stack_free(cnn_stack *stack);

/* The shape pass: check the stack against images of shape chw, before
 * anything is allocated. `origin` says where chw comes from (for the
 * message). Returns 0, or -1 with an error naming the layer, its item in
 * the pipeline file and the shapes. */
int cnn_stack_check_shapes(pipe_ctx *ctx, const cnn_stack *stack, const int chw[3],
                           const char *origin);

/* The graph options (cnn_graph.c): turn every item's `id` and `from`
 * (and the ids add and concat merge) into the specs' input indices.
 * Returns 0, or -1 with every error reported at its item. */
int cnn_graph_link(pipe_ctx *ctx, cnn_stack *stack);

/* "layer 3 (conv2d)" or "layer 3 (conv2d, id b1)" for messages. */
void cnn_layer_label(const cnn_stack *stack, int i, char *buf, size_t size);

/* "3x2x3 -> conv2d 32x2x3 -> ... -> dense 1" into buf. */
void cnn_stack_describe(const cnn_stack *stack, const int chw[3], char *buf, size_t size);

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
