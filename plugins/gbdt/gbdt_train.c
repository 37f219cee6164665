/*
 * gbdt_train.c — mode train of the `gbdt` stage: rows and target from the
 * inputs (with the neural-network stages' row helpers, so features,
 * targets and splits mean the same as in dnn), XGBoost training, metrics
 * with feature importance, the model file, and predictions for every row.
 */
#include "gbdt.h"
#include "nn_stage.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_round(void *user, int round, int total, double val_metric)
{
    pipe_progress(user, round, total, "val metric %.5g", val_metric);
}

/* The rows of x and y, split into train and val; multiclass: the labels
 * checked, the classes named, the class weights as row weights. 0 or -1
 * (reported). */
static int read_rows(pipe_ctx *ctx, pipe_nn_rows *d, pipe_nn_classes *c)
{
    size_t n;
    const char **names = pipe_nn_stage_names(ctx, "features", &n);
    if (!names && n == 0)
        return -1;
    int status = pipe_nn_stage_features(ctx, pipe_input(ctx, "x"), names, n, "features", d);
    free(names);
    if (status == 0)
        status = pipe_nn_stage_target(ctx, 0, d);
    if (status == 0 && d->n_out != 1)
        status =
            pipe_param_error(ctx, "target", "y '%s' has %d columns: gbdt predicts one (name it)",
                             pipe_input_name(ctx, "y"), d->n_out);
    if (status == 0)
        status = pipe_nn_stage_split(ctx, d);
    if (status == 0 && strcmp(pipe_param_string(ctx, "task"), "multiclass") == 0)
        status = pipe_nn_stage_class_labels(ctx, d, c);
    if (status == 0)
        status = pipe_nn_stage_row_weights(
            ctx, d, "XGBoost needs weights >= 0 (a leaf's hessian sum must be positive)");
    if (status == 0)
        status = pipe_nn_stage_check_finite(ctx, d);
    if (status == 0 && pipe_param_int(ctx, "early_stopping") > 0 && d->n_val == 0)
        status = pipe_param_error(ctx, "early_stopping",
                                  "needs val rows to watch: map a split with val rows");
    return status;
}

static void read_config(pipe_ctx *ctx, int classes, pipe_gbdt_config *c)
{
    c->task = (pipe_gbdt_task)gbdt_task_parse(pipe_param_string(ctx, "task"));
    c->trees = (int)pipe_param_int(ctx, "trees");
    c->depth = (int)pipe_param_int(ctx, "depth");
    c->eta = pipe_param_float(ctx, "eta");
    c->subsample = pipe_param_float(ctx, "subsample");
    c->colsample = pipe_param_float(ctx, "colsample");
    c->min_child_weight = pipe_param_float(ctx, "min_child_weight");
    c->l1 = pipe_param_float(ctx, "l1");
    c->l2 = pipe_param_float(ctx, "l2");
    c->early_stopping = (int)pipe_param_int(ctx, "early_stopping");
    c->threads = pipe_threads(ctx);
    c->classes = classes;
    c->seed = (int)(pipe_rng_u64(pipe_ctx_rng(ctx)) >> 33); /* XGBoost's seed is an int */
}

static void report(pipe_ctx *ctx, pipe_gbdt_model *m, const pipe_gbdt_config *c,
                   const pipe_gbdt_fit *fit, const pipe_nn_rows *d)
{
    char key[300];
    const char *metric = pipe_gbdt_metric_name(c->task);
    pipe_metric(ctx, "rounds", fit->rounds);
    pipe_metric(ctx, "trees", fit->trees);
    if (d->n_val)
        pipe_metric(ctx, "best_iteration", fit->best_iteration);
    pipe_metric(ctx, "base_score", fit->base_score);
    snprintf(key, sizeof key, "train_%s", metric);
    pipe_metric(ctx, key, fit->train_metric);
    if (d->n_val) {
        snprintf(key, sizeof key, "val_%s", metric);
        pipe_metric(ctx, key, fit->val_metric);
    }
    double *gain = malloc((size_t)(d->n_in + 1) * sizeof *gain);
    char err[512];
    if (gain && pipe_gbdt_importance(m, gain, err, sizeof err) == 0)
        for (int j = 0; j < d->n_in; j++) {
            if (d->features)
                snprintf(key, sizeof key, "importance.%s", d->features[j]);
            else
                snprintf(key, sizeof key, "importance.f%d", j);
            pipe_metric(ctx, key, gain[j]);
        }
    free(gain);
    pipe_log(ctx, "%d trees (%d rounds) on %lld rows; train %s %.5g%s", fit->trees, fit->rounds,
             (long long)d->n_train, metric, fit->train_metric, d->n_val ? "" : ", no val rows");
}

/* Multiclass: the class names in the model's attributes. 0 or -1. */
static int save_classes(pipe_gbdt_model *m, const pipe_nn_classes *classes)
{
    if (!classes->k)
        return 0;
    char *json = pipe_nn_names_to_json((const char *const *)classes->names, (size_t)classes->k);
    int rc = json ? pipe_gbdt_set_attr(m, GBDT_ATTR_CLASSES, json) : -1;
    free(json);
    return rc;
}

/* Write the model (XGBoost JSON, with pipe's metadata as attributes). */
static int save(pipe_ctx *ctx, pipe_gbdt_model *m, const pipe_gbdt_config *c,
                const pipe_nn_classes *classes)
{
    const char *name = pipe_param_string(ctx, "save");
    if (!name[0])
        return 0;
    const char *target = pipe_param_string(ctx, "target");
    char threshold[64], err[512];
    snprintf(threshold, sizeof threshold, "%.17g", pipe_param_float(ctx, "threshold"));
    if (pipe_gbdt_set_attr(m, GBDT_ATTR_STAGE, "gbdt") != 0 || save_classes(m, classes) != 0 ||
        pipe_gbdt_set_attr(m, GBDT_ATTR_TASK, gbdt_task_name(c->task)) != 0 ||
        pipe_gbdt_set_attr(m, GBDT_ATTR_TARGET, target[0] ? target : pipe_input_name(ctx, "y")) !=
            0 ||
        (c->task == PIPE_GBDT_BINARY && pipe_gbdt_set_attr(m, GBDT_ATTR_THRESHOLD, threshold) != 0))
        return pipe_error(ctx, "could not store the metadata in the model");
    const char *json;
    size_t len;
    if (pipe_gbdt_save(m, &json, &len, err, sizeof err) != 0)
        return pipe_error(ctx, "%s", err);
    pipe_file *f = pipe_file_open(ctx, name);
    if (!f)
        return -1;
    if (fwrite(json, 1, len, pipe_file_stream(f)) != len) {
        pipe_file_abort(f);
        return pipe_error(ctx, "could not write %s", name);
    }
    return pipe_file_commit(ctx, f);
}

/* Predictions for every row, then the model file and the outputs. */
static int predict_and_publish(pipe_ctx *ctx, pipe_gbdt_model *m, const pipe_gbdt_config *c,
                               const pipe_nn_rows *d, const pipe_nn_classes *classes)
{
    int k = pipe_gbdt_outputs(m);
    double *pred = malloc((size_t)(d->rows * k + 1) * sizeof *pred);
    char err[1024];
    int status = pred ? 0 : pipe_error(ctx, "out of memory");
    if (status == 0 && pipe_gbdt_predict(m, d->x, d->rows, d->n_in, pred, err, sizeof err) != 0)
        status = pipe_error(ctx, "%s", err);
    if (status == 0)
        status = save(ctx, m, c, classes);
    if (status != 0) {
        free(pred);
        return status;
    }
    if (c->task == PIPE_GBDT_MULTICLASS)
        return gbdt_publish_classes(ctx, pred, d->rows, classes);
    return gbdt_publish(ctx, c->task, pred, d->rows, pipe_param_float(ctx, "threshold"));
}

int gbdt_train(pipe_ctx *ctx)
{
    pipe_nn_rows d = {0};
    pipe_nn_classes classes = {0};
    int status = read_rows(ctx, &d, &classes);
    pipe_gbdt_config c;
    read_config(ctx, classes.k, &c);
    pipe_gbdt_data data = {.x = d.x,
                           .y = d.y,
                           .w = d.w,
                           .rows = d.rows,
                           .cols = d.n_in,
                           .train = d.train,
                           .val = d.val,
                           .n_train = d.n_train,
                           .n_val = d.n_val,
                           .features = (const char *const *)d.features};
    pipe_gbdt_fit fit;
    char err[1024];
    double t0 = pipe_seconds();
    pipe_gbdt_model *m =
        status == 0 ? pipe_gbdt_train(&c, &data, &fit, on_round, ctx, err, sizeof err) : NULL;
    if (status == 0 && !m)
        status = pipe_error(ctx, "%s", err);
    if (status == 0) {
        pipe_info(ctx, "train_seconds", pipe_seconds() - t0);
        report(ctx, m, &c, &fit, &d);
        status = predict_and_publish(ctx, m, &c, &d, &classes);
    }
    pipe_gbdt_free(m);
    pipe_nn_classes_free(&classes);
    pipe_nn_rows_free(&d);
    return status;
}
