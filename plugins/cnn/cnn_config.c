/*
 * cnn_config.c — the cnn stage's parameters: which ones apply together (a
 * parameter that would be ignored is an error, never a silent skip; the
 * shared training parameters' rules come from nn_stage), the layers read
 * and shape-checked against input_shape at validation, and the training
 * configuration handed to the core.
 */
#include "cnn.h"

#include <string.h>

/* The cnn stage's own parameters that apply only with others. */
static const pipe_nn_scope scopes[] = {
    {"model", "mode", "predict"},
    {"save", "mode", "train"},
    {"export", "mode", "train"},
    {"target", "mode", "train"},
    {"layers", "mode", "train"},
    {"input_shape", "mode", "train"},
    {"head", "mode", "train"},
    {"activation", "mode", "train"},
    {"leaky_alpha", "mode", "train"},
    {"init", "mode", "train"},
    {"l2", "mode", "train"},
    {"loss", "mode", "train"},
    {"huber_delta", "loss", "huber"},
    {"classes", "head", "multiclass"},
    {"class_weights", "head", "multiclass"},
    {"label_smoothing", "head", "multiclass"},
};

int cnn_is_classifier(const pipe_ctx *ctx)
{
    return pipe_nn_stage_head(ctx) == PIPE_NN_HEAD_BINARY;
}

int cnn_is_multiclass(const pipe_ctx *ctx)
{
    return pipe_nn_stage_head(ctx) == PIPE_NN_HEAD_MULTICLASS;
}

/* Does a YAML value mention `word` anywhere (as a scalar)? */
static int mentions(const pipe_value *v, const char *word)
{
    if (!v)
        return 0;
    if (v->kind == PIPE_VALUE_SCALAR)
        return strcmp(v->scalar, word) == 0;
    for (size_t i = 0; i < v->count; i++)
        if (mentions(&v->items[i], word))
            return 1;
    return 0;
}

static int check_combinations(pipe_ctx *ctx)
{
    int status = 0, train = strcmp(pipe_param_string(ctx, "mode"), "train") == 0;
    const char *loss = pipe_param_string(ctx, "loss");
    if (pipe_nn_stage_check_model(ctx) != 0)
        status = -1;
    if (pipe_param_given(ctx, "leaky_alpha") &&
        strcmp(pipe_param_string(ctx, "activation"), "leaky_relu") != 0 &&
        !mentions(pipe_param_value(ctx, "layers"), "leaky_relu"))
        status = pipe_param_error(ctx, "leaky_alpha",
                                  "is only used when activation (or a layer's) is leaky_relu");
    if (cnn_is_classifier(ctx) && pipe_param_given(ctx, "loss") && strcmp(loss, "bce") != 0)
        status = pipe_param_error(
            ctx, "loss", "head: binary trains with bce (binary cross-entropy), found %s", loss);
    if (!cnn_is_classifier(ctx) && strcmp(loss, "bce") == 0)
        status = pipe_param_error(ctx, "loss", "bce needs probabilities: set head: binary");
    int multi = cnn_is_multiclass(ctx);
    if (multi && pipe_param_given(ctx, "loss") && strcmp(loss, "cce") != 0)
        status = pipe_param_error(ctx, "loss",
                                  "head: multiclass trains with cce (categorical cross-entropy), "
                                  "found %s",
                                  loss);
    if (!multi && strcmp(loss, "cce") == 0)
        status =
            pipe_param_error(ctx, "loss", "cce needs class probabilities: set head: multiclass");
    if (train && pipe_nn_stage_check_head_ports(ctx, multi) != 0)
        status = -1;
    if (train && pipe_nn_stage_check_threshold_port(ctx, cnn_is_classifier(ctx)) != 0)
        status = -1;
    return status;
}

/* The layers, read and (with input_shape) followed through the image. */
static int check_layers(pipe_ctx *ctx)
{
    size_t dims = pipe_param_count(ctx, "input_shape");
    if (dims != 0 && dims != 3)
        return pipe_param_error(ctx, "input_shape",
                                "expected [channels, height, width], found %zu numbers", dims);
    cnn_stack stack;
    int rc = cnn_stack_read(ctx, 1, &stack);
    if (rc == 0 && dims == 3) {
        int chw[3];
        for (int i = 0; i < 3; i++)
            chw[i] = (int)pipe_param_int_at(ctx, "input_shape", (size_t)i);
        rc = cnn_stack_check_shapes(ctx, &stack, chw, "input_shape");
    }
    cnn_stack_free(&stack);
    return rc;
}

int cnn_check_params(pipe_ctx *ctx)
{
    int a = pipe_nn_stage_check_scopes(ctx, scopes, PIPE_COUNT(scopes));
    int b = pipe_nn_stage_check_training(ctx), c = check_combinations(ctx);
    int d = strcmp(pipe_param_string(ctx, "mode"), "train") == 0 ? check_layers(ctx) : 0;
    pipe_nn_stage_warn_head(ctx);
    return a || b || c || d ? -1 : 0;
}

void cnn_config_read(pipe_ctx *ctx, cnn_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    int classifier = cnn_is_classifier(ctx);
    cfg->loss.kind = classifier ? PIPE_NN_BCE
                     : cnn_is_multiclass(ctx)
                         ? PIPE_NN_CCE
                         : (pipe_nn_loss_kind)pipe_nn_loss_parse(pipe_param_string(ctx, "loss"));
    cfg->loss.delta = pipe_param_float(ctx, "huber_delta");
    cfg->init =
        strcmp(pipe_param_string(ctx, "init"), "he") == 0 ? PIPE_NN_INIT_HE : PIPE_NN_INIT_GLOROT;
    pipe_nn_stage_read_training(ctx, &cfg->optim, &cfg->fit);
    cfg->fit.metric = classifier               ? PIPE_NN_METRIC_ACCURACY
                      : cnn_is_multiclass(ctx) ? PIPE_NN_METRIC_TOP1
                                               : PIPE_NN_METRIC_MAE;
}
