/*
 * cnn_layers.h — the cnn stage's layer stack: the `layers` parameter read
 * into the core's layer specifications (cnn_layers.c, block items through
 * cnn_blocks.h), their graph options (`id`, `from`; cnn_graph.c) and the
 * shape pass. It depends on the head only through the core's
 * pipe_nn_stage_head, not on the stage's configuration (cnn.h).
 */
#ifndef PIPE_CNN_LAYERS_H
#define PIPE_CNN_LAYERS_H

#include "nn.h"

#include <pipe/pipe.h>

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

#endif
