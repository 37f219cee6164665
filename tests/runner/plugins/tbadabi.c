/*
 * tbadabi.c — test plugin built "for another ABI major": the runner must
 * refuse it. Used only by the runner's tests.
 */
#include <pipe/pipe.h>

static int run(pipe_ctx *ctx, void *state)
{
    (void)ctx;
    (void)state;
    return 0;
}

static const pipe_plugin plugin = {
    .abi_major = PIPE_ABI_MAJOR + 1,
    .abi_minor = 3,
    .struct_size = sizeof(pipe_plugin),
    .name = "tbadabi",
    .run = run,
};
PIPE_PLUGIN_DEFINE(plugin)
