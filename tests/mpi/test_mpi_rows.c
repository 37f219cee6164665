/*
 * test_mpi_rows.c — the row blocks of a sharded table as the SDK reports
 * them (the trows test stage): after the loader and a cleaner that drops
 * rows unevenly across the ranks, every rank's block, offset and the
 * per-rank counts add up, and the global count is the cleaner's rows_out;
 * the f32 sum, the maximum and the broadcast give their closed forms.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_rows(int ranks, const char *sharded)
{
    char *csv = pipe_test_shared_file("dielectron_1k_damaged.csv");
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "pipeline: rows\nstages:\n"
             "  - id: load\n    plugin: loader\n    params: {path: %s}\n"
             "    outputs: {table: events}\n"
             "  - id: clean\n    plugin: cleaner\n    inputs: {table: events}\n"
             "    params: {physics_check: true, ranges: {M: [2, 110]}, charge: opposite}\n"
             "    outputs: {table: clean}\n"
             "  - id: rows\n    plugin: trows\n    inputs: {table: clean}\n",
             csv);
    char *dir = pipe_test_tmpdir();
    char *file = pipe_test_write_file(dir, "p.yaml", yaml);
    char *out = malloc(strlen(dir) + 8);
    sprintf(out, "%s/out", dir);
    const char *args[] = {
        "run", file, "--quiet", "--out", out, "--plugin-path", MPI_TEST_PLUGIN_DIR, NULL};
    pipe_test_result r = ranks ? pipe_test_run_mpi(ranks, args) : pipe_test_run(args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *m = pipe_test_read_in(out, "metrics.json");
    cr_assert(m && strstr(m, "\"rows_out\": 546,"), "%s", m);
    int n = ranks ? ranks : 1;
    char want[256];
    snprintf(want, sizeof want,
             "\"rows\": {\n    \"f32_sum\": %d,\n    \"max\": %d,\n    \"broadcast\": %d,\n"
             "    \"rows\": 546,\n    \"sharded\": %s,\n    \"errors\": 0\n  }",
             n * (n + 1) / 2, n - 1, 7 * n, sharded);
    cr_assert(strstr(m, want), "expected\n%s\nin\n%s", want, m);
    free(m);
    pipe_test_result_free(&r);
    free(out);
    free(file);
    free(dir);
    free(csv);
}

Test(mpi_rows, one_process_holds_every_row)
{
    check_rows(0, "0");
}

Test(mpi_rows, blocks_add_up_at_two_ranks)
{
    check_rows(2, "1");
}

Test(mpi_rows, blocks_add_up_at_three_ranks)
{
    check_rows(3, "1");
}
