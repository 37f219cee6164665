/*
 * plugin.c — the `features` stage: the SDK adapter around pipe_features
 * (features_core.h). Checks feature names and the label before running, builds
 * the table and publishes it with the optional target.
 */
#include "features_core.h"
#include "table/table.h"

#include <pipe/pipe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const pipe_param_decl features_params[] = {
    {"columns", PIPE_PARAM_STRING_LIST, "all", 0, 0, NULL,
     "input columns to keep, in this order (`all`: every column but the label's source and "
     "the target; [] keeps none)"},
    {"add", PIPE_PARAM_STRING_LIST, "[]", 0, 0, NULL,
     "computed features: m_calc, pair_pt, pair_eta, pair_phi, pair_E, pair_px, pair_py, "
     "pair_pz, delta_eta, delta_phi, delta_R, pt_ratio, pt_sum, pt_diff, cos_theta"},
    {"label", PIPE_PARAM_MAP, "{}", 0, 0, NULL,
     "a 0/1 column, 1 when min <= column <= max: {column: M, window: [80, 100], name: is_z}"},
    {"target", PIPE_PARAM_STRING, "", 0, 0, NULL,
     "a column (input, computed or label) published as the target output and removed from "
     "the table unless listed in columns (\"\": none)"},
};

static const pipe_port_decl features_inputs[] = {
    {"table", PIPE_DT(PIPE_F64), 2, 0, "the events (a table with column names)"},
};

static const pipe_port_decl features_outputs[] = {
    {"table", PIPE_DT(PIPE_F64), 2, 0, "kept columns, then computed features, then the label"},
    {"target", PIPE_DT(PIPE_F64), 1, 1, "the column named by the target parameter"},
};

/* Report an error about item `index` of list parameter `name`. */
static int list_item_error(pipe_ctx *ctx, const char *name, size_t index, const char *message)
{
    const pipe_value *value = pipe_param_value(ctx, name);
    if (value && value->kind == PIPE_VALUE_LIST && index < value->count)
        return pipe_value_error(ctx, name, &value->items[index], "%s", message);
    return pipe_param_error(ctx, name, "%s", message);
}

/* Read the label parameter into *label; *has_label tells if there is one. */
static int read_label(pipe_ctx *ctx, pipe_features_label *label, int *has_label)
{
    const pipe_value *value = pipe_param_value(ctx, "label"), *bad = NULL;
    char err[512];
    *has_label = 0;
    if (!value)
        return 0;
    if (pipe_features_parse_label(value, label, &bad, err, sizeof err) != 0)
        return pipe_value_error(ctx, "label", bad, "%s", err);
    *has_label = label->column != NULL;
    return 0;
}

static int check_target(pipe_ctx *ctx)
{
    int has_target = pipe_param_string(ctx, "target")[0] != '\0';
    int wanted = pipe_output_wanted(ctx, "target");
    if (has_target && !wanted)
        return pipe_param_error(ctx, "target",
                                "is '%s' but the target output is not mapped: add outputs: "
                                "{target: <tensor name>} to the stage",
                                pipe_param_string(ctx, "target"));
    if (!has_target && wanted)
        return pipe_param_error(ctx, "target",
                                "the target output is mapped to '%s': name the "
                                "column it takes, e.g. target: M",
                                pipe_output_name(ctx, "target"));
    return 0;
}

/* The configuration from the parameters (after features_check); the
 * caller frees cfg->columns and cfg->add. */
static int read_config(pipe_ctx *ctx, pipe_features_config *cfg, pipe_features_label *label)
{
    int has_label;
    memset(cfg, 0, sizeof *cfg);
    if (read_label(ctx, label, &has_label) != 0)
        return -1;
    const char **columns = pipe_table_param_names(ctx, "columns", &cfg->n_columns);
    cfg->add = pipe_table_param_names(ctx, "add", &cfg->n_add);
    cfg->all_columns = pipe_table_names_are(columns, cfg->n_columns, "all");
    cfg->columns = columns;
    cfg->label = has_label ? label : NULL;
    const char *target = pipe_param_string(ctx, "target");
    cfg->target = target[0] ? target : NULL;
    return 0;
}

/* Validation, when the input's columns are known: the table is built from
 * zero rows of them by the code the run uses, so a column the parameters
 * need and the input lacks is refused now, and later stages know the
 * columns made. */
static int check_layout(pipe_ctx *ctx)
{
    size_t n;
    const char *const *in = pipe_check_input_columns(ctx, "table", &n);
    if (!in)
        return 0;
    pipe_features_config cfg;
    pipe_features_label label;
    pipe_tensor *empty = pipe_tensor_new2(PIPE_F64, 0, (int64_t)n), *table = NULL, *target = NULL;
    char err[1024];
    int status = empty && pipe_tensor_set_columns(empty, in, (int64_t)n) == 0 ? 0 : -1;
    if (status != 0)
        snprintf(err, sizeof err, "out of memory");
    else if (read_config(ctx, &cfg, &label) != 0)
        status = -2; /* reported */
    else {
        status = pipe_features_build(empty, &cfg, &table, &target, err, sizeof err);
        free((void *)cfg.columns);
        free((void *)cfg.add);
    }
    if (status == 0)
        pipe_check_output_columns(ctx, "table", (const char *const *)table->columns,
                                  (size_t)table->shape[1]);
    pipe_tensor_release(empty);
    pipe_tensor_release(table);
    pipe_tensor_release(target);
    return status == 0 ? 0 : status == -2 ? -1 : pipe_error(ctx, "%s", err);
}

static int features_check(pipe_ctx *ctx)
{
    size_t n, bad;
    const char **add = pipe_table_param_names(ctx, "add", &n);
    char err[1024];
    int status = pipe_features_check_names(add, n, &bad, err, sizeof err);
    free(add);
    if (status != 0)
        return list_item_error(ctx, "add", bad, err);
    const char **columns = pipe_table_param_names(ctx, "columns", &n);
    int all = pipe_table_names_are(columns, n, "all");
    free(columns);
    if (!all && pipe_check_column_param(ctx, "table", "columns") != 0)
        return -1;
    pipe_features_label label;
    int has_label;
    if (read_label(ctx, &label, &has_label) != 0 || check_target(ctx) != 0)
        return -1;
    return check_layout(ctx);
}

static int publish(pipe_ctx *ctx, pipe_tensor *table, pipe_tensor *target)
{
    double rows = (double)table->shape[0]; /* under MPI: this rank's; the log tells all */
    pipe_reduce_sum(ctx, &rows, 1);
    pipe_log(ctx, "%lld rows x %lld columns%s%s", (long long)rows, (long long)table->shape[1],
             target ? ", target " : "", target ? pipe_param_string(ctx, "target") : "");
    pipe_metric(ctx, "columns", (double)table->shape[1]);
    if (pipe_output_rows(ctx, "table", table) != 0) {
        pipe_tensor_release(target);
        return -1;
    }
    return target ? pipe_output_rows(ctx, "target", target) : 0;
}

static int features_run(pipe_ctx *ctx, void *state)
{
    (void)state;
    pipe_features_config cfg;
    pipe_features_label label;
    if (features_check(ctx) != 0 || read_config(ctx, &cfg, &label) != 0)
        return -1;
    pipe_tensor *table, *target_vector;
    char err[1024];
    pipe_tensor *mine; /* under MPI: this rank's rows */
    const pipe_tensor *in = pipe_table_rank_rows(ctx, "table", &mine);
    int status = in ? pipe_features_build(in, &cfg, &table, &target_vector, err, sizeof err) : -1;
    pipe_tensor_release(mine);
    free((void *)cfg.columns);
    free((void *)cfg.add);
    if (status != 0)
        return in ? pipe_error(ctx, "%s", err) : -1;
    return publish(ctx, table, target_vector);
}

static const pipe_plugin features_plugin = {
    PIPE_PLUGIN_ABI,
    .name = "features",
    .version = "1.0.0",
    .summary = "select columns, add dielectron features, a 0/1 label and a target",
    .description =
        "Keeps the chosen input columns and appends computed features of the electron pair, "
        "in double precision: m_calc = sqrt((E1+E2)^2 - |p1+p2|^2) (0 when rounding makes M^2 "
        "negative), the pair's E, px, py, pz, pt, eta, phi, delta_eta, delta_phi (wrapped into "
        "(-pi, pi]), delta_R, pt_ratio, pt_sum, pt_diff, cos_theta (3-D opening angle). A "
        "label {column, window, name} appends a 0/1 column; its source column is dropped "
        "unless listed in columns. target splits one column off into the target output.",
    .params = features_params,
    .n_params = PIPE_COUNT(features_params),
    .inputs = features_inputs,
    .n_inputs = PIPE_COUNT(features_inputs),
    .outputs = features_outputs,
    .n_outputs = PIPE_COUNT(features_outputs),
    .check = features_check,
    .run = features_run,
    .rank_aware = 1,
};

PIPE_PLUGIN_DEFINE(features_plugin)
