/*
 * tsum.c — test plugin: sums its input, writes sum.txt atomically, and
 * fails on request; with `recall`, records what that earlier stage
 * recorded (pipe_recorded). Used only by the runner's tests.
 */
#include <pipe/pipe.h>
#include <stdio.h>

static const pipe_param_decl params[] = {
    {"fail", PIPE_PARAM_BOOL, "false", 0, 0, NULL, "fail at run time"},
    {"recall", PIPE_PARAM_STRING, "", 0, 0, NULL,
     "a stage id: record its total (metric), seconds (info) and whether it has 'nothing'"},
};
static const pipe_port_decl inputs[] = {
    {"in", PIPE_DT_FLOAT, 1, 0, "values to sum"},
};
static const pipe_port_decl outputs[] = {
    {"total", PIPE_DT(PIPE_F64), 1, 0, "the sum, one element"},
};

static int run(pipe_ctx *ctx, void *state)
{
    (void)state;
    if (pipe_param_bool(ctx, "fail"))
        return pipe_error(ctx, "asked to fail");
    const pipe_tensor *in = pipe_input(ctx, "in");
    if (!in)
        return -1;
    double sum = 0;
    for (int64_t i = 0; i < pipe_tensor_count(in); i++)
        sum += pipe_tensor_get(in, i);
    pipe_file *f = pipe_file_open(ctx, "sum.txt");
    if (!f)
        return -1;
    fprintf(pipe_file_stream(f), "%g\n", sum);
    if (pipe_file_commit(ctx, f) != 0)
        return -1;
    pipe_metric(ctx, "total", sum);
    if (pipe_input_source(ctx, "in")) /* as the runner passed it on */
        pipe_metric_string(ctx, "source", pipe_input_source(ctx, "in"));
    pipe_info(ctx, "seconds", 0.25);
    const char *recall = pipe_param_string(ctx, "recall");
    double v = -1;
    if (recall[0]) {
        pipe_metric(ctx, "recalled.total", pipe_recorded(ctx, recall, "total", &v) ? v : -1);
        pipe_metric(ctx, "recalled.seconds", pipe_recorded(ctx, recall, "seconds", &v) ? v : -1);
        pipe_metric(ctx, "recalled.nothing", pipe_recorded(ctx, recall, "nothing", &v));
    }
    pipe_tensor *t = pipe_tensor_new1(PIPE_F64, 1);
    ((double *)t->data)[0] = sum;
    return pipe_output(ctx, "total", t);
}

static const pipe_plugin plugin = {
    PIPE_PLUGIN_ABI,    .name = "tsum",
    .version = "1.0",   .summary = "test: sum a tensor",
    .params = params,   .n_params = PIPE_COUNT(params),
    .inputs = inputs,   .n_inputs = PIPE_COUNT(inputs),
    .outputs = outputs, .n_outputs = PIPE_COUNT(outputs),
    .run = run,
};
PIPE_PLUGIN_DEFINE(plugin)
