/*
 * test_sweep.c — pipe sweep and pipe diff: grid expansion and order,
 * combination names, --set texts, --grid and sweep: errors with their
 * locations, the sweep table of a real sweep of test plugins (a failing
 * combination included) and the diff of two of its runs.
 */
#include "sweep.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const YAML = "pipeline: demo\n"
                                "seed: 7\n"
                                "stages:\n"
                                "  - id: gen\n"
                                "    plugin: tgen\n"
                                "    params: {n: 5, value: 2.0}\n"
                                "    outputs: {out: numbers}\n"
                                "  - id: sum\n"
                                "    plugin: tsum\n"
                                "    inputs: {in: numbers}\n";

static pipe_pipeline *load(const char *yaml, char **path)
{
    char *dir = pipe_test_tmpdir();
    *path = pipe_test_write_file(dir, "p.yaml", yaml);
    free(dir);
    return pipe_pipeline_load(*path);
}

Test(sweep, grid_order_names_and_set_texts)
{
    char *path;
    pipe_pipeline *p = load(YAML, &path);
    cr_assert(p);
    pipe_sweep_grid g;
    cr_assert_eq(pipe_sweep_grid_from_file(&g, p), 0);
    cr_assert_eq(g.n, 0);
    cr_assert_eq(pipe_sweep_grid_add_arg(&g, p, "gen.n=[1, 2]", 3), 0);
    cr_assert_eq(pipe_sweep_grid_add_arg(&g, p, "sum.n=[3,4,5]", 5), 0);
    cr_assert_eq(pipe_sweep_grid_add_arg(&g, p, "gen.label=[a b, 'x,y', \"it's\"]", 7), 0);
    cr_assert_eq(pipe_sweep_count(&g), 2 * 3 * 3);
    size_t idx[3];
    pipe_sweep_combination(&g, 0, idx);
    cr_assert(idx[0] == 0 && idx[1] == 0 && idx[2] == 0);
    pipe_sweep_combination(&g, 14, idx); /* 14 = 1*9 + 1*3 + 2: the last varies fastest */
    cr_assert(idx[0] == 1 && idx[1] == 1 && idx[2] == 2, "%zu %zu %zu", idx[0], idx[1], idx[2]);
    char *name = pipe_sweep_name(&g, idx);
    cr_assert_str_eq(name, "gen.n=2,sum.n=4,label=it_s");
    free(name);
    const pipe_value *labels = g.axes[2].values;
    const char *texts[] = {"a b", "'x,y'", "'it''s'"};
    for (size_t i = 0; i < 3; i++) {
        char *t = pipe_sweep_value_text(&labels->items[i]);
        cr_assert_str_eq(t, texts[i]);
        free(t);
    }
    /* The same parameter again replaces its values. */
    cr_assert_eq(pipe_sweep_grid_add_arg(&g, p, "sum.n=[[128, 64], {k: v}]", 9), 0);
    cr_assert_eq(g.n, 3);
    cr_assert_eq(pipe_sweep_count(&g), 2 * 2 * 3);
    char *t = pipe_sweep_value_text(g.axes[1].values);
    cr_assert_str_eq(t, "[[128, 64], {k: v}]");
    free(t);
    size_t last[3] = {1, 0, 1};
    name = pipe_sweep_name(&g, last);
    cr_assert_str_eq(name, "gen.n=2,sum.n=128x64,label=x_y");
    free(name);
    pipe_sweep_grid_free(&g);
    pipe_pipeline_free(p);
    free(path);
}

/* Run pipe with `args` and check the exit code and the exact stderr. */
static void expect_err(const char *const *args, int status, const char *err)
{
    pipe_test_result r = pipe_test_run(args);
    cr_assert_eq(r.status, status, "status %d, stderr:\n%s", r.status, r.err);
    cr_assert_str_eq(r.err, err);
    pipe_test_result_free(&r);
}

Test(sweep, grid_argument_errors_say_where)
{
    char *path;
    pipe_pipeline *p = load(YAML, &path);
    pipe_pipeline_free(p);
    const char *a1[] = {"sweep", path, "--grid", "gen.n=[1, 2", NULL};
    expect_err(a1, 2,
               "argument 4:2:1: invalid YAML: did not find expected ',' or ']' while parsing a "
               "flow sequence\n");
    const char *a2[] = {"sweep", path, "-j", "2", "--grid", "gen.value=3", NULL};
    expect_err(a2, 2,
               "argument 6:1:11: grid gen.value: expected a non-empty list of values [V1, V2, "
               "...], found a scalar\n");
    const char *a3[] = {"sweep", path, "--grid", "gn.n=[1]", NULL};
    expect_err(a3, 2,
               "argument 4:1:1: grid: no stage 'gn' in pipeline 'demo' (did you mean 'gen'?)\n");
    const char *a4[] = {"sweep", path, "--grid", "n=[1]", NULL};
    expect_err(a4, 2, "argument 4:1:1: --grid expects STAGE.PARAM=[V1, V2, ...], found 'n=[1]'\n");
    const char *a5[] = {"sweep", path, "--grid", "gen.n=[]", NULL};
    expect_err(a5, 2,
               "argument 4:1:7: grid gen.n: expected a non-empty list of values [V1, V2, ...], "
               "found an empty list\n");
    const char *a7[] = {"sweep", path, "--set", "gen.n=4", "--grid", "gen.n=[1, 2]", NULL};
    expect_err(a7, 2,
               "pipe: --set gen.n=4: the parameter is on the grid; give its values there\n"
               "usage: pipe sweep FILE [--grid STAGE.PARAM=[V1,V2,...] ...] [-j N]\n"
               "(see 'pipe sweep --help')\n");
    const char *a6[] = {"sweep", path, NULL};
    char want[4096];
    snprintf(want, sizeof want,
             "pipe: %s: nothing to sweep: give --grid STAGE.PARAM=[V1,V2,...] or a sweep: grid "
             "in the file\nusage: pipe sweep FILE [--grid STAGE.PARAM=[V1,V2,...] ...] [-j N]\n"
             "(see 'pipe sweep --help')\n",
             path);
    expect_err(a6, 2, want);
    free(path);
}

Test(sweep, sweep_block_errors_at_file_line_col)
{
    char *text = pipe_strdup_printf("%ssweep:\n  grid: {gen.n: [1], sum: [2], gen.value: 3}\n"
                                    "  goal: smallest\n  jobs: 0\n  metrc: x\n",
                                    YAML);
    char *path;
    pipe_pipeline *p = load(text, &path);
    cr_assert_null(p, "loading checks the sweep: block");
    const char *args[] = {"sweep", path, NULL};
    const char *validate[] = {"validate", path, "--plugin-path", TEST_PLUGIN_DIR, NULL};
    char want[4096];
    snprintf(want, sizeof want,
             "%s:12:22: grid: expected STAGE.PARAM, found 'sum'\n"
             "%s:12:43: grid gen.value: expected a non-empty list of values [V1, V2, ...], found "
             "a scalar\n"
             "%s:13:9: sweep goal: expected minimize or maximize, found 'smallest'\n"
             "%s:14:9: sweep jobs: expected a whole number from 1 to 64, found '0'\n"
             "%s:15:3: unknown sweep key 'metrc' (expected grid, metric, goal or jobs) (did you "
             "mean 'metric'?)\n",
             path, path, path, path, path);
    expect_err(args, 2, want);
    expect_err(validate, 2, want);
    pipe_pipeline_free(p);
    free(path);
    free(text);
}

/* The plot: the metric of the two successful runs, in order, drawn by the
 * loader and plotter plugins of this build; without them, the sweep says
 * there is no plot. */
static void check_plot(const pipe_test_result *r, const char *sweep)
{
    char *plugins = pipe_strdup_printf("%s", PIPE_EXE);
    *strrchr(plugins, '/') = '\0';
    char *loader = pipe_strdup_printf("%s/plugins/loader.so", plugins);
    char *plotter = pipe_strdup_printf("%s/plugins/plotter.so", plugins);
    char *plot = pipe_strdup_printf("%s/plot", sweep);
    char *csv = pipe_test_read_in(sweep, "plot_metric.csv");
    cr_assert_str_eq(csv, "sum.total\n6\n12\n");
    if (access(loader, R_OK) == 0 && access(plotter, R_OK) == 0) {
        size_t size = 0;
        char *png_path = pipe_strdup_printf("%s/sweep.png", plot);
        char *png = pipe_test_read_file(png_path, &size);
        cr_assert(png && size > 8 && !memcmp(png, "\x89PNG\r\n\x1a\n", 8), "%s", r->err);
        char *wrote = pipe_strdup_printf("pipe sweep: wrote %s\n", png_path);
        cr_assert(strstr(r->out, wrote), "%s", r->out);
        free(wrote);
        free(png);
        free(png_path);
    } else
        cr_assert(strstr(r->err, "pipe sweep: no plot: "), "%s", r->err);
    free(csv);
    free(plot);
    free(plotter);
    free(loader);
    free(plugins);
}

Test(sweep, table_best_and_diff)
{
    char *dir = pipe_test_tmpdir();
    char *yaml = pipe_strdup_printf("%ssweep:\n  grid: {gen.n: [2, 3]}\n  metric: sum.total\n"
                                    "  goal: maximize\n",
                                    YAML);
    char *path = pipe_test_write_file(dir, "p.yaml", yaml);
    char *out = pipe_strdup_printf("%s/out", dir);
    const char *args[] = {"sweep", path, "--plugin-path", TEST_PLUGIN_DIR,          "--out", out,
                          "-j",    "2",  "--grid",        "sum.fail=[false, true]", NULL};
    pipe_test_result r = pipe_test_run(args);
    cr_assert_eq(r.status, 1, "one failing combination fails the sweep; stderr:\n%s", r.err);
    cr_assert(strstr(r.err, "pipe sweep: 2 of 4 combinations failed\n"), "%s", r.err);
    /* With -j 2 a run's output comes as one block under its status line. */
    const char *failing[] = {"n=2,fail=true", "n=3,fail=true"};
    for (size_t i = 0; i < PIPE_COUNT(failing); i++) {
        char block[256];
        snprintf(block, sizeof block, "%s: FAILED (exit 1) in ", failing[i]);
        const char *at = strstr(r.err, block);
        cr_assert(at, "no '%s' in\n%s", block, r.err);
        snprintf(block, sizeof block, "\n  %s | stage 'sum': asked to fail\n", failing[i]);
        cr_assert(strstr(at, block) == strchr(at, '\n'), "'%s' not under its line in\n%s", block,
                  r.err);
    }
    char best[4096];
    snprintf(best, sizeof best,
             "pipe sweep: best sum.total = 12 (largest) for n=3,fail=false in "
             "%s/sweep/n=3,fail=false/\n",
             out);
    cr_assert(strstr(r.out, best), "%s", r.out);
    char *sweep = pipe_strdup_printf("%s/sweep", out);
    check_plot(&r, sweep);
    pipe_test_result_free(&r);
    char *csv = pipe_test_read_in(sweep, "sweep.csv");
    cr_assert(csv);
    /* Each row against its own run: 2 + 4 = 6, 2 + 4 + 6 = 12. */
    cr_assert(strstr(csv, "combination,gen.n,sum.fail,gen.sum,gen.names,gen.label,gen.flag,"
                          "gen.uniform,sum.total,status,exit_code,seconds\n") == csv,
              "%s", csv);
    const char *rows[] = {"\n\"n=2,fail=false\",2,false,6,1,none,0,",
                          ",6,ok,0,",
                          "\n\"n=2,fail=true\",2,true,,,,,,,failed,1,",
                          "\n\"n=3,fail=false\",3,false,12,1,none,0,",
                          ",12,ok,0,",
                          "\n\"n=3,fail=true\",3,true,,,,,,,failed,1,"};
    for (size_t i = 0; i < PIPE_COUNT(rows); i++)
        cr_assert(strstr(csv, rows[i]), "no '%s' in\n%s", rows[i], csv);
    char *json = pipe_test_read_in(sweep, "sweep.json");
    cr_assert(strstr(json, "\"grid\": {\"gen.n\": [2, 3], \"sum.fail\": [false, true]},\n"
                           "  \"metric\": \"sum.total\",\n  \"goal\": \"maximize\",\n"
                           "  \"best\": \"n=3,fail=false\",\n"),
              "%s", json);
    cr_assert(strstr(json, "\"params\": {\"gen.n\": 3, \"sum.fail\": false},\n"), "%s", json);

    char *a = pipe_strdup_printf("%s/n=2,fail=false", sweep);
    char *b = pipe_strdup_printf("%s/n=3,fail=false", sweep);
    const char *diff[] = {"diff", a, b, NULL};
    r = pipe_test_run(diff);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char want[4096];
    /* the configuration hash covers the parameters, so it differs too */
    snprintf(want, sizeof want, "A: %s\nB: %s\nrun:\n  pipeline_hash: 'fnv1a64:", a, b);
    cr_assert(strstr(r.out, want) == r.out, "%s", r.out);
    const char *rest = strstr(r.out, "\nparams:\n");
    cr_assert(rest, "%s", r.out);
    cr_assert_str_eq(rest, "\nparams:\n  gen.n: 2 -> 3\n"
                           "metrics:\n  gen.sum: 6 -> 12 (+100.00%)\n  sum.total: 6 -> 12 "
                           "(+100.00%)\n");
    pipe_test_result_free(&r);
    const char *same[] = {"diff", a, a, NULL};
    r = pipe_test_run(same);
    cr_assert(strstr(r.out, "no differences in the run, parameters or metrics\n"), "%s", r.out);
    pipe_test_result_free(&r);
    char *failed = pipe_strdup_printf("%s/n=2,fail=true", sweep);
    const char *bad[] = {"diff", a, failed, NULL};
    char err[4096];
    snprintf(err, sizeof err, "%s/metrics.json: cannot open: No such file or directory\n", failed);
    expect_err(bad, 2, err);
    free(failed);
    free(a);
    free(b);
    free(csv);
    free(json);
    free(sweep);
    free(out);
    free(path);
    free(yaml);
    free(dir);
}
