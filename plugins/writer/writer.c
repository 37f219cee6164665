/*
 * writer.c — the `writer` stage: writes one tensor into the run's output
 * folder (or to a given path) as CSV or as a NumPy .npy file, atomically
 * (a temporary name renamed into place when complete).
 */
#include "csv.h"
#include "table_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const pipe_param_decl writer_params[] = {
    {"path", PIPE_PARAM_STRING, "\"\"", 0, 0, NULL,
     "file to write, relative to the run's output folder (or absolute); empty: the input "
     "tensor's name with .csv or .npy"},
    {"format", PIPE_PARAM_CHOICE, "auto", 0, 0, "auto|csv|npy",
     "auto: .npy when the path ends in .npy, else CSV"},
    {"precision", PIPE_PARAM_INT, "0", 0, 17, NULL,
     "CSV numbers: 0 writes the shortest text that reads back as exactly the same double; "
     "1 to 17 write that many significant digits (6: like the CMS files)"},
    {"columns", PIPE_PARAM_STRING_LIST, "[]", 0, 0, NULL,
     "CSV: write only these columns, in this order; [] writes all"},
    {"header", PIPE_PARAM_BOOL, "true", 0, 0, NULL, "CSV: write a header line of column names"},
    {"delimiter", PIPE_PARAM_STRING, "\",\"", 0, 0, NULL,
     "CSV field separator: one character, or \"tab\""},
};

static const pipe_port_decl writer_inputs[] = {
    {"table", PIPE_DT_ANY, 0, 0,
     "the tensor to write: CSV takes rank 1 or 2 (a table, headed by its column names), .npy "
     "any rank"},
};

/* Nonzero when the path ends in .npy. */
static int has_npy_extension(const char *path)
{
    size_t n = strlen(path);
    return n >= 4 && strcmp(path + n - 4, ".npy") == 0;
}

/* Nonzero for .npy, from the format and path params. */
static int writes_npy(pipe_ctx *ctx)
{
    const char *format = pipe_param_string(ctx, "format");
    if (strcmp(format, "auto") == 0)
        return has_npy_extension(pipe_param_string(ctx, "path"));
    return strcmp(format, "npy") == 0;
}

static int writer_check(pipe_ctx *ctx)
{
    if (pipe_csv_check_delimiter_param(ctx) != 0 || pipe_check_output_param(ctx, "path", 1) != 0)
        return -1;
    const char *path = pipe_param_string(ctx, "path");
    if (strcmp(pipe_param_string(ctx, "format"), "csv") == 0 && has_npy_extension(path))
        return pipe_param_error(ctx, "path", "expected a .csv name with format csv, found \"%s\"",
                                path);
    if (writes_npy(ctx) && pipe_param_count(ctx, "columns") > 0)
        return pipe_param_error(ctx, "columns",
                                "columns select what a CSV file holds; a .npy file holds the "
                                "whole tensor");
    return 0;
}

/* The file name: the path param, or "<tensor>.csv" / "<tensor>.npy". */
static char *file_name(pipe_ctx *ctx, int npy)
{
    const char *path = pipe_param_string(ctx, "path");
    const char *tensor = pipe_input_name(ctx, "table");
    size_t n = strlen(path) + strlen(tensor) + 8;
    char *name = malloc(n);
    if (name && path[0])
        snprintf(name, n, "%s", path);
    else if (name)
        snprintf(name, n, "%s.%s", tensor, npy ? "npy" : "csv");
    return name;
}

static int write_csv(pipe_ctx *ctx, FILE *f, const pipe_tensor *t, char *err, size_t err_size)
{
    pipe_write_csv_options opt = {0};
    size_t n_columns = pipe_param_count(ctx, "columns");
    const char **columns = n_columns ? malloc(n_columns * sizeof *columns) : NULL;
    if (n_columns && !columns) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n_columns; i++)
        columns[i] = pipe_param_string_at(ctx, "columns", i);
    opt.columns = columns;
    opt.n_columns = n_columns;
    opt.delimiter = pipe_csv_delimiter(pipe_param_string(ctx, "delimiter"));
    opt.no_header = !pipe_param_bool(ctx, "header");
    opt.precision = (int)pipe_param_int(ctx, "precision");
    opt.name = pipe_input_name(ctx, "table");
    int status = pipe_write_csv(f, t, &opt, err, err_size);
    free(columns);
    return status;
}

/* Each name of the `columns` param is a column of t; otherwise an error
 * at that name in the pipeline file, with a suggestion. */
static int check_columns(pipe_ctx *ctx, const pipe_tensor *t)
{
    const pipe_value *columns = pipe_param_value(ctx, "columns");
    size_t n = pipe_param_count(ctx, "columns");
    for (size_t i = 0; i < n; i++) {
        const char *name = pipe_param_string_at(ctx, "columns", i);
        if (pipe_tensor_column(t, name) >= 0)
            continue;
        char suggestion[300] = "", list[1024] = "";
        size_t len = 0;
        int64_t cols = t->columns ? pipe_tensor_cols(t) : 0;
        for (int64_t j = 0; j < cols && len < sizeof list; j++)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", j ? ", " : "",
                                    t->columns[j]);
        if (t->columns)
            pipe_suggest_text(name, (const char *const *)t->columns, (size_t)cols, suggestion,
                              sizeof suggestion);
        const char *input = pipe_input_name(ctx, "table");
        if (columns && columns->kind == PIPE_VALUE_LIST && i < columns->count)
            return pipe_value_error(ctx, "columns", &columns->items[i],
                                    "no column '%s' in tensor '%s'%s; its columns are: %s", name,
                                    input, suggestion, t->columns ? list : "(none named)");
        return pipe_param_error(ctx, "columns",
                                "no column '%s' in tensor '%s'%s; its columns are: %s", name, input,
                                suggestion, t->columns ? list : "(none named)");
    }
    return 0;
}

/* Write the file; returns 0, or -1 with the error reported. */
static int write_file(pipe_ctx *ctx, const pipe_tensor *t, const char *name, int npy)
{
    if (!npy && t->rank > 2)
        return pipe_error(ctx,
                          "tensor '%s' has rank %d; CSV holds tables (rank 1 or 2): use a .npy "
                          "path or format: npy",
                          pipe_input_name(ctx, "table"), t->rank);
    if (!npy && check_columns(ctx, t) != 0)
        return -1;
    pipe_file *file = pipe_file_open_path(ctx, name);
    if (!file)
        return -1;
    char err[512];
    FILE *f = pipe_file_stream(file);
    int status =
        npy ? pipe_write_npy(f, t, err, sizeof err) : write_csv(ctx, f, t, err, sizeof err);
    if (status != 0) {
        pipe_file_abort(file);
        return pipe_error(ctx, "%s: %s", name, err);
    }
    return pipe_file_commit(ctx, file);
}

static int writer_run(pipe_ctx *ctx, void *state)
{
    (void)state;
    const pipe_tensor *t = pipe_input(ctx, "table");
    int npy = writes_npy(ctx);
    char *name = file_name(ctx, npy);
    if (!name)
        return pipe_error(ctx, "out of memory");
    int status = write_file(ctx, t, name, npy);
    if (status == 0) {
        pipe_metric(ctx, "rows", (double)pipe_tensor_rows(t));
        pipe_metric(ctx, "columns", (double)pipe_tensor_cols(t));
        pipe_metric_string(ctx, "file", name);
        pipe_log(ctx, "wrote %s (%s, %lld rows x %lld columns) to %s", name, npy ? "npy" : "csv",
                 (long long)pipe_tensor_rows(t), (long long)pipe_tensor_cols(t),
                 name[0] == '/' ? "/" : pipe_output_dir(ctx));
    }
    free(name);
    return status;
}

static const pipe_plugin writer_plugin = {
    PIPE_PLUGIN_ABI,
    .name = "writer",
    .version = "1.0.0",
    .summary = "write a tensor as CSV or NumPy .npy into the run's output folder",
    .description =
        "CSV: a header of column names, then one line per row; numbers are written so that "
        "reading the file back (loader, pandas, NumPy) gives the same doubles, or with "
        "`precision` significant digits; NaN is a blank field. .npy: format 1.0, "
        "little-endian, C order, any dtype and rank (np.load reads it). Files appear only "
        "when complete (written under a temporary name, then renamed).",
    .params = writer_params,
    .n_params = PIPE_COUNT(writer_params),
    .inputs = writer_inputs,
    .n_inputs = PIPE_COUNT(writer_inputs),
    .check = writer_check,
    .run = writer_run,
};

PIPE_PLUGIN_DEFINE(writer_plugin)
