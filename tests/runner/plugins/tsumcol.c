/*
 * tsumcol.c — test plugin: sums one named column of a table into a
 * metric; validation checks the name against the table's known columns.
 * Used only by the runner's tests.
 */
#include <pipe/pipe.h>

static const pipe_param_decl params[] = {
    {"column", PIPE_PARAM_STRING, NULL, 0, 0, NULL, "the column to sum"},
};
static const pipe_port_decl inputs[] = {
    {"table", PIPE_DT(PIPE_F64), 2, 0, "a table"},
};

static int check(pipe_ctx *ctx)
{
    return pipe_check_column_param(ctx, "table", "column");
}

static int run(pipe_ctx *ctx, void *state)
{
    (void)state;
    const pipe_tensor *t = pipe_input(ctx, "table");
    if (!t)
        return -1;
    int64_t col = pipe_tensor_column(t, pipe_param_string(ctx, "column"));
    if (col < 0)
        return pipe_param_error(ctx, "column", "no such column");
    double sum = 0;
    for (int64_t r = 0; r < t->shape[0]; r++)
        sum += pipe_tensor_get(t, r * t->shape[1] + col);
    pipe_metric(ctx, "sum", sum);
    return 0;
}

static const pipe_plugin plugin = {
    PIPE_PLUGIN_ABI,  .name = "tsumcol",
    .version = "1.0", .summary = "test: sum a column",
    .params = params, .n_params = PIPE_COUNT(params),
    .inputs = inputs, .n_inputs = PIPE_COUNT(inputs),
    .check = check,   .run = run,
};
PIPE_PLUGIN_DEFINE(plugin)
