/*
 * test_stage.c — the simulate stage run by the pipe executable: what it
 * reports in metrics.json, that a seed repeats a run, and its errors with
 * their exact text and location.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct stage_run {
    char *dir, *yaml, *out;
    pipe_test_result r;
} stage_run;

/* Write `yaml` into a fresh directory and `pipe run` it (quiet). */
static stage_run run_yaml(const char *yaml)
{
    stage_run s;
    s.dir = pipe_test_tmpdir();
    s.yaml = pipe_test_write_file(s.dir, "p.yaml", yaml);
    size_t len = strlen(s.dir) + 8;
    s.out = malloc(len);
    snprintf(s.out, len, "%s/out", s.dir);
    const char *args[] = {"run",   s.yaml, "--plugin-path", PIPE_PLUGIN_BUILD_DIR,
                          "--out", s.out,  "--quiet",       NULL};
    s.r = pipe_test_run(args);
    return s;
}

static char *read_metrics(const stage_run *s)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/metrics.json", s->out);
    char *m = pipe_test_read_file(path, NULL);
    cr_assert(m, "no %s", path);
    return m;
}

static void free_run(stage_run *s)
{
    pipe_test_result_free(&s->r);
    free(s->dir);
    free(s->yaml);
    free(s->out);
}

static const char *const SIM_3000 = "pipeline: sim\n"
                                    "seed: 42\n"
                                    "stages:\n"
                                    "  - id: sim\n"
                                    "    plugin: simulate\n"
                                    "    params: {events: 3000}\n"
                                    "    outputs: {table: events}\n";

Test(stage, metrics_and_repeatability)
{
    stage_run a = run_yaml(SIM_3000), b = run_yaml(SIM_3000);
    cr_assert_eq(a.r.status, 0, "%s", a.r.err);
    cr_assert_eq(b.r.status, 0, "%s", b.r.err);
    char *ma = read_metrics(&a), *mb = read_metrics(&b);
    cr_assert(strstr(ma, "\"events\": 3000"), "%s", ma);
    cr_assert(strstr(ma, "\"mass_fraction\": {\n      \"2-5\": "), "%s", ma);
    cr_assert(strstr(ma, "\"100-110\": "), "%s", ma);
    cr_assert(strstr(ma, "\"same_sign_fraction\": 0.4"), "%s", ma);
    cr_assert(strstr(ma, "\"comb\": "), "%s", ma);
    cr_assert_str_eq(ma, mb);
    free(ma);
    free(mb);
    free_run(&a);
    free_run(&b);
}

Test(stage, another_seed_other_events)
{
    char yaml[512];
    snprintf(yaml, sizeof yaml, "%s", SIM_3000);
    memcpy(strstr(yaml, "seed: 42"), "seed: 43", 8);
    stage_run a = run_yaml(SIM_3000), b = run_yaml(yaml);
    cr_assert_eq(b.r.status, 0, "%s", b.r.err);
    char *ma = read_metrics(&a), *mb = read_metrics(&b);
    cr_assert(strcmp(ma, mb) != 0);
    free(ma);
    free(mb);
    free_run(&a);
    free_run(&b);
}

Test(stage, mass_window_error_points_at_the_parameter)
{
    stage_run s = run_yaml("pipeline: sim\n"
                           "stages:\n"
                           "  - id: gen\n"
                           "    plugin: simulate\n"
                           "    params: {mass_min: 60, mass_max: 50}\n");
    char want[4096];
    snprintf(want, sizeof want,
             "%s:5:38: stage 'gen': parameter 'mass_max': expected mass_max above mass_min, "
             "found mass_min 60 GeV, mass_max 50 GeV\n",
             s.yaml);
    cr_assert_eq(s.r.status, 2);
    cr_assert_str_eq(s.r.err, want);
    free_run(&s);
}

Test(stage, unreachable_cuts_fail_the_run)
{
    stage_run s = run_yaml("pipeline: sim\n"
                           "stages:\n"
                           "  - id: gen\n"
                           "    plugin: simulate\n"
                           "    params: {events: 10, frac_comb: 0, frac_z: 0, frac_dy: 0,\n"
                           "             frac_psi2s: 0, frac_ups1s: 0, frac_ups2s: 0,\n"
                           "             frac_ups3s: 0, mass_min: 50}\n");
    cr_assert_eq(s.r.status, 1);
    cr_assert_str_eq(s.r.err,
                     "stage 'gen': process 'jpsi': no pair passed the cuts in 1000000 tries "
                     "(mass window [50, 110] GeV, |eta| < 2.5, pt > 1 GeV, trigger 12/17 GeV): "
                     "loosen the cuts or set frac_jpsi: 0\n"
                     "pipe: stage 'gen' (simulate) failed; the run stops here\n");
    free_run(&s);
}
