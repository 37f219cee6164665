/*
 * dnn_config.c — the `dnn` stage's parameters: which ones apply together
 * (a parameter that would be ignored is an error, never a silent skip),
 * and reading them into the core's layer, loss, optimizer and training
 * configuration (the training parameters through the stage helpers).
 */
#include "dnn.h"

#include <stdlib.h>
#include <string.h>

/* The stage's own parameters that only mean something with another's
 * value (the training parameters are checked by the stage helpers). */
static const pipe_nn_scope scopes[] = {
    {"model", "mode", "predict"},
    {"apply_scaler", "mode", "predict"},
    {"save", "mode", "train"},
    {"target", "mode", "train"},
    {"layers", "mode", "train"},
    {"activation", "mode", "train"},
    {"output_activation", "mode", "train"},
    {"leaky_alpha", "mode", "train"},
    {"init", "mode", "train"},
    {"l2", "mode", "train"},
    {"dropout", "mode", "train"},
    {"batchnorm", "mode", "train"},
    {"head", "mode", "train"},
    {"classes", "head", "multiclass"},
    {"class_weights", "head", "multiclass"},
    {"label_smoothing", "head", "multiclass"},
    {"loss", "mode", "train"},
    {"huber_delta", "loss", "huber"},
    {"scaler_method", "mode", "train"},
};

/* Rules that involve several parameters at once. */
static int check_combinations(pipe_ctx *ctx)
{
    int status = 0, train = strcmp(pipe_param_string(ctx, "mode"), "train") == 0;
    const char *out_act = pipe_param_string(ctx, "output_activation");
    int leaky = strcmp(pipe_param_string(ctx, "activation"), "leaky_relu") == 0 ||
                strcmp(out_act, "leaky_relu") == 0;
    if (!train && !pipe_param_string(ctx, "model")[0])
        status = pipe_param_error(ctx, "model", "mode: predict needs the path of a saved model");
    if (pipe_param_given(ctx, "leaky_alpha") && !leaky)
        status = pipe_param_error(ctx, "leaky_alpha",
                                  "is only used when activation or "
                                  "output_activation is leaky_relu");
    if (train && strcmp(pipe_param_string(ctx, "loss"), "bce") == 0 &&
        strcmp(out_act, "sigmoid") != 0)
        status = pipe_param_error(ctx, "loss",
                                  "bce needs probabilities: set "
                                  "output_activation: sigmoid (it is %s)",
                                  out_act);
    int multi = dnn_is_multiclass(ctx);
    const char *loss = pipe_param_string(ctx, "loss");
    if (multi && pipe_param_given(ctx, "loss") && strcmp(loss, "cce") != 0)
        status = pipe_param_error(ctx, "loss",
                                  "head: multiclass trains with cce (categorical cross-entropy), "
                                  "found %s",
                                  loss);
    if (multi && pipe_param_given(ctx, "output_activation"))
        status = pipe_param_error(ctx, "output_activation",
                                  "head: multiclass ends in a softmax; leave output_activation "
                                  "out");
    if (train && !multi && strcmp(loss, "cce") == 0)
        status =
            pipe_param_error(ctx, "loss", "cce needs class probabilities: set head: multiclass");
    if (train && pipe_nn_stage_check_head_ports(ctx, multi) != 0)
        status = -1;
    if (train && pipe_nn_stage_check_threshold_port(ctx, strcmp(loss, "bce") == 0) != 0)
        status = -1;
    return status;
}

int dnn_is_multiclass(const pipe_ctx *ctx)
{
    return strcmp(pipe_param_string(ctx, "head"), "multiclass") == 0;
}

int dnn_check_params(pipe_ctx *ctx)
{
    int a = pipe_nn_stage_check_scopes(ctx, scopes, PIPE_COUNT(scopes));
    int b = pipe_nn_stage_check_training(ctx), c = check_combinations(ctx);
    return a || b || c ? -1 : 0;
}

static pipe_nn_layer_spec dense_layer(pipe_ctx *ctx, int units, const char *act_param)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(PIPE_NN_DENSE);
    s.units = units;
    s.act = (pipe_nn_act)pipe_nn_act_parse(pipe_param_string(ctx, act_param));
    s.alpha = pipe_param_float(ctx, "leaky_alpha");
    s.l2 = pipe_param_float(ctx, "l2");
    return s;
}

/* Hidden layers (each: dense, then batchnorm and dropout when asked),
 * then the output layer. */
static int read_layers(pipe_ctx *ctx, int n_outputs, dnn_config *cfg)
{
    size_t hidden = pipe_param_count(ctx, "layers");
    double rate = pipe_param_float(ctx, "dropout");
    int bn = pipe_param_bool(ctx, "batchnorm");
    cfg->layers = calloc(3 * hidden + 2, sizeof *cfg->layers);
    if (!cfg->layers)
        return pipe_error(ctx, "out of memory");
    int n = 0;
    for (size_t i = 0; i < hidden; i++) {
        cfg->layers[n++] = dense_layer(ctx, (int)pipe_param_int_at(ctx, "layers", i), "activation");
        if (bn)
            cfg->layers[n++] = pipe_nn_layer_spec_default(PIPE_NN_BATCHNORM);
        if (rate > 0) {
            cfg->layers[n] = pipe_nn_layer_spec_default(PIPE_NN_DROPOUT);
            cfg->layers[n++].rate = rate;
        }
    }
    cfg->layers[n++] = dense_layer(ctx, n_outputs, "output_activation");
    if (dnn_is_multiclass(ctx)) { /* the logits, then the softmax */
        cfg->layers[n - 1].act = PIPE_NN_LINEAR;
        cfg->layers[n++] = pipe_nn_stage_softmax_head();
    }
    cfg->n_layers = n;
    return 0;
}

int dnn_config_read(pipe_ctx *ctx, int n_outputs, dnn_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    if (read_layers(ctx, n_outputs, cfg) != 0)
        return -1;
    cfg->loss.kind = dnn_is_multiclass(ctx)
                         ? PIPE_NN_CCE
                         : (pipe_nn_loss_kind)pipe_nn_loss_parse(pipe_param_string(ctx, "loss"));
    cfg->loss.delta = pipe_param_float(ctx, "huber_delta");
    cfg->init =
        strcmp(pipe_param_string(ctx, "init"), "he") == 0 ? PIPE_NN_INIT_HE : PIPE_NN_INIT_GLOROT;
    pipe_nn_stage_read_training(ctx, &cfg->optim, &cfg->fit);
    if (dnn_is_multiclass(ctx))
        cfg->fit.metric = PIPE_NN_METRIC_TOP1;
    return 0;
}

void dnn_config_free(dnn_config *cfg)
{
    free(cfg->layers);
    cfg->layers = NULL;
}
