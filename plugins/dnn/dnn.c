/*
 * dnn.c — the `dnn` stage: a fully connected network trained on a table
 * (regression by default), or a saved one applied to new rows. This file
 * declares the parameters and ports (what `pipe inspect dnn` prints) and
 * dispatches to the train and predict modes; the network itself is the
 * shared core in plugins/nn.
 */
#include "dnn.h"

#include <pipe/pipe.h>
#include <stdlib.h>
#include <string.h>

static const pipe_param_decl dnn_params[] = {
    PIPE_NN_STAGE_MODE_PARAM(
        "train: fit a network on the training rows and predict every row; predict: load a saved "
        "model (parameter model) and predict every row of x"),
    PIPE_NN_STAGE_MODEL_PARAM(PIPE_NN_STAGE_MODEL_DOC),
    PIPE_NN_STAGE_SAVE_PARAM(
        "model.safetensors",
        "train: file written in the run's output folder with the weights, the architecture and "
        "the scaler input (\"\": do not save)"),
    PIPE_NN_STAGE_EXPORT_PARAM,
    PIPE_NN_STAGE_FEATURES_PARAM(
        "columns of x fed to the network (all: every column; predict: the model's own features)"),
    {"target", PIPE_PARAM_STRING, "", 0, 0, NULL,
     "column of y to predict (\"\": y is rank 1 or N x 1)"},
    PIPE_NN_STAGE_DENSE_PARAMS("[128, 64, 32]", "0", "false", "0"),
    {"output_activation", PIPE_PARAM_CHOICE, "linear", 0, 0, PIPE_NN_ACT_CHOICES,
     "regression: activation of the output layer (sigmoid for probabilities with loss bce; "
     "head: binary does that)"},
    {"init", PIPE_PARAM_CHOICE, "glorot", 0, 0, "glorot|he",
     "kernel initialisation: glorot (uniform, Keras' default) or he (normal, for relu)"},
    {"head", PIPE_PARAM_CHOICE, "regression", 0, 0, PIPE_NN_HEAD_CHOICES,
     "regression: the output layer has one unit per target column (output_activation, loss); "
     "binary: one sigmoid output per target column, the probability of class 1 (targets 0/1, "
     "loss bce, accuracy tracked); multiclass: K softmax outputs for labels 0..K-1 (loss cce "
     "fused with the softmax, outputs proba and predicted instead of pred); classification: "
     "the old spelling of binary (warns)"},
    PIPE_NN_STAGE_CLASS_PARAMS,
    {"loss", PIPE_PARAM_CHOICE, "mse", 0, 0, PIPE_NN_LOSS_CHOICES,
     "mse, mae, huber (see huber_delta) or bce (binary cross-entropy, sigmoid output); "
     "head: binary uses bce, multiclass cce"},
    {"huber_delta", PIPE_PARAM_FLOAT, "1", 1e-12, 1e12, NULL,
     "huber: the loss is quadratic within +-huber_delta, linear outside"},
    PIPE_NN_STAGE_SCALER_METHOD_PARAM(
        "the method of the scaler stage whose params are given as the scaler input (saved with "
        "the model; predict re-applies it)"),
    PIPE_NN_STAGE_APPLY_SCALER_PARAM,
    PIPE_NN_STAGE_TRAIN_PARAMS("300"),
};

static const pipe_port_decl dnn_inputs[] = {
    {"x", PIPE_DT_FLOAT, 2, 0, "the rows: a table (features chosen by name) or a matrix"},
    {"y", PIPE_DT_FLOAT, 0, 1, "train: the target, rank 1, N x 1, or a table (see target)"},
    {"split", PIPE_DT(PIPE_U8), 1, 1,
     "train: the row split; trains on its train rows, validates on its val rows (without it: "
     "every row trains, none validates)"},
    {"scaler", PIPE_DT(PIPE_F64), 2, 1,
     "train: the scaler stage's params output, saved in the model for predict"},
    PIPE_NN_STAGE_WEIGHT_INPUT,
};

static const pipe_port_decl dnn_outputs[] = {
    {"pred", PIPE_DT(PIPE_F64), 0, 1,
     "predictions for every row of x: rank 1 (one output) or N x outputs (not with head: "
     "multiclass)"},
    PIPE_NN_STAGE_CLASS_OUTPUTS,
    PIPE_NN_STAGE_THRESHOLD_OUTPUT,
    {"history", PIPE_DT(PIPE_F64), 2, 1,
     "train: one row per epoch, columns epoch, loss, val_loss, mae, val_mae, lr (binary, "
     "multiclass: accuracy, val_accuracy; val_* NaN without validation rows)"},
};

/* Before any data: a network that cannot fit even with the fewest
 * inputs and outputs the parameters allow is refused here (exit 2). */
static int check_memory(pipe_ctx *ctx)
{
    size_t n_in;
    const char **names = pipe_nn_stage_names(ctx, "features", &n_in);
    if (!names && n_in == 0)
        return -1;
    free(names);
    size_t n_classes = pipe_param_count(ctx, "classes");
    int n_out = !dnn_is_multiclass(ctx) ? 1 : n_classes ? (int)n_classes : 2;
    dnn_config cfg;
    int rc = dnn_config_read(ctx, n_out, &cfg);
    if (rc == 0)
        rc = dnn_check_memory(ctx, &cfg, (int)n_in, n_out, NULL);
    dnn_config_free(&cfg);
    return rc;
}

static int dnn_check(pipe_ctx *ctx)
{
    pipe_check_output_ranks(ctx, "pred", 1, 2); /* one output, or N x outputs */
    int bad = pipe_check_output_param(ctx, "save", 0) != 0;
    bad |= pipe_nn_stage_check_feature_names(ctx) != 0;
    if (dnn_check_params(ctx) != 0 || bad)
        return -1;
    return strcmp(pipe_param_string(ctx, "mode"), "train") == 0 ? check_memory(ctx) : 0;
}

static int dnn_run(pipe_ctx *ctx, void *state)
{
    (void)state;
    if (strcmp(pipe_param_string(ctx, "mode"), "predict") == 0)
        return dnn_predict(ctx);
    return dnn_train(ctx);
}

static const pipe_plugin dnn_plugin = {
    PIPE_PLUGIN_ABI,
    .name = "dnn",
    .version = "1.0.0",
    .summary = "fully connected network: train on a table and predict, or apply a saved model",
    .description =
        "Trains a dense network (hidden layers with the chosen activation, optional batch "
        "normalisation and dropout, a linear or sigmoid output) on the train rows of the split, "
        "validating on its val rows each epoch, with SGD, Adam or AdamW, an L2 penalty, a "
        "learning-rate schedule and early stopping; then predicts every row. Writes the model "
        "as safetensors (weights, architecture, feature names, the scaler's parameters) so "
        "`mode: predict` can apply it to new rows, and NumPy or PyTorch can read it. A NaN or "
        "infinite loss stops training with the epoch and step. Metrics: final loss, val_loss, "
        "mae, val_mae, epochs run, best epoch, parameter count; run.json gets the training "
        "time.",
    .params = dnn_params,
    .n_params = PIPE_COUNT(dnn_params),
    .inputs = dnn_inputs,
    .n_inputs = PIPE_COUNT(dnn_inputs),
    .outputs = dnn_outputs,
    .n_outputs = PIPE_COUNT(dnn_outputs),
    .check = dnn_check,
    .run = dnn_run,
};

PIPE_PLUGIN_DEFINE(dnn_plugin)
