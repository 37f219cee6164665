/*
 * rows.h — the rows the metrics stage evaluates: the predictions, true
 * values and masses of the rows of the chosen part, gathered from the
 * stage's input tensors. Internal to the metrics plugin.
 */
#ifndef PIPE_METRICS_ROWS_H
#define PIPE_METRICS_ROWS_H

#include <pipe/pipe.h>
#include <stdint.h>

/* Models compared by one metrics stage: pred, pred2, ... */
#define METRICS_MAX_MODELS 4

/* What a metrics stage evaluates. */
typedef enum metrics_kind {
    METRICS_REGRESSION,
    METRICS_CLASSIFICATION,
    METRICS_MULTICLASS,
} metrics_kind;

/* The `kind` parameter when given; else multiclass when pred is a table
 * of 2 or more columns (class probabilities), else regression. */
metrics_kind metrics_kind_of(pipe_ctx *ctx);

typedef struct metrics_rows {
    int64_t n, k;                         /* rows; values per row (K for multiclass, else 1) */
    double *pred, *truth, *mass;          /* malloc'd; mass NULL without the mass input */
    double *more[METRICS_MAX_MODELS - 1]; /* pred2, pred3, pred4; NULL when not mapped */
    double *weight;                       /* the weight input's rows; NULL when not mapped */
} metrics_rows;

/* The input port of model i (0: "pred", 1: "pred2", ...). */
const char *metrics_pred_port(int i);

/* Gather the rows of the part chosen by the `part` parameter: n values of
 * pred and each model, or with kind multiclass n rows of the K class
 * probabilities (K the columns of pred, the same for every model).
 * Returns 0, or -1 with the error reported. Free with metrics_rows_free. */
int metrics_rows_gather(pipe_ctx *ctx, metrics_kind kind, metrics_rows *rows);
void metrics_rows_free(metrics_rows *rows);

/* Write the predictions CSV `name` in the output directory: true, pred,
 * abs_error; with K > 1 values per row true, predicted (the argmax) and
 * the probabilities under the K `classes` names. Returns 0, or -1 with
 * the error reported. */
int metrics_rows_write(pipe_ctx *ctx, const metrics_rows *rows, const char *const *classes,
                       const char *name);

#endif
