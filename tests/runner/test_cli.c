/*
 * test_cli.c — the pipe command end to end with test plugins: exit codes,
 * every kind of pipeline error with its exact message and location,
 * plugin loading failures, --set, --expect, and what a run writes.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef pipe_test_pipeline case_run;

/* Run `pipe COMMAND p.yaml --plugin-path T [--quiet] extra...` on `yaml`
 * written to a new temporary folder. */
static case_run run_case(const char *command, const char *yaml, const char *const *extra)
{
    const char *args[32] = {"--plugin-path", TEST_PLUGIN_DIR};
    size_t n = 2;
    if (strcmp(command, "run") == 0)
        args[n++] = "--quiet";
    for (size_t i = 0; extra && extra[i]; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    return pipe_test_pipeline_run(command, yaml, NULL, args);
}

#define free_case pipe_test_pipeline_free

/* Assert that stderr is exactly `expected` with "F" replaced by the file. */
static void assert_err(const case_run *c, int status, const char *expected)
{
    char want[4096];
    size_t len = 0;
    for (const char *e = expected; *e && len < sizeof want - 512; e++) {
        if (*e == 'F' && e[1] == ':') {
            len += (size_t)snprintf(want + len, sizeof want - len, "%s", c->yaml);
            continue;
        }
        want[len++] = *e;
    }
    want[len] = '\0';
    cr_assert_eq(c->r.status, status, "status %d, stderr:\n%s", c->r.status, c->r.err);
    cr_assert_str_eq(c->r.err, want);
}

static const char *const GOOD = "pipeline: demo\n"
                                "seed: 7\n"
                                "stages:\n"
                                "  - id: gen\n"
                                "    plugin: tgen\n"
                                "    params: {n: 5, value: 2.0}\n"
                                "    outputs: {out: numbers}\n"
                                "  - id: sum\n"
                                "    plugin: tsum\n"
                                "    inputs: {in: numbers}\n";

Test(cli, version_and_help)
{
    const char *v[] = {"--version", NULL};
    pipe_test_result r = pipe_test_run(v);
    cr_assert_eq(r.status, 0);
    cr_assert_str_eq(r.out, "pipe 0.1.0 (plugin ABI 1.2)\n");
    pipe_test_result_free(&r);
    const char *h[] = {"run", "--help", NULL};
    r = pipe_test_run(h);
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "usage: pipe run FILE") == r.out);
    pipe_test_result_free(&r);
    const char *bad[] = {"rnu", NULL};
    r = pipe_test_run(bad);
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.err, "pipe: unknown command 'rnu' (did you mean 'run'?)\n"
                            "(see 'pipe --help')\n");
    pipe_test_result_free(&r);
}

Test(cli, bad_threads_is_usage_error)
{
    const char *const extra[] = {"--threads", "zero", NULL};
    case_run c = run_case("run", GOOD, extra);
    cr_assert_eq(c.r.status, 2);
    cr_assert(
        strstr(c.r.err, "pipe: --threads expects a whole number from 1 to 256, found 'zero'"));
    free_case(&c);
}

/* The "threads" figure of the run.json of a run of `yaml` with `extra`. */
static int run_threads(const char *yaml, const char *const *extra)
{
    case_run c = run_case("run", yaml, extra);
    cr_assert_eq(c.r.status, 0, "%s", c.r.err);
    char path[4096];
    snprintf(path, sizeof path, "%s/run.json", c.out);
    char *run = pipe_test_read_file(path, NULL);
    const char *at = run ? strstr(run, "\"threads\": ") : NULL;
    cr_assert(at, "%s", run);
    int threads = atoi(at + strlen("\"threads\": "));
    free(run);
    free_case(&c);
    return threads;
}

Test(cli, threads_from_the_pipeline_unless_the_command_line_says)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml, "threads: 2\n%s", GOOD);
    const char *const one[] = {"--threads", "1", NULL};
    cr_assert_eq(run_threads(GOOD, NULL), 1);
    cr_assert_eq(run_threads(yaml, NULL), 2);
    cr_assert_eq(run_threads(yaml, one), 1);
    case_run c =
        run_case("validate", "pipeline: x\nthreads: 0\nstages:\n  - {id: a, plugin: tgen}\n", NULL);
    assert_err(&c, 2, "F:2:10: 'threads' must be a whole number from 1 to 256, found '0'\n");
    free_case(&c);
}

Test(cli, missing_file_names_path_and_reason)
{
    const char *args[] = {"validate", "/nonexistent/x.yaml", NULL};
    pipe_test_result r = pipe_test_run(args);
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.err, "/nonexistent/x.yaml: cannot open: No such file or directory\n");
    pipe_test_result_free(&r);
}

Test(cli, run_writes_results_atomically)
{
    case_run c = run_case("run", GOOD, NULL);
    cr_assert_eq(c.r.status, 0, "%s", c.r.err);
    char path[4096];
    snprintf(path, sizeof path, "%s/metrics.json", c.out);
    char *metrics = pipe_test_read_file(path, NULL);
    cr_assert(metrics);
    /* 2+4+6+8+10 = 30 */
    cr_assert(
        strstr(metrics, "\"gen\": {\n    \"sum\": 30,\n    \"names\": 1,\n    \"label\": \"none\""),
        "%s", metrics);
    cr_assert(strstr(metrics, "\"sum\": {\n    \"total\": 30\n  }"), "%s", metrics);
    snprintf(path, sizeof path, "%s/sum.txt", c.out);
    char *sum = pipe_test_read_file(path, NULL);
    cr_assert_str_eq(sum, "30\n");
    snprintf(path, sizeof path, "%s/run.json", c.out);
    char *run = pipe_test_read_file(path, NULL);
    cr_assert(strstr(run, "\"seed\": 7"));
    cr_assert(strstr(run, "\"params\": {\"n\": 5, \"value\": 2, \"mode\": \"linear\""), "%s", run);
    cr_assert(strstr(run, "\"numbers\": {\"dtype\": \"f64\", \"shape\": [5]}"), "%s", run);
    cr_assert(strstr(run, "\"seconds\": 0.25"), "%s", run);
    /* No temporary file is left behind. */
    DIR *d = opendir(c.out);
    struct dirent *e;
    while ((e = readdir(d)))
        cr_assert(strstr(e->d_name, ".tmp") == NULL, "left %s", e->d_name);
    closedir(d);
    free(metrics);
    free(sum);
    free(run);
    free_case(&c);
}

Test(cli, same_seed_same_metrics_other_seed_differs)
{
    case_run a = run_case("run", GOOD, NULL), b = run_case("run", GOOD, NULL);
    const char *const extra[] = {"--set", "gen.n=5", NULL};
    char pa[4096], pb[4096];
    snprintf(pa, sizeof pa, "%s/metrics.json", a.out);
    snprintf(pb, sizeof pb, "%s/metrics.json", b.out);
    char *ma = pipe_test_read_file(pa, NULL), *mb = pipe_test_read_file(pb, NULL);
    cr_assert_str_eq(ma, mb);
    char *other = strdup(GOOD);
    memcpy(strstr(other, "seed: 7"), "seed: 8", 7);
    case_run c = run_case("run", other, extra);
    char pc[4096];
    snprintf(pc, sizeof pc, "%s/metrics.json", c.out);
    char *mc = pipe_test_read_file(pc, NULL);
    cr_assert(strcmp(ma, mc) != 0, "the seed must change the random metric");
    free(ma), free(mb), free(mc), free(other);
    free_case(&a), free_case(&b), free_case(&c);
}

Test(cli, set_overrides_parameters)
{
    const char *const extra[] = {"--set", "gen.n=3", "--set", "gen.mode=constant", NULL};
    case_run c = run_case("run", GOOD, extra);
    cr_assert_eq(c.r.status, 0, "%s", c.r.err);
    char path[4096];
    snprintf(path, sizeof path, "%s/metrics.json", c.out);
    char *metrics = pipe_test_read_file(path, NULL);
    cr_assert(strstr(metrics, "\"total\": 6"), "%s", metrics); /* 3 x 2.0 */
    free(metrics);
    free_case(&c);
}

Test(cli, set_unknown_stage_and_param)
{
    const char *const extra[] = {"--set", "gn.n=3", "--set", "sum.fial=true", NULL};
    case_run c = run_case("validate", GOOD, extra);
    char want[4096];
    snprintf(want, sizeof want,
             "--set gn.n=3: no stage 'gn' in %s (its stages: gen, sum) (did you mean 'gen'?)\n"
             "--set sum.fial=true: stage 'sum': unknown parameter 'fial' (did you mean 'fail'?)\n",
             c.yaml);
    cr_assert_eq(c.r.status, 2);
    cr_assert_str_eq(c.r.err, want);
    free_case(&c);
}

Test(cli, set_bad_value_points_at_set)
{
    const char *const extra[] = {"--set", "gen.n=many", NULL};
    case_run c = run_case("validate", GOOD, extra);
    assert_err(&c, 2,
               "--set gen.n=many: stage 'gen': parameter 'n': expected an integer, "
               "found 'many'\n");
    free_case(&c);
}

Test(cli, validate_ok)
{
    case_run c = run_case("validate", GOOD, NULL);
    cr_assert_eq(c.r.status, 0, "%s", c.r.err);
    cr_assert(strstr(c.r.out, ": valid (2 stages)"));
    free_case(&c);
}

Test(cli, invalid_yaml_syntax)
{
    case_run c = run_case("validate", "pipeline: x\nstages: [a, b\n", NULL);
    cr_assert_eq(c.r.status, 2);
    char want[4096];
    snprintf(want, sizeof want,
             "%s:3:1: invalid YAML: did not find expected ',' or ']' while "
             "parsing a flow sequence\n",
             c.yaml);
    cr_assert_str_eq(c.r.err, want);
    free_case(&c);
}

Test(cli, unknown_keys_with_suggestions)
{
    case_run c = run_case("validate",
                          "pipeline: x\n"
                          "sed: 3\n"
                          "stages:\n"
                          "  - id: gen\n"
                          "    plugn: tgen\n",
                          NULL);
    assert_err(&c, 2,
               "F:2:1: unknown top-level key 'sed' (did you mean 'seed'?)\n"
               "F:4:5: stage 'gen': missing required key 'plugin'\n"
               "F:5:5: stage 'gen': unknown stage key 'plugn' (did you mean 'plugin'?)\n");
    free_case(&c);
}

Test(cli, duplicate_ids_and_bad_seed)
{
    case_run c = run_case("validate",
                          "pipeline: x\nseed: -1\nstages:\n"
                          "  - {id: a, plugin: tgen}\n"
                          "  - {id: a, plugin: tgen}\n",
                          NULL);
    assert_err(&c, 2,
               "F:2:7: 'seed' must be a non-negative integer, found '-1'\n"
               "F:5:5: duplicate stage id 'a' (first at line 4)\n");
    free_case(&c);
}

Test(cli, unknown_parameter_did_you_mean)
{
    case_run c = run_case("validate",
                          "pipeline: x\nstages:\n"
                          "  - id: gen\n"
                          "    plugin: tgen\n"
                          "    params:\n"
                          "      valeu: 3\n",
                          NULL);
    assert_err(&c, 2, "F:6:7: stage 'gen': unknown parameter 'valeu' (did you mean 'value'?)\n");
    free_case(&c);
}

Test(cli, parameter_types_ranges_choices)
{
    case_run c = run_case("validate",
                          "pipeline: x\nstages:\n"
                          "  - id: gen\n"
                          "    plugin: tgen\n"
                          "    params:\n"
                          "      n: 5000\n"
                          "      value: abc\n"
                          "      mode: lineer\n"
                          "      flag: maybe\n"
                          "      fractions: [0.5, 1.5]\n"
                          "      names: {a: 1}\n",
                          NULL);
    assert_err(&c, 2,
               "F:6:10: stage 'gen': parameter 'n': 5000 is out of range [1, 1000]\n"
               "F:7:14: stage 'gen': parameter 'value': expected a finite number, found 'abc'\n"
               "F:8:13: stage 'gen': parameter 'mode': expected one of linear, constant, found "
               "'lineer' (did you mean 'linear'?)\n"
               "F:9:13: stage 'gen': parameter 'flag': expected true or false, found 'maybe'\n"
               "F:10:24: stage 'gen': parameter 'fractions': 1.5 is out of range [0, 1]\n"
               "F:11:14: stage 'gen': parameter 'names': expected a list, found a mapping\n");
    free_case(&c);
}

Test(cli, plugin_check_errors_point_at_values)
{
    case_run c = run_case("validate",
                          "pipeline: x\nstages:\n"
                          "  - id: gen\n"
                          "    plugin: tgen\n"
                          "    params:\n"
                          "      spec: {good: 1, bad: 2}\n",
                          NULL);
    assert_err(&c, 2, "F:6:28: stage 'gen': parameter 'spec': key 'bad' is not allowed\n");
    free_case(&c);
    case_run d = run_case("validate",
                          "pipeline: x\nstages:\n"
                          "  - id: gen\n"
                          "    plugin: tgen\n"
                          "    params: {mode: constant, n: 500}\n",
                          NULL);
    assert_err(&d, 2,
               "F:5:33: stage 'gen': parameter 'n': at most 100 with mode constant, "
               "found 500\n");
    free_case(&d);
}

Test(cli, environment_expansion)
{
    setenv("PIPE_TEST_LABEL", "from-env", 1);
    const char *yaml = "pipeline: x\nstages:\n"
                       "  - id: gen\n"
                       "    plugin: tgen\n"
                       "    params: {label: \"${PIPE_TEST_LABEL}+${PIPE_TEST_UNSET:-dflt}\"}\n";
    case_run c = run_case("run", yaml, NULL);
    cr_assert_eq(c.r.status, 0, "%s", c.r.err);
    char path[4096];
    snprintf(path, sizeof path, "%s/metrics.json", c.out);
    char *m = pipe_test_read_file(path, NULL);
    cr_assert(strstr(m, "\"label\": \"from-env+dflt\""), "%s", m);
    free(m);
    free_case(&c);
    case_run d = run_case("validate",
                          "pipeline: x\nstages:\n  - id: gen\n    plugin: tgen\n"
                          "    params: {label: \"${PIPE_TEST_UNSET}\"}\n",
                          NULL);
    assert_err(&d, 2,
               "F:5:21: stage 'gen': parameter 'label': environment variable "
               "'PIPE_TEST_UNSET' is not set (write ${PIPE_TEST_UNSET:-default} to give "
               "one)\n");
    free_case(&d);
}

Test(cli, missing_input_tensor)
{
    case_run c = run_case("validate",
                          "pipeline: x\nstages:\n"
                          "  - id: sum\n"
                          "    plugin: tsum\n"
                          "    inputs: {in: nowhere}\n",
                          NULL);
    assert_err(&c, 2,
               "F:5:18: stage 'sum': input 'in': no earlier stage produces a tensor "
               "'nowhere'\n");
    free_case(&c);
}

Test(cli, dtype_and_rank_mismatch)
{
    case_run c = run_case("validate",
                          "pipeline: x\nstages:\n"
                          "  - {id: grid, plugin: tmatrix}\n"
                          "  - id: sum\n"
                          "    plugin: tsum\n"
                          "    inputs: {in: grid}\n",
                          NULL);
    assert_err(&c, 2,
               "F:6:18: stage 'sum': input 'in': tensor 'grid' from stage 'grid' is i32, "
               "expected f32 or f64\n");
    free_case(&c);
}

Test(cli, unknown_port)
{
    case_run c = run_case("validate",
                          "pipeline: x\nstages:\n"
                          "  - id: gen\n"
                          "    plugin: tgen\n"
                          "    outputs: {otu: numbers}\n",
                          NULL);
    assert_err(&c, 2, "F:5:20: stage 'gen': unknown output port 'otu' (did you mean 'out'?)\n");
    free_case(&c);
}

Test(cli, unknown_plugin)
{
    case_run c =
        run_case("validate", "pipeline: x\nstages:\n  - id: a\n    plugin: nosuch\n", NULL);
    cr_assert_eq(c.r.status, 2);
    char want[256];
    snprintf(want, sizeof want,
             "%s:4:13: stage 'a': no plugin 'nosuch' in the search path (%s:", c.yaml,
             TEST_PLUGIN_DIR);
    cr_assert(strstr(c.r.err, want) == c.r.err, "%s", c.r.err);
    cr_assert(strstr(c.r.err, "); see 'pipe list'\n"));
    free_case(&c);
}

Test(cli, plugin_with_other_abi_is_refused)
{
    case_run c =
        run_case("validate", "pipeline: x\nstages:\n  - id: a\n    plugin: tbadabi\n", NULL);
    char want[1024];
    snprintf(want, sizeof want,
             "%s:4:13: stage 'a': %s/tbadabi.so: built for pipe ABI 2.3, but this runner "
             "speaks ABI 1.x: rebuild the plugin against this SDK\n",
             c.yaml, TEST_PLUGIN_DIR);
    cr_assert_eq(c.r.status, 2);
    cr_assert_str_eq(c.r.err, want);
    free_case(&c);
}

Test(cli, shared_object_without_entry_is_refused)
{
    case_run c =
        run_case("validate", "pipeline: x\nstages:\n  - id: a\n    plugin: tnosym\n", NULL);
    char want[1024];
    snprintf(want, sizeof want,
             "%s:4:13: stage 'a': %s/tnosym.so is not a pipe plugin: it does not export "
             "pipe_plugin_entry()\n",
             c.yaml, TEST_PLUGIN_DIR);
    cr_assert_str_eq(c.r.err, want);
    free_case(&c);
}

Test(cli, file_that_is_not_a_shared_object)
{
    case_run c =
        run_case("validate", "pipeline: x\nstages:\n  - id: a\n    plugin: tgarbage\n", NULL);
    char want[1024];
    snprintf(want, sizeof want, "%s:4:13: stage 'a': cannot load plugin: %s/tgarbage.so: ", c.yaml,
             TEST_PLUGIN_DIR);
    cr_assert_eq(c.r.status, 2);
    cr_assert(strstr(c.r.err, want) == c.r.err, "%s", c.r.err);
    free_case(&c);
}

Test(cli, stage_failure_exits_1_and_writes_no_metrics)
{
    const char *const extra[] = {"--set", "sum.fail=true", NULL};
    case_run c = run_case("run", GOOD, extra);
    cr_assert_eq(c.r.status, 1);
    cr_assert_str_eq(c.r.err, "stage 'sum': asked to fail\n"
                              "pipe: stage 'sum' (tsum) failed; the run stops here\n");
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/metrics.json", c.out);
    cr_assert(stat(path, &st) != 0, "no metrics.json after a failed run");
    snprintf(path, sizeof path, "%s/run.json", c.out);
    char *run = pipe_test_read_file(path, NULL);
    cr_assert(strstr(run, "\"status\": \"failed\""));
    free(run);
    free_case(&c);
}

Test(cli, expect_pass_and_fail)
{
    char *dir = pipe_test_tmpdir();
    char *ok = pipe_test_write_file(dir, "ok.json",
                                    "{\"gen.sum\": {\"value\": 30, \"abs\": 1e-9},\n"
                                    " \"sum.total\": {\"min\": 29, \"max\": 31}}\n");
    char *bad = pipe_test_write_file(dir, "bad.json",
                                     "{\"gen.sum\": {\"value\": 31, \"abs\": 0.5},\n"
                                     " \"sum.missing\": 1,\n"
                                     " \"sum.total\": {\"max\": 29}}\n");
    const char *const e1[] = {"--expect", ok, NULL};
    case_run a = run_case("run", GOOD, e1);
    cr_assert_eq(a.r.status, 0, "%s", a.r.err);
    cr_assert(strstr(a.r.err, "pipe: all 2 expected metrics within tolerance"));
    const char *const e2[] = {"--expect", bad, NULL};
    case_run b = run_case("run", GOOD, e2);
    cr_assert_eq(b.r.status, 1);
    char want[4096];
    snprintf(want, sizeof want,
             "%s:1:2: metric 'gen.sum' = 30, expected 31 ± 0.5\n"
             "%s:2:2: expected metric 'sum.missing' was not reported by the run\n"
             "%s:3:2: metric 'sum.total' = 30, expected ≤ 29\n"
             "pipe: 3 of 3 expected metrics out of tolerance (%s)\n",
             bad, bad, bad, bad);
    cr_assert_str_eq(b.r.err, want);
    free_case(&a), free_case(&b);
    free(dir), free(ok), free(bad);
}

Test(cli, list_and_inspect_come_from_declarations)
{
    const char *l[] = {"list", "--plugin-path", TEST_PLUGIN_DIR, NULL};
    pipe_test_result r = pipe_test_run(l);
    cr_assert(strstr(r.out, "tgen           1.0      test: generate a sequence\n"), "%s", r.out);
    pipe_test_result_free(&r);
    const char *i[] = {"inspect", "tgen", "--plugin-path", TEST_PLUGIN_DIR, NULL};
    r = pipe_test_run(i);
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "  n                int         default 4; range [1, 1000]\n"
                            "      number of values\n"),
              "%s", r.out);
    cr_assert(strstr(r.out, "  mode             choice      default linear; one of "
                            "linear|constant\n"),
              "%s", r.out);
    cr_assert(strstr(r.out, "Outputs:\n  out              f64, rank 1\n"), "%s", r.out);
    pipe_test_result_free(&r);
}

Test(cli, when_runs_one_of_two_sources)
{
    char *dir = pipe_test_tmpdir();
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "pipeline: x\nstages:\n"
             "  - id: real\n    plugin: tgen\n    when: {exists: %s/real.csv}\n"
             "    params: {n: 2}\n    outputs: {out: numbers}\n"
             "  - id: fake\n    plugin: tgen\n    when: {missing: %s/real.csv}\n"
             "    params: {n: 3}\n    outputs: {out: numbers}\n"
             "  - {id: sum, plugin: tsum, inputs: {in: numbers}}\n",
             dir, dir);
    const char *const verbose[] = {NULL};
    case_run a = run_case("run", yaml, verbose);
    cr_assert_eq(a.r.status, 0, "%s", a.r.err);
    char path[4096];
    snprintf(path, sizeof path, "%s/metrics.json", a.out);
    char *m = pipe_test_read_file(path, NULL);
    cr_assert(strstr(m, "\"total\": 9"), "fake ran (1.5+3+4.5): %s", m);
    cr_assert(!strstr(m, "\"real\""), "real was skipped: %s", m);
    snprintf(path, sizeof path, "%s/run.json", a.out);
    char *run = pipe_test_read_file(path, NULL);
    cr_assert(strstr(run, "\"id\": \"real\", \"plugin\": \"tgen\", \"plugin_version\": \"1.0\", "
                          "\"status\": \"skipped\""),
              "%s", run);
    free(m), free(run);
    free(pipe_test_write_file(dir, "real.csv", "x\n"));
    case_run b = run_case("run", yaml, NULL);
    snprintf(path, sizeof path, "%s/metrics.json", b.out);
    m = pipe_test_read_file(path, NULL);
    cr_assert(strstr(m, "\"total\": 4.5"), "real ran (1.5+3): %s", m);
    free(m);
    free_case(&a), free_case(&b);
    free(dir);
}

Test(cli, when_must_name_exists_or_missing)
{
    case_run c = run_case("validate",
                          "pipeline: x\nstages:\n"
                          "  - id: gen\n"
                          "    plugin: tgen\n"
                          "    when: {present: a.csv}\n",
                          NULL);
    assert_err(&c, 2, "F:5:11: stage 'gen': 'when' must be {exists: PATH} or {missing: PATH}\n");
    free_case(&c);
}

Test(cli, a_stage_reads_what_an_earlier_stage_recorded)
{
    /* pipe_recorded: sum's metric total and info seconds; a key sum never
     * set, and a stage that has not run yet, are not found. */
    case_run c = run_case("run",
                          "pipeline: x\nstages:\n"
                          "  - {id: gen, plugin: tgen, params: {n: 3}, outputs: {out: numbers}}\n"
                          "  - {id: sum, plugin: tsum, inputs: {in: numbers}}\n"
                          "  - {id: again, plugin: tsum, inputs: {in: numbers}, params: {recall: "
                          "sum}}\n"
                          "  - {id: early, plugin: tsum, inputs: {in: numbers}, params: {recall: "
                          "late}}\n"
                          "  - {id: late, plugin: tsum, inputs: {in: numbers}}\n",
                          NULL);
    cr_assert_eq(c.r.status, 0, "%s", c.r.err);
    char path[4096];
    snprintf(path, sizeof path, "%s/metrics.json", c.out);
    char *m = pipe_test_read_file(path, NULL);
    cr_assert(strstr(m,
                     "\"again\": {\n    \"total\": 9,\n    \"recalled\": {\n      \"total\": 9,\n"
                     "      \"seconds\": 0.25,\n      \"nothing\": 0\n    }\n  }"),
              "%s", m);
    cr_assert(strstr(m, "\"early\": {\n    \"total\": 9,\n    \"recalled\": {\n      \"total\": "
                        "-1,\n      \"seconds\": -1,\n      \"nothing\": 0\n    }\n  }"),
              "%s", m);
    free(m);
    free_case(&c);
}
