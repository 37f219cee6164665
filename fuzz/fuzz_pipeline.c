/*
 * fuzz_pipeline.c — libFuzzer target: a pipeline file through the YAML
 * reader, the structure checks and the whole validation (plugin lookup,
 * every stage's parameters against its declarations, port maps, each
 * plugin's own check()), with the plugins of the build. Nothing may
 * crash, leak, hang or take unbounded memory.
 */
#include "core.h"
#include "fuzz_util.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef PIPE_FUZZ_PLUGIN_DIR
#define PIPE_FUZZ_PLUGIN_DIR "plugins"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The plugins stay loaded from one input to the next, as in one run that
 * validates many files: dlopen is not what is being fuzzed. */
static pipe_registry registry;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dirs[] = {PIPE_FUZZ_PLUGIN_DIR};
    pipe_registry_init(&registry, dirs, 1);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = pipe_fuzz_file(data, size, path, sizeof path);
    if (fd < 0)
        return 0;
    pipe_pipeline *p = pipe_pipeline_load(path);
    if (p) {
        pipe_run_options opts;
        memset(&opts, 0, sizeof opts);
        opts.validate_only = 1;
        opts.quiet = 1;
        pipe_run_state run;
        memset(&run, 0, sizeof run);
        run.pipeline = p;
        run.opts = &opts;
        run.threads = 1;
        run.out_dir = "/nonexistent/fuzz";
        pipe_store_init(&run.store);
        pipe_plan plan;
        memset(&plan, 0, sizeof plan);
        pipe_plan_build(&plan, &run, &registry);
        pipe_plan_free(&plan);
        pipe_store_free(&run.store);
        pipe_metrics_free(&run.metrics);
        pipe_metrics_free(&run.info);
        pipe_pipeline_free(p);
    }
    close(fd);
    return 0;
}
