/*
 * cls_predict.c — the classifier's predict mode: a model file written by
 * a train run is loaded, the raw rows of x are scaled with the scaling
 * saved in it and its features picked by name (the core's stage helpers,
 * nn_stage.h), every row is scored, and the saved threshold decides; a
 * multi-class model gives the class probabilities and the argmax, named
 * by the classes saved with it.
 */
#include "classifier.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The kind a train run saved, and whether the model is multi-class. 0,
 * or -1 (reported). */
static int saved_kind(pipe_ctx *ctx, const pipe_nn_saved *s, const char **kind, int *multi)
{
    const char *stage = pipe_nn_st_meta_get(s->file, "stage");
    const char *head = pipe_nn_st_meta_get(s->file, "head");
    *kind = pipe_nn_st_meta_get(s->file, "kind");
    *multi = head && strcmp(head, "multiclass") == 0;
    if (!stage || strcmp(stage, "classifier") != 0 || !*kind)
        return pipe_param_error(ctx, "model",
                                "'%s' is not a classifier model: its metadata lacks stage = "
                                "\"classifier\" or kind (stage is %s)",
                                pipe_param_string(ctx, "model"), stage ? stage : "missing");
    return cls_check_head_ports(ctx, *multi);
}

/* The threshold a binary model saved; 0, or -1 (reported). */
static int saved_threshold(pipe_ctx *ctx, const pipe_nn_saved *s, double *threshold)
{
    const char *path = pipe_param_string(ctx, "model");
    const char *text = pipe_nn_st_meta_get(s->file, "threshold");
    char *end = NULL;
    if (!text)
        return pipe_param_error(ctx, "model",
                                "'%s' is not a binary classifier model: its metadata lacks "
                                "threshold",
                                path);
    errno = 0;
    *threshold = strtod(text, &end);
    if (end == text || *end || errno || !isfinite(*threshold))
        return pipe_param_error(ctx, "model", "'%s': its threshold '%s' is not a number", path,
                                text);
    return 0;
}

/* Score every row of r and publish as the saved head says. */
static int publish(pipe_ctx *ctx, const pipe_nn_saved *s, const pipe_nn_rows *r, const char *kind,
                   int multi)
{
    double threshold = 0;
    pipe_nn_classes classes = {0};
    int rc = multi ? pipe_nn_stage_saved_classes(ctx, s->file, s->model, &classes)
                   : saved_threshold(ctx, s, &threshold);
    pipe_tensor *score = rc == 0 && !multi ? pipe_nn_stage_predict_all(ctx, s->model, r) : NULL;
    if (rc == 0 && multi)
        rc = pipe_nn_stage_publish_classes(ctx, s->model, r, &classes);
    else if (rc == 0)
        rc = score ? cls_publish(ctx, score, threshold) : -1;
    if (rc == 0) {
        pipe_metric(ctx, "rows", (double)r->rows);
        pipe_metric_string(ctx, "kind", kind);
        if (!multi)
            pipe_metric(ctx, "threshold", threshold);
        pipe_log(ctx, "%s model: scored %lld rows (%s)", kind, (long long)r->rows,
                 multi ? "multiclass" : "binary");
    }
    pipe_nn_classes_free(&classes);
    return rc;
}

int cls_predict(pipe_ctx *ctx)
{
    if (pipe_nn_stage_check_predict_ports(ctx) != 0)
        return -1;
    pipe_nn_saved s;
    pipe_nn_rows r = {0};
    const char *kind = NULL;
    int multi = 0;
    int rc =
        pipe_nn_stage_load(ctx, pipe_param_string(ctx, "model"), "model", CLS_PREDICT_BATCH, &s);
    if (rc == 0)
        rc = saved_kind(ctx, &s, &kind, &multi);
    if (rc == 0)
        rc = pipe_nn_stage_predict_rows(ctx, pipe_input(ctx, "x"), &s, &r);
    if (rc == 0)
        rc = publish(ctx, &s, &r, kind, multi);
    pipe_nn_rows_free(&r);
    pipe_nn_saved_free(&s);
    return rc;
}
