/*
 * dnn_predict.c — the `dnn` stage's predict mode: load a model file
 * written by a train run, turn the raw rows of x into the model's
 * features (scaled with the scaling saved in the file; nn_stage.h) and
 * predict every row.
 */
#include "dnn.h"

int dnn_predict(pipe_ctx *ctx)
{
    if (pipe_nn_stage_check_predict_ports(ctx) != 0)
        return -1;
    pipe_nn_saved s;
    pipe_nn_rows d = {0};
    int rc =
        pipe_nn_stage_load(ctx, pipe_param_string(ctx, "model"), "model", DNN_PREDICT_BATCH, &s);
    if (rc == 0)
        rc = pipe_nn_stage_predict_rows(ctx, pipe_input(ctx, "x"), &s, &d);
    if (rc == 0)
        rc = pipe_nn_stage_predict_outputs(ctx, s.file, s.model, &d);
    pipe_nn_rows_free(&d);
    pipe_nn_saved_free(&s);
    return rc;
}
