/*
 * test_support.h — helpers shared by the Criterion tests: running the pipe
 * executable and capturing what it prints, finding the real CMS data in
 * ../shared/data, and making temporary files.
 */
#ifndef PIPE_TEST_SUPPORT_H
#define PIPE_TEST_SUPPORT_H

#include <stddef.h>

/* What one run of the pipe executable did. */
typedef struct pipe_test_result {
    int status; /* exit code, or 128 + signal */
    char *out;  /* everything written to stdout (NUL-terminated) */
    char *err;  /* everything written to stderr */
} pipe_test_result;

/* Run PIPE_EXE with the NULL-terminated argument list `args` (without the
 * program name) from the source root. Returns the result; free it with
 * pipe_test_result_free(). */
pipe_test_result pipe_test_run(const char *const *args);
void pipe_test_result_free(pipe_test_result *r);
/* The same under `mpirun --oversubscribe --allow-run-as-root -np RANKS`
 * (a run of `ranks` processes). */
pipe_test_result pipe_test_run_mpi(int ranks, const char *const *args);

/* Run `pipe run FILE --quiet --out OUT extra...` (`extra`: a
 * NULL-terminated list, or NULL), as the stages' end-to-end tests run the
 * pipelines of pipelines/. */
pipe_test_result pipe_test_run_file(const char *file, const char *out, const char *const *extra);
/* The text of the file `name` in folder `dir` (malloc'd), or NULL. */
char *pipe_test_read_in(const char *dir, const char *name);

/* One pipeline run from a test: its temporary folder, the pipeline file
 * written there, the output folder and what pipe printed. */
typedef struct pipe_test_pipeline {
    char *dir, *yaml, *out;
    pipe_test_result r;
} pipe_test_pipeline;

/* Write `yaml` to <dir>/p.yaml (dir: a new temporary folder when NULL) and
 * run `pipe COMMAND p.yaml [--out <dir>/out] extra...`: --out is added for
 * "run" only; `extra` is a NULL-terminated list or NULL. */
pipe_test_pipeline pipe_test_pipeline_run(const char *command, const char *yaml, const char *dir,
                                          const char *const *extra);
void pipe_test_pipeline_free(pipe_test_pipeline *p);
/* The text of a file in the output folder (malloc'd); fails the test, with
 * pipe's stderr, when it is missing. */
char *pipe_test_pipeline_output(const pipe_test_pipeline *p, const char *name);

/* The folder with the real CMS files (PIPE_SHARED_DATA, else
 * <source>/../shared/data), or NULL. pipe_test_run passes it to pipe as
 * PIPE_SHARED_DATA. */
const char *pipe_test_shared_data(void);
/* Full path of a file in that folder (malloc'd). When the folder is
 * missing, the calling test is skipped with a message naming the file; with
 * PIPE_REQUIRE_SHARED_DATA set (CI sets it) it fails instead. */
char *pipe_test_shared_file(const char *name);

/* A fresh temporary directory (malloc'd path), removed by nobody: tests
 * write below /tmp. */
char *pipe_test_tmpdir(void);
/* Write `content` to `dir/name`; returns the malloc'd path. */
char *pipe_test_write_file(const char *dir, const char *name, const char *content);
/* Read a whole file (malloc'd, NUL-terminated), or NULL. */
char *pipe_test_read_file(const char *path, size_t *size);

#endif
