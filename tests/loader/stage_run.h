/*
 * stage_run.h — running a pipeline file written by a test through the
 * pipe executable, shared by the loader and writer stage tests.
 */
#ifndef PIPE_TEST_STAGE_RUN_H
#define PIPE_TEST_STAGE_RUN_H

#include "test_support.h"

/* One run: its temp dir, pipeline file, output dir and result. */
typedef struct stage_run {
    char *dir, *yaml, *out;
    pipe_test_result r;
} stage_run;

/* Write `yaml` to <dir>/p.yaml (dir: a new temp dir when NULL) and run
 * `pipe run p.yaml --out <dir>/out` (with --quiet when `quiet`), or
 * `pipe validate p.yaml` when command is "validate". */
stage_run stage_run_yaml(const char *command, const char *yaml, const char *dir, int quiet);
void stage_run_free(stage_run *s);
/* The text of a file of the output dir (malloc'd); fails the test when
 * it is missing. */
char *stage_run_output(const stage_run *s, const char *name);

#endif
