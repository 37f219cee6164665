/*
 * cnn.c — the `cnn` stage: a convolutional network trained on images
 * (regression by default, a binary or a multi-class classifier), or a saved one
 * applied to new images. This file declares the parameters and ports
 * (what `pipe inspect cnn` prints) and dispatches to the two modes; the
 * layers and the training are the shared core in plugins/nn.
 */
#include "cnn.h"
#include "nn_stage.h"

#include <pipe/pipe.h>
#include <string.h>

static const pipe_param_decl cnn_params[] = {
    PIPE_NN_STAGE_MODE_PARAM(
        "train: fit the network on the training rows and predict every image; predict: load a "
        "saved model (parameter model) and predict every image of x"),
    PIPE_NN_STAGE_MODEL_PARAM(PIPE_NN_STAGE_MODEL_DOC),
    PIPE_NN_STAGE_SAVE_PARAM(
        "model.safetensors",
        "train: file written in the run's output folder with the weights and the architecture "
        "(\"\": do not save)"),
    PIPE_NN_STAGE_EXPORT_PARAM,
    {"target", PIPE_PARAM_STRING, "", 0, 0, NULL,
     "column of y to predict (\"\": y is rank 1 or N x 1)"},
    {"layers", PIPE_PARAM_MAP, "[{conv: 32}, {conv: 64}, {maxpool: 2}, flatten, {dense: 128}]", 0,
     0, NULL,
     "the hidden layers in order, each {conv: channels, kernel: 3, stride: 1, padding: same | "
     "valid | n, activation, l2}, {maxpool: size, stride, padding}, {avgpool: size, stride, "
     "padding}, {residual: channels, kernel: 3, stride: 1, batchnorm: true, momentum: 0.99, "
     "activation, l2}, "
     "{dense: units, activation, l2}, {dropout: rate}, {activation: name}, batchnorm, flatten "
     "or global_avgpool; sizes are n or [height, width]. The output dense layer (one unit per "
     "target column) is added after them"},
    {"input_shape", PIPE_PARAM_INT_LIST, "[]", 1, 65536, NULL,
     "[channels, height, width] of the images: with it `pipe validate` checks the layers "
     "against the images, and the run checks x against it ([]: take x's shape)"},
    {"head", PIPE_PARAM_CHOICE, "regression", 0, 0, PIPE_NN_HEAD_CHOICES,
     "regression: a linear output per target column (loss mse, mae or huber); binary: one "
     "sigmoid output, the probability of class 1 (targets 0/1, loss bce, accuracy tracked); "
     "multiclass: K softmax outputs for labels 0..K-1 (loss cce fused with the softmax, "
     "outputs proba and predicted instead of pred); classification: the old spelling of "
     "binary (warns)"},
    PIPE_NN_STAGE_CLASS_PARAMS,
    {"activation", PIPE_PARAM_CHOICE, "relu", 0, 0, PIPE_NN_ACT_CHOICES,
     "activation of conv, residual and dense layers that do not name their own"},
    {"leaky_alpha", PIPE_PARAM_FLOAT, "0.01", 1e-6, 1, NULL,
     "slope of leaky_relu for negative inputs"},
    {"init", PIPE_PARAM_CHOICE, "he", 0, 0, "glorot|he",
     "kernel initialisation: he (normal, for relu) or glorot (uniform, Keras' default)"},
    {"l2", PIPE_PARAM_FLOAT, "0", 0, 10, NULL,
     "L2 penalty l2 * sum(w^2) on every conv, residual and dense kernel that does not set its "
     "own, added to the loss (as Keras)"},
    {"loss", PIPE_PARAM_CHOICE, "mse", 0, 0, PIPE_NN_LOSS_CHOICES,
     "regression: mse, mae or huber (see huber_delta); binary uses bce, multiclass cce"},
    {"huber_delta", PIPE_PARAM_FLOAT, "1", 1e-12, 1e12, NULL,
     "huber: the loss is quadratic within +-huber_delta, linear outside"},
    PIPE_NN_STAGE_TRAIN_PARAMS("50"),
};

static const pipe_port_decl cnn_inputs[] = {
    {"x", PIPE_DT_FLOAT, 4, 0, "the images, N x C x H x W (the image_encoder stage's output)"},
    {"y", PIPE_DT_FLOAT, 0, 1, "train: the target, rank 1, N x 1, or a table (see target)"},
    {"split", PIPE_DT(PIPE_U8), 1, 1,
     "train: the row split; trains on its train rows, validates on its val rows (without it: "
     "every row trains, none validates)"},
    PIPE_NN_STAGE_WEIGHT_INPUT,
};

static const pipe_port_decl cnn_outputs[] = {
    {"pred", PIPE_DT(PIPE_F64), 0, 1,
     "predictions for every image: rank 1 (one output) or N x outputs; binary: the "
     "probability of class 1 (not with head: multiclass)"},
    PIPE_NN_STAGE_CLASS_OUTPUTS,
    PIPE_NN_STAGE_THRESHOLD_OUTPUT,
    {"history", PIPE_DT(PIPE_F64), 2, 1,
     "train: one row per epoch, columns epoch, loss, val_loss, mae, val_mae, lr (binary, "
     "multiclass: accuracy, val_accuracy; val_* NaN without validation rows)"},
};

static int cnn_run(pipe_ctx *ctx, void *state)
{
    (void)state;
    if (strcmp(pipe_param_string(ctx, "mode"), "predict") == 0)
        return cnn_predict(ctx);
    return cnn_train(ctx);
}

static int cnn_check(pipe_ctx *ctx)
{
    pipe_check_output_ranks(ctx, "pred", 1, 2); /* one output, or N x outputs */
    int bad_save = pipe_check_output_param(ctx, "save", 0) != 0;
    return cnn_check_params(ctx) != 0 || bad_save ? -1 : 0;
}

static const pipe_plugin cnn_plugin = {
    PIPE_PLUGIN_ABI,
    .name = "cnn",
    .version = "1.0.0",
    .summary = "convolutional network on images: train and predict, or apply a saved model",
    .description =
        "Trains a convolutional network on the images x (N x C x H x W, e.g. from "
        "image_encoder): the layers parameter lists the hidden layers (convolutions, max and "
        "average pooling, ResNet basic blocks, batch normalisation, global average pooling, "
        "flatten, dense, dropout), then one output unit per target column (linear, or sigmoid "
        "with head: binary). Before anything is allocated a shape pass follows the "
        "image through the layers: a layer that does not fit (a window larger than its input, "
        "an even kernel in a residual block) is an error naming the layer, its place in the "
        "pipeline file and the shapes; with input_shape given, `pipe validate` already does it. "
        "Training is the dnn stage's: SGD, Adam or AdamW, an L2 penalty, learning-rate "
        "schedules, early stopping with restore-best, seeded shuffling, progress on stderr, a "
        "clear error when the loss turns NaN. Convolutions run through OpenBLAS over the whole "
        "batch (im2col; tiny images such as the tabular 3 x 2 x 3 as one dense matrix). Writes "
        "model.safetensors (weights as layers.<i>.kernel etc., conv kernels as PyTorch's rank-4 "
        "(out, in/groups, kh, kw), the layer graph in the metadata) that mode: predict applies to "
        "new images. Metrics: "
        "loss, val_loss, mae and val_mae (binary: accuracy, val_accuracy, and the decision "
        "threshold tuned for accuracy on the val rows with its val_accuracy_tuned, also output "
        "threshold and kept in the model file), epochs, "
        "best_epoch, stopped_early, params, rows_train, rows_val; run.json gets train_seconds "
        "and us_per_step.",
    .params = cnn_params,
    .n_params = PIPE_COUNT(cnn_params),
    .inputs = cnn_inputs,
    .n_inputs = PIPE_COUNT(cnn_inputs),
    .outputs = cnn_outputs,
    .n_outputs = PIPE_COUNT(cnn_outputs),
    .check = cnn_check,
    .run = cnn_run,
};

PIPE_PLUGIN_DEFINE(cnn_plugin)
