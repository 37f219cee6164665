/*
 * plugin.c — the `split` stage: the SDK adapter around pipe_split
 * (split.h). Reads the fractions and the optional class label, assigns
 * each row to train, val or test, publishes the u8 split and its counts.
 */
#include "split.h"
#include "split_weights.h"
#include "table/table.h"

#include <pipe/pipe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const pipe_param_decl split_params[] = {
    {"fractions", PIPE_PARAM_FLOAT_LIST, "[0.8, 0.1, 0.1]", 0, 1, NULL,
     "[train, val, test] fractions, summing to 1; counts are rounded by largest remainder "
     "so they sum to the row count"},
    {"stratify", PIPE_PARAM_STRING, "", 0, 0, NULL,
     "a column of the table holding a class label: each class keeps its proportion in each "
     "part (\"\": no stratification; or map the label input)"},
    SPLIT_WEIGHT_PARAMS,
};

static const pipe_port_decl split_inputs[] = {
    {"table", PIPE_DT_ANY, 0, 0, "the rows to split (any tensor; its first dimension counts)"},
    {"label", PIPE_DT_ANY, 0, 1, "optional class label per row (rank 1 or N x 1) to stratify by"},
};

static const pipe_port_decl split_outputs[] = {
    {"split", PIPE_DT(PIPE_U8), 1, 0, "the part of each row: 0 train, 1 val, 2 test"},
    SPLIT_WEIGHT_OUTPUT,
};

/* The fractions parameter as 3 numbers; 0, or -1 with the error reported. */
static int read_fractions(pipe_ctx *ctx, double fractions[3])
{
    size_t n = pipe_param_count(ctx, "fractions");
    double values[3] = {0, 0, 0};
    for (size_t i = 0; i < n && i < 3; i++)
        values[i] = pipe_param_float_at(ctx, "fractions", i);
    char err[256];
    if (pipe_split_check_fractions(values, n, err, sizeof err) != 0)
        return pipe_param_error(ctx, "fractions", "%s", err);
    memcpy(fractions, values, sizeof values);
    return 0;
}

/* The label input and the stratify column exclude each other. */
static int check_label_source(pipe_ctx *ctx)
{
    const char *label = pipe_input_name(ctx, "label");
    if (label && pipe_param_string(ctx, "stratify")[0])
        return pipe_param_error(ctx, "stratify",
                                "give either the label input or stratify, not both (label is "
                                "mapped to '%s')",
                                label);
    return 0;
}

static int split_check(pipe_ctx *ctx)
{
    double fractions[3];
    int status = read_fractions(ctx, fractions) != 0 ? -1 : check_label_source(ctx);
    return split_check_weights(ctx) != 0 ? -1 : status;
}

static int is_vector(const pipe_tensor *t)
{
    return t->rank == 1 || (t->rank == 2 && t->shape[1] == 1);
}

/* The labels from the label input: malloc'd, or NULL with the error
 * reported. */
static double *labels_from_input(pipe_ctx *ctx, const pipe_tensor *label, int64_t n)
{
    const char *name = pipe_input_name(ctx, "label");
    if (!is_vector(label)) {
        pipe_error(ctx,
                   "the label input '%s' must be rank 1 or N x 1, found rank %d with %lld "
                   "columns",
                   name, label->rank, (long long)pipe_tensor_cols(label));
        return NULL;
    }
    if (label->shape[0] != n) {
        pipe_error(ctx, "the label input '%s' has %lld rows, the table %lld", name,
                   (long long)label->shape[0], (long long)n);
        return NULL;
    }
    int64_t count;
    double *labels = pipe_table_vector_values(label, &count);
    if (!labels)
        pipe_error(ctx, "out of memory");
    return labels;
}

/* The labels from column `column` of the table: malloc'd, or NULL with the
 * error reported. */
static double *labels_from_column(pipe_ctx *ctx, const char *column)
{
    const pipe_tensor *table = pipe_input(ctx, "table");
    if (!pipe_table_is_table(table)) {
        pipe_param_error(ctx, "stratify",
                         "needs an f64 table with column names, found a %s "
                         "tensor of rank %d",
                         pipe_dtype_name(table->dtype), table->rank);
        return NULL;
    }
    char err[1024];
    int64_t col = pipe_table_find(table, column, err, sizeof err);
    if (col < 0) {
        pipe_param_error(ctx, "stratify", "%s", err);
        return NULL;
    }
    pipe_tensor *vector = pipe_table_column_vector(table, col);
    int64_t count;
    double *labels = vector ? pipe_table_vector_values(vector, &count) : NULL;
    pipe_tensor_release(vector);
    if (!labels)
        pipe_error(ctx, "out of memory");
    return labels;
}

/* The class labels to stratify by (malloc'd, n values) in *labels, NULL
 * when not stratified. Returns 0, or -1 with the error reported. */
static int read_labels(pipe_ctx *ctx, int64_t n, double **labels)
{
    const pipe_tensor *label = pipe_input(ctx, "label");
    const char *column = pipe_param_string(ctx, "stratify");
    *labels = NULL;
    if (check_label_source(ctx) != 0)
        return -1;
    if (label)
        *labels = labels_from_input(ctx, label, n);
    else if (column[0])
        *labels = labels_from_column(ctx, column);
    else
        return 0;
    return *labels ? 0 : -1;
}

static void report(pipe_ctx *ctx, int64_t n, const pipe_split_result *result)
{
    static const char *const part_names[3] = {"train", "val", "test"};
    for (int p = 0; p < 3; p++)
        pipe_metric(ctx, part_names[p], (double)result->counts[p]);
    pipe_log(ctx, "%lld rows: %lld train, %lld val, %lld test", (long long)n,
             (long long)result->counts[0], (long long)result->counts[1],
             (long long)result->counts[2]);
    for (int p = 0; p < 3; p++)
        if (result->counts[p] > 0 && result->counts[p] < PIPE_FEW_ROWS)
            pipe_warn(ctx,
                      "the %s part has only %lld row%s (fewer than %d): figures computed on "
                      "it are not reliable",
                      part_names[p], (long long)result->counts[p],
                      result->counts[p] == 1 ? "" : "s", PIPE_FEW_ROWS);
    if (result->n_classes)
        pipe_metric(ctx, "classes", (double)result->n_classes);
    for (size_t k = 0; k < result->n_classes && k < 20; k++) {
        const pipe_split_class *c = &result->classes[k];
        pipe_log(ctx, "class %g: %lld rows: %lld train, %lld val, %lld test", c->label,
                 (long long)c->size, (long long)c->counts[0], (long long)c->counts[1],
                 (long long)c->counts[2]);
    }
    if (result->n_classes > 20)
        pipe_warn(ctx, "%zu classes: is the stratify label really a class label?",
                  result->n_classes);
}

/* Under MPI: every rank's labels, in global row order (replaces *labels;
 * -1 when out of memory). */
static int gather_labels(pipe_ctx *ctx, double **labels, int64_t local)
{
    pipe_tensor *mine = pipe_tensor_new1(PIPE_F64, local);
    if (!mine)
        abort(); /* the other ranks are in the gather: no way back */
    memcpy(mine->data, *labels, (size_t)local * sizeof **labels);
    pipe_tensor *all = pipe_gather_rows(ctx, mine, 1);
    pipe_tensor_release(mine);
    int64_t count;
    free(*labels);
    *labels = pipe_table_vector_values(all, &count);
    pipe_tensor_release(all);
    return *labels ? 0 : pipe_error(ctx, "out of memory");
}

/* Publish this rank's rows [offset, offset + local) of the global split. */
static int publish_rows(pipe_ctx *ctx, pipe_tensor *split, int64_t offset, int64_t local)
{
    pipe_tensor *mine = pipe_tensor_new1(PIPE_U8, local);
    if (mine)
        memcpy(mine->data, (const uint8_t *)split->data + offset, (size_t)local);
    pipe_tensor_release(split);
    return pipe_output_rows(ctx, "split", mine);
}

static int split_run(pipe_ctx *ctx, void *state)
{
    (void)state;
    double fractions[3];
    if (read_fractions(ctx, fractions) != 0)
        return -1;
    /* under MPI the table may be row-sharded: the parts are drawn for the
     * global rows, the same for any number of ranks, and each rank keeps
     * its block */
    int64_t local = pipe_input(ctx, "table")->shape[0], offset, n;
    int sharded = pipe_input_rows(ctx, "table", &offset, &n);
    if (sharded && pipe_output_wanted(ctx, "weight"))
        return pipe_error(ctx, "output 'weight' (event weights) is not supported yet in a run of "
                               "several ranks (MPI): run this pipeline as one process");
    double *labels;
    if (read_labels(ctx, local, &labels) != 0)
        return -1;
    if (sharded && labels && gather_labels(ctx, &labels, local) != 0)
        return -1;
    pipe_tensor *split = pipe_tensor_new1(PIPE_U8, n);
    pipe_split_result result;
    char err[256] = "out of memory";
    if (!split || pipe_split_assign(n, labels, fractions, pipe_ctx_rng(ctx), split->data, &result,
                                    err, sizeof err) != 0) {
        pipe_tensor_release(split);
        free(labels);
        return pipe_error(ctx, "%s", err);
    }
    report(ctx, n, &result);
    pipe_split_result_free(&result);
    int rc = split_publish_weights(ctx, labels, n);
    free(labels);
    if (rc != 0) {
        pipe_tensor_release(split);
        return -1;
    }
    return sharded ? publish_rows(ctx, split, offset, local) : pipe_output(ctx, "split", split);
}

static const pipe_plugin split_plugin = {
    PIPE_PLUGIN_ABI,
    .name = "split",
    .version = "1.0.0",
    .summary = "assign rows to train / val / test at random (seeded), optionally stratified",
    .description =
        "Shuffles the rows with the stage's seeded RNG and deals them out in exact counts: "
        "N * fraction rounded by largest remainder (ties to train, then val), so the counts "
        "sum to N. With a class label (the stratify column or the label input) each class "
        "keeps its proportion in every part to within one row, and the part totals stay the "
        "same. Optionally carries an event weight per row (a column of the table) as output "
        "weight, made flat in two variables per class with reweight: flat (weaver's and "
        "ATLAS's kinematic reweighting). Metrics: train, val, test (row counts), classes, "
        "weights.sum.",
    .params = split_params,
    .n_params = PIPE_COUNT(split_params),
    .inputs = split_inputs,
    .n_inputs = PIPE_COUNT(split_inputs),
    .outputs = split_outputs,
    .n_outputs = PIPE_COUNT(split_outputs),
    .check = split_check,
    .run = split_run,
    .rank_aware = 1,
};

PIPE_PLUGIN_DEFINE(split_plugin)
