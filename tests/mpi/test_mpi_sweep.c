/*
 * test_mpi_sweep.c — pipe sweep under mpirun: the ranks share the
 * combinations (rank r runs those with index mod N = r), and rank 0
 * writes the same sweep table as one process (timings aside), with every
 * combination run exactly once.
 */
#include "core.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The sweep table without its last column (seconds, which vary). */
static char *table_without_seconds(const char *out)
{
    char *sweep = pipe_strdup_printf("%s/sweep", out);
    char *csv = pipe_test_read_in(sweep, "sweep.csv");
    cr_assert(csv, "no %s/sweep.csv", sweep);
    free(sweep);
    char *w = csv;
    for (char *line = csv; *line;) {
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        size_t keep = len;
        while (keep > 0 && line[keep - 1] != ',')
            keep--;
        keep = keep ? keep - 1 : len; /* up to the last comma */
        memmove(w, line, keep);
        w += keep;
        *w++ = '\n';
        line = end ? end + 1 : line + len;
    }
    *w = 0;
    return csv;
}

static size_t count(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *at = text; (at = strstr(at, what)); at += strlen(what))
        n++;
    return n;
}

Test(mpi_sweep, ranks_share_the_combinations)
{
    char *dir = pipe_test_tmpdir();
    char *csv = pipe_test_shared_file("dielectron_sample.csv");
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "pipeline: zs\nseed: 1\nstages:\n  - id: load\n    plugin: loader\n"
             "    params: {path: %s}\n    outputs: {table: events}\n"
             "  - id: z\n    plugin: select\n    inputs: {table: events}\n"
             "    params: {where: [\"M > 60\"]}\n",
             csv);
    char *file = pipe_test_write_file(dir, "p.yaml", yaml);
    char *one = pipe_strdup_printf("%s/one", dir), *three = pipe_strdup_printf("%s/three", dir);
    const char *grid = "z.where=[[\"M > 60\"],[\"M > 70\"],[\"M > 80\"],[\"M > 90\"],[\"M > 95\"]]";
    const char *a1[] = {"sweep", file,       "--out",      one,          "--grid",
                        grid,    "--metric", "z.rows_out", "--maximize", NULL};
    pipe_test_result r1 = pipe_test_run(a1);
    cr_assert_eq(r1.status, 0, "%s", r1.err);
    const char *a3[] = {"sweep", file,       "--out",      three,        "--grid",
                        grid,    "--metric", "z.rows_out", "--maximize", NULL};
    pipe_test_result r3 = pipe_test_run_mpi(3, a3);
    cr_assert_eq(r3.status, 0, "%s", r3.err);
    /* five combinations over three ranks: each run once (2 + 2 + 1) */
    cr_assert_eq(count(r3.err, ": ok (exit 0) in "), 5, "%s", r3.err);
    cr_assert_eq(count(r3.err, "pipe sweep: [2/2] "), 2, "%s", r3.err);
    cr_assert_eq(count(r3.err, "pipe sweep: [1/1] "), 1, "%s", r3.err);
    cr_assert(strstr(r3.out, "pipe sweep: best z.rows_out = 178 (largest) for where=M___60 in "),
              "%s", r3.out);
    char *t1 = table_without_seconds(one), *t3 = table_without_seconds(three);
    cr_assert_str_eq(t3, t1);
    cr_assert(strstr(t1, ",M > 90,1288,"), "%s", t1);
    free(t1);
    free(t3);
    pipe_test_result_free(&r1);
    pipe_test_result_free(&r3);
    free(one);
    free(three);
    free(file);
    free(csv);
    free(dir);
}
