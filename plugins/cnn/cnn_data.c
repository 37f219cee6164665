/*
 * cnn_data.c — from the cnn stage's input tensors to what the core
 * trains on: the images as reals, the target and the train and
 * validation rows of the split (nn_stage's), with clear errors for mismatched shapes
 * and values that cannot be used.
 */
#include "cnn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void cnn_data_free(cnn_data *d)
{
    pipe_nn_rows_free(&d->rows);
    pipe_nn_classes_free(&d->classes);
    memset(d, 0, sizeof *d);
}

int cnn_data_images(pipe_ctx *ctx, cnn_data *d)
{
    const pipe_tensor *x = pipe_input(ctx, "x");
    pipe_nn_rows *r = &d->rows;
    r->rows = x->shape[0];
    for (int i = 0; i < 3; i++)
        d->chw[i] = (int)x->shape[i + 1];
    r->n_in = d->chw[0] * d->chw[1] * d->chw[2];
    if (r->rows < 1 || r->n_in < 1)
        return pipe_error(ctx, "x '%s' holds no image (shape %lld x %d x %d x %d)",
                          pipe_input_name(ctx, "x"), (long long)r->rows, d->chw[0], d->chw[1],
                          d->chw[2]);
    r->x = malloc((size_t)r->rows * (size_t)r->n_in * sizeof *r->x);
    if (!r->x)
        return pipe_error(ctx, "out of memory");
    for (int64_t i = 0; i < r->rows * r->n_in; i++) {
        double v =
            x->dtype == PIPE_F32 ? ((const float *)x->data)[i] : ((const double *)x->data)[i];
        if (!isfinite(v))
            return pipe_error(ctx, "x '%s': image %lld has a non-finite pixel (%g)",
                              pipe_input_name(ctx, "x"), (long long)(i / r->n_in), v);
        r->x[i] = (pipe_nn_real)v;
    }
    return 0;
}

/* The targets of the rows used must be finite. */
static int check_targets(pipe_ctx *ctx, const pipe_nn_rows *d, const int64_t *rows, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        for (int j = 0; j < d->n_out; j++) {
            double v = d->y[rows[i] * d->n_out + j];
            if (!isfinite(v))
                return pipe_error(ctx,
                                  "the target y '%s' is %g in row %lld: drop such rows first "
                                  "(cleaner)",
                                  pipe_input_name(ctx, "y"), v, (long long)rows[i]);
        }
    return 0;
}

int cnn_data_target_and_split(pipe_ctx *ctx, cnn_data *d)
{
    pipe_nn_rows *r = &d->rows;
    if (pipe_nn_stage_target(ctx, 1, r) != 0)
        return -1;
    if (pipe_nn_stage_split(ctx, r) != 0)
        return -1;
    if (cnn_is_classifier(ctx) && pipe_nn_stage_binary_targets(ctx, r) != 0)
        return -1;
    if (cnn_is_multiclass(ctx) && pipe_nn_stage_class_targets(ctx, r, &d->classes) != 0)
        return -1;
    if (pipe_nn_stage_row_weights(ctx, r, NULL) != 0)
        return -1;
    if (check_targets(ctx, r, r->train, r->n_train) != 0 ||
        check_targets(ctx, r, r->val, r->n_val) != 0)
        return -1;
    return 0;
}
