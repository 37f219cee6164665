/*
 * weighted_report.c — the metrics stage's weighted metrics: with the
 * input "weight" mapped, every model (pred, pred2, ...) also gets its
 * metrics with each row weighted as scikit-learn's sample_weight, under
 * weighted.* (after the model's prefix when there are several):
 * weighted.sum, weighted.mae, .mse, .rmse, .r2 (regression), or
 * weighted.accuracy, .precision, .recall, .f1, .roc_auc and
 * .confusion.tp/fp/tn/fn at the fixed threshold (classification).
 */
#include "weighted_report.h"
#include "metrics_weighted.h"
#include "models.h"

#include <math.h>
#include <stdio.h>

static int regression(pipe_ctx *ctx, const metrics_rows *rows, const metrics_models *m, int i)
{
    pipe_metrics_weighted_regression r;
    char err[256];
    if (pipe_metrics_weighted_regress(m->pred[i], rows->truth, rows->weight, rows->n, &r, err,
                                      sizeof err) != 0)
        return pipe_error(ctx, "input 'weight' ('%s'): %s", pipe_input_name(ctx, "weight"), err);
    const char *p = m->prefix[i];
    metrics_metric(ctx, p, "weighted.sum", r.sum_w);
    metrics_metric(ctx, p, "weighted.mae", r.mae);
    metrics_metric(ctx, p, "weighted.mse", r.mse);
    metrics_metric(ctx, p, "weighted.rmse", r.rmse);
    metrics_metric(ctx, p, "weighted.r2", r.r2);
    return 0;
}

static int classification(pipe_ctx *ctx, const metrics_rows *rows, const metrics_models *m, int i)
{
    pipe_metrics_weighted_classification c;
    char err[256];
    if (pipe_metrics_weighted_classify(m->pred[i], rows->truth, rows->weight, rows->n,
                                       pipe_param_float(ctx, "threshold"), &c, err,
                                       sizeof err) != 0)
        return pipe_error(ctx, "input 'weight' ('%s'): %s", pipe_input_name(ctx, "weight"), err);
    const char *p = m->prefix[i];
    const char *const keys[] = {
        "weighted.sum",          "weighted.accuracy",     "weighted.precision",
        "weighted.recall",       "weighted.f1",           "weighted.confusion.tp",
        "weighted.confusion.fp", "weighted.confusion.tn", "weighted.confusion.fn"};
    const double values[] = {c.sum_w, c.accuracy, c.precision, c.recall, c.f1,
                             c.tp,    c.fp,       c.tn,        c.fn};
    for (size_t k = 0; k < PIPE_COUNT(keys); k++)
        metrics_metric(ctx, p, keys[k], values[k]);
    if (c.auc_reason)
        pipe_warn(ctx, "%s: no weighted ROC AUC: %s", m->name[i], c.auc_reason);
    else
        metrics_metric(ctx, p, "weighted.roc_auc", c.roc_auc);
    return 0;
}

int metrics_weighted_report(pipe_ctx *ctx, metrics_kind kind, const metrics_rows *rows)
{
    if (kind == METRICS_MULTICLASS)
        return pipe_error(ctx, "input 'weight' is used by kinds regression and classification; "
                               "weighted multi-class metrics are not implemented");
    metrics_models m;
    metrics_models_init(ctx, rows, &m);
    for (int i = 0; i < m.n; i++)
        if ((kind == METRICS_CLASSIFICATION ? classification : regression)(ctx, rows, &m, i) != 0)
            return -1;
    return 0;
}
