/*
 * test_tuning.c — the classifier core's balanced class weights (against
 * scikit-learn's formula n / (2 n_c), by hand). The threshold tuning is
 * the network core's (tests/nn/test_nn_threshold.c).
 */
#include "classifier_core.h"

#include <criterion/criterion.h>

Test(class_weights, balanced_is_n_over_twice_the_class_count)
{
    /* 10 rows, 3 of class 1: w1 = 10 / 6, w0 = 10 / 14. */
    double label[10] = {0, 1, 0, 0, 1, 0, 0, 1, 0, 0}, w[2];
    char err[128];
    cr_assert_eq(pipe_cls_balanced_weights(label, NULL, 10, w, err, sizeof err), 0);
    cr_assert_float_eq(w[0], 10.0 / 14.0, 1e-15);
    cr_assert_float_eq(w[1], 10.0 / 6.0, 1e-15);
    /* Each class then weighs n / 2 in total. */
    cr_assert_float_eq(7 * w[0], 5.0, 1e-14);
    cr_assert_float_eq(3 * w[1], 5.0, 1e-14);
}

Test(class_weights, only_the_given_rows_count)
{
    double label[6] = {1, 1, 0, 0, 0, 1}, w[2];
    int64_t rows[4] = {0, 2, 3, 4}; /* one of class 1, three of class 0 */
    char err[128];
    cr_assert_eq(pipe_cls_balanced_weights(label, rows, 4, w, err, sizeof err), 0);
    cr_assert_float_eq(w[0], 4.0 / 6.0, 1e-15);
    cr_assert_float_eq(w[1], 4.0 / 2.0, 1e-15);
    int64_t zeros[2] = {2, 3};
    cr_assert_eq(pipe_cls_balanced_weights(label, zeros, 2, w, err, sizeof err), -1);
    cr_assert_str_eq(err, "balanced class weights need both classes, but none of the 2 rows has "
                          "label 1");
}
