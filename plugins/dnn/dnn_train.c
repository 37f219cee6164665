/*
 * dnn_train.c — the `dnn` stage's train mode: inputs to training data,
 * the network built from the parameters, the epoch loop (with progress,
 * history and metrics, by the stage helpers), then predictions for every
 * row and the model file.
 */
#include "dnn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "14-128-64-32-1" into buf. */
static void shape_text(const dnn_config *cfg, int n_in, char *buf, size_t size)
{
    size_t len = (size_t)snprintf(buf, size, "%d", n_in);
    for (int i = 0; i < cfg->n_layers && len < size; i++)
        if (cfg->layers[i].kind == PIPE_NN_DENSE)
            len += (size_t)snprintf(buf + len, size - len, "-%d", cfg->layers[i].units);
}

int dnn_check_memory(pipe_ctx *ctx, const dnn_config *cfg, int n_in, int n_out,
                     const pipe_nn_rows *d)
{
    int batch = cfg->fit.batch > DNN_PREDICT_BATCH ? cfg->fit.batch : DNN_PREDICT_BATCH;
    pipe_nn_memory_plan plan = {
        {n_in, 1, 1}, cfg->layers, cfg->n_layers, batch, n_out, &cfg->fit, d};
    return pipe_nn_stage_check_memory(ctx, "layers", &plan);
}

/* Build, train and publish; d and cfg are read. */
static int fit_and_publish(pipe_ctx *ctx, pipe_nn_rows *d, const pipe_nn_classes *c,
                           dnn_config *cfg)
{
    char err[512], shape[256];
    int max_batch = cfg->fit.batch > DNN_PREDICT_BATCH ? cfg->fit.batch : DNN_PREDICT_BATCH;
    if (dnn_check_memory(ctx, cfg, d->n_in, d->n_out, d) != 0)
        return -1;
    pipe_nn_model *m = pipe_nn_model_new(d->n_in, cfg->layers, cfg->n_layers, &cfg->loss, max_batch,
                                         err, sizeof err);
    if (!m)
        return pipe_error(ctx, "cannot build the network: %s", err);
    pipe_nn_model_init(m, pipe_ctx_rng(ctx), cfg->init);
    shape_text(cfg, d->n_in, shape, sizeof shape);
    pipe_log(ctx,
             "training %s (%zu parameters) on %lld rows, validating on %lld, up to %d "
             "epochs of batch %d",
             shape, pipe_nn_model_param_count(m), (long long)d->n_train, (long long)d->n_val,
             cfg->fit.epochs, cfg->fit.batch);
    int rc = pipe_nn_stage_fit(ctx, m, &cfg->optim, &cfg->fit, d);
    double threshold = NAN;
    if (rc == 0 && c->k)
        rc = pipe_nn_stage_publish_classes(ctx, m, d, c);
    else if (rc == 0 && cfg->loss.kind == PIPE_NN_BCE && d->n_out == 1)
        rc = pipe_nn_stage_publish_binary(ctx, m, d, &threshold);
    else if (rc == 0)
        rc = pipe_nn_stage_publish_predictions(ctx, m, d);
    const char *save = pipe_param_string(ctx, "save");
    if (rc == 0)
        rc = pipe_nn_stage_save_network(ctx, m, d, save, "dnn", c, threshold, NULL);
    pipe_nn_model_free(m);
    return rc;
}

/* Rows, target, split and checks, then the configuration. */
static int read_inputs(pipe_ctx *ctx, const char *const *names, size_t n_names, pipe_nn_rows *d,
                       pipe_nn_classes *c, dnn_config *cfg)
{
    const pipe_tensor *x = pipe_input(ctx, "x");
    const char *target = pipe_param_string(ctx, "target");
    if (!names && target[0] && x->columns && pipe_tensor_column(x, target) >= 0)
        return pipe_param_error(ctx, "features",
                                "is all, and x '%s' holds the target column '%s': the network "
                                "would see the answer; list the features to use",
                                pipe_input_name(ctx, "x"), target);
    if (pipe_nn_stage_features(ctx, x, names, n_names, "features", d) != 0 ||
        pipe_nn_stage_target(ctx, 0, d) != 0 || pipe_nn_stage_split(ctx, d) != 0 ||
        (dnn_is_multiclass(ctx) && pipe_nn_stage_class_targets(ctx, d, c) != 0) ||
        (dnn_is_binary(ctx) && pipe_nn_stage_binary_targets(ctx, d) != 0) ||
        pipe_nn_stage_row_weights(ctx, d, NULL) != 0 || pipe_nn_stage_check_finite(ctx, d) != 0 ||
        pipe_nn_stage_check_scaler(ctx, x, d) != 0)
        return -1;
    return dnn_config_read(ctx, d->n_out, cfg);
}

int dnn_train(pipe_ctx *ctx)
{
    size_t n_names;
    const char **names = pipe_nn_stage_names(ctx, "features", &n_names);
    if (!names && n_names == 0)
        return -1;
    pipe_nn_rows d = {0};
    dnn_config cfg = {0};
    pipe_nn_classes classes = {0};
    int rc = read_inputs(ctx, names, n_names, &d, &classes, &cfg);
    if (rc == 0)
        rc = fit_and_publish(ctx, &d, &classes, &cfg);
    pipe_nn_classes_free(&classes);
    dnn_config_free(&cfg);
    pipe_nn_rows_free(&d);
    free(names);
    return rc;
}
