/*
 * gbdt.c — the `gbdt` stage: boosted decision trees (XGBoost) trained on a
 * table for regression or binary classification, or a saved model applied
 * to new rows. This file declares the parameters and ports (what `pipe
 * inspect gbdt` prints), checks them, publishes the outputs, and
 * dispatches to the modes (gbdt_train.c, gbdt_predict.c).
 */
#include "gbdt.h"
#include "nn_stage.h"

#include <pipe/pipe.h>
#include <stdlib.h>
#include <string.h>

static const pipe_param_decl gbdt_params[] = {
    PIPE_NN_STAGE_MODE_PARAM("train: fit trees on the training rows and predict every row; "
                             "predict: load a saved model (parameter model) and predict every "
                             "row of x"),
    PIPE_NN_STAGE_MODEL_PARAM("predict: path of a model.json written by a train run"),
    PIPE_NN_STAGE_SAVE_PARAM("model.json",
                             "train: file written in the run's output folder: XGBoost's JSON "
                             "model, with the feature names and pipe's metadata (\"\": do not "
                             "save)"),
    PIPE_NN_STAGE_FEATURES_PARAM(
        "columns of x the trees split on (all: every column; predict: the model's own)"),
    {"target", PIPE_PARAM_STRING, "", 0, 0, NULL,
     "column of y to predict (\"\": y is rank 1 or N x 1)"},
    {"task", PIPE_PARAM_CHOICE, "regression", 0, 0, "regression|binary|multiclass",
     "regression (squared error, metric rmse), binary (logistic, targets 0/1, metric logloss) "
     "or multiclass (softmax over K classes, labels 0..K-1, metric mlogloss; outputs proba and "
     "predicted, as the networks' multiclass head)"},
    PIPE_NN_STAGE_CLASS_LABEL_PARAMS,
    {"trees", PIPE_PARAM_INT, "100", 1, 100000, NULL, "boosting rounds (one tree each), at most"},
    {"depth", PIPE_PARAM_INT, "6", 1, 30, NULL, "maximum depth of a tree (max_depth)"},
    {"eta", PIPE_PARAM_FLOAT, "0.3", 1e-6, 1, NULL,
     "learning rate: each tree's leaf values are scaled by eta"},
    {"subsample", PIPE_PARAM_FLOAT, "1", 1e-3, 1, NULL,
     "fraction of the training rows drawn (seeded) for each tree"},
    {"colsample", PIPE_PARAM_FLOAT, "1", 1e-3, 1, NULL,
     "fraction of the features drawn (seeded) for each tree (colsample_bytree)"},
    {"min_child_weight", PIPE_PARAM_FLOAT, "1", 0, 1e9, NULL,
     "minimum sum of hessians in a leaf (rows, for regression)"},
    {"l1", PIPE_PARAM_FLOAT, "0", 0, 1e9, NULL, "L1 penalty on leaf values (alpha)"},
    {"l2", PIPE_PARAM_FLOAT, "1", 0, 1e9, NULL, "L2 penalty on leaf values (lambda)"},
    {"early_stopping", PIPE_PARAM_INT, "0", 0, 100000, NULL,
     "stop after this many rounds without a better val metric and keep the best round's "
     "trees (0: off; needs val rows)"},
    {"threshold", PIPE_PARAM_FLOAT, "0.5", 0, 1, NULL,
     "binary: predicted is 1 when score >= threshold"},
};

static const pipe_port_decl gbdt_inputs[] = {
    {"x", PIPE_DT_FLOAT, 2, 0, "the rows: a table (features chosen by name) or a matrix"},
    {"y", PIPE_DT_ANY, 0, 1, "train: the target, rank 1, N x 1, or a table (see target)"},
    {"split", PIPE_DT(PIPE_U8), 1, 1,
     "train: the row split; trains on its train rows, early-stops and reports on its val rows "
     "(without it: every row trains, none validates)"},
    PIPE_NN_STAGE_WEIGHT_INPUT,
};

static const pipe_port_decl gbdt_outputs[] = {
    {"pred", PIPE_DT(PIPE_F64), 1, 0,
     "the prediction for every row of x (binary: the probability of class 1; multiclass: the "
     "most probable class index, as predicted)"},
    {"score", PIPE_DT(PIPE_F64), 1, 1, "binary: the probability of class 1 of every row"},
    {"proba", PIPE_DT(PIPE_F64), 2, 1,
     "multiclass: N x K class probabilities, one row per row of x, columns named after the "
     "classes"},
    {"predicted", PIPE_DT(PIPE_F64), 1, 1,
     "binary: the predicted class, score >= threshold; multiclass: the most probable class "
     "index (0 .. K-1)"},
    {"threshold", PIPE_DT(PIPE_F64), 1, 1, "binary: the decision threshold (one value)"},
};

static const pipe_nn_scope gbdt_scopes[] = {
    {"model", "mode", "predict"},
    {"save", "mode", "train"},
    {"target", "mode", "train"},
    {"task", "mode", "train"},
    {"classes", "task", "multiclass"},
    {"class_weights", "task", "multiclass"},
    {"trees", "mode", "train"},
    {"depth", "mode", "train"},
    {"eta", "mode", "train"},
    {"subsample", "mode", "train"},
    {"colsample", "mode", "train"},
    {"min_child_weight", "mode", "train"},
    {"l1", "mode", "train"},
    {"l2", "mode", "train"},
    {"early_stopping", "mode", "train"},
    {"threshold", "mode", "train"},
};

static const char *const task_names[] = {"regression", "binary", "multiclass"};

const char *gbdt_task_name(pipe_gbdt_task task)
{
    return task_names[task];
}

int gbdt_task_parse(const char *name)
{
    for (int i = 0; name && i < (int)PIPE_COUNT(task_names); i++)
        if (strcmp(name, task_names[i]) == 0)
            return i;
    return -1;
}

/* The outputs mapped must be those of the task (train mode; a saved
 * model's task is checked when it is loaded). */
static int check_task_outputs(pipe_ctx *ctx, const char *task)
{
    static const struct {
        const char *port, *tasks;
    } made[] = {{"score", "binary"},
                {"threshold", "binary"},
                {"predicted", "binary|multiclass"},
                {"proba", "multiclass"}};
    int status = 0;
    for (size_t i = 0; i < PIPE_COUNT(made); i++)
        if (pipe_output_wanted(ctx, made[i].port) && !strstr(made[i].tasks, task))
            status = pipe_error(ctx, "output '%s' is made by task: %s (task is %s)", made[i].port,
                                made[i].tasks, task);
    return status;
}

static int gbdt_check(pipe_ctx *ctx)
{
    int status = pipe_nn_stage_check_scopes(ctx, gbdt_scopes, PIPE_COUNT(gbdt_scopes));
    if (pipe_check_output_param(ctx, "save", 0) != 0 || pipe_nn_stage_check_feature_names(ctx) != 0)
        status = -1;
    int predict = strcmp(pipe_param_string(ctx, "mode"), "predict") == 0;
    if (pipe_nn_stage_check_model(ctx) != 0)
        status = -1;
    if (!predict && check_task_outputs(ctx, pipe_param_string(ctx, "task")) != 0)
        status = -1;
    return status;
}

/* A rank-1 f64 tensor of n values from v (copied). */
static int publish_copy(pipe_ctx *ctx, const char *port, const double *v, int64_t n)
{
    pipe_tensor *t = pipe_tensor_new1(PIPE_F64, n);
    if (!t)
        return pipe_error(ctx, "out of memory");
    memcpy(t->data, v, (size_t)n * sizeof *v);
    return pipe_output(ctx, port, t);
}

int gbdt_publish(pipe_ctx *ctx, pipe_gbdt_task task, double *pred, int64_t rows, double threshold)
{
    int status = 0;
    if (task == PIPE_GBDT_BINARY && pipe_output_wanted(ctx, "score"))
        status = publish_copy(ctx, "score", pred, rows);
    if (status == 0 && task == PIPE_GBDT_BINARY && pipe_output_wanted(ctx, "threshold"))
        status = publish_copy(ctx, "threshold", &threshold, 1);
    if (status == 0 && task == PIPE_GBDT_BINARY && pipe_output_wanted(ctx, "predicted")) {
        double *cls = malloc((size_t)(rows + 1) * sizeof *cls);
        for (int64_t r = 0; cls && r < rows; r++)
            cls[r] = pred[r] >= threshold;
        status = cls ? publish_copy(ctx, "predicted", cls, rows) : pipe_error(ctx, "out of memory");
        free(cls);
    }
    if (status == 0)
        status = publish_copy(ctx, "pred", pred, rows);
    free(pred);
    return status;
}

int gbdt_publish_classes(pipe_ctx *ctx, double *proba, int64_t rows, const pipe_nn_classes *c)
{
    int64_t shape[2] = {rows, c->k};
    pipe_tensor *t = pipe_tensor_new(PIPE_F64, 2, shape);
    if (!t) {
        free(proba);
        return pipe_error(ctx, "out of memory");
    }
    memcpy(t->data, proba, (size_t)(rows * c->k) * sizeof *proba);
    double *best = proba; /* pred: the most probable class of each row */
    for (int64_t r = 0; r < rows; r++) {
        int arg = 0;
        for (int j = 1; j < c->k; j++)
            arg = proba[r * c->k + j] > proba[r * c->k + arg] ? j : arg;
        best[r] = arg;
    }
    int status = publish_copy(ctx, "pred", best, rows);
    free(proba);
    return status == 0 ? pipe_nn_stage_publish_proba(ctx, t, c) : (pipe_tensor_release(t), -1);
}

static int gbdt_run(pipe_ctx *ctx, void *state)
{
    (void)state;
    if (strcmp(pipe_param_string(ctx, "mode"), "predict") == 0)
        return gbdt_predict(ctx);
    return gbdt_train(ctx);
}

static const pipe_plugin gbdt_plugin = {
    PIPE_PLUGIN_ABI,
    .name = "gbdt",
    .version = "1.0.0",
    .summary = "boosted decision trees (XGBoost): train on a table and predict, or apply a model",
    .description =
        "Gradient-boosted trees through XGBoost's C API (tree_method hist), for regression "
        "(squared error), binary classification (logistic) or K classes (softmax, one tree per "
        "class and round; outputs proba and predicted as the networks' multiclass head, class "
        "weights as row weights). Trains on the split's train rows starting from the mean "
        "target (regression) or 0.5, reports rmse, logloss or mlogloss on the train and val "
        "rows, can stop early on the val rows and keep the best round's trees. "
        "Seeded from the pipeline's seed, with the run's thread count: the same seed and "
        "threads give the same trees. Metrics: rounds, trees kept, best iteration, the "
        "metrics, and the gain importance of each feature (summing to 1). Saves XGBoost's "
        "JSON model (loadable by XGBoost itself) with the feature names and pipe's metadata; "
        "mode: predict applies it to new rows, picking its features by name.",
    .params = gbdt_params,
    .n_params = PIPE_COUNT(gbdt_params),
    .inputs = gbdt_inputs,
    .n_inputs = PIPE_COUNT(gbdt_inputs),
    .outputs = gbdt_outputs,
    .n_outputs = PIPE_COUNT(gbdt_outputs),
    .check = gbdt_check,
    .run = gbdt_run,
};

PIPE_PLUGIN_DEFINE(gbdt_plugin)
