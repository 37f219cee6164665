/*
 * table.c — finding columns and taking rows and columns of f64 tables.
 * See table.h.
 */
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pipe_table_is_table(const pipe_tensor *t)
{
    return t && t->dtype == PIPE_F64 && t->rank == 2 && t->columns != NULL;
}

pipe_tensor *pipe_table_new(int64_t rows, int64_t cols, const char *const *names,
                            const double *values)
{
    pipe_tensor *t = pipe_tensor_new2(PIPE_F64, rows, cols);
    if (!t)
        return NULL;
    if (pipe_tensor_set_columns(t, names, cols) != 0) {
        pipe_tensor_release(t);
        return NULL;
    }
    if (values && rows * cols > 0)
        memcpy(t->data, values, (size_t)(rows * cols) * sizeof(double));
    return t;
}

/* Append ", name" for each column to buf (already holding text). */
static void list_columns(const pipe_tensor *t, char *buf, size_t size)
{
    size_t len = strlen(buf);
    for (int64_t c = 0; c < t->shape[1] && len < size; c++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", c ? ", " : "", t->columns[c]);
}

int64_t pipe_table_find(const pipe_tensor *t, const char *name, char *err, size_t err_size)
{
    if (!t->columns) {
        snprintf(err, err_size,
                 "no column '%s': the tensor has no column names (expected a "
                 "table read by the loader)",
                 name);
        return -1;
    }
    int64_t col = pipe_tensor_column(t, name);
    if (col >= 0)
        return col;
    char hint[128];
    pipe_suggest_text(name, (const char *const *)t->columns, (size_t)t->shape[1], hint,
                      sizeof hint);
    snprintf(err, err_size, "no column '%s' in the table%s; its columns are ", name, hint);
    list_columns(t, err, err_size);
    return -1;
}

int pipe_table_find_all(const pipe_tensor *t, const char *const *names, size_t n, int64_t *idx,
                        char *err, size_t err_size)
{
    for (size_t i = 0; i < n; i++) {
        idx[i] = pipe_table_find(t, names[i], err, err_size);
        if (idx[i] < 0)
            return -1;
    }
    return 0;
}

pipe_tensor *pipe_table_take(const pipe_tensor *t, const uint8_t *keep, const int64_t *cols,
                             int64_t n_cols)
{
    int64_t rows = t->shape[0], width = t->shape[1], kept = 0;
    for (int64_t r = 0; r < rows; r++)
        kept += keep[r] != 0;
    pipe_tensor *out = pipe_tensor_new2(PIPE_F64, kept, n_cols);
    if (!out)
        return NULL;
    const double *src = t->data;
    double *dst = out->data;
    for (int64_t r = 0; r < rows; r++) {
        if (!keep[r])
            continue;
        for (int64_t c = 0; c < n_cols; c++)
            *dst++ = src[r * width + cols[c]];
    }
    if (t->columns) {
        const char **names = malloc((size_t)(n_cols > 0 ? n_cols : 1) * sizeof *names);
        for (int64_t c = 0; names && c < n_cols; c++)
            names[c] = t->columns[cols[c]];
        int failed = !names || pipe_tensor_set_columns(out, names, n_cols) != 0;
        free(names);
        if (failed) {
            pipe_tensor_release(out);
            return NULL;
        }
    }
    return out;
}

pipe_tensor *pipe_table_column_vector(const pipe_tensor *t, int64_t col)
{
    int64_t rows = t->shape[0], width = t->shape[1];
    pipe_tensor *out = pipe_tensor_new1(PIPE_F64, rows);
    if (!out)
        return NULL;
    const double *src = t->data;
    double *dst = out->data;
    for (int64_t r = 0; r < rows; r++)
        dst[r] = src[r * width + col];
    return out;
}

double *pipe_table_vector_values(const pipe_tensor *t, int64_t *n)
{
    if (t->rank < 1 || t->rank > 2 || (t->rank == 2 && t->shape[1] != 1))
        return NULL;
    *n = t->shape[0];
    double *values = malloc((size_t)(*n > 0 ? *n : 1) * sizeof *values);
    for (int64_t i = 0; values && i < *n; i++)
        values[i] = pipe_tensor_get(t, i);
    return values;
}
