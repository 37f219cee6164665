/*
 * nn_checkpoint.c — checkpoints of a fit in progress (nn_train.h): when
 * to write one, and the file itself, in the machine's own byte order (a
 * checkpoint is resumed where it was written):
 *
 *   "PIPENNCK" u32 version, u32 sizeof(real), u64 parameters, state,
 *   moments, training rows, extra, u32 has_best, u32 epochs done,
 *   i64 steps, u64 rng[4], f64 schedule current, best, i32 wait,
 *   f64 early best, i32 best epoch, wait, f64 beta1^t, beta2^t,
 *   moments m1 and m2, parameters, state, [best parameters, best state],
 *   i64 row order, f64 extra, "END."
 *
 * The sizes are checked against the fit that resumes: a checkpoint of
 * another network or dataset is refused rather than half-applied.
 */
#include "nn_ckpt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CKPT_MAGIC "PIPENNCK"
#define CKPT_END "END."
#define CKPT_VERSION 1u

/* The sizes a checkpoint and the fit resuming it must share. */
typedef struct ckpt_sizes {
    uint32_t version, real_size;
    uint64_t n_params, n_state, n_moments, n_order, n_extra;
    uint32_t has_best;
} ckpt_sizes;

static ckpt_sizes sizes_of(const pipe_nn_checkpoint *c, const nn_fit_state *st)
{
    size_t n_p, n_s;
    pipe_nn_model_params(st->m, &n_p);
    pipe_nn_model_state(st->m, &n_s);
    ckpt_sizes z;
    memset(&z, 0, sizeof z); /* the padding too: it is written */
    z.version = CKPT_VERSION;
    z.real_size = sizeof(nn_real);
    z.n_params = n_p;
    z.n_state = n_s;
    z.n_moments = nn_optim_view_of(st->opt).count;
    z.n_order = (uint64_t)st->n_order;
    z.n_extra = c->n_extra;
    z.has_best = st->best_p != NULL;
    return z;
}

/* One array in or out: `write` picks the direction. Nonzero on failure. */
static int io(FILE *f, int write, void *p, size_t size, size_t count)
{
    if (count == 0)
        return 0;
    return (write ? fwrite(p, size, count, f) : fread(p, size, count, f)) != count;
}

/* Everything after the sizes, in the order of the file. */
static int io_state(FILE *f, int write, const pipe_nn_checkpoint *c, nn_fit_state *st,
                    const ckpt_sizes *z)
{
    nn_optim_view o = nn_optim_view_of(st->opt);
    uint32_t epochs = (uint32_t)st->result->epochs_run;
    int32_t waits[3] = {st->sched->wait, st->early->best_epoch, st->early->wait};
    double figures[3] = {st->sched->current, st->sched->best, st->early->best};
    int bad = io(f, write, &epochs, sizeof epochs, 1);
    bad |= io(f, write, &st->result->steps, sizeof st->result->steps, 1);
    bad |= io(f, write, st->rng->s, sizeof st->rng->s[0], 4);
    bad |= io(f, write, figures, sizeof figures[0], 3);
    bad |= io(f, write, waits, sizeof waits[0], 3);
    bad |= io(f, write, o.beta1_power, sizeof(double), 1);
    bad |= io(f, write, o.beta2_power, sizeof(double), 1);
    bad |= io(f, write, o.m1, sizeof(nn_real), o.count);
    bad |= io(f, write, o.m2, sizeof(nn_real), o.count);
    bad |= io(f, write, pipe_nn_model_params(st->m, NULL), sizeof(nn_real), z->n_params);
    bad |= io(f, write, pipe_nn_model_state(st->m, NULL), sizeof(nn_real), z->n_state);
    if (st->best_p) {
        bad |= io(f, write, st->best_p, sizeof(nn_real), z->n_params);
        bad |= io(f, write, st->best_s, sizeof(nn_real), z->n_state);
    }
    bad |= io(f, write, st->order, sizeof *st->order, z->n_order);
    bad |= io(f, write, c->extra, sizeof *c->extra, z->n_extra);
    if (!write && !bad) {
        st->result->epochs_run = (int)epochs;
        st->sched->wait = waits[0];
        st->early->best_epoch = waits[1];
        st->early->wait = waits[2];
        st->sched->current = figures[0];
        st->sched->best = figures[1];
        st->early->best = figures[2];
    }
    return bad;
}

static int save(const pipe_nn_checkpoint *c, nn_fit_state *st, char *err, size_t err_size)
{
    FILE *f = c->open(c->user);
    if (!f)
        return nn_fail(err, err_size, "cannot write a checkpoint after epoch %d",
                       st->result->epochs_run);
    ckpt_sizes z = sizes_of(c, st);
    int bad = fwrite(CKPT_MAGIC, 1, 8, f) != 8 || fwrite(&z, sizeof z, 1, f) != 1;
    bad = bad || io_state(f, 1, c, st, &z) || fwrite(CKPT_END, 1, 4, f) != 4;
    if (c->commit(c->user, f) != 0 || bad)
        return nn_fail(err, err_size, "cannot write a checkpoint after epoch %d%s",
                       st->result->epochs_run, bad ? ": write error" : "");
    return 0;
}

int nn_ckpt_after_epoch(const pipe_nn_fit_config *cfg, nn_fit_state *st, int last, char *err,
                        size_t err_size)
{
    const pipe_nn_checkpoint *c = cfg->checkpoint;
    if (!c || c->every < 0 || last)
        return 0;
    int due = c->every > 0 ? st->result->epochs_run % c->every == 0
                           : pipe_seconds() - st->last_save >= PIPE_NN_CHECKPOINT_SECONDS;
    if (!due)
        return 0;
    int rc = save(c, st, err, err_size);
    st->last_save = pipe_seconds();
    return rc;
}

/* What differs between the file's sizes and the fit's, for the message. */
static const char *mismatch(const ckpt_sizes *a, const ckpt_sizes *b)
{
    if (a->version != b->version || a->real_size != b->real_size)
        return "another version of pipe wrote it";
    if (a->n_params != b->n_params || a->n_state != b->n_state || a->n_moments != b->n_moments)
        return "it is of another network";
    if (a->n_order != b->n_order)
        return "it trained on another number of rows";
    if (a->n_extra != b->n_extra || a->has_best != b->has_best)
        return "it is of another training configuration";
    return NULL;
}

int nn_ckpt_resume(const pipe_nn_fit_config *cfg, nn_fit_state *st, char *err, size_t err_size)
{
    const pipe_nn_checkpoint *c = cfg->checkpoint;
    if (!c || !c->resume_path)
        return 0;
    FILE *f = fopen(c->resume_path, "rb");
    if (!f)
        return nn_fail(err, err_size, "cannot read checkpoint %s: %s", c->resume_path,
                       strerror(errno));
    char magic[8], end[4];
    ckpt_sizes want = sizes_of(c, st), got;
    const char *why = NULL;
    if (fread(magic, 1, 8, f) != 8 || memcmp(magic, CKPT_MAGIC, 8) != 0 ||
        fread(&got, sizeof got, 1, f) != 1)
        why = "it is not a pipe network checkpoint";
    else
        why = mismatch(&got, &want);
    if (!why && (io_state(f, 0, c, st, &want) || fread(end, 1, 4, f) != 4 ||
                 memcmp(end, CKPT_END, 4) != 0 || fgetc(f) != EOF))
        why = "it is truncated or has trailing bytes";
    fclose(f);
    if (!why && (st->result->epochs_run < 1 || st->result->epochs_run >= cfg->epochs))
        why = "its epoch is outside this fit's";
    if (why)
        return nn_fail(err, err_size, "cannot resume from checkpoint %s: %s", c->resume_path, why);
    return 0;
}
