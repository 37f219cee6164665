/*
 * test_outputs.c — outputs stay where they belong: relative names cannot
 * leave the output folder ('..', symbolic links), absolute names only for
 * stages that accept them and never over anything but a regular file, a
 * folder never mixes two runs (a failed run gives the previous complete
 * one back, a killed one is undone by the next run), an output folder that
 * cannot be one is refused before any stage runs, and a run killed at
 * random moments leaves only whole files under final names.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WRITER                                                                                     \
    "pipeline: demo\n"                                                                             \
    "stages:\n"                                                                                    \
    "  - id: w\n"                                                                                  \
    "    plugin: tfile\n"

/* Run `pipe run` on yaml in `dir` (NULL: a new folder) with --out OUT
 * (NULL: <dir>/out) and extra arguments. */
static pipe_test_pipeline run_in(const char *dir, const char *yaml, const char *out,
                                 const char *const *extra)
{
    const char *args[32] = {"--plugin-path", TEST_PLUGIN_DIR, "--quiet"};
    size_t n = 3;
    if (out) {
        args[n++] = "--out";
        args[n++] = out;
    }
    for (size_t i = 0; extra && extra[i]; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    return pipe_test_pipeline_run("run", yaml, dir, args);
}

static char *path_in(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *p = malloc(len);
    snprintf(p, len, "%s/%s", dir, name);
    return p;
}

static int exists(const char *dir, const char *name)
{
    char *p = path_in(dir, name);
    struct stat st;
    int rc = lstat(p, &st) == 0;
    free(p);
    return rc;
}

static void assert_err_is(const pipe_test_pipeline *c, int status, const char *want)
{
    cr_assert_eq(c->r.status, status, "status %d, stderr:\n%s", c->r.status, c->r.err);
    cr_assert_str_eq(c->r.err, want);
}

Test(outputs, dotdot_is_refused_by_validate_with_its_location)
{
    pipe_test_pipeline c = run_in(NULL, WRITER "    params: {path: sub/../../x.txt}\n", NULL, NULL);
    char want[1024];
    snprintf(want, sizeof want,
             "%s:5:20: stage 'w': parameter 'path': output path 'sub/../../x.txt' may not hold "
             "'..' or end in '.': it must stay inside the run's output folder\n",
             c.yaml);
    assert_err_is(&c, 2, want);
    cr_assert(!exists(c.dir, "x.txt"), "nothing written next to the output folder");
    pipe_test_pipeline_free(&c);
}

Test(outputs, dotdot_is_refused_at_run_time_too)
{
    const char *extra[] = {"--set", "w.check=false", NULL};
    pipe_test_pipeline c = run_in(NULL, WRITER "    params: {path: ../x.txt}\n", NULL, extra);
    assert_err_is(&c, 1,
                  "stage 'w': output path '../x.txt' may not hold '..' or end in '.': it must "
                  "stay inside the run's output folder\n"
                  "pipe: stage 'w' (tfile) failed; the run stops here\n");
    cr_assert(!exists(c.dir, "x.txt"));
    pipe_test_pipeline_free(&c);
}

Test(outputs, absolute_path_only_where_the_stage_accepts_it)
{
    char *dir = pipe_test_tmpdir();
    char *target = path_in(dir, "abs.txt");
    char set[4200];
    snprintf(set, sizeof set, "w.path=%s", target);
    const char *extra[] = {"--set", set, "--set", "w.check=false", NULL};
    pipe_test_pipeline c = run_in(dir, WRITER, NULL, extra);
    char want[8192];
    snprintf(want, sizeof want,
             "stage 'w': output path '%s' is absolute; this stage writes only inside the run's "
             "output folder: give a relative name\n"
             "pipe: stage 'w' (tfile) failed; the run stops here\n",
             target);
    assert_err_is(&c, 1, want);
    pipe_test_pipeline_free(&c);
    const char *ok[] = {"--set", set, "--set", "w.absolute=true", NULL};
    c = run_in(dir, WRITER, NULL, ok);
    assert_err_is(&c, 0, "");
    size_t size = 0;
    char *text = pipe_test_read_file(target, &size);
    cr_assert_eq(size, 64 + 4, "one line and 'end': %zu bytes", size);
    free(text);
    pipe_test_pipeline_free(&c);
    free(target);
    free(dir);
}

Test(outputs, a_fifo_is_never_replaced)
{
    char *dir = pipe_test_tmpdir();
    char *fifo = path_in(dir, "fifo");
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    char set[4200];
    snprintf(set, sizeof set, "w.path=%s", fifo);
    const char *extra[] = {"--set", set, "--set", "w.absolute=true", NULL};
    pipe_test_pipeline c = run_in(dir, WRITER, NULL, extra);
    char want[8192];
    snprintf(want, sizeof want,
             "--set w.path=%s: stage 'w': parameter 'path': '%s' exists and is a FIFO; only a "
             "regular file is replaced\n",
             fifo, fifo);
    assert_err_is(&c, 2, want);
    pipe_test_pipeline_free(&c);
    const char *unchecked[] = {"--set",         set, "--set", "w.absolute=true", "--set",
                               "w.check=false", NULL};
    c = run_in(dir, WRITER, NULL, unchecked);
    snprintf(want, sizeof want,
             "stage 'w': cannot write %s: it exists and is a FIFO; only a regular file is "
             "replaced\n"
             "pipe: stage 'w' (tfile) failed; the run stops here\n",
             fifo);
    assert_err_is(&c, 1, want);
    struct stat st;
    cr_assert_eq(lstat(fifo, &st), 0);
    cr_assert(S_ISFIFO(st.st_mode), "the FIFO is still a FIFO");
    pipe_test_pipeline_free(&c);
    free(fifo);
    free(dir);
}

Test(outputs, a_symlink_inside_the_output_folder_is_not_followed)
{
    /* A folder pipe did not make (it holds keep.txt) is written in place;
     * its link 'sub' points outside. */
    char *dir = pipe_test_tmpdir();
    char *out = path_in(dir, "mine"), *outside = path_in(dir, "outside");
    cr_assert_eq(mkdir(out, 0777), 0);
    cr_assert_eq(mkdir(outside, 0777), 0);
    free(pipe_test_write_file(out, "keep.txt", "mine\n"));
    char *link = path_in(out, "sub");
    cr_assert_eq(symlink(outside, link), 0);
    pipe_test_pipeline c = run_in(dir, WRITER "    params: {path: sub/x.txt}\n", out, NULL);
    char want[8192];
    snprintf(want, sizeof want,
             "stage 'w': cannot write %s/sub/x.txt: 'sub' is a symbolic link or not a folder\n"
             "pipe: stage 'w' (tfile) failed; the run stops here\n",
             out);
    assert_err_is(&c, 1, want);
    cr_assert(!exists(outside, "x.txt"), "nothing written through the link");
    cr_assert(exists(out, "keep.txt"), "a folder pipe did not make is not replaced");
    pipe_test_pipeline_free(&c);
    /* A final name that is a folder is not replaced either. */
    char *d = path_in(out, "d");
    cr_assert_eq(mkdir(d, 0777), 0);
    c = run_in(dir, WRITER "    params: {path: d}\n", out, NULL);
    snprintf(want, sizeof want,
             "stage 'w': cannot write %s/d: it exists and is a directory; only a regular file is "
             "replaced\n"
             "pipe: stage 'w' (tfile) failed; the run stops here\n",
             out);
    assert_err_is(&c, 1, want);
    pipe_test_pipeline_free(&c);
    free(d);
    free(link);
    free(out);
    free(outside);
    free(dir);
}

Test(outputs, a_failed_run_keeps_the_previous_complete_one)
{
    static const char *const yaml = WRITER "    params: {path: first.txt}\n"
                                           "  - id: gen\n"
                                           "    plugin: tgen\n"
                                           "    params: {n: 2, value: 1.0}\n"
                                           "    outputs: {out: numbers}\n"
                                           "  - id: sum\n"
                                           "    plugin: tsum\n"
                                           "    inputs: {in: numbers}\n";
    pipe_test_pipeline a = run_in(NULL, yaml, NULL, NULL);
    assert_err_is(&a, 0, "");
    char *run = pipe_test_read_in(a.out, "run.json");
    cr_assert(strstr(run, "\"status\": \"ok\",\n  \"complete\": true,"), "%s", run);
    free(run);
    const char *extra[] = {"--set", "w.path=second.txt", "--set", "sum.fail=true", NULL};
    pipe_test_pipeline b = run_in(a.dir, yaml, NULL, extra);
    char *failed = path_in(a.dir, "out.failed");
    char want[4096];
    snprintf(want, sizeof want,
             "stage 'sum': asked to fail\n"
             "pipe: stage 'sum' (tsum) failed; the run stops here\n");
    assert_err_is(&b, 1, want);
    cr_assert(exists(a.out, "first.txt") && exists(a.out, "sum.txt"), "the old run is whole");
    cr_assert(!exists(a.out, "second.txt"), "no new file mixed into the old run");
    run = pipe_test_read_in(a.out, "run.json");
    cr_assert(strstr(run, "\"status\": \"ok\""), "%s", run);
    free(run);
    run = pipe_test_read_in(failed, "run.json");
    cr_assert(strstr(run, "\"status\": \"failed\",\n  \"complete\": false,"), "%s", run);
    free(run);
    cr_assert(exists(failed, "second.txt"));
    /* The next good run replaces the folder as a whole. */
    const char *again[] = {"--set", "w.path=third.txt", NULL};
    pipe_test_pipeline c = run_in(a.dir, yaml, NULL, again);
    assert_err_is(&c, 0, "");
    cr_assert(exists(a.out, "third.txt") && !exists(a.out, "first.txt"));
    DIR *d = opendir(a.dir);
    struct dirent *e;
    while ((e = readdir(d)))
        cr_assert(!strstr(e->d_name, "previous"), "no previous run left: %s", e->d_name);
    closedir(d);
    free(failed);
    pipe_test_pipeline_free(&a);
    pipe_test_pipeline_free(&b);
    pipe_test_pipeline_free(&c);
}

/* The pid of a process that has exited. */
static long dead_pid(void)
{
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0)
        _exit(0);
    waitpid(pid, NULL, 0);
    return (long)pid;
}

Test(outputs, a_killed_run_is_undone_by_the_next_one)
{
    static const char *const yaml = WRITER "    params: {path: first.txt}\n"
                                           "  - id: gen\n"
                                           "    plugin: tgen\n"
                                           "    outputs: {out: numbers}\n"
                                           "  - id: sum\n"
                                           "    plugin: tsum\n"
                                           "    inputs: {in: numbers}\n";
    pipe_test_pipeline a = run_in(NULL, yaml, NULL, NULL);
    assert_err_is(&a, 0, "");
    /* What a run killed by SIGKILL leaves: the complete run moved aside,
     * a partial folder with a temporary file under the final name. */
    long pid = dead_pid();
    char aside[256], tmp[256];
    snprintf(aside, sizeof aside, ".out.previous-%ld", pid);
    snprintf(tmp, sizeof tmp, "loss_curve.png.tmp-%ld", pid);
    char *ap = path_in(a.dir, aside);
    cr_assert_eq(rename(a.out, ap), 0);
    cr_assert_eq(mkdir(a.out, 0777), 0);
    free(pipe_test_write_file(a.out, tmp, "half"));
    free(pipe_test_write_file(a.out, "half.txt", "new"));
    /* The next run (which fails) finds the complete run in place again. */
    const char *extra[] = {"--set", "w.path=second.txt", "--set", "sum.fail=true", NULL};
    pipe_test_pipeline b = run_in(a.dir, yaml, NULL, extra);
    cr_assert_eq(b.r.status, 1, "%s", b.r.err);
    cr_assert(!exists(a.dir, aside), "the killed run's leftovers are removed");
    cr_assert(exists(a.out, "first.txt") && exists(a.out, "sum.txt"), "the complete run is back");
    cr_assert(!exists(a.out, "half.txt") && !exists(a.out, tmp), "nothing of the killed run");
    char *failed = path_in(a.dir, "out.failed");
    cr_assert(exists(failed, "second.txt") && !exists(failed, "half.txt"));
    /* A temporary file of a dead run in a folder written in place goes. */
    free(pipe_test_write_file(failed, tmp, "half"));
    pipe_test_pipeline c = run_in(a.dir, yaml, failed, NULL);
    assert_err_is(&c, 0, "");
    cr_assert(!exists(failed, tmp));
    free(failed);
    free(ap);
    pipe_test_pipeline_free(&a);
    pipe_test_pipeline_free(&b);
    pipe_test_pipeline_free(&c);
}

Test(outputs, an_impossible_output_folder_is_refused_before_any_stage)
{
    char *dir = pipe_test_tmpdir();
    char *file = pipe_test_write_file(dir, "file", "x");
    /* tsum would fail loudly if it ran. */
    pipe_test_pipeline c = run_in(dir,
                                  "pipeline: demo\nstages:\n  - id: gen\n    plugin: tgen\n"
                                  "    outputs: {out: numbers}\n  - id: sum\n    plugin: tsum\n"
                                  "    params: {fail: true}\n    inputs: {in: numbers}\n",
                                  file, NULL);
    char want[4096];
    snprintf(want, sizeof want, "pipe: output folder %s exists and is not a folder\n", file);
    assert_err_is(&c, 1, want);
    pipe_test_pipeline_free(&c);
    char *below = path_in(file, "out");
    c = run_in(dir, WRITER, below, NULL);
    snprintf(want, sizeof want, "pipe: cannot create output folder %s: Not a directory\n", below);
    assert_err_is(&c, 1, want);
    pipe_test_pipeline_free(&c);
    free(below);
    free(file);
    free(dir);
}

/* Every file under a final name in `dir` (recursively) is whole: 1000
 * lines and "end\n", or a run's JSON ending in "}\n". */
static int check_whole(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int files = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || e->d_name[1] == '.'))
            continue;
        char *p = path_in(dir, e->d_name);
        struct stat st;
        cr_assert_eq(lstat(p, &st), 0);
        if (S_ISDIR(st.st_mode))
            files += check_whole(p);
        else if (!strstr(e->d_name, ".tmp-")) {
            size_t size = 0;
            char *text = pipe_test_read_file(p, &size);
            int json = strstr(e->d_name, ".json") != NULL;
            cr_assert(json ? size >= 2 && strcmp(text + size - 2, "}\n") == 0
                           : size == 1000 * 64 + 4 && strcmp(text + size - 4, "end\n") == 0,
                      "%s is not whole (%zu bytes)", p, size);
            free(text);
            files++;
        }
        free(p);
    }
    closedir(d);
    return files;
}

/* check_whole on "out", "out.failed" and every ".out.previous-<pid>". */
static void check_run_folders(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strncmp(e->d_name, "out", 3) == 0 || strncmp(e->d_name, ".out.", 5) == 0) {
            char *p = path_in(dir, e->d_name);
            check_whole(p);
            free(p);
        }
    closedir(d);
}

Test(outputs, a_run_killed_at_random_moments_leaves_only_whole_files)
{
    char *dir = pipe_test_tmpdir();
    char *yaml = pipe_test_write_file(dir, "p.yaml",
                                      WRITER "    params: {path: part, count: 40, lines: 1000}\n");
    char *out = path_in(dir, "out");
    unsigned seed = 17;
    int kills = 0;
    for (int round = 0; round < 25; round++) {
        pid_t pid = fork();
        cr_assert(pid >= 0);
        if (pid == 0) {
            int null = open("/dev/null", 1);
            dup2(null, 2);
            execl(PIPE_EXE, PIPE_EXE, "run", yaml, "--plugin-path", TEST_PLUGIN_DIR, "--quiet",
                  "--out", out, (char *)NULL);
            _exit(127);
        }
        seed = seed * 1103515245u + 12345u;
        struct timespec ts = {0, (long)((seed >> 8) % 40000) * 1000L}; /* 0 to 40 ms */
        nanosleep(&ts, NULL);
        kills += kill(pid, SIGKILL) == 0;
        int status;
        waitpid(pid, &status, 0);
        check_run_folders(dir);
        char *run = exists(out, "run.json") ? pipe_test_read_in(out, "run.json") : NULL;
        if (run && strstr(run, "\"complete\": true"))
            cr_assert_eq(check_whole(out), 42, "a complete run: 40 parts, metrics and run.json");
        else if (run)
            cr_assert(strstr(run, "\"status\": \"running\""), "%s", run);
        free(run);
    }
    cr_assert_gt(kills, 0);
    pipe_test_pipeline c =
        run_in(dir, WRITER "    params: {path: part, count: 40, lines: 1000}\n", out, NULL);
    cr_assert_eq(c.r.status, 0, "%s", c.r.err);
    cr_assert_eq(check_whole(out), 42);
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d)))
        cr_assert(!strstr(e->d_name, "previous"), "leftover %s removed", e->d_name);
    closedir(d);
    pipe_test_pipeline_free(&c);
    free(out);
    free(yaml);
    free(dir);
}
