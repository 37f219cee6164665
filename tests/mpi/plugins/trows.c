/*
 * trows.c — a rank-aware test stage that checks what the SDK says about a
 * row-sharded input on every rank: this rank's block (pipe_input_rows)
 * against the per-rank row counts (pipe_input_rank_rows), the offset
 * against the sum of the counts before it, the global count against
 * their sum. Metrics: rows (the global count), sharded, and errors (the
 * number of ranks where something did not add up); and the collectives
 * on values known in closed form: f32_sum (Σ over ranks of rank + 1),
 * max (of the ranks), broadcast (rank 0's 7 on every rank, summed).
 */
#include <pipe/pipe.h>

static const pipe_port_decl inputs[] = {
    {"table", PIPE_DT_ANY, 0, 0, "any tensor"},
};

static int run(pipe_ctx *ctx, void *state)
{
    (void)state;
    const pipe_tensor *t = pipe_input(ctx, "table");
    int64_t offset, global, before = 0, total = 0;
    int sharded = pipe_input_rows(ctx, "table", &offset, &global);
    for (int r = 0; r < pipe_size(ctx); r++) {
        int64_t n = pipe_input_rank_rows(ctx, "table", r);
        before += r < pipe_rank(ctx) ? n : 0;
        total += n;
    }
    int64_t mine = pipe_input_rank_rows(ctx, "table", pipe_rank(ctx));
    double errors = mine != t->shape[0] || (sharded && (offset != before || total != global)) ||
                    (!sharded && (offset != 0 || global != t->shape[0])) ||
                    pipe_input_rank_rows(ctx, "table", pipe_size(ctx)) != -1;
    pipe_reduce_sum(ctx, &errors, 1);
    float f32 = (float)(pipe_rank(ctx) + 1);
    double max = pipe_rank(ctx), seven = pipe_rank(ctx) == 0 ? 7 : 0;
    pipe_reduce_sum_f32(ctx, &f32, 1);
    pipe_reduce_max(ctx, &max, 1);
    pipe_broadcast(ctx, &seven, sizeof seven);
    pipe_reduce_sum(ctx, &seven, 1);
    pipe_metric(ctx, "f32_sum", f32);
    pipe_metric(ctx, "max", max);
    pipe_metric(ctx, "broadcast", seven);
    pipe_metric(ctx, "rows", (double)global);
    pipe_metric(ctx, "sharded", sharded);
    pipe_metric(ctx, "errors", errors);
    return 0;
}

static const pipe_plugin plugin = {
    PIPE_PLUGIN_ABI,  .name = "trows",
    .version = "1.0", .summary = "test: checks the row blocks of a sharded input on every rank",
    .inputs = inputs, .n_inputs = PIPE_COUNT(inputs),
    .run = run,       .rank_aware = 1,
};

PIPE_PLUGIN_DEFINE(plugin)
