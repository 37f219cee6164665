/*
 * weighted_report.c — the metrics stage's weighted metrics: with the
 * input "weight" mapped, every model (pred, pred2, ...) also gets its
 * metrics with each row weighted as scikit-learn's sample_weight, under
 * weighted.* (after the model's prefix when there are several):
 * weighted.sum, weighted.mae, .mse, .rmse, .r2 (regression),
 * weighted.accuracy, .precision, .recall, .f1, .roc_auc and
 * .confusion.tp/fp/tn/fn at the fixed threshold (classification), or
 * weighted.accuracy, .macro_f1, .weighted_f1, .log_loss (multiclass).
 */
#include "weighted_report.h"
#include "metrics_weighted.h"
#include "models.h"

#include <math.h>
#include <stdio.h>

/* The metrics `keys` ("weighted." + key) of one model, or the error. */
static int publish(pipe_ctx *ctx, const char *prefix, int rc, const char *err,
                   const char *const *keys, const double *values, size_t n)
{
    if (rc != 0)
        return pipe_error(ctx, "input 'weight' ('%s'): %s", pipe_input_name(ctx, "weight"), err);
    for (size_t k = 0; k < n; k++) {
        char key[64];
        snprintf(key, sizeof key, "weighted.%s", keys[k]);
        metrics_metric(ctx, prefix, key, values[k]);
    }
    return 0;
}

static int regression(pipe_ctx *ctx, const metrics_rows *rows, const metrics_models *m, int i)
{
    pipe_metrics_weighted_regression r;
    char err[256];
    int rc = pipe_metrics_weighted_regress(m->pred[i], rows->truth, rows->weight, rows->n, &r, err,
                                           sizeof err);
    static const char *const keys[] = {"sum", "mae", "mse", "rmse", "r2"};
    const double values[] = {r.sum_w, r.mae, r.mse, r.rmse, r.r2};
    return publish(ctx, m->prefix[i], rc, err, keys, values, PIPE_COUNT(keys));
}

static int classification(pipe_ctx *ctx, const metrics_rows *rows, const metrics_models *m, int i)
{
    pipe_metrics_weighted_classification c;
    char err[256];
    int rc =
        pipe_metrics_weighted_classify(m->pred[i], rows->truth, rows->weight, rows->n,
                                       pipe_param_float(ctx, "threshold"), &c, err, sizeof err);
    static const char *const keys[] = {"sum",          "accuracy",     "precision",
                                       "recall",       "f1",           "confusion.tp",
                                       "confusion.fp", "confusion.tn", "confusion.fn"};
    const double values[] = {c.sum_w, c.accuracy, c.precision, c.recall, c.f1,
                             c.tp,    c.fp,       c.tn,        c.fn};
    if (publish(ctx, m->prefix[i], rc, err, keys, values, PIPE_COUNT(keys)) != 0)
        return -1;
    if (c.auc_reason)
        pipe_warn(ctx, "%s: no weighted ROC AUC: %s", m->name[i], c.auc_reason);
    else
        metrics_metric(ctx, m->prefix[i], "weighted.roc_auc", c.roc_auc);
    return 0;
}

static int multiclass(pipe_ctx *ctx, const metrics_rows *rows, const metrics_models *m, int i)
{
    pipe_metrics_weighted_multiclass_result c;
    char err[256];
    int rc = pipe_metrics_weighted_multiclass(m->pred[i], rows->truth, rows->weight, rows->n,
                                              rows->k, &c, err, sizeof err);
    static const char *const keys[] = {"sum", "accuracy", "macro_f1", "weighted_f1", "log_loss"};
    const double values[] = {c.sum_w, c.accuracy, c.macro_f1, c.weighted_f1, c.log_loss};
    return publish(ctx, m->prefix[i], rc, err, keys, values, PIPE_COUNT(keys));
}

int metrics_weighted_report(pipe_ctx *ctx, metrics_kind kind, const metrics_rows *rows)
{
    int (*report)(pipe_ctx *, const metrics_rows *, const metrics_models *, int) =
        kind == METRICS_MULTICLASS       ? multiclass
        : kind == METRICS_CLASSIFICATION ? classification
                                         : regression;
    metrics_models m;
    metrics_models_init(ctx, rows, &m);
    for (int i = 0; i < m.n; i++)
        if (report(ctx, rows, &m, i) != 0)
            return -1;
    return 0;
}
