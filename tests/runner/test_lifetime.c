/*
 * test_lifetime.c — tensors released after their last consumer: the last
 * stage of each tensor from the plan, the store's drop keeping shapes for
 * run.json, and the run's peak resident memory falling on a chain of big
 * intermediates (run.json's peak_rss_bytes with and without --keep-tensors).
 */
#include "core.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A chain of `n` tbig stages of `mb` MiB each, every one reading the last. */
static char *chain_yaml(int n, int mb)
{
    char *y = pipe_xstrdup("pipeline: big\nstages:\n");
    for (int i = 0; i < n; i++) {
        char input[64] = "";
        if (i)
            snprintf(input, sizeof input, "inputs: {in: t%d}, ", i - 1);
        char *next = pipe_strdup_printf("%s  - {id: s%d, plugin: tbig, params: {mb: %d}, "
                                        "%soutputs: {out: t%d}}\n",
                                        y, i, mb, input, i);
        free(y);
        y = next;
    }
    return y;
}

/* The number after `"key": ` at its `nth` occurrence (0-based) in text. */
static long long json_int(const char *text, const char *key, int nth)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *p = text;
    for (int i = 0; p && i <= nth; i++)
        if ((p = strstr(p, pat)))
            p += strlen(pat);
    cr_assert(p, "no %d-th %s in:\n%s", nth, key, text);
    return atoll(p);
}

static long long run_peak(const char *yaml, int keep, char **run_json)
{
    const char *args[] = {"--plugin-path", TEST_PLUGIN_DIR, "--quiet",
                          keep ? "--keep-tensors" : NULL, NULL};
    pipe_test_pipeline c = pipe_test_pipeline_run("run", yaml, NULL, args);
    cr_assert_eq(c.r.status, 0, "stderr:\n%s", c.r.err);
    *run_json = pipe_test_pipeline_output(&c, "run.json");
    char *metrics = pipe_test_pipeline_output(&c, "metrics.json");
    cr_assert(strstr(metrics, "\"s5\": {\n    \"first\": 6\n  }"), "%s", metrics);
    free(metrics);
    pipe_test_pipeline_free(&c);
    return json_int(*run_json, "peak_rss_bytes", 0);
}

/* Under AddressSanitizer (CI) freed memory waits in a quarantine and stays
 * resident; the peak can fall only without it. Keeps the caller's other
 * ASAN_OPTIONS; a build without ASan ignores the variable. */
static void no_asan_quarantine(void)
{
    const char *old = getenv("ASAN_OPTIONS");
    char *opts =
        pipe_strdup_printf("%s%squarantine_size_mb=0", old ? old : "", old && *old ? ":" : "");
    setenv("ASAN_OPTIONS", opts, 1);
    free(opts);
}

Test(lifetime, peak_falls_when_intermediates_go)
{
    no_asan_quarantine();
    const long long mib = 1 << 20;
    char *yaml = chain_yaml(6, 32);
    char *kept_json, *freed_json;
    long long kept = run_peak(yaml, 1, &kept_json);
    long long freed = run_peak(yaml, 0, &freed_json);
    /* Kept: all six 32 MiB tensors live at the end; freed: at most the
     * input and the output of one stage (64 MiB) plus the same base. */
    cr_assert_gt(kept - freed, 3 * 32 * mib, "kept %lld, freed %lld", kept, freed);
    cr_assert_lt(freed, kept - 4 * 30 * mib, "kept %lld, freed %lld", kept, freed);
    cr_assert(strstr(freed_json, "\"tensors_released\": true"));
    cr_assert(strstr(kept_json, "\"tensors_released\": false"));
    /* Each stage's peak: with --keep-tensors the last holds all six. */
    long long last_kept = json_int(kept_json, "peak_rss_bytes", 6);
    long long first_kept = json_int(kept_json, "peak_rss_bytes", 1);
    cr_assert_gt(last_kept - first_kept, 5 * 30 * mib, "%lld %lld", first_kept, last_kept);
    /* Dropped tensors still show their shape in run.json. */
    cr_assert(
        strstr(freed_json, "\"outputs\": {\"t5\": {\"dtype\": \"f64\", \"shape\": [4194304]}}"),
        "%s", freed_json);
    free(kept_json);
    free(freed_json);
    free(yaml);
}

/* The plan's view: the last stage touching each tensor name. */
static const pipe_port_decl in_decl[] = {{"in", PIPE_DT(PIPE_F64), 1, 1, ""}};
static const pipe_port_decl out_decl[] = {{"out", PIPE_DT(PIPE_F64), 1, 0, ""}};
static const pipe_plugin big = {PIPE_PLUGIN_ABI, .name = "b",         .inputs = in_decl,
                                .n_inputs = 1,   .outputs = out_decl, .n_outputs = 1};

Test(lifetime, last_stage_and_store_drop)
{
    pipe_port_map m[] = {{"in", "x", 1, 1}, {"out", "y", 1, 1}, {"out", "x", 1, 1},
                         {"in", "y", 1, 1}, {"out", "z", 1, 1}, {"in", "x", 1, 1}};
    pipe_stage_spec st[3];
    memset(st, 0, sizeof st);
    st[0].outputs = &m[2], st[0].n_outputs = 1; /* -> x */
    st[1].inputs = &m[0], st[1].n_inputs = 1;   /* x -> y */
    st[1].outputs = &m[1], st[1].n_outputs = 1;
    st[2].inputs = &m[3], st[2].n_inputs = 1; /* y -> z */
    st[2].outputs = &m[4], st[2].n_outputs = 1;
    pipe_pipeline p;
    memset(&p, 0, sizeof p);
    p.stages = st, p.n_stages = 3;
    const pipe_plugin *pl[] = {&big, &big, &big};
    pipe_lifetime lt;
    pipe_lifetime_build(&lt, &p, pl);
    cr_assert_eq(lt.n, 3);
    cr_assert_str_eq(lt.names[0], "x");
    cr_assert_eq(lt.last[0], 1);
    cr_assert_str_eq(lt.names[1], "y");
    cr_assert_eq(lt.last[1], 2);
    cr_assert_str_eq(lt.names[2], "z");
    cr_assert_eq(lt.last[2], 2);

    pipe_store s;
    pipe_store_init(&s);
    pipe_tensor *x = pipe_tensor_new1(PIPE_F64, 3);
    pipe_store_put(&s, "x", x, "s0");
    pipe_tensor_retain(x); /* a stage still holding it */
    cr_assert_eq(pipe_lifetime_release(&lt, 0, &s), 0);
    cr_assert_eq(pipe_lifetime_release(&lt, 1, &s), 1);
    cr_assert_null(pipe_store_get(&s, "x"));
    cr_assert_eq(x->refcount, 1, "the store gave up its reference only");
    cr_assert_eq(pipe_store_shape(&s, "x")->shape[0], 3);
    cr_assert_str_eq(pipe_store_producer(&s, "x"), "s0");
    cr_assert_eq(pipe_lifetime_release(&lt, 1, &s), 0, "dropped once");
    pipe_tensor_release(x);
    pipe_store_free(&s);
    pipe_lifetime_free(&lt);
}
