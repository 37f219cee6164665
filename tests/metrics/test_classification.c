/*
 * test_classification.c — confusion matrix, accuracy, precision, recall,
 * F1, ROC AUC (with ties) and the ROC curve's points against values
 * computed by hand or independently (pair counts, trapezoids), as
 * scikit-learn defines them.
 */
#include "metrics_core.h"

#include <criterion/criterion.h>
#include <math.h>

Test(classification, hand_computed_example)
{
    /* Threshold 0.5: predicted 0 0 0 1 for truth 0 0 1 1. AUC: of the 4
     * (positive, negative) pairs, 3 are ordered right: 0.75. */
    double score[4] = {0.1, 0.4, 0.35, 0.8}, truth[4] = {0, 0, 1, 1};
    pipe_metrics_classification m;
    char err[128];
    cr_assert_eq(pipe_metrics_classify(score, truth, 4, 0.5, &m, err, sizeof err), 0);
    cr_assert(m.tp == 1 && m.fp == 0 && m.tn == 2 && m.fn == 1);
    cr_assert_float_eq(m.accuracy, 0.75, 1e-15);
    cr_assert_float_eq(m.precision, 1.0, 1e-15);
    cr_assert_float_eq(m.recall, 0.5, 1e-15);
    cr_assert_float_eq(m.f1, 2.0 / 3, 1e-15);
    cr_assert_float_eq(m.roc_auc, 0.75, 1e-15);
}

Test(classification, roc_auc_counts_ties_as_half)
{
    /* Positives 0.5 and 0.9, negatives 0.5 and 0.5: pairs 0.5/0.5 count
     * 1/2 each, 0.9 beats both: (0.5 + 0.5 + 1 + 1) / 4. */
    double score[4] = {0.5, 0.5, 0.5, 0.9}, truth[4] = {0, 1, 0, 1};
    cr_assert_float_eq(pipe_metrics_roc_auc(score, truth, 4), 0.75, 1e-15);
    double perfect[4] = {0.1, 0.2, 0.8, 0.9}, labels[4] = {0, 0, 1, 1};
    cr_assert_float_eq(pipe_metrics_roc_auc(perfect, labels, 4), 1.0, 0);
    double reversed[4] = {0.9, 0.8, 0.2, 0.1};
    cr_assert_float_eq(pipe_metrics_roc_auc(reversed, labels, 4), 0.0, 0);
    double all_tied[4] = {0.3, 0.3, 0.3, 0.3};
    cr_assert_float_eq(pipe_metrics_roc_auc(all_tied, labels, 4), 0.5, 0);
    double one_class[2] = {1, 1};
    cr_assert(isnan(pipe_metrics_roc_auc(perfect, one_class, 2)));
}

Test(classification, zero_division_gives_zero_and_labels_are_checked)
{
    double score[3] = {0.1, 0.2, 0.3}, truth[3] = {0, 1, 1};
    pipe_metrics_classification m;
    char err[128];
    cr_assert_eq(pipe_metrics_classify(score, truth, 3, 0.5, &m, err, sizeof err), 0);
    cr_assert(m.tp == 0 && m.fp == 0 && m.fn == 2 && m.tn == 1);
    cr_assert_float_eq(m.precision, 0.0, 0, "no predicted positive");
    cr_assert_float_eq(m.f1, 0.0, 0);
    cr_assert_float_eq(m.roc_auc, 1.0, 0);
    double bad[3] = {0, 2, 1};
    cr_assert_eq(pipe_metrics_classify(score, bad, 3, 0.5, &m, err, sizeof err), -1);
    cr_assert_str_eq(err, "true value 2 at row 1: classification expects labels 0 or 1");
}

/* The trapezoidal area under a ROC curve's points. */
static double trapezoid(const pipe_metrics_roc *roc)
{
    double area = 0;
    for (int64_t i = 1; i < roc->count; i++)
        area += (roc->fpr[i] - roc->fpr[i - 1]) * (roc->tpr[i] + roc->tpr[i - 1]) / 2;
    return area;
}

static void assert_points(const pipe_metrics_roc *roc, int64_t count, const double *threshold,
                          const double *fpr, const double *tpr)
{
    cr_assert_eq(roc->count, count, "%lld points", (long long)roc->count);
    for (int64_t i = 0; i < count; i++) {
        cr_assert_eq(roc->threshold[i], threshold[i], "threshold %lld: %g", (long long)i,
                     roc->threshold[i]);
        cr_assert_float_eq(roc->fpr[i], fpr[i], 1e-15, "fpr %lld", (long long)i);
        cr_assert_float_eq(roc->tpr[i], tpr[i], 1e-15, "tpr %lld", (long long)i);
    }
}

Test(roc_curve, scikit_learn_documentation_example)
{
    /* sklearn.metrics.roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]):
     * fpr [0, 0, 0.5, 0.5, 1], tpr [0, 0.5, 0.5, 1, 1],
     * thresholds [inf, 0.8, 0.4, 0.35, 0.1]. */
    double score[4] = {0.1, 0.4, 0.35, 0.8}, truth[4] = {0, 0, 1, 1};
    pipe_metrics_roc roc;
    char err[128];
    cr_assert_eq(pipe_metrics_roc_curve(score, truth, 4, &roc, err, sizeof err), 0);
    double threshold[5] = {INFINITY, 0.8, 0.4, 0.35, 0.1};
    double fpr[5] = {0, 0, 0.5, 0.5, 1}, tpr[5] = {0, 0.5, 0.5, 1, 1};
    assert_points(&roc, 5, threshold, fpr, tpr);
    cr_assert_float_eq(trapezoid(&roc), 0.75, 1e-15);
    pipe_metrics_roc_free(&roc);
}

Test(roc_curve, collinear_points_with_equal_steps_are_dropped)
{
    /* Counts (fp, tp) at 0.9, 0.8, 0.7, 0.6: (0, 1), (0, 2), (0, 3), (1, 3).
     * Around 0.8 both second differences are 0: dropped, as
     * drop_intermediate does. */
    double score[4] = {0.9, 0.8, 0.7, 0.6}, truth[4] = {1, 1, 1, 0};
    pipe_metrics_roc roc;
    char err[128];
    cr_assert_eq(pipe_metrics_roc_curve(score, truth, 4, &roc, err, sizeof err), 0);
    double threshold[4] = {INFINITY, 0.9, 0.7, 0.6};
    double fpr[4] = {0, 0, 0, 1}, tpr[4] = {0, 1.0 / 3, 1, 1};
    assert_points(&roc, 4, threshold, fpr, tpr);
    pipe_metrics_roc_free(&roc);
}

Test(roc_curve, tied_scores_make_one_point_and_a_sloped_segment)
{
    /* Positives 0.2, 0.6, 0.6; negatives 0.2, 0.6, 0.9. Pairs: 0.2/0.2
     * counts 1/2, each 0.6 beats 0.2 and ties 0.6: (0.5 + 1.5 + 1.5) / 9
     * = 7/18, the trapezoid under (0, 0) (1/3, 0) (2/3, 2/3) (1, 1). */
    double score[6] = {0.2, 0.2, 0.6, 0.6, 0.6, 0.9}, truth[6] = {0, 1, 0, 1, 1, 0};
    pipe_metrics_roc roc;
    char err[128];
    cr_assert_eq(pipe_metrics_roc_curve(score, truth, 6, &roc, err, sizeof err), 0);
    double threshold[4] = {INFINITY, 0.9, 0.6, 0.2};
    double fpr[4] = {0, 1.0 / 3, 2.0 / 3, 1}, tpr[4] = {0, 0, 2.0 / 3, 1};
    assert_points(&roc, 4, threshold, fpr, tpr);
    cr_assert_float_eq(trapezoid(&roc), 7.0 / 18, 1e-15);
    cr_assert_float_eq(pipe_metrics_roc_auc(score, truth, 6), 7.0 / 18, 1e-15);
    pipe_metrics_roc_free(&roc);
}

Test(roc_curve, rank_auc_equals_the_trapezoid_and_the_pair_count_with_many_ties)
{
    /* 500 rows, scores on a grid of 11 values (many ties), labels from
     * a fixed sequence: AUC three ways. */
    enum { N = 500 };
    double score[N], truth[N];
    unsigned state = 12345;
    for (int i = 0; i < N; i++) {
        state = state * 1103515245u + 12345u;
        truth[i] = (state >> 16) % 3 == 0;
        state = state * 1103515245u + 12345u;
        score[i] = (double)((state >> 16) % 11) / 10 + 0.3 * truth[i] * ((state >> 8) % 2);
    }
    double pairs = 0, pos = 0, neg = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            if (truth[i] == 1 && truth[j] == 0)
                pairs += score[i] > score[j] ? 1 : score[i] == score[j] ? 0.5 : 0;
    for (int i = 0; i < N; i++) {
        pos += truth[i] == 1;
        neg += truth[i] == 0;
    }
    pipe_metrics_roc roc;
    char err[128];
    cr_assert_eq(pipe_metrics_roc_curve(score, truth, N, &roc, err, sizeof err), 0);
    cr_assert(roc.count > 5 && roc.count < 30, "%lld points", (long long)roc.count);
    cr_assert_float_eq(trapezoid(&roc), pairs / (pos * neg), 1e-12);
    cr_assert_float_eq(pipe_metrics_roc_auc(score, truth, N), pairs / (pos * neg), 1e-12);
    pipe_metrics_roc_free(&roc);
}

Test(roc_curve, one_class_gives_nan_rates_and_bad_rows_are_named)
{
    double score[3] = {0.1, 0.5, 0.9}, positives[3] = {1, 1, 1}, bad[3] = {0, 1, 3};
    pipe_metrics_roc roc;
    char err[128];
    cr_assert_eq(pipe_metrics_roc_curve(score, positives, 3, &roc, err, sizeof err), 0);
    cr_assert_eq(roc.count, 3); /* (inf), 0.9, 0.1: the middle point is collinear */
    for (int64_t i = 0; i < roc.count; i++)
        cr_assert(isnan(roc.fpr[i]), "fpr %lld is %g", (long long)i, roc.fpr[i]);
    cr_assert_float_eq(roc.tpr[1], 1.0 / 3, 1e-15);
    pipe_metrics_roc_free(&roc);
    cr_assert_eq(pipe_metrics_roc_curve(score, bad, 3, &roc, err, sizeof err), -1);
    cr_assert_str_eq(err, "row 2: true value 3 (expected 0 or 1)");
    cr_assert_eq(pipe_metrics_roc_curve(score, bad, 0, &roc, err, sizeof err), -1);
    cr_assert_str_eq(err, "no rows for a ROC curve");
}
