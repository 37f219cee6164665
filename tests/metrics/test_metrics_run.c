/*
 * test_metrics_run.c — the metrics stage through `pipe run`: the canonical
 * pipelines/analytic_mass.yaml on both real files (MAE of the analytic
 * mass at the 6-digit rounding floor, below 1e-3 GeV), the predictions
 * CSV, and the part/split check.
 */
#include "stage_run.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Run pipelines/analytic_mass.yaml with its expectations and overrides. */
static pipe_test_result run_analytic(const char *expect_file, const char *const *sets, char *out,
                                     size_t out_size)
{
    char *dir = pipe_test_tmpdir();
    snprintf(out, out_size, "%s/out", dir);
    const char *args[16] = {"run",      "pipelines/analytic_mass.yaml", "--out", out, "--expect",
                            expect_file};
    int n = 6;
    for (size_t i = 0; sets && sets[i]; i++) {
        args[n++] = "--set";
        args[n++] = sets[i];
    }
    args[n] = NULL;
    pipe_test_result r = pipe_test_run(args);
    free(dir);
    return r;
}

static int count_lines(const char *text)
{
    int lines = 0;
    for (const char *c = text; *c; c++)
        lines += *c == '\n';
    return lines;
}

Test(metrics_run, analytic_mass_on_the_sample)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    if (access("data/dielectron.csv", R_OK) == 0)
        cr_skip_test("data/dielectron.csv is present: the pipeline reads it, not the sample");
    char out[4096];
    pipe_test_result r = run_analytic("pipelines/expect/analytic_mass.json", NULL, out, sizeof out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "[metrics] 1288 rows: MAE 0.000528887,"), "%s", r.err);
    char path[4200];
    snprintf(path, sizeof path, "%s/predictions.csv", out);
    char *csv = pipe_test_read_file(path, NULL);
    cr_assert_not_null(csv, "no %s", path);
    cr_assert_eq(strncmp(csv, "true,pred,abs_error\n44.0819,44.07994595,0.001954049517\n", 55), 0,
                 "%.120s", csv);
    cr_assert_eq(count_lines(csv), 1289);
    free(csv);
    pipe_test_result_free(&r);
}

Test(metrics_run, analytic_mass_on_the_damaged_file_after_cleaning)
{
    free(pipe_test_shared_file("dielectron_1k_damaged.csv"));
    /* Measured independently (Python): MAE 5.5963393204e-4 over the 987
     * rows left; the cleaner drops exactly the 13 damaged ones. */
    char *dir = pipe_test_tmpdir();
    char *expect = pipe_test_write_file(
        dir, "expect.json",
        "{\"clean.rows_out\": 987, \"clean.dropped.nan\": 9,"
        " \"clean.dropped.energy_below_momentum\": 2, \"clean.dropped.mass_mismatch\": 2,"
        " \"metrics.count\": 987, \"metrics.mae\": {\"value\": 5.5963393204e-4, \"abs\": 1e-12},"
        " \"metrics.mass_bins.80-100.count\": 46}");
    const char *const sets[] = {"load.path=${PIPE_SHARED_DATA}/dielectron_1k_damaged.csv", NULL};
    char out[4096];
    pipe_test_result r = run_analytic(expect, sets, out, sizeof out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    pipe_test_result_free(&r);
    /* The shipped expectations hold on this file too. */
    r = run_analytic("pipelines/expect/analytic_mass.json", sets, out, sizeof out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    pipe_test_result_free(&r);
    free(expect);
    free(dir);
}

Test(metrics_run, without_the_physics_check_the_damage_shows)
{
    free(pipe_test_shared_file("dielectron_1k_damaged.csv"));
    const char *const sets[] = {"load.path=${PIPE_SHARED_DATA}/dielectron_1k_damaged.csv",
                                "clean.physics_check=false", NULL};
    char out[4096];
    pipe_test_result r = run_analytic("pipelines/expect/analytic_mass.json", sets, out, sizeof out);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "metric 'metrics.mae' = 1.29537585, expected 0.00055 ± 0.00045"), "%s",
              r.err);
    pipe_test_result_free(&r);
}

/* A features stage giving pred (E1) and true (M), and a metrics stage
 * whose params line follows (line 13). */
#define EVAL_STAGES                                                                                \
    "  - id: f\n"                                                                                  \
    "    plugin: features\n"                                                                       \
    "    params: {columns: [E1], target: M}\n"                                                     \
    "    outputs: {table: e1, target: m}\n"                                                        \
    "  - id: eval\n"                                                                               \
    "    plugin: metrics\n"                                                                        \
    "    inputs: {pred: e1, true: m}\n"

Test(metrics_run, a_part_needs_a_split)
{
    stage_run_fails(EVAL_STAGES "    params: {part: val}\n", NULL, 2,
                    "/p.yaml:13:20: stage 'eval': parameter 'part': is 'val' but there is "
                    "no split input (map inputs: {split: ...}, or write part: all)");
}

Test(metrics_run, bins_must_increase)
{
    stage_run_fails(EVAL_STAGES "    params: {bins: [2, 12, 5]}\n", NULL, 2,
                    "stage 'eval': parameter 'bins': bin edges must increase: edge 3 (5) is not "
                    "above edge 2 (12)");
}
