/*
 * plugin.c — the `metrics` stage: the SDK adapter around pipe_metrics
 * (metrics_core.h). Evaluates predictions against true values on one part
 * of the split, sets the metrics (regression here, classifications of up
 * to four models in classify.c), and writes the predictions CSV.
 */
#include "classify.h"
#include "metrics_core.h"
#include "rows.h"

#include <pipe/pipe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const pipe_param_decl metrics_params[] = {
    {"kind", PIPE_PARAM_CHOICE, "regression", 0, 0, "regression|classification",
     "regression: MAE, MSE, RMSE, R2, median and relative errors, MAE per mass bin; "
     "classification (true 0/1, pred a score): accuracy, precision, recall, F1, ROC AUC, "
     "confusion matrix"},
    {"part", PIPE_PARAM_CHOICE, "test", 0, 0, "train|val|test|all",
     "rows evaluated: one part of the split input, or all (without a split input: all rows)"},
    {"bins", PIPE_PARAM_FLOAT_LIST, "[2, 5, 12, 60, 80, 100, 110]", 0, 0, NULL,
     "mass bin edges for the MAE per bin (needs the mass input); [lo, hi), the last bin "
     "closed"},
    {"threshold", PIPE_PARAM_FLOAT, "0.5", 0, 0, NULL,
     "classification: a score >= threshold predicts class 1 (the fixed threshold; each model's "
     "tuned one comes from its threshold input)"},
    {"names", PIPE_PARAM_STRING_LIST, "[]", 0, 0, NULL,
     "classification: names of the models pred, pred2, ... in metric keys and logs ([]: their "
     "tensor names)"},
    {"predictions_file", PIPE_PARAM_STRING, "", 0, 0, NULL,
     "write the evaluated rows (true, pred, abs_error) to this CSV in the output directory "
     "(\"\": none)"},
};

static const pipe_port_decl metrics_inputs[] = {
    {"pred", PIPE_DT_ANY, 0, 0, "predictions (rank 1 or N x 1)"},
    {"true", PIPE_DT_ANY, 0, 0, "true values (rank 1 or N x 1)"},
    {"split", PIPE_DT_INT, 1, 1, "the row split; part chooses the rows evaluated"},
    {"mass", PIPE_DT_ANY, 0, 1, "the mass per row, for the MAE per mass bin"},
    {"pred2", PIPE_DT_ANY, 0, 1, "classification: the score of a second model, compared with pred"},
    {"pred3", PIPE_DT_ANY, 0, 1, "classification: the score of a third model"},
    {"pred4", PIPE_DT_ANY, 0, 1, "classification: the score of a fourth model"},
    {"threshold", PIPE_DT_FLOAT, 0, 1,
     "classification: the tuned threshold of pred (one value, e.g. the classifier's threshold "
     "output); metrics at it are reported as tuned.*"},
    {"threshold2", PIPE_DT_FLOAT, 0, 1, "classification: the tuned threshold of pred2"},
    {"threshold3", PIPE_DT_FLOAT, 0, 1, "classification: the tuned threshold of pred3"},
    {"threshold4", PIPE_DT_FLOAT, 0, 1, "classification: the tuned threshold of pred4"},
};

static const pipe_port_decl metrics_outputs[] = {
    {"roc", PIPE_DT(PIPE_F64), 2, 1,
     "classification: the ROC curve of every model as scikit-learn's roc_curve gives it, "
     "columns model (0 for pred, 1 for pred2, ...), threshold, fpr, tpr"},
    {"comparison", PIPE_DT(PIPE_F64), 2, 1,
     "classification: one row per model, columns roc_auc, accuracy, precision, recall, f1, "
     "threshold (at the tuned threshold when given), e.g. for the plotter's bars"},
};

/* The bin edges (malloc'd, *n of them). NULL after a reported error. */
static double *read_edges(pipe_ctx *ctx, size_t *n)
{
    *n = pipe_param_count(ctx, "bins");
    double *edges = malloc((*n + 1) * sizeof *edges);
    for (size_t i = 0; edges && i < *n; i++)
        edges[i] = pipe_param_float_at(ctx, "bins", i);
    char err[256] = "out of memory";
    if (!edges || pipe_metrics_check_edges(edges, *n, err, sizeof err) != 0) {
        free(edges);
        pipe_param_error(ctx, "bins", "%s", err);
        return NULL;
    }
    return edges;
}

static int metrics_check(pipe_ctx *ctx)
{
    const char *part = pipe_param_string(ctx, "part");
    if (strcmp(part, "all") != 0 && pipe_param_given(ctx, "part") && !pipe_input_name(ctx, "split"))
        return pipe_param_error(ctx, "part",
                                "is '%s' but there is no split input (map inputs: "
                                "{split: ...}, or write part: all)",
                                part);
    size_t n;
    double *edges = read_edges(ctx, &n);
    free(edges);
    int classify = metrics_classify_check(ctx);
    return edges && classify == 0 ? 0 : -1;
}

/* "80" or "2p5": a bin edge as a metric key part (dots would nest). */
static void edge_key(double edge, char *buf, size_t size)
{
    snprintf(buf, size, "%g", edge);
    for (char *c = buf; *c; c++)
        if (*c == '.')
            *c = 'p';
}

static int report_bins(pipe_ctx *ctx, const metrics_rows *rows)
{
    size_t n_edges;
    double *edges = read_edges(ctx, &n_edges);
    pipe_metrics_bin *bins = edges ? calloc(n_edges, sizeof *bins) : NULL;
    if (!bins) {
        free(edges);
        return edges ? pipe_error(ctx, "out of memory") : -1;
    }
    pipe_metrics_bins(rows->pred, rows->truth, rows->mass, rows->n, edges, n_edges, bins);
    for (size_t b = 0; b + 1 < n_edges; b++) {
        char lo[32], hi[32], key[96];
        edge_key(bins[b].lo, lo, sizeof lo);
        edge_key(bins[b].hi, hi, sizeof hi);
        snprintf(key, sizeof key, "mass_bins.%s-%s.count", lo, hi);
        pipe_metric(ctx, key, (double)bins[b].count);
        if (bins[b].count == 0)
            continue;
        snprintf(key, sizeof key, "mass_bins.%s-%s.mae", lo, hi);
        pipe_metric(ctx, key, bins[b].mae);
        pipe_log(ctx, "mass [%g, %g%s: %lld rows, MAE %.4g", bins[b].lo, bins[b].hi,
                 b + 2 == n_edges ? "]" : ")", (long long)bins[b].count, bins[b].mae);
    }
    free(bins);
    free(edges);
    return 0;
}

static int report_regression(pipe_ctx *ctx, const metrics_rows *rows)
{
    pipe_metrics_regression m;
    char err[256];
    if (pipe_metrics_regress(rows->pred, rows->truth, rows->n, &m, err, sizeof err) != 0)
        return pipe_error(ctx, "%s", err);
    pipe_metric(ctx, "count", (double)m.count);
    pipe_metric(ctx, "mae", m.mae);
    pipe_metric(ctx, "mse", m.mse);
    pipe_metric(ctx, "rmse", m.rmse);
    pipe_metric(ctx, "r2", m.r2);
    pipe_metric(ctx, "median_ae", m.median_ae);
    if (m.rel_count > 0) {
        pipe_metric(ctx, "rel_err.p50", m.rel_p50);
        pipe_metric(ctx, "rel_err.p90", m.rel_p90);
        pipe_metric(ctx, "rel_err.p99", m.rel_p99);
    }
    if (m.rel_count < m.count)
        pipe_warn(ctx, "%lld rows with a true value of 0 are left out of the relative errors",
                  (long long)(m.count - m.rel_count));
    pipe_log(ctx,
             "%lld rows: MAE %.6g, RMSE %.6g, R2 %.6f, median AE %.4g, relative error "
             "p50 %.3g p90 %.3g p99 %.3g",
             (long long)m.count, m.mae, m.rmse, m.r2, m.median_ae, m.rel_p50, m.rel_p90, m.rel_p99);
    return rows->mass ? report_bins(ctx, rows) : 0;
}

static int metrics_run(pipe_ctx *ctx, void *state)
{
    (void)state;
    metrics_rows rows;
    if (metrics_rows_gather(ctx, &rows) != 0)
        return -1;
    int classification = strcmp(pipe_param_string(ctx, "kind"), "classification") == 0;
    int status =
        classification ? metrics_classify_report(ctx, &rows) : report_regression(ctx, &rows);
    const char *file = pipe_param_string(ctx, "predictions_file");
    if (status == 0 && file[0])
        status = metrics_rows_write(ctx, &rows, file);
    metrics_rows_free(&rows);
    return status;
}

static const pipe_plugin metrics_plugin = {
    PIPE_PLUGIN_ABI,
    .name = "metrics",
    .version = "1.0.0",
    .summary = "evaluate predictions: regression (MAE, RMSE, R2, ...) or classification metrics",
    .description =
        "Evaluates pred against true on one part of the split (part) or all rows. "
        "Regression, with scikit-learn's definitions: mae, mse, rmse, r2 (1 - SS_res/SS_tot), "
        "median_ae, rel_err.p50/p90/p99 (|pred - true| / |true|, percentiles interpolated "
        "linearly like numpy), mass_bins.<lo>-<hi>.mae and .count per mass bin (mass input; "
        "a '.' in an edge is written 'p'), count. Classification of up to four models (pred "
        "to pred4): count, positives, and per model roc_auc (ties averaged, as scikit-learn), "
        "accuracy, precision, recall, f1, confusion.tp/fp/tn/fn at the fixed threshold and the "
        "same under tuned.* at the model's threshold input; keys start with the model's name "
        "when there are several (the comparison table). Outputs: the ROC curves and the "
        "comparison as tables. predictions_file writes the evaluated rows (of pred) as CSV.",
    .params = metrics_params,
    .n_params = PIPE_COUNT(metrics_params),
    .inputs = metrics_inputs,
    .n_inputs = PIPE_COUNT(metrics_inputs),
    .outputs = metrics_outputs,
    .n_outputs = PIPE_COUNT(metrics_outputs),
    .check = metrics_check,
    .run = metrics_run,
};

PIPE_PLUGIN_DEFINE(metrics_plugin)
