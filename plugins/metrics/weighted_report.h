/*
 * weighted_report.h — the metrics stage's weighted metrics (input
 * "weight"): for every model, regression, binary or multi-class
 * metrics with each row weighted (metrics_weighted.h) under the keys
 * weighted.*. Internal to the metrics plugin.
 */
#ifndef PIPE_METRICS_WEIGHTED_REPORT_H
#define PIPE_METRICS_WEIGHTED_REPORT_H

#include "rows.h"

#include <pipe/pipe.h>

/* The weighted metrics of the gathered rows (rows->weight set). 0, or -1
 * (reported). */
int metrics_weighted_report(pipe_ctx *ctx, metrics_kind kind, const metrics_rows *rows);

#endif
