/*
 * sweep_grid.c — the grid of a parameter sweep: parsed from --grid
 * STAGE.PARAM=[V1, V2, ...] arguments (errors located on the command line)
 * and from the pipeline's sweep: block (errors at file:line:col), expanded
 * into combinations, each with its --set text and its folder name.
 */
#include "sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const sweep_keys[] = {"grid", "metric", "goal", "jobs"};

static size_t find_axis(const pipe_sweep_grid *g, const char *stage, const char *param)
{
    for (size_t i = 0; i < g->n; i++)
        if (!strcmp(g->axes[i].stage, stage) && !strcmp(g->axes[i].param, param))
            return i;
    return g->n;
}

/* Check the parts of an axis; on error report at where:line:col. */
static int check_axis(const pipe_pipeline *p, const char *where, int line, int col, const char *key,
                      const char *stage, const char *param, const pipe_value *values)
{
    if (!*stage || !*param) {
        pipe_diag(where, line, col, NULL, "grid: expected STAGE.PARAM, found '%s'", key);
        return -1;
    }
    if (!pipe_pipeline_stage(p, stage)) {
        const char **ids = pipe_xcalloc(p->n_stages + 1, sizeof *ids);
        for (size_t i = 0; i < p->n_stages; i++)
            ids[i] = p->stages[i].id;
        char hint[128];
        pipe_diag(where, line, col, NULL, "grid: no stage '%s' in pipeline '%s'%s", stage, p->name,
                  pipe_suggest_text(stage, ids, p->n_stages, hint, sizeof hint));
        free(ids);
        return -1;
    }
    if (values->kind != PIPE_VALUE_LIST || values->count == 0) {
        pipe_diag(where, values->line, values->column, NULL,
                  "grid %s: expected a non-empty list of values [V1, V2, ...], found %s", key,
                  values->kind == PIPE_VALUE_LIST ? "an empty list"
                                                  : pipe_value_kind_name(values->kind));
        return -1;
    }
    return 0;
}

static void put_axis(pipe_sweep_grid *g, char *stage, char *param, pipe_doc *doc,
                     const pipe_value *values)
{
    size_t i = find_axis(g, stage, param);
    if (i == g->n) {
        g->axes = pipe_xrealloc(g->axes, (g->n + 1) * sizeof *g->axes);
        g->n++;
    } else {
        free(g->axes[i].stage);
        free(g->axes[i].param);
        pipe_doc_free(g->axes[i].doc);
    }
    g->axes[i] = (pipe_sweep_axis){stage, param, doc, values};
}

static int split_key(const char *key, size_t len, char **stage, char **param)
{
    const char *dot = memchr(key, '.', len);
    if (!dot)
        return -1;
    *stage = pipe_strdup_printf("%.*s", (int)(dot - key), key);
    *param = pipe_strdup_printf("%.*s", (int)(key + len - dot - 1), dot + 1);
    return 0;
}

int pipe_sweep_grid_add_arg(pipe_sweep_grid *g, const pipe_pipeline *p, const char *arg, int argno)
{
    char where[32];
    snprintf(where, sizeof where, "argument %d", argno);
    const char *eq = strchr(arg, '=');
    char *stage = NULL, *param = NULL;
    if (!eq || split_key(arg, (size_t)(eq - arg), &stage, &param) != 0) {
        pipe_diag(where, 1, 1, NULL, "--grid expects STAGE.PARAM=[V1, V2, ...], found '%s'", arg);
        return -1;
    }
    /* The value keeps its columns on the command line: pad it with spaces. */
    size_t pad = (size_t)(eq - arg) + 1;
    char *text = pipe_xcalloc(pad + strlen(eq + 1) + 1, 1);
    memset(text, ' ', pad);
    strcpy(text + pad, eq + 1);
    pipe_doc *doc = pipe_yaml_load_string(text, where);
    free(text);
    char *key = pipe_strdup_printf("%.*s", (int)(eq - arg), arg);
    int rc = doc ? check_axis(p, where, 1, 1, key, stage, param, doc->root) : -1;
    free(key);
    if (rc != 0) {
        free(stage);
        free(param);
        pipe_doc_free(doc);
        return -1;
    }
    put_axis(g, stage, param, doc, doc->root);
    return 0;
}

static int read_options(pipe_sweep_grid *g, const pipe_pipeline *p, const pipe_value *sw)
{
    int errors = 0;
    const pipe_value *metric = pipe_value_get(sw, "metric");
    const pipe_value *goal = pipe_value_get(sw, "goal");
    const pipe_value *jobs = pipe_value_get(sw, "jobs");
    if (metric && metric->kind != PIPE_VALUE_SCALAR) {
        pipe_diag(p->file, metric->line, metric->column, NULL,
                  "sweep metric: expected STAGE.KEY, found %s", pipe_value_kind_name(metric->kind));
        errors++;
    } else if (metric)
        g->metric = metric->scalar;
    if (goal && (goal->kind != PIPE_VALUE_SCALAR ||
                 (strcmp(goal->scalar, "minimize") && strcmp(goal->scalar, "maximize")))) {
        pipe_diag(p->file, goal->line, goal->column, NULL,
                  "sweep goal: expected minimize or maximize, found '%s'",
                  goal->kind == PIPE_VALUE_SCALAR ? goal->scalar : "a collection");
        errors++;
    } else if (goal)
        g->maximize = !strcmp(goal->scalar, "maximize");
    if (jobs) {
        char *end = NULL;
        long n = jobs->kind == PIPE_VALUE_SCALAR ? strtol(jobs->scalar, &end, 10) : 0;
        if (!end || end == jobs->scalar || *end || n < 1 || n > 64) {
            pipe_diag(p->file, jobs->line, jobs->column, NULL,
                      "sweep jobs: expected a whole number from 1 to 64, found '%s'",
                      jobs->kind == PIPE_VALUE_SCALAR ? jobs->scalar : "a collection");
            errors++;
        } else
            g->jobs = (int)n;
    }
    return errors;
}

int pipe_sweep_grid_from_file(pipe_sweep_grid *g, const pipe_pipeline *p)
{
    memset(g, 0, sizeof *g);
    const pipe_value *sw = pipe_value_get(p->doc->root, "sweep");
    if (!sw)
        return 0;
    if (sw->kind != PIPE_VALUE_MAP) {
        pipe_diag(p->file, sw->line, sw->column, NULL,
                  "sweep: expected a mapping {grid, metric, goal, jobs}, found %s",
                  pipe_value_kind_name(sw->kind));
        return -1;
    }
    int errors = 0;
    for (size_t i = 0; i < sw->count; i++) {
        size_t k = 0;
        while (k < PIPE_COUNT(sweep_keys) && strcmp(sw->keys[i], sweep_keys[k]))
            k++;
        if (k == PIPE_COUNT(sweep_keys)) {
            char hint[128];
            pipe_diag(p->file, sw->key_lines[i], sw->key_columns[i], NULL,
                      "unknown sweep key '%s' (expected grid, metric, goal or jobs)%s", sw->keys[i],
                      pipe_suggest_text(sw->keys[i], sweep_keys, PIPE_COUNT(sweep_keys), hint,
                                        sizeof hint));
            errors++;
        }
    }
    const pipe_value *grid = pipe_value_get(sw, "grid");
    if (grid && grid->kind != PIPE_VALUE_MAP) {
        pipe_diag(p->file, grid->line, grid->column, NULL,
                  "sweep grid: expected a mapping of STAGE.PARAM: [V1, V2, ...], found %s",
                  pipe_value_kind_name(grid->kind));
        errors++;
    }
    for (size_t i = 0; grid && grid->kind == PIPE_VALUE_MAP && i < grid->count; i++) {
        const char *key = grid->keys[i];
        char *stage = NULL, *param = NULL;
        if (split_key(key, strlen(key), &stage, &param) != 0) {
            stage = pipe_xstrdup("");
            param = pipe_xstrdup("");
        }
        if (check_axis(p, p->file, grid->key_lines[i], grid->key_columns[i], key, stage, param,
                       &grid->items[i]) != 0) {
            free(stage);
            free(param);
            errors++;
            continue;
        }
        put_axis(g, stage, param, NULL, &grid->items[i]);
    }
    errors += read_options(g, p, sw);
    if (errors) {
        pipe_sweep_grid_free(g);
        return -1;
    }
    return 0;
}

int pipe_sweep_check(const pipe_pipeline *p)
{
    pipe_sweep_grid g;
    int rc = pipe_sweep_grid_from_file(&g, p);
    pipe_sweep_grid_free(&g);
    return rc;
}

void pipe_sweep_grid_free(pipe_sweep_grid *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->axes[i].stage);
        free(g->axes[i].param);
        pipe_doc_free(g->axes[i].doc);
    }
    free(g->axes);
    memset(g, 0, sizeof *g);
}

size_t pipe_sweep_count(const pipe_sweep_grid *g)
{
    size_t n = 1;
    for (size_t i = 0; i < g->n; i++)
        n *= g->axes[i].values->count;
    return n;
}

void pipe_sweep_combination(const pipe_sweep_grid *g, size_t k, size_t *idx)
{
    for (size_t i = g->n; i-- > 0;) {
        idx[i] = k % g->axes[i].values->count;
        k /= g->axes[i].values->count;
    }
}

/* A growing string. */
typedef struct text_buf {
    char *s;
    size_t n, cap;
} text_buf;

static void put(text_buf *b, const char *s, size_t len)
{
    if (b->n + len + 1 > b->cap) {
        b->cap = 2 * (b->n + len + 1);
        b->s = pipe_xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->n, s, len);
    b->n += len;
    b->s[b->n] = '\0';
}

static void puts_buf(text_buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void value_text(text_buf *b, const pipe_value *v)
{
    if (v->kind == PIPE_VALUE_SCALAR) {
        const char *s = v->scalar;
        int plain =
            *s && !strpbrk(s, ",[]{}:#'\"&*!|>%@`?") && s[0] != ' ' && s[strlen(s) - 1] != ' ';
        if (plain)
            puts_buf(b, s);
        else {
            put(b, "'", 1);
            for (; *s; s++) {
                if (*s == '\'')
                    put(b, "'", 1); /* ' is written '' */
                put(b, s, 1);
            }
            put(b, "'", 1);
        }
        return;
    }
    int map = v->kind == PIPE_VALUE_MAP;
    puts_buf(b, map ? "{" : "[");
    for (size_t i = 0; i < v->count; i++) {
        if (i)
            puts_buf(b, ", ");
        if (map) {
            pipe_value key = {.kind = PIPE_VALUE_SCALAR, .scalar = v->keys[i]};
            value_text(b, &key);
            puts_buf(b, ": ");
        }
        value_text(b, &v->items[i]);
    }
    puts_buf(b, map ? "}" : "]");
}

char *pipe_sweep_value_text(const pipe_value *v)
{
    text_buf b = {0};
    value_text(&b, v);
    return b.s;
}

static void value_label(text_buf *b, const pipe_value *v)
{
    if (v->kind == PIPE_VALUE_SCALAR) {
        for (const char *s = v->scalar; *s; s++) {
            char c = *s;
            int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '+' || c == '-';
            put(b, keep ? &c : "_", 1);
        }
        return;
    }
    for (size_t i = 0; i < v->count; i++) {
        if (i)
            puts_buf(b, "x");
        if (v->kind == PIPE_VALUE_MAP) {
            pipe_value key = {.kind = PIPE_VALUE_SCALAR, .scalar = v->keys[i]};
            value_label(b, &key);
            puts_buf(b, "-");
        }
        value_label(b, &v->items[i]);
    }
}

char *pipe_sweep_name(const pipe_sweep_grid *g, const size_t *idx)
{
    text_buf b = {0};
    puts_buf(&b, "");
    for (size_t i = 0; i < g->n; i++) {
        int shared = 0;
        for (size_t j = 0; j < g->n; j++)
            shared |= j != i && !strcmp(g->axes[i].param, g->axes[j].param);
        if (i)
            puts_buf(&b, ",");
        if (shared) {
            puts_buf(&b, g->axes[i].stage);
            puts_buf(&b, ".");
        }
        puts_buf(&b, g->axes[i].param);
        puts_buf(&b, "=");
        value_label(&b, &g->axes[i].values->items[idx[i]]);
    }
    if (b.n == 0)
        puts_buf(&b, "base");
    return b.s;
}
