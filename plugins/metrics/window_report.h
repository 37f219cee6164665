/*
 * window_report.h — the metrics stage's kind: windows: the rows of pred
 * (predicted classes, or class probabilities) grouped by closed windows
 * of the mass input (parameter windows: [lo, hi, lo, hi, ...]), and in
 * each window the count and fraction of rows of each predicted class.
 * Needs no true values: it describes where a model puts unlabelled (real)
 * events. Internal to the metrics plugin.
 */
#ifndef PIPE_METRICS_WINDOW_REPORT_H
#define PIPE_METRICS_WINDOW_REPORT_H

#include <pipe/pipe.h>

/* Nonzero when the stage's kind is windows. */
int metrics_is_windows(const pipe_ctx *ctx);

/* The checks that need no data: windows only with kind: windows, and then
 * valid pairs, the mass input mapped, neither true, split nor pred2..4;
 * every other kind needs true. 0 or -1 (every error reported). */
int metrics_windows_check(pipe_ctx *ctx);

/* Count the rows of every window by predicted class and set the metrics:
 * count, windows.<lo>-<hi>.count, and per class
 * windows.<lo>-<hi>.<class>.count and .fraction (of the window's rows;
 * no fraction for an empty window). 0 or -1 (reported). */
int metrics_windows_report(pipe_ctx *ctx);

#endif
