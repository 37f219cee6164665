/*
 * sweep_table.c — the result of a sweep: sweep.csv and sweep.json (one row
 * per combination: its parameters, every metric, status, seconds), written
 * through the atomic-file helpers, and the best combination of a metric.
 */
#include "sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pipe_flat_add(pipe_flat *f, const pipe_value *v, const char *prefix)
{
    if (v->kind != PIPE_VALUE_MAP || !v->count) {
        if (!prefix)
            return;
        f->keys = pipe_xrealloc(f->keys, (f->n + 1) * sizeof *f->keys);
        f->vals = pipe_xrealloc(f->vals, (f->n + 1) * sizeof *f->vals);
        f->keys[f->n] = pipe_xstrdup(prefix);
        f->vals[f->n++] = v;
        return;
    }
    for (size_t i = 0; i < v->count; i++) {
        char *key =
            prefix ? pipe_strdup_printf("%s.%s", prefix, v->keys[i]) : pipe_xstrdup(v->keys[i]);
        pipe_flat_add(f, &v->items[i], key);
        free(key);
    }
}

const pipe_value *pipe_flat_get(const pipe_flat *f, const char *key)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->keys[i], key))
            return f->vals[i];
    return NULL;
}

void pipe_flat_free(pipe_flat *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->keys[i]);
    free(f->keys);
    free(f->vals);
    memset(f, 0, sizeof *f);
}

static int is_number(const char *s, double *out)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || *end)
        return 0;
    if (out)
        *out = v;
    return 1;
}

static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* A YAML value as JSON: numbers as numbers, other scalars as strings. */
static void json_value(FILE *f, const pipe_value *v)
{
    double x;
    if (v->kind == PIPE_VALUE_SCALAR) {
        if (is_number(v->scalar, &x))
            pipe_json_number(f, x);
        else if (!strcmp(v->scalar, "true") || !strcmp(v->scalar, "false"))
            fputs(v->scalar, f);
        else
            pipe_json_string(f, v->scalar);
        return;
    }
    int map = v->kind == PIPE_VALUE_MAP;
    fputc(map ? '{' : '[', f);
    for (size_t i = 0; i < v->count; i++) {
        fputs(i ? ", " : "", f);
        if (map) {
            pipe_json_string(f, v->keys[i]);
            fputs(": ", f);
        }
        json_value(f, &v->items[i]);
    }
    fputc(map ? '}' : ']', f);
}

static const char *status_text(int status)
{
    return status == 0 ? "ok" : "failed";
}

static void write_csv(FILE *f, const pipe_sweep_grid *g, char **cols, size_t n_cols,
                      const pipe_sweep_run *runs, const pipe_flat *flats, size_t n, size_t *idx)
{
    fputs("combination", f);
    for (size_t a = 0; a < g->n; a++)
        fprintf(f, ",%s.%s", g->axes[a].stage, g->axes[a].param);
    for (size_t c = 0; c < n_cols; c++) {
        fputc(',', f);
        csv_field(f, cols[c]);
    }
    fputs(",status,exit_code,seconds\n", f);
    for (size_t k = 0; k < n; k++) {
        csv_field(f, runs[k].name);
        pipe_sweep_combination(g, k, idx);
        for (size_t a = 0; a < g->n; a++) {
            char *text = pipe_sweep_value_text(&g->axes[a].values->items[idx[a]]);
            fputc(',', f);
            csv_field(f, text);
            free(text);
        }
        for (size_t c = 0; c < n_cols; c++) {
            const pipe_value *v = pipe_flat_get(&flats[k], cols[c]);
            char *text = v ? pipe_sweep_value_text(v) : NULL;
            fputc(',', f);
            if (text)
                csv_field(f, v->kind == PIPE_VALUE_SCALAR ? v->scalar : text);
            free(text);
        }
        fprintf(f, ",%s,%d,%.3f\n", status_text(runs[k].status), runs[k].status, runs[k].seconds);
    }
}

static void write_json(FILE *f, const pipe_sweep_grid *g, const char *metric, int maximize,
                       long best, const pipe_sweep_run *runs, const pipe_flat *flats, size_t n,
                       size_t *idx)
{
    fputs("{\n  \"grid\": {", f);
    for (size_t a = 0; a < g->n; a++) {
        char *key = pipe_strdup_printf("%s.%s", g->axes[a].stage, g->axes[a].param);
        fputs(a ? ", " : "", f);
        pipe_json_string(f, key);
        fputs(": ", f);
        json_value(f, g->axes[a].values);
        free(key);
    }
    fputs("},\n  \"metric\": ", f);
    metric ? pipe_json_string(f, metric) : (void)fputs("null", f);
    fprintf(f, ",\n  \"goal\": \"%s\",\n  \"best\": ", maximize ? "maximize" : "minimize");
    best >= 0 ? pipe_json_string(f, runs[best].name) : (void)fputs("null", f);
    fputs(",\n  \"runs\": [", f);
    for (size_t k = 0; k < n; k++) {
        fprintf(f, "%s\n    {\"combination\": ", k ? "," : "");
        pipe_json_string(f, runs[k].name);
        fputs(", \"dir\": ", f);
        pipe_json_string(f, runs[k].dir);
        fputs(",\n     \"params\": {", f);
        pipe_sweep_combination(g, k, idx);
        for (size_t a = 0; a < g->n; a++) {
            char *key = pipe_strdup_printf("%s.%s", g->axes[a].stage, g->axes[a].param);
            fputs(a ? ", " : "", f);
            pipe_json_string(f, key);
            fputs(": ", f);
            json_value(f, &g->axes[a].values->items[idx[a]]);
            free(key);
        }
        fputs("},\n     \"metrics\": {", f);
        for (size_t c = 0; c < flats[k].n; c++) {
            fputs(c ? ", " : "", f);
            pipe_json_string(f, flats[k].keys[c]);
            fputs(": ", f);
            json_value(f, flats[k].vals[c]);
        }
        fprintf(f, "},\n     \"status\": \"%s\", \"exit_code\": %d, \"seconds\": %.3f}",
                status_text(runs[k].status), runs[k].status, runs[k].seconds);
    }
    fputs("\n  ]\n}\n", f);
}

static int commit(pipe_file *file, const char *path)
{
    char err[1024];
    if (pipe_outfile_commit(file, err, sizeof err) == 0) {
        printf("pipe sweep: wrote %s\n", path);
        return 0;
    }
    fprintf(stderr, "pipe sweep: %s\n", err);
    return -1;
}

/* Index of the best successful run for `metric`, or -1. */
static long find_best(const char *metric, int maximize, const pipe_sweep_run *runs,
                      const pipe_flat *flats, size_t n, double *value)
{
    long best = -1;
    for (size_t k = 0; metric && k < n; k++) {
        const pipe_value *v = runs[k].status == 0 ? pipe_flat_get(&flats[k], metric) : NULL;
        double x;
        if (!v || v->kind != PIPE_VALUE_SCALAR || !is_number(v->scalar, &x))
            continue;
        if (best < 0 || (maximize ? x > *value : x < *value)) {
            best = (long)k;
            *value = x;
        }
    }
    return best;
}

/* The plot of `metric`: one bar per successful run that has it. */
static void plot_metric(const char *base, const char *metric, int maximize,
                        const pipe_sweep_run *runs, const pipe_flat *flats, size_t n,
                        const char *const *plugin_path, size_t n_plugin_path)
{
    const char **names = pipe_xcalloc(n, sizeof *names);
    double *values = pipe_xcalloc(n, sizeof *values);
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        const pipe_value *v = runs[k].status == 0 ? pipe_flat_get(&flats[k], metric) : NULL;
        if (v && v->kind == PIPE_VALUE_SCALAR && is_number(v->scalar, &values[m]))
            names[m++] = runs[k].name;
    }
    pipe_sweep_plot(base, metric, maximize, names, values, m, plugin_path, n_plugin_path);
    free(names);
    free(values);
}

int pipe_sweep_write_table(const pipe_sweep_grid *g, const char *base, const char *metric,
                           int maximize, const pipe_sweep_run *runs, size_t n,
                           const char *const *plugin_path, size_t n_plugin_path)
{
    pipe_flat *flats = pipe_xcalloc(n, sizeof *flats);
    char **cols = NULL;
    size_t n_cols = 0;
    for (size_t k = 0; k < n; k++) {
        if (runs[k].metrics)
            pipe_flat_add(&flats[k], runs[k].metrics->root, NULL);
        for (size_t i = 0; i < flats[k].n; i++) { /* columns in order of first sight */
            size_t c = 0;
            while (c < n_cols && strcmp(cols[c], flats[k].keys[i]))
                c++;
            if (c == n_cols) {
                cols = pipe_xrealloc(cols, (n_cols + 1) * sizeof *cols);
                cols[n_cols++] = flats[k].keys[i];
            }
        }
    }
    double value = 0;
    long best = find_best(metric, maximize, runs, flats, n, &value);
    size_t *idx = pipe_xcalloc(g->n + 1, sizeof *idx);
    int rc = 0;
    char err[1024];
    const char *names[] = {"sweep.csv", "sweep.json"};
    for (int t = 0; t < 2; t++) {
        char *path = pipe_strdup_printf("%s/%s", base, names[t]);
        pipe_file *file = pipe_outfile_open(base, names[t], 0, err, sizeof err);
        if (!file) {
            fprintf(stderr, "pipe sweep: %s\n", err);
            rc = -1;
        } else {
            if (t == 0)
                write_csv(pipe_file_stream(file), g, cols, n_cols, runs, flats, n, idx);
            else
                write_json(pipe_file_stream(file), g, metric, maximize, best, runs, flats, n, idx);
            rc |= commit(file, path);
        }
        free(path);
    }
    if (metric && best >= 0)
        plot_metric(base, metric, maximize, runs, flats, n, plugin_path, n_plugin_path);
    if (metric && best >= 0)
        printf("pipe sweep: best %s = %.6g (%s) for %s in %s/\n", metric, value,
               maximize ? "largest" : "smallest", runs[best].name, runs[best].dir);
    else if (metric) {
        fprintf(stderr, "pipe sweep: no successful combination reported metric '%s'\n", metric);
        rc = -1;
    }
    for (size_t k = 0; k < n; k++)
        pipe_flat_free(&flats[k]);
    free(flats);
    free(cols);
    free(idx);
    return rc;
}
