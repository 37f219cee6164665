/*
 * models.h — the models one metrics stage compares, for both kinds: the
 * predictions or scores on pred, pred2, ... (up to METRICS_MAX_MODELS),
 * their names (`names`, else the tensor names), the key prefix that puts
 * each model's metrics under its name when there are several, and the
 * `comparison` output table (one row per model). Internal to the metrics
 * plugin.
 */
#ifndef PIPE_METRICS_MODELS_H
#define PIPE_METRICS_MODELS_H

#include "rows.h"

#include <pipe/pipe.h>
#include <stddef.h>

typedef struct metrics_models {
    int n;                                  /* models mapped: pred and pred2, ... after it */
    char name[METRICS_MAX_MODELS][64];      /* dots replaced by '_' (they would nest keys) */
    char prefix[METRICS_MAX_MODELS][80];    /* "name." with several models, "" with one */
    const double *pred[METRICS_MAX_MODELS]; /* the gathered rows of each model */
} metrics_models;

/* The number of models: pred and the pred2, ... mapped after it. */
int metrics_model_count(const pipe_ctx *ctx);

/* Check that the model ports are mapped in order and that `names` has one
 * name per model. 0, or -1 (every error reported). */
int metrics_models_check(pipe_ctx *ctx);

/* The models of the gathered rows. */
void metrics_models_init(pipe_ctx *ctx, const metrics_rows *rows, metrics_models *models);

/* pipe_metric with the key prefix + key. */
void metrics_metric(pipe_ctx *ctx, const char *prefix, const char *key, double value);

/* Publish the comparison output: n_models rows of n_cols values (row
 * major, in `values`) under the column names. 0, or -1 (reported). */
int metrics_publish_comparison(pipe_ctx *ctx, const char *const *columns, int n_cols,
                               const double *values, int n_models);

#endif
