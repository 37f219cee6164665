/*
 * tbig.c — test plugin: a big intermediate. Publishes `mb` MiB of f64
 * values, out[i] = 1 + (the first value of its optional input, or 0), and
 * records that first value; chained, the stages of a pipeline hold one big
 * tensor each. Used only by the runner's memory tests.
 */
#include <pipe/pipe.h>

static const pipe_param_decl params[] = {
    {"mb", PIPE_PARAM_INT, "1", 1, 1024, NULL, "size of the output in MiB"},
};
static const pipe_port_decl inputs[] = {
    {"in", PIPE_DT(PIPE_F64), 1, 1, "the previous big tensor"},
};
static const pipe_port_decl outputs[] = {
    {"out", PIPE_DT(PIPE_F64), 1, 0, "mb MiB of values"},
};

static int run(pipe_ctx *ctx, void *state)
{
    (void)state;
    const pipe_tensor *in = NULL;
    if (pipe_input_name(ctx, "in") && !(in = pipe_input(ctx, "in")))
        return -1;
    double first = in ? ((const double *)in->data)[0] : 0;
    int64_t n = pipe_param_int(ctx, "mb") * (1 << 20) / (int64_t)sizeof(double);
    pipe_tensor *t = pipe_tensor_new1(PIPE_F64, n);
    if (!t)
        return pipe_error(ctx, "out of memory for %lld values", (long long)n);
    for (int64_t i = 0; i < n; i++) /* every page written, so resident */
        ((double *)t->data)[i] = first + 1;
    pipe_metric(ctx, "first", first + 1);
    return pipe_output(ctx, "out", t);
}

static const pipe_plugin plugin = {
    PIPE_PLUGIN_ABI,    .name = "tbig",
    .version = "1.0",   .summary = "test: a big intermediate tensor",
    .params = params,   .n_params = PIPE_COUNT(params),
    .inputs = inputs,   .n_inputs = PIPE_COUNT(inputs),
    .outputs = outputs, .n_outputs = PIPE_COUNT(outputs),
    .run = run,
};
PIPE_PLUGIN_DEFINE(plugin)
