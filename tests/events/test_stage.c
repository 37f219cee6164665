/*
 * test_stage.c — the events stage run by the pipe executable: the classes
 * and counts it reports, that a seed repeats a run, and its parameter
 * errors with their exact text and location.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static const char *const GEN = "pipeline: ev\n"
                               "seed: 42\n"
                               "stages:\n"
                               "  - id: gen\n"
                               "    plugin: events\n"
                               "    params: {events: 2000, processes: [wjets, dy, jpsi]}\n";

static const char *const ARGS[] = {"--plugin-path", PIPE_PLUGIN_BUILD_DIR, "--quiet", NULL};

Test(stage, classes_counts_and_repeatability)
{
    pipe_test_pipeline a = pipe_test_pipeline_run("run", GEN, NULL, ARGS);
    pipe_test_pipeline b = pipe_test_pipeline_run("run", GEN, NULL, ARGS);
    cr_assert_eq(a.r.status, 0, "%s", a.r.err);
    char *ma = pipe_test_pipeline_output(&a, "metrics.json");
    char *mb = pipe_test_pipeline_output(&b, "metrics.json");
    cr_assert(strstr(ma, "\"classes\": {\n      \"0\": \"wjets\",\n      \"1\": \"dy\",\n"
                         "      \"2\": \"jpsi\"\n    }"),
              "%s", ma);
    cr_assert(strstr(ma, "\"jpsi\": 666"), "%s", ma);
    cr_assert(strstr(ma, "\"wjets\": 667"), "%s", ma);
    cr_assert_str_eq(ma, mb);
    free(ma);
    free(mb);
    pipe_test_pipeline_free(&a);
    pipe_test_pipeline_free(&b);
}

/* Run the events stage `gen` with the parameter lines `params` (from line
 * 5 of the file) and expect exit status 2 with the error "<file>:" + want. */
static void expect_error(const char *params, const char *want)
{
    char yaml[1024], full[4096];
    snprintf(yaml, sizeof yaml, "pipeline: ev\nstages:\n  - id: gen\n    plugin: events\n%s",
             params);
    pipe_test_pipeline p = pipe_test_pipeline_run("run", yaml, NULL, ARGS);
    snprintf(full, sizeof full, "%s:%s", p.yaml, want);
    cr_assert_eq(p.r.status, 2, "%s", p.r.err);
    cr_assert_str_eq(p.r.err, full);
    pipe_test_pipeline_free(&p);
}

Test(stage, an_unknown_process_points_at_its_list_item)
{
    expect_error("    params: {processes: [dy, wjet, ttbar]}\n",
                 "5:30: stage 'gen': parameter 'processes': expected a process (dy, wjets, ttbar, "
                 "ttbar_ljets, ttbar_dilep, higgs, higgs_zz4l, higgs_ww2l2nu, jpsi), found 'wjet' "
                 "(did you mean 'wjets'?)\n");
}

Test(stage, a_repeated_process_is_an_error)
{
    expect_error("    params:\n      processes: [dy, higgs, dy]\n",
                 "6:18: stage 'gen': parameter 'processes': expected each process once, found "
                 "'dy' twice\n");
}

Test(stage, an_energy_outside_the_choices_is_an_error)
{
    expect_error(
        "    params: {sqrt_s: 14}\n",
        "5:22: stage 'gen': parameter 'sqrt_s': expected one of 7, 8, 13, 13.6, found '14'\n");
}
