/*
 * split_weights.h — the `split` stage's event weights (weights.c): the
 * parameters "weight", "reweight", "reweight_columns", "reweight_bins"
 * and the output "weight".
 */
#ifndef PIPE_SPLIT_WEIGHTS_H
#define PIPE_SPLIT_WEIGHTS_H

#include <pipe/pipe.h>

/* clang-format off */
#define SPLIT_WEIGHT_PARAMS                                                                        \
    {"weight", PIPE_PARAM_STRING, "", 0, 0, NULL,                                                  \
     "a column of the table holding each row's event weight, published as output weight "         \
     "(\"\": weight 1, or the flat reweighting alone)"},                                           \
    {"reweight", PIPE_PARAM_CHOICE, "none", 0, 0, "none|flat",                                     \
     "flat: multiply the weights so that each class (the label) is flat in reweight_columns, "     \
     "every occupied bin of the class holding the same weight and the class its total; "          \
     "weights must be >= 0"},                                                                      \
    {"reweight_columns", PIPE_PARAM_STRING_LIST, "[pt1, eta1]", 0, 0, NULL,                        \
     "flat: the two columns whose distribution is made flat"},                                     \
    {"reweight_bins", PIPE_PARAM_INT_LIST, "[20, 10]", 1, 1000, NULL,                              \
     "flat: bins of each column, equal bins from its smallest to its largest value"}
#define SPLIT_WEIGHT_OUTPUT                                                                        \
    {"weight", PIPE_DT(PIPE_F64), 1, 1,                                                            \
     "the event weight of every row (parameters weight and reweight), for training, metrics and "  \
     "plotter"}
/* clang-format on */

/* The parameters agree with each other. 0 or -1 (reported). */
int split_check_weights(pipe_ctx *ctx);

/* When output "weight" is wanted: the weights of the n rows, the flat
 * reweighting by class `labels` (NULL: one class) applied when asked,
 * published with the metric weights.sum. 0 or -1 (reported). */
int split_publish_weights(pipe_ctx *ctx, const double *labels, int64_t n);

#endif
