/*
 * cnn_train.c — the cnn stage's train mode: images and targets read, the
 * layer stack shape-checked and built, trained by the shared fit of the
 * network stages (nn_stage.h: progress, history, metrics, timings), then
 * predictions for every image and the model file.
 */
#include "cnn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* x must have the declared input_shape, when there is one. */
static int check_input_shape(pipe_ctx *ctx, const cnn_data *d)
{
    if (pipe_param_count(ctx, "input_shape") != 3)
        return 0;
    int want[3];
    for (int i = 0; i < 3; i++)
        want[i] = (int)pipe_param_int_at(ctx, "input_shape", (size_t)i);
    if (memcmp(want, d->chw, sizeof want) == 0)
        return 0;
    return pipe_param_error(
        ctx, "input_shape", "is [%d, %d, %d], but the images x '%s' are %d x %d x %d", want[0],
        want[1], want[2], pipe_input_name(ctx, "x"), d->chw[0], d->chw[1], d->chw[2]);
}

static int build_and_train(pipe_ctx *ctx, const cnn_data *d, const cnn_stack *stack)
{
    cnn_config cfg;
    cnn_config_read(ctx, &cfg);
    int max_batch = cfg.fit.batch > CNN_PREDICT_BATCH ? cfg.fit.batch : CNN_PREDICT_BATCH;
    char err[512], shapes[1024];
    pipe_nn_memory_plan plan = {{d->chw[0], d->chw[1], d->chw[2]},
                                stack->specs,
                                stack->n,
                                max_batch,
                                d->rows.n_out,
                                &cfg.fit,
                                &d->rows};
    if (pipe_nn_stage_check_memory(ctx, "layers", &plan) != 0)
        return -1;
    pipe_nn_model *m = pipe_nn_model_new_chw(d->chw, stack->specs, stack->n, &cfg.loss, max_batch,
                                             err, sizeof err);
    if (!m)
        return pipe_error(ctx, "cannot build the network: %s", err);
    pipe_nn_model_init(m, pipe_ctx_rng(ctx), cfg.init);
    cnn_stack_describe(stack, d->chw, shapes, sizeof shapes);
    pipe_log(ctx,
             "training %s (%zu parameters) on %lld images, validating on %lld, up to %d epochs "
             "of batch %d",
             shapes, pipe_nn_model_param_count(m), (long long)d->rows.n_train,
             (long long)d->rows.n_val, cfg.fit.epochs, cfg.fit.batch);
    int rc = pipe_nn_stage_fit(ctx, m, &cfg.optim, &cfg.fit, &d->rows);
    double threshold = NAN;
    if (rc == 0 && d->classes.k)
        rc = pipe_nn_stage_publish_classes(ctx, m, &d->rows, &d->classes);
    else if (rc == 0 && cnn_is_classifier(ctx))
        rc = pipe_nn_stage_publish_binary(ctx, m, &d->rows, &threshold);
    else if (rc == 0)
        rc = pipe_nn_stage_publish_predictions(ctx, m, &d->rows);
    const char *save = pipe_param_string(ctx, "save");
    if (rc == 0)
        rc = pipe_nn_stage_save_network(ctx, m, &d->rows, save, "cnn", &d->classes, threshold,
                                        d->chw);
    pipe_nn_model_free(m);
    return rc;
}

int cnn_train(pipe_ctx *ctx)
{
    cnn_data d = {0};
    cnn_stack stack = {0};
    int rc = cnn_data_images(ctx, &d);
    if (rc == 0)
        rc = check_input_shape(ctx, &d);
    if (rc == 0)
        rc = cnn_data_target_and_split(ctx, &d);
    if (rc == 0)
        rc = cnn_stack_read(ctx, d.rows.n_out, &stack);
    if (rc == 0)
        rc = cnn_stack_check_shapes(ctx, &stack, d.chw, "the shape of x");
    if (rc == 0)
        rc = build_and_train(ctx, &d, &stack);
    cnn_stack_free(&stack);
    cnn_data_free(&d);
    return rc;
}
