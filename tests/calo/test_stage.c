/*
 * test_stage.c — the calo stage run by the pipe executable: its outputs
 * and metrics, that a seed repeats metrics.json byte for byte, and its
 * parameter errors with their exact text and location.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const plugin_path[] = {"--plugin-path", PIPE_PLUGIN_BUILD_DIR, NULL};

static const char *const GEN = "pipeline: gen\n"
                               "seed: 9\n"
                               "stages:\n"
                               "  - id: calo\n"
                               "    plugin: calo\n"
                               "    params: {candidates: 600, pileup: 25}\n"
                               "    outputs: {images: images, label: label, table: cand}\n";

Test(stage, metrics_repeat_and_count)
{
    pipe_test_pipeline a = pipe_test_pipeline_run("run", GEN, NULL, plugin_path);
    pipe_test_pipeline b = pipe_test_pipeline_run("run", GEN, NULL, plugin_path);
    cr_assert_eq(a.r.status, 0, "%s", a.r.err);
    cr_assert_eq(b.r.status, 0, "%s", b.r.err);
    char *ma = pipe_test_pipeline_output(&a, "metrics.json");
    char *mb = pipe_test_pipeline_output(&b, "metrics.json");
    cr_assert_str_eq(ma, mb);
    cr_assert(strstr(ma, "\"candidates\": 600"), "%s", ma);
    cr_assert(strstr(ma, "\"isolated\": 300"), "%s", ma);
    cr_assert(strstr(ma, "\"mean_pileup\": 2"), "%s", ma);
    char *run = pipe_test_pipeline_output(&a, "run.json");
    cr_assert(strstr(run, "\"candidates_per_second\": "), "%s", run);
    free(ma);
    free(mb);
    free(run);
    pipe_test_pipeline_free(&a);
    pipe_test_pipeline_free(&b);
}

Test(stage, another_seed_other_candidates)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml, "%s", GEN);
    memcpy(strstr(yaml, "seed: 9"), "seed: 8", 7);
    pipe_test_pipeline a = pipe_test_pipeline_run("run", GEN, NULL, plugin_path);
    pipe_test_pipeline b = pipe_test_pipeline_run("run", yaml, NULL, plugin_path);
    cr_assert_eq(b.r.status, 0, "%s", b.r.err);
    char *ma = pipe_test_pipeline_output(&a, "metrics.json");
    char *mb = pipe_test_pipeline_output(&b, "metrics.json");
    cr_assert(strcmp(ma, mb) != 0);
    free(ma);
    free(mb);
    pipe_test_pipeline_free(&a);
    pipe_test_pipeline_free(&b);
}

/* `pipe validate` of one calo stage with `params`; its stderr must be
 * `want` after "<file>:". */
static void expect_error(const char *params, const char *want)
{
    char yaml[1024], full[2048];
    snprintf(yaml, sizeof yaml,
             "pipeline: bad\n"
             "stages:\n"
             "  - id: gen\n"
             "    plugin: calo\n"
             "    params: %s\n",
             params);
    pipe_test_pipeline p = pipe_test_pipeline_run("validate", yaml, NULL, plugin_path);
    snprintf(full, sizeof full, "%s:%s", p.yaml, want);
    cr_assert_neq(p.r.status, 0);
    cr_assert_str_eq(p.r.err, full);
    pipe_test_pipeline_free(&p);
}

Test(stage, et_window_error_points_at_et_max)
{
    expect_error("{et_min: 50, et_max: 40}",
                 "5:34: stage 'gen': parameter 'et_max': expected et_max above et_min, found "
                 "et_min 50 GeV, et_max 40 GeV\n");
}

Test(stage, size_needs_two_values)
{
    expect_error("{size: [32, 32, 32]}",
                 "5:20: stage 'gen': parameter 'size': expected [eta crystals, phi crystals], "
                 "found 3 values\n");
}

Test(stage, hcal_needs_whole_towers)
{
    expect_error("{hcal: true}", "5:20: stage 'gen': parameter 'hcal': expected a window of "
                                 "whole HCAL towers (5 x 5 crystals each) with hcal: true, "
                                 "found 32 x 32 crystals\n");
}

Test(stage, size_beyond_64_is_refused)
{
    expect_error("{size: [32, 65]}",
                 "5:25: stage 'gen': parameter 'size': 65 is out of range [4, 64]\n");
}
