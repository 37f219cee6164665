/*
 * tmatrix.c — test plugin: publishes an i32 rank-2 tensor, to test dtype
 * and rank checks. Used only by the runner's tests.
 */
#include <pipe/pipe.h>

static const pipe_port_decl outputs[] = {
    {"grid", PIPE_DT(PIPE_I32), 2, 0, "a 2x3 grid"},
};

static int run(pipe_ctx *ctx, void *state)
{
    (void)state;
    return pipe_output(ctx, "grid", pipe_tensor_new2(PIPE_I32, 2, 3));
}

static const pipe_plugin plugin = {
    PIPE_PLUGIN_ABI,    .name = "tmatrix",
    .version = "1.0",   .summary = "test: an integer grid",
    .outputs = outputs, .n_outputs = PIPE_COUNT(outputs),
    .run = run,
};
PIPE_PLUGIN_DEFINE(plugin)
