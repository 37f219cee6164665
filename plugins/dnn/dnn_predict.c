/*
 * dnn_predict.c — the `dnn` stage's predict mode: load a model file
 * written by a train run, turn the raw rows of x into the model's
 * features (scaled with the scaling saved in the file; nn_stage.h) and
 * predict every row.
 */
#include "dnn.h"

#include <string.h>

int dnn_predict(pipe_ctx *ctx)
{
    if (pipe_nn_stage_check_predict_ports(ctx) != 0)
        return -1;
    pipe_nn_saved s;
    pipe_nn_rows d = {0};
    pipe_nn_classes classes = {0};
    int rc =
        pipe_nn_stage_load(ctx, pipe_param_string(ctx, "model"), "model", DNN_PREDICT_BATCH, &s);
    if (rc == 0)
        rc = pipe_nn_stage_predict_rows(ctx, pipe_input(ctx, "x"), &s, &d);
    const char *head = rc == 0 ? pipe_nn_st_meta_get(s.file, "head") : NULL;
    int multi = head && strcmp(head, "multiclass") == 0;
    if (rc == 0)
        rc = pipe_nn_stage_check_head_ports(ctx, multi);
    if (rc == 0 && multi)
        rc = pipe_nn_stage_saved_classes(ctx, s.file, s.model, &classes);
    double start = pipe_seconds();
    if (rc == 0)
        rc = multi ? pipe_nn_stage_publish_classes(ctx, s.model, &d, &classes)
                   : pipe_nn_stage_publish_predictions(ctx, s.model, &d);
    if (rc == 0)
        rc = pipe_nn_stage_publish_saved_threshold(ctx, s.file);
    double seconds = pipe_seconds() - start;
    if (rc == 0) {
        pipe_metric(ctx, "rows", (double)d.rows);
        pipe_metric(ctx, "params", (double)pipe_nn_model_param_count(s.model));
        pipe_info(ctx, "predict_seconds", seconds);
    }
    pipe_nn_classes_free(&classes);
    pipe_nn_rows_free(&d);
    pipe_nn_saved_free(&s);
    return rc;
}
