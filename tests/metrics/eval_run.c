/*
 * eval_run.c — one metrics stage through `pipe run` on a small table
 * worked out by hand. See eval_run.h.
 */
#include "eval_run.h"

#include <criterion/criterion.h>
#include <string.h>

#include <stdio.h>
#include <stdlib.h>

/* Lines 1-31; `eval` params follow. */
static const char pipeline[] = "pipeline: metrics_eval\n"
                               "stages:\n"
                               "  - id: load\n"
                               "    plugin: loader\n"
                               "    params: {path: \"%s/rows.csv\"}\n"
                               "    outputs: {table: rows}\n"
                               "  - id: y\n"
                               "    plugin: features\n"
                               "    inputs: {table: rows}\n"
                               "    params: {target: y}\n"
                               "    outputs: {table: t1, target: y}\n"
                               "  - id: alpha\n"
                               "    plugin: features\n"
                               "    inputs: {table: rows}\n"
                               "    params: {target: alpha}\n"
                               "    outputs: {table: t2, target: alpha}\n"
                               "  - id: beta\n"
                               "    plugin: features\n"
                               "    inputs: {table: rows}\n"
                               "    params: {target: beta}\n"
                               "    outputs: {table: t3, target: beta}\n"
                               "  - id: load_t\n"
                               "    plugin: loader\n"
                               "    params: {path: \"%s/threshold.csv\"}\n"
                               "    outputs: {table: t_rows}\n"
                               "  - id: t\n"
                               "    plugin: features\n"
                               "    inputs: {table: t_rows}\n"
                               "    params: {target: t}\n"
                               "    outputs: {table: t4, target: t}\n"
                               "  - id: eval\n"
                               "%s";

pipe_test_pipeline metrics_eval_run(const char *rows_csv, const char *eval, const char *expect)
{
    char *dir = pipe_test_tmpdir(), yaml[4096];
    free(pipe_test_write_file(dir, "rows.csv", rows_csv));
    free(pipe_test_write_file(dir, "threshold.csv", "t\n0.3\n"));
    snprintf(yaml, sizeof yaml, pipeline, dir, dir, eval);
    char *expect_file = expect ? pipe_test_write_file(dir, "expect.json", expect) : NULL;
    const char *extra[] = {"--expect", expect_file, NULL};
    pipe_test_pipeline p = pipe_test_pipeline_run("run", yaml, dir, expect ? extra : NULL);
    free(expect_file);
    free(dir);
    return p;
}

void metrics_eval_fails(const char *rows_csv, const char *eval, int status, const char *message)
{
    pipe_test_pipeline p = metrics_eval_run(rows_csv, eval, NULL);
    cr_assert_eq(p.r.status, status, "exit %d, expected %d: %s", p.r.status, status, p.r.err);
    cr_assert(strstr(p.r.err, message), "expected: %s\nfound: %s", message, p.r.err);
    pipe_test_pipeline_free(&p);
}
