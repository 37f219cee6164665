/*
 * ttable.c — test plugin: a 3x2 table with columns "E" and "pt"
 * (E = 1, 2, 3; pt = 10, 20, 30), whose column names it tells validation.
 * Used only by the runner's tests.
 */
#include <pipe/pipe.h>

static const pipe_port_decl outputs[] = {
    {"table", PIPE_DT(PIPE_F64), 2, 0, "the table"},
};

static const char *const names[] = {"E", "pt"};

static int check(pipe_ctx *ctx)
{
    pipe_check_output_columns(ctx, "table", names, 2);
    return 0;
}

static int run(pipe_ctx *ctx, void *state)
{
    (void)state;
    pipe_tensor *t = pipe_tensor_new2(PIPE_F64, 3, 2);
    pipe_tensor_set_columns(t, names, 2);
    for (int r = 0; r < 3; r++) {
        pipe_tensor_set(t, 2 * r, r + 1);
        pipe_tensor_set(t, 2 * r + 1, 10 * (r + 1));
    }
    return pipe_output(ctx, "table", t);
}

static const pipe_plugin plugin = {
    PIPE_PLUGIN_ABI,    .name = "ttable",
    .version = "1.0",   .summary = "test: a small table",
    .outputs = outputs, .n_outputs = PIPE_COUNT(outputs),
    .check = check,     .run = run,
};
PIPE_PLUGIN_DEFINE(plugin)
