/*
 * nn_stage_threshold.c — the binary head of the network stages (cnn's
 * head: classification, dnn's sigmoid output trained with bce; see
 * nn_stage.h): predictions published, and the decision threshold tuned
 * for accuracy on the val rows with the core's pipe_nn_tune_threshold (the
 * classifier stage's tuning), reported as metrics, published as output
 * "threshold" and kept in the model file for predict mode.
 */
#include "nn_stage.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Tune on the val rows of d with the scores `score` (one per row). */
static int tune(pipe_ctx *ctx, const pipe_nn_rows *d, const double *score, pipe_nn_tuned *t)
{
    double *s = malloc((size_t)d->n_val * sizeof *s), *y = malloc((size_t)d->n_val * sizeof *y);
    char err[256];
    int rc = s && y ? 0 : pipe_error(ctx, "out of memory");
    for (int64_t i = 0; rc == 0 && i < d->n_val; i++) {
        s[i] = score[d->val[i]];
        y[i] = (double)d->y[d->val[i]];
    }
    if (rc == 0 &&
        pipe_nn_tune_threshold(s, y, d->n_val, PIPE_NN_TUNE_ACCURACY, 0.5, t, err, sizeof err) != 0)
        rc = pipe_error(ctx, "tuning the decision threshold on the val rows: %s", err);
    free(s);
    free(y);
    return rc;
}

/* Output "threshold": one value. */
static int publish_threshold(pipe_ctx *ctx, double threshold)
{
    pipe_tensor *t = pipe_tensor_new1(PIPE_F64, 1);
    if (!t)
        return pipe_error(ctx, "out of memory");
    ((double *)t->data)[0] = threshold;
    return pipe_output(ctx, "threshold", t);
}

int pipe_nn_stage_publish_binary(pipe_ctx *ctx, pipe_nn_model *m, const pipe_nn_rows *d,
                                 double *threshold)
{
    *threshold = NAN;
    if (d->n_val == 0 && pipe_output_wanted(ctx, "threshold"))
        return pipe_error(ctx, "output threshold is tuned on the val rows, and there are none: map "
                               "a split with val rows");
    pipe_tensor *pred = pipe_nn_stage_predict_all(ctx, m, d);
    if (!pred)
        return -1;
    pipe_nn_tuned t;
    int rc = d->n_val > 0 ? tune(ctx, d, pred->data, &t) : 0;
    if (rc == 0 && d->n_val > 0) {
        *threshold = t.threshold;
        pipe_metric(ctx, "threshold", t.threshold);
        pipe_metric(ctx, "val_accuracy_tuned", t.value);
        pipe_log(ctx, "decision threshold %.6g (tuned for accuracy on the %lld val rows: %.5f)",
                 t.threshold, (long long)d->n_val, t.value);
    }
    if (rc == 0 && pipe_output_wanted(ctx, "threshold"))
        rc = publish_threshold(ctx, t.threshold);
    if (rc == 0)
        return pipe_output(ctx, "pred", pred);
    pipe_tensor_release(pred);
    return rc;
}

int pipe_nn_stage_publish_saved_threshold(pipe_ctx *ctx, const pipe_nn_st_file *file)
{
    if (!pipe_output_wanted(ctx, "threshold"))
        return 0;
    const char *text = pipe_nn_st_meta_get(file, "threshold");
    char *end = NULL;
    double v = text ? strtod(text, &end) : NAN;
    if (!text || end == text || *end || !isfinite(v))
        return pipe_param_error(ctx, "model",
                                "has no tuned decision threshold (metadata \"threshold\"), which "
                                "output threshold needs: a binary model trained with val rows "
                                "has one");
    return publish_threshold(ctx, v);
}

int pipe_nn_stage_check_threshold_port(pipe_ctx *ctx, int binary)
{
    if (!binary && pipe_output_wanted(ctx, "threshold"))
        return pipe_error(ctx, "output threshold is the decision threshold of a binary head "
                               "(one sigmoid output trained with bce); this stage has none");
    return 0;
}
