/*
 * dnn_target.c — the `dnn` stage's target (a column of y, or y itself)
 * and its predictions tensor.
 */
#include "dnn.h"
#include "table/table.h"

#include <stdlib.h>

int dnn_read_target(pipe_ctx *ctx, pipe_nn_rows *d)
{
    const pipe_tensor *y = pipe_input(ctx, "y");
    const char *target = pipe_param_string(ctx, "target"), *name = pipe_input_name(ctx, "y");
    int64_t col = -1;
    char err[1024];
    if (!y)
        return pipe_error(ctx, "mode: train needs the target: map the y input (inputs: {y: ...})");
    if (y->rank > 2 || y->shape[0] != d->rows)
        return pipe_error(ctx,
                          "the target y '%s' must have one row per row of x (%lld rows), "
                          "found shape %lld x %lld",
                          name, (long long)d->rows, (long long)y->shape[0],
                          (long long)pipe_tensor_cols(y));
    if (target[0] && (col = pipe_table_find(y, target, err, sizeof err)) < 0)
        return pipe_param_error(ctx, "target", "%s (in y '%s')", err, name);
    if (!target[0] && y->columns && y->shape[1] > 1)
        return pipe_param_error(ctx, "target",
                                "y '%s' is a table of %lld columns: name the "
                                "column to predict",
                                name, (long long)y->shape[1]);
    d->n_out = col >= 0 ? 1 : (int)pipe_tensor_cols(y);
    d->y = malloc((size_t)(d->rows * d->n_out + 1) * sizeof *d->y);
    if (!d->y)
        return pipe_error(ctx, "out of memory");
    int64_t stride = pipe_tensor_cols(y);
    for (int64_t r = 0; r < d->rows; r++)
        for (int j = 0; j < d->n_out; j++)
            d->y[r * d->n_out + j] =
                (pipe_nn_real)pipe_tensor_get(y, r * stride + (col >= 0 ? col : j));
    return 0;
}

int dnn_publish_predictions(pipe_ctx *ctx, pipe_nn_model *m, const pipe_nn_rows *d)
{
    int n_out = pipe_nn_model_outputs(m);
    pipe_tensor *pred = n_out == 1 ? pipe_tensor_new1(PIPE_F64, d->rows)
                                   : pipe_tensor_new2(PIPE_F64, d->rows, n_out);
    if (!pred)
        return pipe_error(ctx, "out of memory");
    pipe_nn_model_predict(m, d->x, d->rows, pred->data);
    return pipe_output(ctx, "pred", pred);
}
