/*
 * ctx.c — the stage context: what a plugin can ask of the runner
 * (parameters, tensors, RNG, logging, progress, metrics, files). Each
 * function here is part of the public SDK declared in pipe/pipe.h.
 */
#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

double pipe_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void pipe_ctx_init(pipe_ctx *ctx, pipe_run_state *run, const pipe_stage_spec *spec,
                   const pipe_plugin *plugin, pipe_param_val *params)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->run = run;
    ctx->spec = spec;
    ctx->plugin = plugin;
    ctx->params = params;
    /* Each stage's stream depends on the seed and its id only, so adding
     * a stage does not change the others' random numbers. */
    pipe_rng_seed(&ctx->rng, pipe_fnv1a_str(PIPE_FNV_OFFSET ^ run->pipeline->seed, spec->id));
}

const char *pipe_stage_id(const pipe_ctx *ctx)
{
    return ctx->spec->id;
}
const char *pipe_pipeline_name(const pipe_ctx *ctx)
{
    return ctx->run->pipeline->name;
}
uint64_t pipe_pipeline_seed(const pipe_ctx *ctx)
{
    return ctx->run->pipeline->seed;
}

int pipe_part_parse(const char *name)
{
    static const char *const parts[] = {"train", "val", "test"};
    for (int i = 0; i < 3; i++)
        if (strcmp(name, parts[i]) == 0)
            return i;
    return -1;
}

int pipe_threads(const pipe_ctx *ctx)
{
    return ctx->run->threads;
}
int pipe_rank(const pipe_ctx *ctx)
{
    (void)ctx;
    return pipe_mpi_rank();
}
int pipe_size(const pipe_ctx *ctx)
{
    (void)ctx;
    return pipe_mpi_size();
}
int pipe_quiet(const pipe_ctx *ctx)
{
    return ctx->run->opts->quiet;
}
pipe_rng *pipe_ctx_rng(pipe_ctx *ctx)
{
    return &ctx->rng;
}
const char *pipe_output_dir(const pipe_ctx *ctx)
{
    return ctx->run->out_dir;
}

/* ---- parameters ---- */

static pipe_param_val *param(const pipe_ctx *ctx, const char *name, int type_a, int type_b)
{
    for (size_t i = 0; i < ctx->plugin->n_params; i++) {
        pipe_param_val *v = &ctx->params[i];
        if (strcmp(v->decl->name, name) != 0)
            continue;
        if (type_a >= 0 && (int)v->decl->type != type_a && (int)v->decl->type != type_b)
            break;
        return v;
    }
    pipe_run_diag(ctx->run->opts, NULL, 0, 0, NULL,
                  "pipe: plugin '%s' asked for parameter '%s' that it does not declare "
                  "with that type: a bug in the plugin",
                  ctx->plugin->name, name);
    abort();
}

int64_t pipe_param_int(const pipe_ctx *ctx, const char *name)
{
    return param(ctx, name, PIPE_PARAM_INT, PIPE_PARAM_INT)->i;
}

double pipe_param_float(const pipe_ctx *ctx, const char *name)
{
    pipe_param_val *v = param(ctx, name, PIPE_PARAM_FLOAT, PIPE_PARAM_INT);
    return v->decl->type == PIPE_PARAM_INT ? (double)v->i : v->f;
}

int pipe_param_bool(const pipe_ctx *ctx, const char *name)
{
    return (int)param(ctx, name, PIPE_PARAM_BOOL, PIPE_PARAM_BOOL)->i;
}

const char *pipe_param_string(const pipe_ctx *ctx, const char *name)
{
    return param(ctx, name, PIPE_PARAM_STRING, PIPE_PARAM_CHOICE)->s;
}

size_t pipe_param_count(const pipe_ctx *ctx, const char *name)
{
    pipe_param_val *v = param(ctx, name, -1, -1);
    if (v->decl->type == PIPE_PARAM_MAP)
        return v->value && v->value->kind != PIPE_VALUE_SCALAR ? v->value->count : 0;
    return v->n;
}

static pipe_param_val *list_item(const pipe_ctx *ctx, const char *name, int type, size_t i)
{
    pipe_param_val *v = param(ctx, name, type, type);
    if (i >= v->n) {
        pipe_run_diag(ctx->run->opts, NULL, 0, 0, NULL,
                      "pipe: plugin '%s' read item %zu of parameter '%s', which has %zu",
                      ctx->plugin->name, i, name, v->n);
        abort();
    }
    return v;
}

int64_t pipe_param_int_at(const pipe_ctx *ctx, const char *name, size_t i)
{
    return list_item(ctx, name, PIPE_PARAM_INT_LIST, i)->ints[i];
}

double pipe_param_float_at(const pipe_ctx *ctx, const char *name, size_t i)
{
    return list_item(ctx, name, PIPE_PARAM_FLOAT_LIST, i)->floats[i];
}

const char *pipe_param_string_at(const pipe_ctx *ctx, const char *name, size_t i)
{
    return list_item(ctx, name, PIPE_PARAM_STRING_LIST, i)->strings[i];
}

const pipe_value *pipe_param_value(const pipe_ctx *ctx, const char *name)
{
    return param(ctx, name, -1, -1)->value;
}

int pipe_param_given(const pipe_ctx *ctx, const char *name)
{
    return param(ctx, name, -1, -1)->given;
}

/* ---- errors and logging ---- */

static void param_error_v(pipe_ctx *ctx, const char *name, const pipe_value *at, const char *fmt,
                          va_list ap)
{
    pipe_param_val *v = param(ctx, name, -1, -1);
    const pipe_value *where = at ? at : v->value;
    char msg[2048];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (where && v->given)
        pipe_run_diag(ctx->run->opts, v->file, where->line, where->column, ctx->spec->id,
                      "parameter '%s': %s", name, msg);
    else
        pipe_run_diag(ctx->run->opts, ctx->run->pipeline->file, ctx->spec->line, ctx->spec->col,
                      ctx->spec->id, "parameter '%s' (default): %s", name, msg);
}

int pipe_param_error(pipe_ctx *ctx, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    param_error_v(ctx, name, NULL, fmt, ap);
    va_end(ap);
    return -1;
}

int pipe_value_error(pipe_ctx *ctx, const char *name, const pipe_value *value, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    param_error_v(ctx, name, value, fmt, ap);
    va_end(ap);
    return -1;
}

int pipe_error(pipe_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (ctx->run->progress_tty && ctx->progress_last > 0)
        fputc('\n', stderr);
    if (ctx->checking) /* during validation: point at the stage */
        pipe_run_diag_v(ctx->run->opts, ctx->run->pipeline->file, ctx->spec->line, ctx->spec->col,
                        ctx->spec->id, fmt, ap);
    else
        pipe_run_diag_v(ctx->run->opts, NULL, 0, 0, ctx->spec->id, fmt, ap);
    va_end(ap);
    return -1;
}

static void log_v(pipe_ctx *ctx, const char *level, const char *fmt, va_list ap)
{
    char msg[4096];
    vsnprintf(msg, sizeof msg, fmt, ap);
    pipe_run_diag(ctx->run->opts, NULL, 0, 0, NULL, "[%s] %s%s", ctx->spec->id, level, msg);
}

void pipe_log(pipe_ctx *ctx, const char *fmt, ...)
{
    if (ctx->run->opts->quiet || pipe_mpi_rank() > 0) /* rank 0 tells the run's story */
        return;
    va_list ap;
    va_start(ap, fmt);
    log_v(ctx, "", fmt, ap);
    va_end(ap);
}

void pipe_warn(pipe_ctx *ctx, const char *fmt, ...)
{
    if (pipe_mpi_rank() > 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    log_v(ctx, "warning: ", fmt, ap);
    va_end(ap);
}

/* ---- metrics ---- */

void pipe_metric(pipe_ctx *ctx, const char *key, double value)
{
    pipe_metrics_set(&ctx->run->metrics, ctx->spec->id, key, value, NULL);
}

void pipe_metric_string(pipe_ctx *ctx, const char *key, const char *value)
{
    pipe_metrics_set(&ctx->run->metrics, ctx->spec->id, key, 0.0, value);
}

void pipe_info(pipe_ctx *ctx, const char *key, double value)
{
    pipe_metrics_set(&ctx->run->info, ctx->spec->id, key, value, NULL);
}

int pipe_recorded(const pipe_ctx *ctx, const char *stage, const char *key, double *value)
{
    char *path = pipe_strdup_printf("%s.%s", stage, key);
    const pipe_metric_entry *e = pipe_metrics_find(&ctx->run->metrics, path);
    if (!e || e->text)
        e = pipe_metrics_find(&ctx->run->info, path);
    free(path);
    if (!e || e->text)
        return 0;
    *value = e->value;
    return 1;
}

/* ---- files ---- */

static pipe_file *file_open(pipe_ctx *ctx, const char *name, int absolute_ok)
{
    char err[1024];
    pipe_file *f = pipe_outfile_open(ctx->run->out_dir, name, absolute_ok, err, sizeof err);
    if (!f)
        pipe_error(ctx, "%s", err);
    return f;
}

pipe_file *pipe_file_open(pipe_ctx *ctx, const char *name)
{
    return file_open(ctx, name, 0);
}

pipe_file *pipe_file_open_path(pipe_ctx *ctx, const char *path)
{
    return file_open(ctx, path, 1);
}

int pipe_check_output_param(pipe_ctx *ctx, const char *name, int absolute_ok)
{
    const char *path = pipe_param_string(ctx, name);
    char err[1024];
    if (!path || !*path)
        return 0; /* the stage's default name */
    if (pipe_outpath_check(path, absolute_ok, err, sizeof err) != 0)
        return pipe_param_error(ctx, name, "%s", err);
    struct stat st;
    if (path[0] == '/' && lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return pipe_param_error(ctx, name, "'%s' exists and is %s; only a regular file is replaced",
                                path, pipe_file_kind_name(st.st_mode));
    return 0;
}

int pipe_file_commit(pipe_ctx *ctx, pipe_file *f)
{
    char err[1024];
    if (pipe_outfile_commit(f, err, sizeof err) != 0)
        return pipe_error(ctx, "%s", err);
    return 0;
}
