/*
 * plotter_inputs.h — the plotter stage's inputs as plain arrays: rank-1
 * tensors and table columns converted to doubles, restricted to the rows
 * of the chosen part of the split, and checked (not empty, no NaN or
 * infinity, equal lengths) with errors that name the port and tensor.
 * Internal to the plotter plugin.
 */
#ifndef PIPE_PLOTTER_INPUTS_H
#define PIPE_PLOTTER_INPUTS_H

#include <pipe/pipe.h>
#include <stdint.h>

/* The rows every row-aligned input must have, and those kept. */
typedef struct plotter_rows {
    int64_t n;              /* rows of the inputs, −1 until the first is seen */
    const char *first_port; /* the input that fixed n */
    uint8_t *keep;          /* NULL: all rows; else 1 for each kept row */
    int64_t kept;           /* number of kept rows (n when keep is NULL) */
} plotter_rows;

/* Read the `split` input and `part` parameter. Returns 0, or -1 with the
 * error reported. Free with plotter_rows_free. */
int plotter_rows_init(pipe_ctx *ctx, plotter_rows *rows);
void plotter_rows_free(plotter_rows *rows);

/* The kept values of input `port`, rank 1 or N x 1 (malloc'd; rows->kept
 * of them), or NULL with the error reported. `port` must be mapped. */
double *plotter_vector(pipe_ctx *ctx, const char *port, plotter_rows *rows);

/* The kept rows' event weights into *weight (malloc'd) when the input
 * "weight" is mapped, else NULL. 0, or -1 with the error reported. */
int plotter_weights(pipe_ctx *ctx, plotter_rows *rows, const double **weight);

/* Whether mapped input `port` is a table of 2 or more columns (a model's
 * class probabilities) rather than a vector. */
int plotter_is_table(pipe_ctx *ctx, const char *port);

/* The kept rows of table input `port`: rows->kept x *k values, row major
 * (malloc'd), or NULL with the error reported. */
double *plotter_matrix(pipe_ctx *ctx, const char *port, plotter_rows *rows, int64_t *k);

/* The kept values of column `column` of table input `port`; `param` is
 * the parameter that named the column (for the error when it is
 * missing). NULL with the error reported. */
double *plotter_column(pipe_ctx *ctx, const char *port, const char *column, const char *param,
                       plotter_rows *rows);

/* Column `column` of a table input, all rows, or NULL when the table has
 * no such column or when every value is NaN (*status 0); on NaN or
 * infinite values among others, or out of memory, NULL with the error
 * reported (*status −1). For the training history. */
double *plotter_optional_column(pipe_ctx *ctx, const char *port, const pipe_tensor *table,
                                const char *column, int *status);

/* The names of a table's columns, comma separated, for messages. */
void plotter_column_list(const pipe_tensor *table, char *buf, size_t size);

#endif
