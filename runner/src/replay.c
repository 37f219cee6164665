/*
 * replay.c — reading back what a run.json recorded (provenance.c writes
 * it) for `pipe run --replay`: the pipeline file, its --set arguments, the
 * thread count, the environment variables the file refers to, and the
 * configuration hash the rerun must reproduce.
 */
#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *scalar(const pipe_value *root, const char *key)
{
    const pipe_value *v = pipe_value_get(root, key);
    return v && v->kind == PIPE_VALUE_SCALAR ? v->scalar : NULL;
}

static int read_sets(const pipe_value *root, pipe_replay *r, char *err, size_t size)
{
    const pipe_value *sets = pipe_value_get(root, "set");
    if (!sets || sets->kind != PIPE_VALUE_LIST) {
        snprintf(err, size, "no list 'set' (a run.json of pipe 0.1 with provenance?)");
        return -1;
    }
    r->sets = pipe_xcalloc(sets->count, sizeof *r->sets);
    for (size_t i = 0; i < sets->count; i++) {
        if (sets->items[i].kind != PIPE_VALUE_SCALAR) {
            snprintf(err, size, "'set' item %zu is not a string", i + 1);
            return -1;
        }
        r->sets[r->n_sets++] = pipe_xstrdup(sets->items[i].scalar);
    }
    return 0;
}

static int read_env(const pipe_value *root, pipe_replay *r, char *err, size_t size)
{
    const pipe_value *env = pipe_value_get(root, "environment");
    if (!env || env->kind != PIPE_VALUE_MAP) {
        snprintf(err, size, "no mapping 'environment'");
        return -1;
    }
    r->env_names = pipe_xcalloc(env->count, sizeof *r->env_names);
    r->env_values = pipe_xcalloc(env->count, sizeof *r->env_values);
    for (size_t i = 0; i < env->count; i++) {
        const pipe_value *v = &env->items[i];
        if (v->kind != PIPE_VALUE_SCALAR) {
            snprintf(err, size, "environment '%s' is not a string", env->keys[i]);
            return -1;
        }
        r->env_names[r->n_env] = pipe_xstrdup(env->keys[i]);
        r->env_values[r->n_env++] = strcmp(v->scalar, "null") ? pipe_xstrdup(v->scalar) : NULL;
    }
    return 0;
}

int pipe_replay_load(const char *run_json, pipe_replay *r, char *err, size_t size)
{
    memset(r, 0, sizeof *r);
    pipe_doc *doc = pipe_yaml_load_file(run_json);
    if (!doc) {
        snprintf(err, size, "%s: cannot be read as a run.json (see above)", run_json);
        return -1;
    }
    const pipe_value *root = doc->root;
    const char *file = scalar(root, "file"), *hash = scalar(root, "pipeline_hash"),
               *threads = scalar(root, "threads");
    char why[512];
    int rc = -1;
    if (root->kind != PIPE_VALUE_MAP || !file || !hash || !threads)
        snprintf(why, sizeof why, "no 'file', 'pipeline_hash' and 'threads'");
    else if (read_sets(root, r, why, sizeof why) == 0 && read_env(root, r, why, sizeof why) == 0)
        rc = 0;
    if (rc == 0) {
        r->file = pipe_xstrdup(file);
        r->hash = pipe_xstrdup(hash);
        r->threads = atoi(threads);
    } else
        snprintf(err, size, "%s: not a run.json pipe can replay: %s", run_json, why);
    pipe_doc_free(doc);
    if (rc != 0)
        pipe_replay_free(r);
    return rc;
}

void pipe_replay_free(pipe_replay *r)
{
    for (size_t i = 0; i < r->n_sets; i++)
        free(r->sets[i]);
    for (size_t i = 0; i < r->n_env; i++) {
        free(r->env_names[i]);
        free(r->env_values[i]);
    }
    free(r->sets);
    free(r->env_names);
    free(r->env_values);
    free(r->file);
    free(r->hash);
    memset(r, 0, sizeof *r);
}
