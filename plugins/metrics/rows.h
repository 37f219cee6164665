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

typedef struct metrics_rows {
    int64_t n;
    double *pred, *truth, *mass;          /* malloc'd; mass NULL without the mass input */
    double *more[METRICS_MAX_MODELS - 1]; /* pred2, pred3, pred4; NULL when not mapped */
} metrics_rows;

/* The input port of model i (0: "pred", 1: "pred2", ...). */
const char *metrics_pred_port(int i);

/* Gather the rows of the part chosen by the `part` parameter. Returns 0,
 * or -1 with the error reported. Free with metrics_rows_free. */
int metrics_rows_gather(pipe_ctx *ctx, metrics_rows *rows);
void metrics_rows_free(metrics_rows *rows);

/* Write the predictions CSV `name` (true, pred, abs_error) in the output
 * directory. Returns 0, or -1 with the error reported. */
int metrics_rows_write(pipe_ctx *ctx, const metrics_rows *rows, const char *name);

#endif
