/*
 * shard.c — row-sharded tensors across the ranks of an MPI run, and the
 * SDK's collectives. Each rank holds a contiguous block of a sharded
 * tensor's rows; the store remembers the block's global offset and the
 * global row count. Around each stage the runner makes the tensors fit
 * the plugin: a plugin that is not rank-aware gets every sharded input
 * gathered whole (and then publishes whole tensors), a rank-aware one gets
 * its row-aligned inputs as this rank's block. With one process nothing
 * here moves data.
 */
#include "core.h"

#include <stdlib.h>
#include <string.h>

int pipe_plugin_rank_aware(const pipe_plugin *pl)
{
    return pl->struct_size >= offsetof(pipe_plugin, rank_aware) + sizeof pl->rank_aware &&
           pl->rank_aware;
}

void pipe_reduce_sum(pipe_ctx *ctx, double *values, size_t n)
{
    (void)ctx;
    pipe_mpi_sum_f64(values, n);
}

void pipe_reduce_sum_f32(pipe_ctx *ctx, float *values, size_t n)
{
    (void)ctx;
    pipe_mpi_sum_f32(values, n);
}

void pipe_reduce_max(pipe_ctx *ctx, double *values, size_t n)
{
    (void)ctx;
    pipe_mpi_max_f64(values, n);
}

void pipe_fold_ranks(pipe_ctx *ctx, double *values, size_t n,
                     void (*step)(void *user, double *values), void *user)
{
    (void)ctx;
    pipe_mpi_fold(values, n, step, user);
}

void pipe_broadcast(pipe_ctx *ctx, void *data, size_t bytes)
{
    (void)ctx;
    pipe_mpi_bcast(data, bytes);
}

void pipe_row_block(const pipe_ctx *ctx, int64_t global, int64_t *begin, int64_t *end)
{
    (void)ctx;
    int64_t r = pipe_mpi_rank(), n = pipe_mpi_size();
    *begin = global / n * r + global % n * r / n;
    *end = global / n * (r + 1) + global % n * (r + 1) / n;
}

/* Bytes of one row of `t`. */
static size_t row_bytes(const pipe_tensor *t)
{
    size_t b = pipe_dtype_size(t->dtype);
    for (int d = 1; d < t->rank; d++)
        b *= (size_t)t->shape[d];
    return b;
}

pipe_tensor *pipe_gather_rows(pipe_ctx *ctx, const pipe_tensor *local, int all)
{
    (void)ctx;
    int n = pipe_mpi_size();
    int64_t *rows = pipe_xcalloc((size_t)n, sizeof *rows);
    size_t *bytes = pipe_xcalloc((size_t)n, sizeof *bytes);
    pipe_mpi_allgather_i64(local->rank ? local->shape[0] : 1, rows);
    int64_t total = 0;
    for (int r = 0; r < n; r++) {
        total += rows[r];
        bytes[r] = (size_t)rows[r] * row_bytes(local);
    }
    pipe_tensor *t = NULL;
    if (all || pipe_mpi_rank() == 0) {
        int64_t shape[PIPE_MAX_RANK];
        memcpy(shape, local->shape, sizeof shape);
        shape[0] = total;
        t = pipe_tensor_new(local->dtype, local->rank ? local->rank : 1, shape);
        if (!t)
            pipe_mpi_abort(1); /* the other ranks are in the collective: no way back */
        if (local->columns)
            pipe_tensor_set_columns(t, (const char *const *)local->columns, local->shape[1]);
    }
    if (all)
        pipe_mpi_allgatherv(local->data, bytes, t->data);
    else
        pipe_mpi_gatherv(local->data, bytes, t ? t->data : NULL);
    free(rows);
    free(bytes);
    return t;
}

/* Rows [begin, begin + count) of `t` as a new tensor. */
static pipe_tensor *slice_rows(const pipe_tensor *t, int64_t begin, int64_t count)
{
    int64_t shape[PIPE_MAX_RANK];
    memcpy(shape, t->shape, sizeof shape);
    shape[0] = count;
    pipe_tensor *s = pipe_tensor_new(t->dtype, t->rank, shape);
    if (!s)
        pipe_mpi_abort(1);
    memcpy(s->data, (const char *)t->data + (size_t)begin * row_bytes(t),
           (size_t)count * row_bytes(t));
    if (t->columns)
        pipe_tensor_set_columns(s, (const char *const *)t->columns, t->shape[1]);
    return s;
}

static const char *input_at(const pipe_ctx *ctx, size_t i)
{
    return pipe_input_name(ctx, ctx->plugin->inputs[i].name);
}

/* Not rank-aware: every sharded input becomes whole, on every rank. */
static void gather_inputs(pipe_ctx *ctx)
{
    pipe_store *st = &ctx->run->store;
    for (size_t i = 0; i < ctx->plugin->n_inputs; i++) {
        const char *name = input_at(ctx, i);
        const pipe_shard *sh = name ? pipe_store_shard(st, name) : NULL;
        pipe_tensor *t = name ? pipe_store_get(st, name) : NULL;
        if (!t || !sh || !sh->sharded)
            continue; /* the same on every rank: the store's plan is */
        pipe_tensor *whole = pipe_gather_rows(ctx, t, 1);
        pipe_store_put(st, name, whole, pipe_store_producer(st, name));
    }
}

/* Rank-aware: the first sharded input sets the block; every other input
 * with its global row count is given as that same block (gathered first
 * when it is sharded differently). */
static void align_inputs(pipe_ctx *ctx)
{
    pipe_store *st = &ctx->run->store;
    size_t n = ctx->plugin->n_inputs;
    const pipe_shard *ref = NULL;
    int64_t ref_rows = 0;
    for (size_t i = 0; i < n && !ref; i++) {
        const char *name = input_at(ctx, i);
        const pipe_shard *sh = name ? pipe_store_shard(st, name) : NULL;
        if (sh && sh->sharded && pipe_store_get(st, name)) {
            ref = sh;
            ref_rows = pipe_store_get(st, name)->shape[0];
        }
    }
    if (!ref)
        return;
    pipe_shard block = *ref;
    ctx->block = block; /* its own copy of the counts: the store's may be replaced meanwhile */
    size_t bytes = (size_t)pipe_mpi_size() * sizeof *block.counts;
    ctx->block.counts = memcpy(pipe_xcalloc(1, bytes), block.counts, bytes);
    double *mismatch = pipe_xcalloc(n ? n : 1, sizeof *mismatch);
    for (size_t i = 0; i < n; i++) {
        const char *name = input_at(ctx, i);
        const pipe_shard *sh = name ? pipe_store_shard(st, name) : NULL;
        const pipe_tensor *t = name ? pipe_store_get(st, name) : NULL;
        if (t && sh && sh->sharded && sh->global == block.global)
            mismatch[i] = sh->offset != block.offset || t->shape[0] != ref_rows;
    }
    pipe_mpi_sum_f64(mismatch, n); /* every rank decides alike */
    ctx->local_inputs = pipe_xcalloc(n ? n : 1, sizeof *ctx->local_inputs);
    for (size_t i = 0; i < n; i++) {
        const char *name = input_at(ctx, i);
        const pipe_shard *sh = name ? pipe_store_shard(st, name) : NULL;
        pipe_tensor *t = name ? pipe_store_get(st, name) : NULL;
        if (!t || !sh || t->rank < 1)
            continue;
        if (sh->sharded && mismatch[i] > 0) {
            pipe_tensor *whole = pipe_gather_rows(ctx, t, 1);
            ctx->local_inputs[i] = slice_rows(whole, block.offset, ref_rows);
            pipe_tensor_release(whole);
        } else if (!sh->sharded && t->shape[0] == block.global)
            ctx->local_inputs[i] = slice_rows(t, block.offset, ref_rows);
    }
    free(mismatch);
}

void pipe_shard_before(pipe_ctx *ctx)
{
    if (pipe_mpi_size() == 1)
        return;
    ctx->rows_outputs = pipe_xcalloc(ctx->plugin->n_outputs + 1, 1);
    if (pipe_plugin_rank_aware(ctx->plugin))
        align_inputs(ctx);
    else
        gather_inputs(ctx);
}

int pipe_input_rows(const pipe_ctx *ctx, const char *port, int64_t *offset, int64_t *global)
{
    const char *name = pipe_input_name(ctx, port);
    const pipe_tensor *t = name ? pipe_store_get(&ctx->run->store, name) : NULL;
    const pipe_shard *sh = name ? pipe_store_shard(&ctx->run->store, name) : NULL;
    pipe_shard at = {.global = t && t->rank ? t->shape[0] : 0};
    if (sh && sh->sharded)
        at = *sh;
    for (size_t i = 0; i < ctx->plugin->n_inputs && ctx->local_inputs; i++)
        if (strcmp(ctx->plugin->inputs[i].name, port) == 0 && ctx->local_inputs[i])
            at = ctx->block; /* handed over as the stage's block */
    if (offset)
        *offset = at.offset;
    if (global)
        *global = at.global;
    return at.sharded;
}

int64_t pipe_input_rank_rows(const pipe_ctx *ctx, const char *port, int rank)
{
    const char *name = pipe_input_name(ctx, port);
    const pipe_tensor *t = name ? pipe_store_get(&ctx->run->store, name) : NULL;
    const pipe_shard *sh = name ? pipe_store_shard(&ctx->run->store, name) : NULL;
    if (!t || rank < 0 || rank >= pipe_mpi_size())
        return -1;
    const int64_t *counts = sh && sh->sharded ? sh->counts : NULL;
    for (size_t i = 0; i < ctx->plugin->n_inputs && ctx->local_inputs; i++)
        if (strcmp(ctx->plugin->inputs[i].name, port) == 0 && ctx->local_inputs[i])
            counts = ctx->block.counts; /* handed over as the stage's block */
    return counts ? counts[rank] : t->rank ? t->shape[0] : 1;
}

int pipe_output_rows(pipe_ctx *ctx, const char *port, pipe_tensor *t)
{
    if (pipe_output(ctx, port, t) != 0)
        return -1;
    for (size_t i = 0; ctx->rows_outputs && i < ctx->plugin->n_outputs; i++)
        if (strcmp(ctx->plugin->outputs[i].name, port) == 0 && pipe_output_name(ctx, port))
            ctx->rows_outputs[i] = 1;
    return 0;
}

int pipe_shard_after(pipe_ctx *ctx)
{
    if (pipe_mpi_size() == 1 || !ctx->rows_outputs)
        return 0;
    int n = pipe_mpi_size(), bad = 0;
    int64_t *rows = pipe_xcalloc((size_t)n, sizeof *rows);
    for (size_t i = 0; i < ctx->plugin->n_outputs; i++) {
        const char *name = pipe_output_name(ctx, ctx->plugin->outputs[i].name);
        const pipe_tensor *t = name ? pipe_store_get(&ctx->run->store, name) : NULL;
        /* -1: not published as rows here; every rank must agree */
        pipe_mpi_allgather_i64(ctx->rows_outputs[i] && t ? t->shape[0] : -1, rows);
        int64_t offset = 0, global = 0, sharded = 0;
        for (int r = 0; r < n; r++) {
            sharded += rows[r] >= 0;
            offset += r < pipe_mpi_rank() && rows[r] > 0 ? rows[r] : 0;
            global += rows[r] > 0 ? rows[r] : 0;
        }
        if (sharded > 0 && sharded < n && !bad)
            bad = pipe_error(ctx,
                             "output '%s' was published as rows on %lld of %d ranks "
                             "(plugin bug: call pipe_output_rows on every rank)",
                             ctx->plugin->outputs[i].name, (long long)sharded, n);
        else if (sharded == n)
            pipe_store_set_shard(&ctx->run->store, name, offset, global, rows);
    }
    free(rows);
    return bad;
}

void pipe_shard_free(pipe_ctx *ctx)
{
    for (size_t i = 0; ctx->local_inputs && i < ctx->plugin->n_inputs; i++)
        pipe_tensor_release(ctx->local_inputs[i]);
    free(ctx->local_inputs);
    free(ctx->rows_outputs);
    free(ctx->block.counts);
    ctx->block.counts = NULL;
    ctx->local_inputs = NULL;
    ctx->rows_outputs = NULL;
}
