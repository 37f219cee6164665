/*
 * value.c — pipe_value trees, the runner's view of YAML: lookup by key,
 * kind names for messages, freeing.
 */
#include "core.h"

#include <stdlib.h>
#include <string.h>

const pipe_value *pipe_value_get(const pipe_value *map, const char *key)
{
    if (!map || map->kind != PIPE_VALUE_MAP)
        return NULL;
    for (size_t i = 0; i < map->count; i++)
        if (strcmp(map->keys[i], key) == 0)
            return &map->items[i];
    return NULL;
}

const char *pipe_value_kind_name(pipe_value_kind kind)
{
    switch (kind) {
    case PIPE_VALUE_SCALAR:
        return "a scalar";
    case PIPE_VALUE_LIST:
        return "a list";
    case PIPE_VALUE_MAP:
        return "a mapping";
    }
    return "?";
}

void pipe_value_free(pipe_value *v)
{
    if (!v)
        return;
    free((char *)v->scalar);
    for (size_t i = 0; i < v->count; i++) {
        if (v->keys)
            free((char *)v->keys[i]);
        pipe_value_free(&v->items[i]);
    }
    free(v->keys);
    free(v->items);
    free(v->key_lines);
    free(v->key_columns);
}
