/*
 * tgrown.c — test plugin built as a later ABI minor might be: its
 * parameter and port declarations carry one more field each, and it says
 * so in param_decl_size / port_decl_size. The runner must read them at
 * that size. Used only by the runner's tests.
 */
#include <pipe/pipe.h>

typedef struct later_param_decl {
    pipe_param_decl base;
    const char *unit; /* a field this runner does not know */
} later_param_decl;

typedef struct later_port_decl {
    pipe_port_decl base;
    const char *unit;
} later_port_decl;

static const later_param_decl params[] = {
    {{"n", PIPE_PARAM_INT, "3", 1, 10, NULL, "how many"}, "events"},
    {{"label", PIPE_PARAM_STRING, "plain", 0, 0, NULL, "recorded as a metric"}, ""},
};
static const later_port_decl outputs[] = {
    {{"out", PIPE_DT(PIPE_F64), 1, 0, "n values of 1"}, "GeV"},
};

static int run(pipe_ctx *ctx, void *state)
{
    (void)state;
    pipe_tensor *t = pipe_tensor_new1(PIPE_F64, pipe_param_int(ctx, "n"));
    for (int64_t i = 0; t && i < pipe_tensor_count(t); i++)
        pipe_tensor_set(t, i, 1.0);
    pipe_metric_string(ctx, "label", pipe_param_string(ctx, "label"));
    return pipe_output(ctx, "out", t);
}

static const pipe_plugin plugin = {
    .abi_major = PIPE_ABI_MAJOR,
    .abi_minor = PIPE_ABI_MINOR + 1,
    .struct_size = sizeof(pipe_plugin),
    .name = "tgrown",
    .version = "1.0",
    .summary = "test: declarations larger than this runner's",
    .params = &params[0].base,
    .n_params = PIPE_COUNT(params),
    .outputs = &outputs[0].base,
    .n_outputs = PIPE_COUNT(outputs),
    .run = run,
    .param_decl_size = sizeof(later_param_decl),
    .port_decl_size = sizeof(later_port_decl),
};
PIPE_PLUGIN_DEFINE(plugin)
