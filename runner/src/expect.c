/*
 * expect.c — replaying a pipeline against expected metrics (--expect):
 * each entry of the JSON/YAML file names a metric ("stage.key") and either
 * a value with an absolute and/or relative tolerance, or bounds:
 *   {"eval.mae": {"value": 0.0006, "abs": 0.0002},
 *    "eval.r2": {"min": 0.999}, "clean.rows_out": 1288}
 * Every metric out of tolerance is listed; any one fails the run.
 */
#include "core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct expectation {
    int has_value, has_min, has_max;
    double value, abs_tol, rel_tol, min, max;
} expectation;

static int number(const char *file, const pipe_value *v, double *out)
{
    char *end = NULL;
    if (v->kind == PIPE_VALUE_SCALAR) {
        *out = strtod(v->scalar, &end);
        if (end != v->scalar && *end == '\0')
            return 0;
    }
    pipe_diag(file, v->line, v->column, NULL, "expected a number");
    return -1;
}

static int parse_entry(const char *file, const pipe_value *v, expectation *e)
{
    memset(e, 0, sizeof *e);
    if (v->kind == PIPE_VALUE_SCALAR) {
        e->has_value = 1;
        return number(file, v, &e->value);
    }
    if (v->kind != PIPE_VALUE_MAP) {
        pipe_diag(file, v->line, v->column, NULL,
                  "expected a number or {value, abs, rel, min, max}");
        return -1;
    }
    static const char *const keys[] = {"value", "abs", "rel", "min", "max"};
    double *slots[] = {&e->value, &e->abs_tol, &e->rel_tol, &e->min, &e->max};
    for (size_t i = 0; i < v->count; i++) {
        size_t k = 0;
        while (k < 5 && strcmp(v->keys[i], keys[k]) != 0)
            k++;
        if (k == 5) {
            char hint[128];
            pipe_diag(file, v->key_lines[i], v->key_columns[i], NULL,
                      "unknown key '%s' (expected value, abs, rel, min or max)%s", v->keys[i],
                      pipe_suggest_text(v->keys[i], keys, 5, hint, sizeof hint));
            return -1;
        }
        if (number(file, &v->items[i], slots[k]) != 0)
            return -1;
        e->has_value |= k == 0;
        e->has_min |= k == 3;
        e->has_max |= k == 4;
    }
    return 0;
}

/* Returns 1 when `actual` meets the expectation; describes it in buf. */
static int holds(const expectation *e, double actual, char *buf, size_t size)
{
    size_t len = 0;
    int ok = isfinite(actual);
    buf[0] = '\0';
    if (e->has_value) {
        double tol = e->abs_tol + e->rel_tol * fabs(e->value);
        ok &= fabs(actual - e->value) <= tol;
        len += (size_t)snprintf(buf + len, size - len, "%.9g ± %.3g", e->value, tol);
    }
    if (e->has_min) {
        ok &= actual >= e->min;
        len += (size_t)snprintf(buf + len, size - len, "%s≥ %.9g", len ? ", " : "", e->min);
    }
    if (e->has_max && len < size) {
        ok &= actual <= e->max;
        snprintf(buf + len, size - len, "%s≤ %.9g", len ? ", " : "", e->max);
    }
    return ok;
}

int pipe_expect_check(const char *path, const pipe_metrics *m)
{
    pipe_doc *doc = pipe_yaml_load_file(path);
    if (!doc)
        return 2;
    const pipe_value *root = doc->root;
    if (root->kind != PIPE_VALUE_MAP) {
        pipe_diag(path, root->line, root->column, NULL,
                  "an expectation file maps \"stage.metric\" to expected values");
        pipe_doc_free(doc);
        return 2;
    }
    int failed = 0, bad = 0;
    size_t total = root->count;
    for (size_t i = 0; i < root->count; i++) {
        expectation e;
        char want[256];
        if (parse_entry(path, &root->items[i], &e) != 0) {
            bad++;
            continue;
        }
        const pipe_metric_entry *got = pipe_metrics_find(m, root->keys[i]);
        if (!got || got->text) {
            pipe_diag(path, root->key_lines[i], root->key_columns[i], NULL,
                      "expected metric '%s' %s", root->keys[i],
                      got ? "is a string, not a number" : "was not reported by the run");
            failed++;
        } else if (!holds(&e, got->value, want, sizeof want)) {
            pipe_diag(path, root->key_lines[i], root->key_columns[i], NULL,
                      "metric '%s' = %.9g, expected %s", root->keys[i], got->value, want);
            failed++;
        }
    }
    pipe_doc_free(doc);
    if (bad)
        return 2;
    if (failed) {
        fprintf(stderr, "pipe: %d of %zu expected metrics out of tolerance (%s)\n", failed, total,
                path);
        return 1;
    }
    fprintf(stderr, "pipe: all %zu expected metrics within tolerance (%s)\n", total, path);
    return 0;
}
