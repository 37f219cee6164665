/*
 * write_csv.c — tensors as CSV text: one line per row of numbers
 * (write_number.c), a header of column names quoted when they need it.
 */
#include "table_write.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Element i of t as text. */
static int format_element(char *buf, const pipe_tensor *t, int64_t i, int precision)
{
    switch (t->dtype) {
    case PIPE_F64:
        return pipe_write_format_double(buf, ((const double *)t->data)[i], precision);
    case PIPE_F32:
        return pipe_write_format_float(buf, ((const float *)t->data)[i], precision);
    case PIPE_I64:
        return snprintf(buf, PIPE_WRITE_NUMBER_MAX, "%lld",
                        (long long)((const int64_t *)t->data)[i]);
    case PIPE_I32:
        return snprintf(buf, PIPE_WRITE_NUMBER_MAX, "%ld", (long)((const int32_t *)t->data)[i]);
    case PIPE_U8:
        return snprintf(buf, PIPE_WRITE_NUMBER_MAX, "%u", ((const uint8_t *)t->data)[i]);
    }
    buf[0] = '\0';
    return 0;
}

/* Nonzero when a header name must be quoted to read back as itself. */
static int needs_quotes(const char *name, char delimiter)
{
    size_t n = strlen(name);
    if (n == 0 || name[0] == ' ' || name[0] == '\t' || name[n - 1] == ' ' || name[n - 1] == '\t')
        return 1;
    for (const char *p = name; *p; p++)
        if (*p == delimiter || *p == '"' || *p == '\n' || *p == '\r')
            return 1;
    return 0;
}

static void write_name(FILE *f, const char *name, char delimiter)
{
    if (!needs_quotes(name, delimiter)) {
        fputs(name, f);
        return;
    }
    fputc('"', f);
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

/* The table columns to write: opt->columns looked up by name, or all.
 * Returns a malloc'd array of *n indices, or NULL with err set. */
static int64_t *choose_columns(const pipe_tensor *t, const pipe_write_csv_options *opt, int64_t *n,
                               char *err, size_t err_size)
{
    int64_t cols = pipe_tensor_cols(t);
    *n = opt->columns ? (int64_t)opt->n_columns : cols;
    int64_t *index = malloc((size_t)(*n > 0 ? *n : 1) * sizeof *index);
    if (!index) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    for (int64_t j = 0; j < *n; j++) {
        index[j] = opt->columns ? pipe_tensor_column(t, opt->columns[j]) : j;
        if (index[j] < 0) {
            snprintf(err, err_size, "no column '%s' in the tensor (%s)", opt->columns[j],
                     t->columns ? "see its column names" : "it has no column names");
            free(index);
            return NULL;
        }
    }
    return index;
}

static void write_header(FILE *f, const pipe_tensor *t, const int64_t *index, int64_t n,
                         const pipe_write_csv_options *opt, char delimiter)
{
    for (int64_t j = 0; j < n; j++) {
        if (j > 0)
            fputc(delimiter, f);
        if (t->rank == 1) {
            write_name(f, opt->name ? opt->name : "value", delimiter);
        } else if (t->columns) {
            write_name(f, t->columns[index[j]], delimiter);
        } else {
            fprintf(f, "column_%lld", (long long)index[j] + 1);
        }
    }
    fputc('\n', f);
}

/* The rows, each built in one buffer and written with one fwrite.
 * Returns 0, or -1 when out of memory. */
static int write_rows(FILE *f, const pipe_tensor *t, const int64_t *index, int64_t n, int precision,
                      char delimiter)
{
    int64_t rows = pipe_tensor_rows(t), cols = pipe_tensor_cols(t);
    char *line = malloc((size_t)(n > 0 ? n : 1) * (PIPE_WRITE_NUMBER_MAX + 1) + 1);
    if (!line) {
        errno = ENOMEM;
        return -1;
    }
    for (int64_t r = 0; r < rows; r++) {
        size_t len = 0;
        for (int64_t j = 0; j < n; j++) {
            if (j > 0)
                line[len++] = delimiter;
            len += (size_t)format_element(line + len, t, r * cols + index[j], precision);
        }
        line[len++] = '\n';
        fwrite(line, 1, len, f);
    }
    free(line);
    return 0;
}

int pipe_write_csv(FILE *f, const pipe_tensor *t, const pipe_write_csv_options *opt, char *err,
                   size_t err_size)
{
    static const pipe_write_csv_options defaults = {0};
    opt = opt ? opt : &defaults;
    if (t->rank != 1 && t->rank != 2) {
        snprintf(err, err_size,
                 "CSV holds tables (rank 1 or 2), found a tensor of rank %d: write it as .npy",
                 t->rank);
        return -1;
    }
    char delimiter = opt->delimiter ? opt->delimiter : ',';
    int64_t n;
    int64_t *index = choose_columns(t, opt, &n, err, err_size);
    if (!index)
        return -1;
    if (!opt->no_header)
        write_header(f, t, index, n, opt, delimiter);
    int status = write_rows(f, t, index, n, opt->precision, delimiter);
    free(index);
    if (status != 0 || ferror(f)) {
        snprintf(err, err_size, "cannot write: %s", strerror(errno));
        return -1;
    }
    return 0;
}
