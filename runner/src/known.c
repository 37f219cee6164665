/*
 * known.c — what validation knows of each tensor before anything runs:
 * the stage that will produce it, its dtypes, its rank (exact, a range,
 * or any) and, for tables, its column names when parameters fix them.
 * Also the SDK functions through which a plugin's check() reads and
 * narrows that knowledge (pipe_check_input_columns, ...), and the check
 * of an input file parameter.
 */
#include "core.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

pipe_known *pipe_known_add(pipe_known_table *t, const char *name, const char *stage,
                           unsigned dtypes, int rank)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->items = pipe_xrealloc(t->items, t->cap * sizeof *t->items);
    }
    pipe_known *k = &t->items[t->n];
    *k = (pipe_known){name, stage, dtypes, rank, rank, NULL, 0};
    pipe_strmap_put(&t->latest, name, t->n++);
    return k;
}

long pipe_known_find(const pipe_known_table *t, const char *name)
{
    size_t i;
    return pipe_strmap_get(&t->latest, name, &i) ? (long)i : -1;
}

static void free_columns(pipe_known *k)
{
    for (size_t j = 0; j < k->n_columns; j++)
        free(k->columns[j]);
    free(k->columns);
    k->columns = NULL;
    k->n_columns = 0;
}

void pipe_known_free(pipe_known_table *t)
{
    for (size_t i = 0; i < t->n; i++)
        free_columns(&t->items[i]);
    free(t->items);
    pipe_strmap_free(&t->latest);
    memset(t, 0, sizeof *t);
}

size_t pipe_known_names(const pipe_known_table *t, const char **names, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n && n < cap; i++)
        names[n++] = t->items[i].name;
    return n;
}

/* The entry of a port of the stage being checked, or NULL. */
static pipe_known *port_entry(const pipe_ctx *ctx, const pipe_port_decl *decls, size_t n_decls,
                              const long *index, const char *port)
{
    const pipe_check_view *v = ctx->view;
    if (!v)
        return NULL;
    for (size_t i = 0; i < n_decls; i++)
        if (strcmp(decls[i].name, port) == 0)
            return index[i] >= 0 ? &v->table->items[index[i]] : NULL;
    return NULL;
}

static pipe_known *input_entry(const pipe_ctx *ctx, const char *port)
{
    return port_entry(ctx, ctx->plugin->inputs, ctx->plugin->n_inputs,
                      ctx->view ? ctx->view->inputs : NULL, port);
}

static pipe_known *output_entry(const pipe_ctx *ctx, const char *port)
{
    return port_entry(ctx, ctx->plugin->outputs, ctx->plugin->n_outputs,
                      ctx->view ? ctx->view->outputs : NULL, port);
}

const char *const *pipe_check_input_columns(const pipe_ctx *ctx, const char *port, size_t *n)
{
    const pipe_known *k = input_entry(ctx, port);
    *n = k && k->columns ? k->n_columns : 0;
    return k && k->columns ? (const char *const *)k->columns : NULL;
}

void pipe_check_output_columns(pipe_ctx *ctx, const char *port, const char *const *names, size_t n)
{
    pipe_known *k = output_entry(ctx, port);
    if (!k)
        return;
    free_columns(k);
    k->columns = pipe_xcalloc(n, sizeof *k->columns);
    for (size_t j = 0; j < n; j++)
        k->columns[j] = pipe_xstrdup(names[j]);
    k->n_columns = n;
}

void pipe_check_output_ranks(pipe_ctx *ctx, const char *port, int min_rank, int max_rank)
{
    pipe_known *k = output_entry(ctx, port);
    if (!k || min_rank < 1 || max_rank < min_rank || max_rank > PIPE_MAX_RANK)
        return;
    if (k->rank_min && (min_rank < k->rank_min || max_rank > k->rank_max))
        return; /* only narrows what the declaration says */
    k->rank_min = min_rank;
    k->rank_max = max_rank;
}

/* The value of list item i of parameter v (for its location). */
static const pipe_value *item_value(const pipe_param_val *v, size_t i)
{
    if (v->value && v->value->kind == PIPE_VALUE_LIST && i < v->value->count)
        return &v->value->items[i];
    return v->value;
}

static const pipe_param_val *param_val(const pipe_ctx *ctx, const char *name)
{
    for (size_t i = 0; i < ctx->plugin->n_params; i++)
        if (strcmp(ctx->params[i].decl->name, name) == 0)
            return &ctx->params[i];
    return NULL;
}

static int column_error(pipe_ctx *ctx, const char *param, const pipe_value *at, const char *port,
                        const pipe_known *k, const char *name)
{
    char hint[160];
    pipe_suggest_text(name, (const char *const *)k->columns, k->n_columns, hint, sizeof hint);
    return pipe_value_error(ctx, param, at,
                            "input '%s' (tensor '%s' from stage '%s') has no column '%s'%s", port,
                            k->name, k->stage, name, hint);
}

int pipe_check_column_param(pipe_ctx *ctx, const char *port, const char *param)
{
    const pipe_known *k = input_entry(ctx, port);
    const pipe_param_val *v = param_val(ctx, param);
    if (!k || !k->columns || !v)
        return 0;
    int is_list = v->decl->type == PIPE_PARAM_STRING_LIST;
    if (!is_list && v->decl->type != PIPE_PARAM_STRING)
        return 0;
    size_t n = is_list ? v->n : (v->s && v->s[0] ? 1 : 0);
    int errors = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = is_list ? v->strings[i] : v->s;
        size_t j = 0;
        while (j < k->n_columns && strcmp(k->columns[j], name) != 0)
            j++;
        if (j == k->n_columns)
            errors += column_error(ctx, param, item_value(v, i), port, k, name) != 0;
    }
    return errors ? -1 : 0;
}

int pipe_check_input_file_param(pipe_ctx *ctx, const char *name)
{
    const pipe_param_val *v = param_val(ctx, name);
    if (!v || !ctx->checking || ctx->spec->when_path)
        return 0; /* a stage with a `when` may not run at all */
    const char *path = v->decl->type == PIPE_PARAM_STRING ? v->s : NULL;
    if (!path || !*path)
        return 0;
    struct stat st;
    if (stat(path, &st) != 0)
        return pipe_param_error(ctx, name, "'%s' cannot be read: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return pipe_param_error(ctx, name, "'%s' is a directory, expected a file", path);
    return 0;
}
