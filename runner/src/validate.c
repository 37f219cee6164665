/*
 * validate.c — everything checkable before running: each stage resolves
 * to a plugin, its parameters are known and valid, its port maps name
 * declared ports, each input tensor is produced by an earlier stage with a
 * compatible dtype and rank, every --set names a real stage and
 * parameter, and each plugin's own check() passes.
 */
#include "core.h"

#include <stdlib.h>
#include <string.h>

/* A tensor that some stage will produce. */
typedef struct produced {
    const char *name, *stage;
    unsigned dtypes;
    int rank;
} produced;

typedef struct tensor_table {
    produced *items;
    size_t n, cap;
    pipe_strmap latest; /* tensor name -> index of its latest producer */
} tensor_table;

static const produced *find_produced(const tensor_table *t, const char *name)
{
    size_t i;
    return pipe_strmap_get(&t->latest, name, &i) ? &t->items[i] : NULL;
}

static int check_port_names(const pipe_pipeline *p, const pipe_stage_spec *s,
                            const pipe_port_map *maps, size_t n_maps, const pipe_port_decl *decls,
                            size_t n_decls, const char *what)
{
    const char **names = pipe_xcalloc(n_decls, sizeof *names);
    for (size_t i = 0; i < n_decls; i++)
        names[i] = decls[i].name;
    int errors = 0;
    for (size_t m = 0; m < n_maps; m++) {
        size_t i = 0;
        while (i < n_decls && strcmp(names[i], maps[m].port) != 0)
            i++;
        if (i < n_decls)
            continue;
        char hint[128];
        pipe_diag(p->file, maps[m].line, maps[m].col, s->id, "unknown %s port '%s'%s", what,
                  maps[m].port, pipe_suggest_text(maps[m].port, names, n_decls, hint, sizeof hint));
        errors++;
    }
    free(names);
    return errors;
}

static const pipe_port_map *find_map(const pipe_port_map *maps, size_t n, const char *port)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(maps[i].port, port) == 0)
            return &maps[i];
    return NULL;
}

static int check_inputs(const pipe_pipeline *p, const pipe_stage_spec *s, const pipe_plugin *pl,
                        const tensor_table *table)
{
    int errors = 0;
    for (size_t i = 0; i < pl->n_inputs; i++) {
        const pipe_port_decl *d = &pl->inputs[i];
        const pipe_port_map *m = find_map(s->inputs, s->n_inputs, d->name);
        if (!m && d->optional)
            continue;
        const char *name = m ? m->tensor : d->name;
        int line = m ? m->line : s->line, col = m ? m->col : s->col;
        const produced *src = find_produced(table, name);
        char want[64], have[64];
        if (!src) {
            pipe_diag(p->file, line, col, s->id,
                      "input '%s': no earlier stage produces a tensor '%s'%s", d->name, name,
                      m ? "" : " (the port's default name; map it with inputs: {port: tensor})");
            errors++;
        } else if (!(src->dtypes & d->dtypes)) {
            pipe_diag(p->file, line, col, s->id,
                      "input '%s': tensor '%s' from stage '%s' is %s, expected %s", d->name, name,
                      src->stage, pipe_dtype_mask_name(src->dtypes, have, sizeof have),
                      pipe_dtype_mask_name(d->dtypes, want, sizeof want));
            errors++;
        } else if (src->rank && d->rank && src->rank != d->rank) {
            pipe_diag(p->file, line, col, s->id,
                      "input '%s': tensor '%s' from stage '%s' has rank %d, expected rank %d",
                      d->name, name, src->stage, src->rank, d->rank);
            errors++;
        }
    }
    return errors;
}

static void add_outputs(tensor_table *table, const pipe_stage_spec *s, const pipe_plugin *pl)
{
    for (size_t i = 0; i < pl->n_outputs; i++) {
        const pipe_port_decl *d = &pl->outputs[i];
        const pipe_port_map *m = find_map(s->outputs, s->n_outputs, d->name);
        if (!m && d->optional)
            continue;
        if (table->n == table->cap) {
            table->cap = table->cap ? table->cap * 2 : 64;
            table->items = pipe_xrealloc(table->items, table->cap * sizeof *table->items);
        }
        const char *name = m ? m->tensor : d->name;
        table->items[table->n] = (produced){name, s->id, d->dtypes, d->rank};
        pipe_strmap_put(&table->latest, name, table->n++);
    }
}

static int check_overrides(const pipe_pipeline *p, pipe_plan *plan, const pipe_run_options *o)
{
    int errors = 0;
    const char **ids = pipe_xcalloc(p->n_stages, sizeof *ids);
    for (size_t i = 0; i < p->n_stages; i++)
        ids[i] = p->stages[i].id;
    for (size_t k = 0; k < o->n_overrides; k++) {
        const pipe_override *ov = &o->overrides[k];
        if (ov->used)
            continue;
        char hint[128];
        const pipe_stage_spec *s = pipe_pipeline_stage(p, ov->stage);
        errors++;
        if (!s) {
            pipe_diag("--set", 0, 0, NULL, "no stage '%s' in %s%s", ov->stage, p->file,
                      pipe_suggest_text(ov->stage, ids, p->n_stages, hint, sizeof hint));
            continue;
        }
        const pipe_plugin *pl = plan->plugins[s - p->stages];
        if (!pl)
            continue; /* already reported */
        const char **names = pipe_xcalloc(pl->n_params, sizeof *names);
        for (size_t i = 0; i < pl->n_params; i++)
            names[i] = pl->params[i].name;
        pipe_diag("--set", 0, 0, s->id, "unknown parameter '%s'%s", ov->param,
                  pipe_suggest_text(ov->param, names, pl->n_params, hint, sizeof hint));
        free(names);
    }
    free(ids);
    return errors;
}

/* The path of a `when` condition must expand. */
static int check_when(const pipe_pipeline *p, const pipe_stage_spec *s)
{
    if (!s->when_path)
        return 0;
    char missing[256];
    char *path = pipe_env_expand(s->when_path->scalar, missing, sizeof missing);
    if (!path) {
        pipe_diag(p->file, s->when_path->line, s->when_path->column, s->id,
                  "'when': environment variable '%s' is not set", missing);
        return 1;
    }
    free(path);
    return 0;
}

static int run_check(pipe_run_state *run, const pipe_stage_spec *s, const pipe_plugin *pl,
                     pipe_param_val *params)
{
    if (!pl->check)
        return 0;
    pipe_ctx ctx;
    pipe_ctx_init(&ctx, run, s, pl, params);
    ctx.checking = 1;
    return pl->check(&ctx) != 0;
}

int pipe_plan_build(pipe_plan *plan, pipe_run_state *run, pipe_registry *reg)
{
    const pipe_pipeline *p = run->pipeline;
    const pipe_run_options *o = run->opts;
    plan->n = p->n_stages;
    plan->plugins = pipe_xcalloc(p->n_stages, sizeof *plan->plugins);
    plan->params = pipe_xcalloc(p->n_stages, sizeof *plan->params);
    tensor_table table = {NULL, 0, 0, {0}};
    int errors = 0;
    for (size_t i = 0; i < p->n_stages; i++) {
        const pipe_stage_spec *s = &p->stages[i];
        char err[2048];
        const pipe_plugin *pl = pipe_registry_get(reg, s->plugin, err, sizeof err);
        if (!pl) {
            pipe_diag(p->file, s->plugin_line, s->plugin_col, s->id, "%s", err);
            errors++;
            continue;
        }
        plan->plugins[i] = pl;
        plan->params[i] = pipe_params_resolve(p, s, pl, o->overrides, o->n_overrides);
        int stage_errors = plan->params[i] == NULL;
        stage_errors +=
            check_port_names(p, s, s->inputs, s->n_inputs, pl->inputs, pl->n_inputs, "input");
        stage_errors +=
            check_port_names(p, s, s->outputs, s->n_outputs, pl->outputs, pl->n_outputs, "output");
        stage_errors += check_inputs(p, s, pl, &table);
        stage_errors += check_when(p, s);
        if (!stage_errors)
            stage_errors += run_check(run, s, pl, plan->params[i]);
        add_outputs(&table, s, pl);
        errors += stage_errors;
    }
    errors += check_overrides(p, plan, o);
    free(table.items);
    pipe_strmap_free(&table.latest);
    return errors ? -1 : 0;
}

void pipe_plan_free(pipe_plan *plan)
{
    for (size_t i = 0; i < plan->n; i++)
        if (plan->plugins[i])
            pipe_params_free(plan->params[i], plan->plugins[i]->n_params);
    free(plan->plugins);
    free(plan->params);
    memset(plan, 0, sizeof *plan);
}
