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
    {"export", "mode", "train"},
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
    if (pipe_nn_stage_check_model(ctx) != 0 ||
        (train && pipe_nn_stage_check_dense(ctx, "output_activation") != 0))
        status = -1;
    int binary = dnn_is_binary(ctx);
    if (train && !binary && strcmp(pipe_param_string(ctx, "loss"), "bce") == 0 &&
        strcmp(out_act, "sigmoid") != 0)
        status = pipe_param_error(ctx, "loss",
                                  "bce needs probabilities: set "
                                  "output_activation: sigmoid (it is %s)",
                                  out_act);
    int multi = dnn_is_multiclass(ctx);
    const char *loss = pipe_param_string(ctx, "loss");
    if (binary && pipe_param_given(ctx, "loss") && strcmp(loss, "bce") != 0)
        status = pipe_param_error(
            ctx, "loss", "head: binary trains with bce (binary cross-entropy), found %s", loss);
    if (binary && pipe_param_given(ctx, "output_activation"))
        status = pipe_param_error(ctx, "output_activation",
                                  "head: binary ends in a sigmoid; leave output_activation out");
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
    return pipe_nn_stage_head(ctx) == PIPE_NN_HEAD_MULTICLASS;
}

int dnn_is_binary(const pipe_ctx *ctx)
{
    return pipe_nn_stage_head(ctx) == PIPE_NN_HEAD_BINARY;
}

int dnn_check_params(pipe_ctx *ctx)
{
    int a = pipe_nn_stage_check_scopes(ctx, scopes, PIPE_COUNT(scopes));
    int b = pipe_nn_stage_check_training(ctx), c = check_combinations(ctx);
    pipe_nn_stage_warn_head(ctx);
    return a || b || c ? -1 : 0;
}

/* The hidden layers (nn_stage.h), then the output layer: linear or
 * output_activation, a sigmoid (binary), or the logits and the softmax
 * (multiclass). */
static int read_layers(pipe_ctx *ctx, int n_outputs, dnn_config *cfg)
{
    int n;
    cfg->layers = pipe_nn_stage_dense_layers(ctx, 2, &n);
    if (!cfg->layers)
        return -1;
    pipe_nn_act out = (pipe_nn_act)pipe_nn_act_parse(pipe_param_string(ctx, "output_activation"));
    if (dnn_is_binary(ctx))
        out = PIPE_NN_SIGMOID;
    if (dnn_is_multiclass(ctx))
        out = PIPE_NN_LINEAR;
    cfg->layers[n++] = pipe_nn_stage_dense(ctx, n_outputs, out);
    if (dnn_is_multiclass(ctx))
        cfg->layers[n++] = pipe_nn_stage_softmax_head();
    cfg->n_layers = n;
    return 0;
}

int dnn_config_read(pipe_ctx *ctx, int n_outputs, dnn_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    if (read_layers(ctx, n_outputs, cfg) != 0)
        return -1;
    cfg->loss.kind = dnn_is_multiclass(ctx) ? PIPE_NN_CCE
                     : dnn_is_binary(ctx)
                         ? PIPE_NN_BCE
                         : (pipe_nn_loss_kind)pipe_nn_loss_parse(pipe_param_string(ctx, "loss"));
    cfg->loss.delta = pipe_param_float(ctx, "huber_delta");
    cfg->init =
        strcmp(pipe_param_string(ctx, "init"), "he") == 0 ? PIPE_NN_INIT_HE : PIPE_NN_INIT_GLOROT;
    pipe_nn_stage_read_training(ctx, &cfg->optim, &cfg->fit);
    if (dnn_is_multiclass(ctx))
        cfg->fit.metric = PIPE_NN_METRIC_TOP1;
    if (dnn_is_binary(ctx))
        cfg->fit.metric = PIPE_NN_METRIC_ACCURACY;
    return 0;
}

void dnn_config_free(dnn_config *cfg)
{
    free(cfg->layers);
    cfg->layers = NULL;
}
