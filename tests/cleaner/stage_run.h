/*
 * stage_run.h — running a pipeline given as text through `pipe run`, for
 * the end-to-end tests of the data stages (cleaner, split, scaler,
 * features, metrics).
 */
#ifndef STAGE_RUN_H
#define STAGE_RUN_H

#include "test_support.h"

#include <stddef.h>

/* Write `text` to a fresh folder as p.yaml and run it with its
 * results in <folder>/out (copied into out_dir when not NULL), checked
 * against the JSON `expect` (or NULL), with the NULL-terminated --set
 * overrides `sets` (or NULL). Free the result with pipe_test_result_free. */
pipe_test_result stage_run(const char *text, const char *expect, const char *const *sets,
                           char *out_dir, size_t out_size);

/* Run a pipeline made of a loader stage reading the real sample (lines 1
 * to 5) followed by `stages` (from line 6), with the --set overrides
 * `sets` (or NULL), and assert that it exits with `status` and prints
 * `message` on stderr. */
void stage_run_fails(const char *stages, const char *const *sets, int status, const char *message);

#endif
