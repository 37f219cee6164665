/*
 * names.c — name lists of the data stages: column lists read from
 * parameters and the words "all" and "none". See table.h.
 */
#include "table.h"

#include <stdlib.h>
#include <string.h>

const char **pipe_table_param_names(const pipe_ctx *ctx, const char *name, size_t *n)
{
    *n = pipe_param_count(ctx, name);
    if (*n == 0)
        return NULL;
    const char **names = malloc(*n * sizeof *names);
    if (!names) {
        *n = 0;
        return NULL;
    }
    for (size_t i = 0; i < *n; i++)
        names[i] = pipe_param_string_at(ctx, name, i);
    return names;
}

int pipe_table_names_are(const char *const *names, size_t n, const char *word)
{
    return n == 1 && strcmp(names[0], word) == 0;
}
