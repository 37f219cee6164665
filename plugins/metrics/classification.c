/*
 * classification.c — binary classification metrics: confusion matrix at a
 * threshold, accuracy, precision, recall, F1, ROC AUC by average ranks and
 * the ROC curve's points as scikit-learn gives them. See metrics_core.h.
 */
#include "metrics_core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* A score and whether its row is positive, sorted by score. */
typedef struct scored {
    double score;
    int positive;
} scored;

static int by_score(const void *a, const void *b)
{
    double x = ((const scored *)a)->score, y = ((const scored *)b)->score;
    return x < y ? -1 : x > y;
}

double pipe_metrics_roc_auc(const double *score, const double *truth, int64_t n)
{
    scored *rows = malloc((size_t)(n + 1) * sizeof *rows);
    if (!rows)
        return NAN;
    int64_t positives = 0;
    for (int64_t i = 0; i < n; i++) {
        rows[i] = (scored){score[i], truth[i] == 1};
        positives += rows[i].positive;
    }
    qsort(rows, (size_t)n, sizeof *rows, by_score);
    /* Sum of the (1-based, tie-averaged) ranks of the positives. */
    double rank_sum = 0;
    for (int64_t i = 0; i < n;) {
        int64_t j = i, tied_positives = 0;
        while (j < n && rows[j].score == rows[i].score)
            tied_positives += rows[j++].positive;
        double average_rank = (double)(i + 1 + j) / 2.0; /* ranks i+1 .. j */
        rank_sum += average_rank * (double)tied_positives;
        i = j;
    }
    free(rows);
    int64_t negatives = n - positives;
    if (positives == 0 || negatives == 0)
        return NAN;
    double p = (double)positives;
    return (rank_sum - p * (p + 1) / 2) / (p * (double)negatives);
}

/* a / b, or 0 when b is 0 (scikit-learn's zero_division default). */
static double ratio(double a, double b)
{
    return b > 0 ? a / b : 0.0;
}

int pipe_metrics_classify(const double *score, const double *truth, int64_t n, double threshold,
                          pipe_metrics_classification *out, char *err, size_t err_size)
{
    *out = (pipe_metrics_classification){.count = n};
    if (n < 1) {
        snprintf(err, err_size, "no rows to evaluate");
        return -1;
    }
    for (int64_t i = 0; i < n; i++) {
        if (truth[i] != 0 && truth[i] != 1) {
            snprintf(err, err_size,
                     "true value %g at row %lld: classification expects labels "
                     "0 or 1",
                     truth[i], (long long)i);
            return -1;
        }
        int predicted = score[i] >= threshold, actual = truth[i] == 1;
        out->tp += predicted && actual;
        out->fp += predicted && !actual;
        out->fn += !predicted && actual;
        out->tn += !predicted && !actual;
    }
    out->accuracy = (double)(out->tp + out->tn) / (double)n;
    out->precision = ratio((double)out->tp, (double)(out->tp + out->fp));
    out->recall = ratio((double)out->tp, (double)(out->tp + out->fn));
    out->f1 = ratio(2.0 * (double)out->tp, (double)(2 * out->tp + out->fp + out->fn));
    out->roc_auc = pipe_metrics_roc_auc(score, truth, n);
    return 0;
}

/* Cumulative false and true positives at each distinct score, from the
 * highest, of rows sorted by increasing score; returns their number. */
static int64_t distinct_points(const scored *rows, int64_t n, double *threshold, double *fps,
                               double *tps)
{
    int64_t k = 0;
    double tp = 0, fp = 0;
    for (int64_t i = n - 1; i >= 0;) {
        double s = rows[i].score;
        for (; i >= 0 && rows[i].score == s; i--) {
            tp += rows[i].positive;
            fp += !rows[i].positive;
        }
        threshold[k] = s;
        fps[k] = fp;
        tps[k] = tp;
        k++;
    }
    return k;
}

/* Point i of k is kept unless both second differences around it are 0. */
static int keep_point(const double *fps, const double *tps, int64_t i, int64_t k)
{
    return i == 0 || i == k - 1 || fps[i + 1] - 2 * fps[i] + fps[i - 1] != 0 ||
           tps[i + 1] - 2 * tps[i] + tps[i - 1] != 0;
}

/* Sorted rows, or NULL with the reason in err. */
static scored *sorted_rows(const double *score, const double *truth, int64_t n, char *err,
                           size_t err_size)
{
    scored *rows = malloc((size_t)(n + 1) * sizeof *rows);
    if (!rows) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    for (int64_t i = 0; i < n; i++) {
        if ((truth[i] != 0 && truth[i] != 1) || isnan(score[i])) {
            snprintf(err, err_size, "row %lld: %s %g (expected %s)", (long long)i,
                     isnan(score[i]) ? "score" : "true value",
                     isnan(score[i]) ? score[i] : truth[i],
                     isnan(score[i]) ? "a number" : "0 or 1");
            free(rows);
            return NULL;
        }
        rows[i] = (scored){score[i], truth[i] == 1};
    }
    qsort(rows, (size_t)n, sizeof *rows, by_score);
    return rows;
}

int pipe_metrics_roc_curve(const double *score, const double *truth, int64_t n,
                           pipe_metrics_roc *out, char *err, size_t err_size)
{
    *out = (pipe_metrics_roc){0};
    if (n < 1) {
        snprintf(err, err_size, "no rows for a ROC curve");
        return -1;
    }
    scored *rows = sorted_rows(score, truth, n, err, err_size);
    double *work = rows ? malloc((size_t)n * 3 * sizeof *work) : NULL;
    double *points = work ? malloc((size_t)(n + 1) * 3 * sizeof *points) : NULL;
    if (!points) {
        if (rows)
            snprintf(err, err_size, "out of memory");
        free(rows);
        free(work);
        return -1;
    }
    double *thr = work, *fps = work + n, *tps = work + 2 * n;
    int64_t k = distinct_points(rows, n, thr, fps, tps);
    out->threshold = points;
    out->fpr = points + n + 1;
    out->tpr = points + 2 * (n + 1);
    out->threshold[0] = INFINITY;
    out->fpr[0] = out->tpr[0] = 0;
    out->count = 1;
    double negatives = fps[k - 1], positives = tps[k - 1];
    for (int64_t i = 0; i < k; i++) {
        if (!keep_point(fps, tps, i, k))
            continue;
        out->threshold[out->count] = thr[i];
        out->fpr[out->count] = fps[i];
        out->tpr[out->count++] = tps[i];
    }
    for (int64_t i = 0; i < out->count; i++) {
        out->fpr[i] = negatives > 0 ? out->fpr[i] / negatives : NAN;
        out->tpr[i] = positives > 0 ? out->tpr[i] / positives : NAN;
    }
    free(rows);
    free(work);
    return 0;
}

void pipe_metrics_roc_free(pipe_metrics_roc *roc)
{
    free(roc->threshold);
    *roc = (pipe_metrics_roc){0};
}

double pipe_metrics_bkg_eff_at(const pipe_metrics_roc *roc, double sig_eff)
{
    for (int64_t i = 1; i < roc->count; i++) {
        if (isnan(roc->tpr[i]) || isnan(roc->fpr[i]))
            return NAN;
        if (roc->tpr[i] < sig_eff)
            continue;
        /* tpr[i - 1] < sig_eff <= tpr[i]: the segment is not vertical */
        double t = (sig_eff - roc->tpr[i - 1]) / (roc->tpr[i] - roc->tpr[i - 1]);
        return roc->fpr[i - 1] + t * (roc->fpr[i] - roc->fpr[i - 1]);
    }
    return NAN;
}
