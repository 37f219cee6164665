/*
 * test_nn_threshold.c — the decision threshold of binary heads
 * (nn_threshold.c) on tiny cases worked out by hand: the best gap, the
 * preferred value kept when it is among the best, ties broken by
 * distance, the gaps above and below every score, and bad input.
 */
#include "nn_threshold.h"

#include <criterion/criterion.h>
#include <math.h>

/* Scores 0.1 .. 0.9 with labels 0 0 1 0 1 1. Accuracy by threshold:
 * > 0.9: 3/6; (0.8, 0.9]: 4/6; (0.6, 0.8]: 5/6; (0.35, 0.6]: 4/6;
 * (0.3, 0.35]: 5/6; (0.1, 0.3]: 4/6; <= 0.1: 3/6. */
static const double score6[6] = {0.1, 0.3, 0.35, 0.6, 0.8, 0.9};
static const double label6[6] = {0, 0, 1, 0, 1, 1};

Test(threshold, best_gap_nearest_to_the_preferred_value)
{
    pipe_nn_tuned t;
    char err[128];
    /* Two best gaps; their middles 0.7 and 0.325 are 0.2 and 0.175 from
     * 0.5: the second wins. */
    cr_assert_eq(
        pipe_nn_tune_threshold(score6, label6, 6, PIPE_NN_TUNE_ACCURACY, 0.5, &t, err, sizeof err),
        0);
    cr_assert_float_eq(t.threshold, 0.325, 1e-15);
    cr_assert_float_eq(t.value, 5.0 / 6, 1e-15);
    cr_assert(t.tp == 3 && t.fp == 1 && t.tn == 2 && t.fn == 0);
    /* Preferred 0.75 lies in the best gap (0.6, 0.8]: kept as it is. */
    cr_assert_eq(
        pipe_nn_tune_threshold(score6, label6, 6, PIPE_NN_TUNE_ACCURACY, 0.75, &t, err, sizeof err),
        0);
    cr_assert_float_eq(t.threshold, 0.75, 0);
    cr_assert(t.tp == 2 && t.fp == 0 && t.tn == 3 && t.fn == 1);
    /* Preferred 0.5125 is equally far (0.1875) from both middles 0.7 and
     * 0.325: the higher threshold. */
    cr_assert_eq(pipe_nn_tune_threshold(score6, label6, 6, PIPE_NN_TUNE_ACCURACY, 0.5125, &t, err,
                                        sizeof err),
                 0);
    cr_assert_float_eq(t.threshold, 0.7, 1e-15);
}

Test(threshold, f1_has_its_own_best)
{
    /* F1 by gap: (0.8, 0.9] 2/4; (0.6, 0.8] 4/5; (0.35, 0.6] 4/6;
     * (0.3, 0.35] 6/7; (0.1, 0.3] 6/8; <= 0.1 6/9. */
    pipe_nn_tuned t;
    char err[128];
    cr_assert_eq(
        pipe_nn_tune_threshold(score6, label6, 6, PIPE_NN_TUNE_F1, 0.5, &t, err, sizeof err), 0);
    cr_assert_float_eq(t.threshold, 0.325, 1e-15);
    cr_assert_float_eq(t.value, 6.0 / 7, 1e-15);
}

Test(threshold, gaps_above_and_below_every_score)
{
    pipe_nn_tuned t;
    char err[128];
    double score[3] = {0.2, 0.4, 0.4}, negatives[3] = {0, 0, 0}, positives[3] = {1, 1, 1};
    /* All negative: best above every score; 0.5 is there. */
    cr_assert_eq(pipe_nn_tune_threshold(score, negatives, 3, PIPE_NN_TUNE_ACCURACY, 0.5, &t, err,
                                        sizeof err),
                 0);
    cr_assert_float_eq(t.threshold, 0.5, 0);
    cr_assert(t.tn == 3 && t.value == 1);
    /* Preferring 0.3: the smallest double above the highest score. */
    cr_assert_eq(pipe_nn_tune_threshold(score, negatives, 3, PIPE_NN_TUNE_ACCURACY, 0.3, &t, err,
                                        sizeof err),
                 0);
    cr_assert_eq(t.threshold, nextafter(0.4, INFINITY));
    /* All positive: best below every score, which is the lowest score. */
    cr_assert_eq(pipe_nn_tune_threshold(score, positives, 3, PIPE_NN_TUNE_ACCURACY, 0.5, &t, err,
                                        sizeof err),
                 0);
    cr_assert_float_eq(t.threshold, 0.2, 0);
    cr_assert(t.tp == 3 && t.value == 1);
}

Test(threshold, tied_scores_move_together)
{
    /* 0.5 0.5 for labels 1 0 cannot be split: thresholds in (0.2, 0.5]
     * give 1 tp 1 fp 1 tn (scores 0.2 is negative) and accuracy 2/3,
     * the same as predicting all negative. 0.5 is preferred and in the
     * tied gap (0.2, 0.5]. */
    double score[3] = {0.5, 0.5, 0.2}, label[3] = {1, 0, 0};
    pipe_nn_tuned t;
    char err[128];
    cr_assert_eq(
        pipe_nn_tune_threshold(score, label, 3, PIPE_NN_TUNE_ACCURACY, 0.5, &t, err, sizeof err),
        0);
    cr_assert_float_eq(t.threshold, 0.5, 0);
    cr_assert(t.tp == 1 && t.fp == 1 && t.tn == 1 && t.fn == 0);
    cr_assert_float_eq(t.value, 2.0 / 3, 1e-15);
}

Test(threshold, bad_input_is_named)
{
    pipe_nn_tuned t;
    char err[128];
    double score[2] = {0.1, NAN}, label[2] = {0, 1}, bad_label[2] = {0, 0.5}, ok[2] = {0.1, 0.2};
    cr_assert_eq(
        pipe_nn_tune_threshold(score, label, 2, PIPE_NN_TUNE_ACCURACY, 0.5, &t, err, sizeof err),
        -1);
    cr_assert_str_eq(err, "row 1 has score nan (expected a number)");
    cr_assert_eq(
        pipe_nn_tune_threshold(ok, bad_label, 2, PIPE_NN_TUNE_ACCURACY, 0.5, &t, err, sizeof err),
        -1);
    cr_assert_str_eq(err, "row 1 has label 0.5 (expected label 0 or 1)");
    cr_assert_eq(pipe_nn_tune_threshold(ok, label, 0, PIPE_NN_TUNE_F1, 0.5, &t, err, sizeof err),
                 -1);
    cr_assert_str_eq(err, "no rows to tune the threshold on");
}
