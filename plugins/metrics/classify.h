/*
 * classify.h — the classification part of the metrics stage: up to
 * METRICS_MAX_MODELS scores (pred, pred2, ...) evaluated against the same
 * true classes at the fixed threshold and at each model's tuned one, the
 * comparison table and the ROC curves. Internal to the metrics plugin.
 */
#ifndef PIPE_METRICS_CLASSIFY_H
#define PIPE_METRICS_CLASSIFY_H

#include "rows.h"

#include <pipe/pipe.h>

/* Check the ports only classification uses (threshold, threshold2, ...,
 * the roc output): in order, and not used by a regression. 0 or -1
 * (reported). The models themselves are checked by models.c. */
int metrics_classify_check(pipe_ctx *ctx);

/* Evaluate every mapped score on the gathered rows, set the metrics and
 * publish the roc and comparison outputs when wanted. 0 or -1 (reported). */
int metrics_classify_report(pipe_ctx *ctx, const metrics_rows *rows);

#endif
