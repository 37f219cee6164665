/*
 * diff.c — `pipe diff RUN_A RUN_B`: what changed between two run folders,
 * from their run.json and metrics.json: the run's identity (pipeline, its
 * hash, seed, threads, pipe and plugin versions), every stage parameter,
 * and every metric with its relative change — DVC's params diff and
 * metrics diff for pipe's run folders.
 */
#include "sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_diff[] =
    "usage: pipe diff RUN_A RUN_B [--all]\n"
    "\n"
    "Compare two run folders (their run.json and metrics.json): the run\n"
    "(pipeline, pipeline_hash, seed, threads, pipe and plugin versions), the\n"
    "parameters of every stage, and the metrics with their relative change\n"
    "(B - A) / |A|. Only what differs is shown, unless --all. Exit 0, or 2\n"
    "when a folder lacks its files.\n";

/* One run folder as three sections; the values are borrowed from its two
 * documents. */
typedef struct run_view {
    pipe_doc *run_doc, *metrics_doc;
    pipe_flat run, params, metrics;
} run_view;

static void view_free(run_view *r)
{
    pipe_flat_free(&r->run);
    pipe_flat_free(&r->params);
    pipe_flat_free(&r->metrics);
    pipe_doc_free(r->run_doc);
    pipe_doc_free(r->metrics_doc);
}

static int load_view(const char *dir, run_view *r)
{
    memset(r, 0, sizeof r[0]);
    char *path = pipe_strdup_printf("%s/run.json", dir);
    r->run_doc = pipe_yaml_load_file(path);
    free(path);
    path = pipe_strdup_printf("%s/metrics.json", dir);
    r->metrics_doc = pipe_yaml_load_file(path);
    free(path);
    if (!r->run_doc || !r->metrics_doc || r->run_doc->root->kind != PIPE_VALUE_MAP)
        return -1;
    const pipe_value *root = r->run_doc->root;
    static const char *const keys[] = {"pipeline",     "file", "pipeline_hash", "seed", "threads",
                                       "pipe_version", "abi"};
    for (size_t i = 0; i < PIPE_COUNT(keys); i++) {
        const pipe_value *v = pipe_value_get(root, keys[i]);
        if (v)
            pipe_flat_add(&r->run, v, keys[i]);
    }
    const pipe_value *stages = pipe_value_get(root, "stages");
    for (size_t s = 0; stages && stages->kind == PIPE_VALUE_LIST && s < stages->count; s++) {
        const pipe_value *st = &stages->items[s], *id = pipe_value_get(st, "id");
        if (!id || id->kind != PIPE_VALUE_SCALAR)
            continue;
        static const char *const which[] = {"plugin", "plugin_version"};
        for (size_t w = 0; w < 2; w++) {
            const pipe_value *v = pipe_value_get(st, which[w]);
            char *key = pipe_strdup_printf("%s.%s", id->scalar, which[w]);
            if (v)
                pipe_flat_add(&r->run, v, key);
            free(key);
        }
        const pipe_value *params = pipe_value_get(st, "params");
        if (params && params->kind == PIPE_VALUE_MAP)
            pipe_flat_add(&r->params, params, id->scalar);
    }
    pipe_flat_add(&r->metrics, r->metrics_doc->root, NULL);
    return 0;
}

/* The value of `key` as text (malloc'd), or NULL. */
static char *lookup(const pipe_flat *f, const char *key)
{
    const pipe_value *v = pipe_flat_get(f, key);
    return v ? pipe_sweep_value_text(v) : NULL;
}

static int as_number(const char *s, double *x)
{
    char *end = NULL;
    *x = s ? strtod(s, &end) : 0;
    return s && end != s && !*end;
}

static void print_line(const char *key, const char *ta, const char *tb, int same, int relative)
{
    if (!ta || !tb) {
        printf("  %s: only in %s (%s)\n", key, ta ? "A" : "B", ta ? ta : tb);
        return;
    }
    printf("  %s: %s -> %s", key, ta, tb);
    double xa, xb;
    if (relative && !same && as_number(ta, &xa) && as_number(tb, &xb)) {
        if (xa != 0)
            printf(" (%+.2f%%)", 100 * (xb - xa) / fabs(xa));
        else
            printf(" (from 0)");
    }
    printf("%s\n", same ? " (same)" : "");
}

/* Print one line per key of either side that differs (or every key with
 * `all`); `relative`: add the relative change of numbers. Returns the
 * number of differences. */
static size_t compare(const char *title, const pipe_flat *a, const pipe_flat *b, int relative,
                      int all)
{
    size_t diffs = 0, shown = 0;
    for (int side = 0; side < 2; side++) {
        const pipe_flat *e = side ? b : a;
        for (size_t i = 0; i < e->n; i++) {
            const char *key = e->keys[i];
            if (side && pipe_flat_get(a, key))
                continue; /* already compared */
            char *ta = lookup(a, key), *tb = lookup(b, key);
            int same = ta && tb && !strcmp(ta, tb);
            diffs += !same;
            if (!same || all) {
                if (!shown++)
                    printf("%s:\n", title);
                print_line(key, ta, tb, same, relative);
            }
            free(ta);
            free(tb);
        }
    }
    return diffs;
}

int pipe_cli_diff(int argc, char **argv)
{
    const char *dirs[2] = {NULL, NULL};
    int all = 0;
    size_t n_dirs = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_diff, stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--all"))
            all = 1;
        else if (argv[i][0] == '-' || n_dirs == 2) {
            fprintf(stderr, "pipe: %s '%s'\n%.*s\n(see 'pipe diff --help')\n",
                    argv[i][0] == '-' ? "unknown option" : "unexpected argument", argv[i],
                    (int)strcspn(usage_diff, "\n"), usage_diff);
            return 2;
        } else
            dirs[n_dirs++] = argv[i];
    }
    if (n_dirs < 2) {
        fprintf(stderr, "pipe: diff: expected two run folders\n%.*s\n(see 'pipe diff --help')\n",
                (int)strcspn(usage_diff, "\n"), usage_diff);
        return 2;
    }
    run_view v[2];
    int ok = load_view(dirs[0], &v[0]) == 0;
    ok = (load_view(dirs[1], &v[1]) == 0) && ok;
    if (ok) {
        printf("A: %s\nB: %s\n", dirs[0], dirs[1]);
        size_t d = compare("run", &v[0].run, &v[1].run, 0, all);
        d += compare("params", &v[0].params, &v[1].params, 0, all);
        d += compare("metrics", &v[0].metrics, &v[1].metrics, 1, all);
        if (!d)
            printf("no differences in the run, parameters or metrics\n");
    }
    view_free(&v[0]);
    view_free(&v[1]);
    return ok ? 0 : 2;
}
