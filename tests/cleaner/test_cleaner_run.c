/*
 * test_cleaner_run.c — the cleaner stage through `pipe run`: the exact
 * per-reason counts on both real files (checked with --expect), the log
 * lines, and parameter errors with their file:line:column.
 */
#include "stage_run.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static const char *const pipeline_text =
    "pipeline: clean_test\n"
    "stages:\n"
    "  - id: load\n"
    "    plugin: loader\n"
    "    params: {path: \"${PIPE_SHARED_DATA}/dielectron_1k_damaged.csv\"}\n"
    "  - id: clean\n"
    "    plugin: cleaner\n"
    "    params:\n"
    "      physics_check: true\n"
    "      ranges: {M: [2, 110]}\n";

static const char *const sample[] = {"load.path=${PIPE_SHARED_DATA}/dielectron_sample.csv", NULL};
static const char *const sample_opposite[] = {"load.path=${PIPE_SHARED_DATA}/dielectron_sample.csv",
                                              "clean.charge=opposite", NULL};

static pipe_test_result run_pipeline(const char *text, const char *expect, const char *const *sets)
{
    return stage_run(text, expect, sets, NULL, 0);
}

Test(cleaner_run, damaged_file_exact_counts_per_reason)
{
    free(pipe_test_shared_file("dielectron_1k_damaged.csv"));
    pipe_test_result r = run_pipeline(pipeline_text,
                                      "{\"clean.rows_in\": 1000, \"clean.rows_out\": 987,"
                                      " \"clean.dropped.nan\": 9,"
                                      " \"clean.dropped.energy_below_momentum\": 2,"
                                      " \"clean.dropped.mass_mismatch\": 2,"
                                      " \"clean.dropped.range.M\": 0,"
                                      " \"clean.dropped.charge\": 0}",
                                      NULL);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert(strstr(r.err, "[clean] dropped 9 rows with a NaN (in any kept column)\n"), "%s",
              r.err);
    cr_assert(strstr(r.err, "[clean] dropped 2 rows with an energy below its momentum"), "%s",
              r.err);
    cr_assert(strstr(r.err, "[clean] dropped 2 rows whose M contradicts the four-momenta"), "%s",
              r.err);
    cr_assert(strstr(r.err, "[clean] dropped 0 rows with M outside [2, 110]\n"), "%s", r.err);
    cr_assert(strstr(r.err, "[clean] kept 987 of 1000 rows\n"), "%s", r.err);
    pipe_test_result_free(&r);
}

Test(cleaner_run, expectations_that_are_wrong_fail)
{
    free(pipe_test_shared_file("dielectron_1k_damaged.csv"));
    pipe_test_result r = run_pipeline(pipeline_text, "{\"clean.dropped.nan\": 8}", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "metric 'clean.dropped.nan' = 9, expected 8"), "%s", r.err);
    pipe_test_result_free(&r);
}

Test(cleaner_run, genuine_sample_and_charge_selection)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    pipe_test_result r = run_pipeline(pipeline_text,
                                      "{\"clean.rows_in\": 1288, \"clean.rows_out\": 1288,"
                                      " \"clean.dropped.nan\": 0,"
                                      " \"clean.dropped.energy_below_momentum\": 0,"
                                      " \"clean.dropped.mass_mismatch\": 0}",
                                      sample);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    pipe_test_result_free(&r);
    /* Counted with awk: 733 opposite-sign and 555 same-sign pairs. */
    r = run_pipeline(pipeline_text, "{\"clean.rows_out\": 733, \"clean.dropped.charge\": 555}",
                     sample_opposite);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert(strstr(r.err, "same-sign pairs\n"), "%s", r.err);
    pipe_test_result_free(&r);
}

Test(cleaner_run, range_error_points_at_the_bad_bound)
{
    stage_run_fails("  - id: clean\n"
                    "    plugin: cleaner\n"
                    "    params:\n"
                    "      ranges: {M: [2, abc]}\n",
                    NULL, 2,
                    "/p.yaml:9:23: stage 'clean': parameter 'ranges': range of 'M': "
                    "expected a number for max, found 'abc'");
}

Test(cleaner_run, dropna_all_must_stand_alone)
{
    stage_run_fails("  - id: clean\n"
                    "    plugin: cleaner\n"
                    "    params: {dropna: [all, E1]}\n",
                    NULL, 2,
                    "/p.yaml:8:22: stage 'clean': parameter 'dropna': 'all' must stand "
                    "alone (dropna: all), found it in a list of 2 names");
}

Test(cleaner_run, a_missing_column_is_named)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    stage_run_fails("  - id: clean\n"
                    "    plugin: cleaner\n"
                    "    params: {drop_columns: [px1, pt]}\n",
                    NULL, 1,
                    "stage 'clean': no column 'pt' in the table (did you mean 'pt1'?); its "
                    "columns are Run, Event, E1, px1, py1, pz1, pt1,");
}

Test(cleaner_run, validation_checks_names_against_the_loaded_columns)
{
    /* the loader's columns parameter tells validation the table's columns,
     * so a typo is refused before any file is read */
    pipe_test_result r = stage_run("pipeline: stage_test\n"
                                   "stages:\n"
                                   "  - id: load\n"
                                   "    plugin: loader\n"
                                   "    params: {path: never_read.csv, columns: [E1, px1, M]}\n"
                                   "  - id: clean\n"
                                   "    plugin: cleaner\n"
                                   "    params: {dropna: [Mm], drop_columns: [px2]}\n",
                                   NULL, NULL, NULL, 0);
    cr_assert_eq(r.status, 2, "stderr: %s", r.err);
    size_t lines = 0;
    for (const char *c = r.err; *c; c++)
        lines += *c == '\n';
    cr_assert_eq(lines, 2, "%s", r.err);
    cr_assert(strstr(r.err, "/p.yaml:8:23: stage 'clean': parameter 'dropna': input 'table' "
                            "(tensor 'table' from stage 'load') has no column 'Mm' (did you mean "
                            "'M'?)\n"),
              "%s", r.err);
    cr_assert(strstr(r.err, "/p.yaml:8:43: stage 'clean': parameter 'drop_columns': input 'table' "
                            "(tensor 'table' from stage 'load') has no column 'px2' (did you "
                            "mean 'px1'?)\n"),
              "%s", r.err);
    pipe_test_result_free(&r);
}
