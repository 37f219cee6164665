/*
 * plugin.c — the `scaler` stage: the SDK adapter around pipe_scaler
 * (scaler.h). Fits the scaling on the training rows (or all rows), or
 * takes a saved one from the params input, and applies it to every row.
 */
#include "scaler.h"
#include "table/table.h"

#include <pipe/pipe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const pipe_param_decl scaler_params[] = {
    {"method", PIPE_PARAM_CHOICE, "standard", 0, 0, "standard|minmax",
     "standard: (x - mean) / std (population std, like scikit-learn); minmax: (x - min) / "
     "(max - min)"},
    {"columns", PIPE_PARAM_STRING_LIST, "all", 0, 0, NULL,
     "columns to scale (`all`: every column; with the params input: its columns)"},
    {"fit_on", PIPE_PARAM_CHOICE, "train", 0, 0, "train|all",
     "rows the scaling is fitted on: the split's training rows, or all rows"},
};

static const pipe_port_decl scaler_inputs[] = {
    {"table", PIPE_DT(PIPE_F64), 2, 0, "the table to scale"},
    {"split", PIPE_DT_INT, 1, 1, "the row split; fit_on: train fits on its training rows"},
    {"params", PIPE_DT(PIPE_F64), 2, 1,
     "a saved scaling to apply instead of fitting (the params output of an earlier run)"},
};

static const pipe_port_decl scaler_outputs[] = {
    {"table", PIPE_DT(PIPE_F64), 2, 0, "the table, with the chosen columns scaled"},
    {"params", PIPE_DT(PIPE_F64), 2, 1,
     "the scaling: rows (mean, std) or (min, max), one column per scaled column"},
};

static pipe_scaler_method read_method(const pipe_ctx *ctx)
{
    return strcmp(pipe_param_string(ctx, "method"), "minmax") == 0 ? PIPE_SCALER_MINMAX
                                                                   : PIPE_SCALER_STANDARD;
}

/* fit_on: train needs the split, unless a saved scaling is applied. */
static int scaler_check(pipe_ctx *ctx)
{
    if (strcmp(pipe_param_string(ctx, "fit_on"), "train") == 0 && !pipe_input_name(ctx, "split") &&
        !pipe_input_name(ctx, "params"))
        return pipe_param_error(ctx, "fit_on",
                                "train needs the split input (map inputs: "
                                "{split: ...}), or write fit_on: all");
    size_t n, n_in;
    const char **names = pipe_table_param_names(ctx, "columns", &n);
    int all = pipe_table_names_are(names, n, "all");
    free(names);
    if (!all && pipe_check_column_param(ctx, "table", "columns") != 0)
        return -1;
    const char *const *in = pipe_check_input_columns(ctx, "table", &n_in);
    if (in) /* scaling keeps the columns */
        pipe_check_output_columns(ctx, "table", in, n_in);
    return 0;
}

/* The rows to fit on: a malloc'd mask of the training rows (the split is
 * there: see scaler_check), or NULL for all rows (*failed set after a
 * reported error). */
static uint8_t *training_rows(pipe_ctx *ctx, int64_t rows, int *failed)
{
    *failed = 0;
    if (strcmp(pipe_param_string(ctx, "fit_on"), "all") == 0)
        return NULL;
    const pipe_tensor *split = pipe_input(ctx, "split");
    if (split->shape[0] != rows) {
        *failed =
            pipe_error(ctx, "the split '%s' has %lld rows, the table %lld",
                       pipe_input_name(ctx, "split"), (long long)split->shape[0], (long long)rows);
        return NULL;
    }
    uint8_t *use = malloc((size_t)rows + 1);
    for (int64_t r = 0; use && r < rows; r++)
        use[r] = pipe_tensor_get(split, r) == PIPE_PART_TRAIN;
    if (!use)
        *failed = pipe_error(ctx, "out of memory");
    return use;
}

/* The indexes of the columns to scale (malloc'd, *n of them), or NULL
 * after a reported error. */
static int64_t *chosen_columns(pipe_ctx *ctx, const pipe_tensor *table, int64_t *n)
{
    size_t n_names;
    const char **names = pipe_table_param_names(ctx, "columns", &n_names);
    int all = pipe_table_names_are(names, n_names, "all");
    *n = all ? table->shape[1] : (int64_t)n_names;
    int64_t *cols = malloc((size_t)(*n + 1) * sizeof *cols);
    char err[1024] = "out of memory";
    int status = cols ? 0 : -1;
    for (int64_t c = 0; cols && all && c < *n; c++)
        cols[c] = c;
    if (cols && !all)
        status = pipe_table_find_all(table, names, n_names, cols, err, sizeof err);
    free(names);
    if (status != 0) {
        free(cols);
        pipe_param_error(ctx, "columns", "%s", err);
        return NULL;
    }
    return cols;
}

static void comm_fold(void *ctx, double *values, size_t n, void (*step)(void *, double *),
                      void *step_user)
{
    pipe_fold_ranks(ctx, values, n, step, step_user);
}

static void comm_max(void *ctx, double *values, size_t n)
{
    pipe_reduce_max(ctx, values, n);
}

/* Fit the scaling on the table (under MPI, on every rank's rows of it
 * when it is row-sharded). NULL after a reported error. */
static pipe_tensor *fit(pipe_ctx *ctx, const pipe_tensor *table, pipe_scaler_method method)
{
    pipe_scaler_comm comm = {ctx, comm_fold, comm_max};
    int shared = pipe_input_rows(ctx, "table", NULL, NULL);
    int failed;
    uint8_t *use = training_rows(ctx, table->shape[0], &failed);
    int64_t n_cols = 0;
    int64_t *cols = failed ? NULL : chosen_columns(ctx, table, &n_cols);
    pipe_tensor *scaling = NULL;
    char err[512];
    if (cols) {
        scaling = shared ? pipe_scaler_fit_shared(table, cols, n_cols, use, method, &comm, err,
                                                  sizeof err)
                         : pipe_scaler_fit(table, cols, n_cols, use, method, err, sizeof err);
        if (!scaling)
            pipe_error(ctx, "%s", err);
        else
            pipe_log(ctx, "fitted %s scaling of %lld columns on %s rows",
                     method == PIPE_SCALER_STANDARD ? "standard" : "minmax", (long long)n_cols,
                     use ? "the training" : "all");
    }
    free(cols);
    free(use);
    return scaling;
}

/* A copy of the saved scaling given as input. NULL after a reported error. */
static pipe_tensor *saved(pipe_ctx *ctx, const pipe_tensor *params)
{
    if (pipe_param_given(ctx, "columns")) {
        pipe_param_error(ctx, "columns",
                         "cannot be chosen with the params input '%s': the "
                         "saved scaling decides which columns are scaled",
                         pipe_input_name(ctx, "params"));
        return NULL;
    }
    pipe_tensor *copy = params->columns
                            ? pipe_table_new(params->shape[0], params->shape[1],
                                             (const char *const *)params->columns, params->data)
                            : NULL;
    if (!copy)
        pipe_error(ctx, "the params input '%s' must be a table with column names",
                   pipe_input_name(ctx, "params"));
    else
        pipe_log(ctx, "applying the saved scaling '%s' (%lld columns)",
                 pipe_input_name(ctx, "params"), (long long)params->shape[1]);
    return copy;
}

static int scaler_run(pipe_ctx *ctx, void *state)
{
    (void)state;
    const pipe_tensor *table = pipe_input(ctx, "table");
    const pipe_tensor *params = pipe_input(ctx, "params");
    pipe_scaler_method method = read_method(ctx);
    if (!table->columns)
        return pipe_error(ctx, "the table '%s' has no column names", pipe_input_name(ctx, "table"));
    pipe_tensor *scaling = params ? saved(ctx, params) : fit(ctx, table, method);
    if (!scaling)
        return -1;
    char err[1024];
    pipe_tensor *out = pipe_scaler_apply(table, scaling, method, err, sizeof err);
    if (!out) {
        pipe_tensor_release(scaling);
        return pipe_error(ctx, "%s", err);
    }
    pipe_metric(ctx, "columns", (double)scaling->shape[1]);
    int sharded = pipe_input_rows(ctx, "table", NULL, NULL); /* each rank scales its rows */
    if ((sharded ? pipe_output_rows(ctx, "table", out) : pipe_output(ctx, "table", out)) != 0) {
        pipe_tensor_release(scaling);
        return -1;
    }
    if (pipe_output_wanted(ctx, "params"))
        return pipe_output(ctx, "params", scaling);
    pipe_tensor_release(scaling);
    return 0;
}

static const pipe_plugin scaler_plugin = {
    PIPE_PLUGIN_ABI,
    .name = "scaler",
    .version = "1.0.0",
    .summary = "standardize or min-max scale columns, fitted on the training rows",
    .description =
        "Fits a per-column scaling on the training rows of the split (fit_on: train) or on all "
        "rows, and applies it to every row, like scikit-learn's StandardScaler (population "
        "std; a constant column gets scale 1) and MinMaxScaler. NaN values are left out of the "
        "fit and stay NaN. The params output holds the scaling (rows mean, std or min, max; "
        "one column per scaled column) so a later run can apply it through the params input "
        "with the same method.",
    .params = scaler_params,
    .n_params = PIPE_COUNT(scaler_params),
    .inputs = scaler_inputs,
    .n_inputs = PIPE_COUNT(scaler_inputs),
    .outputs = scaler_outputs,
    .n_outputs = PIPE_COUNT(scaler_outputs),
    .check = scaler_check,
    .run = scaler_run,
    .rank_aware = 1,
};

PIPE_PLUGIN_DEFINE(scaler_plugin)
