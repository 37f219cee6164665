/*
 * test_hostile.c — hostile pipeline files and plugins: an alias bomb is
 * refused at the alias that crosses the limit, check() errors carry the
 * stage's location, a descriptor with params NULL and n_params 5 is
 * refused field by field, a truncated ELF plugin is refused before
 * dlopen (no SIGBUS), and a stage is never run without its inputs.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static pipe_test_pipeline run_with(const char *command, const char *yaml, const char *plugins)
{
    const char *args[] = {"--plugin-path", plugins, "--quiet", NULL};
    if (strcmp(command, "run") != 0)
        args[2] = NULL;
    return pipe_test_pipeline_run(command, yaml, NULL, args);
}

static void assert_err_is(const pipe_test_pipeline *c, int status, const char *want)
{
    cr_assert_eq(c->r.status, status, "status %d, stderr:\n%s", c->r.status, c->r.err);
    cr_assert_str_eq(c->r.err, want);
}

Test(hostile, an_alias_bomb_is_refused_at_the_alias_that_crosses_the_limit)
{
    char yaml[4096];
    size_t n = (size_t)snprintf(yaml, sizeof yaml,
                                "pipeline: lol\nx0: &a0 [l, l, l, l, l, l, l, l, l, l]\n");
    for (int i = 1; i < 10; i++) {
        n += (size_t)snprintf(yaml + n, sizeof yaml - n, "x%d: &a%d [", i, i);
        for (int k = 0; k < 10; k++)
            n += (size_t)snprintf(yaml + n, sizeof yaml - n, "%s*a%d", k ? ", " : "", i - 1);
        n += (size_t)snprintf(yaml + n, sizeof yaml - n, "]\n");
    }
    snprintf(yaml + n, sizeof yaml - n, "stages: [{id: a, plugin: tgen}]\n");
    pipe_test_pipeline c = run_with("validate", yaml, TEST_PLUGIN_DIR);
    /* *a<k> stands for 10^(k+1) + ... + 1 values (a4: 111111). Lines 3 to
     * 6 add 123840; the 8th alias of line 7 (column 45) passes 10^6. */
    char want[1024];
    snprintf(want, sizeof want,
             "%s:7:45: alias '*a4' expands the document past 1000000 values; aliases may stand "
             "for at most that many in all\n",
             c.yaml);
    assert_err_is(&c, 2, want);
    pipe_test_pipeline_free(&c);
}

Test(hostile, an_error_in_check_carries_the_stage_location)
{
    pipe_test_pipeline c =
        run_with("validate",
                 "pipeline: demo\nstages:\n  - id: w\n    plugin: tfile\n"
                 "    params: {check_error: \"input 'threshold' is only used with kind: x\"}\n",
                 TEST_PLUGIN_DIR);
    char want[1024];
    snprintf(want, sizeof want, "%s:3:5: stage 'w': input 'threshold' is only used with kind: x\n",
             c.yaml);
    assert_err_is(&c, 2, want);
    pipe_test_pipeline_free(&c);
}

Test(hostile, a_descriptor_with_params_null_is_refused)
{
    pipe_test_pipeline c = run_with(
        "validate", "pipeline: demo\nstages:\n  - id: w\n    plugin: tbaddesc\n", TEST_PLUGIN_DIR);
    char want[1024];
    snprintf(want, sizeof want,
             "%s:4:13: stage 'w': %s/tbaddesc.so: malformed plugin descriptor: params is NULL but "
             "n_params is 5\n",
             c.yaml, TEST_PLUGIN_DIR);
    assert_err_is(&c, 2, want);
    pipe_test_pipeline_free(&c);
    const char *args[] = {"inspect", "tbaddesc", "--plugin-path", TEST_PLUGIN_DIR, NULL};
    pipe_test_result r = pipe_test_run(args);
    cr_assert_eq(r.status, 2, "inspect refuses it too: %d\n%s", r.status, r.err);
    pipe_test_result_free(&r);
}

/* A copy of tsum.so cut to `keep` bytes, its section count zeroed when
 * `no_sections` (so that only the segments can tell). Returns its folder. */
static char *truncated_plugin(size_t keep, int no_sections)
{
    size_t size = 0;
    char *so = pipe_test_read_file(TEST_PLUGIN_DIR "/tsum.so", &size);
    cr_assert(so && size > keep);
    if (no_sections)
        memset(so + 60, 0, 2); /* e_shnum of an Elf64_Ehdr */
    char *dir = pipe_test_tmpdir();
    char path[4200];
    snprintf(path, sizeof path, "%s/tsum.so", dir);
    FILE *f = fopen(path, "wb");
    cr_assert(f && fwrite(so, 1, keep, f) == keep);
    fclose(f);
    free(so);
    return dir;
}

Test(hostile, a_truncated_plugin_is_refused_before_dlopen)
{
    char *dir = truncated_plugin(4000, 1);
    pipe_test_pipeline c =
        run_with("validate", "pipeline: demo\nstages:\n  - id: s\n    plugin: tsum\n", dir);
    cr_assert_eq(c.r.status, 2, "exit %d (135 is SIGBUS)\n%s", c.r.status, c.r.err);
    char want[4400];
    snprintf(want, sizeof want,
             "%s:4:13: stage 's': cannot load plugin: %s/tsum.so: truncated ELF file (segment ",
             c.yaml, dir);
    cr_assert(strstr(c.r.err, want) == c.r.err, "%s", c.r.err);
    cr_assert(strstr(c.r.err, "the file has 4000)\n"), "%s", c.r.err);
    pipe_test_pipeline_free(&c);
    free(dir);
    dir = truncated_plugin(2000, 0);
    const char *args[] = {"list", "--plugin-path", dir, NULL};
    pipe_test_result r = pipe_test_run(args);
    char line[4400];
    snprintf(line, sizeof line,
             "pipe: cannot load plugin: %s/tsum.so: truncated ELF file (section headers past its "
             "end)\n",
             dir);
    cr_assert(strstr(r.err, line), "%s", r.err);
    pipe_test_result_free(&r);
    free(dir);
}

Test(hostile, a_stage_is_not_run_without_its_inputs)
{
    /* tfile reads a mapped input without a NULL check: run() must not be
     * called when gen was skipped. */
    pipe_test_pipeline c =
        run_with("run",
                 "pipeline: demo\nstages:\n  - id: gen\n    plugin: tgen\n"
                 "    outputs: {out: numbers}\n    when: {exists: /nonexistent/file}\n"
                 "  - id: w\n    plugin: tfile\n    inputs: {in: numbers}\n",
                 TEST_PLUGIN_DIR);
    assert_err_is(&c, 1,
                  "stage 'w': input 'in': no tensor 'numbers' in the store\n"
                  "pipe: stage 'w' (tfile) failed; the run stops here\n");
    pipe_test_pipeline_free(&c);
}
