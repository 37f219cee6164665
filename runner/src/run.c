/*
 * run.c — running a pipeline: validate it into a plan, make the output
 * folder, run each stage's init / run / finish in order with its own
 * context, then write metrics.json and run.json atomically and check
 * expectations when asked.
 */
#include "core.h"

#include <cblas.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef PIPE_VERSION
#define PIPE_VERSION "0.0.0"
#endif

/* What one stage did, for run.json. */
typedef struct stage_record {
    double seconds;
    long long peak_rss; /* bytes, high-water mark while the stage ran; -1 unknown */
    int status;         /* 0 ok, -1 failed, 1 not run, 2 skipped by its 'when' */
} stage_record;

/* Does the stage's `when` condition hold? Logs why a stage is skipped. */
static int should_run(const pipe_run_state *run, const pipe_stage_spec *s)
{
    if (!s->when_path)
        return 1;
    char missing[256];
    char *path = pipe_env_expand(s->when_path->scalar, missing, sizeof missing);
    struct stat st;
    int exists = path && stat(path, &st) == 0;
    int go = exists == s->when_exists;
    if (!go && !run->opts->quiet)
        pipe_run_diag(run->opts, NULL, 0, 0, NULL, "[%s] skipped: %s %s", s->id,
                      path ? path : s->when_path->scalar, exists ? "exists" : "does not exist");
    free(path);
    return go;
}

/* Under MPI every rank learns whether the stage failed on any rank, so
 * that all stop together; rank 0 names the ranks where it failed. */
static int agree(const pipe_run_state *run, const pipe_stage_spec *s, const pipe_plugin *pl, int rc)
{
    int n = pipe_mpi_size();
    if (n == 1)
        return rc;
    int64_t *all = pipe_xcalloc((size_t)n, sizeof *all);
    pipe_mpi_allgather_i64(rc, all);
    char ranks[256] = "";
    size_t len = 0;
    int failed = 0;
    for (int r = 0; r < n; r++)
        if (all[r] != 0) {
            failed++;
            if (len < sizeof ranks)
                len += (size_t)snprintf(ranks + len, sizeof ranks - len, "%s%d",
                                        failed > 1 ? ", " : "", r);
        }
    free(all);
    if (failed && rc == 0)
        pipe_run_diag(run->opts, NULL, 0, 0, NULL, "pipe: stage '%s' (%s) failed on rank%s %s",
                      s->id, pl->name, failed > 1 ? "s" : "", ranks);
    return failed ? -1 : 0;
}

static int run_stage(pipe_run_state *run, const pipe_stage_spec *s, const pipe_plugin *pl,
                     pipe_param_val *params)
{
    pipe_ctx ctx;
    pipe_ctx_init(&ctx, run, s, pl, params);
    void *state = NULL;
    pipe_shard_before(&ctx);
    /* a rank-aware stage's messages may be its rank's own */
    int voice = pipe_mpi_voice(pipe_plugin_rank_aware(pl));
    int rc = pipe_stage_inputs_ready(&ctx); /* never call a stage without its inputs */
    if (rc == 0 && pl->init && pl->init(&ctx, &state) != 0)
        rc = -1;
    else if (rc == 0) {
        rc = pl->run(&ctx, state);
        if (pl->finish)
            pl->finish(&ctx, state);
    }
    rc = agree(run, s, pl, rc == 0 ? 0 : -1);
    if (rc == 0)
        rc = pipe_shard_after(&ctx);
    pipe_mpi_voice(voice);
    pipe_shard_free(&ctx);
    return rc;
}

static void write_outputs(FILE *f, const pipe_run_state *run, const pipe_stage_spec *s,
                          const pipe_plugin *pl)
{
    int first = 1;
    fputc('{', f);
    for (size_t i = 0; i < pl->n_outputs; i++) {
        const char *name = pl->outputs[i].name;
        for (size_t m = 0; m < s->n_outputs; m++)
            if (strcmp(s->outputs[m].port, name) == 0)
                name = s->outputs[m].tensor;
        const pipe_tensor_shape *t = pipe_store_shape(&run->store, name);
        const char *producer = pipe_store_producer(&run->store, name);
        if (!t || !producer || strcmp(producer, s->id) != 0)
            continue; /* not published by this stage */
        fprintf(f, "%s", first ? "" : ", ");
        first = 0;
        pipe_json_string(f, name);
        fprintf(f, ": {\"dtype\": \"%s\", \"shape\": [", pipe_dtype_name(t->dtype));
        for (int d = 0; d < t->rank; d++)
            fprintf(f, "%s%lld", d ? ", " : "", (long long)t->shape[d]);
        fputs("]}", f);
    }
    fputc('}', f);
}

static void write_stage(FILE *f, const pipe_run_state *run, const pipe_plan *plan, size_t i,
                        const stage_record *rec)
{
    const pipe_stage_spec *s = &run->pipeline->stages[i];
    const pipe_plugin *pl = plan->plugins[i];
    static const char *const status[] = {"failed", "ok", "not run", "skipped"};
    fprintf(f, "%s\n    {\"id\": ", i ? "," : "");
    pipe_json_string(f, s->id);
    fputs(", \"plugin\": ", f);
    pipe_json_string(f, pl->name);
    fputs(", \"plugin_version\": ", f);
    pipe_json_string(f, pl->version ? pl->version : "");
    fprintf(f, ", \"status\": \"%s\", \"wall_seconds\": ", status[rec->status + 1]);
    pipe_json_number(f, rec->seconds);
    fprintf(f, ", \"peak_rss_bytes\": %lld", rec->peak_rss);
    fputs(",\n     \"params\": {", f);
    for (size_t k = 0; k < pl->n_params; k++) {
        fprintf(f, "%s", k ? ", " : "");
        pipe_json_string(f, pl->params[k].name);
        fputs(": ", f);
        pipe_param_write_json(f, &plan->params[i][k]);
    }
    fputs("},\n     \"outputs\": ", f);
    write_outputs(f, run, s, pl);
    fputc('}', f);
}

static int write_run_json(const pipe_run_state *run, const pipe_plan *plan,
                          const stage_record *recs, double seconds, long long peak, int ok,
                          int staged)
{
    char err[1024];
    pipe_file *file = pipe_outfile_open(run->out_dir, "run.json", 0, err, sizeof err);
    if (!file) {
        pipe_run_diag(run->opts, NULL, 0, 0, NULL, "pipe: %s", err);
        return -1;
    }
    FILE *f = pipe_file_stream(file);
    const pipe_pipeline *p = run->pipeline;
    time_t now = time(NULL);
    char stamp[64];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    fputs("{\n  \"pipeline\": ", f);
    pipe_json_string(f, p->name);
    fputs(",\n  \"file\": ", f);
    pipe_json_string(f, p->file);
    fprintf(
        f,
        ",\n  \"pipeline_hash\": \"fnv1a64:%016llx\",\n  \"seed\": %llu,\n"
        "  \"threads\": %d,\n  \"ranks\": %d,\n  \"pipe_version\": \"%s\",\n  \"abi\": \"%d.%d\",\n"
        "  \"status\": \"%s\",\n  \"complete\": %s,\n  \"folder\": \"%s\",\n  \"finished_at\": "
        "\"%s\",\n  "
        "\"wall_seconds\": ",
        (unsigned long long)run->config_hash, (unsigned long long)p->seed, run->threads,
        pipe_mpi_size(), PIPE_VERSION, PIPE_ABI_MAJOR, PIPE_ABI_MINOR, ok ? "ok" : "failed",
        ok ? "true" : "false", staged ? "swapped" : "in place", stamp);
    pipe_json_number(f, seconds);
    fprintf(f, ",\n  \"peak_rss_bytes\": %lld,\n  \"tensors_released\": %s", peak,
            run->opts->keep_tensors ? "false" : "true");
    pipe_provenance_write(f, run);
    fputs(",\n  \"stages\": [", f);
    for (size_t i = 0; i < plan->n; i++)
        write_stage(f, run, plan, i, &recs[i]);
    fputs("\n  ],\n  \"info\": ", f);
    pipe_metrics_write_json(f, &run->info, 1);
    fputs("\n}\n", f);
    if (pipe_outfile_commit(file, err, sizeof err) != 0) {
        pipe_run_diag(run->opts, NULL, 0, 0, NULL, "pipe: %s", err);
        return -1;
    }
    return 0;
}

static int write_metrics_json(const pipe_run_state *run)
{
    char err[1024];
    pipe_file *file = pipe_outfile_open(run->out_dir, "metrics.json", 0, err, sizeof err);
    if (!file) {
        pipe_run_diag(run->opts, NULL, 0, 0, NULL, "pipe: %s", err);
        return -1;
    }
    pipe_metrics_write_json(pipe_file_stream(file), &run->metrics, 0);
    fputc('\n', pipe_file_stream(file));
    if (pipe_outfile_commit(file, err, sizeof err) != 0) {
        pipe_run_diag(run->opts, NULL, 0, 0, NULL, "pipe: %s", err);
        return -1;
    }
    return 0;
}

/* Run every stage in order, dropping each tensor after the last stage
 * that touches it (unless --keep-tensors); returns the index of the failed
 * stage, or n. */
static size_t run_stages(pipe_run_state *run, const pipe_plan *plan, stage_record *recs)
{
    const pipe_pipeline *p = run->pipeline;
    pipe_lifetime lt;
    pipe_lifetime_build(&lt, p, plan->plugins);
    for (size_t i = 0; i < plan->n; i++) {
        recs[i].status = 1;
        recs[i].peak_rss = -1;
    }
    for (size_t i = 0; i < plan->n; i++) {
        const pipe_stage_spec *s = &p->stages[i];
        if (!should_run(run, s)) {
            recs[i].status = 2;
            if (!run->opts->keep_tensors)
                pipe_lifetime_release(&lt, i, &run->store);
            continue;
        }
        double t0 = pipe_seconds();
        pipe_mem_reset_peak();
        int rc = run_stage(run, s, plan->plugins[i], plan->params[i]);
        recs[i].peak_rss = pipe_mem_peak_bytes();
        recs[i].seconds = pipe_seconds() - t0;
        recs[i].status = rc;
        if (!run->opts->keep_tensors)
            pipe_lifetime_release(&lt, i, &run->store);
        if (rc != 0) {
            pipe_run_diag(run->opts, NULL, 0, 0, NULL,
                          "pipe: stage '%s' (%s) failed; the run stops here", s->id,
                          plan->plugins[i]->name);
            pipe_lifetime_free(&lt);
            return i;
        }
    }
    pipe_lifetime_free(&lt);
    return plan->n;
}

static int execute(pipe_run_state *run, const pipe_plan *plan)
{
    const pipe_pipeline *p = run->pipeline;
    const pipe_run_options *o = run->opts;
    char *final = o->out_dir  ? pipe_xstrdup(o->out_dir)
                  : p->output ? pipe_xstrdup(p->output)
                              : pipe_strdup_printf("output/%s", p->name);
    pipe_outdir od;
    char err[2048];
    /* Checkpoints are one process's (a run under MPI writes none). */
    if (pipe_mpi_size() > 1 && run->opts->resume) {
        pipe_run_diag(o, NULL, 0, 0, NULL,
                      "pipe: --resume is for runs of one process: a run of %d ranks (MPI) writes "
                      "no checkpoint",
                      pipe_mpi_size());
        free(final);
        return 2;
    }
    if (pipe_mpi_size() == 1 && pipe_ckpt_begin(run, plan, final, err, sizeof err) != 0) {
        pipe_run_diag(o, NULL, 0, 0, NULL, "pipe: %s", err);
        free(final);
        return 2; /* refused: nothing touched */
    }
    int begun = 1;
    if (pipe_mpi_rank() == 0) /* the folder is rank 0's: the others write no file */
        begun = pipe_outdir_begin(&od, final, err, sizeof err) == 0;
    else {
        memset(&od, 0, sizeof od);
        od.final = pipe_xstrdup(final);
    }
    free(final);
    pipe_mpi_bcast(&begun, sizeof begun);
    if (!begun) {
        if (pipe_mpi_rank() == 0)
            pipe_run_diag(o, NULL, 0, 0, NULL, "pipe: %s", err);
        else
            pipe_outdir_free(&od);
        return 1;
    }
    run->out_dir = pipe_xstrdup(od.final);
    openblas_set_num_threads(run->threads);
    run->progress_tty = isatty(2);
    stage_record *recs = pipe_xcalloc(plan->n, sizeof *recs);
    double t0 = pipe_seconds();
    long long peak = pipe_mem_peak_bytes(); /* the set-up before any stage */
    int ok = run_stages(run, plan, recs) == plan->n;
    double seconds = pipe_seconds() - t0;
    for (size_t i = 0; i < plan->n; i++)
        peak = recs[i].peak_rss > peak ? recs[i].peak_rss : peak;
    int written = ok ? write_metrics_json(run) == 0 : 1;
    written &= write_run_json(run, plan, recs, seconds, peak, ok && written, od.swapped) == 0;
    free(recs);
    pipe_ckpt_finish(run, ok && written);
    const char *where;
    if (pipe_outdir_finish(&od, ok && written, &where, err, sizeof err) != 0) {
        pipe_run_diag(o, NULL, 0, 0, NULL, "pipe: %s", err);
        written = 0;
    } else if (!(ok && written) && od.previous_ok && !o->quiet)
        pipe_run_diag(o, NULL, 0, 0, NULL,
                      "pipe: the previous complete run is kept; this run's files are in %s/",
                      where);
    else if (ok && written && !o->quiet)
        pipe_run_diag(o, NULL, 0, 0, NULL, "pipe: %s done in %.2f s; results in %s/", p->name,
                      seconds, where);
    pipe_outdir_free(&od);
    if (!ok || !written)
        return 1;
    /* the metrics are rank 0's; it alone checks them */
    return o->expect && pipe_mpi_rank() == 0 ? pipe_expect_check(o->expect, &run->metrics) : 0;
}

/* The configuration's hash; under --replay it must be the recorded one.
 * Returns the count of errors. */
static int check_replay(pipe_run_state *run, const pipe_plan *plan)
{
    if (run->opts->validate_only && !run->opts->replay_hash)
        return 0; /* no run.json to write */
    run->config_hash = pipe_config_hash(run->pipeline, plan);
    char now[32];
    snprintf(now, sizeof now, "fnv1a64:%016llx", (unsigned long long)run->config_hash);
    if (!run->opts->replay_hash || strcmp(now, run->opts->replay_hash) == 0)
        return 0;
    pipe_run_diag(run->opts, run->pipeline->file, 0, 0, NULL,
                  "--replay: the configuration is not the recorded one (pipeline_hash %s "
                  "recorded, %s now): the file or a plugin's parameters changed since",
                  run->opts->replay_hash, now);
    return 1;
}

int pipe_run_file(const char *path, const pipe_run_options *opts)
{
    int errors = 0;
    pipe_diag_hold(path); /* every validation error, sorted by line */
    pipe_pipeline *p = pipe_pipeline_load_all(path, &errors);
    if (!p) {
        pipe_diag_release();
        return 2;
    }
    pipe_registry reg;
    pipe_registry_init(&reg, opts->plugin_path, opts->n_plugin_path);
    pipe_run_state run;
    memset(&run, 0, sizeof run);
    run.pipeline = p;
    run.opts = opts;
    run.threads = opts->threads > 0 ? opts->threads : p->threads > 0 ? p->threads : 1;
    pipe_store_init(&run.store);
    pipe_plan plan;
    memset(&plan, 0, sizeof plan);
    int rc;
    run.reg = &reg;
    errors += pipe_plan_build(&plan, &run, &reg) != 0;
    if (!errors)
        errors += check_replay(&run, &plan);
    pipe_diag_release();
    if (errors)
        rc = 2;
    else if (opts->validate_only) {
        printf("%s: valid (%zu stages)\n", path, p->n_stages);
        rc = 0;
    } else
        rc = execute(&run, &plan);
    pipe_plan_free(&plan);
    pipe_store_free(&run.store);
    pipe_metrics_free(&run.metrics);
    pipe_metrics_free(&run.info);
    pipe_inputs_free(&run);
    free(run.out_dir);
    free(run.ckpt_dir); /* set when the run was refused before it began */
    pipe_registry_free(&reg);
    pipe_pipeline_free(p);
    return rc;
}
