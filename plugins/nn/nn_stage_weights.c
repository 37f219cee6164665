/*
 * nn_stage_weights.c — event weights for the stages that train (dnn,
 * cnn, classifier, gbdt; nn_stage.h): the optional input "weight", one
 * number per row (a generator's cross-section weight, split's flat
 * reweighting, a define), multiplied into the rows' loss weights (which
 * may already hold class weights). Negative weights are kept where the
 * maths allows them (a weighted sum of losses) and refused, with the
 * stage's reason, where it does not.
 */
#include "nn_stage.h"

#include <math.h>
#include <stdlib.h>

/* Value i of a float tensor. */
static double value_at(const pipe_tensor *t, int64_t i)
{
    return t->dtype == PIPE_F32 ? ((const float *)t->data)[i] : ((const double *)t->data)[i];
}

/* The weights must be one finite number per row (negative ones only when
 * `refuse_negative` is NULL). 0 or -1 (reported). */
static int check_weights(pipe_ctx *ctx, const pipe_tensor *t, const pipe_nn_rows *d,
                         const char *refuse_negative)
{
    const char *name = pipe_input_name(ctx, "weight");
    int64_t n = t->rank >= 1 ? t->shape[0] : 1, width = t->rank == 2 ? t->shape[1] : 1;
    if (t->rank > 2 || width != 1 || n != d->rows)
        return pipe_error(ctx,
                          "input 'weight': '%s' must hold one weight per row of x (%lld), "
                          "found a tensor of rank %d with %lld rows",
                          name, (long long)d->rows, t->rank, (long long)n);
    for (int64_t r = 0; r < n; r++) {
        double w = value_at(t, r);
        if (!isfinite(w))
            return pipe_error(ctx, "input 'weight': '%s' is %g in row %lld", name, w, (long long)r);
        if (w < 0 && refuse_negative)
            return pipe_error(ctx, "input 'weight': '%s' is %g in row %lld: %s", name, w,
                              (long long)r, refuse_negative);
    }
    return 0;
}

int pipe_nn_stage_row_weights(pipe_ctx *ctx, pipe_nn_rows *d, const char *refuse_negative)
{
    const pipe_tensor *t = pipe_input(ctx, "weight");
    if (!t)
        return 0;
    if (check_weights(ctx, t, d, refuse_negative) != 0)
        return -1;
    if (!d->w) {
        d->w = malloc((size_t)(d->rows + 1) * sizeof *d->w);
        if (!d->w)
            return pipe_error(ctx, "out of memory");
        for (int64_t r = 0; r < d->rows; r++)
            d->w[r] = 1;
    }
    double sum = 0;
    int64_t negative = 0;
    for (int64_t i = 0; i < d->n_train; i++) {
        double w = value_at(t, d->train[i]);
        sum += w;
        negative += w < 0;
    }
    for (int64_t r = 0; r < d->rows; r++)
        d->w[r] = (pipe_nn_real)(d->w[r] * value_at(t, r));
    pipe_metric(ctx, "weights.train_sum", sum);
    pipe_metric(ctx, "weights.train_negative", (double)negative);
    pipe_log(ctx, "event weights '%s': sum %.6g over the %lld training rows (%lld negative)",
             pipe_input_name(ctx, "weight"), sum, (long long)d->n_train, (long long)negative);
    return 0;
}
