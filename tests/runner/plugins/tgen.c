/*
 * tgen.c — test plugin: generates out[i] = value * (i + 1) for i < n and
 * exercises every parameter type. Used only by the runner's tests.
 */
#include <pipe/pipe.h>
#include <string.h>

static const pipe_param_decl params[] = {
    {"n", PIPE_PARAM_INT, "4", 1, 1000, NULL, "number of values"},
    {"value", PIPE_PARAM_FLOAT, "1.5", 0, 0, NULL, "step between values"},
    {"mode", PIPE_PARAM_CHOICE, "linear", 0, 0, "linear|constant", "how values grow"},
    {"names", PIPE_PARAM_STRING_LIST, "[a]", 0, 0, NULL, "labels"},
    {"label", PIPE_PARAM_STRING, "none", 0, 0, NULL, "a label, recorded as a metric"},
    {"flag", PIPE_PARAM_BOOL, "false", 0, 0, NULL, "a flag"},
    {"fractions", PIPE_PARAM_FLOAT_LIST, "[0.5, 0.5]", 0, 1, NULL, "fractions in [0, 1]"},
    {"spec", PIPE_PARAM_MAP, "{}", 0, 0, NULL, "free-form mapping; key 'bad' is refused"},
};
static const pipe_port_decl outputs[] = {
    {"out", PIPE_DT(PIPE_F64), 1, 0, "the values"},
    {"extra", PIPE_DT(PIPE_F64), 1, 1, "a copy, only when mapped"},
};

static int check(pipe_ctx *ctx)
{
    const pipe_value *spec = pipe_param_value(ctx, "spec");
    const pipe_value *bad = pipe_value_get(spec, "bad");
    if (bad)
        return pipe_value_error(ctx, "spec", bad, "key 'bad' is not allowed");
    if (!strcmp(pipe_param_string(ctx, "mode"), "constant") && pipe_param_int(ctx, "n") > 100)
        return pipe_param_error(ctx, "n", "at most 100 with mode constant, found %lld",
                                (long long)pipe_param_int(ctx, "n"));
    return 0;
}

static int run(pipe_ctx *ctx, void *state)
{
    (void)state;
    int64_t n = pipe_param_int(ctx, "n");
    double step = pipe_param_float(ctx, "value");
    int constant = !strcmp(pipe_param_string(ctx, "mode"), "constant");
    pipe_tensor *t = pipe_tensor_new1(PIPE_F64, n);
    double sum = 0;
    for (int64_t i = 0; i < n; i++) {
        double v = constant ? step : step * (double)(i + 1);
        ((double *)t->data)[i] = v;
        sum += v;
    }
    pipe_metric(ctx, "sum", sum);
    pipe_metric(ctx, "names", (double)pipe_param_count(ctx, "names"));
    pipe_metric_string(ctx, "label", pipe_param_string(ctx, "label"));
    pipe_metric(ctx, "flag", pipe_param_bool(ctx, "flag"));
    pipe_metric(ctx, "uniform", pipe_rng_uniform(pipe_ctx_rng(ctx)));
    pipe_log(ctx, "made %lld values", (long long)n);
    if (pipe_output_wanted(ctx, "extra")) {
        pipe_tensor_retain(t);
        if (pipe_output(ctx, "extra", t) != 0)
            return -1;
    }
    return pipe_output(ctx, "out", t);
}

static const pipe_plugin plugin = {
    PIPE_PLUGIN_ABI,    .name = "tgen",
    .version = "1.0",   .summary = "test: generate a sequence",
    .params = params,   .n_params = PIPE_COUNT(params),
    .outputs = outputs, .n_outputs = PIPE_COUNT(outputs),
    .check = check,     .run = run,
};
PIPE_PLUGIN_DEFINE(plugin)
