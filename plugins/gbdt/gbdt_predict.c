/*
 * gbdt_predict.c — mode predict of the `gbdt` stage: read a model file
 * written by mode train, pick its features from x by name, and publish the
 * predictions of every row with the model's task and threshold.
 */
#include "gbdt.h"
#include "nn_stage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole file at `path` (malloc'd), or NULL with err. */
static char *read_file(const char *path, size_t *len, char *err, size_t size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, size, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *grown = realloc(buf, cap *= 2);
            if (!grown)
                free(buf);
            buf = grown;
        }
    }
    int failed = ferror(f);
    fclose(f);
    if (!buf || failed) {
        free(buf);
        snprintf(err, size, "cannot read '%s'", path);
        return NULL;
    }
    *len = n;
    return buf;
}

/* The model at parameter "model", checked to be a gbdt model. */
static pipe_gbdt_model *load(pipe_ctx *ctx, pipe_gbdt_task *task, double *threshold)
{
    const char *path = pipe_param_string(ctx, "model");
    char err[1024], buf[256];
    size_t len = 0;
    pipe_input_file(ctx, path); /* run.json: its size and content hash */
    char *json = read_file(path, &len, err, sizeof err);
    pipe_gbdt_model *m =
        json ? pipe_gbdt_load(json, len, pipe_threads(ctx), err, sizeof err) : NULL;
    free(json);
    if (!m) {
        pipe_param_error(ctx, "model", "%s", err);
        return NULL;
    }
    const char *stage = pipe_gbdt_get_attr(m, GBDT_ATTR_STAGE, buf, sizeof buf);
    if (!stage || strcmp(stage, "gbdt") != 0 ||
        (*task = (pipe_gbdt_task)gbdt_task_parse(
             pipe_gbdt_get_attr(m, GBDT_ATTR_TASK, buf, sizeof buf))) == (pipe_gbdt_task)-1) {
        pipe_param_error(ctx, "model", "'%s' is an XGBoost model without pipe's gbdt metadata",
                         path);
        pipe_gbdt_free(m);
        return NULL;
    }
    const char *t = pipe_gbdt_get_attr(m, GBDT_ATTR_THRESHOLD, buf, sizeof buf);
    *threshold = t ? strtod(t, NULL) : 0.5;
    return m;
}

/* A multiclass model's class names (its attribute), one per output. */
static int saved_classes(pipe_ctx *ctx, pipe_gbdt_model *m, pipe_nn_classes *c)
{
    char buf[4096];
    const char *text = pipe_gbdt_get_attr(m, GBDT_ATTR_CLASSES, buf, sizeof buf);
    size_t n = 0;
    c->names = text ? pipe_nn_names_from_json(text, &n) : NULL;
    c->k = (int)n;
    if (!c->names || c->k != pipe_gbdt_outputs(m))
        return pipe_param_error(ctx, "model",
                                "'%s': a multiclass model without the list of its %d class "
                                "names (%s)",
                                pipe_param_string(ctx, "model"), pipe_gbdt_outputs(m),
                                GBDT_ATTR_CLASSES);
    return 0;
}

/* The outputs mapped must be those of the saved model's task. */
static int check_outputs(pipe_ctx *ctx, pipe_gbdt_task task)
{
    if (task != PIPE_GBDT_MULTICLASS && pipe_output_wanted(ctx, "proba"))
        return pipe_error(ctx, "output 'proba' comes from a multiclass model; this one is %s",
                          gbdt_task_name(task));
    return 0;
}

int gbdt_predict(pipe_ctx *ctx)
{
    if (pipe_nn_stage_check_predict_ports(ctx) != 0)
        return -1;
    pipe_gbdt_task task;
    double threshold;
    pipe_gbdt_model *m = load(ctx, &task, &threshold);
    if (!m)
        return -1;
    pipe_nn_classes classes = {0};
    if (check_outputs(ctx, task) != 0 ||
        (task == PIPE_GBDT_MULTICLASS && saved_classes(ctx, m, &classes) != 0)) {
        pipe_nn_classes_free(&classes);
        pipe_gbdt_free(m);
        return -1;
    }
    int n, k = pipe_gbdt_outputs(m);
    const char *const *names;
    pipe_gbdt_features(m, &n, &names);
    pipe_nn_rows d = {0};
    int status = pipe_nn_stage_features(ctx, pipe_input(ctx, "x"), (const char **)names,
                                        names ? (size_t)n : 0, "model", &d);
    if (status == 0 && d.n_in != n)
        status = pipe_error(ctx, "the model takes %d features, x '%s' has %d columns", n,
                            pipe_input_name(ctx, "x"), d.n_in);
    double *pred = status == 0 ? malloc((size_t)(d.rows * k + 1) * sizeof *pred) : NULL;
    char err[1024];
    if (status == 0 && !pred)
        status = pipe_error(ctx, "out of memory");
    if (status == 0 && pipe_gbdt_predict(m, d.x, d.rows, d.n_in, pred, err, sizeof err) != 0)
        status = pipe_error(ctx, "%s", err);
    pipe_gbdt_free(m);
    if (status == 0) {
        pipe_log(ctx, "%s model: %lld rows predicted", gbdt_task_name(task), (long long)d.rows);
        status = task == PIPE_GBDT_MULTICLASS ? gbdt_publish_classes(ctx, pred, d.rows, &classes)
                                              : gbdt_publish(ctx, task, pred, d.rows, threshold);
        pred = NULL;
    }
    free(pred);
    pipe_nn_classes_free(&classes);
    pipe_nn_rows_free(&d);
    return status;
}
