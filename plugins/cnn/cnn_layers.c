/*
 * cnn_layers.c — the `layers` parameter of the cnn stage: a list whose
 * items are a word (flatten, global_avgpool, batchnorm, maxpool, avgpool)
 * or a map with one layer key and its options ({conv: 32, kernel: 3}),
 * read into the core's layer specifications. Every error names the item
 * (file, line, column) and says what was expected. Also the shape pass:
 * the images' shape followed through the layers before anything is built.
 */
#include "cnn_layers.h"
#include "cnn_blocks.h"
#include "nn_stage.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The words of the layer kinds, and the options each takes. */
typedef struct layer_word {
    const char *word;
    pipe_nn_layer_kind kind;
    const char *options; /* space-separated */
} layer_word;

static const layer_word words[] = {
    {"conv", PIPE_NN_CONV2D, "kernel stride padding activation l2 groups depthwise"},
    {"maxpool", PIPE_NN_MAXPOOL, "stride padding"},
    {"avgpool", PIPE_NN_AVGPOOL, "stride padding"},
    {"residual", PIPE_NN_RESIDUAL, "kernel stride batchnorm momentum activation l2"},
    {"dense", PIPE_NN_DENSE, "activation l2"},
    {"dropout", PIPE_NN_DROPOUT, ""},
    {"batchnorm", PIPE_NN_BATCHNORM, "momentum eps"},
    {"activation", PIPE_NN_ACTIVATION, ""},
    {"flatten", PIPE_NN_FLATTEN, ""},
    {"global_avgpool", PIPE_NN_GLOBAL_AVGPOOL, ""},
    {"global_maxpool", PIPE_NN_GLOBAL_MAXPOOL, ""},
    {"add", PIPE_NN_ADD, ""},
    {"concat", PIPE_NN_CONCAT, ""},
};

/* The item being read: for messages. */
typedef struct item {
    pipe_ctx *ctx;
    int index;               /* 1-based */
    const layer_word *word;  /* NULL until known */
    const pipe_value *value; /* the whole item */
} item;

__attribute__((format(printf, 3, 4))) static int fail(const item *it, const pipe_value *at,
                                                      const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (it->word)
        return pipe_value_error(it->ctx, "layers", at, "layer %d (%s): %s", it->index,
                                it->word->word, text);
    return pipe_value_error(it->ctx, "layers", at, "layer %d: %s", it->index, text);
}

static const char *text_of(const pipe_value *v)
{
    return v->kind == PIPE_VALUE_SCALAR ? v->scalar
           : v->kind == PIPE_VALUE_LIST ? "a list"
                                        : "a map";
}

static int read_int(const item *it, const pipe_value *v, const char *what, int lo, int *out)
{
    char *end;
    errno = 0;
    long n = v->kind == PIPE_VALUE_SCALAR ? strtol(v->scalar, &end, 10) : 0;
    if (v->kind != PIPE_VALUE_SCALAR || end == v->scalar || *end || errno || n < lo || n > 1 << 20)
        return fail(it, v, "%s must be a whole number >= %d, found %s", what, lo, text_of(v));
    *out = (int)n;
    return 0;
}

static int read_real(const item *it, const pipe_value *v, const char *what, double lo, double hi,
                     double *out)
{
    char *end;
    errno = 0;
    double x = v->kind == PIPE_VALUE_SCALAR ? strtod(v->scalar, &end) : NAN;
    if (v->kind != PIPE_VALUE_SCALAR || end == v->scalar || *end || errno || !(x >= lo) ||
        !(x < hi))
        return fail(it, v, "%s must be a number in [%g, %g), found %s", what, lo, hi, text_of(v));
    *out = x;
    return 0;
}

/* n or [height, width]. */
static int read_pair(const item *it, const pipe_value *v, const char *what, int lo, int pair[2])
{
    if (v->kind == PIPE_VALUE_SCALAR) {
        if (read_int(it, v, what, lo, &pair[0]) != 0)
            return -1;
        pair[1] = pair[0];
        return 0;
    }
    if (v->kind != PIPE_VALUE_LIST || v->count != 2)
        return fail(it, v, "%s must be n or [height, width], found %s", what, text_of(v));
    if (read_int(it, &v->items[0], what, lo, &pair[0]) != 0 ||
        read_int(it, &v->items[1], what, lo, &pair[1]) != 0)
        return -1;
    return 0;
}

/* same: (k - 1) / 2 zeros on each side, keeping the size at stride 1
 * (odd kernels only); valid: none; or n, [height, width]. */
static int read_padding(const item *it, const pipe_value *v, pipe_nn_layer_spec *s)
{
    if (v->kind == PIPE_VALUE_SCALAR && strcmp(v->scalar, "valid") == 0) {
        s->pad[0] = s->pad[1] = 0;
        return 0;
    }
    if (v->kind == PIPE_VALUE_SCALAR && strcmp(v->scalar, "same") == 0) {
        if (s->kernel[0] % 2 == 0 || s->kernel[1] % 2 == 0)
            return fail(it, v, "padding same needs an odd kernel, found %dx%d", s->kernel[0],
                        s->kernel[1]);
        s->pad[0] = s->kernel[0] / 2;
        s->pad[1] = s->kernel[1] / 2;
        return 0;
    }
    return read_pair(it, v, "padding (same, valid, n or [height, width])", 0, s->pad);
}

static int read_bool(const item *it, const pipe_value *v, const char *what, int *out)
{
    if (v->kind == PIPE_VALUE_SCALAR && strcmp(v->scalar, "true") == 0)
        *out = 1;
    else if (v->kind == PIPE_VALUE_SCALAR && strcmp(v->scalar, "false") == 0)
        *out = 0;
    else
        return fail(it, v, "%s must be true or false, found %s", what, text_of(v));
    return 0;
}

static int read_act(const item *it, const pipe_value *v, pipe_nn_act *out)
{
    int act = v->kind == PIPE_VALUE_SCALAR ? pipe_nn_act_parse(v->scalar) : -1;
    if (act < 0)
        return fail(it, v, "activation must be one of %s, found %s", PIPE_NN_ACT_CHOICES,
                    text_of(v));
    *out = (pipe_nn_act)act;
    return 0;
}

/* The value that follows the layer word: channels, units, a window, a
 * rate, an activation, or true. */
static int read_main(const item *it, const pipe_value *v, pipe_nn_layer_spec *s)
{
    switch (s->kind) {
    case PIPE_NN_CONV2D:
    case PIPE_NN_RESIDUAL:
        return read_int(it, v, "the channel count", 1, &s->channels);
    case PIPE_NN_DENSE:
        return read_int(it, v, "the unit count", 1, &s->units);
    case PIPE_NN_MAXPOOL:
    case PIPE_NN_AVGPOOL:
        if (read_pair(it, v, "the window", 1, s->kernel) != 0)
            return -1;
        memcpy(s->stride, s->kernel, sizeof s->stride);
        return 0;
    case PIPE_NN_DROPOUT:
        return read_real(it, v, "the rate", 0, 1, &s->rate);
    case PIPE_NN_ACTIVATION:
        return read_act(it, v, &s->act);
    case PIPE_NN_ADD:
    case PIPE_NN_CONCAT:
        return 0; /* the ids it merges: read by cnn_graph.c */
    case PIPE_NN_BATCHNORM:
    case PIPE_NN_FLATTEN:
    case PIPE_NN_GLOBAL_AVGPOOL:
    case PIPE_NN_GLOBAL_MAXPOOL:
    case PIPE_NN_SOFTMAX:  /* the multiclass head's, not a word of the list */
    case PIPE_NN_SHORTCUT: /* made by the blocks, not a word */
        if (v->kind != PIPE_VALUE_SCALAR || strcmp(v->scalar, "true") != 0)
            return fail(it, v, "write %s (or %s: true), found %s", it->word->word, it->word->word,
                        text_of(v));
        return 0;
    }
    return 0;
}

static int read_option(const item *it, const char *key, const pipe_value *v, pipe_nn_layer_spec *s)
{
    if (strcmp(key, "kernel") == 0)
        return read_pair(it, v, "kernel", 1, s->kernel);
    if (strcmp(key, "stride") == 0)
        return read_pair(it, v, "stride", 1, s->stride);
    if (strcmp(key, "padding") == 0)
        return read_padding(it, v, s);
    if (strcmp(key, "activation") == 0)
        return read_act(it, v, &s->act);
    if (strcmp(key, "l2") == 0)
        return read_real(it, v, "l2", 0, 10, &s->l2);
    if (strcmp(key, "batchnorm") == 0)
        return read_bool(it, v, "batchnorm", &s->norm);
    if (strcmp(key, "momentum") == 0)
        return read_real(it, v, "momentum", 0, 1, &s->momentum);
    if (strcmp(key, "groups") == 0)
        return read_int(it, v, "groups", 1, &s->groups);
    if (strcmp(key, "depthwise") == 0)
        return read_bool(it, v, "depthwise", &s->depthwise);
    return read_real(it, v, "eps", 1e-12, 1, &s->eps);
}

static const layer_word *find_word(const char *name)
{
    for (size_t i = 0; i < PIPE_COUNT(words); i++)
        if (strcmp(words[i].word, name) == 0)
            return &words[i];
    return NULL;
}

/* " (did you mean 'x'?)" for a key among the layer words and `options`. */
static const char *suggestion(const char *key, const char *options, char *buf, size_t size)
{
    const char *candidates[PIPE_COUNT(words) + 8];
    char copy[128], *save = NULL;
    size_t n = 0;
    for (size_t i = 0; i < PIPE_COUNT(words); i++)
        candidates[n++] = words[i].word;
    snprintf(copy, sizeof copy, "%s", options);
    for (char *w = strtok_r(copy, " ", &save); w && n < PIPE_COUNT(candidates);
         w = strtok_r(NULL, " ", &save))
        candidates[n++] = w;
    return pipe_suggest_text(key, candidates, n, buf, size);
}

/* Nonzero when `key` is one of the space-separated `options`, or one of
 * the graph options (cnn_graph.c) every layer takes: id, and from but
 * for the merge layers, whose value is their inputs. */
static int takes_graph_option(const layer_word *w, const char *key)
{
    return strcmp(key, "id") == 0 || (strcmp(key, "from") == 0 && !pipe_nn_layer_is_merge(w->kind));
}

/* A map item: exactly one layer word, the rest its options. */
static int read_map_item(item *it, pipe_nn_layer_spec *s)
{
    const pipe_value *v = it->value;
    size_t main_at = v->count;
    for (size_t k = 0; k < v->count; k++) {
        const layer_word *w = find_word(v->keys[k]);
        /* `activation` and `batchnorm` are layers and options of other
         * layers (conv's activation, residual's batchnorm): beside such a
         * layer they are the option */
        if (w && it->word && cnn_word_listed(it->word->options, w->word))
            continue;
        if (w && it->word && cnn_word_listed(w->options, it->word->word)) {
            it->word = w;
            main_at = k;
            continue;
        }
        if (w && it->word)
            return fail(it, v, "one layer per item: %s and %s are both layers", it->word->word,
                        w->word);
        if (w) {
            it->word = w;
            main_at = k;
        }
    }
    if (!it->word)
        return fail(it, v,
                    "no layer in this item: give one of conv, maxpool, avgpool, "
                    "residual, dense, dropout, batchnorm, activation, flatten, "
                    "global_avgpool, global_maxpool, add, concat");
    *s = pipe_nn_layer_spec_default(it->word->kind);
    s->act = (pipe_nn_act)-1; /* unset: the stage's activation */
    s->l2 = -1;
    int status = read_main(it, &v->items[main_at], s);
    /* the kernel first: padding "same" depends on it */
    const pipe_value *kernel = pipe_value_get(v, "kernel");
    if (!cnn_word_listed(it->word->options, "kernel"))
        kernel = NULL; /* then reported as an unknown option below */
    if (status == 0 && kernel)
        status = read_pair(it, kernel, "kernel", 1, s->kernel);
    /* a convolution pads "same" unless told: no padding for even kernels */
    for (int d = 0; d < 2 && s->kind == PIPE_NN_CONV2D && !pipe_value_get(v, "padding"); d++)
        s->pad[d] = s->kernel[d] % 2 ? s->kernel[d] / 2 : 0;
    for (size_t k = 0; k < v->count && status == 0; k++) {
        const char *key = v->keys[k];
        if (k == main_at || (strcmp(key, "kernel") == 0 && kernel)) /* read above */
            continue;
        if (takes_graph_option(it->word, key))
            continue; /* cnn_graph.c */
        if (!cnn_word_listed(it->word->options, key)) {
            char hint[96];
            return fail(it, &v->items[k], "unknown option '%s'%s; a %s layer takes %s%sid%s", key,
                        suggestion(key, it->word->options, hint, sizeof hint), it->word->word,
                        it->word->options, it->word->options[0] ? " " : "",
                        pipe_nn_layer_is_merge(it->word->kind) ? "" : " from");
        }
        status = read_option(it, key, &v->items[k], s);
    }
    return status;
}

static int read_item(item *it, pipe_nn_layer_spec *s)
{
    const pipe_value *v = it->value;
    if (v->kind == PIPE_VALUE_MAP)
        return read_map_item(it, s);
    if (v->kind != PIPE_VALUE_SCALAR)
        return fail(it, v, "expected a layer such as {conv: 32} or flatten, found a list");
    it->word = find_word(v->scalar);
    if (!it->word || it->word->kind == PIPE_NN_CONV2D || it->word->kind == PIPE_NN_RESIDUAL ||
        it->word->kind == PIPE_NN_DENSE || it->word->kind == PIPE_NN_DROPOUT ||
        it->word->kind == PIPE_NN_ACTIVATION || pipe_nn_layer_is_merge(it->word->kind)) {
        char hint[96];
        const layer_word *w = it->word;
        it->word = NULL;
        if (w)
            return fail(it, v, "%s needs a value: {%s: ...}", w->word, w->word);
        return fail(it, v,
                    "unknown layer '%s'%s; a word item is flatten, global_avgpool, "
                    "global_maxpool, batchnorm, maxpool or avgpool",
                    v->scalar, suggestion(v->scalar, "", hint, sizeof hint));
    }
    *s = pipe_nn_layer_spec_default(it->word->kind);
    return 0;
}

/* Fill what the item left to the stage: activation and L2. */
static void apply_stage_defaults(pipe_ctx *ctx, pipe_nn_layer_spec *s)
{
    int weighted =
        s->kind == PIPE_NN_CONV2D || s->kind == PIPE_NN_RESIDUAL || s->kind == PIPE_NN_DENSE;
    if ((int)s->act < 0)
        s->act = weighted ? (pipe_nn_act)pipe_nn_act_parse(pipe_param_string(ctx, "activation"))
                          : PIPE_NN_LINEAR;
    if (s->l2 < 0)
        s->l2 = weighted ? pipe_param_float(ctx, "l2") : 0;
    s->alpha = pipe_param_float(ctx, "leaky_alpha");
}

int cnn_stack_read(pipe_ctx *ctx, int outputs, cnn_stack *stack)
{
    const pipe_value *v = pipe_param_value(ctx, "layers");
    memset(stack, 0, sizeof *stack);
    if (!v || v->kind != PIPE_VALUE_LIST)
        return pipe_param_error(ctx, "layers",
                                "expected a list of layers such as [{conv: 32}, {maxpool: 2}, "
                                "flatten, {dense: 64}]");
    /* blocks expand into several layers: count them first */
    int status = 0, total = 2;
    for (size_t i = 0; i < v->count; i++) {
        pipe_nn_block b;
        if (!cnn_is_block(&v->items[i]))
            total++;
        else if (cnn_block_read(ctx, (int)i + 1, &v->items[i], &b) != 0)
            status = -1;
        else
            total += pipe_nn_block_expand(&b, CNN_BLOCK_INPUT, 0, NULL, 0, NULL, 0);
    }
    stack->specs = calloc((size_t)total, sizeof *stack->specs);
    stack->items = calloc((size_t)total, sizeof *stack->items);
    stack->first = calloc((size_t)total, sizeof *stack->first);
    if (!stack->specs || !stack->items || !stack->first)
        return pipe_error(ctx, "out of memory");
    int n = 0;
    for (size_t i = 0; i < v->count; i++) {
        int count = 1;
        if (cnn_is_block(&v->items[i])) {
            pipe_nn_block b;
            if (status != 0) /* a block failed (reported above): only the other items now */
                continue;
            cnn_block_read(ctx, (int)i + 1, &v->items[i], &b); /* read above: no error */
            count =
                pipe_nn_block_expand(&b, CNN_BLOCK_INPUT, n, stack->specs + n, total - n, NULL, 0);
        } else {
            item it = {ctx, (int)i + 1, NULL, &v->items[i]};
            if (read_item(&it, &stack->specs[n]) != 0) {
                status = -1;
                continue;
            }
            apply_stage_defaults(ctx, &stack->specs[n]);
        }
        for (int k = n; k < n + count; k++) {
            stack->items[k] = &v->items[i];
            stack->first[k] = n;
        }
        n += count;
    }
    pipe_nn_layer_spec *out = &stack->specs[n];
    *out = pipe_nn_layer_spec_default(PIPE_NN_DENSE);
    out->units = outputs;
    int head = pipe_nn_stage_head(ctx);
    out->act = head == PIPE_NN_HEAD_BINARY ? PIPE_NN_SIGMOID : PIPE_NN_LINEAR;
    out->l2 = pipe_param_float(ctx, "l2");
    stack->first[n] = n;
    stack->n = n + 1;
    stack->first[stack->n] = stack->n;
    if (head == PIPE_NN_HEAD_MULTICLASS) /* the logits, then the softmax */
        stack->specs[stack->n++] = pipe_nn_stage_softmax_head();
    return status == 0 ? cnn_graph_link(ctx, stack) : status;
}

void cnn_stack_free(cnn_stack *stack)
{
    free(stack->specs);
    free(stack->items);
    free(stack->first);
    memset(stack, 0, sizeof *stack);
}

/* "32x2x3", or "64" for a vector. */
static int shape_text(const int chw[3], char *buf, size_t size)
{
    if (chw[1] == 1 && chw[2] == 1)
        return snprintf(buf, size, "%d", chw[0]);
    return snprintf(buf, size, "%dx%dx%d", chw[0], chw[1], chw[2]);
}

/* The shapes of the first n layers as "3x2x3 -> conv2d 32x2x3 -> ...". */
static void trail(const cnn_stack *stack, const int chw[3], const int (*shapes)[3], int n,
                  char *buf, size_t size)
{
    size_t len = (size_t)shape_text(chw, buf, size);
    for (int i = 0; i < n && len < size; i++) {
        len += (size_t)snprintf(buf + len, size - len, " -> %s ",
                                pipe_nn_layer_kind_name(stack->specs[i].kind));
        if (len < size)
            len += (size_t)shape_text(shapes[i], buf + len, size - len);
    }
}

void cnn_stack_describe(const cnn_stack *stack, const int chw[3], char *buf, size_t size)
{
    int(*shapes)[3] = calloc((size_t)stack->n, sizeof *shapes), failed;
    char err[256];
    if (shapes &&
        pipe_nn_layer_shapes(chw, stack->specs, stack->n, shapes, &failed, err, sizeof err) == 0)
        trail(stack, chw, (const int(*)[3])shapes, stack->n, buf, size);
    else
        snprintf(buf, size, "?");
    free(shapes);
}

int cnn_stack_check_shapes(pipe_ctx *ctx, const cnn_stack *stack, const int chw[3],
                           const char *origin)
{
    int(*shapes)[3] = calloc((size_t)stack->n, sizeof *shapes), failed;
    char err[256], path[1024], in[32];
    if (!shapes)
        return pipe_error(ctx, "out of memory");
    int rc = pipe_nn_layer_shapes(chw, stack->specs, stack->n, shapes, &failed, err, sizeof err);
    if (rc != 0) {
        trail(stack, chw, (const int(*)[3])shapes, failed, path, sizeof path);
        shape_text(chw, in, sizeof in);
        const pipe_value *at = stack->items[failed];
        char label[128];
        cnn_layer_label(stack, failed, label, sizeof label);
        if (at)
            pipe_value_error(ctx, "layers", at,
                             "%s does not fit the images: %s; the images are %s (%s), "
                             "the layers before it give %s",
                             label, err, in, origin, path);
        else
            pipe_param_error(ctx, "layers", "the output layer does not fit: %s (after %s)", err,
                             path);
    }
    free(shapes);
    return rc;
}
