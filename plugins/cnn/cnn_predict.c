/*
 * cnn_predict.c — the cnn stage's predict mode: load a model file written
 * by a train run, check that the images have the shape it was trained on,
 * and predict every image.
 */
#include "cnn.h"

#include <stdio.h>
#include <string.h>

/* The images' shape as the model file writes it ("3x2x3", or "14"). */
static void shape_text(const int chw[3], char *buf, size_t size)
{
    if (chw[1] == 1 && chw[2] == 1)
        snprintf(buf, size, "%d", chw[0]);
    else
        snprintf(buf, size, "%dx%dx%d", chw[0], chw[1], chw[2]);
}

static int predict_with(pipe_ctx *ctx, const pipe_nn_st_file *file, const char *path)
{
    char err[512], have[48];
    pipe_nn_model *m = pipe_nn_model_load(file, CNN_PREDICT_BATCH, err, sizeof err);
    if (!m)
        return pipe_param_error(ctx, "model", "'%s': %s", path, err);
    cnn_data d = {0};
    int rc = cnn_data_images(ctx, &d);
    const char *want = pipe_nn_st_meta_get(file, "pipe.inputs");
    shape_text(d.chw, have, sizeof have);
    if (rc == 0 && strcmp(want, have) != 0)
        rc = pipe_error(ctx, "the model '%s' takes images of %s, x '%s' holds images of %s", path,
                        want, pipe_input_name(ctx, "x"), have);
    const char *head = pipe_nn_st_meta_get(file, "head");
    int multi = head && strcmp(head, "multiclass") == 0;
    if (rc == 0)
        rc = pipe_nn_stage_check_head_ports(ctx, multi);
    if (rc == 0 && multi)
        rc = pipe_nn_stage_saved_classes(ctx, file, m, &d.classes);
    double start = pipe_seconds();
    if (rc == 0)
        rc = multi ? pipe_nn_stage_publish_classes(ctx, m, &d.rows, &d.classes)
                   : pipe_nn_stage_publish_predictions(ctx, m, &d.rows);
    if (rc == 0)
        rc = pipe_nn_stage_publish_saved_threshold(ctx, file);
    double seconds = pipe_seconds() - start;
    if (rc == 0) {
        pipe_metric(ctx, "rows", (double)d.rows.rows);
        pipe_metric(ctx, "params", (double)pipe_nn_model_param_count(m));
        pipe_info(ctx, "predict_seconds", seconds);
        pipe_log(ctx, "predicted %lld images with the model '%s'", (long long)d.rows.rows, path);
    }
    cnn_data_free(&d);
    pipe_nn_model_free(m);
    return rc;
}

int cnn_predict(pipe_ctx *ctx)
{
    if (pipe_nn_stage_check_predict_ports(ctx) != 0)
        return -1;
    const char *path = pipe_param_string(ctx, "model");
    char err[512];
    pipe_nn_st_file *file = pipe_nn_st_read(path, err, sizeof err);
    if (!file)
        return pipe_param_error(ctx, "model", "%s", err);
    int rc = predict_with(ctx, file, path);
    pipe_nn_st_free(file);
    return rc;
}
