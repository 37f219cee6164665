/*
 * stage_run.h — running a pipeline file written by a test through the
 * pipe executable, shared by the loader and writer stage tests.
 */
#ifndef PIPE_TEST_STAGE_RUN_H
#define PIPE_TEST_STAGE_RUN_H

#include "test_support.h"

typedef pipe_test_pipeline stage_run;

/* Write `yaml` to <dir>/p.yaml (dir: a new temp dir when NULL) and run
 * `pipe run p.yaml --out <dir>/out` (with --quiet when `quiet`), or
 * `pipe validate p.yaml` when command is "validate". */
stage_run stage_run_yaml(const char *command, const char *yaml, const char *dir, int quiet);
#define stage_run_free pipe_test_pipeline_free
#define stage_run_output pipe_test_pipeline_output

#endif
