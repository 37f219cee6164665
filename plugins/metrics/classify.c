/*
 * classify.c — the classification part of the metrics stage. Each model
 * (pred, pred2, ...; named by `names` or its tensor) gets its ROC AUC and,
 * at the fixed `threshold` and at its tuned threshold (the optional
 * threshold, threshold2, ... inputs), accuracy, precision, recall, F1 and
 * the confusion matrix, with scikit-learn's definitions. With one model
 * the keys are bare (accuracy, tuned.accuracy, roc_auc); with several they
 * start with the model's name (network.tuned.accuracy), which makes the
 * comparison table of metrics.json. The models, their names and the
 * comparison output are models.c's, shared with regression. See
 * classify.h.
 */
#include "classify.h"
#include "metrics_core.h"
#include "models.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const threshold_ports[METRICS_MAX_MODELS] = {"threshold", "threshold2",
                                                                "threshold3", "threshold4"};

/* What one model scored. */
typedef struct model_eval {
    const char *name, *prefix; /* models.c's */
    const double *score;
    int tuned_given;
    double tuned_threshold;
    pipe_metrics_classification fixed, tuned; /* fixed.roc_auc is the model's AUC */
} model_eval;

/* Ports and outputs a regression must not use. */
static int check_regression(pipe_ctx *ctx)
{
    int status = 0;
    for (int i = 0; i < METRICS_MAX_MODELS; i++)
        if (pipe_input_name(ctx, threshold_ports[i]))
            status = pipe_error(ctx, "input '%s' is only used with kind: classification",
                                threshold_ports[i]);
    if (pipe_output_name(ctx, "roc"))
        status = pipe_error(ctx, "output 'roc' is only made with kind: classification");
    return status;
}

int metrics_classify_check(pipe_ctx *ctx)
{
    if (strcmp(pipe_param_string(ctx, "kind"), "classification") != 0)
        return check_regression(ctx);
    int n = metrics_model_count(ctx), status = 0;
    for (int i = n; i < METRICS_MAX_MODELS; i++)
        if (pipe_input_name(ctx, threshold_ports[i]))
            status = pipe_error(ctx, "input '%s' is mapped but its scores '%s' are not",
                                threshold_ports[i], metrics_pred_port(i));
    return status;
}

/* The single value of threshold input i; 0, or -1 (reported). */
static int read_threshold(pipe_ctx *ctx, int i, double *value)
{
    const pipe_tensor *t = pipe_input(ctx, threshold_ports[i]);
    if (pipe_tensor_count(t) != 1)
        return pipe_error(ctx, "input %s ('%s') must hold one value, found %lld",
                          threshold_ports[i], pipe_input_name(ctx, threshold_ports[i]),
                          (long long)pipe_tensor_count(t));
    *value = pipe_tensor_get(t, 0);
    if (isnan(*value))
        return pipe_error(ctx, "input %s ('%s') is NaN", threshold_ports[i],
                          pipe_input_name(ctx, threshold_ports[i]));
    return 0;
}

static int evaluate(pipe_ctx *ctx, const metrics_rows *rows, const metrics_models *models, int i,
                    model_eval *e)
{
    char err[256];
    e->name = models->name[i];
    e->prefix = models->prefix[i];
    e->score = models->pred[i];
    e->tuned_given = pipe_input(ctx, threshold_ports[i]) != NULL;
    if (e->tuned_given && read_threshold(ctx, i, &e->tuned_threshold) != 0)
        return -1;
    if (pipe_metrics_classify(e->score, rows->truth, rows->n, pipe_param_float(ctx, "threshold"),
                              &e->fixed, err, sizeof err) != 0 ||
        (e->tuned_given && pipe_metrics_classify(e->score, rows->truth, rows->n, e->tuned_threshold,
                                                 &e->tuned, err, sizeof err) != 0))
        return pipe_error(ctx, "%s: %s", e->name, err);
    return 0;
}

static void report_at(pipe_ctx *ctx, const char *prefix, const pipe_metrics_classification *m)
{
    metrics_metric(ctx, prefix, "accuracy", m->accuracy);
    metrics_metric(ctx, prefix, "precision", m->precision);
    metrics_metric(ctx, prefix, "recall", m->recall);
    metrics_metric(ctx, prefix, "f1", m->f1);
    metrics_metric(ctx, prefix, "confusion.tp", (double)m->tp);
    metrics_metric(ctx, prefix, "confusion.fp", (double)m->fp);
    metrics_metric(ctx, prefix, "confusion.tn", (double)m->tn);
    metrics_metric(ctx, prefix, "confusion.fn", (double)m->fn);
}

/* The background efficiency and rejection at 90 and 95 % signal
 * efficiency, read on the ROC curve. 0, or -1 (reported). */
static int report_working_points(pipe_ctx *ctx, const model_eval *e, const metrics_rows *rows)
{
    pipe_metrics_roc roc;
    char err[256], key[64];
    if (pipe_metrics_roc_curve(e->score, rows->truth, rows->n, &roc, err, sizeof err) != 0)
        return pipe_error(ctx, "%s: %s", e->name, err);
    static const int percent[2] = {90, 95};
    for (int i = 0; i < 2; i++) {
        double eff = pipe_metrics_bkg_eff_at(&roc, percent[i] / 100.0);
        if (isnan(eff))
            continue;
        snprintf(key, sizeof key, "bkg_eff_at_sig_eff_%d", percent[i]);
        metrics_metric(ctx, e->prefix, key, eff);
        snprintf(key, sizeof key, "bkg_rejection_at_sig_eff_%d", percent[i]);
        if (eff > 0)
            metrics_metric(ctx, e->prefix, key, 1 / eff);
        else
            pipe_log(ctx,
                     "%s: no background passes at %d %% signal efficiency: the rejection "
                     "is infinite and left out",
                     e->name, percent[i]);
    }
    pipe_metrics_roc_free(&roc);
    return 0;
}

static void report_model(pipe_ctx *ctx, const model_eval *e)
{
    const char *prefix = e->prefix;
    char tuned[96];
    if (!isnan(e->fixed.roc_auc))
        metrics_metric(ctx, prefix, "roc_auc", e->fixed.roc_auc);
    report_at(ctx, prefix, &e->fixed);
    if (!e->tuned_given)
        return;
    snprintf(tuned, sizeof tuned, "%stuned.", prefix);
    metrics_metric(ctx, tuned, "threshold", e->tuned_threshold);
    report_at(ctx, tuned, &e->tuned);
}

/* The metrics at the tuned threshold when there is one, else the fixed. */
static const pipe_metrics_classification *headline(const model_eval *e)
{
    return e->tuned_given ? &e->tuned : &e->fixed;
}

static void log_table(pipe_ctx *ctx, const model_eval *e, int n, int64_t rows, int64_t positives)
{
    pipe_log(ctx, "%lld rows, %lld of class 1; at each model's threshold:", (long long)rows,
             (long long)positives);
    pipe_log(ctx, "  %-16s %9s %9s %9s %9s %9s %9s  %s", "model", "threshold", "ROC AUC",
             "accuracy", "precision", "recall", "F1", "tp fp tn fn");
    double fixed = pipe_param_float(ctx, "threshold");
    for (int i = 0; i < n; i++) {
        const pipe_metrics_classification *m = headline(&e[i]);
        pipe_log(ctx, "  %-16s %9.5g %9.5f %9.5f %9.5f %9.5f %9.5f  %lld %lld %lld %lld", e[i].name,
                 e[i].tuned_given ? e[i].tuned_threshold : fixed, e[i].fixed.roc_auc, m->accuracy,
                 m->precision, m->recall, m->f1, (long long)m->tp, (long long)m->fp,
                 (long long)m->tn, (long long)m->fn);
    }
    if (isnan(e[0].fixed.roc_auc))
        pipe_warn(ctx, "only one class among the true values: ROC AUC is undefined");
}

enum { C_AUC, C_ACC, C_PRECISION, C_RECALL, C_F1, C_THRESHOLD, C_COLS };

/* The comparison output: one row per model. */
static int publish_comparison(pipe_ctx *ctx, const model_eval *e, int n)
{
    static const char *const columns[C_COLS] = {"roc_auc", "accuracy", "precision",
                                                "recall",  "f1",       "threshold"};
    double values[METRICS_MAX_MODELS * C_COLS], *row = values;
    for (int i = 0; i < n; i++, row += C_COLS) {
        const pipe_metrics_classification *m = headline(&e[i]);
        row[C_AUC] = e[i].fixed.roc_auc;
        row[C_ACC] = m->accuracy;
        row[C_PRECISION] = m->precision;
        row[C_RECALL] = m->recall;
        row[C_F1] = m->f1;
        row[C_THRESHOLD] =
            e[i].tuned_given ? e[i].tuned_threshold : pipe_param_float(ctx, "threshold");
    }
    return metrics_publish_comparison(ctx, columns, C_COLS, values, n);
}

/* The roc output: columns model (0 for pred, 1 for pred2, ...),
 * threshold, fpr, tpr; the models one after the other. */
static int publish_roc(pipe_ctx *ctx, const model_eval *e, int n, const metrics_rows *rows)
{
    static const char *const columns[4] = {"model", "threshold", "fpr", "tpr"};
    pipe_metrics_roc curves[METRICS_MAX_MODELS] = {{0}};
    int64_t total = 0;
    char err[256];
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        if (pipe_metrics_roc_curve(e[i].score, rows->truth, rows->n, &curves[i], err, sizeof err))
            rc = pipe_error(ctx, "%s: %s", e[i].name, err);
        total += curves[i].count;
    }
    pipe_tensor *t = rc == 0 ? pipe_tensor_new2(PIPE_F64, total, 4) : NULL;
    if (rc == 0 && (!t || pipe_tensor_set_columns(t, columns, 4) != 0))
        rc = pipe_error(ctx, "out of memory");
    double *row = t && rc == 0 ? t->data : NULL;
    for (int i = 0; row && i < n; i++)
        for (int64_t k = 0; k < curves[i].count; k++, row += 4) {
            row[0] = i;
            row[1] = curves[i].threshold[k];
            row[2] = curves[i].fpr[k];
            row[3] = curves[i].tpr[k];
        }
    for (int i = 0; i < n; i++)
        pipe_metrics_roc_free(&curves[i]);
    if (rc != 0) {
        pipe_tensor_release(t);
        return rc;
    }
    return pipe_output(ctx, "roc", t);
}

int metrics_classify_report(pipe_ctx *ctx, const metrics_rows *rows)
{
    metrics_models models;
    metrics_models_init(ctx, rows, &models);
    int n = models.n;
    model_eval e[METRICS_MAX_MODELS];
    for (int i = 0; i < n; i++)
        if (evaluate(ctx, rows, &models, i, &e[i]) != 0)
            return -1;
    int64_t positives = e[0].fixed.tp + e[0].fixed.fn;
    pipe_metric(ctx, "count", (double)rows->n);
    pipe_metric(ctx, "positives", (double)positives);
    for (int i = 0; i < n; i++) {
        report_model(ctx, &e[i]);
        if (report_working_points(ctx, &e[i], rows) != 0)
            return -1;
    }
    log_table(ctx, e, n, rows->n, positives);
    int rc = 0;
    if (pipe_output_wanted(ctx, "comparison"))
        rc = publish_comparison(ctx, e, n);
    if (rc == 0 && pipe_output_wanted(ctx, "roc"))
        rc = publish_roc(ctx, e, n, rows);
    return rc;
}
