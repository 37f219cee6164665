/*
 * select.c — pipe_select_apply(): defines appended as new columns, then the
 * cuts applied in order with their cut flow, and the split cut alongside.
 */
#include "select_core.h"
#include "table/table.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failed(pipe_select_failure *fail, int define, size_t index, int column, const char *fmt,
                  ...) __attribute__((format(printf, 5, 6)));
static int failed(pipe_select_failure *fail, int define, size_t index, int column, const char *fmt,
                  ...)
{
    fail->define = define;
    fail->index = index;
    fail->error.column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fail->error.message, sizeof fail->error.message, fmt, ap);
    va_end(ap);
    return -1;
}

/* The input's column names followed by the define names (borrowed). */
static const char **all_names(const pipe_tensor *table, const pipe_select_spec *spec,
                              pipe_select_failure *fail)
{
    int64_t width = table->shape[1];
    const char **names = malloc(((size_t)width + spec->n_defines + 1) * sizeof *names);
    if (!names) {
        failed(fail, 0, 0, 0, "out of memory");
        return NULL;
    }
    for (int64_t c = 0; c < width; c++)
        names[c] = table->columns[c];
    for (size_t i = 0; i < spec->n_defines; i++) {
        const char *name = spec->define_names[i];
        for (size_t c = 0; c < (size_t)width + i; c++)
            if (strcmp(names[c], name) == 0) {
                failed(fail, 1, i, 0,
                       (int64_t)c < width ? "'%s' is already a column of the table"
                                          : "'%s' is defined twice",
                       name);
                free(names);
                return NULL;
            }
        names[width + (int64_t)i] = name;
    }
    return names;
}

/* Rows per pass: the rows of a pass (input, defines and cut values) stay
 * in L2 while every program runs over them, so the table is read from
 * memory once however many expressions there are. */
#define SELECT_CHUNK 1024

/* A zero-filled table of `rows` x (input columns + defines). */
static pipe_tensor *new_wide(int64_t rows, int64_t wide, const char **names)
{
    pipe_tensor *t = pipe_tensor_new2(PIPE_F64, rows, wide);
    if (t && pipe_tensor_set_columns(t, names, wide) != 0) {
        pipe_tensor_release(t);
        return NULL;
    }
    return t;
}

/* Every expression compiled: define i against the columns before it, the
 * cuts against all. progs has n_defines + n_cuts entries. */
static int compile_all(const pipe_select_spec *spec, const char **names, size_t width,
                       pipe_expr_program **progs, pipe_select_failure *fail)
{
    size_t n = spec->n_defines + spec->n_cuts;
    for (size_t i = 0; i < n; i++) {
        int define = i < spec->n_defines;
        const pipe_expr *e = define ? spec->defines[i] : spec->cuts[i - spec->n_defines];
        size_t visible = define ? width + i : width + spec->n_defines;
        progs[i] = pipe_expr_compile(e, names, visible, &fail->error);
        if (!progs[i]) {
            fail->define = define, fail->index = define ? i : i - spec->n_defines;
            return -1;
        }
    }
    return 0;
}

/* One pass over rows [r0, r0 + n): copy them, run the defines into their
 * columns, then the cuts into keep and the counts. */
static int run_chunk(const pipe_tensor *table, pipe_tensor *wide, const pipe_select_spec *spec,
                     pipe_expr_program *const *progs, int64_t r0, int64_t n, uint8_t *keep,
                     int64_t *after, double *value)
{
    int64_t width = table->shape[1], stride = wide->shape[1];
    const double *src = (const double *)table->data + r0 * width;
    double *dst = (double *)wide->data + r0 * stride;
    for (int64_t r = 0; r < n; r++)
        memcpy(dst + r * stride, src + r * width, (size_t)width * sizeof *dst);
    for (size_t i = 0; i < spec->n_defines; i++)
        if (pipe_expr_eval(progs[i], dst, n, stride, dst + width + (int64_t)i, stride) != 0)
            return -1;
    memset(keep + r0, 1, (size_t)n);
    for (size_t k = 0; k < spec->n_cuts; k++) {
        if (pipe_expr_eval(progs[spec->n_defines + k], dst, n, stride, value, 1) != 0)
            return -1;
        int64_t left = 0;
        for (int64_t r = 0; r < n; r++) {
            keep[r0 + r] &= value[r] != 0.0;
            left += keep[r0 + r];
        }
        after[k] += left;
    }
    return 0;
}

/* The output: the wide table itself when every row is kept, else a copy of
 * the kept rows. Takes over the reference to wide. */
static pipe_tensor *kept_rows(pipe_tensor *wide, const uint8_t *keep, int64_t kept)
{
    if (kept == wide->shape[0])
        return wide;
    int64_t stride = wide->shape[1];
    int64_t *cols = malloc((size_t)(stride > 0 ? stride : 1) * sizeof *cols);
    for (int64_t c = 0; cols && c < stride; c++)
        cols[c] = c;
    pipe_tensor *out = cols ? pipe_table_take(wide, keep, cols, stride) : NULL;
    free(cols);
    pipe_tensor_release(wide);
    return out;
}

static pipe_tensor *take_split(const pipe_tensor *split, const uint8_t *keep, int64_t kept)
{
    pipe_tensor *out = pipe_tensor_new1(PIPE_U8, kept);
    if (!out)
        return NULL;
    const uint8_t *src = split->data;
    uint8_t *dst = out->data;
    for (int64_t r = 0; r < split->shape[0]; r++)
        if (keep[r])
            *dst++ = src[r];
    return out;
}

static void free_programs(pipe_expr_program **progs, size_t n)
{
    for (size_t i = 0; progs && i < n; i++)
        pipe_expr_program_free(progs[i]);
    free(progs);
}

int pipe_select_apply(const pipe_tensor *table, const pipe_tensor *split,
                      const pipe_select_spec *spec, pipe_select_result *out,
                      pipe_select_failure *fail)
{
    memset(out, 0, sizeof *out);
    if (!pipe_table_is_table(table))
        return failed(fail, 0, 0, 0, "the input is not an f64 table with column names");
    int64_t rows = table->shape[0], width = table->shape[1];
    if (split && (split->dtype != PIPE_U8 || split->rank != 1 || split->shape[0] != rows))
        return failed(fail, 0, 0, 0,
                      "the split must be u8 with one entry per row: %lld rows, found %s of "
                      "%lld entries",
                      (long long)rows, pipe_dtype_name(split->dtype),
                      (long long)pipe_tensor_count(split));
    const char **names = all_names(table, spec, fail);
    if (!names)
        return -1;
    size_t n_progs = spec->n_defines + spec->n_cuts;
    pipe_expr_program **progs = calloc(n_progs + 1, sizeof *progs);
    int status = progs ? compile_all(spec, names, (size_t)width, progs, fail)
                       : failed(fail, 0, 0, 0, "out of memory");
    pipe_tensor *wide = status ? NULL : new_wide(rows, width + (int64_t)spec->n_defines, names);
    uint8_t *keep = malloc((size_t)(rows > 0 ? rows : 1));
    int64_t *after = calloc(spec->n_cuts + 1, sizeof *after);
    double *value = malloc(SELECT_CHUNK * sizeof *value);
    if (status == 0 && !(wide && keep && after && value))
        status = failed(fail, 0, 0, 0, "out of memory");
    for (int64_t r0 = 0; status == 0 && r0 < rows; r0 += SELECT_CHUNK) {
        int64_t n = rows - r0 < SELECT_CHUNK ? rows - r0 : SELECT_CHUNK;
        if (run_chunk(table, wide, spec, progs, r0, n, keep, after, value) != 0)
            status = failed(fail, 0, 0, 0, "out of memory");
    }
    if (status == 0) {
        int64_t kept = spec->n_cuts ? after[spec->n_cuts - 1] : rows;
        out->table = kept_rows(wide, keep, kept);
        wide = NULL;
        out->split = split ? take_split(split, keep, kept) : NULL;
        if (!out->table || (split && !out->split)) {
            pipe_tensor_release(out->table);
            pipe_tensor_release(out->split);
            out->table = out->split = NULL;
            status = failed(fail, 0, 0, 0, "out of memory");
        }
    }
    out->rows_in = rows;
    out->after = status == 0 ? after : NULL;
    if (status != 0)
        free(after);
    pipe_tensor_release(wide);
    free_programs(progs, n_progs);
    free(keep);
    free(value);
    free(names);
    return status;
}

void pipe_select_result_free(pipe_select_result *r)
{
    pipe_tensor_release(r->table);
    pipe_tensor_release(r->split);
    free(r->after);
    memset(r, 0, sizeof *r);
}
