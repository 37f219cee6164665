/*
 * cnn_graph.c — the graph options of the `layers` parameter: a layer may
 * carry an `id` and take its input `from` another layer's id (or `input`,
 * the images); add and concat name the layers they merge ({add: [a, b]}).
 * Without `from` a layer takes the one before it. This file turns the ids
 * into the layer indices of the core's specs (pipe_nn_layer_spec.from) and
 * reports, at the item's line and column, an id given twice, a `from`
 * that names no layer (with a suggestion), and a `from` naming a later
 * layer: a cycle when that layer depends on this one, else an order error.
 * A block item (cnn_blocks.c) is several specs: its id names the last,
 * its `from` is where its first layers take their input (CNN_BLOCK_INPUT).
 */
#include "cnn_blocks.h"
#include "cnn_layers.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The id of the image input. */
#define INPUT_ID "input"

static const pipe_value *map_get(const pipe_value *item, const char *key)
{
    return item && item->kind == PIPE_VALUE_MAP ? pipe_value_get(item, key) : NULL;
}

/* The 1-based position of layer i's item in the list. */
static int item_index(const cnn_stack *stack, int i)
{
    int items = 0;
    for (int j = 0; j <= i; j++)
        items += stack->first[j] == j;
    return items;
}

/* Nonzero for the specs of a block item. */
static int in_block(const cnn_stack *stack, int i)
{
    return stack->items[i] && cnn_is_block(stack->items[i]);
}

/* The id given to layer i (the last spec of its item), or NULL. */
static const char *id_of(const cnn_stack *stack, int i)
{
    if (i + 1 < stack->n && stack->first[i + 1] == stack->first[i])
        return NULL; /* inside a block: the id is the block's output's */
    const pipe_value *v = map_get(stack->items[i], "id");
    return v && v->kind == PIPE_VALUE_SCALAR ? v->scalar : NULL;
}

void cnn_layer_label(const cnn_stack *stack, int i, char *buf, size_t size)
{
    const char *id = id_of(stack, i);
    const char *kind = pipe_nn_layer_kind_name(stack->specs[i].kind);
    if (in_block(stack, i))
        snprintf(buf, size, "layer %d (%s, in the %s block of item %d)", i + 1, kind,
                 cnn_block_name(stack->items[i]), item_index(stack, i));
    else if (id)
        snprintf(buf, size, "layer %d (%s, id %s)", i + 1, kind, id);
    else
        snprintf(buf, size, "layer %d (%s)", i + 1, kind);
}

__attribute__((format(printf, 5, 6))) static int fail(pipe_ctx *ctx, const cnn_stack *stack, int i,
                                                      const pipe_value *at, const char *fmt, ...)
{
    char label[128], text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    cnn_layer_label(stack, i, label, sizeof label);
    return pipe_value_error(ctx, "layers", at, "%s: %s", label, text);
}

/* The ids: scalars, not "input", each given once. */
static int check_ids(pipe_ctx *ctx, const cnn_stack *stack)
{
    int status = 0;
    for (int i = 0; i < stack->n; i++) {
        const pipe_value *v = map_get(stack->items[i], "id");
        if (!v || (i + 1 < stack->n && stack->first[i + 1] == stack->first[i]))
            continue; /* a block's id is checked at its last layer */
        if (v->kind != PIPE_VALUE_SCALAR || !v->scalar[0]) {
            status = fail(ctx, stack, i, v, "id must be a name such as b1");
            continue;
        }
        if (strcmp(v->scalar, INPUT_ID) == 0) {
            status =
                fail(ctx, stack, i, v, "id '%s' is the images' name; choose another", INPUT_ID);
            continue;
        }
        for (int j = 0; j < i; j++) {
            const char *other = id_of(stack, j);
            if (other && strcmp(other, v->scalar) == 0) {
                status = fail(ctx, stack, i, v, "id '%s' is already layer %d's", v->scalar, j + 1);
                break;
            }
        }
    }
    return status;
}

/* The index of the layer called `name` (-1: the input), or -2. */
static int find_id(const cnn_stack *stack, const char *name)
{
    if (strcmp(name, INPUT_ID) == 0)
        return -1;
    for (int j = 0; j < stack->n; j++) {
        const char *id = id_of(stack, j);
        if (id && strcmp(id, name) == 0)
            return j;
    }
    return -2;
}

/* " (did you mean 'x'?)" among the ids and "input". */
static const char *suggest_id(const cnn_stack *stack, const char *name, char *buf, size_t size)
{
    const char **ids = calloc((size_t)stack->n + 1, sizeof *ids);
    size_t n = 0;
    if (!ids)
        return "";
    ids[n++] = INPUT_ID;
    for (int j = 0; j < stack->n; j++)
        if (id_of(stack, j))
            ids[n++] = id_of(stack, j);
    const char *text = pipe_suggest_text(name, ids, n, buf, size);
    free(ids);
    return text;
}

/* The value naming layer i's inputs: `from`, or a merge layer's main value
 * (for a block: the block's `from`). */
static const pipe_value *from_value(const cnn_stack *stack, int i)
{
    pipe_nn_layer_kind kind = stack->specs[i].kind;
    if (in_block(stack, i))
        return map_get(stack->items[i], "from");
    return map_get(stack->items[i],
                   pipe_nn_layer_is_merge(kind) ? pipe_nn_layer_kind_name(kind) : "from");
}

/* Put the block's input where its specs take it (CNN_BLOCK_INPUT): the
 * block's `from`, or the layer before the block. Errors are reported at
 * the block's first spec. */
static int resolve_block(pipe_ctx *ctx, cnn_stack *stack, int i)
{
    const pipe_value *v = from_value(stack, i);
    int first = stack->first[i], input = first - 1, report = i == first;
    if (v && v->kind != PIPE_VALUE_SCALAR)
        return report ? fail(ctx, stack, i, v, "a block's from is one layer id (or %s)", INPUT_ID)
                      : -1;
    if (v) {
        input = find_id(stack, v->scalar);
        char hint[96];
        if (input == -2)
            return report ? fail(ctx, stack, i, v,
                                 "from '%s' is no layer's id%s (the images are '%s')", v->scalar,
                                 suggest_id(stack, v->scalar, hint, sizeof hint), INPUT_ID)
                          : -1;
        if (input >= first)
            return report ? fail(ctx, stack, i, v,
                                 "from '%s' is layer %d, which does not come before the block; a "
                                 "block takes the images or earlier layers",
                                 v->scalar, input + 1)
                          : -1;
    }
    pipe_nn_layer_spec *s = &stack->specs[i];
    for (int k = 0; k < s->n_from; k++)
        if (s->from[k] == CNN_BLOCK_INPUT)
            s->from[k] = input;
    return 0;
}

/* Resolve layer i's `from` names into spec.from. */
static int resolve(pipe_ctx *ctx, cnn_stack *stack, int i)
{
    if (in_block(stack, i))
        return resolve_block(ctx, stack, i);
    const pipe_value *v = from_value(stack, i);
    pipe_nn_layer_spec *s = &stack->specs[i];
    int merge = pipe_nn_layer_is_merge(s->kind);
    if (!v)
        return 0;
    size_t count = v->kind == PIPE_VALUE_LIST ? v->count : 1;
    if (merge && (v->kind != PIPE_VALUE_LIST || count < 2 || count > PIPE_NN_MAX_FROM))
        return fail(ctx, stack, i, v,
                    "expected a list of 2 to %d layer ids to merge, such as [a, b]",
                    PIPE_NN_MAX_FROM);
    if (!merge && v->kind != PIPE_VALUE_SCALAR)
        return fail(ctx, stack, i, v,
                    "from must be one layer id (or %s); only add and concat take several",
                    INPUT_ID);
    for (size_t k = 0; k < count; k++) {
        const pipe_value *name = v->kind == PIPE_VALUE_LIST ? &v->items[k] : v;
        if (name->kind != PIPE_VALUE_SCALAR)
            return fail(ctx, stack, i, name, "expected a layer id, found a %s",
                        name->kind == PIPE_VALUE_LIST ? "list" : "map");
        int j = find_id(stack, name->scalar);
        if (j == -2) {
            char hint[96];
            return fail(ctx, stack, i, name, "from '%s' is no layer's id%s (the images are '%s')",
                        name->scalar, suggest_id(stack, name->scalar, hint, sizeof hint), INPUT_ID);
        }
        s->from[k] = j;
    }
    s->n_from = (int)count;
    return 0;
}

/* Nonzero when layer j takes, directly or through others, layer i's
 * output (j > i); `seen` marks the layers visited. */
static int depends_on(const cnn_stack *stack, int j, int i, unsigned char *seen)
{
    if (j == i)
        return 1;
    if (j < 0 || seen[j])
        return 0;
    seen[j] = 1;
    const pipe_nn_layer_spec *s = &stack->specs[j];
    if (s->n_from == 0)
        return depends_on(stack, j - 1, i, seen);
    for (int k = 0; k < s->n_from; k++)
        if (depends_on(stack, s->from[k], i, seen))
            return 1;
    return 0;
}

/* Every `from` names an earlier layer. */
static int check_order(pipe_ctx *ctx, const cnn_stack *stack, int i, unsigned char *seen)
{
    const pipe_nn_layer_spec *s = &stack->specs[i];
    const pipe_value *v = from_value(stack, i);
    for (int k = 0; k < s->n_from; k++) {
        int j = s->from[k];
        if (j < i)
            continue;
        const pipe_value *at = v->kind == PIPE_VALUE_LIST ? &v->items[k] : v;
        memset(seen, 0, (size_t)stack->n);
        if (j == i || depends_on(stack, j, i, seen))
            return fail(ctx, stack, i, at,
                        "from '%s' makes a cycle: layer %d takes, through the layers between, "
                        "this layer's output; a layer takes the images or earlier layers",
                        at->scalar, j + 1);
        return fail(ctx, stack, i, at,
                    "from '%s' is layer %d, which comes after it; a layer takes the images "
                    "or earlier layers",
                    at->scalar, j + 1);
    }
    return 0;
}

int cnn_graph_link(pipe_ctx *ctx, cnn_stack *stack)
{
    if (check_ids(ctx, stack) != 0)
        return -1;
    int status = 0;
    for (int i = 0; i < stack->n; i++)
        if (resolve(ctx, stack, i) != 0)
            status = -1;
    unsigned char *seen = calloc((size_t)stack->n, 1);
    if (!seen)
        return pipe_error(ctx, "out of memory");
    for (int i = 0; i < stack->n && status == 0; i++)
        status = check_order(ctx, stack, i, seen);
    free(seen);
    return status;
}
