/* multiply.c — an out-of-tree pipe stage: multiplies one column of a table. */
#include <pipe/pipe.h>
#include <string.h>

static const pipe_param_decl params[] = {
    {"column", PIPE_PARAM_STRING, NULL, 0, 0, NULL, "the column to multiply"},
    {"factor", PIPE_PARAM_FLOAT, "1000", 0, 0, NULL, "multiply by this (GeV -> MeV: 1000)"},
};
static const pipe_port_decl inputs[] = {
    {"table", PIPE_DT(PIPE_F64), 2, 0, "a table with column names"},
};
static const pipe_port_decl outputs[] = {
    {"table", PIPE_DT(PIPE_F64), 2, 0, "the same table, one column multiplied"},
};

static int run(pipe_ctx *ctx, void *state)
{
    (void)state;
    const pipe_tensor *in = pipe_input(ctx, "table");
    const char *column = pipe_param_string(ctx, "column");
    int64_t col = pipe_tensor_column(in, column);
    if (col < 0)
        return pipe_param_error(ctx, "column", "no column '%s' in the table", column);
    int64_t rows = in->shape[0], cols = in->shape[1];
    pipe_tensor *out = pipe_tensor_new2(PIPE_F64, rows, cols);
    if (!out || pipe_tensor_set_columns(out, (const char *const *)in->columns, cols) != 0)
        return pipe_error(ctx, "out of memory");
    memcpy(out->data, in->data, (size_t)(rows * cols) * sizeof(double));
    double factor = pipe_param_float(ctx, "factor");
    double *data = out->data;
    for (int64_t r = 0; r < rows; r++)
        data[r * cols + col] *= factor;
    pipe_metric(ctx, "rows", (double)rows);
    return pipe_output(ctx, "table", out);
}

static const pipe_plugin multiply = {
    PIPE_PLUGIN_ABI,    .name = "multiply",
    .version = "1.0",   .summary = "multiply one column of a table by a factor",
    .params = params,   .n_params = PIPE_COUNT(params),
    .inputs = inputs,   .n_inputs = PIPE_COUNT(inputs),
    .outputs = outputs, .n_outputs = PIPE_COUNT(outputs),
    .run = run,
};
PIPE_PLUGIN_DEFINE(multiply)
