/*
 * test_roundtrip.c — simulated events through the writer and back through
 * the loader: the CSV the writer makes from the simulated table is read
 * back unchanged (same values to the bit, same names), and the canonical
 * pipelines/simulate.yaml writes a file with the CMS file's columns.
 */
#include "csv.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static void assert_same_file(const char *dir, const char *a, const char *b)
{
    char *pa = path_in(dir, a), *pb = path_in(dir, b);
    size_t na, nb;
    char *ta = pipe_test_read_file(pa, &na), *tb = pipe_test_read_file(pb, &nb);
    cr_assert(ta && tb, "missing %s or %s", pa, pb);
    cr_assert_eq(na, nb, "%s: %zu bytes, %s: %zu bytes", a, na, b, nb);
    cr_assert(memcmp(ta, tb, na) == 0, "%s and %s differ", a, b);
    free(ta);
    free(tb);
    free(pa);
    free(pb);
}

Test(roundtrip, simulate_write_load_write_is_unchanged)
{
    char *dir = pipe_test_tmpdir(), *out = path_in(dir, "out");
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "pipeline: roundtrip\n"
             "seed: 42\n"
             "stages:\n"
             "  - {id: simulate, plugin: simulate, params: {events: 5000}, outputs: {table: ev}}\n"
             "  - {id: csv, plugin: writer, inputs: {table: ev}, params: {path: sim.csv}}\n"
             "  - {id: npy, plugin: writer, inputs: {table: ev}, params: {path: sim.npy}}\n"
             "  - id: load\n"
             "    plugin: loader\n"
             "    params: {path: [\"%s/sim.csv\"]}\n"
             "    outputs: {table: back}\n"
             "  - {id: csv2, plugin: writer, inputs: {table: back}, params: {path: back.csv}}\n"
             "  - {id: npy2, plugin: writer, inputs: {table: back}, params: {path: back.npy}}\n",
             out);
    char *file = pipe_test_write_file(dir, "p.yaml", yaml);
    const char *args[] = {"run",   file, "--plugin-path", PIPE_PLUGIN_BUILD_DIR,
                          "--out", out,  "--quiet",       NULL};
    pipe_test_result r = pipe_test_run(args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    /* Same doubles, bit for bit (.npy), and same names and text (CSV). */
    assert_same_file(out, "sim.npy", "back.npy");
    assert_same_file(out, "sim.csv", "back.csv");
    pipe_test_result_free(&r);
    free(file);
    free(out);
    free(dir);
}

/* The canonical pipeline: the CMS columns (names trimmed), 6-digit values,
 * M that agrees with the four-vectors as in the CMS file. */
Test(roundtrip, canonical_pipeline_writes_cms_columns)
{
    char *dir = pipe_test_tmpdir(), *out = path_in(dir, "out");
    const char *args[] = {"run",
                          "pipelines/simulate.yaml",
                          "--plugin-path",
                          PIPE_PLUGIN_BUILD_DIR,
                          "--out",
                          out,
                          "--quiet",
                          "--set",
                          "simulate.events=2000",
                          NULL};
    pipe_test_result r = pipe_test_run(args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *csv = path_in(out, "dielectron_simulated.csv");
    char *text = pipe_test_read_file(csv, NULL);
    cr_assert(text, "no %s", csv);
    const char *header = "Run,Event,E1,px1,py1,pz1,pt1,eta1,phi1,Q1,E2,px2,py2,pz2,pt2,eta2,phi2,"
                         "Q2,M\n";
    cr_assert(strncmp(text, header, strlen(header)) == 0, "%.200s", text);
    char err[512];
    pipe_tensor *t = pipe_csv_read(csv, NULL, NULL, err, sizeof err);
    cr_assert(t, "%s", err);
    cr_assert_eq(pipe_tensor_rows(t), 2000);
    cr_assert_eq(pipe_tensor_cols(t), 19);
    double sum = 0;
    for (int64_t i = 0; i < 2000; i++) {
        const double *row = (const double *)t->data + i * 19;
        double e = row[2] + row[10], px = row[3] + row[11], py = row[4] + row[12],
               pz = row[5] + row[13];
        sum += fabs(sqrt(fmax(0, e * e - px * px - py * py - pz * pz)) - row[18]);
    }
    /* Real sample: 5.3e-4 GeV on average (6-digit rounding). */
    cr_assert(sum / 2000 > 1e-4 && sum / 2000 < 2e-3, "mean |dM| %g", sum / 2000);
    pipe_tensor_release(t);
    pipe_test_result_free(&r);
    free(text);
    free(csv);
    free(out);
    free(dir);
}
