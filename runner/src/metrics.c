/*
 * metrics.c — the metrics a run reports, keyed by stage id and a dotted
 * key, kept in the order they were first set and written to metrics.json
 * as nested objects ("mass_bins.80-100.mae" → {"mass_bins": {"80-100":
 * {"mae": ...}}}). The same structure holds run.json's per-stage info.
 */
#include "core.h"

#include <stdlib.h>
#include <string.h>

void pipe_metrics_set(pipe_metrics *m, const char *stage, const char *key, double value,
                      const char *text)
{
    for (size_t i = 0; i < m->n; i++) {
        pipe_metric_entry *e = &m->items[i];
        if (strcmp(e->stage, stage) == 0 && strcmp(e->key, key) == 0) {
            free(e->text);
            e->text = text ? pipe_xstrdup(text) : NULL;
            e->value = value;
            return;
        }
    }
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 32;
        m->items = pipe_xrealloc(m->items, m->cap * sizeof *m->items);
    }
    pipe_metric_entry *e = &m->items[m->n++];
    e->stage = pipe_xstrdup(stage);
    e->key = pipe_xstrdup(key);
    e->text = text ? pipe_xstrdup(text) : NULL;
    e->value = value;
}

const pipe_metric_entry *pipe_metrics_find(const pipe_metrics *m, const char *path)
{
    for (size_t i = 0; i < m->n; i++) {
        const pipe_metric_entry *e = &m->items[i];
        size_t sl = strlen(e->stage);
        if (strncmp(path, e->stage, sl) == 0 && path[sl] == '.' &&
            strcmp(path + sl + 1, e->key) == 0)
            return e;
    }
    return NULL;
}

static char *full_path(const pipe_metric_entry *e)
{
    return pipe_strdup_printf("%s.%s", e->stage, e->key);
}

/* Write the entries whose path starts with `prefix` (of length plen) as
 * one JSON object, children in first-seen order; marks written entries. */
static void write_object(FILE *f, char **paths, const pipe_metric_entry *items, char *done,
                         size_t n, const char *prefix, size_t plen, int depth)
{
    int first = 1;
    fputc('{', f);
    for (size_t i = 0; i < n; i++) {
        if (done[i] || strncmp(paths[i], prefix, plen) != 0)
            continue;
        const char *rest = paths[i] + plen;
        const char *dot = strchr(rest, '.');
        if (!first)
            fputc(',', f);
        first = 0;
        pipe_json_indent(f, depth + 1);
        if (!dot) {
            pipe_json_string(f, rest);
            fputs(": ", f);
            if (items[i].text)
                pipe_json_string(f, items[i].text);
            else
                pipe_json_number(f, items[i].value);
            done[i] = 1;
            continue;
        }
        char *name = pipe_strdup_printf("%.*s", (int)(dot - rest), rest);
        pipe_json_string(f, name);
        fputs(": ", f);
        free(name);
        size_t child_len = (size_t)(dot - paths[i]) + 1;
        char *child = pipe_strdup_printf("%.*s", (int)child_len, paths[i]);
        write_object(f, paths, items, done, n, child, child_len, depth + 1);
        free(child);
    }
    if (!first)
        pipe_json_indent(f, depth);
    fputc('}', f);
}

void pipe_metrics_write_json(FILE *f, const pipe_metrics *m, int indent)
{
    char **paths = pipe_xcalloc(m->n, sizeof *paths);
    char *done = pipe_xcalloc(m->n, 1);
    for (size_t i = 0; i < m->n; i++)
        paths[i] = full_path(&m->items[i]);
    write_object(f, paths, m->items, done, m->n, "", 0, indent);
    for (size_t i = 0; i < m->n; i++)
        free(paths[i]);
    free(paths);
    free(done);
}

void pipe_metrics_free(pipe_metrics *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->items[i].stage);
        free(m->items[i].key);
        free(m->items[i].text);
    }
    free(m->items);
    memset(m, 0, sizeof *m);
}
