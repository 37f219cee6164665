/*
 * models.c — the models one metrics stage compares (pred, pred2, ...),
 * shared by regression and classification: their count and the checks of
 * the ports and `names`, their names and key prefixes, and the comparison
 * table. See models.h.
 */
#include "models.h"

#include <stdio.h>
#include <string.h>

int metrics_model_count(const pipe_ctx *ctx)
{
    int n = 1;
    while (n < METRICS_MAX_MODELS && pipe_input_name(ctx, metrics_pred_port(n)))
        n++;
    return n;
}

int metrics_models_check(pipe_ctx *ctx)
{
    int n = metrics_model_count(ctx), status = 0;
    for (int i = n; i < METRICS_MAX_MODELS; i++)
        if (pipe_input_name(ctx, metrics_pred_port(i)))
            status = pipe_error(ctx,
                                "input '%s' is mapped but '%s' is not: map the models in "
                                "order (pred, pred2, ...)",
                                metrics_pred_port(i), metrics_pred_port(i - 1));
    size_t names = pipe_param_count(ctx, "names");
    char ports[64] = "";
    for (int i = 0; i < n; i++)
        snprintf(ports + strlen(ports), sizeof ports - strlen(ports), "%s%s", i ? ", " : "",
                 metrics_pred_port(i));
    if (names && names != (size_t)n)
        status = pipe_param_error(ctx, "names", "has %zu names for %d model%s (%s)", names, n,
                                  n > 1 ? "s" : "", ports);
    return status;
}

/* Model i's name: from `names`, else its tensor; dots become '_' (they
 * would nest the metric keys). */
static void model_name(pipe_ctx *ctx, int i, char *buf, size_t size)
{
    int named = pipe_param_count(ctx, "names") > 0;
    snprintf(buf, size, "%s",
             named ? pipe_param_string_at(ctx, "names", (size_t)i)
                   : pipe_input_name(ctx, metrics_pred_port(i)));
    for (char *c = buf; *c; c++)
        if (*c == '.')
            *c = '_';
}

void metrics_models_init(pipe_ctx *ctx, const metrics_rows *rows, metrics_models *models)
{
    *models = (metrics_models){.n = metrics_model_count(ctx)};
    for (int i = 0; i < models->n; i++) {
        model_name(ctx, i, models->name[i], sizeof models->name[i]);
        snprintf(models->prefix[i], sizeof models->prefix[i], "%.63s%s",
                 models->n > 1 ? models->name[i] : "", models->n > 1 ? "." : "");
        models->pred[i] = i ? rows->more[i - 1] : rows->pred;
    }
}

void metrics_metric(pipe_ctx *ctx, const char *prefix, const char *key, double value)
{
    char full[160];
    snprintf(full, sizeof full, "%s%s", prefix, key);
    pipe_metric(ctx, full, value);
}

int metrics_publish_comparison(pipe_ctx *ctx, const char *const *columns, int n_cols,
                               const double *values, int n_models)
{
    pipe_tensor *t = pipe_tensor_new2(PIPE_F64, n_models, n_cols);
    if (!t || pipe_tensor_set_columns(t, columns, n_cols) != 0) {
        pipe_tensor_release(t);
        return pipe_error(ctx, "out of memory");
    }
    memcpy(t->data, values, (size_t)n_models * (size_t)n_cols * sizeof *values);
    return pipe_output(ctx, "comparison", t);
}
