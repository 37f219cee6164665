/*
 * test_classification.c — confusion matrix, accuracy, precision, recall,
 * F1 and ROC AUC (with ties) against values computed by hand, as
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
