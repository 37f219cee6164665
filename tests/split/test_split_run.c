/*
 * test_split_run.c — the split stage through `pipe run` on the real
 * sample: exact counts, stratified class counts in the log, and errors.
 */
#include "stage_run.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static const char *const pipeline_text =
    "pipeline: split_test\n"
    "stages:\n"
    "  - id: load\n"
    "    plugin: loader\n"
    "    params: {path: \"${PIPE_SHARED_DATA}/dielectron_sample.csv\"}\n"
    "  - id: split\n"
    "    plugin: split\n"
    "    params:\n"
    "      fractions: [0.7, 0.2, 0.1]\n";

Test(split_run, counts_of_the_sample)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    /* 1288 rows: 901.6, 257.6, 128.8 -> 901 257 128, the two rows left to
     * test (.8) and train (.6, tied with val, goes to the earlier part). */
    pipe_test_result r =
        stage_run(pipeline_text, "{\"split.train\": 902, \"split.val\": 257, \"split.test\": 129}",
                  NULL, NULL, 0);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "[split] 1288 rows: 902 train, 257 val, 129 test\n"), "%s", r.err);
    pipe_test_result_free(&r);
}

Test(split_run, stratified_by_charge)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    /* Q1 = -1 on 654 rows, +1 on 634 (counted with awk). */
    const char *const sets[] = {"split.stratify=Q1", NULL};
    pipe_test_result r = stage_run(pipeline_text,
                                   "{\"split.train\": 902, \"split.val\": 257, \"split.test\": "
                                   "129, \"split.classes\": 2}",
                                   sets, NULL, 0);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "[split] class -1: 654 rows: 458 train, 131 val, 65 test\n"), "%s",
              r.err);
    cr_assert(strstr(r.err, "[split] class 1: 634 rows: 444 train, 126 val, 64 test\n"), "%s",
              r.err);
    pipe_test_result_free(&r);
}

Test(split_run, fractions_must_sum_to_one)
{
    stage_run_fails("  - id: split\n"
                    "    plugin: split\n"
                    "    params: {fractions: [0.7, 0.2, 0.2]}\n",
                    NULL, 2,
                    "/p.yaml:8:25: stage 'split': parameter 'fractions': fractions [0.7, "
                    "0.2, 0.2] sum to 1.1, expected 1 (within 1e-09)");
}

Test(split_run, unknown_stratify_column)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    stage_run_fails("  - id: split\n"
                    "    plugin: split\n"
                    "    params: {stratify: Q}\n",
                    NULL, 1,
                    "/p.yaml:8:24: stage 'split': parameter 'stratify': no column 'Q' in "
                    "the table (did you mean 'Q1'?); its columns are Run, Event, E1");
}

Test(split_run, a_small_part_is_warned_about)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    /* 1288 x (0.85, 0.148, 0.002) = 1094.8, 190.6, 2.6: the two rows left go
     * to train and val (largest remainders), 2 test rows (the README sample) */
    const char *const sets[] = {"split.fractions=[0.85, 0.148, 0.002]", NULL};
    pipe_test_result r = stage_run(pipeline_text, NULL, sets, NULL, 0);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "[split] 1288 rows: 1095 train, 191 val, 2 test\n"
                            "[split] warning: the test part has only 2 rows (fewer than 30): "
                            "figures computed on it are not reliable\n"),
              "%s", r.err);
    pipe_test_result_free(&r);
}
