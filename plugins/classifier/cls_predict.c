/*
 * cls_predict.c — the classifier's predict mode: a model file written by
 * a train run is loaded, the raw rows of x are scaled with the scaling
 * saved in it and its features picked by name (the core's stage helpers,
 * nn_stage.h), every row is scored, and the saved threshold decides.
 */
#include "classifier.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The kind and threshold a train run saved; 0, or -1 (reported). */
static int saved_decision(pipe_ctx *ctx, const pipe_nn_saved *s, const char **kind,
                          double *threshold)
{
    const char *path = pipe_param_string(ctx, "model");
    const char *stage = pipe_nn_st_meta_get(s->file, "stage");
    const char *text = pipe_nn_st_meta_get(s->file, "threshold");
    char *end = NULL;
    *kind = pipe_nn_st_meta_get(s->file, "kind");
    if (!stage || strcmp(stage, "classifier") != 0 || !*kind || !text)
        return pipe_param_error(ctx, "model",
                                "'%s' is not a classifier model: its metadata lacks stage = "
                                "\"classifier\", kind or threshold (stage is %s)",
                                path, stage ? stage : "missing");
    errno = 0;
    *threshold = strtod(text, &end);
    if (end == text || *end || errno || !isfinite(*threshold))
        return pipe_param_error(ctx, "model", "'%s': its threshold '%s' is not a number", path,
                                text);
    return 0;
}

int cls_predict(pipe_ctx *ctx)
{
    if (pipe_nn_stage_check_predict_ports(ctx) != 0)
        return -1;
    pipe_nn_saved s;
    pipe_nn_rows r = {0};
    const char *kind = NULL;
    double threshold = 0;
    int rc =
        pipe_nn_stage_load(ctx, pipe_param_string(ctx, "model"), "model", CLS_PREDICT_BATCH, &s);
    if (rc == 0)
        rc = saved_decision(ctx, &s, &kind, &threshold);
    if (rc == 0)
        rc = pipe_nn_stage_predict_rows(ctx, pipe_input(ctx, "x"), &s, &r);
    pipe_tensor *score = rc == 0 ? pipe_nn_stage_predict_all(ctx, s.model, &r) : NULL;
    if (score) {
        pipe_metric(ctx, "rows", (double)r.rows);
        pipe_metric_string(ctx, "kind", kind);
        pipe_metric(ctx, "threshold", threshold);
        pipe_log(ctx, "%s model: scored %lld rows (threshold %.6g)", kind, (long long)r.rows,
                 threshold);
        rc = cls_publish(ctx, score, threshold);
    } else {
        rc = -1;
    }
    pipe_nn_rows_free(&r);
    pipe_nn_saved_free(&s);
    return rc;
}
