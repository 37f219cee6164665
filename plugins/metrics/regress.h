/*
 * regress.h — the regression part of the metrics stage: up to
 * METRICS_MAX_MODELS predictions (pred, pred2, ...) evaluated against the
 * same true values, the MAE per mass bin and the comparison table.
 * Internal to the metrics plugin.
 */
#ifndef PIPE_METRICS_REGRESS_H
#define PIPE_METRICS_REGRESS_H

#include "rows.h"

#include <pipe/pipe.h>
#include <stddef.h>

/* The `bins` parameter's edges (malloc'd, *n of them), checked. NULL
 * after a reported parameter error. */
double *metrics_read_edges(pipe_ctx *ctx, size_t *n);

/* "80" or "2p5": a bin edge as a metric key part (dots would nest). */
void metrics_edge_key(double edge, char *buf, size_t size);

/* Evaluate every mapped prediction on the gathered rows, set the metrics
 * (under each model's name when there are several) and publish the
 * comparison output when wanted. 0 or -1 (reported). */
int metrics_regress_report(pipe_ctx *ctx, const metrics_rows *rows);

#endif
