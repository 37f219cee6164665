/*
 * nn_stage_ckpt.c — a training stage's checkpoints (nn_stage.h): the
 * core's checkpoint hooks (nn_train.h) bound to the runner's checkpoint
 * files (pipe_checkpoint_open, pipe_checkpoint_resume), with parameter
 * "checkpoint_every".
 */
#include "nn_stage.h"

#include <stdlib.h>

static FILE *ckpt_open(void *user)
{
    pipe_nn_stage_ckpt *c = user;
    c->file = pipe_checkpoint_open(c->ctx);
    return c->file ? pipe_file_stream(c->file) : NULL;
}

static int ckpt_commit(void *user, FILE *f)
{
    pipe_nn_stage_ckpt *c = user;
    (void)f;
    pipe_file *file = c->file;
    c->file = NULL;
    return pipe_file_commit(c->ctx, file);
}

void pipe_nn_stage_ckpt_begin(pipe_ctx *ctx, pipe_nn_stage_ckpt *c, double *extra, size_t n_extra)
{
    c->ctx = ctx;
    c->file = NULL;
    c->path = pipe_checkpoint_resume(ctx);
    /* A run of several ranks (MPI) writes no checkpoint (docs/mpi.md). */
    int every = pipe_size(ctx) > 1 ? -1 : (int)pipe_param_int(ctx, "checkpoint_every");
    c->hooks = (pipe_nn_checkpoint){.every = every,
                                    .extra = extra,
                                    .n_extra = n_extra,
                                    .resume_path = c->path,
                                    .open = ckpt_open,
                                    .commit = ckpt_commit,
                                    .user = c};
}

void pipe_nn_stage_ckpt_end(pipe_nn_stage_ckpt *c)
{
    free(c->path);
    c->path = NULL;
}
