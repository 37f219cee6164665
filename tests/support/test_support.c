/*
 * test_support.c — running the pipe executable from tests, locating the
 * shared real data, temporary files. See test_support.h.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *slurp_fd(int fd, size_t *size)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (len + 1 >= cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    if (size)
        *size = len;
    return buf;
}

static pipe_test_result run_program(const char *program, const char *const *args);

pipe_test_result pipe_test_run(const char *const *args)
{
    return run_program(PIPE_EXE, args);
}

pipe_test_result pipe_test_run_mpi(int ranks, const char *const *args)
{
    char np[16];
    snprintf(np, sizeof np, "%d", ranks);
    const char *head[] = {"--oversubscribe", "--allow-run-as-root", "-np", np, PIPE_EXE};
    size_t n_head = sizeof head / sizeof head[0], n = 0;
    while (args[n])
        n++;
    const char **all = calloc(n_head + n + 1, sizeof *all);
    memcpy(all, head, sizeof head);
    memcpy(all + n_head, args, n * sizeof *args);
    pipe_test_result r = run_program("mpirun", all);
    free(all);
    return r;
}

/* Run `program` (found on PATH) with `args` from the source root. */
static pipe_test_result run_program(const char *program, const char *const *args)
{
    char out_path[] = "/tmp/pipe_test_outXXXXXX";
    char err_path[] = "/tmp/pipe_test_errXXXXXX";
    int out_fd = mkstemp(out_path), err_fd = mkstemp(err_path);
    cr_assert(out_fd >= 0 && err_fd >= 0, "mkstemp failed");
    size_t n = 0;
    while (args[n])
        n++;
    const char **argv = calloc(n + 2, sizeof *argv);
    argv[0] = program;
    for (size_t i = 0; i < n; i++)
        argv[i + 1] = args[i];
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        /* the tests' real data, wherever pipe_test_shared_data() found it */
        const char *shared = pipe_test_shared_data();
        if (shared && !getenv("PIPE_SHARED_DATA"))
            setenv("PIPE_SHARED_DATA", shared, 1);
        if (strcmp(program, "mpirun") == 0) { /* what Open MPI keeps is not pipe's leak */
            setenv("LSAN_OPTIONS",
                   "suppressions=" PIPE_SOURCE_DIR "/tests/support/lsan_mpi.supp:"
                   "print_suppressions=0",
                   1);
            /* full stacks through Open MPI's frames, to its caller */
            const char *asan = getenv("ASAN_OPTIONS");
            char *full = malloc(strlen(asan ? asan : "") + 64);
            sprintf(full, "%s%sfast_unwind_on_malloc=0:malloc_context_size=100", asan ? asan : "",
                    asan && *asan ? ":" : "");
            setenv("ASAN_OPTIONS", full, 1);
            free(full);
        }
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        if (chdir(PIPE_SOURCE_DIR) != 0)
            _exit(126);
        execvp(program, (char *const *)argv);
        _exit(127);
    }
    int wstatus = 0;
    waitpid(pid, &wstatus, 0);
    free(argv);
    pipe_test_result r;
    r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
    lseek(out_fd, 0, SEEK_SET);
    lseek(err_fd, 0, SEEK_SET);
    r.out = slurp_fd(out_fd, NULL);
    r.err = slurp_fd(err_fd, NULL);
    close(out_fd);
    close(err_fd);
    unlink(out_path);
    unlink(err_path);
    return r;
}

void pipe_test_result_free(pipe_test_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *pipe_test_shared_data(void)
{
    static char found[4096];
    const char *env = getenv("PIPE_SHARED_DATA");
    if (env && is_dir(env))
        return env;
    snprintf(found, sizeof found, "%s/../shared/data", PIPE_SOURCE_DIR);
    if (is_dir(found))
        return found;
    return NULL;
}

char *pipe_test_shared_file(const char *name)
{
    const char *dir = pipe_test_shared_data();
    if (!dir) {
        const char *required = getenv("PIPE_REQUIRE_SHARED_DATA");
        if (required && *required && strcmp(required, "0") != 0)
            cr_assert_fail(
                "this test needs the real CMS file %s, which is not in $PIPE_SHARED_DATA "
                "nor in %s/../shared/data; PIPE_REQUIRE_SHARED_DATA is set (as CI sets "
                "it), so it fails instead of being skipped",
                name, PIPE_SOURCE_DIR);
        cr_skip_test("skipped: this test needs the real CMS file %s; set PIPE_SHARED_DATA to "
                     "the folder holding it (or put it in %s/../shared/data)",
                     name, PIPE_SOURCE_DIR);
    }
    size_t len = strlen(dir) + strlen(name) + 2;
    char *path = malloc(len);
    snprintf(path, len, "%s/%s", dir, name);
    return path;
}

char *pipe_test_tmpdir(void)
{
    char *path = strdup("/tmp/pipe_testXXXXXX");
    cr_assert(mkdtemp(path) != NULL, "mkdtemp failed");
    return path;
}

char *pipe_test_write_file(const char *dir, const char *name, const char *content)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *path = malloc(len);
    snprintf(path, len, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert(f != NULL, "cannot write %s", path);
    fputs(content, f);
    fclose(f);
    return path;
}

char *pipe_test_read_file(const char *path, size_t *size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    char *buf = slurp_fd(fd, size);
    close(fd);
    return buf;
}

pipe_test_result pipe_test_run_file(const char *file, const char *out, const char *const *extra)
{
    const char *args[64] = {"run", file, "--quiet", "--out", out};
    size_t n = 5;
    for (size_t i = 0; extra && extra[i] && n < 63; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    return pipe_test_run(args);
}

char *pipe_test_read_in(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return pipe_test_read_file(path, NULL);
}

pipe_test_pipeline pipe_test_pipeline_run(const char *command, const char *yaml, const char *dir,
                                          const char *const *extra)
{
    pipe_test_pipeline p;
    p.dir = dir ? strdup(dir) : pipe_test_tmpdir();
    p.yaml = pipe_test_write_file(p.dir, "p.yaml", yaml);
    size_t len = strlen(p.dir) + 8;
    p.out = malloc(len);
    snprintf(p.out, len, "%s/out", p.dir);
    const char *args[64] = {command, p.yaml};
    size_t n = 2;
    if (strcmp(command, "run") == 0) {
        args[n++] = "--out";
        args[n++] = p.out;
    }
    for (size_t i = 0; extra && extra[i] && n < 63; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    p.r = pipe_test_run(args);
    return p;
}

void pipe_test_pipeline_free(pipe_test_pipeline *p)
{
    pipe_test_result_free(&p->r);
    free(p->dir);
    free(p->yaml);
    free(p->out);
}

char *pipe_test_pipeline_output(const pipe_test_pipeline *p, const char *name)
{
    size_t len = strlen(p->out) + strlen(name) + 2;
    char *path = malloc(len);
    snprintf(path, len, "%s/%s", p->out, name);
    char *text = pipe_test_read_file(path, NULL);
    cr_assert_not_null(text, "%s was not written; stderr:\n%s", path, p->r.err);
    free(path);
    return text;
}
