/*
 * plugin.c — the `classifier` stage: a binary or multi-class classifier
 * trained on a table (a network of the shared core, or a baseline:
 * logistic regression, the majority class, a cut on one variable), or a
 * saved one applied to new rows. This file declares the parameters and ports (what
 * `pipe inspect classifier` prints) and dispatches to the two modes.
 */
#include "classifier.h"

#include <pipe/pipe.h>
#include <string.h>

static const pipe_param_decl cls_params[] = {
    PIPE_NN_STAGE_MODE_PARAM(
        "train: fit on the train rows of the split, tune the threshold on its val rows, score "
        "every row; predict: score every row of x with a saved model (parameter model)"),
    {"kind", PIPE_PARAM_CHOICE, "network", 0, 0, CLS_KIND_CHOICES,
     "network: dense layers, sigmoid output, binary cross-entropy; logistic: L2 logistic "
     "regression (scikit-learn's, see C); majority: always the most frequent training class; "
     "cut: a threshold on one variable (see variable)"},
    {"head", PIPE_PARAM_CHOICE, "binary", 0, 0, "binary|multiclass",
     "binary: labels 0/1, output score (the probability of class 1) decided by a threshold; "
     "multiclass (kinds network and majority): labels 0..K-1, K softmax probabilities (output "
     "proba) and their argmax (output predicted); majority's probabilities are the training "
     "classes' frequencies"},
    PIPE_NN_STAGE_MODEL_PARAM(
        "predict: path of a model file written by a train run (its kind, threshold, features "
        "and scaling come with it)"),
    PIPE_NN_STAGE_SAVE_PARAM("auto", "train: model file written in the output folder (auto: "
                                     "<stage id>.safetensors; \"\": none)"),
    PIPE_NN_STAGE_EXPORT_PARAM,
    PIPE_NN_STAGE_FEATURES_PARAM(
        "columns of x the model reads (all: every column; predict: the model's own features)"),
    {"class_weight", PIPE_PARAM_MAP, "none", 0, 0, NULL,
     "binary: the old spelling of class_weights (none, balanced or [w0, w1]; warns)"},
    {"tune", PIPE_PARAM_CHOICE, "accuracy", 0, 0, "accuracy|f1|none",
     "binary: choose the threshold that maximises accuracy or F1 on the val rows (none: use "
     "threshold)"},
    {"threshold", PIPE_PARAM_FLOAT, "0.5", 0, 1, NULL,
     "binary: the decision threshold without tuning; with tuning, kept when it is among the best"},
    PIPE_NN_STAGE_SCALER_METHOD_PARAM(
        "train: the method of the scaler stage whose params are the scaler input (saved with "
        "the model; predict re-applies it)"),
    PIPE_NN_STAGE_APPLY_SCALER_PARAM,
    /* network: the hidden layers' parameters dnn has too */
    PIPE_NN_STAGE_DENSE_PARAMS("[256, 128, 64]", "0.0001", "[true, true, false]", "[0.2]"),
    PIPE_NN_STAGE_CLASS_PARAMS,
    {"C", PIPE_PARAM_FLOAT, "1", 1e-12, 1e12, NULL,
     "logistic, cut: inverse L2 strength, as scikit-learn's LogisticRegression(C)"},
    {"max_iter", PIPE_PARAM_INT, "100", 1, 10000, NULL, "logistic, cut: Newton iterations at most"},
    {"variable", PIPE_PARAM_STRING, "", 0, 0, NULL,
     "cut: the column cut on (\"\": the feature whose training-row ROC AUC is farthest from "
     "0.5)"},
    /* network: the training parameters every stage of the core shares */
    PIPE_NN_STAGE_TRAIN_PARAMS("100"),
};

static const pipe_port_decl cls_inputs[] = {
    {"x", PIPE_DT_FLOAT, 2, 0, "the rows: a table (features chosen by name) or a matrix"},
    {"y", PIPE_DT_ANY, 0, 1,
     "train: the true class per row, 0 or 1 (multiclass: 0..K-1; rank 1 or N x 1)"},
    {"split", PIPE_DT(PIPE_U8), 1, 1,
     "train: the row split; fits on its train rows, tunes and stops early on its val rows"},
    {"scaler", PIPE_DT(PIPE_F64), 2, 1,
     "train: the scaler stage's params output, saved in the model for predict"},
    PIPE_NN_STAGE_WEIGHT_INPUT,
};

static const pipe_port_decl cls_outputs[] = {
    {"score", PIPE_DT(PIPE_F64), 1, 0,
     "binary: the score of every row of x, the probability of class 1"},
    {"predicted", PIPE_DT(PIPE_F64), 1, 1,
     "the predicted class of every row: score >= threshold (multiclass: the most probable "
     "class, 0 .. K-1)"},
    {"threshold", PIPE_DT(PIPE_F64), 1, 1,
     "binary: the decision threshold (one value), for metrics"},
    PIPE_NN_STAGE_PROBA_OUTPUT,
    {"history", PIPE_DT(PIPE_F64), 2, 1,
     "network: one row per epoch, columns epoch, loss, val_loss, accuracy, val_accuracy, lr "
     "(multiclass: the accuracy of the argmax)"},
};

static int cls_run(pipe_ctx *ctx, void *state)
{
    (void)state;
    if (strcmp(pipe_param_string(ctx, "mode"), "predict") == 0)
        return cls_predict(ctx);
    return cls_train(ctx);
}

static const pipe_plugin cls_plugin = {
    PIPE_PLUGIN_ABI,
    .name = "classifier",
    .version = "1.0.0",
    .summary = "binary or multi-class classifier (network, logistic regression, majority, cut): "
               "train or apply",
    .description =
        "Trains a binary classifier on the train rows of the split and scores every row with "
        "the probability of class 1. kind: network (dense layers with batch normalisation "
        "and dropout, a sigmoid output trained with binary cross-entropy, L2, Adam, early "
        "stopping on the val loss; the shared core of plugins/nn), logistic (scikit-learn's "
        "L2 logistic regression, solved by Newton's method), majority (the most frequent "
        "training class) or cut (one variable, through a one-feature logistic regression, so "
        "that the threshold is a cut on it). Class weights: none, balanced or explicit. The "
        "decision threshold is tuned on the val rows for accuracy or F1. Writes the model as "
        "safetensors with its kind, threshold, features and scaling, so `mode: predict` "
        "applies it to new rows. head: multiclass (kinds network and majority) classifies "
        "labels 0..K-1 with K softmax outputs through the multi-class head dnn and cnn share. "
        "Metrics: rows, class weights, threshold, the tuned "
        "objective and ROC AUC on the val rows, and per kind the epochs, loss, iterations or "
        "cut; run.json gets the training time.",
    .params = cls_params,
    .n_params = PIPE_COUNT(cls_params),
    .inputs = cls_inputs,
    .n_inputs = PIPE_COUNT(cls_inputs),
    .outputs = cls_outputs,
    .n_outputs = PIPE_COUNT(cls_outputs),
    .check = cls_check_params,
    .run = cls_run,
};

PIPE_PLUGIN_DEFINE(cls_plugin)
