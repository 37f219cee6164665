/*
 * tkill.c — a test stage for runs under MPI: writes `file` through the
 * atomic file API (rank 0 keeps it), then the rank `kill_rank` kills
 * itself with SIGKILL while the other ranks wait in a sum over the ranks,
 * as a rank lost to the machine would. kill_rank -1 kills nobody.
 */
#include <pipe/pipe.h>

#include <signal.h>
#include <unistd.h>

static const pipe_param_decl params[] = {
    {"file", PIPE_PARAM_STRING, "", 0, 0, NULL, "file to write (empty: none)"},
    {"kill_rank", PIPE_PARAM_INT, "-1", -1, 1000, NULL, "the rank that dies"},
};

static int run(pipe_ctx *ctx, void *state)
{
    (void)state;
    const char *name = pipe_param_string(ctx, "file");
    pipe_file *f = name[0] ? pipe_file_open(ctx, name) : NULL;
    if (name[0] && !f)
        return -1;
    if (f)
        fprintf(pipe_file_stream(f), "written by rank %d of %d\n", pipe_rank(ctx), pipe_size(ctx));
    if (pipe_rank(ctx) == pipe_param_int(ctx, "kill_rank")) {
        usleep(200000); /* the others are waiting in the sum by now */
        raise(SIGKILL);
    }
    double one = 1;
    pipe_reduce_sum(ctx, &one, 1);
    pipe_metric(ctx, "ranks", one);
    return f ? pipe_file_commit(ctx, f) : 0;
}

static const pipe_plugin plugin = {
    PIPE_PLUGIN_ABI,  .name = "tkill",
    .version = "1.0", .summary = "test: a stage whose rank kill_rank dies (SIGKILL)",
    .params = params, .n_params = PIPE_COUNT(params),
    .run = run,       .rank_aware = 1,
};

PIPE_PLUGIN_DEFINE(plugin)
