/*
 * stage_util.h — running pipelines through `pipe run` for the plotter
 * stage tests, with the synthetic-data stage `plotfix` on the plugin path.
 */
#ifndef PLOTTER_TEST_STAGE_UTIL_H
#define PLOTTER_TEST_STAGE_UTIL_H

#include "test_support.h"

#include <stddef.h>

/* The `plotfix` stage publishing every tensor under its port name
 * (pred, true, history, score, score2, label, table, metrics, images,
 * split, proba, class3, predicted3,
 * threshold), with the given flow-style params ("{}" for none). Returns a
 * static string to paste into a pipeline's stage list. */
const char *stage_fixture(const char *params);

/* Write `yaml` as pipeline.yaml in a fresh folder and run it with its
 * output in <folder>/out (copied into out_dir). Free the result with
 * pipe_test_result_free. */
pipe_test_result stage_run_yaml(const char *yaml, char *out_dir, size_t out_size);

/* The path of the pipeline file of the last stage_run_yaml (for
 * expected messages with file:line:column). */
const char *stage_last_pipeline(void);

#endif
