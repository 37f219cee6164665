/*
 * plugin.c — the `metrics` stage: the SDK adapter around pipe_metrics
 * (metrics_core.h). Evaluates predictions against true values on one part
 * of the split, sets the metrics of up to four models (regression in
 * regress.c, binary classification in classify.c, multi-class in
 * multiclass_report.c, the models they share in models.c), and writes the
 * predictions CSV.
 */
#include "classify.h"
#include "models.h"
#include "multiclass_report.h"
#include "regress.h"
#include "rows.h"
#include "weighted_report.h"
#include "window_report.h"

#include <pipe/pipe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const pipe_param_decl metrics_params[] = {
    {"kind", PIPE_PARAM_CHOICE, "regression", 0, 0, "regression|classification|multiclass|windows",
     "regression: MAE, MSE, RMSE, R2, median and relative errors, MAE per mass bin; "
     "classification (true 0/1, pred a score): accuracy, precision, recall, F1, ROC AUC, "
     "background efficiency and rejection at 90 and 95 % signal efficiency, confusion matrix; "
     "multiclass (true 0..K-1, pred an N x K table of class probabilities): accuracy, "
     "per-class and macro/weighted F1, log loss, one-vs-rest ROC AUC, K x K confusion; "
     "windows (no true values): the predicted classes of pred counted inside each window of "
     "the mass input. Not given: multiclass when pred has 2 or more columns, else regression"},
    {"part", PIPE_PARAM_CHOICE, "test", 0, 0, "train|val|test|all",
     "rows evaluated: one part of the split input, or all (without a split input: all rows)"},
    {"bins", PIPE_PARAM_FLOAT_LIST, "[2, 5, 12, 60, 80, 100, 110]", 0, 0, NULL,
     "mass bin edges for the MAE per bin (needs the mass input); [lo, hi), the last bin "
     "closed"},
    {"threshold", PIPE_PARAM_FLOAT, "0.5", 0, 0, NULL,
     "classification: a score >= threshold predicts class 1 (the fixed threshold; each model's "
     "tuned one comes from its threshold input)"},
    {"names", PIPE_PARAM_STRING_LIST, "[]", 0, 0, NULL,
     "names of the models pred, pred2, ... in metric keys and logs ([]: their tensor names)"},
    {"classes", PIPE_PARAM_STRING_LIST, "[]", 0, 0, NULL,
     "multiclass: the names of classes 0..K-1 in metric keys ([]: pred's column names)"},
    {"stages", PIPE_PARAM_STRING_LIST, "[]", 0, 0, NULL,
     "multiclass: the ids of the stages that made pred, pred2, ...; the comparison output "
     "takes each model's params metric and train_seconds and us_per_step (run.json) from them "
     "([]: those columns are NaN)"},
    {"windows", PIPE_PARAM_FLOAT_LIST, "[]", 0, 0, NULL,
     "windows: closed windows [lo, hi] of the mass input as pairs lo, hi, lo, hi, ...; in each, "
     "the count and fraction of rows of every predicted class"},
    {"predictions_file", PIPE_PARAM_STRING, "", 0, 0, NULL,
     "write the evaluated rows (true, pred, abs_error) to this CSV in the output directory "
     "(\"\": none)"},
};

static const pipe_port_decl metrics_inputs[] = {
    {"pred", PIPE_DT_ANY, 0, 0,
     "predictions (rank 1 or N x 1); multiclass: an N x K table of class probabilities"},
    {"true", PIPE_DT_ANY, 0, 1,
     "true values (rank 1 or N x 1); multiclass: class indices 0..K-1 (needed by every kind but "
     "windows)"},
    {"split", PIPE_DT_INT, 1, 1, "the row split; part chooses the rows evaluated"},
    {"mass", PIPE_DT_ANY, 0, 1,
     "the mass per row, for the MAE per mass bin; windows: the column the windows are cut in"},
    {"pred2", PIPE_DT_ANY, 0, 1,
     "the predictions (or scores) of a second model on the same rows, compared with pred"},
    {"pred3", PIPE_DT_ANY, 0, 1, "the predictions (or scores) of a third model"},
    {"pred4", PIPE_DT_ANY, 0, 1, "the predictions (or scores) of a fourth model"},
    {"threshold", PIPE_DT_FLOAT, 0, 1,
     "classification: the tuned threshold of pred (one value, e.g. the classifier's threshold "
     "output); metrics at it are reported as tuned.*"},
    {"threshold2", PIPE_DT_FLOAT, 0, 1, "classification: the tuned threshold of pred2"},
    {"threshold3", PIPE_DT_FLOAT, 0, 1, "classification: the tuned threshold of pred3"},
    {"threshold4", PIPE_DT_FLOAT, 0, 1, "classification: the tuned threshold of pred4"},
    {"weight", PIPE_DT_FLOAT, 0, 1,
     "an event weight per row (rank 1 or N x 1, e.g. split's weight output): every model also "
     "gets weighted.* metrics, as scikit-learn's sample_weight (every kind)"},
};

static const pipe_port_decl metrics_outputs[] = {
    {"roc", PIPE_DT(PIPE_F64), 2, 1,
     "classification: the ROC curve of every model as scikit-learn's roc_curve gives it, "
     "columns model (0 for pred, 1 for pred2, ...), threshold, fpr, tpr"},
    {"comparison", PIPE_DT(PIPE_F64), 2, 1,
     "one row per model, e.g. for the plotter's bars; regression: columns mae, rmse, r2, "
     "median_ae; classification: roc_auc, accuracy, precision, recall, f1, threshold (at the "
     "tuned threshold when given); multiclass: accuracy, macro_f1, weighted_f1, log_loss, "
     "roc_auc (macro), params, train_seconds, us_per_step"},
};

static int metrics_check(pipe_ctx *ctx)
{
    const char *part = pipe_param_string(ctx, "part");
    if (strcmp(part, "all") != 0 && pipe_param_given(ctx, "part") && !pipe_input_name(ctx, "split"))
        return pipe_param_error(ctx, "part",
                                "is '%s' but there is no split input (map inputs: "
                                "{split: ...}, or write part: all)",
                                part);
    if (pipe_check_output_param(ctx, "predictions_file", 0) != 0)
        return -1;
    size_t n;
    double *edges = metrics_read_edges(ctx, &n);
    free(edges);
    int models = metrics_models_check(ctx), classify = metrics_classify_check(ctx);
    int multiclass = metrics_multiclass_check(ctx), windows = metrics_windows_check(ctx);
    return edges && models == 0 && classify == 0 && multiclass == 0 && windows == 0 ? 0 : -1;
}

static int metrics_run(pipe_ctx *ctx, void *state)
{
    (void)state;
    if (metrics_is_windows(ctx))
        return metrics_windows_report(ctx);
    metrics_rows rows;
    metrics_kind kind = metrics_kind_of(ctx);
    static const char *const multiclass_only[2] = {"classes", "stages"};
    for (int i = 0; i < 2 && kind != METRICS_MULTICLASS; i++)
        if (pipe_param_given(ctx, multiclass_only[i]))
            return pipe_param_error(ctx, multiclass_only[i],
                                    "is only used with kind: multiclass, but pred ('%s') has one "
                                    "column: kind is inferred as regression",
                                    pipe_input_name(ctx, "pred"));
    if (metrics_rows_gather(ctx, kind, &rows) != 0)
        return -1;
    const char **classes = kind == METRICS_MULTICLASS ? metrics_class_names(ctx, rows.k) : NULL;
    int status = kind == METRICS_MULTICLASS && !classes ? -1 : 0;
    if (status == 0)
        status = kind == METRICS_MULTICLASS       ? metrics_multiclass_report(ctx, &rows, classes)
                 : kind == METRICS_CLASSIFICATION ? metrics_classify_report(ctx, &rows)
                                                  : metrics_regress_report(ctx, &rows);
    if (status == 0 && rows.weight)
        status = metrics_weighted_report(ctx, kind, &rows);
    const char *file = pipe_param_string(ctx, "predictions_file");
    if (status == 0 && file[0])
        status = metrics_rows_write(ctx, &rows, classes, file);
    free(classes);
    metrics_rows_free(&rows);
    return status;
}

static const pipe_plugin metrics_plugin = {
    PIPE_PLUGIN_ABI,
    .name = "metrics",
    .version = "1.0.0",
    .summary = "evaluate and compare predictions: regression (MAE, RMSE, R2, ...), binary or "
               "multi-class classification metrics",
    .description =
        "Evaluates pred against true on one part of the split (part) or all rows. "
        "Regression, with scikit-learn's definitions: mae, mse, rmse, r2 (1 - SS_res/SS_tot), "
        "median_ae, rel_err.p50/p90/p99 (|pred - true| / |true|, percentiles interpolated "
        "linearly like numpy), mass_bins.<lo>-<hi>.mae and .count per mass bin (mass input; "
        "a '.' in an edge is written 'p'), count. Classification: count, positives, and per "
        "model roc_auc (ties averaged, as scikit-learn), "
        "accuracy, precision, recall, f1, confusion.tp/fp/tn/fn at the fixed threshold and the "
        "same under tuned.* at the model's threshold input, and bkg_eff_at_sig_eff_90/95 and "
        "bkg_rejection_at_sig_eff_90/95 (1/bkg_eff; left out when infinite), read on the ROC "
        "curve interpolated linearly. Multiclass (kind: multiclass, or pred with 2 or more "
        "columns): count, n_classes, and per model accuracy, macro_f1, weighted_f1, log_loss "
        "(probabilities clipped to [eps, 1-eps], eps = 2^-52, as scikit-learn 1.2), "
        "macro_roc_auc, classes.<class>.precision/recall/f1/support/roc_auc (zero_division=0) "
        "and confusion.<true>.<predicted> counts. Windows (kind: windows; no true input): pred's "
        "predicted class per row (class indices, or the argmax of a probability table) counted "
        "inside each closed window [lo, hi] of the mass input: count, "
        "windows.<lo>-<hi>.count and windows.<lo>-<hi>.<class>.count and .fraction. The other "
        "kinds compare up to four "
        "models (pred to pred4, named by names): the keys start with the model's name when "
        "there are several, and the comparison output has one row per model. Outputs: the "
        "comparison and (classification) the ROC curves as tables. predictions_file writes the "
        "evaluated rows (of pred) as CSV. With the weight input every model also gets "
        "weighted.sum and weighted.mae/mse/rmse/r2, or "
        "weighted.accuracy/precision/recall/f1/roc_auc/confusion.*, or "
        "weighted.accuracy/macro_f1/weighted_f1/log_loss (scikit-learn's sample_weight; "
        "negative weights allowed, the ROC AUC refused with a warning when they make the curve "
        "non-monotonic).",
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
