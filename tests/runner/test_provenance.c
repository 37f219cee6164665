/*
 * test_provenance.c — what run.json records and `pipe run --replay`: the
 * configuration hash follows --set, the command line, --set arguments,
 * environment, input files (size and FNV-1a hash, computed here
 * independently), plugins and CPU are recorded, and a replay gives a
 * byte-identical metrics.json or is refused when the file changed.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const YAML = "pipeline: prov\n"
                                "seed: 11\n"
                                "stages:\n"
                                "  - id: gen\n"
                                "    plugin: tgen\n"
                                "    params: {n: 6, label: \"${PROV_LABEL:-none}\"}\n"
                                "  - id: sum\n"
                                "    plugin: tsum\n"
                                "    inputs: {in: out}\n"
                                "  - id: any\n"
                                "    plugin: tany\n"
                                "    params: {model: %s}\n";

/* Run `pipe ARGS... --plugin-path T --quiet`; fails the test unless 0. */
static void run_ok(const char *const *args)
{
    const char *all[32];
    size_t n = 0;
    for (; args[n]; n++)
        all[n] = args[n];
    all[n++] = "--plugin-path";
    all[n++] = TEST_PLUGIN_DIR;
    all[n++] = "--quiet";
    all[n] = NULL;
    pipe_test_result r = pipe_test_run(all);
    cr_assert_eq(r.status, 0, "pipe %s exited %d: %s", args[0], r.status, r.err);
    pipe_test_result_free(&r);
}

static char *read_in(const char *dir, const char *name)
{
    char *text = pipe_test_read_in(dir, name);
    cr_assert_not_null(text, "no %s in %s", name, dir);
    return text;
}

/* The value of "key": "..." in run.json (malloc'd). */
static char *json_string(const char *json, const char *key)
{
    char pat[128];
    snprintf(pat, sizeof pat, "\"%s\": \"", key);
    const char *at = strstr(json, pat);
    cr_assert_not_null(at, "no %s in %s", key, json);
    at += strlen(pat);
    return strndup(at, strcspn(at, "\""));
}

typedef struct prov_case {
    char *dir, *yaml, *model;
} prov_case;

static prov_case make_case(void)
{
    prov_case c;
    c.dir = pipe_test_tmpdir();
    c.model = pipe_test_write_file(c.dir, "model.bin", "weights: 1 2 3\n");
    char text[1024];
    snprintf(text, sizeof text, YAML, c.model);
    c.yaml = pipe_test_write_file(c.dir, "p.yaml", text);
    return c;
}

/* <dir>/<name> (malloc'd). */
static char *in_dir(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    snprintf(path, n, "%s/%s", dir, name);
    return path;
}

static void free_case(prov_case *c)
{
    free(c->dir);
    free(c->yaml);
    free(c->model);
}

/* FNV-1a 64 of a string, as the runner hashes a file's bytes. */
static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

Test(provenance, run_json_records_what_made_the_run)
{
    prov_case c = make_case();
    char *out = in_dir(c.dir, "a");
    const char *const args[] = {"run", c.yaml, "--out", out, "--set", "gen.value=2.5", NULL};
    setenv("PROV_LABEL", "blue", 1);
    run_ok(args);
    unsetenv("PROV_LABEL");
    char *run = read_in(out, "run.json");
    char want[2048];
    snprintf(want, sizeof want, "\n  \"set\": [\"gen.value=2.5\"],\n");
    cr_expect(strstr(run, want), "%s", run);
    cr_expect(strstr(run, "\n  \"environment\": {\"PROV_LABEL\": \"blue\"},\n"), "%s", run);
    snprintf(want, sizeof want,
             "\n    {\"stage\": \"any\", \"path\": \"%s\", \"bytes\": 15, \"hash\": "
             "\"fnv1a64:%016llx\"}\n",
             c.model, (unsigned long long)fnv1a("weights: 1 2 3\n"));
    cr_expect(strstr(run, want), "expected %s in %s", want, run);
    snprintf(want, sizeof want,
             "{\"name\": \"tany\", \"version\": \"1.0\", \"path\": \"%s/tany.so\"}",
             TEST_PLUGIN_DIR);
    cr_expect(strstr(run, want), "expected %s in %s", want, run);
    cr_expect(strstr(run, "\n  \"cpu\": \""), "%s", run);
    snprintf(want, sizeof want, "\"gen.value=2.5\", \"--plugin-path\", \"%s\", \"--quiet\"]",
             TEST_PLUGIN_DIR);
    cr_expect(strstr(run, want), "the command line: %s", run);
    free(run);
    free(out);
    free_case(&c);
}

Test(provenance, the_hash_follows_set_and_environment)
{
    prov_case c = make_case();
    const char *names[] = {"a", "b", "c", "d"};
    char *hash[4];
    const char *sets[] = {"gen.value=2.5", "gen.value=3", "gen.value=2.5", "gen.value=2.5"};
    for (int i = 0; i < 4; i++) {
        char *out = in_dir(c.dir, names[i]);
        const char *const args[] = {"run", c.yaml, "--out", out, "--set", sets[i], NULL};
        if (i == 3)
            setenv("PROV_LABEL", "red", 1);
        run_ok(args);
        unsetenv("PROV_LABEL");
        char *run = read_in(out, "run.json");
        hash[i] = json_string(run, "pipeline_hash");
        free(run);
        free(out);
    }
    cr_expect_str_neq(hash[0], hash[1], "another --set, another configuration");
    cr_expect_str_eq(hash[0], hash[2], "the same configuration, the same hash");
    cr_expect_str_neq(hash[0], hash[3], "${PROV_LABEL} changed a parameter");
    for (int i = 0; i < 4; i++)
        free(hash[i]);
    free_case(&c);
}

Test(provenance, replay_repeats_the_run_byte_for_byte)
{
    prov_case c = make_case();
    char *a = in_dir(c.dir, "a"), *b = in_dir(c.dir, "b");
    const char *const args[] = {"run", c.yaml, "--out", a, "--set", "gen.value=2.5", NULL};
    setenv("PROV_LABEL", "blue", 1);
    run_ok(args);
    unsetenv("PROV_LABEL"); /* the replay sets it from run.json */
    char *recorded = in_dir(a, "run.json");
    const char *const replay[] = {"run", "--replay", recorded, "--out", b, NULL};
    run_ok(replay);
    char *m1 = read_in(a, "metrics.json"), *m2 = read_in(b, "metrics.json");
    cr_expect_str_eq(m1, m2);
    cr_expect(strstr(m1, "\"label\": \"blue\""), "%s", m1);
    char *r1 = read_in(a, "run.json"), *r2 = read_in(b, "run.json");
    char *h1 = json_string(r1, "pipeline_hash"), *h2 = json_string(r2, "pipeline_hash");
    cr_expect_str_eq(h1, h2);
    /* a changed file is refused, naming both hashes */
    free(pipe_test_write_file(c.dir, "p.yaml",
                              "pipeline: prov\nseed: 12\nstages:\n"
                              "  - id: gen\n    plugin: tgen\n"));
    const char *const again[] = {"run", "--replay",      recorded,        "--out",
                                 b,     "--plugin-path", TEST_PLUGIN_DIR, NULL};
    pipe_test_result r = pipe_test_run(again);
    cr_expect_eq(r.status, 2);
    char want[1024];
    snprintf(want, sizeof want,
             "%s: --replay: the configuration is not the recorded one "
             "(pipeline_hash %s recorded, fnv1a64:",
             c.yaml, h1);
    cr_expect(strstr(r.err, want) == r.err, "%s", r.err);
    cr_expect(strstr(r.err, "now): the file or a plugin's parameters changed since\n"), "%s",
              r.err);
    pipe_test_result_free(&r);
    free(h1);
    free(h2);
    free(r1);
    free(r2);
    free(m1);
    free(m2);
    free(recorded);
    free(a);
    free(b);
    free_case(&c);
}

Test(provenance, the_source_of_data_passes_through_stages)
{
    /* tany says where its output comes from; tsum says nothing, so its
     * total carries the same source, which the second tsum reads */
    char *dir = pipe_test_tmpdir();
    char *yaml = pipe_test_write_file(dir, "p.yaml",
                                      "pipeline: src\n"
                                      "stages:\n"
                                      "  - id: any\n"
                                      "    plugin: tany\n"
                                      "    params: {source: \"simulated, seed 3\"}\n"
                                      "  - id: first\n"
                                      "    plugin: tsum\n"
                                      "    inputs: {in: out}\n"
                                      "  - id: second\n"
                                      "    plugin: tsum\n"
                                      "    inputs: {in: total}\n");
    char *out = in_dir(dir, "out");
    const char *const args[] = {"run", yaml, "--out", out, NULL};
    run_ok(args);
    char *metrics = read_in(out, "metrics.json");
    cr_expect(strstr(metrics, "\"first\": {\n    \"total\": 2,\n    \"source\": \"simulated, "
                              "seed 3\"\n  },\n  \"second\": {\n    \"total\": 2,\n    \"source\": "
                              "\"simulated, seed 3\"\n  }"),
              "%s", metrics);
    free(metrics);
    free(out);
    free(yaml);
    free(dir);
}
