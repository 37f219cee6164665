/*
 * plugin.c — the `select` stage: the SDK adapter around pipe_select
 * (select_core.h) and pipe_expr (expr.h). Parses every expression in
 * `check` (so `pipe validate` reports syntax and type errors at their
 * place in the pipeline file), binds column names at run time, and writes
 * the cut flow to metrics.json.
 */
#include "expr.h"
#include "select_core.h"

#include <pipe/pipe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const pipe_param_decl select_params[] = {
    {"where", PIPE_PARAM_STRING_LIST, "[]", 0, 0, NULL,
     "cuts applied in order, each a boolean expression (\"M > 60 && Q1 * Q2 < 0\"); a row is "
     "kept when all are true; one string or a list"},
    {"define", PIPE_PARAM_MAP, "{}", 0, 0, NULL,
     "new columns from expressions, in order, each able to use the ones before: "
     "{deta: \"eta1 - eta2\", mt: \"sqrt(2*pt1*pt2*(1 - cos(phi1 - phi2)))\"}"},
};

static const pipe_port_decl select_inputs[] = {
    {"table", PIPE_DT(PIPE_F64), 2, 0, "the events (a table with column names)"},
    {"split", PIPE_DT(PIPE_U8), 1, 1, "a row split of the table, cut with the same rows"},
};

static const pipe_port_decl select_outputs[] = {
    {"table", PIPE_DT(PIPE_F64), 2, 0, "the kept rows: the input's columns, then the defines"},
    {"split", PIPE_DT(PIPE_U8), 1, 1, "the kept rows of the split"},
};

/* Every expression of the parameters, parsed. */
typedef struct parsed {
    size_t n_cuts, n_defines;
    pipe_expr **cuts, **defines;
    const pipe_value **cut_values, **define_values; /* where each one is written */
    const char **define_names;
} parsed;

static void parsed_free(parsed *p)
{
    for (size_t i = 0; i < p->n_cuts; i++)
        pipe_expr_free(p->cuts[i]);
    for (size_t i = 0; i < p->n_defines; i++)
        pipe_expr_free(p->defines[i]);
    free(p->cuts);
    free(p->defines);
    free(p->cut_values);
    free(p->define_values);
    free(p->define_names);
    memset(p, 0, sizeof *p);
}

/* The location of the key of item i of a map, as a value for errors. */
static pipe_value key_at(const pipe_value *map, size_t i)
{
    return (pipe_value){.kind = PIPE_VALUE_SCALAR,
                        .scalar = map->keys[i],
                        .line = map->key_lines[i],
                        .column = map->key_columns[i]};
}

/* Report an expression error of cut k or define k (label "'name': "). */
static int expr_error(pipe_ctx *ctx, const char *param, const pipe_value *at, const char *label,
                      const pipe_expr_error *err)
{
    if (err->column > 0)
        return pipe_value_error(ctx, param, at, "%sat column %d of the expression: %s", label,
                                err->column, err->message);
    return pipe_value_error(ctx, param, at, "%s%s", label, err->message);
}

static int parse_cuts(pipe_ctx *ctx, parsed *p)
{
    const pipe_value *where = pipe_param_value(ctx, "where");
    p->n_cuts = pipe_param_count(ctx, "where");
    p->cuts = calloc(p->n_cuts + 1, sizeof *p->cuts);
    p->cut_values = calloc(p->n_cuts + 1, sizeof *p->cut_values);
    if (!p->cuts || !p->cut_values)
        return pipe_error(ctx, "out of memory");
    int errors = 0;
    for (size_t k = 0; k < p->n_cuts; k++) {
        const pipe_value *at = where && where->kind == PIPE_VALUE_LIST ? &where->items[k] : where;
        p->cut_values[k] = at;
        pipe_expr_error err;
        p->cuts[k] = pipe_expr_parse(pipe_param_string_at(ctx, "where", k), &err);
        if (!p->cuts[k])
            errors += expr_error(ctx, "where", at, "", &err) != 0;
        else if (pipe_expr_result(p->cuts[k]) != PIPE_EXPR_BOOLEAN)
            errors += pipe_value_error(ctx, "where", at,
                                       "a cut must be a boolean (a comparison such as M > 60), "
                                       "found a number") != 0;
    }
    return errors ? -1 : 0;
}

static int parse_defines(pipe_ctx *ctx, parsed *p)
{
    const pipe_value *define = pipe_param_value(ctx, "define");
    if (!define)
        return 0;
    if (define->kind != PIPE_VALUE_MAP)
        return pipe_value_error(ctx, "define", define,
                                "expected a mapping of new column names to expressions, "
                                "e.g. {deta: \"eta1 - eta2\"}");
    size_t n = define->count;
    p->defines = calloc(n + 1, sizeof *p->defines);
    p->define_values = calloc(n + 1, sizeof *p->define_values);
    p->define_names = calloc(n + 1, sizeof *p->define_names);
    if (!p->defines || !p->define_values || !p->define_names)
        return pipe_error(ctx, "out of memory");
    p->n_defines = n;
    int errors = 0;
    for (size_t i = 0; i < n; i++) {
        const pipe_value *v = &define->items[i];
        char label[300];
        snprintf(label, sizeof label, "'%s': ", define->keys[i]);
        p->define_names[i] = define->keys[i];
        p->define_values[i] = v;
        if (!define->keys[i][0]) {
            pipe_value key = key_at(define, i);
            errors += pipe_value_error(ctx, "define", &key, "a new column needs a name") != 0;
        } else if (v->kind != PIPE_VALUE_SCALAR) {
            errors += pipe_value_error(ctx, "define", v,
                                       "%sexpected an expression (a string), found a %s", label,
                                       v->kind == PIPE_VALUE_LIST ? "list" : "mapping") != 0;
        } else {
            pipe_expr_error err;
            p->defines[i] = pipe_expr_parse(v->scalar, &err);
            if (!p->defines[i])
                errors += expr_error(ctx, "define", v, label, &err) != 0;
        }
    }
    return errors ? -1 : 0;
}

static int check_split(pipe_ctx *ctx)
{
    int in = pipe_input_name(ctx, "split") != NULL, out = pipe_output_wanted(ctx, "split");
    if (in && !out)
        return pipe_error(ctx, "the split input is mapped but not the split output: add "
                               "outputs: {split: <name>} so the split stays aligned with the "
                               "kept rows");
    if (out && !in)
        return pipe_error(ctx, "the split output is mapped but not the split input: add "
                               "inputs: {split: <name>}");
    return 0;
}

/* Parse everything, reporting every error; 0 when all is well. */
static int parse_all(pipe_ctx *ctx, parsed *p)
{
    memset(p, 0, sizeof *p);
    int errors = (parse_cuts(ctx, p) != 0) + (parse_defines(ctx, p) != 0);
    errors += check_split(ctx) != 0;
    if (errors)
        parsed_free(p);
    return errors ? -1 : 0;
}

/* Bind expression e against the known columns; reports an unknown name
 * at its place in the expression. 0, or -1 reported. */
static int bind_known(pipe_ctx *ctx, const pipe_expr *e, const char *const *cols, size_t n,
                      const char *param, const pipe_value *at, const char *label)
{
    pipe_expr_error err;
    pipe_expr_program *prog = pipe_expr_compile(e, cols, n, &err);
    if (!prog)
        return expr_error(ctx, param, at, label, &err);
    pipe_expr_program_free(prog);
    return 0;
}

/* When validation knows the input's columns: every name the expressions
 * use is a column (or an earlier define), and the output has the input's
 * columns, then the defines. */
static int check_columns(pipe_ctx *ctx, const parsed *p)
{
    size_t n_in;
    const char *const *in = pipe_check_input_columns(ctx, "table", &n_in);
    if (!in)
        return 0;
    const char **cols = calloc(n_in + p->n_defines + 1, sizeof *cols);
    if (!cols)
        return pipe_error(ctx, "out of memory");
    memcpy(cols, in, n_in * sizeof *cols);
    int errors = 0;
    for (size_t d = 0; d < p->n_defines; d++) {
        char label[300];
        snprintf(label, sizeof label, "'%s': ", p->define_names[d]);
        errors += bind_known(ctx, p->defines[d], cols, n_in + d, "define", p->define_values[d],
                             label) != 0;
        cols[n_in + d] = p->define_names[d];
    }
    size_t n = n_in + p->n_defines;
    for (size_t k = 0; k < p->n_cuts; k++)
        errors += bind_known(ctx, p->cuts[k], cols, n, "where", p->cut_values[k], "") != 0;
    pipe_check_output_columns(ctx, "table", cols, n);
    free(cols);
    return errors ? -1 : 0;
}

static int select_check(pipe_ctx *ctx)
{
    parsed p;
    if (parse_all(ctx, &p) != 0)
        return -1;
    int rc = check_columns(ctx, &p);
    parsed_free(&p);
    return rc;
}

static int report_failure(pipe_ctx *ctx, const parsed *p, const pipe_select_failure *fail)
{
    const pipe_value *define = pipe_param_value(ctx, "define");
    if (fail->define && fail->error.column == 0) {
        pipe_value key = key_at(define, fail->index);
        return pipe_value_error(ctx, "define", &key, "%s", fail->error.message);
    }
    if (fail->define) {
        char label[300];
        snprintf(label, sizeof label, "'%s': ", p->define_names[fail->index]);
        return expr_error(ctx, "define", p->define_values[fail->index], label, &fail->error);
    }
    if (fail->error.column > 0)
        return expr_error(ctx, "where", p->cut_values[fail->index], "", &fail->error);
    return pipe_error(ctx, "%s", fail->error.message);
}

/* The cut flow: rows before and after each cut, and its text. */
static void cut_flow(pipe_ctx *ctx, const pipe_select_result *r, size_t n_cuts)
{
    char key[64];
    int64_t before = r->rows_in;
    pipe_metric(ctx, "rows_in", (double)r->rows_in);
    for (size_t k = 0; k < n_cuts; k++) {
        snprintf(key, sizeof key, "cutflow.%zu.where", k + 1);
        pipe_metric_string(ctx, key, pipe_param_string_at(ctx, "where", k));
        snprintf(key, sizeof key, "cutflow.%zu.before", k + 1);
        pipe_metric(ctx, key, (double)before);
        snprintf(key, sizeof key, "cutflow.%zu.after", k + 1);
        pipe_metric(ctx, key, (double)r->after[k]);
        before = r->after[k];
    }
    pipe_metric(ctx, "rows_out", (double)r->table->shape[0]);
}

static int select_run(pipe_ctx *ctx, void *state)
{
    (void)state;
    parsed p;
    if (parse_all(ctx, &p) != 0)
        return -1;
    pipe_select_spec spec = {.n_defines = p.n_defines,
                             .define_names = p.define_names,
                             .defines = p.defines,
                             .n_cuts = p.n_cuts,
                             .cuts = p.cuts};
    pipe_select_result r;
    pipe_select_failure fail;
    if (pipe_select_apply(pipe_input(ctx, "table"), pipe_input(ctx, "split"), &spec, &r, &fail) !=
        0) {
        report_failure(ctx, &p, &fail);
        parsed_free(&p);
        return -1;
    }
    parsed_free(&p);
    cut_flow(ctx, &r, spec.n_cuts);
    pipe_log(ctx, "%lld of %lld rows kept by %zu cut%s, %zu column%s defined",
             (long long)r.table->shape[0], (long long)r.rows_in, spec.n_cuts,
             spec.n_cuts == 1 ? "" : "s", spec.n_defines, spec.n_defines == 1 ? "" : "s");
    pipe_tensor *split = r.split;
    int status = pipe_output(ctx, "table", r.table);
    r.table = r.split = NULL;
    if (status == 0 && split)
        status = pipe_output(ctx, "split", split);
    else
        pipe_tensor_release(split);
    pipe_select_result_free(&r);
    return status;
}

static const pipe_plugin select_plugin = {
    PIPE_PLUGIN_ABI,
    .name = "select",
    .version = "1.0.0",
    .summary = "cuts and new columns from expressions, with the cut flow in the metrics",
    .description =
        "define adds columns computed from expressions; where keeps the rows where every cut "
        "is true, in order, and writes rows before and after each cut to metrics.json. "
        "Expressions: + - * / , comparisons, && || !, abs sqrt exp log pow sin cos tan atan2 "
        "sinh cosh asinh min max, pi and e, column names (in backquotes when they are not "
        "identifiers: `px1 `). IEEE doubles: x/0 is +-inf, 0/0 and sqrt(-1) are NaN, every "
        "comparison with NaN is false except !=. A boolean define is stored as 0 or 1. "
        "Syntax and types are checked by pipe validate; column names when the stage runs.",
    .params = select_params,
    .n_params = PIPE_COUNT(select_params),
    .inputs = select_inputs,
    .n_inputs = PIPE_COUNT(select_inputs),
    .outputs = select_outputs,
    .n_outputs = PIPE_COUNT(select_outputs),
    .check = select_check,
    .run = select_run,
};

PIPE_PLUGIN_DEFINE(select_plugin)
