/*
 * tbaddesc.c — test plugin with a malformed descriptor: n_params says 5
 * but params is NULL. The runner must refuse it, not dereference it. Used
 * only by the runner's tests.
 */
#include <pipe/pipe.h>

static int run(pipe_ctx *ctx, void *state)
{
    (void)ctx;
    (void)state;
    return 0;
}

static const pipe_plugin plugin = {
    PIPE_PLUGIN_ABI, .name = "tbaddesc", .summary = "test: params NULL, n_params 5",
    .params = NULL,  .n_params = 5,      .run = run,
};
PIPE_PLUGIN_DEFINE(plugin)
