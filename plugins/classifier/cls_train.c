/*
 * cls_train.c — the classifier's train mode: inputs to rows, the model of
 * the chosen kind fitted on the training rows, every row scored, the
 * decision threshold tuned on the val rows, then the outputs, metrics and
 * the model file. With head: multiclass the class probabilities and the
 * argmax are the outputs, and nothing is tuned.
 */
#include "classifier.h"
#include "metrics_core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Scores and labels of the val rows into new arrays; -1 when out of memory. */
static int val_rows(const cls_data *d, const double *score, double **s, double **y)
{
    *s = malloc(((size_t)d->r.n_val + 1) * sizeof **s);
    *y = malloc(((size_t)d->r.n_val + 1) * sizeof **y);
    for (int64_t i = 0; *s && *y && i < d->r.n_val; i++) {
        (*s)[i] = score[d->r.val[i]];
        (*y)[i] = d->label[d->r.val[i]];
    }
    return *s && *y ? 0 : -1;
}

/* Whether the threshold is tuned, and for what. The majority class has
 * nothing to tune; tuning needs val rows. 0 or -1 (reported). */
static int read_tuning(pipe_ctx *ctx, cls_kind kind, const cls_data *d, int *tuned,
                       pipe_nn_objective *objective)
{
    *tuned = kind != CLS_MAJORITY && cls_read_tune(ctx, objective) == 0;
    if (*tuned && d->r.n_val == 0)
        return pipe_param_error(ctx, "tune",
                                "is '%s', which needs val rows: map a split with val rows, or "
                                "write tune: none",
                                pipe_param_string(ctx, "tune"));
    return 0;
}

/* The decision threshold: tuned on the val rows, or the parameter. Also
 * reports the val-row metrics at it. 0 or -1 (reported). */
static int decide_threshold(pipe_ctx *ctx, const cls_data *d, const double *score, int tune,
                            pipe_nn_objective objective, double *threshold)
{
    double *s = NULL, *y = NULL;
    char err[256];
    *threshold = pipe_param_float(ctx, "threshold");
    if (d->r.n_val == 0)
        return 0;
    if (val_rows(d, score, &s, &y) != 0) {
        free(s);
        free(y);
        return pipe_error(ctx, "out of memory");
    }
    pipe_nn_tuned tuned;
    pipe_metrics_classification m;
    int rc = 0;
    if (tune) {
        rc = pipe_nn_tune_threshold(s, y, d->r.n_val, objective, *threshold, &tuned, err,
                                    sizeof err);
        if (rc == 0)
            *threshold = tuned.threshold;
    }
    if (rc == 0)
        rc = pipe_metrics_classify(s, y, d->r.n_val, *threshold, &m, err, sizeof err);
    free(s);
    free(y);
    if (rc != 0)
        return pipe_error(ctx, "val rows: %s", err);
    pipe_metric(ctx, "val.accuracy", m.accuracy);
    pipe_metric(ctx, "val.f1", m.f1);
    if (!isnan(m.roc_auc))
        pipe_metric(ctx, "val.roc_auc", m.roc_auc);
    pipe_log(ctx, "threshold %.6g%s: val accuracy %.5f, F1 %.5f, ROC AUC %.5f", *threshold,
             tune ? " (tuned on the val rows)" : "", m.accuracy, m.f1, m.roc_auc);
    return 0;
}

static pipe_nn_model *fit(pipe_ctx *ctx, cls_kind kind, cls_data *d)
{
    switch (kind) {
    case CLS_NETWORK:
        return cls_fit_network(ctx, d);
    case CLS_LOGISTIC:
        return cls_fit_logistic(ctx, d);
    case CLS_MAJORITY:
        return cls_fit_majority(ctx, d);
    case CLS_CUT:
        return cls_fit_cut(ctx, d);
    }
    return NULL;
}

/* The features metric: the names joined by commas. */
static void report_features(pipe_ctx *ctx, const cls_data *d)
{
    size_t len = 1;
    for (int j = 0; d->r.features && j < d->r.n_in; j++)
        len += strlen(d->r.features[j]) + 1;
    char *text = d->r.features ? calloc(len, 1) : NULL;
    for (int j = 0; text && j < d->r.n_in; j++) {
        strcat(text, j ? "," : "");
        strcat(text, d->r.features[j]);
    }
    if (text)
        pipe_metric_string(ctx, "features", text);
    free(text);
}

static void report(pipe_ctx *ctx, cls_kind kind, const cls_data *d, double threshold,
                   double seconds)
{
    pipe_metric_string(ctx, "kind", cls_kind_name(kind));
    report_features(ctx, d);
    pipe_metric(ctx, "rows_train", (double)d->r.n_train);
    pipe_metric(ctx, "rows_val", (double)d->r.n_val);
    if (d->classes.k) {
        pipe_metric(ctx, "classes", d->classes.k);
    } else {
        pipe_metric(ctx, "class_weight.0", d->class_weight[0]);
        pipe_metric(ctx, "class_weight.1", d->class_weight[1]);
        pipe_metric(ctx, "threshold", threshold);
    }
    pipe_info(ctx, "train_seconds", seconds);
    pipe_log(ctx, "%s fitted in %.3f s", cls_kind_name(kind), seconds);
}

/* The model file and the ONNX export (parameter export) with the
 * stage's metadata: kind, head, and the threshold (binary) or the class
 * names (multiclass). */
static int save_model(pipe_ctx *ctx, pipe_nn_model *m, cls_kind kind, double threshold,
                      const cls_data *d)
{
    const char *save = pipe_param_string(ctx, "save");
    char name[512], threshold_text[32];
    snprintf(name, sizeof name, "%s.safetensors", pipe_stage_id(ctx));
    snprintf(threshold_text, sizeof threshold_text, "%.17g", threshold);
    pipe_nn_st_meta meta[4] = {{"stage", "classifier"},
                               {"kind", cls_kind_name(kind)},
                               {"head", d->classes.k ? "multiclass" : "binary"},
                               {"threshold", threshold_text}};
    const char *path = !save[0] ? "" : strcmp(save, "auto") ? save : name;
    return pipe_nn_stage_save_classes(ctx, m, &d->r, path, meta, d->classes.k ? 3 : 4, &d->classes,
                                      NULL);
}

/* head: multiclass: fit, publish the probabilities and the argmax, save. */
static int fit_and_publish_classes(pipe_ctx *ctx, cls_kind kind, cls_data *d)
{
    double start = pipe_seconds();
    pipe_nn_model *m = fit(ctx, kind, d);
    double seconds = pipe_seconds() - start;
    int rc = m ? pipe_nn_stage_publish_classes(ctx, m, &d->r, &d->classes) : -1;
    if (rc == 0) {
        report(ctx, kind, d, 0, seconds);
        rc = save_model(ctx, m, kind, 0, d);
    }
    pipe_nn_model_free(m);
    return rc;
}

/* Fit, score, decide, publish and save; d is read. */
static int fit_and_publish(pipe_ctx *ctx, cls_kind kind, cls_data *d)
{
    int tune;
    pipe_nn_objective objective;
    if (read_tuning(ctx, kind, d, &tune, &objective) != 0)
        return -1;
    double start = pipe_seconds();
    pipe_nn_model *m = fit(ctx, kind, d);
    double seconds = pipe_seconds() - start, threshold = 0;
    pipe_tensor *score = m ? pipe_nn_stage_predict_all(ctx, m, &d->r) : NULL;
    int rc = score ? decide_threshold(ctx, d, score->data, tune, objective, &threshold) : -1;
    if (rc == 0) {
        if (kind == CLS_CUT)
            cls_report_cut(ctx, m, d, threshold);
        report(ctx, kind, d, threshold, seconds);
        rc = cls_publish(ctx, score, threshold);
        score = NULL;
    }
    if (rc == 0)
        rc = save_model(ctx, m, kind, threshold, d);
    pipe_tensor_release(score);
    pipe_nn_model_free(m);
    return rc;
}

int cls_train(pipe_ctx *ctx)
{
    cls_kind kind = (cls_kind)cls_kind_parse(pipe_param_string(ctx, "kind"));
    if (kind != CLS_NETWORK && pipe_output_wanted(ctx, "history"))
        return pipe_error(ctx, "output 'history' is only made with kind: network (kind is %s)",
                          cls_kind_name(kind));
    cls_data d = {0};
    int rc = cls_data_read(ctx, &d);
    if (rc == 0)
        rc = d.classes.k ? fit_and_publish_classes(ctx, kind, &d) : fit_and_publish(ctx, kind, &d);
    cls_data_free(&d);
    return rc;
}
