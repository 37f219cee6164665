/*
 * test_validate.c — `pipe validate` finds everything before anything
 * runs: every error in one go sorted by line (structural ones too), "did
 * you mean" for plugins, tensors and columns, no cascade from a stage
 * whose plugin is missing, --set errors on the command line, ranks and
 * columns that check() tells validation, files a stage will read.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "in the search path (A:B:C)" -> "in the search path (...)", in place:
 * the folders depend on the build. */
static void shorten_search_path(char *err)
{
    static const char open[] = "in the search path (";
    for (char *at = strstr(err, open); at; at = strstr(at, open)) {
        at += strlen(open);
        char *close = strstr(at, "); see");
        if (!close)
            return;
        memmove(at + 3, close, strlen(close) + 1);
        memcpy(at, "...", 3);
    }
}

/* `pipe validate` on `yaml` with the test plugins and extra arguments;
 * stderr must be `expected` with each "F:" (or "{F}") the pipeline
 * file's name. */
static void expect_validate(const char *yaml, const char *const *extra, int status,
                            const char *expected)
{
    const char *args[16] = {"--plugin-path", TEST_PLUGIN_DIR};
    size_t n = 2;
    for (size_t i = 0; extra && extra[i]; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    pipe_test_pipeline c = pipe_test_pipeline_run("validate", yaml, NULL, args);
    char want[8192];
    size_t len = 0;
    for (const char *e = expected; *e && len < sizeof want - 1024; e++) {
        if (*e == 'F' && e[1] == ':')
            len += (size_t)snprintf(want + len, sizeof want - len, "%s", c.yaml);
        else if (!strncmp(e, "{F}", 3)) {
            len += (size_t)snprintf(want + len, sizeof want - len, "%s", c.yaml);
            e += 2;
        } else
            want[len++] = *e;
    }
    want[len] = '\0';
    cr_expect_eq(c.r.status, status, "status %d, stderr:\n%s", c.r.status, c.r.err);
    char *err = strdup(c.r.err);
    shorten_search_path(err);
    cr_expect_str_eq(err, want);
    free(err);
    pipe_test_pipeline_free(&c);
}

Test(validate, three_typos_three_messages_in_line_order)
{
    /* a top-level typo, a stage-key typo and a plugin typo: structure
     * errors no longer hide the rest */
    expect_validate("pipeline: demo\n"
                    "sed: 7\n"
                    "stages:\n"
                    "  - id: gen\n"
                    "    plugin: tgenn\n"
                    "    outputs: {out: numbers}\n"
                    "  - id: sum\n"
                    "    plugin: tsum\n"
                    "    param: {fail: false}\n"
                    "    inputs: {in: numbers}\n",
                    NULL, 2,
                    "F:2:1: unknown top-level key 'sed' (did you mean 'seed'?)\n"
                    "F:5:13: stage 'gen': no plugin 'tgenn' (did you mean 'tgen'?) in the search "
                    "path (...); see 'pipe list'\n"
                    "F:9:5: stage 'sum': unknown stage key 'param' (did you mean 'params'?)\n");
}

Test(validate, tensor_names_suggested)
{
    expect_validate("pipeline: demo\n"
                    "stages:\n"
                    "  - id: gen\n"
                    "    plugin: tgen\n"
                    "    outputs: {out: scaled}\n"
                    "  - id: sum\n"
                    "    plugin: tsum\n"
                    "    inputs: {in: scaledd}\n",
                    NULL, 2,
                    "F:8:18: stage 'sum': input 'in': no earlier stage produces a tensor "
                    "'scaledd' (did you mean 'scaled'?)\n");
}

Test(validate, rank_told_by_check_refuses_a_mismatch)
{
    /* tany's output is declared of any rank; its check() says rank 2 */
    static const char *const yaml = "pipeline: demo\n"
                                    "stages:\n"
                                    "  - id: any\n"
                                    "    plugin: tany\n"
                                    "    params: {rank: %d}\n"
                                    "  - id: sum\n"
                                    "    plugin: tsum\n"
                                    "    inputs: {in: out}\n";
    char text[512];
    snprintf(text, sizeof text, yaml, 2);
    expect_validate(text, NULL, 2,
                    "F:8:18: stage 'sum': input 'in': tensor 'out' from stage 'any' has rank 2, "
                    "expected rank 1\n");
    snprintf(text, sizeof text, yaml, 1);
    expect_validate(text, NULL, 0, "");
}

Test(validate, input_files_must_exist)
{
    expect_validate("pipeline: demo\n"
                    "stages:\n"
                    "  - id: any\n"
                    "    plugin: tany\n"
                    "    params: {model: /nonexistent/model.safetensors}\n",
                    NULL, 2,
                    "F:5:21: stage 'any': parameter 'model': '/nonexistent/model.safetensors' "
                    "cannot be read: No such file or directory\n");
    const char *const extra[] = {"--set", "any.model=/", NULL};
    expect_validate("pipeline: demo\nstages:\n  - id: any\n    plugin: tany\n", extra, 2,
                    "--set any.model=/: stage 'any': parameter 'model': '/' is a directory, "
                    "expected a file\n");
}

Test(validate, columns_told_by_check_are_checked_with_suggestions)
{
    /* ttable's check() names its columns E and pt; a two-letter typo of a
     * one-letter name is still suggested */
    expect_validate("pipeline: demo\n"
                    "stages:\n"
                    "  - id: t\n"
                    "    plugin: ttable\n"
                    "    outputs: {table: events}\n"
                    "  - id: s\n"
                    "    plugin: tsumcol\n"
                    "    inputs: {table: events}\n"
                    "    params: {column: Ee}\n"
                    "  - id: ok\n"
                    "    plugin: tsumcol\n"
                    "    inputs: {table: events}\n"
                    "    params: {column: pt}\n",
                    NULL, 2,
                    "F:9:22: stage 's': parameter 'column': input 'table' (tensor 'events' from "
                    "stage 't') has no column 'Ee' (did you mean 'E'?)\n");
}

Test(validate, set_on_a_missing_stage_lists_the_stages)
{
    const char *const extra[] = {"--set", "xyz.value=2", NULL};
    expect_validate("pipeline: demo\n"
                    "stages:\n"
                    "  - id: gen\n"
                    "    plugin: tgen\n"
                    "  - id: sum\n"
                    "    plugin: tsum\n"
                    "    inputs: {in: out}\n",
                    extra, 2,
                    "--set xyz.value=2: no stage 'xyz' in {F} (its stages: gen, sum); stages with "
                    "a parameter 'value': gen\n");
}

Test(validate, inspect_suggests_a_plugin_name)
{
    const char *const args[] = {"inspect", "tgenn", "--plugin-path", TEST_PLUGIN_DIR, NULL};
    pipe_test_result r = pipe_test_run(args);
    cr_expect_eq(r.status, 2);
    shorten_search_path(r.err);
    cr_expect_str_eq(r.err, "pipe: no plugin 'tgenn' (did you mean 'tgen'?) in the search path "
                            "(...); see 'pipe list'\n");
    pipe_test_result_free(&r);
}

Test(validate, declarations_are_read_at_the_size_the_plugin_says)
{
    /* tgrown's declarations have one field more than this runner's: its
     * second parameter is found, typed and checked all the same */
    expect_validate("pipeline: demo\n"
                    "stages:\n"
                    "  - id: g\n"
                    "    plugin: tgrown\n"
                    "    params: {n: 11, label: x}\n"
                    "  - id: sum\n"
                    "    plugin: tsum\n"
                    "    inputs: {in: out}\n",
                    NULL, 2, "F:5:17: stage 'g': parameter 'n': 11 is out of range [1, 10]\n");
    const char *const args[] = {"inspect", "tgrown", "--plugin-path", TEST_PLUGIN_DIR, NULL};
    pipe_test_result r = pipe_test_run(args);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "recorded as a metric"), "%s", r.out);
    cr_expect(strstr(r.out, "n values of 1"), "%s", r.out);
    pipe_test_result_free(&r);
}
