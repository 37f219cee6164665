/*
 * metrics_core.h — pipe_metrics: the logic of the `metrics` stage as pure
 * functions on arrays of predictions and true values.
 *
 * Regression, with scikit-learn's definitions: MAE, MSE, RMSE, R^2 =
 * 1 - SS_res / SS_tot (1 when both are 0, 0 when only SS_tot is), the
 * median absolute error, and percentiles of the relative error
 * |pred - true| / |true| over the rows with true != 0. Percentiles
 * interpolate linearly between order statistics like numpy's default:
 * at rank h = (n - 1) q / 100, s[floor h] + (h - floor h) (s[floor h + 1] -
 * s[floor h]).
 *
 * Classification (true 0/1, pred a score): the class is score >=
 * threshold; accuracy, precision, recall, F1 (0 when undefined, like
 * scikit-learn's zero_division default), the confusion matrix, ROC AUC
 * from ranks (tied scores get their average rank, which equals
 * scikit-learn's trapezoidal area) and the ROC curve's points.
 *
 * Multi-class (true a class index 0..K-1, pred an N x K table of
 * probabilities): the predicted class is the row's argmax (the first of
 * equal maxima, like numpy.argmax); accuracy, per-class precision, recall,
 * F1 and support, macro and support-weighted F1 (scikit-learn's
 * labels=range(K), zero_division=0: a class never predicted has precision
 * 0, an empty class recall 0, and both count in the macro mean), log loss
 * as scikit-learn 1.2's log_loss (each probability clipped to [eps, 1 -
 * eps] with eps the float64 machine epsilon 2^-52, the row renormalised to
 * sum 1), one-vs-rest ROC AUC per class (NaN for a class absent from or
 * alone in the true values) and their unweighted mean, and the K x K
 * confusion counts (rows = true class).
 *
 * Background efficiency at a signal efficiency: the false positive rate
 * on the ROC curve where the true positive rate reaches it, interpolated
 * linearly between the curve's two points around it.
 *
 * Link the static library `pipe_metrics_core` and include "metrics_core.h".
 */
#ifndef PIPE_METRICS_CORE_H
#define PIPE_METRICS_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pipe_metrics_regression {
    int64_t count;
    double mae, mse, rmse, r2, median_ae;
    int64_t rel_count; /* rows with true != 0, over which the relative errors go */
    double rel_p50, rel_p90, rel_p99;
} pipe_metrics_regression;

/* Regression metrics of n >= 1 pairs (no NaN). Returns 0, or -1 with the
 * reason in err (no rows, out of memory). */
int pipe_metrics_regress(const double *pred, const double *truth, int64_t n,
                         pipe_metrics_regression *out, char *err, size_t err_size);

/* Percentile q (0..100) of n >= 1 sorted values, interpolated linearly. */
double pipe_metrics_percentile(const double *sorted, int64_t n, double q);

/* One bin of the MAE per mass bin. */
typedef struct pipe_metrics_bin {
    double lo, hi;
    int64_t count;
    double mae; /* NaN when the bin is empty */
} pipe_metrics_bin;

/* Check bin edges: at least 2, strictly increasing, finite. 0, or -1 with
 * the reason in err. */
int pipe_metrics_check_edges(const double *edges, size_t n_edges, char *err, size_t err_size);

/* The bin of v among the n_edges - 1 bins [edges[i], edges[i+1]) (the
 * last includes its upper edge, like numpy.histogram): its index, -1 below
 * the first edge or for NaN, n_edges - 1 above the last. The metrics'
 * mass bins and the plotter's histograms both bin this way. */
int64_t pipe_metrics_bin_index(double v, const double *edges, size_t n_edges);

/* The MAE in the n_edges - 1 bins [edges[i], edges[i+1]) of `mass` (the
 * last bin includes its upper edge, like numpy.histogram); rows outside
 * every bin or with a NaN mass count in none. */
void pipe_metrics_bins(const double *pred, const double *truth, const double *mass, int64_t n,
                       const double *edges, size_t n_edges, pipe_metrics_bin *bins);

typedef struct pipe_metrics_classification {
    int64_t count, tp, fp, tn, fn;
    double accuracy, precision, recall, f1;
    double roc_auc; /* NaN when only one class is present */
} pipe_metrics_classification;

/* Classification metrics of n >= 1 rows: truth must be 0 or 1. Returns 0,
 * or -1 with the reason in err. */
int pipe_metrics_classify(const double *score, const double *truth, int64_t n, double threshold,
                          pipe_metrics_classification *out, char *err, size_t err_size);

/* ROC AUC of n scores with 0/1 truth by average ranks; NaN when one class
 * is missing. -1 on out of memory is reported as NaN too. */
double pipe_metrics_roc_auc(const double *score, const double *truth, int64_t n);

/*
 * The ROC curve as scikit-learn's roc_curve(y_true, y_score) returns it
 * (drop_intermediate=True): one point per distinct score, from the
 * highest down, where fpr and tpr are the fractions of negatives and
 * positives scored >= that threshold; a point is left out when it lies
 * on the straight line through its two neighbours with equal steps in
 * both the false and the true positives (the second differences of the
 * counts are both zero), except the first and last; then (0, 0) with
 * threshold +inf is put first. fpr (tpr) is NaN when there is no negative
 * (positive), as scikit-learn gives it with a warning.
 */
typedef struct pipe_metrics_roc {
    int64_t count;
    double *threshold, *fpr, *tpr; /* count values each, one allocation */
} pipe_metrics_roc;

/* Returns 0, or -1 with the reason in err (no rows, a label other than 0
 * and 1, out of memory). Free with pipe_metrics_roc_free. */
int pipe_metrics_roc_curve(const double *score, const double *truth, int64_t n,
                           pipe_metrics_roc *out, char *err, size_t err_size);
void pipe_metrics_roc_free(pipe_metrics_roc *roc);

/* The background efficiency (false positive rate) where the curve's
 * signal efficiency (true positive rate) reaches sig_eff in (0, 1]:
 * between the last point below sig_eff and the first at or above it,
 * interpolated linearly. NaN when the curve has no such points (one class
 * missing). Its background rejection is 1 / this (infinite when 0). */
double pipe_metrics_bkg_eff_at(const pipe_metrics_roc *roc, double sig_eff);

/* One class of a multi-class evaluation. */
typedef struct pipe_metrics_class {
    int64_t support, predicted;            /* rows of the class; rows predicted as it */
    double precision, recall, f1, roc_auc; /* roc_auc NaN when undefined */
} pipe_metrics_class;

typedef struct pipe_metrics_multiclass {
    int64_t count, k;
    double accuracy, macro_f1, weighted_f1, log_loss;
    double macro_roc_auc;        /* NaN when a class's AUC is undefined */
    pipe_metrics_class *classes; /* k of them */
    int64_t *confusion;          /* k x k: [true * k + predicted]; with classes, one allocation */
} pipe_metrics_multiclass;

/* The class a row of k probabilities predicts: the index of the first
 * maximum. */
int64_t pipe_metrics_argmax(const double *row, int64_t k);

/* Multi-class metrics of n >= 1 rows: proba is n x k row major (k >= 2,
 * each value in [0, 1]), truth the class indices 0..k-1. Returns 0, or -1
 * with the reason in err (naming the row). Free with
 * pipe_metrics_multiclass_free. */
int pipe_metrics_multiclass_eval(const double *proba, const double *truth, int64_t n, int64_t k,
                                 pipe_metrics_multiclass *out, char *err, size_t err_size);
void pipe_metrics_multiclass_free(pipe_metrics_multiclass *m);

/* scikit-learn 1.2's log_loss: each probability clipped to [eps, 1 - eps]
 * (eps = 2^-52, the float64 machine epsilon), each row renormalised, the
 * mean of -log p(true) weighted by w (NULL: 1) as its sample_weight. */
double pipe_metrics_log_loss(const double *proba, const double *truth, const double *w, int64_t n,
                             int64_t k);

#ifdef __cplusplus
}
#endif
#endif /* PIPE_METRICS_CORE_H */
