/*
 * strmap.c — a map from borrowed strings to indices (open addressing,
 * FNV-1a, doubling), so that validation looks names up in constant time
 * and stays linear in the size of the pipeline.
 */
#include "core.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s)
{
    return pipe_fnv1a_str(PIPE_FNV_OFFSET, s);
}

void pipe_strmap_init(pipe_strmap *m)
{
    memset(m, 0, sizeof *m);
}

void pipe_strmap_free(pipe_strmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* The slot of `key`, or of the empty slot where it would go. */
static size_t slot(const pipe_strmap *m, const char *key)
{
    size_t i = (size_t)hash(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static void grow(pipe_strmap *m)
{
    pipe_strmap bigger = {NULL, NULL, m->cap ? m->cap * 2 : 64, 0};
    bigger.keys = pipe_xcalloc(bigger.cap, sizeof *bigger.keys);
    bigger.vals = pipe_xcalloc(bigger.cap, sizeof *bigger.vals);
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i])
            pipe_strmap_put(&bigger, m->keys[i], m->vals[i]);
    pipe_strmap_free(m);
    *m = bigger;
}

void pipe_strmap_put(pipe_strmap *m, const char *key, size_t val)
{
    if ((m->n + 1) * 2 > m->cap)
        grow(m);
    size_t i = slot(m, key);
    if (!m->keys[i]) {
        m->keys[i] = key;
        m->n++;
    }
    m->vals[i] = val;
}

int pipe_strmap_get(const pipe_strmap *m, const char *key, size_t *val)
{
    if (!m->cap)
        return 0;
    size_t i = slot(m, key);
    if (!m->keys[i])
        return 0;
    *val = m->vals[i];
    return 1;
}
