/*
 * multiclass_report.h — the multi-class part of the metrics stage: up to
 * METRICS_MAX_MODELS tables of class probabilities (pred, pred2, ...)
 * evaluated against the same class indices, their class names, and the
 * model comparison table with each model's size and training time read
 * from the model stages (`stages`). Internal to the metrics plugin.
 */
#ifndef PIPE_METRICS_MULTICLASS_REPORT_H
#define PIPE_METRICS_MULTICLASS_REPORT_H

#include "rows.h"

#include <pipe/pipe.h>

/* Check the parameters only kind multiclass uses (classes, stages): not
 * given with another explicit kind, one stage per model. 0 or -1
 * (reported). */
int metrics_multiclass_check(pipe_ctx *ctx);

/* The k class names: the `classes` parameter, else pred's column names,
 * else class_0, class_1, ... A malloc'd array (free it) of pointers that
 * live until the stage ends; NULL after a reported error. */
const char **metrics_class_names(pipe_ctx *ctx, int64_t k);

/* A class name as a metric key part: dots (which would nest the keys)
 * become '_'. */
void metrics_key_part(const char *name, char *buf, size_t size);

/* Evaluate every mapped probability table on the gathered rows, set the
 * metrics and publish the comparison output when wanted. 0 or -1
 * (reported). */
int metrics_multiclass_report(pipe_ctx *ctx, const metrics_rows *rows, const char *const *classes);

#endif
