/*
 * test_stage.c — the event_image stage run by the pipe executable on the
 * events stage's table: what it says it draws, the images it reports,
 * and its parameter errors with their exact text and location.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static const char *const ARGS[] = {"--plugin-path", PIPE_PLUGIN_BUILD_DIR, NULL};

Test(stage, events_are_drawn)
{
    pipe_test_pipeline p = pipe_test_pipeline_run("run",
                                                  "pipeline: img\n"
                                                  "seed: 5\n"
                                                  "stages:\n"
                                                  "  - id: gen\n"
                                                  "    plugin: events\n"
                                                  "    params: {events: 50, max_jets: 3}\n"
                                                  "    outputs: {table: events}\n"
                                                  "  - id: draw\n"
                                                  "    plugin: event_image\n"
                                                  "    params: {height: 16, width: 24}\n"
                                                  "    inputs: {table: events}\n",
                                                  NULL, ARGS);
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    cr_assert(strstr(p.r.err, "[draw] drawing 4 lepton and 3 jet slots per event and MET\n"), "%s",
              p.r.err);
    char *m = pipe_test_pipeline_output(&p, "metrics.json");
    cr_assert(strstr(m, "\"draw\": {\n    \"images\": 50\n  }"), "%s", m);
    free(m);
    pipe_test_pipeline_free(&p);
}

Test(stage, radius_bounds_in_the_wrong_order_are_an_error)
{
    pipe_test_pipeline p =
        pipe_test_pipeline_run("run",
                               "pipeline: img\n"
                               "stages:\n"
                               "  - id: gen\n"
                               "    plugin: events\n"
                               "    outputs: {table: events}\n"
                               "  - id: draw\n"
                               "    plugin: event_image\n"
                               "    inputs: {table: events}\n"
                               "    params: {radius_min: 0.5, radius_max: 0.3}\n",
                               NULL, ARGS);
    char want[4096];
    snprintf(want, sizeof want,
             "%s:9:43: stage 'draw': parameter 'radius_max': expected radius_max at least "
             "radius_min, found radius_min 0.5, radius_max 0.3\n",
             p.yaml);
    cr_assert_eq(p.r.status, 2);
    cr_assert_str_eq(p.r.err, want);
    pipe_test_pipeline_free(&p);
}
