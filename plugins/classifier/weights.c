/*
 * weights.c — balanced class weights, as scikit-learn's
 * compute_class_weight("balanced") defines them. See classifier_core.h.
 */
#include "classifier_core.h"

#include <stdio.h>

int pipe_cls_balanced_weights(const double *label, const int64_t *rows, int64_t n,
                              double weights[2], char *err, size_t err_size)
{
    int64_t count[2] = {0, 0};
    for (int64_t i = 0; i < n; i++)
        count[label[rows ? rows[i] : i] == 1]++;
    for (int c = 0; c < 2; c++) {
        if (count[c] == 0) {
            snprintf(err, err_size,
                     "balanced class weights need both classes, but none of the %lld rows "
                     "has label %d",
                     (long long)n, c);
            return -1;
        }
        weights[c] = (double)n / (2.0 * (double)count[c]);
    }
    return 0;
}
