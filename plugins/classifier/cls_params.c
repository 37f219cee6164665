/*
 * cls_params.c — the `classifier` stage's parameters: which mode and kind
 * each one applies to (a parameter that would be ignored is an error,
 * never a silent skip), the values only the stage can check (class_weight,
 * batchnorm, per-layer lists), and the network's layers. The training
 * parameters are the core's (nn_stage.h).
 */
#include "classifier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const kind_names[] = {"network", "logistic", "majority", "cut"};

int cls_kind_parse(const char *name)
{
    for (int k = 0; k < (int)PIPE_COUNT(kind_names); k++)
        if (strcmp(name, kind_names[k]) == 0)
            return k;
    return -1;
}

const char *cls_kind_name(cls_kind kind)
{
    return kind_names[kind];
}

/* Where a parameter applies: a set of train kinds, and predict mode. */
enum {
    AT_NETWORK = 1 << CLS_NETWORK,
    AT_LOGISTIC = 1 << CLS_LOGISTIC,
    AT_MAJORITY = 1 << CLS_MAJORITY,
    AT_CUT = 1 << CLS_CUT,
    AT_TRAIN = AT_NETWORK | AT_LOGISTIC | AT_MAJORITY | AT_CUT,
    AT_PREDICT = 1 << 4,
};

typedef struct cls_scope {
    const char *param;
    unsigned at;
} cls_scope;

static const cls_scope scopes[] = {
    {"kind", AT_TRAIN},
    {"model", AT_PREDICT},
    {"save", AT_TRAIN},
    {"class_weight", AT_NETWORK | AT_LOGISTIC | AT_CUT},
    {"tune", AT_NETWORK | AT_LOGISTIC | AT_CUT},
    {"threshold", AT_TRAIN},
    {"scaler_method", AT_TRAIN},
    {"apply_scaler", AT_PREDICT},
    {"layers", AT_NETWORK},
    {"activation", AT_NETWORK},
    {"batchnorm", AT_NETWORK},
    {"dropout", AT_NETWORK},
    {"l2", AT_NETWORK},
    /* the core's training parameters (PIPE_NN_STAGE_TRAIN_PARAMS) */
    {"optimizer", AT_NETWORK},
    {"lr", AT_NETWORK},
    {"momentum", AT_NETWORK},
    {"beta1", AT_NETWORK},
    {"beta2", AT_NETWORK},
    {"epsilon", AT_NETWORK},
    {"weight_decay", AT_NETWORK},
    {"schedule", AT_NETWORK},
    {"lr_step", AT_NETWORK},
    {"lr_factor", AT_NETWORK},
    {"lr_patience", AT_NETWORK},
    {"min_lr", AT_NETWORK},
    {"batch", AT_NETWORK},
    {"epochs", AT_NETWORK},
    {"shuffle", AT_NETWORK},
    {"patience", AT_NETWORK},
    {"min_delta", AT_NETWORK},
    {"restore_best", AT_NETWORK},
    {"C", AT_LOGISTIC | AT_CUT},
    {"max_iter", AT_LOGISTIC | AT_CUT},
    {"variable", AT_CUT},
};

/* "network, logistic or cut" for the train kinds in `at`. */
static void kinds_text(unsigned at, char *buf, size_t size)
{
    int total = 0, done = 0;
    for (int k = 0; k < 4; k++)
        total += (at >> k) & 1;
    buf[0] = '\0';
    for (int k = 0; k < 4; k++) {
        if (!((at >> k) & 1))
            continue;
        size_t len = strlen(buf);
        const char *sep = done == 0 ? "" : done + 1 == total ? " or " : ", ";
        snprintf(buf + len, size - len, "%s%s", sep, kind_names[k]);
        done++;
    }
}

static int check_scopes(pipe_ctx *ctx)
{
    int predict = strcmp(pipe_param_string(ctx, "mode"), "predict") == 0, status = 0;
    const char *kind = pipe_param_string(ctx, "kind");
    unsigned here = predict ? AT_PREDICT : 1u << cls_kind_parse(kind);
    for (size_t i = 0; i < PIPE_COUNT(scopes); i++) {
        const cls_scope *s = &scopes[i];
        if (!pipe_param_given(ctx, s->param) || (s->at & here))
            continue;
        char kinds[64];
        kinds_text(s->at, kinds, sizeof kinds);
        if (s->at == AT_PREDICT || s->at == AT_TRAIN)
            status = pipe_param_error(ctx, s->param, "is only used in mode: %s (mode is %s)",
                                      predict ? "train" : "predict", predict ? "predict" : "train");
        else if (predict)
            status = pipe_param_error(ctx, s->param,
                                      "is only used in mode: train with kind: %s (mode is "
                                      "predict)",
                                      kinds);
        else
            status = pipe_param_error(ctx, s->param, "is only used with kind: %s (kind is %s)",
                                      kinds, kind);
    }
    return status;
}

/* A parameter value as a number, or -1 (nothing reported). */
static int value_number(const pipe_value *v, double *out)
{
    char *end;
    if (v->kind != PIPE_VALUE_SCALAR)
        return -1;
    *out = strtod(v->scalar, &end);
    return end != v->scalar && *end == '\0' && *out >= 0 && *out < 1e300 ? 0 : -1;
}

int cls_read_class_weight(pipe_ctx *ctx, double weights[2], int *balanced)
{
    const pipe_value *v = pipe_param_value(ctx, "class_weight");
    const char *expected = "expected none, balanced or [w0, w1] (two weights >= 0)";
    weights[0] = weights[1] = 1;
    *balanced = 0;
    if (v->kind == PIPE_VALUE_SCALAR && strcmp(v->scalar, "none") == 0)
        return 0;
    if (v->kind == PIPE_VALUE_SCALAR && strcmp(v->scalar, "balanced") == 0)
        return *balanced = 1, 0;
    if (v->kind == PIPE_VALUE_SCALAR) {
        static const char *const words[] = {"none", "balanced"};
        char hint[96];
        return pipe_value_error(ctx, "class_weight", v, "%s, found '%s'%s", expected, v->scalar,
                                pipe_suggest_text(v->scalar, words, 2, hint, sizeof hint));
    }
    if (v->kind != PIPE_VALUE_LIST || v->count != 2)
        return pipe_value_error(ctx, "class_weight", v, "%s, found a %s", expected,
                                v->kind == PIPE_VALUE_MAP ? "mapping" : "list of another length");
    for (int c = 0; c < 2; c++)
        if (value_number(&v->items[c], &weights[c]) != 0)
            return pipe_value_error(ctx, "class_weight", &v->items[c],
                                    "weight of class %d: expected a number >= 0", c);
    if (weights[0] + weights[1] <= 0)
        return pipe_value_error(ctx, "class_weight", v, "the two weights are 0: nothing to fit");
    return 0;
}

int cls_read_tune(pipe_ctx *ctx, pipe_nn_objective *objective)
{
    const char *tune = pipe_param_string(ctx, "tune");
    *objective = strcmp(tune, "f1") == 0 ? PIPE_NN_TUNE_F1 : PIPE_NN_TUNE_ACCURACY;
    return strcmp(tune, "none") == 0;
}

/* Item i of per-layer list `name` (one item: every layer). */
static size_t layer_item(const pipe_ctx *ctx, const char *name, size_t i)
{
    return pipe_param_count(ctx, name) == 1 ? 0 : i;
}

/* The batchnorm flag of hidden layer i, or -1 after a reported error. */
static int batchnorm_at(pipe_ctx *ctx, size_t i)
{
    size_t item = layer_item(ctx, "batchnorm", i);
    const char *text = pipe_param_string_at(ctx, "batchnorm", item);
    if (strcasecmp(text, "true") == 0)
        return 1;
    if (strcasecmp(text, "false") == 0)
        return 0;
    const pipe_value *v = pipe_param_value(ctx, "batchnorm");
    const pipe_value *at = v->kind == PIPE_VALUE_LIST ? &v->items[item] : v;
    return pipe_value_error(ctx, "batchnorm", at, "expected true or false, found '%s'", text);
}

/* Per-layer lists hold one value or one per hidden layer. */
static int check_layer_lists(pipe_ctx *ctx)
{
    static const char *const lists[] = {"batchnorm", "dropout"};
    size_t hidden = pipe_param_count(ctx, "layers");
    int status = 0;
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

int cls_check_params(pipe_ctx *ctx)
{
    int status = check_scopes(ctx);
    int predict = strcmp(pipe_param_string(ctx, "mode"), "predict") == 0;
    double weights[2];
    int balanced;
    if (predict && !pipe_param_string(ctx, "model")[0])
        status = pipe_param_error(ctx, "model", "mode: predict needs the path of a saved model");
    if (cls_read_class_weight(ctx, weights, &balanced) != 0)
        status = -1;
    /* The network's own rules: per-layer lists, and the training
     * parameters of one optimizer or schedule only with it. */
    if (!predict && strcmp(pipe_param_string(ctx, "kind"), "network") == 0 &&
        (check_layer_lists(ctx) != 0 || pipe_nn_stage_check_training(ctx) != 0))
        status = -1;
    return status;
}

static pipe_nn_layer_spec dense(pipe_ctx *ctx, int units, pipe_nn_act act)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(PIPE_NN_DENSE);
    s.units = units;
    s.act = act;
    s.l2 = pipe_param_float(ctx, "l2");
    return s;
}

pipe_nn_layer_spec *cls_network_layers(pipe_ctx *ctx, int *n)
{
    size_t hidden = pipe_param_count(ctx, "layers");
    pipe_nn_act act = (pipe_nn_act)pipe_nn_act_parse(pipe_param_string(ctx, "activation"));
    pipe_nn_layer_spec *layers = calloc(3 * hidden + 1, sizeof *layers);
    if (!layers) {
        pipe_error(ctx, "out of memory");
        return NULL;
    }
    *n = 0;
    for (size_t i = 0; i < hidden; i++) {
        double rate = pipe_param_float_at(ctx, "dropout", layer_item(ctx, "dropout", i));
        layers[(*n)++] = dense(ctx, (int)pipe_param_int_at(ctx, "layers", i), act);
        if (batchnorm_at(ctx, i) == 1)
            layers[(*n)++] = pipe_nn_layer_spec_default(PIPE_NN_BATCHNORM);
        if (rate > 0) {
            layers[*n] = pipe_nn_layer_spec_default(PIPE_NN_DROPOUT);
            layers[(*n)++].rate = rate;
        }
    }
    layers[(*n)++] = dense(ctx, 1, PIPE_NN_SIGMOID);
    return layers;
}
