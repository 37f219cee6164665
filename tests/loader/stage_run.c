/*
 * stage_run.c — see stage_run.h.
 */
#include "stage_run.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

stage_run stage_run_yaml(const char *command, const char *yaml, const char *dir, int quiet)
{
    stage_run s;
    s.dir = dir ? strdup(dir) : pipe_test_tmpdir();
    s.yaml = pipe_test_write_file(s.dir, "p.yaml", yaml);
    size_t len = strlen(s.dir) + 16;
    s.out = malloc(len);
    snprintf(s.out, len, "%s/out", s.dir);
    const char *run[] = {"run", s.yaml, "--out", s.out, quiet ? "--quiet" : NULL, NULL};
    const char *validate[] = {"validate", s.yaml, NULL};
    s.r = pipe_test_run(strcmp(command, "run") == 0 ? run : validate);
    return s;
}

void stage_run_free(stage_run *s)
{
    pipe_test_result_free(&s->r);
    free(s->dir);
    free(s->yaml);
    free(s->out);
}

char *stage_run_output(const stage_run *s, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", s->out, name);
    char *text = pipe_test_read_file(path, NULL);
    cr_assert_not_null(text, "%s was not written; stderr:\n%s", path, s->r.err);
    return text;
}
