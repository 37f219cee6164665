/*
 * tensor.c — reference-counted tensors of the SDK: creation, element
 * access whatever the dtype, column names of tables.
 */
#include "pipe/pipe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t pipe_dtype_size(pipe_dtype dtype)
{
    switch (dtype) {
    case PIPE_F32:
        return 4;
    case PIPE_F64:
        return 8;
    case PIPE_I32:
        return 4;
    case PIPE_I64:
        return 8;
    case PIPE_U8:
        return 1;
    }
    return 0;
}

const char *pipe_dtype_name(pipe_dtype dtype)
{
    static const char *const names[] = {"f32", "f64", "i32", "i64", "u8"};
    return (unsigned)dtype < 5 ? names[dtype] : "?";
}

const char *pipe_dtype_mask_name(unsigned mask, char *buf, size_t size)
{
    size_t len = 0;
    int count = 0, total = 0;
    for (int d = 0; d < 5; d++)
        total += (mask >> d) & 1;
    buf[0] = '\0';
    for (int d = 0; d < 5 && len < size; d++) {
        if (!(mask & PIPE_DT(d)))
            continue;
        count++;
        const char *sep = count == 1 ? "" : count == total ? " or " : ", ";
        len += (size_t)snprintf(buf + len, size - len, "%s%s", sep, pipe_dtype_name(d));
    }
    return buf;
}

pipe_tensor *pipe_tensor_new(pipe_dtype dtype, int rank, const int64_t *shape)
{
    if (rank < 1 || rank > PIPE_MAX_RANK || pipe_dtype_size(dtype) == 0)
        return NULL;
    int64_t count = 1;
    for (int i = 0; i < rank; i++) {
        if (shape[i] < 0)
            return NULL;
        count *= shape[i];
    }
    pipe_tensor *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->dtype = dtype;
    t->rank = rank;
    memcpy(t->shape, shape, (size_t)rank * sizeof *shape);
    t->data = calloc(count > 0 ? (size_t)count : 1, pipe_dtype_size(dtype));
    if (!t->data) {
        free(t);
        return NULL;
    }
    t->refcount = 1;
    return t;
}

pipe_tensor *pipe_tensor_new1(pipe_dtype dtype, int64_t n)
{
    return pipe_tensor_new(dtype, 1, &n);
}

pipe_tensor *pipe_tensor_new2(pipe_dtype dtype, int64_t rows, int64_t cols)
{
    int64_t shape[2] = {rows, cols};
    return pipe_tensor_new(dtype, 2, shape);
}

void pipe_tensor_retain(pipe_tensor *t)
{
    if (t)
        t->refcount++;
}

static void free_columns(pipe_tensor *t)
{
    if (!t->columns)
        return;
    for (int64_t i = 0; i < t->shape[1]; i++)
        free(t->columns[i]);
    free(t->columns);
    t->columns = NULL;
}

void pipe_tensor_release(pipe_tensor *t)
{
    if (!t || --t->refcount > 0)
        return;
    free_columns(t);
    free(t->data);
    free(t);
}

int64_t pipe_tensor_count(const pipe_tensor *t)
{
    int64_t count = 1;
    for (int i = 0; i < t->rank; i++)
        count *= t->shape[i];
    return count;
}

int64_t pipe_tensor_rows(const pipe_tensor *t)
{
    return t->shape[0];
}

int64_t pipe_tensor_cols(const pipe_tensor *t)
{
    return t->rank >= 2 ? t->shape[1] : 1;
}

double pipe_tensor_get(const pipe_tensor *t, int64_t i)
{
    switch (t->dtype) {
    case PIPE_F32:
        return ((const float *)t->data)[i];
    case PIPE_F64:
        return ((const double *)t->data)[i];
    case PIPE_I32:
        return ((const int32_t *)t->data)[i];
    case PIPE_I64:
        return (double)((const int64_t *)t->data)[i];
    case PIPE_U8:
        return ((const uint8_t *)t->data)[i];
    }
    return 0.0;
}

void pipe_tensor_set(pipe_tensor *t, int64_t i, double v)
{
    switch (t->dtype) {
    case PIPE_F32:
        ((float *)t->data)[i] = (float)v;
        break;
    case PIPE_F64:
        ((double *)t->data)[i] = v;
        break;
    case PIPE_I32:
        ((int32_t *)t->data)[i] = (int32_t)v;
        break;
    case PIPE_I64:
        ((int64_t *)t->data)[i] = (int64_t)v;
        break;
    case PIPE_U8:
        ((uint8_t *)t->data)[i] = (uint8_t)v;
        break;
    }
}

int pipe_tensor_set_columns(pipe_tensor *t, const char *const *names, int64_t n)
{
    if (t->rank != 2 || n != t->shape[1])
        return -1;
    char **copy = calloc(n > 0 ? (size_t)n : 1, sizeof *copy);
    if (!copy)
        return -1;
    for (int64_t i = 0; i < n; i++) {
        copy[i] = strdup(names[i]);
        if (!copy[i]) {
            while (i-- > 0)
                free(copy[i]);
            free(copy);
            return -1;
        }
    }
    free_columns(t);
    t->columns = copy;
    return 0;
}

int64_t pipe_tensor_column(const pipe_tensor *t, const char *name)
{
    if (!t->columns)
        return -1;
    for (int64_t i = 0; i < t->shape[1]; i++)
        if (strcmp(t->columns[i], name) == 0)
            return i;
    return -1;
}
