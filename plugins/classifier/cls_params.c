/*
 * cls_params.c — the `classifier` stage's parameters: which mode, kind
 * and head each one applies to (a parameter that would be ignored is an
 * error, never a silent skip), the values only the stage can check
 * (class_weights in binary, and its old spelling class_weight), and the
 * network's layers. The hidden layers' and the
 * training parameters are the core's (nn_stage.h), as in dnn.
 */
#include "classifier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    {"head", AT_TRAIN},
    {"classes", AT_NETWORK | AT_MAJORITY},
    {"class_weights", AT_NETWORK | AT_LOGISTIC | AT_CUT},
    {"label_smoothing", AT_NETWORK},
    {"model", AT_PREDICT},
    {"save", AT_TRAIN},
    {"export", AT_TRAIN},
    {"class_weight", AT_NETWORK | AT_LOGISTIC | AT_CUT},
    {"tune", AT_NETWORK | AT_LOGISTIC | AT_CUT},
    {"threshold", AT_TRAIN},
    {"scaler_method", AT_TRAIN},
    {"apply_scaler", AT_PREDICT},
    {"layers", AT_NETWORK},
    {"activation", AT_NETWORK},
    {"leaky_alpha", AT_NETWORK},
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

/* The parameters of one head only (the others apply to both). */
static const pipe_nn_scope head_scopes[] = {
    {"class_weight", "head", "binary"},        {"tune", "head", "binary"},
    {"threshold", "head", "binary"},           {"classes", "head", "multiclass"},
    {"label_smoothing", "head", "multiclass"},
};

int cls_is_multiclass(const pipe_ctx *ctx)
{
    return strcmp(pipe_param_string(ctx, "head"), "multiclass") == 0;
}

/* head: multiclass has the kinds that give K probabilities. */
static int check_head(pipe_ctx *ctx)
{
    int status = pipe_nn_stage_check_scopes(ctx, head_scopes, PIPE_COUNT(head_scopes));
    const char *kind = pipe_param_string(ctx, "kind");
    if (cls_is_multiclass(ctx) && strcmp(kind, "network") != 0 && strcmp(kind, "majority") != 0)
        status = pipe_param_error(ctx, "kind",
                                  "%s is a binary model: head: multiclass works with kind: "
                                  "network or majority",
                                  kind);
    return status;
}

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

const char *cls_class_weight_param(const pipe_ctx *ctx)
{
    return pipe_param_given(ctx, "class_weight") ? "class_weight" : "class_weights";
}

int cls_read_class_weight(pipe_ctx *ctx, double weights[2], int *balanced)
{
    const char *name = cls_class_weight_param(ctx);
    const pipe_value *v = pipe_param_value(ctx, name);
    const char *expected = "expected none, balanced or [w0, w1] (two weights >= 0)";
    weights[0] = weights[1] = 1;
    *balanced = 0;
    if ((v->kind == PIPE_VALUE_SCALAR && strcmp(v->scalar, "none") == 0) ||
        (v->kind == PIPE_VALUE_LIST && v->count == 0))
        return 0;
    if (v->kind == PIPE_VALUE_SCALAR && strcmp(v->scalar, "balanced") == 0)
        return *balanced = 1, 0;
    if (v->kind == PIPE_VALUE_SCALAR) {
        static const char *const words[] = {"none", "balanced"};
        char hint[96];
        return pipe_value_error(ctx, name, v, "%s, found '%s'%s", expected, v->scalar,
                                pipe_suggest_text(v->scalar, words, 2, hint, sizeof hint));
    }
    if (v->kind != PIPE_VALUE_LIST || v->count != 2)
        return pipe_value_error(ctx, name, v, "%s, found a %s", expected,
                                v->kind == PIPE_VALUE_MAP ? "mapping" : "list of another length");
    for (int c = 0; c < 2; c++)
        if (value_number(&v->items[c], &weights[c]) != 0)
            return pipe_value_error(ctx, name, &v->items[c],
                                    "weight of class %d: expected a number >= 0", c);
    if (weights[0] + weights[1] <= 0)
        return pipe_value_error(ctx, name, v, "the two weights are 0: nothing to fit");
    return 0;
}

/* class_weight is the old spelling of class_weights (binary only). */
static int check_old_class_weight(pipe_ctx *ctx)
{
    if (!pipe_param_given(ctx, "class_weight"))
        return 0;
    if (pipe_param_given(ctx, "class_weights"))
        return pipe_param_error(ctx, "class_weight",
                                "is the old spelling of class_weights, which is given too: keep "
                                "class_weights");
    pipe_warn(ctx, "class_weight is the old spelling of class_weights (it still works; write "
                   "class_weights)");
    return 0;
}

int cls_read_tune(pipe_ctx *ctx, pipe_nn_objective *objective)
{
    const char *tune = pipe_param_string(ctx, "tune");
    *objective = strcmp(tune, "f1") == 0 ? PIPE_NN_TUNE_F1 : PIPE_NN_TUNE_ACCURACY;
    return strcmp(tune, "none") == 0;
}

int cls_check_params(pipe_ctx *ctx)
{
    int status = check_scopes(ctx);
    if (pipe_check_output_param(ctx, "save", 0) != 0 || pipe_nn_stage_check_feature_names(ctx) != 0)
        status = -1;
    int predict = strcmp(pipe_param_string(ctx, "mode"), "predict") == 0;
    if (!predict && check_head(ctx) != 0)
        status = -1;
    if (!predict && cls_check_head_ports(ctx, cls_is_multiclass(ctx)) != 0)
        status = -1;
    double weights[2];
    int balanced;
    if (pipe_nn_stage_check_model(ctx) != 0)
        status = -1;
    if (check_old_class_weight(ctx) != 0 ||
        (!cls_is_multiclass(ctx) && cls_read_class_weight(ctx, weights, &balanced) != 0))
        status = -1;
    /* The network's own rules: per-layer lists, and the training
     * parameters of one optimizer or schedule only with it. */
    if (!predict && strcmp(pipe_param_string(ctx, "kind"), "network") == 0 &&
        (pipe_nn_stage_check_dense(ctx, NULL) != 0 || pipe_nn_stage_check_training(ctx) != 0 ||
         cls_check_network_memory(ctx) != 0))
        status = -1;
    return status;
}

pipe_nn_layer_spec *cls_network_layers(pipe_ctx *ctx, int classes, int *n)
{
    pipe_nn_layer_spec *layers = pipe_nn_stage_dense_layers(ctx, 2, n);
    if (!layers)
        return NULL;
    if (classes == 0) {
        layers[(*n)++] = pipe_nn_stage_dense(ctx, 1, PIPE_NN_SIGMOID);
        return layers;
    }
    layers[(*n)++] = pipe_nn_stage_dense(ctx, classes, PIPE_NN_LINEAR); /* logits, softmax */
    layers[(*n)++] = pipe_nn_stage_softmax_head();
    return layers;
}
