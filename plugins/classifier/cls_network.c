/*
 * cls_network.c — the classifier's network: built from the parameters
 * with the shared core (dense layers, batchnorm, dropout, one sigmoid
 * unit, binary cross-entropy fused with it; with head: multiclass K
 * logits, the softmax and the categorical cross-entropy fused with it,
 * the dnn and cnn stages' head) and trained by the core's
 * stage helper (epoch loop with per-row class weights, progress, the
 * history output, metrics of the epoch kept, training time), tracking
 * the accuracy at 0.5 (multiclass: of the argmax).
 */
#include "classifier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "23-256-128-64-1" into buf. */
static void shape_text(const pipe_nn_layer_spec *layers, int n_layers, int n_in, char *buf,
                       size_t size)
{
    size_t len = (size_t)snprintf(buf, size, "%d", n_in);
    for (int i = 0; i < n_layers && len < size; i++)
        if (layers[i].kind == PIPE_NN_DENSE)
            len += (size_t)snprintf(buf + len, size - len, "-%d", layers[i].units);
}

/* Refuse a network that will not fit (rows: NULL in check()). */
static int check_memory(pipe_ctx *ctx, const pipe_nn_layer_spec *layers, int n_layers, int n_in,
                        const pipe_nn_fit_config *fit, const pipe_nn_rows *rows)
{
    int max_batch = fit->batch > CLS_PREDICT_BATCH ? fit->batch : CLS_PREDICT_BATCH;
    pipe_nn_memory_plan plan = {{n_in, 1, 1}, layers, n_layers, max_batch, 1, fit, rows};
    return pipe_nn_stage_check_memory(ctx, "layers", &plan);
}

int cls_check_network_memory(pipe_ctx *ctx)
{
    size_t n_in;
    const char **names = pipe_nn_stage_names(ctx, "features", &n_in);
    if (!names && n_in == 0)
        return -1;
    free(names);
    int n_layers;
    /* K from the classes listed, if any (else binary's one unit: the
     * output layer is a rounding error of the estimate). */
    int k = strcmp(pipe_param_string(ctx, "head"), "multiclass") == 0
                ? (int)pipe_param_count(ctx, "classes")
                : 0;
    pipe_nn_layer_spec *layers = cls_network_layers(ctx, k, &n_layers);
    if (!layers)
        return -1;
    pipe_nn_optim_config optim;
    pipe_nn_fit_config fit;
    pipe_nn_stage_read_training(ctx, &optim, &fit);
    int rc = check_memory(ctx, layers, n_layers, (int)n_in, &fit, NULL);
    free(layers);
    return rc;
}

pipe_nn_model *cls_fit_network(pipe_ctx *ctx, const cls_data *d)
{
    int n_layers;
    pipe_nn_layer_spec *layers = cls_network_layers(ctx, d->classes.k, &n_layers);
    if (!layers)
        return NULL;
    pipe_nn_optim_config optim;
    pipe_nn_fit_config fit;
    pipe_nn_stage_read_training(ctx, &optim, &fit);
    fit.metric = d->classes.k ? PIPE_NN_METRIC_TOP1 : PIPE_NN_METRIC_ACCURACY;
    pipe_nn_loss loss = {.kind = d->classes.k ? PIPE_NN_CCE : PIPE_NN_BCE, .delta = 1};
    char err[512], shape[256];
    int max_batch = fit.batch > CLS_PREDICT_BATCH ? fit.batch : CLS_PREDICT_BATCH;
    if (check_memory(ctx, layers, n_layers, d->r.n_in, &fit, &d->r) != 0) {
        free(layers);
        return NULL;
    }
    pipe_nn_model *m =
        pipe_nn_model_new(d->r.n_in, layers, n_layers, &loss, max_batch, err, sizeof err);
    shape_text(layers, n_layers, d->r.n_in, shape, sizeof shape);
    free(layers);
    if (!m) {
        pipe_error(ctx, "cannot build the network: %s", err);
        return NULL;
    }
    pipe_nn_model_init(m, pipe_ctx_rng(ctx), PIPE_NN_INIT_GLOROT);
    pipe_log(ctx,
             "training %s (%zu parameters) on %lld rows, validating on %lld, up to %d epochs of "
             "batch %d",
             shape, pipe_nn_model_param_count(m), (long long)d->r.n_train, (long long)d->r.n_val,
             fit.epochs, fit.batch);
    if (pipe_nn_stage_fit(ctx, m, &optim, &fit, &d->r) != 0) {
        pipe_nn_model_free(m);
        return NULL;
    }
    return m;
}
