/*
 * params.c — resolving a stage's parameters: the value from --set, else
 * from the pipeline file, else the declared default; converted to the
 * declared type and checked against its range or choices. Strings expand
 * ${VAR} and ${VAR:-default} from the environment.
 */
#include "core.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct resolver {
    const pipe_stage_spec *spec;
    const pipe_param_decl *decl;
    const char *file;
    const pipe_value *value;
} resolver;

static int fail(const resolver *r, const pipe_value *v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(const resolver *r, const pipe_value *v, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pipe_diag(r->file, v->line, v->column, r->spec->id, "parameter '%s': %s", r->decl->name, msg);
    return -1;
}

static int parse_int(const resolver *r, const pipe_value *v, int64_t *out)
{
    if (v->kind != PIPE_VALUE_SCALAR)
        return fail(r, v, "expected an integer, found %s", pipe_value_kind_name(v->kind));
    char *end = NULL;
    errno = 0;
    long long x = strtoll(v->scalar, &end, 10);
    if (end == v->scalar || *end || errno)
        return fail(r, v, "expected an integer, found '%s'", v->scalar);
    const pipe_param_decl *d = r->decl;
    if (d->min < d->max && (x < d->min || x > d->max))
        return fail(r, v, "%lld is out of range [%g, %g]", x, d->min, d->max);
    *out = x;
    return 0;
}

static int parse_float(const resolver *r, const pipe_value *v, double *out)
{
    if (v->kind != PIPE_VALUE_SCALAR)
        return fail(r, v, "expected a number, found %s", pipe_value_kind_name(v->kind));
    char *end = NULL;
    errno = 0;
    double x = strtod(v->scalar, &end);
    if (end == v->scalar || *end || !isfinite(x))
        return fail(r, v, "expected a finite number, found '%s'", v->scalar);
    const pipe_param_decl *d = r->decl;
    if (d->min < d->max && (x < d->min || x > d->max))
        return fail(r, v, "%g is out of range [%g, %g]", x, d->min, d->max);
    *out = x;
    return 0;
}

static int parse_bool(const resolver *r, const pipe_value *v, int *out)
{
    static const char *const yes[] = {"true", "yes", "on"}, *const no[] = {"false", "no", "off"};
    if (v->kind == PIPE_VALUE_SCALAR)
        for (int i = 0; i < 3; i++) {
            if (strcasecmp(v->scalar, yes[i]) == 0)
                return *out = 1, 0;
            if (strcasecmp(v->scalar, no[i]) == 0)
                return *out = 0, 0;
        }
    return fail(r, v, "expected true or false, found %s%s%s",
                v->kind == PIPE_VALUE_SCALAR ? "'" : "",
                v->kind == PIPE_VALUE_SCALAR ? v->scalar : pipe_value_kind_name(v->kind),
                v->kind == PIPE_VALUE_SCALAR ? "'" : "");
}

/* Expand ${VAR} and ${VAR:-default} in `text`. Returns a malloc'd string,
 * or NULL with the name of the unset variable in `missing`. */
char *pipe_env_expand(const char *text, char *missing, size_t size)
{
    const char *s = text;
    size_t cap = strlen(s) + 1, len = 0;
    char *out = pipe_xcalloc(cap, 1);
    while (*s) {
        const char *close = s[0] == '$' && s[1] == '{' ? strchr(s, '}') : NULL;
        if (!close) {
            if (len + 2 > cap)
                out = pipe_xrealloc(out, cap *= 2);
            out[len++] = *s++;
            continue;
        }
        char name[256];
        size_t n = (size_t)(close - s - 2);
        snprintf(name, sizeof name, "%.*s", (int)(n < 255 ? n : 255), s + 2);
        char *dflt = strstr(name, ":-");
        if (dflt)
            *dflt = '\0', dflt += 2;
        const char *val = getenv(name);
        if (!val || !*val)
            val = dflt;
        if (!val) {
            snprintf(missing, size, "%s", name);
            free(out);
            return NULL;
        }
        size_t vl = strlen(val);
        while (len + vl + 1 > cap)
            out = pipe_xrealloc(out, cap *= 2);
        memcpy(out + len, val, vl);
        len += vl;
        s = close + 1;
    }
    out[len] = '\0';
    return out;
}

static int parse_string(const resolver *r, const pipe_value *v, char **out)
{
    if (v->kind != PIPE_VALUE_SCALAR)
        return fail(r, v, "expected a string, found %s", pipe_value_kind_name(v->kind));
    char name[256];
    *out = pipe_env_expand(v->scalar, name, sizeof name);
    if (!*out)
        return fail(r, v, "environment variable '%s' is not set (write ${%s:-default} to give one)",
                    name, name);
    return 0;
}

static int parse_choice(const resolver *r, const pipe_value *v, char **out)
{
    if (v->kind != PIPE_VALUE_SCALAR)
        return fail(r, v, "expected one of %s, found %s", r->decl->choices,
                    pipe_value_kind_name(v->kind));
    char *copy = pipe_xstrdup(r->decl->choices), *save = NULL;
    const char *names[64];
    size_t n = 0;
    for (char *c = strtok_r(copy, "|", &save); c && n < 64; c = strtok_r(NULL, "|", &save))
        names[n++] = c;
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], v->scalar) == 0) {
            free(copy);
            *out = pipe_xstrdup(v->scalar);
            return 0;
        }
    char hint[128], list[1024];
    size_t len = 0;
    list[0] = '\0';
    for (size_t i = 0; i < n && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", names[i]);
    fail(r, v, "expected one of %s, found '%s'%s", list, v->scalar,
         pipe_suggest_text(v->scalar, names, n, hint, sizeof hint));
    free(copy);
    return -1;
}

/* Lists accept a YAML list, or a single scalar meaning a list of one. */
static int parse_list(const resolver *r, const pipe_value *v, pipe_param_val *out)
{
    if (v->kind == PIPE_VALUE_MAP)
        return fail(r, v, "expected a list, found a mapping");
    size_t n = v->kind == PIPE_VALUE_LIST ? v->count : 1;
    const pipe_value *items = v->kind == PIPE_VALUE_LIST ? v->items : v;
    out->n = n;
    pipe_param_type type = r->decl->type;
    if (type == PIPE_PARAM_INT_LIST)
        out->ints = pipe_xcalloc(n, sizeof *out->ints);
    else if (type == PIPE_PARAM_FLOAT_LIST)
        out->floats = pipe_xcalloc(n, sizeof *out->floats);
    else
        out->strings = pipe_xcalloc(n, sizeof *out->strings);
    int errors = 0;
    for (size_t i = 0; i < n; i++) {
        if (type == PIPE_PARAM_INT_LIST)
            errors += parse_int(r, &items[i], &out->ints[i]) != 0;
        else if (type == PIPE_PARAM_FLOAT_LIST)
            errors += parse_float(r, &items[i], &out->floats[i]) != 0;
        else
            errors += parse_string(r, &items[i], &out->strings[i]) != 0;
    }
    return errors ? -1 : 0;
}

static int convert(const resolver *r, pipe_param_val *out)
{
    const pipe_value *v = r->value;
    switch (r->decl->type) {
    case PIPE_PARAM_INT:
        return parse_int(r, v, &out->i);
    case PIPE_PARAM_FLOAT:
        return parse_float(r, v, &out->f);
    case PIPE_PARAM_BOOL: {
        int b = 0;
        int rc = parse_bool(r, v, &b);
        out->i = b;
        return rc;
    }
    case PIPE_PARAM_STRING:
        return parse_string(r, v, &out->s);
    case PIPE_PARAM_CHOICE:
        return parse_choice(r, v, &out->s);
    case PIPE_PARAM_INT_LIST:
    case PIPE_PARAM_FLOAT_LIST:
    case PIPE_PARAM_STRING_LIST:
        return parse_list(r, v, out);
    case PIPE_PARAM_MAP:
        return 0;
    }
    return fail(r, v, "has an unknown declared type %d", (int)r->decl->type);
}

static pipe_override *find_override(pipe_override *ov, size_t n, const char *stage,
                                    const char *param)
{
    pipe_override *found = NULL;
    for (size_t i = 0; i < n; i++)
        if (strcmp(ov[i].stage, stage) == 0 && strcmp(ov[i].param, param) == 0)
            found = &ov[i]; /* the last --set wins */
    return found;
}

/* Pick where the value comes from. Returns -1 for a missing required one. */
static int locate(const pipe_pipeline *p, resolver *r, pipe_param_val *val, pipe_override *ov,
                  size_t n_ov)
{
    pipe_override *o = find_override(ov, n_ov, r->spec->id, r->decl->name);
    const pipe_value *in_file = pipe_value_get(r->spec->params, r->decl->name);
    if (o) {
        o->used = 1;
        r->value = o->value->root;
        r->file = o->value->file;
    } else if (in_file) {
        r->value = in_file;
        r->file = p->file;
    } else if (r->decl->def) {
        val->default_doc = pipe_yaml_load_string(r->decl->def, "<default>");
        if (!val->default_doc)
            return -1;
        r->value = val->default_doc->root;
        r->file = "<default>";
    } else {
        pipe_diag(p->file, r->spec->line, r->spec->col, r->spec->id,
                  "missing required parameter '%s' (%s)", r->decl->name,
                  r->decl->doc ? r->decl->doc : "no description");
        return -1;
    }
    val->given = o || in_file;
    val->value = r->value;
    val->file = r->file;
    return 0;
}

static int check_unknown(const pipe_pipeline *p, const pipe_stage_spec *spec,
                         const pipe_plugin *plugin)
{
    const pipe_value *params = spec->params;
    if (!params)
        return 0;
    const char **names = pipe_xcalloc(plugin->n_params, sizeof *names);
    for (size_t i = 0; i < plugin->n_params; i++)
        names[i] = plugin->params[i].name;
    int errors = 0;
    for (size_t k = 0; k < params->count; k++) {
        size_t i = 0;
        while (i < plugin->n_params && strcmp(names[i], params->keys[k]) != 0)
            i++;
        if (i < plugin->n_params)
            continue;
        char hint[128];
        pipe_diag(p->file, params->key_lines[k], params->key_columns[k], spec->id,
                  "unknown parameter '%s'%s", params->keys[k],
                  pipe_suggest_text(params->keys[k], names, plugin->n_params, hint, sizeof hint));
        errors++;
    }
    free(names);
    return errors;
}

pipe_param_val *pipe_params_resolve(const pipe_pipeline *p, const pipe_stage_spec *spec,
                                    const pipe_plugin *plugin, pipe_override *ov, size_t n_ov)
{
    int errors = check_unknown(p, spec, plugin);
    pipe_param_val *vals = pipe_xcalloc(plugin->n_params, sizeof *vals);
    for (size_t i = 0; i < plugin->n_params; i++) {
        resolver r = {spec, &plugin->params[i], NULL, NULL};
        vals[i].decl = r.decl;
        if (locate(p, &r, &vals[i], ov, n_ov) != 0 || convert(&r, &vals[i]) != 0)
            errors++;
    }
    if (errors) {
        pipe_params_free(vals, plugin->n_params);
        return NULL;
    }
    return vals;
}

void pipe_params_free(pipe_param_val *vals, size_t n)
{
    if (!vals)
        return;
    for (size_t i = 0; i < n; i++) {
        pipe_param_val *v = &vals[i];
        free(v->s);
        free(v->ints);
        free(v->floats);
        for (size_t j = 0; v->strings && j < v->n; j++)
            free(v->strings[j]);
        free(v->strings);
        pipe_doc_free(v->default_doc);
    }
    free(vals);
}

int pipe_override_parse(const char *text, pipe_override *ov)
{
    memset(ov, 0, sizeof *ov);
    const char *dot = strchr(text, '.'), *eq = strchr(text, '=');
    if (!dot || !eq || dot > eq || dot == text || eq == dot + 1) {
        fprintf(stderr, "pipe: --set '%s': expected STAGE.PARAM=VALUE\n", text);
        return -1;
    }
    ov->stage = pipe_strdup_printf("%.*s", (int)(dot - text), text);
    ov->param = pipe_strdup_printf("%.*s", (int)(eq - dot - 1), dot + 1);
    char *name = pipe_strdup_printf("--set %s", text);
    ov->value = pipe_yaml_load_string(eq + 1, name);
    free(name);
    if (!ov->value) {
        pipe_override_free(ov);
        return -1;
    }
    return 0;
}

void pipe_override_free(pipe_override *ov)
{
    free(ov->stage);
    free(ov->param);
    pipe_doc_free(ov->value);
    memset(ov, 0, sizeof *ov);
}
