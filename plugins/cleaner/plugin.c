/*
 * plugin.c — the `cleaner` stage: the SDK adapter around pipe_cleaner
 * (cleaner.h). Reads the parameters, runs the cleaning, logs and reports
 * how many rows were dropped for each reason, publishes the table.
 */
#include "cleaner.h"
#include "table/table.h"

#include <pipe/pipe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const pipe_param_decl cleaner_params[] = {
    {"dropna", PIPE_PARAM_STRING_LIST, "all", 0, 0, NULL,
     "columns in which a NaN drops the row: a list of names, `all` (every column kept in "
     "the output) or `none`"},
    {"drop_columns", PIPE_PARAM_STRING_LIST, "[]", 0, 0, NULL,
     "columns removed from the output (after the row checks, which may still use them)"},
    {"ranges", PIPE_PARAM_MAP, "{}", 0, 0, NULL,
     "range cuts, column: [min, max] (inclusive; .inf allowed), e.g. {M: [2, 110]}"},
    {"charge", PIPE_PARAM_CHOICE, "any", 0, 0, "opposite|same|any",
     "keep opposite-sign pairs (Q1*Q2 < 0), same-sign pairs, or any"},
    {"physics_check", PIPE_PARAM_BOOL, "false", 0, 0, NULL,
     "drop rows whose energies contradict their momenta or whose M contradicts the "
     "four-momenta (needs E1 px1 py1 pz1 E2 px2 py2 pz2 M)"},
    {"energy_tolerance", PIPE_PARAM_FLOAT, "1e-4", 0, 1, NULL,
     "physics check: drop when E < |p| * (1 - energy_tolerance)"},
    {"mass_tolerance", PIPE_PARAM_FLOAT, "1e-4", 0, 1, NULL,
     "physics check: drop when |M^2 - m^2| > mass_tolerance * (E1 + E2)^2"},
};

static const pipe_port_decl cleaner_inputs[] = {
    {"table", PIPE_DT(PIPE_F64), 2, 0, "the events (a table with column names)"},
};

static const pipe_port_decl cleaner_outputs[] = {
    {"table", PIPE_DT(PIPE_F64), 2, 0, "the rows and columns that were kept"},
};

/* The words `all` and `none` only make sense alone in `dropna`. */
static int check_dropna(pipe_ctx *ctx)
{
    size_t n = pipe_param_count(ctx, "dropna");
    for (size_t i = 0; n > 1 && i < n; i++) {
        const char *name = pipe_param_string_at(ctx, "dropna", i);
        if (strcmp(name, "all") == 0 || strcmp(name, "none") == 0)
            return pipe_param_error(ctx, "dropna",
                                    "'%s' must stand alone (dropna: %s), found it in a list "
                                    "of %zu names",
                                    name, name, n);
    }
    return 0;
}

/* Validation, when the input's columns are known: the named columns
 * exist, and the output keeps the input's columns less drop_columns. */
static int check_columns(pipe_ctx *ctx)
{
    size_t n, n_in, n_drop, kept = 0;
    const char **dropna = pipe_table_param_names(ctx, "dropna", &n);
    int named = !pipe_table_names_are(dropna, n, "all") && !pipe_table_names_are(dropna, n, "none");
    free(dropna);
    int status = named ? pipe_check_column_param(ctx, "table", "dropna") : 0;
    status |= pipe_check_column_param(ctx, "table", "drop_columns");
    const char *const *in = pipe_check_input_columns(ctx, "table", &n_in);
    const char **drop = pipe_table_param_names(ctx, "drop_columns", &n_drop);
    const char **out = in ? malloc((n_in + 1) * sizeof *out) : NULL;
    for (size_t i = 0; out && i < n_in; i++) {
        size_t j = 0;
        while (j < n_drop && strcmp(drop[j], in[i]) != 0)
            j++;
        if (j == n_drop)
            out[kept++] = in[i];
    }
    if (out)
        pipe_check_output_columns(ctx, "table", out, kept);
    free(out);
    free(drop);
    return status ? -1 : 0;
}

/* Parse `ranges`; on error report it at the offending sub-value. */
static int read_ranges(pipe_ctx *ctx, pipe_cleaner_range **ranges, size_t *n)
{
    *ranges = NULL;
    *n = 0;
    const pipe_value *value = pipe_param_value(ctx, "ranges");
    if (!value || (value->kind == PIPE_VALUE_MAP && value->count == 0))
        return 0;
    const pipe_value *bad = NULL;
    char err[512];
    if (pipe_cleaner_parse_ranges(value, ranges, n, &bad, err, sizeof err) != 0)
        return pipe_value_error(ctx, "ranges", bad, "%s", err);
    return 0;
}

static int cleaner_check(pipe_ctx *ctx)
{
    pipe_cleaner_range *ranges;
    size_t n;
    int status = read_ranges(ctx, &ranges, &n);
    free(ranges);
    if (status != 0 || check_dropna(ctx) != 0)
        return -1;
    return check_columns(ctx);
}

static pipe_cleaner_charge read_charge(const pipe_ctx *ctx)
{
    const char *charge = pipe_param_string(ctx, "charge");
    if (strcmp(charge, "opposite") == 0)
        return PIPE_CLEANER_CHARGE_OPPOSITE;
    if (strcmp(charge, "same") == 0)
        return PIPE_CLEANER_CHARGE_SAME;
    return PIPE_CLEANER_CHARGE_ANY;
}

/* Fill cfg from the parameters (ranges and name lists are owned by the
 * caller afterwards: free cfg->ranges, nan_columns, drop_columns). */
static int read_config(pipe_ctx *ctx, pipe_cleaner_config *cfg)
{
    *cfg = (pipe_cleaner_config){0};
    size_t n_dropna;
    const char **dropna = pipe_table_param_names(ctx, "dropna", &n_dropna);
    if (pipe_table_names_are(dropna, n_dropna, "none")) {
        cfg->nan_mode = PIPE_CLEANER_NAN_NONE;
        free(dropna);
    } else if (pipe_table_names_are(dropna, n_dropna, "all")) {
        cfg->nan_mode = PIPE_CLEANER_NAN_KEPT;
        free(dropna);
    } else {
        cfg->nan_mode = PIPE_CLEANER_NAN_LIST;
        cfg->nan_columns = dropna;
        cfg->n_nan_columns = n_dropna;
    }
    cfg->drop_columns = pipe_table_param_names(ctx, "drop_columns", &cfg->n_drop_columns);
    cfg->charge = read_charge(ctx);
    cfg->physics_check = pipe_param_bool(ctx, "physics_check");
    cfg->energy_tolerance = pipe_param_float(ctx, "energy_tolerance");
    cfg->mass_tolerance = pipe_param_float(ctx, "mass_tolerance");
    pipe_cleaner_range *ranges;
    int status = read_ranges(ctx, &ranges, &cfg->n_ranges);
    cfg->ranges = ranges;
    return status;
}

static void config_free(pipe_cleaner_config *cfg)
{
    free((void *)cfg->nan_columns);
    free((void *)cfg->drop_columns);
    free((void *)cfg->ranges);
}

/* The metrics: rows in and out, and the rows dropped for each reason. */
static void set_metrics(pipe_ctx *ctx, const pipe_cleaner_config *cfg,
                        const pipe_cleaner_report *rep)
{
    pipe_metric(ctx, "rows_in", (double)rep->rows_in);
    pipe_metric(ctx, "rows_out", (double)rep->rows_out);
    pipe_metric(ctx, "dropped.nan", (double)rep->nan);
    pipe_metric(ctx, "dropped.energy_below_momentum", (double)rep->energy_below_momentum);
    pipe_metric(ctx, "dropped.mass_mismatch", (double)rep->mass_mismatch);
    char key[256];
    for (size_t i = 0; i < cfg->n_ranges; i++) {
        snprintf(key, sizeof key, "dropped.range.%s", cfg->ranges[i].column);
        pipe_metric(ctx, key, (double)rep->range[i]);
    }
    pipe_metric(ctx, "dropped.charge", (double)rep->charge);
}

/* One log line per reason that was checked. */
/* Under MPI: the counts of every rank's rows (exact sums of integers). */
static void reduce_report(pipe_ctx *ctx, const pipe_cleaner_config *cfg, pipe_cleaner_report *rep)
{
    size_t n = 6 + cfg->n_ranges;
    double *v = calloc(n, sizeof *v);
    int64_t *fields[6] = {&rep->rows_in,       &rep->rows_out,
                          &rep->nan,           &rep->energy_below_momentum,
                          &rep->mass_mismatch, &rep->charge};
    if (!v)
        abort(); /* the other ranks are about to sum: there is no clean way back */
    for (size_t i = 0; i < n; i++)
        v[i] = (double)(i < 6 ? *fields[i] : rep->range[i - 6]);
    pipe_reduce_sum(ctx, v, n);
    for (size_t i = 0; i < n; i++)
        *(i < 6 ? fields[i] : &rep->range[i - 6]) = (int64_t)v[i];
    free(v);
}

static void log_drops(pipe_ctx *ctx, const pipe_cleaner_config *cfg, const pipe_cleaner_report *rep)
{
    if (cfg->nan_mode != PIPE_CLEANER_NAN_NONE)
        pipe_log(ctx, "dropped %lld rows with a NaN (%s)", (long long)rep->nan,
                 cfg->nan_mode == PIPE_CLEANER_NAN_KEPT ? "in any kept column"
                                                        : "in the dropna columns");
    if (cfg->physics_check) {
        pipe_log(ctx, "dropped %lld rows with an energy below its momentum (E < |p|*(1-%g))",
                 (long long)rep->energy_below_momentum, cfg->energy_tolerance);
        pipe_log(ctx,
                 "dropped %lld rows whose M contradicts the four-momenta "
                 "(|M^2-m^2| > %g*(E1+E2)^2)",
                 (long long)rep->mass_mismatch, cfg->mass_tolerance);
    }
    for (size_t i = 0; i < cfg->n_ranges; i++)
        pipe_log(ctx, "dropped %lld rows with %s outside [%g, %g]", (long long)rep->range[i],
                 cfg->ranges[i].column, cfg->ranges[i].lo, cfg->ranges[i].hi);
    if (cfg->charge != PIPE_CLEANER_CHARGE_ANY)
        pipe_log(ctx, "dropped %lld %s-sign pairs", (long long)rep->charge,
                 cfg->charge == PIPE_CLEANER_CHARGE_OPPOSITE ? "same" : "opposite");
    pipe_log(ctx, "kept %lld of %lld rows", (long long)rep->rows_out, (long long)rep->rows_in);
}

static int cleaner_run(pipe_ctx *ctx, void *state)
{
    (void)state;
    pipe_cleaner_config cfg;
    if (read_config(ctx, &cfg) != 0) {
        config_free(&cfg);
        return -1;
    }
    int64_t *range_counts = calloc(cfg.n_ranges + 1, sizeof *range_counts);
    pipe_cleaner_report report = {.range = range_counts};
    char err[1024] = "out of memory";
    pipe_tensor *mine; /* under MPI: this rank's rows, each cleaned where it is */
    const pipe_tensor *in = pipe_table_rank_rows(ctx, "table", &mine);
    pipe_tensor *out =
        range_counts && in ? pipe_cleaner_apply(in, &cfg, &report, err, sizeof err) : NULL;
    int status = out ? 0 : pipe_error(ctx, "%s", err);
    if (out) {
        reduce_report(ctx, &cfg, &report);
        set_metrics(ctx, &cfg, &report);
        log_drops(ctx, &cfg, &report);
        status = pipe_output_rows(ctx, "table", out);
    }
    pipe_tensor_release(mine);
    free(range_counts);
    config_free(&cfg);
    return status;
}

static const pipe_plugin cleaner_plugin = {
    PIPE_PLUGIN_ABI,
    .name = "cleaner",
    .version = "1.0.0",
    .summary = "drop rows with NaN, out of range, of a charge, or physically inconsistent",
    .description =
        "Checks each row in order and drops it for the first reason that applies: a NaN in "
        "the dropna columns, an electron energy below its momentum or an M contradicting the "
        "four-momenta (physics_check), a range cut, the charge selection. Logs one line and "
        "sets one metric per reason (dropped.nan, dropped.energy_below_momentum, "
        "dropped.mass_mismatch, dropped.range.<column>, dropped.charge) plus rows_in and "
        "rows_out. drop_columns are removed from the output.",
    .params = cleaner_params,
    .n_params = PIPE_COUNT(cleaner_params),
    .inputs = cleaner_inputs,
    .n_inputs = PIPE_COUNT(cleaner_inputs),
    .outputs = cleaner_outputs,
    .n_outputs = PIPE_COUNT(cleaner_outputs),
    .check = cleaner_check,
    .run = cleaner_run,
    .rank_aware = 1,
};

PIPE_PLUGIN_DEFINE(cleaner_plugin)
