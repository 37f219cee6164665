/*
 * metrics_weighted.h — metrics with a weight per row, as scikit-learn
 * computes them with sample_weight:
 *
 *   regression: MAE Σw|e| / Σw, MSE Σw e² / Σw, RMSE, and R² = 1 −
 *   Σw e² / Σw (y − ȳ_w)², ȳ_w the weighted mean (r2_score);
 *   classification (truth 0/1, the class is score >= threshold): the
 *   confusion matrix as sums of weights, accuracy (tp + tn) / Σw,
 *   precision, recall, F1 from those sums (0 when a denominator is 0,
 *   zero_division=0), and ROC AUC as roc_auc_score: the trapezoidal area
 *   under the curve of cumulative weighted false and true positives over
 *   the distinct scores, from the highest down, each divided by its total;
 *   multi-class: accuracy, macro and support-weighted F1 from per-class
 *   sums of weights, and log loss (each row's term weighted).
 *
 * Negative weights (NLO generators' events) are allowed: the sums are
 * what they are. The ROC curve then need not be monotonic, and the area
 * is refused (NaN, with the reason) where scikit-learn's auc raises.
 */
#ifndef PIPE_METRICS_WEIGHTED_H
#define PIPE_METRICS_WEIGHTED_H

#include <stddef.h>
#include <stdint.h>

typedef struct pipe_metrics_weighted_regression {
    double sum_w, mae, mse, rmse, r2;
} pipe_metrics_weighted_regression;

/* Weighted regression metrics of n rows. 0, or -1 with err (no rows, a
 * weight sum of 0). */
int pipe_metrics_weighted_regress(const double *pred, const double *truth, const double *w,
                                  int64_t n, pipe_metrics_weighted_regression *out, char *err,
                                  size_t err_size);

typedef struct pipe_metrics_weighted_classification {
    double sum_w, tp, fp, tn, fn;
    double accuracy, precision, recall, f1;
    double roc_auc;         /* NaN when refused (auc_reason says why) */
    const char *auc_reason; /* static text, NULL when roc_auc is a number */
} pipe_metrics_weighted_classification;

/* Weighted classification metrics of n rows (truth 0 or 1). 0, or -1
 * with err (no rows, a weight sum of 0, a label other than 0/1, out of
 * memory). */
int pipe_metrics_weighted_classify(const double *score, const double *truth, const double *w,
                                   int64_t n, double threshold,
                                   pipe_metrics_weighted_classification *out, char *err,
                                   size_t err_size);

typedef struct pipe_metrics_weighted_multiclass_result {
    double sum_w, accuracy, macro_f1, weighted_f1, log_loss;
} pipe_metrics_weighted_multiclass_result;

/* Weighted multi-class metrics of n rows of k probabilities (truth the
 * class indices 0..k-1): accuracy, the macro and the support-weighted F1
 * from per-class sums of weights (labels=range(k), zero_division=0) and
 * log loss, as scikit-learn with sample_weight. 0, or -1 with err (no
 * rows, a weight sum of 0, a label out of range, out of memory). */
int pipe_metrics_weighted_multiclass(const double *proba, const double *truth, const double *w,
                                     int64_t n, int64_t k,
                                     pipe_metrics_weighted_multiclass_result *out, char *err,
                                     size_t err_size);

#endif
