/*
 * pipeline.c — the structure of a pipeline file: its name, seed, output
 * folder and ordered stages, each with an id, a plugin, parameters and
 * port-to-tensor maps. What the parameters and ports mean is checked later
 * against the plugins' declarations (params.c, validate.c).
 */
#include "core.h"
#include "sweep.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const top_keys[] = {"pipeline", "description", "seed", "threads",
                                       "output",   "stages",      "sweep"}; /* sweep_grid.c */
static const char *const stage_keys[] = {"id",      "plugin",      "params", "inputs",
                                         "outputs", "description", "when"};

/* Report a key of `map` that is not one of `allowed`. Returns the count. */
static int check_keys(const char *file, const pipe_value *map, const char *const *allowed, size_t n,
                      const char *what, const char *stage)
{
    int errors = 0;
    for (size_t i = 0; i < map->count; i++) {
        size_t j = 0;
        while (j < n && strcmp(map->keys[i], allowed[j]) != 0)
            j++;
        if (j < n)
            continue;
        char hint[128];
        pipe_diag(file, map->key_lines[i], map->key_columns[i], stage, "unknown %s key '%s'%s",
                  what, map->keys[i],
                  pipe_suggest_text(map->keys[i], allowed, n, hint, sizeof hint));
        errors++;
    }
    return errors;
}

/* A required or optional scalar item of a mapping. */
static int get_scalar(const char *file, const pipe_value *map, const char *key, int required,
                      const char *stage, const char **out)
{
    const pipe_value *v = pipe_value_get(map, key);
    *out = NULL;
    if (!v) {
        if (required)
            pipe_diag(file, map->line, map->column, stage, "missing required key '%s'", key);
        return required ? -1 : 0;
    }
    if (v->kind != PIPE_VALUE_SCALAR || v->scalar[0] == '\0') {
        pipe_diag(file, v->line, v->column, stage, "'%s' must be a non-empty string, found %s", key,
                  v->kind == PIPE_VALUE_SCALAR ? "an empty value" : pipe_value_kind_name(v->kind));
        return -1;
    }
    *out = v->scalar;
    return 0;
}

static int valid_id(const char *id)
{
    for (const char *c = id; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
            return 0;
    return 1;
}

static int parse_ports(const char *file, const pipe_value *map, const char *key, const char *stage,
                       pipe_port_map **out, size_t *n_out)
{
    const pipe_value *v = pipe_value_get(map, key);
    *out = NULL;
    *n_out = 0;
    if (!v)
        return 0;
    if (v->kind != PIPE_VALUE_MAP) {
        pipe_diag(file, v->line, v->column, stage,
                  "'%s' must map port names to tensor names ({port: tensor}), found %s", key,
                  pipe_value_kind_name(v->kind));
        return -1;
    }
    *out = pipe_xcalloc(v->count, sizeof **out);
    *n_out = v->count;
    int errors = 0;
    for (size_t i = 0; i < v->count; i++) {
        const pipe_value *t = &v->items[i];
        (*out)[i].port = v->keys[i];
        (*out)[i].line = t->line;
        (*out)[i].col = t->column;
        if (t->kind != PIPE_VALUE_SCALAR || t->scalar[0] == '\0') {
            pipe_diag(file, t->line, t->column, stage, "%s port '%s': expected a tensor name", key,
                      v->keys[i]);
            errors++;
            continue;
        }
        (*out)[i].tensor = t->scalar;
    }
    return errors ? -1 : 0;
}

/* when: {exists: PATH} | {missing: PATH} */
static int parse_when(const char *file, const pipe_value *item, pipe_stage_spec *st)
{
    const pipe_value *w = pipe_value_get(item, "when");
    if (!w)
        return 0;
    const pipe_value *exists = pipe_value_get(w, "exists"), *missing = pipe_value_get(w, "missing");
    const pipe_value *path = exists ? exists : missing;
    if (w->kind != PIPE_VALUE_MAP || w->count != 1 || !path || path->kind != PIPE_VALUE_SCALAR) {
        pipe_diag(file, w->line, w->column, st->id,
                  "'when' must be {exists: PATH} or {missing: PATH}");
        return -1;
    }
    st->when_path = path;
    st->when_exists = exists != NULL;
    return 0;
}

static int parse_stage(const char *file, const pipe_value *item, pipe_stage_spec *st)
{
    st->line = item->line;
    st->col = item->column;
    if (item->kind != PIPE_VALUE_MAP) {
        pipe_diag(file, item->line, item->column, NULL,
                  "a stage must be a mapping with 'id' and 'plugin', found %s",
                  pipe_value_kind_name(item->kind));
        return -1;
    }
    int errors = 0;
    if (get_scalar(file, item, "id", 1, NULL, &st->id) != 0)
        return -1;
    if (!valid_id(st->id)) {
        const pipe_value *v = pipe_value_get(item, "id");
        pipe_diag(file, v->line, v->column, NULL,
                  "stage id '%s' may hold only letters, digits, '_' and '-'", st->id);
        errors++;
    }
    errors += check_keys(file, item, stage_keys, PIPE_COUNT(stage_keys), "stage", st->id);
    errors += get_scalar(file, item, "plugin", 1, st->id, &st->plugin) != 0;
    const pipe_value *plugin = pipe_value_get(item, "plugin");
    if (plugin) {
        st->plugin_line = plugin->line;
        st->plugin_col = plugin->column;
    }
    st->params = pipe_value_get(item, "params");
    if (st->params && st->params->kind != PIPE_VALUE_MAP) {
        pipe_diag(file, st->params->line, st->params->column, st->id,
                  "'params' must be a mapping of parameter names to values, found %s",
                  pipe_value_kind_name(st->params->kind));
        errors++;
    }
    errors += parse_ports(file, item, "inputs", st->id, &st->inputs, &st->n_inputs) != 0;
    errors += parse_ports(file, item, "outputs", st->id, &st->outputs, &st->n_outputs) != 0;
    errors += parse_when(file, item, st) != 0;
    return errors ? -1 : 0;
}

static int parse_seed(const char *file, const pipe_value *root, uint64_t *seed)
{
    const pipe_value *v = pipe_value_get(root, "seed");
    *seed = 0;
    if (!v)
        return 0;
    char *end = NULL;
    errno = 0;
    unsigned long long x = v->kind == PIPE_VALUE_SCALAR ? strtoull(v->scalar, &end, 10) : 0;
    if (v->kind != PIPE_VALUE_SCALAR || !end || *end || end == v->scalar || errno ||
        v->scalar[0] == '-') {
        pipe_diag(file, v->line, v->column, NULL,
                  "'seed' must be a non-negative integer, found '%s'",
                  v->kind == PIPE_VALUE_SCALAR ? v->scalar : pipe_value_kind_name(v->kind));
        return -1;
    }
    *seed = x;
    return 0;
}

/* threads: the run's thread count when --threads does not say (1 to 256). */
static int parse_threads(const char *file, const pipe_value *root, int *threads)
{
    const pipe_value *v = pipe_value_get(root, "threads");
    *threads = 0;
    if (!v)
        return 0;
    char *end = NULL;
    long n = v->kind == PIPE_VALUE_SCALAR ? strtol(v->scalar, &end, 10) : 0;
    if (v->kind != PIPE_VALUE_SCALAR || !end || *end || end == v->scalar || n < 1 || n > 256) {
        pipe_diag(file, v->line, v->column, NULL,
                  "'threads' must be a whole number from 1 to 256, found '%s'",
                  v->kind == PIPE_VALUE_SCALAR ? v->scalar : pipe_value_kind_name(v->kind));
        return -1;
    }
    *threads = (int)n;
    return 0;
}

static int parse_stages(pipe_pipeline *p, const pipe_value *root)
{
    const pipe_value *list = pipe_value_get(root, "stages");
    if (!list) {
        pipe_diag(p->file, root->line, root->column, NULL, "missing required key 'stages'");
        return -1;
    }
    if (list->kind != PIPE_VALUE_LIST || list->count == 0) {
        pipe_diag(p->file, list->line, list->column, NULL, "'stages' must be a non-empty list");
        return -1;
    }
    p->stages = pipe_xcalloc(list->count, sizeof *p->stages);
    p->n_stages = list->count;
    int errors = 0;
    pipe_strmap ids;
    pipe_strmap_init(&ids);
    for (size_t i = 0; i < list->count; i++) {
        pipe_stage_spec *st = &p->stages[i];
        size_t j;
        if (parse_stage(p->file, &list->items[i], st) != 0) {
            errors++;
            st->broken = 1;
        }
        if (!st->id)
            continue;
        if (pipe_strmap_get(&ids, st->id, &j)) {
            pipe_diag(p->file, st->line, st->col, NULL,
                      "duplicate stage id '%s' (first at line %d)", st->id, p->stages[j].line);
            errors++;
            st->broken = 1;
        } else
            pipe_strmap_put(&ids, st->id, i);
    }
    pipe_strmap_free(&ids);
    return errors ? -1 : 0;
}

pipe_pipeline *pipe_pipeline_load(const char *path)
{
    int errors = 0;
    pipe_pipeline *p = pipe_pipeline_load_all(path, &errors);
    if (p && errors) {
        pipe_pipeline_free(p);
        return NULL;
    }
    return p;
}

pipe_pipeline *pipe_pipeline_load_all(const char *path, int *n_errors)
{
    *n_errors = 1;
    pipe_doc *doc = pipe_yaml_load_file(path);
    if (!doc)
        return NULL;
    pipe_pipeline *p = pipe_xcalloc(1, sizeof *p);
    p->doc = doc;
    p->file = doc->file;
    const pipe_value *root = doc->root;
    if (root->kind != PIPE_VALUE_MAP) {
        pipe_diag(p->file, root->line, root->column, NULL,
                  "a pipeline file must be a mapping with 'pipeline' and 'stages', found %s",
                  pipe_value_kind_name(root->kind));
        pipe_pipeline_free(p);
        return NULL;
    }
    int errors = check_keys(p->file, root, top_keys, PIPE_COUNT(top_keys), "top-level", NULL);
    errors += get_scalar(p->file, root, "pipeline", 1, NULL, &p->name) != 0;
    if (p->name && !valid_id(p->name)) {
        const pipe_value *v = pipe_value_get(root, "pipeline");
        pipe_diag(p->file, v->line, v->column, NULL,
                  "pipeline name '%s' may hold only letters, digits, '_' and '-'", p->name);
        errors++;
    }
    errors += get_scalar(p->file, root, "description", 0, NULL, &p->description) != 0;
    errors += get_scalar(p->file, root, "output", 0, NULL, &p->output) != 0;
    errors += parse_seed(p->file, root, &p->seed) != 0;
    errors += parse_threads(p->file, root, &p->threads) != 0;
    errors += parse_stages(p, root) != 0;
    errors += !errors && pipe_sweep_check(p) != 0; /* the sweep: block, sweep_grid.c */
    p->hash = pipe_fnv1a_file(path, NULL);
    *n_errors = errors;
    return p;
}

void pipe_pipeline_free(pipe_pipeline *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_stages; i++) {
        free(p->stages[i].inputs);
        free(p->stages[i].outputs);
    }
    free(p->stages);
    pipe_doc_free(p->doc);
    free(p);
}

const pipe_stage_spec *pipe_pipeline_stage(const pipe_pipeline *p, const char *id)
{
    for (size_t i = 0; i < p->n_stages; i++)
        if (p->stages[i].id && strcmp(p->stages[i].id, id) == 0)
            return &p->stages[i];
    return NULL;
}
