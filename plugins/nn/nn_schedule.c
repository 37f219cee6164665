/*
 * nn_schedule.c — learning-rate schedules (constant, step, cosine,
 * reduce-on-plateau) and early stopping on a monitored loss.
 */
#include "nn_internal.h"
#include "nn_train.h"

#include <math.h>
#include <string.h>

static const char *const sched_names[] = {"constant", "step", "cosine", "plateau"};

const char *pipe_nn_sched_name(pipe_nn_sched_kind kind)
{
    return nn_name_of(sched_names, PIPE_COUNT(sched_names), (unsigned)kind);
}

int pipe_nn_sched_parse(const char *name)
{
    return nn_name_find(sched_names, PIPE_COUNT(sched_names), name);
}

void pipe_nn_schedule_start(pipe_nn_schedule *s)
{
    s->current = s->lr;
    s->best = INFINITY;
    s->wait = 0;
}

double pipe_nn_schedule_lr(const pipe_nn_schedule *s, int epoch)
{
    double lr = s->lr;
    switch (s->kind) {
    case PIPE_NN_SCHED_CONSTANT:
        return lr;
    case PIPE_NN_SCHED_STEP:
        lr *= pow(s->factor, s->step > 0 ? epoch / s->step : 0);
        break;
    case PIPE_NN_SCHED_COSINE: {
        double t = s->epochs > 0 ? (double)epoch / s->epochs : 0;
        lr = s->min_lr + (s->lr - s->min_lr) * 0.5 * (1 + cos(M_PI * t));
        break;
    }
    case PIPE_NN_SCHED_PLATEAU:
        lr = s->current;
        break;
    }
    return lr > s->min_lr ? lr : s->min_lr;
}

void pipe_nn_schedule_observe(pipe_nn_schedule *s, double monitored)
{
    if (s->kind != PIPE_NN_SCHED_PLATEAU)
        return;
    if (monitored < s->best - s->min_delta) {
        s->best = monitored;
        s->wait = 0;
        return;
    }
    if (++s->wait >= s->patience) {
        double reduced = s->current * s->factor;
        s->current = reduced > s->min_lr ? reduced : s->min_lr;
        s->wait = 0;
    }
}

void pipe_nn_early_stop_start(pipe_nn_early_stop *e)
{
    e->best = INFINITY;
    e->best_epoch = 0;
    e->wait = 0;
}

int pipe_nn_early_stop_observe(pipe_nn_early_stop *e, int epoch, double monitored, int *stop)
{
    *stop = 0;
    if (monitored < e->best - e->min_delta) {
        e->best = monitored;
        e->best_epoch = epoch;
        e->wait = 0;
        return 1;
    }
    if (e->patience > 0 && ++e->wait >= e->patience)
        *stop = 1;
    return 0;
}
