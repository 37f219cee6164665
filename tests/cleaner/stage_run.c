/*
 * stage_run.c — running a pipeline given as text for the end-to-end tests
 * of the data stages. See stage_run.h.
 */
#include "stage_run.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

pipe_test_result stage_run(const char *text, const char *expect, const char *const *sets,
                           char *out_dir, size_t out_size)
{
    char *dir = pipe_test_tmpdir();
    char *expect_file = expect ? pipe_test_write_file(dir, "expect.json", expect) : NULL;
    const char *extra[32];
    int n = 0;
    if (expect_file) {
        extra[n++] = "--expect";
        extra[n++] = expect_file;
    }
    for (size_t i = 0; sets && sets[i] && n < 30; i++) {
        extra[n++] = "--set";
        extra[n++] = sets[i];
    }
    extra[n] = NULL;
    pipe_test_pipeline p = pipe_test_pipeline_run("run", text, dir, extra);
    if (out_dir)
        snprintf(out_dir, out_size, "%s", p.out);
    pipe_test_result r = p.r;
    p.r.out = p.r.err = NULL; /* handed to the caller */
    pipe_test_pipeline_free(&p);
    free(expect_file);
    free(dir);
    return r;
}

void stage_run_fails(const char *stages, const char *const *sets, int status, const char *message)
{
    static const char loader[] =
        "pipeline: stage_test\n"
        "stages:\n"
        "  - id: load\n"
        "    plugin: loader\n"
        "    params: {path: \"${PIPE_SHARED_DATA}/dielectron_sample.csv\"}\n";
    size_t size = sizeof loader + strlen(stages);
    char *text = malloc(size);
    snprintf(text, size, "%s%s", loader, stages);
    pipe_test_result r = stage_run(text, NULL, sets, NULL, 0);
    cr_assert_eq(r.status, status, "exit status %d, expected %d; stderr: %s", r.status, status,
                 r.err);
    cr_assert(strstr(r.err, message), "expected on stderr: %s\nfound: %s", message, r.err);
    pipe_test_result_free(&r);
    free(text);
}
