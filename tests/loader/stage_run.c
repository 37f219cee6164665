/*
 * stage_run.c — see stage_run.h: the loader and writer tests' names for
 * tests/support's pipeline runner.
 */
#include "stage_run.h"

stage_run stage_run_yaml(const char *command, const char *yaml, const char *dir, int quiet)
{
    const char *const quiet_args[] = {"--quiet", NULL};
    return pipe_test_pipeline_run(command, yaml, dir,
                                  quiet && command[0] == 'r' ? quiet_args : NULL);
}
