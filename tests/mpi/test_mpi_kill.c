/*
 * test_mpi_kill.c — a rank killed in the middle of a run (SIGKILL, as a
 * node lost) ends the whole run: mpirun stops the other ranks, exits
 * non-zero and names the rank and the signal; no output is partial (no
 * metrics.json, the running stage's file not under its final name), and
 * the next run gives the complete run before it back and completes.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const pipeline = "pipeline: killed\n"
                                    "stages:\n"
                                    "  - id: first\n"
                                    "    plugin: tkill\n"
                                    "    params: {file: first.txt}\n"
                                    "  - id: second\n"
                                    "    plugin: tkill\n"
                                    "    params: {file: second.txt}\n";

/* The pipeline at 2 ranks, rank `kill_rank` dying in the second stage. */
static pipe_test_result run(const char *yaml, const char *out, const char *kill_rank)
{
    char set[64];
    snprintf(set, sizeof set, "second.kill_rank=%s", kill_rank);
    const char *args[] = {
        "run",   yaml, "--quiet", "--out", out, "--plugin-path", MPI_TEST_PLUGIN_DIR,
        "--set", set,  NULL};
    return pipe_test_run_mpi(2, args);
}

static int exists(const char *dir, const char *name)
{
    struct stat st;
    char *path = malloc(strlen(dir) + strlen(name) + 2);
    sprintf(path, "%s/%s", dir, name);
    int found = stat(path, &st) == 0;
    free(path);
    return found;
}

Test(mpi_kill, killed_rank_ends_the_run_without_output_files)
{
    char *dir = pipe_test_tmpdir();
    char *yaml = pipe_test_write_file(dir, "p.yaml", pipeline);
    char *out = malloc(strlen(dir) + 8);
    sprintf(out, "%s/out", dir);

    pipe_test_result ok = run(yaml, out, "-1"); /* a complete run first */
    cr_assert_eq(ok.status, 0, "%s", ok.err);
    cr_assert(exists(out, "metrics.json") && exists(out, "second.txt"));
    char *before = pipe_test_read_in(out, "metrics.json");
    cr_assert(strstr(before, "\"ranks\": 2"), "%s", before);
    pipe_test_result_free(&ok);

    pipe_test_result r = run(yaml, out, "1");
    cr_assert_neq(r.status, 0, "a run with a killed rank succeeded");
    cr_assert(strstr(r.err, "rank 1") && strstr(r.err, "signal 9"),
              "mpirun should name rank 1 and signal 9:\n%s", r.err);
    /* the folder under the final name is the killed run's: no metrics,
     * and the file being written only under its temporary name */
    cr_assert(!exists(out, "metrics.json"), "metrics.json of a killed run");
    cr_assert(!exists(out, "second.txt"), "the running stage's file was kept");
    pipe_test_result_free(&r);

    /* the next run puts the complete run back before it starts, and
     * completes */
    pipe_test_result again = run(yaml, out, "-1");
    cr_assert_eq(again.status, 0, "%s", again.err);
    char *after = pipe_test_read_in(out, "metrics.json");
    cr_assert_str_eq(after, before);
    pipe_test_result_free(&again);
    free(before);
    free(after);
    free(yaml);
    free(out);
    free(dir);
}
