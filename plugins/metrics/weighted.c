/*
 * weighted.c — regression and binary classification metrics with a
 * weight per row, as scikit-learn's sample_weight (see
 * metrics_weighted.h).
 */
#include "metrics_core.h"
#include "metrics_weighted.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Σw, or -1 with err when there is no row or the sum is 0. */
static int weight_sum(const double *w, int64_t n, double *sum, char *err, size_t err_size)
{
    *sum = 0;
    for (int64_t i = 0; i < n; i++)
        *sum += w[i];
    if (n < 1 || *sum == 0) {
        snprintf(err, err_size, "%s", n < 1 ? "no rows to evaluate" : "the weights sum to 0");
        return -1;
    }
    return 0;
}

int pipe_metrics_weighted_regress(const double *pred, const double *truth, const double *w,
                                  int64_t n, pipe_metrics_weighted_regression *out, char *err,
                                  size_t err_size)
{
    *out = (pipe_metrics_weighted_regression){0};
    if (weight_sum(w, n, &out->sum_w, err, err_size) != 0)
        return -1;
    double abs_sum = 0, sq_sum = 0, mean = 0, ss_tot = 0;
    for (int64_t i = 0; i < n; i++) {
        double e = pred[i] - truth[i];
        abs_sum += w[i] * fabs(e);
        sq_sum += w[i] * e * e;
        mean += w[i] * truth[i];
    }
    mean /= out->sum_w;
    for (int64_t i = 0; i < n; i++)
        ss_tot += w[i] * (truth[i] - mean) * (truth[i] - mean);
    out->mae = abs_sum / out->sum_w;
    out->mse = sq_sum / out->sum_w;
    out->rmse = sqrt(out->mse);
    out->r2 = ss_tot != 0 ? 1 - sq_sum / ss_tot : (sq_sum == 0 ? 1.0 : 0.0);
    return 0;
}

static double ratio(double a, double b)
{
    return b != 0 ? a / b : 0;
}

/* Rows by score, highest first. */
typedef struct scored {
    double score, truth, w;
} scored;

static int by_score_desc(const void *a, const void *b)
{
    double x = ((const scored *)a)->score, y = ((const scored *)b)->score;
    return x > y ? -1 : x < y;
}

/* The area under the weighted ROC curve (roc_curve, then auc). */
static double weighted_auc(const double *score, const double *truth, const double *w, int64_t n,
                           const char **reason)
{
    scored *s = malloc((size_t)n * sizeof *s);
    if (!s) {
        *reason = "out of memory";
        return NAN;
    }
    for (int64_t i = 0; i < n; i++)
        s[i] = (scored){score[i], truth[i], w[i]};
    qsort(s, (size_t)n, sizeof *s, by_score_desc);
    double tps = 0, fps = 0, area = 0, prev_t = 0, prev_f = 0, total_t = 0, total_f = 0;
    int monotonic = 1;
    for (int64_t i = 0; i < n; i++)
        *(s[i].truth == 1 ? &total_t : &total_f) += s[i].w;
    for (int64_t i = 0; i < n; i++) {
        *(s[i].truth == 1 ? &tps : &fps) += s[i].w;
        if (i + 1 < n && s[i + 1].score == s[i].score)
            continue; /* one point per distinct score */
        monotonic = monotonic && fps >= prev_f;
        area += (fps - prev_f) * (tps + prev_t) / 2;
        prev_t = tps, prev_f = fps;
    }
    free(s);
    *reason = !(total_t > 0 && total_f > 0) ? "the positives or the negatives weigh <= 0"
              : !monotonic ? "negative weights make the false positive rate decrease along the "
                             "ROC curve (scikit-learn's auc refuses it too)"
                           : NULL;
    return *reason ? NAN : area / (total_t * total_f);
}

int pipe_metrics_weighted_classify(const double *score, const double *truth, const double *w,
                                   int64_t n, double threshold,
                                   pipe_metrics_weighted_classification *out, char *err,
                                   size_t err_size)
{
    *out = (pipe_metrics_weighted_classification){0};
    if (weight_sum(w, n, &out->sum_w, err, err_size) != 0)
        return -1;
    for (int64_t i = 0; i < n; i++) {
        if (truth[i] != 0 && truth[i] != 1) {
            snprintf(err, err_size, "true is %g in row %lld: expected 0 or 1", truth[i],
                     (long long)i);
            return -1;
        }
        int positive = score[i] >= threshold;
        *(truth[i] == 1 ? (positive ? &out->tp : &out->fn) : (positive ? &out->fp : &out->tn)) +=
            w[i];
    }
    out->accuracy = (out->tp + out->tn) / out->sum_w;
    out->precision = ratio(out->tp, out->tp + out->fp);
    out->recall = ratio(out->tp, out->tp + out->fn);
    out->f1 = ratio(2 * out->tp, 2 * out->tp + out->fp + out->fn);
    out->roc_auc = weighted_auc(score, truth, w, n, &out->auc_reason);
    return 0;
}

/* The per-class sums of weights: of the rows of class c (support), of
 * those predicted c, and of those both (3k values in sums). */
static int class_sums(const double *proba, const double *truth, const double *w, int64_t n,
                      int64_t k, double *sums, char *err, size_t err_size)
{
    for (int64_t i = 0; i < n; i++) {
        int64_t t = (int64_t)truth[i], p = pipe_metrics_argmax(proba + i * k, k);
        if (!(truth[i] == (double)t && t >= 0 && t < k)) {
            snprintf(err, err_size, "true is %g in row %lld: expected a class index 0 to %lld",
                     truth[i], (long long)i, (long long)(k - 1));
            return -1;
        }
        sums[t] += w[i];
        sums[k + p] += w[i];
        sums[2 * k + t] += t == p ? w[i] : 0;
    }
    return 0;
}

int pipe_metrics_weighted_multiclass(const double *proba, const double *truth, const double *w,
                                     int64_t n, int64_t k,
                                     pipe_metrics_weighted_multiclass_result *out, char *err,
                                     size_t err_size)
{
    *out = (pipe_metrics_weighted_multiclass_result){0};
    if (weight_sum(w, n, &out->sum_w, err, err_size) != 0)
        return -1;
    double *sums = calloc((size_t)(3 * k), sizeof *sums);
    if (!sums) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    int rc = class_sums(proba, truth, w, n, k, sums, err, err_size);
    double correct = 0, support = 0;
    for (int64_t c = 0; rc == 0 && c < k; c++) {
        double f1 = ratio(2 * sums[2 * k + c], sums[c] + sums[k + c]);
        correct += sums[2 * k + c];
        out->macro_f1 += f1;
        out->weighted_f1 += f1 * sums[c];
        support += sums[c];
    }
    free(sums);
    if (rc != 0)
        return -1;
    out->accuracy = correct / out->sum_w;
    out->macro_f1 /= (double)k;
    out->weighted_f1 = ratio(out->weighted_f1, support);
    out->log_loss = pipe_metrics_log_loss(proba, truth, w, n, k);
    return 0;
}
