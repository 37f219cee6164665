/*
 * cls_output.c — what both modes of the classifier publish: the score of
 * every row, and when the pipeline maps them the predicted class (score
 * >= threshold) and the decision threshold; with head: multiclass the
 * core's proba and predicted (nn_stage_classes.c) instead, and the check
 * that the outputs mapped are the head's.
 */
#include "classifier.h"

#include <string.h>

/* Publish on `port` the predicted classes (n values) or the threshold. */
static int publish_vector(pipe_ctx *ctx, const char *port, const double *score, int64_t n,
                          double threshold)
{
    pipe_tensor *t = pipe_tensor_new1(PIPE_F64, n);
    if (!t)
        return pipe_error(ctx, "out of memory");
    double *v = t->data;
    if (strcmp(port, "threshold") == 0)
        v[0] = threshold;
    for (int64_t r = 0; strcmp(port, "predicted") == 0 && r < n; r++)
        v[r] = score[r] >= threshold;
    return pipe_output(ctx, port, t);
}

int cls_publish(pipe_ctx *ctx, pipe_tensor *score, double threshold)
{
    int rc = 0;
    if (pipe_output_wanted(ctx, "predicted"))
        rc = publish_vector(ctx, "predicted", score->data, score->shape[0], threshold);
    if (rc == 0 && pipe_output_wanted(ctx, "threshold"))
        rc = publish_vector(ctx, "threshold", NULL, 1, threshold);
    if (rc != 0) {
        pipe_tensor_release(score);
        return -1;
    }
    return pipe_output(ctx, "score", score);
}

int cls_check_head_ports(pipe_ctx *ctx, int multiclass)
{
    const char *score = pipe_output_name(ctx, "score");
    if (multiclass && pipe_output_wanted(ctx, "threshold"))
        return pipe_error(ctx, "head: multiclass publishes outputs proba and predicted (the "
                               "argmax), without a threshold (it is mapped)");
    if (multiclass && score && strcmp(score, "score") != 0)
        return pipe_error(ctx,
                          "head: multiclass publishes outputs proba and predicted (the "
                          "argmax), not score (it is mapped to '%s')",
                          score);
    if (!multiclass && pipe_output_wanted(ctx, "proba"))
        return pipe_error(ctx, "output proba comes from head: multiclass; head: binary publishes "
                               "score, the probability of class 1");
    return 0;
}
