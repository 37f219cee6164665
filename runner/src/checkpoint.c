/*
 * checkpoint.c — where a run keeps the checkpoints of its long stages,
 * and `pipe run --resume`. Checkpoints live beside the output folder, in
 * ".<name>.checkpoints/" (inside the folder, as ".pipe-checkpoints/", when
 * the output folder is "." or "/"), because the output folder itself is
 * swapped whole by every run (outdir.c) and a killed run's folder is
 * thrown away by the next one. The folder holds "manifest.json" (the run
 * key: a hash of the pipeline file, the seed, the thread count and every
 * stage's plugin, version and resolved parameters) and one
 * "<stage id>.ckpt" per stage that checkpoints, each written atomically.
 * A run without --resume starts over (it removes the folder); with
 * --resume, the folder must have the same run key, else the run is
 * refused. A complete run removes the folder; a failed or killed one
 * leaves it for --resume.
 */
#include "core.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The run key: what must be equal for a checkpoint to continue. */
static uint64_t run_key(const pipe_run_state *run, const pipe_plan *plan)
{
    /* the configuration (the file's bytes and every resolved parameter),
     * then what else makes a training go another way: the seed, the thread
     * count, each stage's plugin and its version */
    const pipe_pipeline *p = run->pipeline;
    char head[64];
    int n = snprintf(head, sizeof head, "%llu %d", (unsigned long long)p->seed, run->threads);
    uint64_t h = pipe_fnv1a(pipe_config_hash(p, plan), head, (size_t)n);
    for (size_t i = 0; i < plan->n; i++) {
        const pipe_plugin *pl = plan->plugins[i];
        h = pipe_fnv1a(h, pl->name, strlen(pl->name) + 1);
        h = pipe_fnv1a(h, pl->version ? pl->version : "",
                       strlen(pl->version ? pl->version : "") + 1);
    }
    return h;
}

/* ".<base>.checkpoints" beside `final`, or "<final>/.pipe-checkpoints". */
static char *ckpt_dir_of(const char *final)
{
    char *copy = pipe_xstrdup(final);
    size_t len = strlen(copy);
    while (len > 1 && copy[len - 1] == '/')
        copy[--len] = '\0';
    char *slash = strrchr(copy, '/');
    const char *base = slash ? slash + 1 : copy;
    char *dir;
    if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
        dir = pipe_strdup_printf("%s/.pipe-checkpoints", copy);
    else if (slash)
        dir = pipe_strdup_printf("%.*s/.%s.checkpoints", (int)(slash - copy), copy, base);
    else
        dir = pipe_strdup_printf(".%s.checkpoints", base);
    free(copy);
    return dir;
}

/* The run key in dir's manifest, or 0 when it has none. */
static uint64_t manifest_key(const char *dir)
{
    char *path = pipe_strdup_printf("%s/manifest.json", dir);
    FILE *f = fopen(path, "rb");
    free(path);
    if (!f)
        return 0;
    char buf[512];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *at = strstr(buf, "\"run_key\": \"");
    unsigned long long key = 0;
    if (!at || sscanf(at + 12, "%16llx", &key) != 1)
        return 0;
    return (uint64_t)key;
}

/* Remove the folder: the manifest first, so that a removal cut short
 * leaves a folder no --resume trusts. */
static void ckpt_remove(const char *dir)
{
    char *manifest = pipe_strdup_printf("%s/manifest.json", dir);
    unlink(manifest);
    free(manifest);
    pipe_rmtree(dir);
}

int pipe_ckpt_begin(pipe_run_state *run, const pipe_plan *plan, const char *final, char *err,
                    size_t size)
{
    run->ckpt_dir = ckpt_dir_of(final);
    run->ckpt_key = run_key(run, plan);
    struct stat st;
    int exists = lstat(run->ckpt_dir, &st) == 0;
    if (exists && !S_ISDIR(st.st_mode)) {
        snprintf(err, size, "checkpoint folder %s exists and is %s", run->ckpt_dir,
                 pipe_file_kind_name(st.st_mode));
        return -1;
    }
    uint64_t key = exists ? manifest_key(run->ckpt_dir) : 0;
    if (run->opts->resume && key && key != run->ckpt_key) {
        snprintf(err, size,
                 "cannot resume: the checkpoints in %s/ are of another run (run key %016llx; "
                 "this run's is %016llx): the pipeline file, its seed, the thread count or a "
                 "parameter (--set) changed; run without --resume to start over",
                 run->ckpt_dir, (unsigned long long)key, (unsigned long long)run->ckpt_key);
        return -1;
    }
    run->resuming = run->opts->resume && key;
    if (run->resuming) {
        pipe_outdir_clean_tmp(run->ckpt_dir);
        run->ckpt_manifest = 1;
    } else if (exists) {
        ckpt_remove(run->ckpt_dir);
    }
    if (run->opts->resume && !run->resuming && !run->opts->quiet)
        pipe_run_diag(run->opts, NULL, 0, 0, NULL,
                      "pipe: no checkpoint to resume from in %s/; running from the start",
                      run->ckpt_dir);
    return 0;
}

void pipe_ckpt_finish(pipe_run_state *run, int ok)
{
    if (!run->ckpt_dir)
        return;
    struct stat st;
    if (ok)
        ckpt_remove(run->ckpt_dir);
    else if (run->ckpt_manifest && stat(run->ckpt_dir, &st) == 0 && !run->opts->quiet)
        pipe_run_diag(run->opts, NULL, 0, 0, NULL,
                      "pipe: checkpoints kept in %s/; 'pipe run --resume' continues from them",
                      run->ckpt_dir);
    free(run->ckpt_dir);
    run->ckpt_dir = NULL;
}

/* Write the manifest once, before the run's first checkpoint. */
static int write_manifest(pipe_ctx *ctx)
{
    pipe_run_state *run = ctx->run;
    char err[1024];
    if (pipe_mkdirs(run->ckpt_dir) != 0)
        return pipe_error(ctx, "cannot create checkpoint folder %s: %s", run->ckpt_dir,
                          strerror(errno));
    pipe_file *f = pipe_outfile_open(run->ckpt_dir, "manifest.json", 0, err, sizeof err);
    if (!f)
        return pipe_error(ctx, "%s", err);
    fputs("{\n  \"pipeline\": ", pipe_file_stream(f));
    pipe_json_string(pipe_file_stream(f), run->pipeline->name);
    fprintf(pipe_file_stream(f), ",\n  \"run_key\": \"%016llx\"\n}\n",
            (unsigned long long)run->ckpt_key);
    if (pipe_outfile_commit(f, err, sizeof err) != 0)
        return pipe_error(ctx, "%s", err);
    run->ckpt_manifest = 1;
    return 0;
}

pipe_file *pipe_checkpoint_open(pipe_ctx *ctx)
{
    pipe_run_state *run = ctx->run;
    if (!run->ckpt_dir) {
        pipe_error(ctx, "checkpoints are written only while a pipeline runs");
        return NULL;
    }
    if (!run->ckpt_manifest && write_manifest(ctx) != 0)
        return NULL;
    char err[1024], *name = pipe_strdup_printf("%s.ckpt", ctx->spec->id);
    pipe_file *f = pipe_outfile_open(run->ckpt_dir, name, 0, err, sizeof err);
    free(name);
    if (!f)
        pipe_error(ctx, "%s", err);
    return f;
}

char *pipe_checkpoint_resume(const pipe_ctx *ctx)
{
    const pipe_run_state *run = ctx->run;
    if (!run->resuming)
        return NULL;
    char *path = pipe_strdup_printf("%s/%s.ckpt", run->ckpt_dir, ctx->spec->id);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        return path;
    free(path);
    return NULL;
}
