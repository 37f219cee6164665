/*
 * cnn_blocks.h — the block items of the cnn stage's `layers` parameter
 * ({basic: 16}, {inception: [...]}, ...) read into the core's block
 * descriptions (cnn_blocks.c), and the option-word lists every item kind
 * checks its options against. The bottom of the stage's headers: it uses
 * only the core and the SDK.
 */
#ifndef PIPE_CNN_BLOCKS_H
#define PIPE_CNN_BLOCKS_H

#include "nn.h"

#include <pipe/pipe.h>

/* Nonzero when `key` is one of the space-separated words of `options`. */
int cnn_word_listed(const char *options, const char *key);

/* Nonzero when the item is a block ({basic: 16}, {inception: [...]}, ...). */
int cnn_is_block(const pipe_value *item);
/* The block's word ("bottleneck"), or NULL for another item. */
const char *cnn_block_name(const pipe_value *item);
/* Read block item `index` (1-based) into b, checked. 0 or -1 (reported). */
int cnn_block_read(pipe_ctx *ctx, int index, const pipe_value *item, pipe_nn_block *b);

#endif
