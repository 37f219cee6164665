/*
 * store.c — the run's tensor store: tensors by name, each holding one
 * reference that the store owns; a dropped tensor (released after its last
 * consumer, see lifetime.c) keeps its name, producer, dtype and shape,
 * and the source of its data (source.c).
 */
#include "core.h"

#include <stdlib.h>
#include <string.h>

void pipe_store_init(pipe_store *s)
{
    memset(s, 0, sizeof *s);
}

void pipe_store_free(pipe_store *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->names[i]);
        free(s->shards[i].counts);
        free(s->sources[i]);
        pipe_tensor_release(s->tensors[i]);
    }
    free(s->names);
    free(s->tensors);
    free(s->producers);
    free(s->shapes);
    free(s->shards);
    free(s->sources);
    pipe_store_init(s);
}

static size_t find(const pipe_store *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->names[i], name) == 0)
            return i;
    return s->n;
}

pipe_tensor *pipe_store_get(const pipe_store *s, const char *name)
{
    size_t i = find(s, name);
    return i < s->n ? s->tensors[i] : NULL;
}

const char *pipe_store_producer(const pipe_store *s, const char *name)
{
    size_t i = find(s, name);
    return i < s->n ? s->producers[i] : NULL;
}

static void record_shape(pipe_tensor_shape *sh, const pipe_tensor *t)
{
    memset(sh, 0, sizeof *sh);
    sh->dtype = t->dtype;
    sh->rank = t->rank;
    for (int d = 0; d < t->rank && d < PIPE_MAX_RANK; d++)
        sh->shape[d] = t->shape[d];
}

void pipe_store_put(pipe_store *s, const char *name, pipe_tensor *t, const char *producer)
{
    size_t i = find(s, name);
    if (i < s->n) {
        pipe_tensor_release(s->tensors[i]);
        s->tensors[i] = t;
        s->producers[i] = producer;
        record_shape(&s->shapes[i], t);
        free(s->shards[i].counts);
        memset(&s->shards[i], 0, sizeof s->shards[i]);
        free(s->sources[i]);
        s->sources[i] = NULL;
        return;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->names = pipe_xrealloc(s->names, s->cap * sizeof *s->names);
        s->tensors = pipe_xrealloc(s->tensors, s->cap * sizeof *s->tensors);
        s->producers = pipe_xrealloc(s->producers, s->cap * sizeof *s->producers);
        s->shapes = pipe_xrealloc(s->shapes, s->cap * sizeof *s->shapes);
        s->shards = pipe_xrealloc(s->shards, s->cap * sizeof *s->shards);
        s->sources = pipe_xrealloc(s->sources, s->cap * sizeof *s->sources);
    }
    memset(&s->shards[s->n], 0, sizeof s->shards[s->n]);
    s->sources[s->n] = NULL;
    record_shape(&s->shapes[s->n], t);
    s->names[s->n] = pipe_xstrdup(name);
    s->tensors[s->n] = t;
    s->producers[s->n] = producer;
    s->n++;
}

int pipe_store_drop(pipe_store *s, const char *name)
{
    size_t i = find(s, name);
    if (i == s->n || !s->tensors[i])
        return 0;
    pipe_tensor_release(s->tensors[i]);
    s->tensors[i] = NULL;
    return 1;
}

const pipe_tensor_shape *pipe_store_shape(const pipe_store *s, const char *name)
{
    size_t i = find(s, name);
    return i < s->n ? &s->shapes[i] : NULL;
}

const pipe_shard *pipe_store_shard(const pipe_store *s, const char *name)
{
    size_t i = find(s, name);
    return i < s->n ? &s->shards[i] : NULL;
}

void pipe_store_set_shard(pipe_store *s, const char *name, int64_t offset, int64_t global,
                          const int64_t *counts)
{
    size_t i = find(s, name);
    if (i == s->n)
        return;
    size_t bytes = (size_t)pipe_mpi_size() * sizeof *counts;
    free(s->shards[i].counts);
    s->shards[i] = (pipe_shard){.sharded = 1,
                                .offset = offset,
                                .global = global,
                                .counts = memcpy(pipe_xcalloc(1, bytes), counts, bytes)};
    s->shapes[i].shape[0] = global;
}

void pipe_store_set_source(pipe_store *s, const char *name, const char *source)
{
    size_t i = find(s, name);
    if (i == s->n)
        return;
    free(s->sources[i]);
    s->sources[i] = source && *source ? pipe_xstrdup(source) : NULL;
}

const char *pipe_store_source(const pipe_store *s, const char *name)
{
    size_t i = find(s, name);
    return i < s->n ? s->sources[i] : NULL;
}
