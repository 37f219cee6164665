/*
 * loader.c — the `loader` stage: reads a numeric CSV file with a header
 * (the CMS dielectron files as published) into an f64 table with column
 * names, using pipe_csv. The first existing file of a list of candidate
 * paths is read, so one pipeline works with the full file when a user has
 * it and with the shared sample otherwise.
 */
#include "csv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const pipe_param_decl loader_params[] = {
    {"path", PIPE_PARAM_STRING_LIST, NULL, 0, 0, NULL,
     "candidate CSV files; the first that exists (and is not a directory) is read (the choice "
     "is logged)"},
    {"columns", PIPE_PARAM_STRING_LIST, "[]", 0, 0, NULL,
     "columns to load, by name (surrounding spaces ignored), in this order; [] loads all"},
    {"on_bad_row", PIPE_PARAM_CHOICE, "error", 0, 0, "error|skip",
     "a malformed row (wrong field count, text that is not a number) stops the run with "
     "its line and column, or is skipped and counted"},
    {"delimiter", PIPE_PARAM_STRING, "\",\"", 0, 0, NULL,
     "the field separator: one character, or \"tab\""},
    {"max_rows", PIPE_PARAM_INT, "0", 0, 1e15, NULL, "load at most this many rows; 0 loads all"},
    {"non_finite", PIPE_PARAM_CHOICE, "error", 0, 0, "error|keep",
     "a value that is not finite (inf, nan, or a number beyond the range of a double such as "
     "1e999) stops the run with its line and column, or is kept and counted in a warning"},
};

static const pipe_port_decl loader_outputs[] = {
    {"table", PIPE_DT(PIPE_F64), 2, 0,
     "the rows of the file, one column per selected CSV column, named as in the header; "
     "blank fields are NaN"},
};

/* The `columns` param as an array of names (malloc'd; NULL for all). */
static const char **selected_columns(pipe_ctx *ctx, size_t *n)
{
    *n = pipe_param_count(ctx, "columns");
    if (*n == 0)
        return NULL;
    const char **names = malloc(*n * sizeof *names);
    for (size_t i = 0; names && i < *n; i++)
        names[i] = pipe_param_string_at(ctx, "columns", i);
    return names;
}

static int loader_check(pipe_ctx *ctx)
{
    if (pipe_csv_check_delimiter_param(ctx) != 0)
        return -1;
    if (pipe_param_count(ctx, "path") == 0)
        return pipe_param_error(ctx, "path", "expected at least one file path, found none");
    size_t n;
    const char **names = selected_columns(ctx, &n);
    if (names) /* the table's columns are these, in this order */
        pipe_check_output_columns(ctx, "table", names, n);
    free(names);
    return 0;
}

/* The first candidate path that exists and is not a directory, or NULL
 * with an error on `path` saying why each candidate cannot be used. */
static const char *choose_path(pipe_ctx *ctx)
{
    size_t n = pipe_param_count(ctx, "path");
    char reasons[2048];
    size_t len = 0;
    int directories = 0;
    reasons[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *path = pipe_param_string_at(ctx, "path", i);
        struct stat st;
        int found = stat(path, &st) == 0;
        if (found && !S_ISDIR(st.st_mode)) {
            pipe_log(ctx, "reading %s (candidate %zu of %zu)", path, i + 1, n);
            return path;
        }
        directories += found;
        if (len < sizeof reasons)
            len += (size_t)snprintf(reasons + len, sizeof reasons - len, "%s%s (%s)", i ? "; " : "",
                                    path, found ? "a directory" : strerror(errno));
    }
    if (n == 1 && directories == 1)
        pipe_param_error(ctx, "path", "'%s' is a directory, expected a CSV file",
                         pipe_param_string_at(ctx, "path", 0));
    else if (directories > 0)
        pipe_param_error(ctx, "path",
                         "none of the %zu candidates is a CSV file that exists (expected a file, "
                         "not a directory): %s",
                         n, reasons);
    else
        pipe_param_error(ctx, "path", "none of the %zu candidate files exists: %s", n, reasons);
    return NULL;
}

/* Report a failed read: a missing or repeated column points at the
 * `columns` item in the pipeline file, anything else is the file's own
 * error. */
static int read_failed(pipe_ctx *ctx, const pipe_csv_report *report, const char *err)
{
    const pipe_value *columns = pipe_param_value(ctx, "columns");
    if (report->bad_column >= 0 && columns && columns->kind == PIPE_VALUE_LIST &&
        (size_t)report->bad_column < columns->count)
        return pipe_value_error(ctx, "columns", &columns->items[report->bad_column], "%s", err);
    if (report->bad_column >= 0)
        return pipe_param_error(ctx, "columns", "%s", err);
    return pipe_error(ctx, "%s", err);
}

/* "E1: 9, M: 1": the columns with a nonzero count. */
static void list_counts(char *text, size_t size, const pipe_tensor *t, const int64_t *counts)
{
    size_t len = 0;
    text[0] = '\0';
    for (int64_t j = 0; j < t->shape[1] && len < size; j++)
        if (counts[j] > 0)
            len += (size_t)snprintf(text + len, size - len, "%s%s: %lld", len ? ", " : "",
                                    t->columns[j], (long long)counts[j]);
}

static void report_rows(pipe_ctx *ctx, const char *path, const pipe_tensor *t,
                        const pipe_csv_report *report, double seconds)
{
    char counts[1024];
    pipe_metric(ctx, "rows", (double)report->rows);
    pipe_metric(ctx, "columns", (double)t->shape[1]);
    pipe_metric(ctx, "rows_skipped", (double)report->skipped_rows);
    pipe_metric(ctx, "blank_fields", (double)report->blank_fields);
    pipe_metric(ctx, "non_finite", (double)report->non_finite);
    pipe_info(ctx, "load_ms", 1e3 * seconds);
    pipe_info(ctx, "load_threads", (double)report->threads);
    pipe_log(ctx, "loaded %lld rows x %lld columns from %s in %.1f ms on %d thread%s",
             (long long)report->rows, (long long)t->shape[1], path, 1e3 * seconds, report->threads,
             report->threads == 1 ? "" : "s");
    if (report->skipped_rows > 0)
        pipe_warn(ctx, "skipped %lld malformed row%s (on_bad_row: skip); the first: %s",
                  (long long)report->skipped_rows, report->skipped_rows == 1 ? "" : "s",
                  report->first_bad_error);
    if (report->blank_fields > 0) {
        list_counts(counts, sizeof counts, t, report->blank_per_column);
        pipe_warn(ctx, "read %lld blank field%s as NaN (%s)", (long long)report->blank_fields,
                  report->blank_fields == 1 ? "" : "s", counts);
    }
    if (report->non_finite > 0) {
        list_counts(counts, sizeof counts, t, report->non_finite_per_column);
        pipe_warn(ctx, "kept %lld non-finite value%s (non_finite: keep) (%s); the first: %s",
                  (long long)report->non_finite, report->non_finite == 1 ? "" : "s", counts,
                  report->first_non_finite_error);
    }
}

/* What each rank tells the others after reading its part of the rows. */
typedef struct part_texts {
    char failed, skipped, non_finite;
    char first_bad[256], first_non_finite[256], err[1536];
} part_texts;

/* Under MPI, after each rank read its part: a failure anywhere fails all
 * ranks, the first failing rank (the first error in the file) reporting
 * it; else the counts are summed and the first skipped row and non-finite
 * value are those of the first rank that has one. Returns 0 or -1. */
static int merge_parts(pipe_ctx *ctx, const pipe_tensor *t, pipe_csv_report *r, const char *err)
{
    pipe_tensor *mine = pipe_tensor_new2(PIPE_U8, 1, (int64_t)sizeof(part_texts));
    if (!mine)
        abort(); /* the other ranks are in the gather: no way back */
    part_texts *p = mine->data;
    *p =
        (part_texts){.failed = !t, .skipped = r->skipped_rows > 0, .non_finite = r->non_finite > 0};
    snprintf(p->first_bad, sizeof p->first_bad, "%s", r->first_bad_error);
    snprintf(p->first_non_finite, sizeof p->first_non_finite, "%s", r->first_non_finite_error);
    snprintf(p->err, sizeof p->err, "%s", err);
    pipe_tensor *all = pipe_gather_rows(ctx, mine, 1);
    pipe_tensor_release(mine);
    const part_texts *ranks = all->data;
    int n = pipe_size(ctx), failed = -1, bad = -1, inf = -1;
    for (int k = n - 1; k >= 0; k--) {
        failed = ranks[k].failed ? k : failed;
        bad = ranks[k].skipped ? k : bad;
        inf = ranks[k].non_finite ? k : inf;
    }
    if (failed < 0) {
        snprintf(r->first_bad_error, sizeof r->first_bad_error, "%s",
                 bad < 0 ? "" : ranks[bad].first_bad);
        snprintf(r->first_non_finite_error, sizeof r->first_non_finite_error, "%s",
                 inf < 0 ? "" : ranks[inf].first_non_finite);
    }
    pipe_tensor_release(all);
    if (failed >= 0)
        return failed == pipe_rank(ctx) ? read_failed(ctx, r, err) : -1;
    if (r->parts <= 1)
        return 0; /* a file pipe_csv does not cut: every rank read it all */
    size_t cols = (size_t)r->n_columns, m = 4 + 2 * cols;
    double *v = calloc(m, sizeof *v);
    int64_t *sums[4] = {&r->rows, &r->skipped_rows, &r->blank_fields, &r->non_finite};
    if (!v)
        abort();
    for (size_t i = 0; i < m; i++)
        v[i] = (double)(i < 4 ? *sums[i] : r->blank_per_column[i - 4]); /* one block for both */
    pipe_reduce_sum(ctx, v, m);
    for (size_t i = 0; i < m; i++)
        *(i < 4 ? sums[i] : &r->blank_per_column[i - 4]) = (int64_t)v[i];
    free(v);
    return 0;
}

static int loader_run(pipe_ctx *ctx, void *state)
{
    (void)state;
    const char *path = choose_path(ctx);
    if (!path)
        return -1;
    pipe_input_file(ctx, path); /* run.json: its size and content hash */
    const char *base = strrchr(path, '/');
    pipe_set_source(ctx, "real data, %s", base ? base + 1 : path);
    pipe_csv_options opt = {0};
    opt.columns = selected_columns(ctx, &opt.n_columns);
    if (opt.n_columns > 0 && !opt.columns)
        return pipe_error(ctx, "out of memory");
    opt.skip_bad_rows = strcmp(pipe_param_string(ctx, "on_bad_row"), "skip") == 0;
    opt.delimiter = pipe_csv_delimiter(pipe_param_string(ctx, "delimiter"));
    opt.max_rows = pipe_param_int(ctx, "max_rows");
    opt.threads = pipe_threads(ctx);
    opt.column_counts = 1;
    opt.part = pipe_rank(ctx); /* under MPI each rank reads its share of the rows */
    opt.parts = pipe_size(ctx);
    pipe_csv_report report;
    char err[1536];
    double start = pipe_seconds();
    pipe_tensor *t = pipe_csv_read(path, &opt, &report, err, sizeof err);
    double seconds = pipe_seconds() - start;
    free((void *)opt.columns);
    if (pipe_size(ctx) > 1 && merge_parts(ctx, t, &report, err) != 0) {
        pipe_tensor_release(t);
        pipe_csv_report_free(&report);
        return -1;
    }
    if (!t)
        return read_failed(ctx, &report, err);
    if (report.non_finite > 0 && strcmp(pipe_param_string(ctx, "non_finite"), "error") == 0) {
        pipe_tensor_release(t);
        pipe_csv_report_free(&report);
        if (pipe_rank(ctx) > 0) /* the same global error on every rank: rank 0 tells it */
            return -1;
        return pipe_error(ctx, "%s (non_finite: error; blank fields are read as NaN)",
                          report.first_non_finite_error);
    }
    report_rows(ctx, path, t, &report, seconds);
    int sharded = report.parts > 1;
    pipe_csv_report_free(&report);
    return sharded ? pipe_output_rows(ctx, "table", t) : pipe_output(ctx, "table", t);
}

static const pipe_plugin loader_plugin = {
    PIPE_PLUGIN_ABI,
    .name = "loader",
    .version = "1.0.0",
    .summary = "read a numeric CSV file with a header into an f64 table",
    .description =
        "Reads the first existing file of `path` (a list of candidates). The header names the "
        "columns (surrounding spaces are trimmed: the CMS file's \"px1 \" is px1); blank fields "
        "become NaN; CRLF line ends and quoted fields (\"\" escapes a quote) are accepted; blank "
        "lines are ignored; a repeated header name gets a suffix (E1, E1.1). Errors name the "
        "file, line and column. A value that is not finite (inf, nan, 1e999) is an error unless "
        "non_finite: keep; blank fields are counted per column in a warning. With the "
        "pipeline's threads: 2, a file over 1 MB without quotes is parsed on 2 threads.",
    .params = loader_params,
    .n_params = PIPE_COUNT(loader_params),
    .outputs = loader_outputs,
    .n_outputs = PIPE_COUNT(loader_outputs),
    .check = loader_check,
    .run = loader_run,
    .rank_aware = 1,
};

PIPE_PLUGIN_DEFINE(loader_plugin)
