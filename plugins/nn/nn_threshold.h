/*
 * nn_threshold.h — the decision threshold of a scored binary classifier,
 * tuned on some rows (the validation rows) for accuracy or F1: one
 * implementation for every stage with a probability output (classifier,
 * and the binary heads of dnn and cnn). Pure logic on arrays, in the
 * static library pipe_nn.
 */
#ifndef PIPE_NN_THRESHOLD_H
#define PIPE_NN_THRESHOLD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pipe_nn_objective {
    PIPE_NN_TUNE_ACCURACY, /* (tp + tn) / n */
    PIPE_NN_TUNE_F1,       /* 2 tp / (2 tp + fp + fn), 0 when nothing is positive */
} pipe_nn_objective;

/* The outcome of a tuning: the threshold, the objective it reaches and its
 * confusion matrix (a score >= threshold predicts class 1). */
typedef struct pipe_nn_tuned {
    double threshold, value;
    int64_t tp, fp, tn, fn;
} pipe_nn_tuned;

/*
 * Choose the threshold that maximises `objective` over n scored rows
 * (labels 0 or 1). Every way of splitting the sorted distinct scores is
 * tried: thresholds in the gap (s_{k+1}, s_k] between two consecutive
 * distinct scores all give the same predictions. Among the best gaps, the
 * one containing `preferred` (0.5 for probabilities) gives `preferred`
 * itself; otherwise the threshold is the middle of the best gap nearest to
 * `preferred` (the highest score for the gap below every score, and the
 * smallest double above the highest score for the gap above them all);
 * equally near gaps: the higher threshold. Returns 0, or -1 with the
 * reason in err (no rows, a label other than 0 and 1, a NaN score, out of
 * memory).
 */
int pipe_nn_tune_threshold(const double *score, const double *label, int64_t n,
                           pipe_nn_objective objective, double preferred, pipe_nn_tuned *out,
                           char *err, size_t err_size);

#ifdef __cplusplus
}
#endif
#endif /* PIPE_NN_THRESHOLD_H */
