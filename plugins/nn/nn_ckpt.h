/*
 * nn_ckpt.h — inside the core: the state of a fit in progress, as the
 * epoch loop (nn_fit.c) holds it and a checkpoint (nn_checkpoint.c) saves
 * and restores it, and the optimizer's state seen from outside nn_optim.c.
 */
#ifndef PIPE_NN_CKPT_H
#define PIPE_NN_CKPT_H

#include "nn_internal.h"
#include "nn_train.h"

/* The optimizer's moments (count reals each) and bias-correction powers. */
typedef struct nn_optim_view {
    nn_real *m1, *m2;
    size_t count;
    double *beta1_power, *beta2_power;
} nn_optim_view;

nn_optim_view nn_optim_view_of(pipe_nn_optim *o);

/* The fit's state between two epochs: pointers into the loop's own. */
typedef struct nn_fit_state {
    pipe_nn_model *m;
    pipe_nn_optim *opt;
    pipe_rng *rng;
    int64_t *order; /* the training rows in their current order */
    int64_t n_order;
    nn_real *best_p, *best_s; /* NULL without restore-best */
    pipe_nn_schedule *sched;
    pipe_nn_early_stop *early;
    pipe_nn_fit_result *result; /* epochs_run (the epochs done) and steps */
    double last_save;           /* pipe_seconds() of the last checkpoint (or the start) */
} nn_fit_state;

/* After epoch st->result->epochs_run: write a checkpoint when the
 * configuration's rule says so (never after the last epoch, `last`).
 * 0, or -1 with the reason in err. */
int nn_ckpt_after_epoch(const pipe_nn_fit_config *cfg, nn_fit_state *st, int last, char *err,
                        size_t err_size);

/* Before the first epoch: restore st from cfg->checkpoint->resume_path
 * when there is one. 0 (st->result->epochs_run tells where to go on), or
 * -1 with the reason in err (unreadable, or not a checkpoint of this
 * network and configuration). */
int nn_ckpt_resume(const pipe_nn_fit_config *cfg, nn_fit_state *st, char *err, size_t err_size);

#endif
