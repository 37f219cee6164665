/*
 * cnn_blocks.c — the block items of the `layers` parameter, expanded by
 * the core (pipe_nn_block_expand) into the layers they are made of:
 *
 *   {basic: 16, stride: 2}            ResNet basic block (conv-bn-act ×2 + shortcut)
 *   {bottleneck: 64, stride: 2}       ResNet-50's 1×1-3×3-1×1 (inner width 64/4)
 *   {dense_block: 4, growth: 12}      DenseNet: 4 layers, each adding 12 channels
 *   {transition: 32}                  DenseNet: bn-act-conv 1×1 (32), 2×2 average pool
 *   {inception: [8, 8, 12, 4, 8, 8]}  1×1 | 1×1→3×3 | 1×1→3×3→3×3 | pool→1×1 channels
 *   {inverted_residual: 24, expand: 6, stride: 2}  MobileNetV2
 *
 * Options: stride, kernel (basic, dense_block), expand, growth, batchnorm,
 * activation, l2, and the graph's id and from (the block's output and
 * input). Errors name the item (file, line, column).
 */
#include "cnn_blocks.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cnn_word_listed(const char *options, const char *key)
{
    size_t n = strlen(key);
    if (n == 0) /* an empty key ("": 3) is no option, and strstr would find it everywhere */
        return 0;
    for (const char *p = strstr(options, key); p; p = strstr(p + 1, key))
        if ((p == options || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0))
            return 1;
    return 0;
}

typedef struct block_word {
    const char *word;
    pipe_nn_block_kind kind;
    const char *options; /* besides id, from, batchnorm, activation, l2 */
} block_word;

static const block_word blocks[] = {
    {"basic", PIPE_NN_BLOCK_BASIC, "stride kernel"},
    {"bottleneck", PIPE_NN_BLOCK_BOTTLENECK, "stride"},
    {"dense_block", PIPE_NN_BLOCK_DENSE, "growth kernel"},
    {"transition", PIPE_NN_BLOCK_TRANSITION, ""},
    {"inception", PIPE_NN_BLOCK_INCEPTION, ""},
    {"inverted_residual", PIPE_NN_BLOCK_INVERTED, "stride expand"},
};

/* The block word among the item's keys, or NULL. */
static const block_word *block_of(const pipe_value *item, size_t *at)
{
    for (size_t k = 0; item && item->kind == PIPE_VALUE_MAP && k < item->count; k++)
        for (size_t i = 0; i < PIPE_COUNT(blocks); i++)
            if (strcmp(item->keys[k], blocks[i].word) == 0) {
                *at = k;
                return &blocks[i];
            }
    return NULL;
}

int cnn_is_block(const pipe_value *item)
{
    size_t at;
    return block_of(item, &at) != NULL;
}

const char *cnn_block_name(const pipe_value *item)
{
    size_t at;
    const block_word *w = block_of(item, &at);
    return w ? w->word : NULL;
}

static int fail(pipe_ctx *ctx, int index, const char *word, const pipe_value *at, const char *what,
                const char *found)
{
    return pipe_value_error(ctx, "layers", at, "layer %d (%s): %s, found %s", index, word, what,
                            found);
}

static const char *text_of(const pipe_value *v)
{
    return v->kind == PIPE_VALUE_SCALAR ? v->scalar
           : v->kind == PIPE_VALUE_LIST ? "a list"
                                        : "a map";
}

/* A whole number >= 1 (>= 0 with zero_ok). */
static int count_of(const pipe_value *v, int *out)
{
    char *end;
    errno = 0;
    long n = v->kind == PIPE_VALUE_SCALAR ? strtol(v->scalar, &end, 10) : -1;
    if (v->kind != PIPE_VALUE_SCALAR || end == v->scalar || *end || errno || n < 1 || n > 1 << 20)
        return -1;
    *out = (int)n;
    return 0;
}

/* The main value: channels, the layer count, or inception's six counts. */
static int read_main(pipe_ctx *ctx, int index, const block_word *w, const pipe_value *v,
                     pipe_nn_block *b)
{
    if (w->kind == PIPE_NN_BLOCK_INCEPTION) {
        for (size_t i = 0; v->kind == PIPE_VALUE_LIST && v->count == 6 && i < 6; i++)
            if (count_of(&v->items[i], &b->branch[i]) != 0)
                return fail(ctx, index, w->word, &v->items[i], "a channel count must be >= 1",
                            text_of(&v->items[i]));
        if (v->kind != PIPE_VALUE_LIST || v->count != 6)
            return fail(ctx, index, w->word, v,
                        "expected 6 channel counts [1x1, 3x3 reduce, 3x3, double 3x3 reduce, "
                        "double 3x3, pool projection]",
                        text_of(v));
        return 0;
    }
    int *dst = w->kind == PIPE_NN_BLOCK_DENSE ? &b->layers : &b->channels;
    if (count_of(v, dst) != 0)
        return fail(ctx, index, w->word, v,
                    w->kind == PIPE_NN_BLOCK_DENSE
                        ? "the layer count must be a whole number >= 1"
                        : "the channel count must be a whole number >= 1",
                    text_of(v));
    return 0;
}

static int read_option(pipe_ctx *ctx, int index, const block_word *w, const char *key,
                       const pipe_value *v, pipe_nn_block *b)
{
    if (!strcmp(key, "id") || !strcmp(key, "from"))
        return 0; /* cnn_graph.c */
    if (!strcmp(key, "batchnorm") && v->kind == PIPE_VALUE_SCALAR &&
        (!strcmp(v->scalar, "true") || !strcmp(v->scalar, "false"))) {
        b->norm = v->scalar[0] == 't';
        return 0;
    }
    if (!strcmp(key, "activation")) {
        int act = v->kind == PIPE_VALUE_SCALAR ? pipe_nn_act_parse(v->scalar) : -1;
        if (act < 0)
            return fail(ctx, index, w->word, v, "activation must be one of " PIPE_NN_ACT_CHOICES,
                        text_of(v));
        b->act = (pipe_nn_act)act;
        return 0;
    }
    if (!strcmp(key, "l2")) {
        char *end;
        double x = v->kind == PIPE_VALUE_SCALAR ? strtod(v->scalar, &end) : -1;
        if (v->kind != PIPE_VALUE_SCALAR || end == v->scalar || *end || !(x >= 0 && x < 10))
            return fail(ctx, index, w->word, v, "l2 must be a number in [0, 10)", text_of(v));
        b->l2 = x;
        return 0;
    }
    int *dst = !strcmp(key, "stride")   ? &b->stride
               : !strcmp(key, "kernel") ? &b->kernel
               : !strcmp(key, "expand") ? &b->expand
               : !strcmp(key, "growth") ? &b->growth
                                        : NULL;
    if (dst && cnn_word_listed(w->options, key) && count_of(v, dst) == 0)
        return 0;
    if (dst && cnn_word_listed(w->options, key))
        return fail(ctx, index, w->word, v, "expected a whole number >= 1", text_of(v));
    if (!strcmp(key, "batchnorm"))
        return fail(ctx, index, w->word, v, "batchnorm must be true or false", text_of(v));
    return pipe_value_error(ctx, "layers", v,
                            "layer %d (%s): unknown option '%s'; a %s block takes %s%sbatchnorm "
                            "activation l2 id from",
                            index, w->word, key, w->word, w->options, w->options[0] ? " " : "");
}

int cnn_block_read(pipe_ctx *ctx, int index, const pipe_value *item, pipe_nn_block *b)
{
    size_t at;
    const block_word *w = block_of(item, &at);
    *b = pipe_nn_block_default(w->kind);
    const char *stage_act = pipe_param_string(ctx, "activation");
    if (w->kind != PIPE_NN_BLOCK_INVERTED) /* MobileNetV2's relu6 unless told */
        b->act = (pipe_nn_act)pipe_nn_act_parse(stage_act);
    b->alpha = pipe_param_float(ctx, "leaky_alpha");
    b->l2 = pipe_param_float(ctx, "l2");
    if (read_main(ctx, index, w, &item->items[at], b) != 0)
        return -1;
    for (size_t k = 0; k < item->count; k++) {
        if (k == at)
            continue;
        for (size_t i = 0; i < PIPE_COUNT(blocks); i++)
            if (!strcmp(item->keys[k], blocks[i].word))
                return pipe_value_error(ctx, "layers", item,
                                        "layer %d: one layer per item: %s and %s are both blocks",
                                        index, w->word, blocks[i].word);
        if (read_option(ctx, index, w, item->keys[k], &item->items[k], b) != 0)
            return -1;
    }
    char err[200];
    if (pipe_nn_block_expand(b, -1, 0, NULL, 0, err, sizeof err) < 0)
        return pipe_value_error(ctx, "layers", item, "layer %d (%s): %s", index, w->word, err);
    return 0;
}
