/*
 * nn_stage_dense.c — the hidden dense layers of the stages whose network
 * is a stack of dense layers (dnn, classifier; nn_stage.h): the
 * parameters layers, activation, leaky_alpha, l2, batchnorm and dropout
 * declared once (PIPE_NN_STAGE_DENSE_PARAMS), checked and read into layer
 * specifications the same way; the heads' spellings; and the one check
 * that mode: predict has a model, for every stage of the core.
 */
#include "nn_stage.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int pipe_nn_stage_check_model(pipe_ctx *ctx)
{
    if (strcmp(pipe_param_string(ctx, "mode"), "predict") != 0)
        return 0;
    if (!pipe_param_string(ctx, "model")[0])
        return pipe_param_error(ctx, "model", "mode: predict needs the path of a saved model");
    return pipe_check_input_file_param(ctx, "model");
}

int pipe_nn_stage_head(const pipe_ctx *ctx)
{
    const char *head = pipe_param_string(ctx, "head");
    if (strcmp(head, "binary") == 0 || strcmp(head, "classification") == 0)
        return PIPE_NN_HEAD_BINARY;
    return strcmp(head, "multiclass") == 0 ? PIPE_NN_HEAD_MULTICLASS : PIPE_NN_HEAD_REGRESSION;
}

void pipe_nn_stage_warn_head(pipe_ctx *ctx)
{
    if (strcmp(pipe_param_string(ctx, "head"), "classification") == 0)
        pipe_warn(ctx, "head: classification is the old spelling of head: binary (it still "
                       "works; write head: binary)");
}

int pipe_nn_stage_binary_targets(pipe_ctx *ctx, const pipe_nn_rows *d)
{
    if (d->n_out != 1)
        return pipe_error(ctx, "head: binary predicts one 0/1 column; y '%s' has %d",
                          pipe_input_name(ctx, "y"), d->n_out);
    const int64_t *rows[2] = {d->train, d->val};
    int64_t n[2] = {d->n_train, d->n_val};
    for (int part = 0; part < 2; part++)
        for (int64_t i = 0; i < n[part]; i++) {
            double v = d->y[rows[part][i]];
            if (isfinite(v) && v != 0 && v != 1)
                return pipe_error(ctx,
                                  "head: binary needs targets 0 or 1; y '%s' is %g in row %lld",
                                  pipe_input_name(ctx, "y"), v, (long long)rows[part][i]);
        }
    return 0;
}

/* Item i of per-layer list `name` (one item: every layer). */
static size_t layer_item(const pipe_ctx *ctx, const char *name, size_t i)
{
    return pipe_param_count(ctx, name) == 1 ? 0 : i;
}

/* The batchnorm flag of hidden layer i (the words of a BOOL parameter),
 * or -1 after a reported error. */
static int batchnorm_at(pipe_ctx *ctx, size_t i)
{
    static const char *const yes[] = {"true", "yes", "on"}, *const no[] = {"false", "no", "off"};
    size_t item = layer_item(ctx, "batchnorm", i);
    const char *text = pipe_param_string_at(ctx, "batchnorm", item);
    for (int w = 0; w < 3; w++) {
        if (strcasecmp(text, yes[w]) == 0)
            return 1;
        if (strcasecmp(text, no[w]) == 0)
            return 0;
    }
    const pipe_value *v = pipe_param_value(ctx, "batchnorm");
    const pipe_value *at = v->kind == PIPE_VALUE_LIST ? &v->items[item] : v;
    return pipe_value_error(ctx, "batchnorm", at, "expected true or false, found '%s'", text);
}

/* leaky_alpha only with a leaky_relu activation. */
static int check_leaky(pipe_ctx *ctx, const char *output_activation)
{
    int leaky =
        strcmp(pipe_param_string(ctx, "activation"), "leaky_relu") == 0 ||
        (output_activation && strcmp(pipe_param_string(ctx, output_activation), "leaky_relu") == 0);
    if (!pipe_param_given(ctx, "leaky_alpha") || leaky)
        return 0;
    return pipe_param_error(ctx, "leaky_alpha", "is only used when activation%s%s is leaky_relu",
                            output_activation ? " or " : "",
                            output_activation ? output_activation : "");
}

int pipe_nn_stage_check_dense(pipe_ctx *ctx, const char *output_activation)
{
    static const char *const lists[] = {"batchnorm", "dropout"};
    size_t hidden = pipe_param_count(ctx, "layers");
    int status = check_leaky(ctx, output_activation);
    for (size_t i = 0; i < PIPE_COUNT(lists); i++) {
        size_t n = pipe_param_count(ctx, lists[i]);
        if (n != 1 && n != hidden)
            status = pipe_param_error(ctx, lists[i],
                                      "has %zu values for %zu hidden layers: give one value for "
                                      "every layer, or one per layer",
                                      n, hidden);
    }
    for (size_t i = 0; status == 0 && i < pipe_param_count(ctx, "batchnorm"); i++)
        if (batchnorm_at(ctx, i) < 0)
            status = -1;
    return status;
}

pipe_nn_layer_spec pipe_nn_stage_dense(pipe_ctx *ctx, int units, pipe_nn_act act)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(PIPE_NN_DENSE);
    s.units = units;
    s.act = act;
    s.alpha = pipe_param_float(ctx, "leaky_alpha");
    s.l2 = pipe_param_float(ctx, "l2");
    return s;
}

pipe_nn_layer_spec *pipe_nn_stage_dense_layers(pipe_ctx *ctx, int extra, int *n)
{
    size_t hidden = pipe_param_count(ctx, "layers");
    pipe_nn_act act = (pipe_nn_act)pipe_nn_act_parse(pipe_param_string(ctx, "activation"));
    pipe_nn_layer_spec *layers = calloc(3 * hidden + (size_t)extra, sizeof *layers);
    if (!layers) {
        pipe_error(ctx, "out of memory");
        return NULL;
    }
    *n = 0;
    for (size_t i = 0; i < hidden; i++) {
        double rate = pipe_param_float_at(ctx, "dropout", layer_item(ctx, "dropout", i));
        layers[(*n)++] = pipe_nn_stage_dense(ctx, (int)pipe_param_int_at(ctx, "layers", i), act);
        if (batchnorm_at(ctx, i) == 1)
            layers[(*n)++] = pipe_nn_layer_spec_default(PIPE_NN_BATCHNORM);
        if (rate > 0) {
            layers[*n] = pipe_nn_layer_spec_default(PIPE_NN_DROPOUT);
            layers[(*n)++].rate = rate;
        }
    }
    return layers;
}
