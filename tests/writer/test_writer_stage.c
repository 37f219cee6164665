/*
 * test_writer_stage.c — the writer stage through `pipe run`: the real
 * sample loaded and written as CSV (shortest round trip and 6 significant
 * digits both give back the published text), read back by the loader in a
 * second pipeline unchanged, written as .npy with the right bytes; column
 * selection, options, and errors with their exact messages.
 */
#include "csv.h"
#include "stage_run.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pipe_tensor *load_csv(const char *path)
{
    char err[1024];
    pipe_tensor *t = pipe_csv_read(path, NULL, NULL, err, sizeof err);
    cr_assert_not_null(t, "%s", err);
    return t;
}

/* The sample's text with its header's "px1 " written "px1". */
static char *sample_text_trimmed(const char *sample)
{
    char *text = pipe_test_read_file(sample, NULL);
    char *space = strstr(text, "px1 ,");
    cr_assert_not_null(space);
    memmove(space + 3, space + 4, strlen(space + 4) + 1);
    return text;
}

static const char *const ROUND_TRIP = "pipeline: rt\n"
                                      "stages:\n"
                                      "  - id: load\n"
                                      "    plugin: loader\n"
                                      "    params: {path: \"%s\"}\n"
                                      "    outputs: {table: events}\n"
                                      "  - id: save\n"
                                      "    plugin: writer\n"
                                      "    inputs: {table: events}\n"
                                      "  - id: save_npy\n"
                                      "    plugin: writer\n"
                                      "    inputs: {table: events}\n"
                                      "    params: {path: events.npy}\n"
                                      "  - id: save_cms\n"
                                      "    plugin: writer\n"
                                      "    inputs: {table: events}\n"
                                      "    params: {path: cms.csv, precision: 6}\n";

/* No file but these is in the output folder (no temporary leftovers);
 * with `all`, each of them is. */
static void expect_only_files(const char *dir, const char *const *names, size_t n, int all)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "no folder %s", dir);
    size_t found = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
            continue;
        int known = 0;
        for (size_t i = 0; i < n; i++)
            known |= strcmp(e->d_name, names[i]) == 0;
        cr_assert(known, "unexpected file %s in %s", e->d_name, dir);
        found++;
    }
    closedir(d);
    if (all)
        cr_assert_eq(found, n);
}

/* The ROUND_TRIP pipeline on `input`; it must succeed. */
static stage_run run_round_trip(const char *input)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml, ROUND_TRIP, input);
    stage_run s = stage_run_yaml("run", yaml, NULL, 1);
    cr_assert_eq(s.r.status, 0, "stderr:\n%s", s.r.err);
    return s;
}

Test(writer_stage, sample_written_as_csv_reads_back_unchanged)
{
    char *sample = pipe_test_shared_file("dielectron_sample.csv");
    stage_run s = run_round_trip(sample);
    char *expected = sample_text_trimmed(sample);
    char *shortest = stage_run_output(&s, "events.csv");
    char *cms = stage_run_output(&s, "cms.csv");
    cr_assert(strcmp(shortest, expected) == 0, "events.csv differs from the published text");
    cr_assert(strcmp(cms, expected) == 0, "cms.csv (precision 6) differs from the published text");
    const char *names[] = {"events.csv", "events.npy", "cms.csv", "metrics.json", "run.json"};
    expect_only_files(s.out, names, 5, 1);
    char *metrics = stage_run_output(&s, "metrics.json");
    cr_assert_not_null(strstr(metrics, "\"file\": \"events.npy\""), "%s", metrics);

    /* A second pipeline: the loader reads the writer's CSV, the writer
       writes it again; every double is the same as the original's. */
    char path[1024];
    snprintf(path, sizeof path, "%s/events.csv", s.out);
    stage_run again = run_round_trip(path);
    char *rewritten = stage_run_output(&again, "events.csv");
    cr_assert(strcmp(rewritten, expected) == 0);
    snprintf(path, sizeof path, "%s/events.csv", again.out);
    pipe_tensor *original = load_csv(sample), *back = load_csv(path);
    cr_assert_eq(back->shape[0], original->shape[0]);
    cr_assert_eq(back->shape[1], original->shape[1]);
    cr_assert_eq(memcmp(back->data, original->data, (size_t)pipe_tensor_count(back) * 8), 0);
    pipe_tensor_release(original);
    pipe_tensor_release(back);
    free(rewritten);
    stage_run_free(&again);
    free(metrics);
    free(cms);
    free(shortest);
    free(expected);
    stage_run_free(&s);
    free(sample);
}

Test(writer_stage, npy_holds_the_loaded_table)
{
    char *sample = pipe_test_shared_file("dielectron_sample.csv");
    stage_run s = run_round_trip(sample);
    char path[1024];
    snprintf(path, sizeof path, "%s/events.npy", s.out);
    size_t size;
    unsigned char *b = (unsigned char *)pipe_test_read_file(path, &size);
    cr_assert_not_null(b);
    const char dict[] = "{'descr': '<f8', 'fortran_order': False, 'shape': (1288, 19), }";
    cr_assert_eq(memcmp(b, "\x93NUMPY\x01\x00", 8), 0);
    size_t offset = 10 + ((size_t)b[8] | (size_t)b[9] << 8);
    cr_assert_eq(offset, 128);
    cr_assert_eq(memcmp(b + 10, dict, sizeof dict - 1), 0, "header: %.60s", (char *)b + 10);
    cr_assert_eq(b[offset - 1], '\n');
    pipe_tensor *original = load_csv(sample);
    cr_assert_eq(size, offset + 1288 * 19 * 8);
    cr_assert_eq(memcmp(b + offset, original->data, 1288 * 19 * 8), 0);
    pipe_tensor_release(original);
    free(b);
    stage_run_free(&s);
    free(sample);
}

/* Load <dir>/in.csv holding `csv` and write it with the writer params
 * `params` (a YAML flow map). */
static stage_run write_small(const char *csv, const char *params)
{
    char *dir = pipe_test_tmpdir();
    free(pipe_test_write_file(dir, "in.csv", csv));
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "pipeline: small\n"
             "stages:\n"
             "  - id: load\n"
             "    plugin: loader\n"
             "    params: {path: %s/in.csv}\n"
             "  - id: save\n"
             "    plugin: writer\n"
             "    params: %s\n",
             dir, params);
    stage_run s = stage_run_yaml("run", yaml, dir, 1);
    free(dir);
    return s;
}

Test(writer_stage, selected_columns_tab_no_header)
{
    stage_run s = write_small("a,b,c\n1,2.5,3\n4,,6\n",
                              "{path: part.tsv, columns: [c, b], delimiter: tab, header: false}");
    cr_assert_eq(s.r.status, 0, "stderr:\n%s", s.r.err);
    char *text = stage_run_output(&s, "part.tsv");
    cr_assert_str_eq(text, "3\t2.5\n6\t\n");
    free(text);
    stage_run_free(&s);
}

Test(writer_stage, missing_column_points_at_the_pipeline_item)
{
    stage_run s = write_small("E1,px1 ,M\n1,2,3\n", "{columns: [M, px2]}");
    char want[2048];
    snprintf(want, sizeof want,
             "%s:8:27: stage 'save': parameter 'columns': no column 'px2' in tensor 'table' "
             "(did you mean 'px1'?); its columns are: E1, px1, M\n"
             "pipe: stage 'save' (writer) failed; the run stops here\n",
             s.yaml);
    cr_assert_eq(s.r.status, 1);
    cr_assert_str_eq(s.r.err, want);
    const char *names[] = {"metrics.json", "run.json"};
    expect_only_files(s.out, names, 2, 0); /* no table.csv */
    stage_run_free(&s);
}

/* `pipe validate` of a writer with `params` fails with `message` at
 * line 8, column `column`. */
static void expect_invalid(const char *params, int column, const char *param, const char *message)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "pipeline: bad\n"
             "stages:\n"
             "  - id: load\n"
             "    plugin: loader\n"
             "    params: {path: x.csv}\n"
             "  - id: save\n"
             "    plugin: writer\n"
             "    params: %s\n",
             params);
    stage_run s = stage_run_yaml("validate", yaml, NULL, 1);
    char want[2048];
    snprintf(want, sizeof want, "%s:8:%d: stage 'save': parameter '%s': %s\n", s.yaml, column,
             param, message);
    cr_assert_eq(s.r.status, 2, "status %d, stderr:\n%s", s.r.status, s.r.err);
    cr_assert_str_eq(s.r.err, want);
    stage_run_free(&s);
}

Test(writer_stage, parameter_errors)
{
    expect_invalid("{path: a.npy, format: csv}", 20, "path",
                   "expected a .csv name with format csv, found \"a.npy\"");
    expect_invalid("{path: a.npy, columns: [E1]}", 36, "columns",
                   "columns select what a CSV file holds; a .npy file holds the whole tensor");
    expect_invalid("{delimiter: \"\\n\"}", 25, "delimiter",
                   "expected one character (not a quote or a line end) or \"tab\", found \"\n\"");
}
