/*
 * ranks.c — the rows a row-local data stage works on under MPI: its input
 * as it is when the runner sharded it (or with one process), else this
 * rank's block of the whole table (pipe_row_block), so that the stage's
 * output is row-sharded from there on.
 */
#include "table.h"

#include <string.h>

const pipe_tensor *pipe_table_rank_rows(pipe_ctx *ctx, const char *port, pipe_tensor **owned)
{
    const pipe_tensor *in = pipe_input(ctx, port);
    *owned = NULL;
    if (!in || pipe_size(ctx) == 1 || pipe_input_rows(ctx, port, NULL, NULL))
        return in;
    int64_t begin, end, shape[PIPE_MAX_RANK];
    pipe_row_block(ctx, in->shape[0], &begin, &end);
    memcpy(shape, in->shape, sizeof shape);
    shape[0] = end - begin;
    pipe_tensor *t = pipe_tensor_new(in->dtype, in->rank, shape);
    size_t row = pipe_dtype_size(in->dtype);
    for (int d = 1; d < in->rank; d++)
        row *= (size_t)in->shape[d];
    if (t && in->columns &&
        pipe_tensor_set_columns(t, (const char *const *)in->columns, in->shape[1]) != 0) {
        pipe_tensor_release(t);
        t = NULL;
    }
    if (!t) {
        pipe_error(ctx, "out of memory");
        return NULL;
    }
    memcpy(t->data, (const char *)in->data + (size_t)begin * row, (size_t)(end - begin) * row);
    *owned = t;
    return t;
}
