/*
 * validate.c — everything checkable before running: each stage resolves
 * to a plugin, its parameters are known and valid, its port maps name
 * declared ports, each input tensor is produced by an earlier stage with a
 * compatible dtype and rank, every --set names a real stage and
 * parameter, and each plugin's own check() passes.
 */
#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* "rank 2" or "rank 1 to 2" of a known tensor. */
static const char *rank_text(const pipe_known *k, char *buf, size_t size)
{
    if (k->rank_min == k->rank_max)
        snprintf(buf, size, "rank %d", k->rank_min);
    else
        snprintf(buf, size, "rank %d to %d", k->rank_min, k->rank_max);
    return buf;
}

static int report_missing(const pipe_pipeline *p, const pipe_stage_spec *s, const char *port,
                          const char *name, const pipe_port_map *m, const pipe_known_table *known)
{
    size_t cap = known->n ? known->n : 1;
    const char **names = pipe_xcalloc(cap, sizeof *names);
    size_t n = pipe_known_names(known, names, cap);
    char hint[160];
    pipe_suggest_text(name, names, n, hint, sizeof hint);
    free(names);
    pipe_diag(p->file, m ? m->line : s->line, m ? m->col : s->col, s->id,
              "input '%s': no earlier stage produces a tensor '%s'%s%s", port, name, hint,
              m ? "" : " (the port's default name; map it with inputs: {port: tensor})");
    return 1;
}

/* Check each input against what earlier stages produce; records the
 * producer of each in `src` (-1 none) for the stage's check(). */
static int check_inputs(const pipe_pipeline *p, const pipe_stage_spec *s, const pipe_plugin *pl,
                        const pipe_known_table *known, long *src)
{
    int errors = 0;
    for (size_t i = 0; i < pl->n_inputs; i++) {
        const pipe_port_decl *d = &pl->inputs[i];
        const pipe_port_map *m = find_map(s->inputs, s->n_inputs, d->name);
        src[i] = -1;
        if ((!m && d->optional) || (m && !m->tensor))
            continue;
        const char *name = m ? m->tensor : d->name;
        int line = m ? m->line : s->line, col = m ? m->col : s->col;
        long at = pipe_known_find(known, name);
        src[i] = at;
        if (at < 0) {
            errors += report_missing(p, s, d->name, name, m, known);
            continue;
        }
        const pipe_known *k = &known->items[at];
        char want[64], have[64];
        if (!(k->dtypes & d->dtypes)) {
            pipe_diag(p->file, line, col, s->id,
                      "input '%s': tensor '%s' from stage '%s' is %s, expected %s", d->name, name,
                      k->stage, pipe_dtype_mask_name(k->dtypes, have, sizeof have),
                      pipe_dtype_mask_name(d->dtypes, want, sizeof want));
            errors++;
        } else if (k->rank_min && d->rank && (d->rank < k->rank_min || d->rank > k->rank_max)) {
            pipe_diag(p->file, line, col, s->id,
                      "input '%s': tensor '%s' from stage '%s' has %s, expected rank %d", d->name,
                      name, k->stage, rank_text(k, have, sizeof have), d->rank);
            errors++;
        }
    }
    return errors;
}

/* Enter the stage's outputs; `dst` gets the entry of each declared output
 * (-1 when not produced). */
static void add_outputs(pipe_known_table *known, const pipe_stage_spec *s, const pipe_plugin *pl,
                        long *dst)
{
    for (size_t i = 0; i < pl->n_outputs; i++) {
        const pipe_port_decl *d = &pl->outputs[i];
        const pipe_port_map *m = find_map(s->outputs, s->n_outputs, d->name);
        dst[i] = -1;
        if ((!m && d->optional) || (m && !m->tensor))
            continue;
        pipe_known_add(known, m ? m->tensor : d->name, s->id, d->dtypes, d->rank);
        dst[i] = (long)known->n - 1;
    }
}

/* A stage whose plugin cannot be had still produces what its YAML maps,
 * of unknown dtype and rank, so that later stages report only their own
 * errors. */
static void add_mapped_outputs(pipe_known_table *known, const pipe_stage_spec *s)
{
    for (size_t m = 0; m < s->n_outputs; m++)
        if (s->outputs[m].tensor)
            pipe_known_add(known, s->outputs[m].tensor, s->id, PIPE_DT_ANY, 0);
}

/* "a, b, c" into buf: the ids of the stages (those that have one) for
 * which `keep` holds. */
static void list_stages(const pipe_pipeline *p, const pipe_plan *plan, const char *param, char *buf,
                        size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < p->n_stages && len < size; i++) {
        const pipe_plugin *pl = plan->plugins[i];
        int keep = p->stages[i].id != NULL;
        if (keep && param) {
            keep = 0;
            for (size_t k = 0; pl && k < pl->n_params && !keep; k++)
                keep = strcmp(pl->params[k].name, param) == 0;
        }
        if (keep)
            len +=
                (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "", p->stages[i].id);
    }
}

/* --set STAGE.PARAM=... naming no stage: the stage ids, the closest id,
 * else the stages that have such a parameter. */
static void report_no_stage(const pipe_pipeline *p, const pipe_plan *plan, const pipe_override *ov)
{
    const char **ids = pipe_xcalloc(p->n_stages, sizeof *ids);
    size_t n = 0;
    for (size_t i = 0; i < p->n_stages; i++)
        if (p->stages[i].id)
            ids[n++] = p->stages[i].id;
    char all[1024], with[1024], hint[1200];
    list_stages(p, plan, NULL, all, sizeof all);
    list_stages(p, plan, ov->param, with, sizeof with);
    pipe_suggest_text(ov->stage, ids, n, hint, sizeof hint);
    if (!hint[0] && with[0])
        snprintf(hint, sizeof hint, "; stages with a parameter '%s': %s", ov->param, with);
    pipe_diag(ov->value->file, 0, 0, NULL, "no stage '%s' in %s (its stages: %s)%s", ov->stage,
              p->file, all, hint);
    free(ids);
}

static int check_overrides(const pipe_pipeline *p, pipe_plan *plan, const pipe_run_options *o)
{
    int errors = 0;
    for (size_t k = 0; k < o->n_overrides; k++) {
        const pipe_override *ov = &o->overrides[k];
        if (ov->used)
            continue;
        char hint[128];
        const pipe_stage_spec *s = pipe_pipeline_stage(p, ov->stage);
        errors++;
        if (!s) {
            report_no_stage(p, plan, ov);
            continue;
        }
        const pipe_plugin *pl = plan->plugins[s - p->stages];
        if (!pl || s->broken)
            continue; /* already reported */
        const char **names = pipe_xcalloc(pl->n_params, sizeof *names);
        for (size_t i = 0; i < pl->n_params; i++)
            names[i] = pl->params[i].name;
        pipe_diag(ov->value->file, 0, 0, s->id, "unknown parameter '%s'%s", ov->param,
                  pipe_suggest_text(ov->param, names, pl->n_params, hint, sizeof hint));
        free(names);
    }
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
                     pipe_param_val *params, pipe_check_view *view)
{
    if (!pl->check)
        return 0;
    pipe_ctx ctx;
    pipe_ctx_init(&ctx, run, s, pl, params);
    ctx.checking = 1;
    ctx.view = view;
    return pl->check(&ctx) != 0;
}

/* Validate one stage whose plugin is `pl` against what earlier stages
 * produce, and enter its outputs. Returns the count of errors. */
static int plan_stage(pipe_plan *plan, pipe_run_state *run, size_t i, const pipe_plugin *pl,
                      pipe_known_table *known)
{
    const pipe_pipeline *p = run->pipeline;
    const pipe_run_options *o = run->opts;
    const pipe_stage_spec *s = &p->stages[i];
    long *in = pipe_xcalloc(pl->n_inputs, sizeof *in), *out;
    out = pipe_xcalloc(pl->n_outputs, sizeof *out);
    int errors = 0;
    if (!s->broken) {
        plan->params[i] = pipe_params_resolve(p, s, pl, o->overrides, o->n_overrides);
        errors += plan->params[i] == NULL;
    }
    errors += check_port_names(p, s, s->inputs, s->n_inputs, pl->inputs, pl->n_inputs, "input");
    errors +=
        check_port_names(p, s, s->outputs, s->n_outputs, pl->outputs, pl->n_outputs, "output");
    errors += check_inputs(p, s, pl, known, in);
    errors += check_when(p, s);
    add_outputs(known, s, pl, out);
    if (!errors && !s->broken) {
        pipe_check_view view = {known, in, out};
        errors += run_check(run, s, pl, plan->params[i], &view);
    }
    free(in);
    free(out);
    return errors;
}

int pipe_plan_build(pipe_plan *plan, pipe_run_state *run, pipe_registry *reg)
{
    const pipe_pipeline *p = run->pipeline;
    plan->n = p->n_stages;
    plan->plugins = pipe_xcalloc(p->n_stages, sizeof *plan->plugins);
    plan->params = pipe_xcalloc(p->n_stages, sizeof *plan->params);
    pipe_known_table known;
    memset(&known, 0, sizeof known);
    int errors = 0;
    for (size_t i = 0; i < p->n_stages; i++) {
        const pipe_stage_spec *s = &p->stages[i];
        char err[2048];
        const pipe_plugin *pl =
            s->id && s->plugin ? pipe_registry_get(reg, s->plugin, err, sizeof err) : NULL;
        if (!pl) {
            if (s->id && s->plugin) {
                pipe_diag(p->file, s->plugin_line, s->plugin_col, s->id, "%s", err);
                errors++;
            } /* else reported with the structure */
            if (s->id)
                add_mapped_outputs(&known, s);
            continue;
        }
        plan->plugins[i] = pl;
        errors += plan_stage(plan, run, i, pl, &known);
    }
    errors += check_overrides(p, plan, run->opts);
    pipe_known_free(&known);
    return errors ? -1 : 0;
}

void pipe_plan_free(pipe_plan *plan)
{
    for (size_t i = 0; i < plan->n; i++)
        if (plan->plugins[i] && plan->params[i])
            pipe_params_free(plan->params[i], plan->plugins[i]->n_params);
    free(plan->plugins);
    free(plan->params);
    memset(plan, 0, sizeof *plan);
}
