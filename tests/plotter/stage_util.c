/*
 * stage_util.c — running pipelines for the plotter stage tests. See
 * stage_util.h.
 */
#include "stage_util.h"

#include <stdio.h>
#include <stdlib.h>

/* The pipeline file of the last run: tests are single-threaded. */
static char last_pipeline[4096];

const char *stage_fixture(const char *params)
{
    static char text[1024];
    snprintf(text, sizeof text,
             "  - id: fix\n"
             "    plugin: plotfix\n"
             "    params: %s\n"
             "    outputs: {pred: pred, true: true, history: history, score: score, "
             "score2: score2, label: label, table: table, metrics: metrics, images: images, "
             "split: split, proba: proba, class3: class3, predicted3: predicted3, threshold: "
             "threshold}\n",
             params);
    return text;
}

pipe_test_result stage_run_yaml(const char *yaml, char *out_dir, size_t out_size)
{
    char *dir = pipe_test_tmpdir();
    char *file = pipe_test_write_file(dir, "pipeline.yaml", yaml);
    snprintf(last_pipeline, sizeof last_pipeline, "%s", file);
    char out[4096];
    snprintf(out, sizeof out, "%s/out", dir);
    if (out_dir)
        snprintf(out_dir, out_size, "%s", out);
    const char *args[] = {"run",     file, "--out", out, "--plugin-path", PLOTTER_TEST_PLUGIN_DIR,
                          "--quiet", NULL};
    pipe_test_result r = pipe_test_run(args);
    free(file);
    free(dir);
    return r;
}

const char *stage_last_pipeline(void)
{
    return last_pipeline;
}
