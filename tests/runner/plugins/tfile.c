/*
 * tfile.c — test plugin: writes `count` files named after `path` (path,
 * or path.1, path.2, ... when count > 1), each `lines` lines of a fixed
 * text ending in "end\n", through the SDK's atomic files. `absolute`
 * picks pipe_file_open_path, `check` runs pipe_check_output_param during
 * validation, `check_error` makes check() fail with pipe_error. A mapped
 * input "in" is read without a NULL check: the runner must not call run
 * when it is missing. Used by the runner's output and
 * kill tests.
 */
#include <pipe/pipe.h>
#include <stdio.h>

static const pipe_param_decl params[] = {
    {"path", PIPE_PARAM_STRING, "out.txt", 0, 0, NULL, "file to write"},
    {"absolute", PIPE_PARAM_BOOL, "false", 0, 0, NULL, "accept absolute paths"},
    {"check", PIPE_PARAM_BOOL, "true", 0, 0, NULL, "check the path during validation"},
    {"count", PIPE_PARAM_INT, "1", 1, 10000, NULL, "number of files"},
    {"check_error", PIPE_PARAM_STRING, "\"\"", 0, 0, NULL, "report this error in check()"},
    {"lines", PIPE_PARAM_INT, "1", 1, 1000000, NULL, "lines per file"},
};

static const pipe_port_decl inputs[] = {
    {"in", PIPE_DT_ANY, 1, 1, "optional; its first element is logged, unchecked on purpose"},
};

static int check(pipe_ctx *ctx)
{
    if (*pipe_param_string(ctx, "check_error"))
        return pipe_error(ctx, "%s", pipe_param_string(ctx, "check_error"));
    if (!pipe_param_bool(ctx, "check"))
        return 0;
    return pipe_check_output_param(ctx, "path", pipe_param_bool(ctx, "absolute"));
}

static int run(pipe_ctx *ctx, void *state)
{
    (void)state;
    if (pipe_input_name(ctx, "in")) /* deliberately trusts the runner */
        pipe_log(ctx, "first input value %g", pipe_tensor_get(pipe_input(ctx, "in"), 0));
    const char *path = pipe_param_string(ctx, "path");
    int64_t count = pipe_param_int(ctx, "count"), lines = pipe_param_int(ctx, "lines");
    for (int64_t k = 0; k < count; k++) {
        char name[4096];
        if (count == 1)
            snprintf(name, sizeof name, "%s", path);
        else
            snprintf(name, sizeof name, "%s.%lld", path, (long long)k);
        pipe_file *f = pipe_param_bool(ctx, "absolute") ? pipe_file_open_path(ctx, name)
                                                        : pipe_file_open(ctx, name);
        if (!f)
            return -1;
        for (int64_t i = 0; i < lines; i++)
            fputs("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n",
                  pipe_file_stream(f));
        fputs("end\n", pipe_file_stream(f));
        if (pipe_file_commit(ctx, f) != 0)
            return -1;
    }
    pipe_metric(ctx, "files", (double)count);
    return 0;
}

static const pipe_plugin plugin = {
    PIPE_PLUGIN_ABI,  .name = "tfile",
    .version = "1.0", .summary = "test: write files",
    .params = params, .n_params = PIPE_COUNT(params),
    .inputs = inputs, .n_inputs = PIPE_COUNT(inputs),
    .check = check,   .run = run,
};
PIPE_PLUGIN_DEFINE(plugin)
