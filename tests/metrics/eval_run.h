/*
 * eval_run.h — running one metrics stage through `pipe run` on a small
 * table worked out by hand, for the end-to-end tests of the metrics
 * stage's regression and classification.
 */
#ifndef METRICS_EVAL_RUN_H
#define METRICS_EVAL_RUN_H

#include "test_support.h"

/* Run a pipeline that loads `rows_csv` (columns y, alpha, beta) as the
 * rank-1 tensors y, alpha and beta and a one-row table t = 0.3 as the
 * tensor t (lines 1-31), then the stage `eval` whose lines after its id
 * are `eval` (from line 32), checked against the JSON `expect` (or NULL).
 * Free with pipe_test_pipeline_free. */
pipe_test_pipeline metrics_eval_run(const char *rows_csv, const char *eval, const char *expect);

/* Run as metrics_eval_run without expectations and assert that pipe exits
 * with `status` and prints `message` on stderr. */
void metrics_eval_fails(const char *rows_csv, const char *eval, int status, const char *message);

#endif
