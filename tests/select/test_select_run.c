/*
 * test_select_run.c — the select stage through `pipe run` and `pipe
 * validate`: the Z-window pipeline of pipelines/ on the real sample (cut
 * flow counted independently with awk), and every error with its exact
 * place in the pipeline file and in the expression.
 */
#include "stage_run.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Count the lines of a text. */
static int count_lines(const char *text)
{
    int n = 0;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

/* The 19 numbers of a line of the sample. */
static void parse_row(const char *row, double v[19])
{
    for (int i = 0; i < 19; i++, row = strchr(row, ',') + 1)
        v[i] = strtod(row, NULL);
}

Test(select_run, z_window_pipeline_on_the_real_sample)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    char *dir = pipe_test_tmpdir(), out[512];
    snprintf(out, sizeof out, "%s/out", dir);
    /* The expectation holds the cut flow counted with awk on the file:
     * 733 opposite-charge pairs, 57 with both pT > 25, 56 within |eta| <
     * 2.5, 56 in 60-120 GeV. */
    static const char *const extra[] = {"--expect", "pipelines/expect/z_window.json", NULL};
    pipe_test_result r = pipe_test_run_file("pipelines/z_window.yaml", out, extra);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *csv = pipe_test_read_in(out, "z_events.csv");
    cr_assert(csv, "no z_events.csv");
    cr_assert_eq(count_lines(csv), 57); /* header + 56 events */
    cr_assert(strncmp(csv, "Run,Event,M,dm_z,pt_ee,", 23) == 0, "%s", csv);
    /* The first kept event: dm_z against its M, and pt_ee against the
     * momenta of the same event (found by run and event number) in the
     * sample. */
    double run, event, m, dm, pt_ee;
    cr_assert_eq(
        sscanf(strchr(csv, '\n') + 1, "%lf,%lf,%lf,%lf,%lf", &run, &event, &m, &dm, &pt_ee), 5);
    cr_assert_float_eq(dm, m - 91.1876, 1e-9);
    char *sample = pipe_test_shared_file("dielectron_sample.csv");
    char *text = pipe_test_read_file(sample, NULL), key[64];
    snprintf(key, sizeof key, "\n%.0f,%.0f,", run, event);
    const char *row = strstr(text, key);
    cr_assert(row, "event %s not in the sample", key);
    double v[19];
    parse_row(row + 1, v);
    cr_assert_float_eq(pt_ee, hypot(v[3] + v[11], v[4] + v[12]), 1e-9);
    free(text);
    free(sample);
    free(csv);
    free(dir);
    pipe_test_result_free(&r);
}

/* A pipeline of a loader with `loader_params` and `stages` (from line 6). */
static void after_loader(char *yaml, size_t size, const char *loader_params, const char *stages)
{
    snprintf(yaml, size,
             "pipeline: v\n"
             "stages:\n"
             "  - id: load\n"
             "    plugin: loader\n"
             "    params: %s\n"
             "%s",
             loader_params, stages);
}

/* `pipe validate` of a loader and `stage` (from line 6) must exit with 2
 * and print `message`. */
static void validate_fails(const char *stage, const char *message)
{
    char yaml[4096];
    after_loader(yaml, sizeof yaml, "{path: x.csv}", stage);
    pipe_test_pipeline p = pipe_test_pipeline_run("validate", yaml, NULL, NULL);
    cr_assert_neq(p.r.status, 0, "%s", p.r.err);
    cr_assert(strstr(p.r.err, message), "expected on stderr: %s\nfound: %s", message, p.r.err);
    pipe_test_pipeline_free(&p);
}

Test(select_run, validate_finds_syntax_and_type_errors_in_place)
{
    validate_fails("  - id: cut\n"
                   "    plugin: select\n"
                   "    params:\n"
                   "      where: \"M > 60 && (Q1 * Q2 < 0\"\n",
                   "/p.yaml:9:14: stage 'cut': parameter 'where': at column 23 of the expression: "
                   "expected ')' to close the '(' at column 11, found the end of the expression\n");
    validate_fails("  - id: cut\n"
                   "    plugin: select\n"
                   "    params:\n"
                   "      where: [\"M > 60\", \"M + 1\"]\n",
                   "/p.yaml:9:25: stage 'cut': parameter 'where': a cut must be a boolean (a "
                   "comparison such as M > 60), found a number\n");
    validate_fails("  - id: cut\n"
                   "    plugin: select\n"
                   "    params:\n"
                   "      define:\n"
                   "        deta: \"eta1 - eta2\"\n"
                   "        mt: \"sqrt(2*pt1*pt2*(1 - cos(phi1 - phi2))\"\n",
                   "/p.yaml:11:13: stage 'cut': parameter 'define': 'mt': at column 38 of the "
                   "expression: expected ',' or ')' in the call of sqrt, found the end of the "
                   "expression\n");
    validate_fails("  - id: cut\n"
                   "    plugin: select\n"
                   "    params:\n"
                   "      define: {os: \"Q1 * Q2 < 0 && M\"}\n",
                   "/p.yaml:9:20: stage 'cut': parameter 'define': 'os': at column 16 of the "
                   "expression: '&&' needs a boolean, found a number (compare it, e.g. x > 0)\n");
    validate_fails("  - id: cut\n"
                   "    plugin: select\n"
                   "    params:\n"
                   "      define: {x: [1, 2]}\n",
                   "/p.yaml:9:19: stage 'cut': parameter 'define': 'x': expected an expression "
                   "(a string), found a list\n");
}

Test(select_run, unknown_columns_are_found_when_the_table_is_known)
{
    /* The loader does not declare its columns before running, so names
     * are checked when the stage runs, at the same place. */
    stage_run_fails("  - id: cut\n"
                    "    plugin: select\n"
                    "    params:\n"
                    "      where: [\"M > 60\", \"M > 60 && Q1 * Q3 < 0\"]\n",
                    NULL, 1,
                    "/p.yaml:9:25: stage 'cut': parameter 'where': at column 16 of the "
                    "expression: unknown column 'Q3'\n");
    stage_run_fails("  - id: cut\n"
                    "    plugin: select\n"
                    "    params:\n"
                    "      define: {pt_sum: \"pt1 + pt2\", M: \"pt_sum * 2\"}\n",
                    NULL, 1,
                    "/p.yaml:9:37: stage 'cut': parameter 'define': 'M' is already a column of "
                    "the table\n");
    stage_run_fails("  - id: cut\n"
                    "    plugin: select\n"
                    "    params:\n"
                    "      define: {ratio: \"pt1 / ptt2\"}\n",
                    NULL, 1,
                    "/p.yaml:9:23: stage 'cut': parameter 'define': 'ratio': at column 7 of the "
                    "expression: unknown column 'ptt2' (did you mean 'pt2'?)\n");
}

Test(select_run, the_split_is_cut_with_the_same_rows)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    static const char text[] = "pipeline: split_then_select\n"
                               "seed: 7\n"
                               "stages:\n"
                               "  - id: load\n"
                               "    plugin: loader\n"
                               "    params: {path: \"${PIPE_SHARED_DATA}/dielectron_sample.csv\"}\n"
                               "    outputs: {table: events}\n"
                               "  - id: split\n"
                               "    plugin: split\n"
                               "    inputs: {table: events}\n"
                               "    outputs: {split: parts}\n"
                               "  - id: cut\n"
                               "    plugin: select\n"
                               "    inputs: {table: events, split: parts}\n"
                               "    params: {where: \"Q1 * Q2 < 0\"}\n"
                               "    outputs: {table: os, split: os_parts}\n"
                               "  - id: all_parts\n"
                               "    plugin: writer\n"
                               "    inputs: {table: parts}\n"
                               "    params: {path: parts.csv, header: false}\n"
                               "  - id: kept_parts\n"
                               "    plugin: writer\n"
                               "    inputs: {table: os_parts}\n"
                               "    params: {path: os_parts.csv, header: false}\n";
    char out[512];
    pipe_test_result r = stage_run(text, "{\"cut.cutflow.1.after\": 733}", NULL, out, sizeof out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *all = pipe_test_read_in(out, "parts.csv"), *kept = pipe_test_read_in(out, "os_parts.csv");
    char *sample = pipe_test_shared_file("dielectron_sample.csv");
    char *events = pipe_test_read_file(sample, NULL);
    cr_assert(all && kept && events);
    cr_assert_eq(count_lines(all), 1288);
    cr_assert_eq(count_lines(kept), 733);
    /* Walk the sample: each opposite-charge event's part is the next kept one. */
    const char *row = strchr(events, '\n') + 1, *a = all, *k = kept;
    int n = 0;
    for (; *row; row = strchr(row, '\n') + 1) {
        double v[19];
        parse_row(row, v);
        double q1 = v[9], q2 = v[17];
        long part = strtol(a, NULL, 10);
        a = strchr(a, '\n') + 1;
        if (q1 * q2 < 0) {
            cr_assert_eq(strtol(k, NULL, 10), part, "kept event %d", n);
            k = strchr(k, '\n') + 1;
            n++;
        }
    }
    cr_assert_eq(n, 733);
    free(all);
    free(kept);
    free(events);
    free(sample);
    pipe_test_result_free(&r);
}

Test(select_run, a_split_must_go_in_and_out)
{
    stage_run_fails("  - id: split\n"
                    "    plugin: split\n"
                    "  - id: cut\n"
                    "    plugin: select\n"
                    "    inputs: {split: split}\n"
                    "    params: {where: \"M > 60\"}\n",
                    NULL, 2, "stage 'cut': the split input is mapped but not the split output");
}

Test(select_run, validate_checks_names_against_the_known_columns)
{
    /* the loader's columns are known to validation: an unknown name is
     * refused at its place in the expression, a define is a column for
     * the defines after it and for the stages after select */
    char yaml[4096];
    after_loader(
        yaml, sizeof yaml, "{path: x.csv, columns: [M, pt1, pt2]}",
        "  - id: cut\n"
        "    plugin: select\n"
        "    params: {where: \"Mm > 60\", define: {pts: \"pt1 + pt2\", r: \"pts / ptt\"}}\n"
        "  - id: clean\n"
        "    plugin: cleaner\n"
        "    params: {dropna: [r, pts, rr]}\n");
    pipe_test_pipeline p = pipe_test_pipeline_run("validate", yaml, NULL, NULL);
    cr_assert_eq(p.r.status, 2, "%s", p.r.err);
    char want[2048];
    snprintf(want, sizeof want,
             "%s:8:21: stage 'cut': parameter 'where': at column 1 of the expression: unknown "
             "column 'Mm' (did you mean 'M'?)\n"
             "%s:8:62: stage 'cut': parameter 'define': 'r': at column 7 of the expression: "
             "unknown column 'ptt' (did you mean 'pt1'?)\n"
             "%s:11:31: stage 'clean': parameter 'dropna': input 'table' (tensor 'table' from "
             "stage 'cut') has no column 'rr' (did you mean 'r'?)\n",
             p.yaml, p.yaml, p.yaml);
    cr_assert_str_eq(p.r.err, want);
    pipe_test_pipeline_free(&p);
}
