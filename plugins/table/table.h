/*
 * table.h — pipe_table: helpers the data stages (cleaner, split, scaler,
 * features, metrics) share for f64 tables, i.e. rank-2 tensors with column
 * names: finding columns with helpful messages, taking rows or columns,
 * reading column lists from parameters.
 *
 * Link the static library `pipe_table` and include "table.h".
 */
#ifndef PIPE_TABLE_H
#define PIPE_TABLE_H

#include <pipe/pipe.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Under MPI (ranks.c): the rows of input `port` a row-local stage works
 * on — the input itself when it is row-sharded or with one process, else
 * this rank's block of it as a new tensor in *owned, which the caller
 * releases (publish the result with pipe_output_rows). NULL when the input
 * is missing or out of memory (error reported). */
const pipe_tensor *pipe_table_rank_rows(pipe_ctx *ctx, const char *port, pipe_tensor **owned);

/* Nonzero when `t` is an f64 rank-2 tensor with column names. */
int pipe_table_is_table(const pipe_tensor *t);

/* A new f64 table of rows x cols with the given column names, filled from
 * `values` (row-major, rows * cols numbers) or zero when values is NULL.
 * NULL when out of memory. */
pipe_tensor *pipe_table_new(int64_t rows, int64_t cols, const char *const *names,
                            const double *values);

/* Index of the column called `name`. When there is none, returns -1 and
 * writes "no column 'x' in the table (did you mean 'y'?); its columns are
 * a, b, c" into err. */
int64_t pipe_table_find(const pipe_tensor *t, const char *name, char *err, size_t err_size);

/* Indexes of `n` named columns into idx (n entries). Returns 0, or -1 with
 * the message of the first missing column in err. */
int pipe_table_find_all(const pipe_tensor *t, const char *const *names, size_t n, int64_t *idx,
                        char *err, size_t err_size);

/* A new f64 table holding the rows i of `t` with keep[i] != 0 and the
 * `n_cols` columns listed in cols (in that order, names copied). NULL when
 * out of memory. */
pipe_tensor *pipe_table_take(const pipe_tensor *t, const uint8_t *keep, const int64_t *cols,
                             int64_t n_cols);

/* A new f64 rank-1 tensor with column `col` of `t`. NULL when out of memory. */
pipe_tensor *pipe_table_column_vector(const pipe_tensor *t, int64_t col);

/* The values of a rank-1 or N x 1 tensor of any dtype, converted to
 * double, as a malloc'd array (the caller frees it); *n gets the count.
 * NULL when `t` has another shape (or out of memory). */
double *pipe_table_vector_values(const pipe_tensor *t, int64_t *n);

/* The items of STRING_LIST parameter `name` as a malloc'd array of
 * runner-owned strings (free the array only); *n gets the count. NULL with
 * *n = 0 for an empty list. */
const char **pipe_table_param_names(const pipe_ctx *ctx, const char *name, size_t *n);

/* Nonzero when a name list is the single word `word` ("all", "none"). */
int pipe_table_names_are(const char *const *names, size_t n, const char *word);

#ifdef __cplusplus
}
#endif
#endif /* PIPE_TABLE_H */
