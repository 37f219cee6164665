/*
 * nn_threshold.c — tuning the decision threshold of a scored classifier:
 * every gap between consecutive distinct scores is a candidate, the best
 * ones for accuracy or F1 are kept, and the threshold is taken in the
 * best gap nearest to the preferred value. See nn_threshold.h.
 */
#include "nn_threshold.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* A score and its label, for sorting. */
typedef struct scored_row {
    double score;
    int positive;
} scored_row;

/* One candidate: thresholds in (lo, hi] predict class 1 for the tp + fp
 * rows scored at or above hi. */
typedef struct candidate {
    double lo, hi;
    int64_t tp, fp;
} candidate;

static int by_score_descending(const void *a, const void *b)
{
    double x = ((const scored_row *)a)->score, y = ((const scored_row *)b)->score;
    return x > y ? -1 : x < y;
}

/* Sorted rows, or NULL with the reason in err. *positives gets the count
 * of class 1. */
static scored_row *sorted_rows(const double *score, const double *label, int64_t n,
                               int64_t *positives, char *err, size_t err_size)
{
    scored_row *rows = malloc((size_t)(n + 1) * sizeof *rows);
    if (!rows) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    *positives = 0;
    for (int64_t i = 0; i < n; i++) {
        if ((label[i] != 0 && label[i] != 1) || isnan(score[i])) {
            snprintf(err, err_size, "row %lld has %s %g (expected %s)", (long long)i,
                     isnan(score[i]) ? "score" : "label", isnan(score[i]) ? score[i] : label[i],
                     isnan(score[i]) ? "a number" : "label 0 or 1");
            free(rows);
            return NULL;
        }
        rows[i] = (scored_row){score[i], label[i] == 1};
        *positives += rows[i].positive;
    }
    qsort(rows, (size_t)n, sizeof *rows, by_score_descending);
    return rows;
}

/* The candidates of sorted rows: one above every score, then one per
 * distinct score (predicting class 1 down to it). Returns their number. */
static int64_t list_candidates(const scored_row *rows, int64_t n, candidate *c)
{
    int64_t k = 0, tp = 0, fp = 0;
    c[k++] = (candidate){rows[0].score, INFINITY, 0, 0};
    for (int64_t i = 0; i < n;) {
        double s = rows[i].score;
        for (; i < n && rows[i].score == s; i++) {
            tp += rows[i].positive;
            fp += !rows[i].positive;
        }
        c[k++] = (candidate){i < n ? rows[i].score : -INFINITY, s, tp, fp};
    }
    return k;
}

/* The objective as a fraction num / den (den > 0). */
static void objective_fraction(pipe_nn_objective objective, const candidate *c, int64_t positives,
                               int64_t n, int64_t *num, int64_t *den)
{
    int64_t fn = positives - c->tp, tn = n - positives - c->fp;
    if (objective == PIPE_NN_TUNE_ACCURACY) {
        *num = c->tp + tn;
        *den = n;
    } else {
        *num = 2 * c->tp;
        *den = 2 * c->tp + c->fp + fn;
        if (*den == 0)
            *den = 1;
    }
}

/* The threshold of a candidate nearest to `preferred` (see the header). */
static double representative(const candidate *c, double preferred)
{
    if (preferred > c->lo && preferred <= c->hi)
        return preferred;
    if (isinf(c->hi))
        return nextafter(c->lo, INFINITY);
    if (isinf(c->lo))
        return c->hi;
    return c->lo + (c->hi - c->lo) / 2;
}

/* Index of the best candidate: highest objective, then nearest to
 * `preferred`, then the first (highest threshold). */
static int64_t best_candidate(const candidate *c, int64_t count, pipe_nn_objective objective,
                              int64_t positives, int64_t n, double preferred)
{
    int64_t best = 0, best_num, best_den;
    objective_fraction(objective, &c[0], positives, n, &best_num, &best_den);
    double best_distance = fabs(representative(&c[0], preferred) - preferred);
    for (int64_t k = 1; k < count; k++) {
        int64_t num, den;
        objective_fraction(objective, &c[k], positives, n, &num, &den);
        /* num/den against best_num/best_den exactly: products of counts
         * below 2n fit in 64 bits for n up to 1.5e9 rows */
        int64_t lhs = num * best_den, rhs = best_num * den;
        double distance = fabs(representative(&c[k], preferred) - preferred);
        if (lhs > rhs || (lhs == rhs && distance < best_distance)) {
            best = k;
            best_num = num;
            best_den = den;
            best_distance = distance;
        }
    }
    return best;
}

int pipe_nn_tune_threshold(const double *score, const double *label, int64_t n,
                           pipe_nn_objective objective, double preferred, pipe_nn_tuned *out,
                           char *err, size_t err_size)
{
    if (n < 1) {
        snprintf(err, err_size, "no rows to tune the threshold on");
        return -1;
    }
    int64_t positives;
    scored_row *rows = sorted_rows(score, label, n, &positives, err, err_size);
    candidate *c = rows ? malloc((size_t)(n + 1) * sizeof *c) : NULL;
    if (!c) {
        if (rows)
            snprintf(err, err_size, "out of memory");
        free(rows);
        return -1;
    }
    int64_t count = list_candidates(rows, n, c);
    int64_t k = best_candidate(c, count, objective, positives, n, preferred), num, den;
    objective_fraction(objective, &c[k], positives, n, &num, &den);
    *out = (pipe_nn_tuned){.threshold = representative(&c[k], preferred),
                           .value = (double)num / (double)den,
                           .tp = c[k].tp,
                           .fp = c[k].fp,
                           .fn = positives - c[k].tp,
                           .tn = n - positives - c[k].fp};
    free(c);
    free(rows);
    return 0;
}
