/*
 * test_loader_stage.c — the loader stage through `pipe run`: the first
 * existing candidate path is read and the choice logged, errors name the
 * pipeline file position (params) or the CSV's own line and column (rows),
 * malformed rows are skipped and counted on request, metrics.json counts;
 * a directory is refused on `path`, a non-finite value is located (or kept
 * and counted), blank fields are counted per column, and `threads: 2`
 * parses a large file on two threads.
 */
#include "stage_run.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What one loader pipeline did. */
typedef struct loader_run {
    stage_run s;
    char *metrics; /* metrics.json, or NULL when not written */
} loader_run;

/* Run (or validate) in `dir` a pipeline of one loader stage whose params
 * are the `params` lines (each indented by 6 spaces, each "%s" replaced
 * by dir). */
static loader_run run_loader(const char *command, const char *params, const char *dir)
{
    char yaml[4096], expanded[2048];
    snprintf(expanded, sizeof expanded, params, dir, dir, dir);
    snprintf(yaml, sizeof yaml,
             "pipeline: t\n"
             "stages:\n"
             "  - id: load\n"
             "    plugin: loader\n"
             "    params:\n"
             "%s",
             expanded);
    loader_run run;
    run.s = stage_run_yaml(command, yaml, dir, 0);
    char path[600];
    snprintf(path, sizeof path, "%s/metrics.json", run.s.out);
    run.metrics = pipe_test_read_file(path, NULL);
    return run;
}

static void free_run(loader_run *run)
{
    stage_run_free(&run->s);
    free(run->metrics);
}

static void expect_metric(const loader_run *run, const char *key_value)
{
    cr_assert_not_null(run->metrics, "no metrics.json; stderr:\n%s", run->s.r.err);
    cr_assert_not_null(strstr(run->metrics, key_value), "metrics.json lacks %s:\n%s", key_value,
                       run->metrics);
}

/* stderr holds the line `text` (printf format with one %s: `arg`). */
static void expect_in_stderr(const loader_run *run, const char *text, const char *arg)
{
    char line[2048];
    snprintf(line, sizeof line, text, arg);
    cr_assert_not_null(strstr(run->s.r.err, line), "stderr lacks '%s':\n%s", line, run->s.r.err);
}

/* The loader on <dir>/<name> holding `content` (dir: a new temp dir),
 * with the extra params lines `extra`. */
static loader_run run_csv(const char *name, const char *content, const char *extra, char **dir)
{
    *dir = pipe_test_tmpdir();
    free(pipe_test_write_file(*dir, name, content));
    char params[1024];
    snprintf(params, sizeof params, "      path: %%s/%s\n%s", name, extra);
    return run_loader("run", params, *dir);
}

/* The loader on <dir>/bad.csv, whose line 3 has 'x' in column b. */
static loader_run run_bad_csv(const char *extra, char **dir)
{
    return run_csv("bad.csv", "a,b\n1,2\n3,x\n5,6\n", extra, dir);
}

/* The run read <dir>/<name>, then failed with the stage error `error`
 * (which names the file as "%s/<name>"); frees the run and dir. */
static void expect_read_then_error(loader_run *run, char *dir, const char *name, const char *error)
{
    char message[1024], want[2048];
    snprintf(message, sizeof message, error, dir);
    snprintf(want, sizeof want,
             "[load] reading %s/%s (candidate 1 of 1)\n"
             "stage 'load': %s\n"
             "pipe: stage 'load' (loader) failed; the run stops here\n",
             dir, name, message);
    cr_assert_eq(run->s.r.status, 1);
    cr_assert_str_eq(run->s.r.err, want);
    free_run(run);
    free(dir);
}

/* The sample as the loader's path, with the extra params lines. */
static loader_run run_sample(const char *path_line, const char *extra, char **sample)
{
    *sample = pipe_test_shared_file("dielectron_sample.csv");
    char params[1024];
    snprintf(params, sizeof params, path_line, *sample);
    strncat(params, extra, sizeof params - strlen(params) - 1);
    char *dir = pipe_test_tmpdir();
    loader_run run = run_loader("run", params, dir);
    free(dir);
    return run;
}

Test(loader_stage, first_existing_candidate_is_read_and_logged)
{
    char *sample;
    loader_run run = run_sample("      path: [%%s/none.csv, %s]\n", "", &sample);
    cr_assert_eq(run.s.r.status, 0, "stderr:\n%s", run.s.r.err);
    expect_in_stderr(&run, "[load] reading %s (candidate 2 of 2)\n", sample);
    expect_metric(&run, "\"rows\": 1288");
    expect_metric(&run, "\"columns\": 19");
    expect_metric(&run, "\"rows_skipped\": 0");
    free_run(&run);
    free(sample);
}

/* The run failed with the error `message` on the `path` parameter (at
 * line 6, column 13 of the pipeline file); frees the run. */
static void expect_path_error(loader_run *run, const char *message)
{
    char want[2048];
    snprintf(want, sizeof want,
             "%s:6:13: stage 'load': parameter 'path': %s\n"
             "pipe: stage 'load' (loader) failed; the run stops here\n",
             run->s.yaml, message);
    cr_assert_eq(run->s.r.status, 1);
    cr_assert_str_eq(run->s.r.err, want);
    free_run(run);
}

Test(loader_stage, no_candidate_exists)
{
    char *dir = pipe_test_tmpdir();
    loader_run run = run_loader("run", "      path: [%s/a.csv, \"%s/b.csv\"]\n", dir);
    char message[1024];
    snprintf(message, sizeof message,
             "none of the 2 candidate files exists: %s/a.csv (No such file or directory); "
             "%s/b.csv (No such file or directory)",
             dir, dir);
    expect_path_error(&run, message);
    free(dir);
}

Test(loader_stage, missing_column_points_at_the_pipeline_item)
{
    char *sample;
    loader_run run = run_sample("      path: %s\n", "      columns: [E1, pz3, M]\n", &sample);
    char want[2048];
    snprintf(want, sizeof want,
             "[load] reading %s (candidate 1 of 1)\n"
             "%s:7:21: stage 'load': parameter 'columns': %s:1:1: no column 'pz3' in the header "
             "(did you mean 'pz1'?); the columns are: Run, Event, E1, px1, py1, pz1, pt1, eta1, "
             "phi1, Q1, E2, px2, py2, pz2, pt2, eta2, phi2, Q2, M\n"
             "pipe: stage 'load' (loader) failed; the run stops here\n",
             sample, run.s.yaml, sample);
    cr_assert_eq(run.s.r.status, 1);
    cr_assert_str_eq(run.s.r.err, want);
    free_run(&run);
    free(sample);
}

Test(loader_stage, malformed_row_names_the_csv_line_and_column)
{
    char *dir;
    loader_run run = run_bad_csv("", &dir);
    expect_read_then_error(&run, dir, "bad.csv",
                           "%s/bad.csv:3:3: column 'b': expected a number, found 'x'");
}

Test(loader_stage, skipped_rows_are_counted_and_reported)
{
    char *dir;
    loader_run run = run_bad_csv("      on_bad_row: skip\n", &dir);
    cr_assert_eq(run.s.r.status, 0, "stderr:\n%s", run.s.r.err);
    expect_in_stderr(&run,
                     "[load] warning: skipped 1 malformed row (on_bad_row: skip); the first: "
                     "%s/bad.csv:3:3: column 'b': expected a number, found 'x'\n",
                     dir);
    expect_metric(&run, "\"rows\": 2");
    expect_metric(&run, "\"rows_skipped\": 1");
    free_run(&run);
    free(dir);
}

Test(loader_stage, bad_delimiter_fails_validation)
{
    char *dir = pipe_test_tmpdir();
    loader_run run = run_loader("validate", "      path: x.csv\n      delimiter: \";;\"\n", dir);
    char want[1024];
    snprintf(want, sizeof want,
             "%s:7:18: stage 'load': parameter 'delimiter': expected one character (not a quote "
             "or a line end) or \"tab\", found \";;\"\n",
             run.s.yaml);
    cr_assert_eq(run.s.r.status, 2);
    cr_assert_str_eq(run.s.r.err, want);
    free_run(&run);
    free(dir);
}

Test(loader_stage, max_rows_and_columns)
{
    char *sample;
    loader_run run = run_sample("      path: %s\n",
                                "      max_rows: 10\n      columns: [\"px1 \", M]\n"
                                "      delimiter: \",\"\n",
                                &sample);
    cr_assert_eq(run.s.r.status, 0, "stderr:\n%s", run.s.r.err);
    expect_metric(&run, "\"rows\": 10");
    expect_metric(&run, "\"columns\": 2");
    free_run(&run);
    free(sample);
}

Test(loader_stage, a_directory_is_not_a_csv_file)
{
    char *dir = pipe_test_tmpdir();
    char message[1024];
    loader_run run = run_loader("run", "      path: %s\n", dir);
    snprintf(message, sizeof message, "'%s' is a directory, expected a CSV file", dir);
    expect_path_error(&run, message);
    run = run_loader("run", "      path: [%s, %s/none.csv]\n", dir);
    snprintf(message, sizeof message,
             "none of the 2 candidates is a CSV file that exists (expected a file, not a "
             "directory): %s (a directory); %s/none.csv (No such file or directory)",
             dir, dir);
    expect_path_error(&run, message);
    free(dir);
}

/* The loader on <dir>/inf.csv, whose data row 5 (line 6) has inf in
 * column b, with the extra params lines `extra`. */
static loader_run run_inf_csv(const char *extra, char **dir)
{
    return run_csv("inf.csv", "a,b\n1,2\n3,4\n5,\n7,8\n9,inf\n11,1e999\n", extra, dir);
}

Test(loader_stage, a_non_finite_value_is_located_in_the_file)
{
    char *dir;
    loader_run run = run_inf_csv("", &dir);
    expect_read_then_error(&run, dir, "inf.csv",
                           "%s/inf.csv:6:3: column 'b': expected a finite number, found 'inf' "
                           "(non_finite: error; blank fields are read as NaN)");
}

Test(loader_stage, kept_non_finite_values_and_blank_fields_are_counted)
{
    char *dir;
    loader_run run = run_inf_csv("      non_finite: keep\n", &dir);
    cr_assert_eq(run.s.r.status, 0, "stderr:\n%s", run.s.r.err);
    expect_in_stderr(&run, "[load] warning: read 1 blank field as NaN (b: 1)\n", NULL);
    expect_in_stderr(&run,
                     "[load] warning: kept 2 non-finite values (non_finite: keep) (b: 2); the "
                     "first: %s/inf.csv:6:3: column 'b': expected a finite number, found 'inf'\n",
                     dir);
    expect_metric(&run, "\"rows\": 6");
    expect_metric(&run, "\"blank_fields\": 1");
    expect_metric(&run, "\"non_finite\": 2");
    free_run(&run);
    free(dir);
}

Test(loader_stage, blank_fields_of_the_damaged_file_are_counted_per_column)
{
    char *sample = pipe_test_shared_file("dielectron_1k_damaged.csv");
    char params[1024];
    snprintf(params, sizeof params, "      path: %s\n", sample);
    char *dir = pipe_test_tmpdir();
    loader_run run = run_loader("run", params, dir);
    cr_assert_eq(run.s.r.status, 0, "stderr:\n%s", run.s.r.err);
    expect_in_stderr(&run, "[load] warning: read 9 blank fields as NaN (E1: 9)\n", NULL);
    expect_metric(&run, "\"blank_fields\": 9");
    expect_metric(&run, "\"non_finite\": 0");
    free_run(&run);
    free(sample);
    free(dir);
}

Test(loader_stage, threads_2_parses_a_large_file_on_two_threads)
{
    char *dir = pipe_test_tmpdir();
    size_t rows = 150000, size = 0;
    char *text = malloc(rows * 16 + 16);
    cr_assert_not_null(text);
    size += (size_t)sprintf(text, "i,x\n");
    for (size_t i = 0; i < rows; i++)
        size += (size_t)sprintf(text + size, "%zu,%zu.5\n", i, i % 1000);
    free(pipe_test_write_file(dir, "big.csv", text)); /* over 1 MB */
    free(text);
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "pipeline: t\nthreads: 2\nstages:\n  - id: load\n    plugin: loader\n"
             "    params:\n      path: %s/big.csv\n",
             dir);
    loader_run run = {stage_run_yaml("run", yaml, dir, 0), NULL};
    cr_assert_eq(run.s.r.status, 0, "stderr:\n%s", run.s.r.err);
    char want[600];
    snprintf(want, sizeof want, "[load] loaded 150000 rows x 2 columns from %s/big.csv in ", dir);
    expect_in_stderr(&run, "%s", want);
    cr_assert_not_null(strstr(run.s.r.err, " ms on 2 threads\n"), "%s", run.s.r.err);
    free_run(&run);
    free(dir);
}
