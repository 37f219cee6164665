/*
 * test_mpi_loader.c — the loader under MPI reads its byte range of the
 * rows on each rank: an error in the last rank's range names the line of
 * the file (as one process does) and the rank that found it; skipped rows
 * are counted over all ranks.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The real sample with field pz1 of line 1201 (of 1289) made '12x4'. */
static char *damaged_sample(const char *dir)
{
    char *path = pipe_test_shared_file("dielectron_sample.csv");
    char *text = pipe_test_read_file(path, NULL);
    cr_assert(text);
    char *at = text;
    for (int line = 1; line < 1201; line++)
        at = strchr(at, '\n') + 1;
    for (int field = 0; field < 5; field++)
        at = strchr(at, ',') + 1;
    char *end = strchr(at, ',');
    size_t head = (size_t)(at - text);
    char *out = malloc(strlen(text) + 8);
    sprintf(out, "%.*s12x4%s", (int)head, text, end);
    char *written = pipe_test_write_file(dir, "bad.csv", out);
    free(out);
    free(text);
    free(path);
    return written;
}

static pipe_test_result load(const char *dir, const char *csv, const char *on_bad_row, int ranks)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "pipeline: bad\nstages:\n  - id: load\n    plugin: loader\n"
             "    params: {path: %s, on_bad_row: %s}\n",
             csv, on_bad_row);
    char *file = pipe_test_write_file(dir, "p.yaml", yaml);
    char out[1024];
    snprintf(out, sizeof out, "%s/out-%s-%d", dir, on_bad_row, ranks);
    const char *args[] = {"run", file, "--out", out, NULL};
    pipe_test_result r = ranks ? pipe_test_run_mpi(ranks, args) : pipe_test_run(args);
    free(file);
    return r;
}

Test(mpi_loader, error_in_the_last_rank_names_the_file_line)
{
    char *dir = pipe_test_tmpdir();
    char *csv = damaged_sample(dir);
    char want[1200];
    snprintf(want, sizeof want,
             "rank 2: stage 'load': %s:1201:44: column 'pz1': expected a number, found '12x4'\n",
             csv);
    pipe_test_result one = load(dir, csv, "error", 0);
    cr_assert_eq(one.status, 1);
    cr_assert(strstr(one.err, want + strlen("rank 2: ")), "%s", one.err);
    pipe_test_result r = load(dir, csv, "error", 3);
    cr_assert_neq(r.status, 0);
    cr_assert(strstr(r.err, want), "expected\n%s\nin\n%s", want, r.err);
    pipe_test_result_free(&one);
    pipe_test_result_free(&r);
    free(csv);
    free(dir);
}

Test(mpi_loader, skipped_rows_counted_over_the_ranks)
{
    char *dir = pipe_test_tmpdir();
    char *csv = damaged_sample(dir);
    pipe_test_result r = load(dir, csv, "skip", 3);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char out[1024];
    snprintf(out, sizeof out, "%s/out-skip-3", dir);
    char *metrics = pipe_test_read_in(out, "metrics.json");
    cr_assert(metrics && strstr(metrics, "\"rows\": 1287,") &&
                  strstr(metrics, "\"rows_skipped\": 1,"),
              "%s", metrics);
    char want[1200];
    snprintf(want, sizeof want,
             "[load] warning: skipped 1 malformed row (on_bad_row: skip); the first: "
             "%s:1201:44: column 'pz1': expected a number, found '12x4'\n",
             csv);
    cr_assert(strstr(r.err, want), "expected\n%s\nin\n%s", want, r.err);
    pipe_test_result_free(&r);
    free(metrics);
    free(csv);
    free(dir);
}

/* Checkpoints are one process's: --resume under mpirun is refused before
 * anything runs or is written. */
Test(mpi_loader, resume_refused_for_several_ranks)
{
    char *dir = pipe_test_tmpdir();
    char *csv = pipe_test_shared_file("dielectron_sample.csv");
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "pipeline: again\nstages:\n  - id: load\n    plugin: loader\n    params: {path: %s}\n",
             csv);
    char *file = pipe_test_write_file(dir, "p.yaml", yaml);
    char out[1024];
    snprintf(out, sizeof out, "%s/out", dir);
    const char *args[] = {"run", file, "--out", out, "--resume", NULL};
    pipe_test_result r = pipe_test_run_mpi(2, args);
    cr_assert_neq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "pipe: --resume is for runs of one process: a run of 2 ranks (MPI) "
                            "writes no checkpoint\n"),
              "%s", r.err);
    char metrics[1100];
    snprintf(metrics, sizeof metrics, "%s/metrics.json", out);
    cr_assert(access(metrics, F_OK) != 0, "%s exists", metrics);
    pipe_test_result_free(&r);
    free(file);
    free(csv);
    free(dir);
}
