/*
 * plotter_inputs.c — reading the plotter stage's inputs into arrays of
 * doubles, restricted to the chosen part of the split and checked, with
 * errors naming the port, the tensor and the offending row. See
 * plotter_inputs.h.
 */
#include "plotter_inputs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The part code of the `part` parameter, or −1 for all rows. */
static int chosen_part(const pipe_ctx *ctx)
{
    return pipe_part_parse(pipe_param_string(ctx, "part"));
}

/* The tensor of a mapped input, or NULL with the error reported. */
static const pipe_tensor *mapped_input(pipe_ctx *ctx, const char *port)
{
    const pipe_tensor *t = pipe_input(ctx, port);
    if (!t && !pipe_input_name(ctx, port))
        pipe_error(ctx, "input '%s' is not mapped (inputs: {%s: <tensor>})", port, port);
    return t; /* a mapped input that is missing was reported by pipe_input */
}

/* Fix the row count on the first input, or check against it. */
static int check_rows(pipe_ctx *ctx, const char *port, int64_t n, plotter_rows *rows)
{
    if (n == 0)
        return pipe_error(ctx, "input '%s' (tensor '%s') is empty: there is nothing to plot", port,
                          pipe_input_name(ctx, port));
    if (rows->n < 0) {
        rows->n = n;
        rows->first_port = port;
        rows->kept = n;
        return 0;
    }
    if (n != rows->n)
        return pipe_error(ctx,
                          "input '%s' (tensor '%s') has %lld rows but input '%s' (tensor "
                          "'%s') has %lld; they must have one row per event",
                          port, pipe_input_name(ctx, port), (long long)n, rows->first_port,
                          pipe_input_name(ctx, rows->first_port), (long long)rows->n);
    return 0;
}

int plotter_rows_init(pipe_ctx *ctx, plotter_rows *rows)
{
    *rows = (plotter_rows){.n = -1};
    int part = chosen_part(ctx);
    if (!pipe_input_name(ctx, "split"))
        return 0; /* check() made sure that part is then "all" */
    const pipe_tensor *split = pipe_input(ctx, "split");
    if (!split || check_rows(ctx, "split", split->shape[0], rows))
        return -1;
    if (part < 0)
        return 0;
    rows->keep = malloc((size_t)rows->n);
    if (!rows->keep)
        return pipe_error(ctx, "out of memory");
    rows->kept = 0;
    for (int64_t i = 0; i < rows->n; i++) {
        rows->keep[i] = pipe_tensor_get(split, i) == part;
        rows->kept += rows->keep[i];
    }
    if (rows->kept == 0)
        return pipe_error(ctx,
                          "input 'split' (tensor '%s') has no row in part '%s': there is "
                          "nothing to plot",
                          pipe_input_name(ctx, "split"), pipe_param_string(ctx, "part"));
    return 0;
}

void plotter_rows_free(plotter_rows *rows)
{
    free(rows->keep);
    *rows = (plotter_rows){.n = -1};
}

/* Copy the kept values of column `col` (of `stride` columns) of t; NaN
 * and infinities are errors. */
static double *gather(pipe_ctx *ctx, const char *port, const char *what, const pipe_tensor *t,
                      int64_t col, int64_t stride, const plotter_rows *rows)
{
    double *values = malloc((size_t)rows->kept * sizeof *values);
    if (!values) {
        pipe_error(ctx, "out of memory");
        return NULL;
    }
    int64_t k = 0, bad = 0, first_bad = -1;
    for (int64_t i = 0; i < rows->n; i++) {
        if (rows->keep && !rows->keep[i])
            continue;
        double v = pipe_tensor_get(t, i * stride + col);
        if (!isfinite(v) && bad++ == 0)
            first_bad = i;
        values[k++] = v;
    }
    if (bad > 0) {
        pipe_error(ctx,
                   "input '%s' (tensor '%s')%s holds %lld NaN or infinite value%s, the "
                   "first at row %lld (counting from 0); clean them before plotting",
                   port, pipe_input_name(ctx, port), what, (long long)bad, bad == 1 ? "" : "s",
                   (long long)first_bad);
        free(values);
        return NULL;
    }
    return values;
}

double *plotter_vector(pipe_ctx *ctx, const char *port, plotter_rows *rows)
{
    const pipe_tensor *t = mapped_input(ctx, port);
    if (t && (t->rank > 2 || (t->rank == 2 && t->shape[1] != 1))) {
        pipe_error(ctx,
                   "input '%s' (tensor '%s') has %lld columns; this kind takes one value per "
                   "row (rank 1 or N x 1)",
                   port, pipe_input_name(ctx, port), (long long)pipe_tensor_cols(t));
        return NULL;
    }
    if (!t || check_rows(ctx, port, t->shape[0], rows))
        return NULL;
    return gather(ctx, port, "", t, 0, 1, rows);
}

int plotter_weights(pipe_ctx *ctx, plotter_rows *rows, const double **weight)
{
    *weight = pipe_input_name(ctx, "weight") ? plotter_vector(ctx, "weight", rows) : NULL;
    return *weight || !pipe_input_name(ctx, "weight") ? 0 : -1;
}

int plotter_is_table(pipe_ctx *ctx, const char *port)
{
    const pipe_tensor *t = pipe_input(ctx, port);
    return t && t->rank == 2 && t->shape[1] >= 2;
}

double *plotter_matrix(pipe_ctx *ctx, const char *port, plotter_rows *rows, int64_t *k)
{
    const pipe_tensor *t = mapped_input(ctx, port);
    if (!t || check_rows(ctx, port, t->shape[0], rows))
        return NULL;
    *k = pipe_tensor_cols(t);
    double *out = malloc((size_t)(rows->kept * *k) * sizeof *out);
    if (!out) {
        pipe_error(ctx, "out of memory");
        return NULL;
    }
    for (int64_t c = 0; c < *k; c++) {
        char what[96];
        snprintf(what, sizeof what, " column %lld", (long long)c);
        double *col = gather(ctx, port, what, t, c, *k, rows);
        if (!col) {
            free(out);
            return NULL;
        }
        for (int64_t i = 0; i < rows->kept; i++)
            out[i * *k + c] = col[i];
        free(col);
    }
    return out;
}

void plotter_column_list(const pipe_tensor *table, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    int64_t cols = pipe_tensor_cols(table);
    for (int64_t c = 0; c < cols && len < size; c++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", c ? ", " : "",
                                table->columns ? table->columns[c] : "?");
    if (!table->columns)
        snprintf(buf, size, "no column names");
}

double *plotter_column(pipe_ctx *ctx, const char *port, const char *column, const char *param,
                       plotter_rows *rows)
{
    const pipe_tensor *t = mapped_input(ctx, port);
    if (!t)
        return NULL;
    int64_t col = pipe_tensor_column(t, column);
    if (col < 0) {
        char names[1024];
        plotter_column_list(t, names, sizeof names);
        pipe_param_error(ctx, param,
                         "table input '%s' (tensor '%s') has no column '%s'; its "
                         "columns are: %s",
                         port, pipe_input_name(ctx, port), column, names);
        return NULL;
    }
    if (check_rows(ctx, port, t->shape[0], rows))
        return NULL;
    char what[160];
    snprintf(what, sizeof what, ", column '%s',", column);
    return gather(ctx, port, what, t, col, pipe_tensor_cols(t), rows);
}

double *plotter_optional_column(pipe_ctx *ctx, const char *port, const pipe_tensor *table,
                                const char *column, int *status)
{
    *status = 0;
    int64_t col = pipe_tensor_column(table, column);
    if (col < 0)
        return NULL;
    int64_t n = table->shape[0], cols = pipe_tensor_cols(table), nan = 0;
    for (int64_t i = 0; i < n; i++)
        nan += isnan(pipe_tensor_get(table, i * cols + col));
    if (nan == n)
        return NULL; /* a column left empty, e.g. val_loss without validation rows */
    plotter_rows all = {.n = n, .kept = n};
    char what[160];
    snprintf(what, sizeof what, ", column '%s',", column);
    double *values = gather(ctx, port, what, table, col, cols, &all);
    *status = values ? 0 : -1;
    return values;
}
