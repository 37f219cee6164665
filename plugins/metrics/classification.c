/*
 * classification.c — binary classification metrics: confusion matrix at a
 * threshold, accuracy, precision, recall, F1 and ROC AUC by average ranks.
 * See metrics_core.h.
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
