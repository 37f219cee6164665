/*
 * test_multiclass.c — the multi-class metrics and the background
 * efficiency at a signal efficiency against values worked out by hand
 * (cross-checked offline with scikit-learn 1.2.1: accuracy_score,
 * precision_recall_fscore_support and f1_score with labels=range(K) and
 * zero_division=0, confusion_matrix, log_loss, roc_auc_score one class
 * against the rest).
 */
#include "metrics_core.h"

#include <criterion/criterion.h>
#include <math.h>

/* Six rows, four classes: class 3 is empty and never predicted, class 2
 * is never predicted, row 1 ties classes 0 and 1 (argmax takes 0).
 * Predicted 0 0 1 0 1 1 for true 0 0 1 1 2 2. */
static const double P4[6 * 4] = {0.7, 0.2, 0.1, 0.0, 0.4, 0.4, 0.2, 0.0, 0.3, 0.6, 0.1, 0.0,
                                 0.5, 0.3, 0.2, 0.0, 0.2, 0.5, 0.3, 0.0, 0.1, 0.6, 0.3, 0.0};
static const double Y[6] = {0, 0, 1, 1, 2, 2};

Test(multiclass, per_class_metrics_with_ties_empty_and_unpredicted_classes)
{
    pipe_metrics_multiclass m;
    char err[160];
    cr_assert_eq(pipe_metrics_multiclass_eval(P4, Y, 6, 4, &m, err, sizeof err), 0, "%s", err);
    cr_assert_eq(m.count, 6);
    cr_assert_eq(m.k, 4);
    cr_assert_float_eq(m.accuracy, 0.5, 1e-15);
    const int64_t confusion[16] = {2, 0, 0, 0, 1, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 16; i++)
        cr_assert_eq(m.confusion[i], confusion[i], "confusion[%d][%d]", i / 4, i % 4);
    /* class 0: tp 2 of 3 predicted, 2 true; class 1: tp 1 of 3, 2; class
     * 2: none predicted; class 3: empty. F1 = 2 tp / (predicted + true). */
    const double precision[4] = {2.0 / 3, 1.0 / 3, 0, 0}, recall[4] = {1, 0.5, 0, 0};
    const double f1[4] = {0.8, 0.4, 0, 0};
    const int64_t support[4] = {2, 2, 2, 0}, predicted[4] = {3, 3, 0, 0};
    for (int c = 0; c < 4; c++) {
        cr_assert_float_eq(m.classes[c].precision, precision[c], 1e-15, "class %d", c);
        cr_assert_float_eq(m.classes[c].recall, recall[c], 1e-15, "class %d", c);
        cr_assert_float_eq(m.classes[c].f1, f1[c], 1e-15, "class %d", c);
        cr_assert_eq(m.classes[c].support, support[c]);
        cr_assert_eq(m.classes[c].predicted, predicted[c]);
    }
    /* macro: (0.8 + 0.4 + 0 + 0) / 4; weighted: (0.8 * 2 + 0.4 * 2) / 6 */
    cr_assert_float_eq(m.macro_f1, 0.3, 1e-15);
    cr_assert_float_eq(m.weighted_f1, 0.4, 1e-15);
    /* the zero column is clipped to 2^-52, which moves each row's sum by
     * 2^-52: -mean log p(true) to 1e-15 */
    double expected = -(log(0.7) + log(0.4) + log(0.6) + log(0.3) + log(0.3) + log(0.3)) / 6;
    cr_assert_float_eq(m.log_loss, expected, 1e-15);
    cr_assert_float_eq(m.log_loss, 0.8992849520927811, 1e-15, "scikit-learn's value");
    /* one against the rest, by pairs: class 0 positives 0.7, 0.4 against
     * 0.3 0.5 0.2 0.1: 7 of 8; class 1 positives 0.6, 0.3 against 0.2 0.4
     * 0.5 0.6: 3.5 + 1 of 8; class 2 positives 0.3, 0.3 beat all: 1;
     * class 3 has no positive. */
    cr_assert_float_eq(m.classes[0].roc_auc, 0.875, 1e-15);
    cr_assert_float_eq(m.classes[1].roc_auc, 0.5625, 1e-15);
    cr_assert_float_eq(m.classes[2].roc_auc, 1.0, 1e-15);
    cr_assert(isnan(m.classes[3].roc_auc));
    cr_assert(isnan(m.macro_roc_auc), "undefined with an empty class");
    pipe_metrics_multiclass_free(&m);
}

Test(multiclass, three_classes_macro_roc_auc)
{
    double p3[6 * 3];
    for (int i = 0; i < 6; i++)
        for (int c = 0; c < 3; c++)
            p3[i * 3 + c] = P4[i * 4 + c];
    pipe_metrics_multiclass m;
    char err[160];
    cr_assert_eq(pipe_metrics_multiclass_eval(p3, Y, 6, 3, &m, err, sizeof err), 0, "%s", err);
    cr_assert_float_eq(m.macro_roc_auc, (0.875 + 0.5625 + 1.0) / 3, 1e-15);
    cr_assert_float_eq(m.macro_roc_auc, 0.8125, 1e-15);
    cr_assert_float_eq(m.macro_f1, 0.4, 1e-15);
    cr_assert_float_eq(m.weighted_f1, 0.4, 1e-15);
    cr_assert_float_eq(m.log_loss, 0.8992849520927809, 1e-15);
    pipe_metrics_multiclass_free(&m);
}

Test(multiclass, log_loss_clips_at_machine_epsilon)
{
    /* p(true) = 0 is clipped to 2^-52 (and 1 to 1 - 2^-52, so the row
     * still sums to 1): -log 2^-52 = 52 log 2. A perfect row adds
     * -log(1 - 2^-52) = 2^-52 to the sum. */
    double p[2 * 2] = {0, 1, 0, 1}, y[2] = {0, 1};
    pipe_metrics_multiclass m;
    char err[160];
    cr_assert_eq(pipe_metrics_multiclass_eval(p, y, 1, 2, &m, err, sizeof err), 0, "%s", err);
    cr_assert_float_eq(m.log_loss, 52 * log(2.0), 1e-12);
    pipe_metrics_multiclass_free(&m);
    cr_assert_eq(pipe_metrics_multiclass_eval(p, y, 2, 2, &m, err, sizeof err), 0, "%s", err);
    cr_assert_float_eq(m.log_loss, 26 * log(2.0), 1e-12);
    cr_assert_float_eq(m.accuracy, 0.5, 0);
    cr_assert_float_eq(m.classes[0].f1, 0, 0, "class 0 never predicted");
    cr_assert_float_eq(m.classes[1].precision, 0.5, 0);
    pipe_metrics_multiclass_free(&m);
}

Test(multiclass, argmax_takes_the_first_maximum)
{
    double row[4] = {0.1, 0.4, 0.4, 0.1};
    cr_assert_eq(pipe_metrics_argmax(row, 4), 1);
    cr_assert_eq(pipe_metrics_argmax(row, 1), 0);
}

Test(multiclass, bad_labels_and_probabilities_name_the_row)
{
    pipe_metrics_multiclass m;
    char err[160];
    double y[6] = {0, 0, 1, 3, 2, 2};
    cr_assert_eq(pipe_metrics_multiclass_eval(P4, y, 6, 3, &m, err, sizeof err), -1);
    cr_assert_str_eq(err, "true value 3 at row 3: expected a class index 0..2 (3 classes)");
    double half[6] = {0, 0.5, 1, 1, 2, 2};
    cr_assert_eq(pipe_metrics_multiclass_eval(P4, half, 6, 4, &m, err, sizeof err), -1);
    cr_assert_str_eq(err, "true value 0.5 at row 1: expected a class index 0..3 (4 classes)");
    double p[4] = {0.5, 0.5, 1.5, -0.5};
    cr_assert_eq(pipe_metrics_multiclass_eval(p, Y, 2, 2, &m, err, sizeof err), -1);
    cr_assert_str_eq(err, "probability 1.5 at row 1, class 0: expected a value in [0, 1]");
    cr_assert_eq(pipe_metrics_multiclass_eval(p, Y, 1, 1, &m, err, sizeof err), -1);
    cr_assert_str_eq(err, "1 class: multi-class metrics need at least 2");
    cr_assert_eq(pipe_metrics_multiclass_eval(p, Y, 0, 2, &m, err, sizeof err), -1);
    cr_assert_str_eq(err, "no rows to evaluate");
}

Test(multiclass, background_efficiency_interpolated_on_the_roc_curve)
{
    /* Ten signal and ten background rows: 8 signal and 2 background at
     * score 0.9, the rest at 0.1. The curve is (0, 0), (0.2, 0.8), (1, 1):
     * at signal efficiency 0.9 the background efficiency is 0.2 + 0.8 *
     * (0.9 - 0.8) / 0.2 = 0.6 (rejection 5/3), at 0.95 it is 0.8; at 0.8
     * exactly the point, 0.2; below it on the first segment, 0.4 → 0.1. */
    double score[20], truth[20];
    for (int i = 0; i < 20; i++) {
        truth[i] = i < 10;
        score[i] = (i < 8 || (i >= 10 && i < 12)) ? 0.9 : 0.1;
    }
    pipe_metrics_roc roc;
    char err[160];
    cr_assert_eq(pipe_metrics_roc_curve(score, truth, 20, &roc, err, sizeof err), 0, "%s", err);
    cr_assert_float_eq(pipe_metrics_bkg_eff_at(&roc, 0.90), 0.6, 1e-12);
    cr_assert_float_eq(1 / pipe_metrics_bkg_eff_at(&roc, 0.90), 5.0 / 3, 1e-12);
    cr_assert_float_eq(pipe_metrics_bkg_eff_at(&roc, 0.95), 0.8, 1e-12);
    cr_assert_float_eq(pipe_metrics_bkg_eff_at(&roc, 0.80), 0.2, 1e-12);
    cr_assert_float_eq(pipe_metrics_bkg_eff_at(&roc, 0.40), 0.1, 1e-12);
    cr_assert_float_eq(pipe_metrics_bkg_eff_at(&roc, 1.0), 1.0, 1e-12);
    pipe_metrics_roc_free(&roc);
    /* one class only: no curve to read */
    double ones[3] = {1, 1, 1};
    cr_assert_eq(pipe_metrics_roc_curve(score, ones, 3, &roc, err, sizeof err), 0, "%s", err);
    cr_assert(isnan(pipe_metrics_bkg_eff_at(&roc, 0.9)));
    pipe_metrics_roc_free(&roc);
}
