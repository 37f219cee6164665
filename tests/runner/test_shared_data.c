/*
 * test_shared_data.c — where the real CMS files are looked for, and who
 * decides it: the pipe command sets PIPE_SHARED_DATA to ../shared/data
 * when the user has not set it and that folder exists; the library never
 * touches the environment and sends its messages to the caller's sink.
 */
#include "core.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char pipeline[] =
    "pipeline: x\n"
    "stages:\n"
    "  - {id: a, plugin: tgen, params: {label: \"${PIPE_SHARED_DATA}\"}}\n";

/* <tmp>/repo holding p.yaml, and <tmp>/shared/data when `with_shared`. */
static char *make_tree(int with_shared)
{
    char *root = pipe_test_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/repo", root);
    cr_assert_eq(mkdir(path, 0755), 0);
    free(pipe_test_write_file(path, "p.yaml", pipeline));
    if (with_shared) {
        snprintf(path, sizeof path, "%s/shared", root);
        cr_assert_eq(mkdir(path, 0755), 0);
        snprintf(path, sizeof path, "%s/shared/data", root);
        cr_assert_eq(mkdir(path, 0755), 0);
    }
    return root;
}

/* `pipe run p.yaml` from <root>/repo with PIPE_SHARED_DATA set to `env`
 * (unset when NULL); stderr into <root>/err. Returns the exit status. */
static int run_in(const char *root, const char *env)
{
    char repo[4096], out[4096], err[4096];
    snprintf(repo, sizeof repo, "%s/repo", root);
    snprintf(out, sizeof out, "%s/out", root);
    snprintf(err, sizeof err, "%s/err", root);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (env)
            setenv("PIPE_SHARED_DATA", env, 1);
        else
            unsetenv("PIPE_SHARED_DATA");
        if (!freopen(err, "w", stderr) || chdir(repo) != 0)
            _exit(126);
        execl(PIPE_EXE, PIPE_EXE, "run", "p.yaml", "--quiet", "--out", out, "--plugin-path",
              TEST_PLUGIN_DIR, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static char *read_in(const char *root, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, name);
    char *text = pipe_test_read_file(path, NULL);
    cr_assert(text, "no %s", path);
    return text;
}

/* Run with PIPE_SHARED_DATA = env (unset: NULL) in a tree with
 * ../shared/data, and expect the stage to have seen `seen`. */
static void expect_seen(const char *env, const char *seen)
{
    char *root = make_tree(1);
    cr_assert_eq(run_in(root, env), 0);
    char *metrics = read_in(root, "out/metrics.json");
    char label[256];
    snprintf(label, sizeof label, "\"label\": \"%s\"", seen);
    cr_expect(strstr(metrics, label) != NULL, "%s", metrics);
    free(metrics);
    free(root);
}

Test(shared_data, the_command_defaults_to_the_sibling_folder)
{
    expect_seen(NULL, "../shared/data");
}

Test(shared_data, the_variable_wins)
{
    expect_seen("/data/cms", "/data/cms");
}

Test(shared_data, no_folder_no_variable_is_an_error_at_the_parameter)
{
    char *root = make_tree(0);
    cr_assert_eq(run_in(root, NULL), 2);
    char *err = read_in(root, "err");
    cr_expect_str_eq(err, "p.yaml:3:43: stage 'a': parameter 'label': environment variable "
                          "'PIPE_SHARED_DATA' is not set (write ${PIPE_SHARED_DATA:-default} to "
                          "give one)\n");
    free(err);
    free(root);
}

/* Collects the lines a run reports. */
typedef struct lines {
    char text[8192];
    int count;
} lines;

static void collect(void *user, const char *line)
{
    lines *l = user;
    size_t len = strlen(l->text);
    snprintf(l->text + len, sizeof l->text - len, "%s\n", line);
    l->count++;
}

Test(shared_data, the_library_leaves_the_environment_and_reports_to_its_sink)
{
    char *root = make_tree(1);
    char repo[4096], out[4096];
    snprintf(repo, sizeof repo, "%s/repo", root);
    snprintf(out, sizeof out, "%s/out", root);
    free(pipe_test_write_file(repo, "q.yaml",
                              "pipeline: q\n"
                              "stages:\n"
                              "  - {id: a, plugin: tgen, params: {label: "
                              "\"${PIPE_SHARED_DATA:-none}\"}}\n"
                              "  - {id: b, plugin: tgen, when: {exists: /nonexistent/x}, "
                              "outputs: {out: other}}\n"));
    cr_assert_eq(chdir(repo), 0);
    unsetenv("PIPE_SHARED_DATA");
    const char *const plugin_path[] = {TEST_PLUGIN_DIR};
    lines got = {{0}, 0};
    pipe_run_options o;
    memset(&o, 0, sizeof o);
    o.plugin_path = plugin_path;
    o.n_plugin_path = 1;
    o.out_dir = out;
    o.diag = collect;
    o.diag_user = &got;
    cr_assert_eq(pipe_run_file("q.yaml", &o), 0, "%s", got.text);
    cr_expect_null(getenv("PIPE_SHARED_DATA"), "the library set PIPE_SHARED_DATA");
    char *metrics = read_in(root, "out/metrics.json");
    cr_expect(strstr(metrics, "\"label\": \"none\"") != NULL, "%s", metrics);
    /* the stage's log, the skipped stage and the summary, in order */
    cr_expect_eq(got.count, 3, "%s", got.text);
    const char *head = "[a] made 4 values\n"
                       "[b] skipped: /nonexistent/x does not exist\n"
                       "pipe: q done in ";
    cr_expect(strncmp(got.text, head, strlen(head)) == 0, "%s", got.text);
    char tail[4200];
    snprintf(tail, sizeof tail, " s; results in %s/\n", out);
    size_t len = strlen(got.text), tail_len = strlen(tail);
    cr_expect(len > tail_len && strcmp(got.text + len - tail_len, tail) == 0, "%s", got.text);
    free(metrics);
    free(root);
}
