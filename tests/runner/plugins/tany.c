/*
 * tany.c — test plugin: an output declared of any rank whose rank its
 * `rank` parameter fixes (told to validation in check()), and a `model`
 * file that must exist at run time and that the run records as read, and
 * the `source` of its output's data.
 * Used only by the runner's tests.
 */
#include <pipe/pipe.h>

static const pipe_param_decl params[] = {
    {"rank", PIPE_PARAM_INT, "1", 1, 4, NULL, "rank of the output (each dimension 2)"},
    {"model", PIPE_PARAM_STRING, "", 0, 0, NULL, "a file read at run time (\"\": none)"},
    {"source", PIPE_PARAM_STRING, "", 0, 0, NULL, "the source of the output (\"\": not said)"},
};
static const pipe_port_decl outputs[] = {
    {"out", PIPE_DT(PIPE_F64), 0, 0, "ones, of the rank asked"},
};

static int check(pipe_ctx *ctx)
{
    int rank = (int)pipe_param_int(ctx, "rank");
    pipe_check_output_ranks(ctx, "out", rank, rank);
    return pipe_check_input_file_param(ctx, "model");
}

static int run(pipe_ctx *ctx, void *state)
{
    (void)state;
    if (pipe_param_string(ctx, "model")[0])
        pipe_input_file(ctx, pipe_param_string(ctx, "model"));
    if (pipe_param_string(ctx, "source")[0])
        pipe_set_source(ctx, "%s", pipe_param_string(ctx, "source"));
    int64_t shape[PIPE_MAX_RANK] = {2, 2, 2, 2};
    pipe_tensor *t = pipe_tensor_new(PIPE_F64, (int)pipe_param_int(ctx, "rank"), shape);
    for (int64_t i = 0; t && i < pipe_tensor_count(t); i++)
        pipe_tensor_set(t, i, 1.0);
    return pipe_output(ctx, "out", t);
}

static const pipe_plugin plugin = {
    PIPE_PLUGIN_ABI,    .name = "tany",
    .version = "1.0",   .summary = "test: an output of any declared rank",
    .params = params,   .n_params = PIPE_COUNT(params),
    .outputs = outputs, .n_outputs = PIPE_COUNT(outputs),
    .check = check,     .run = run,
};
PIPE_PLUGIN_DEFINE(plugin)
