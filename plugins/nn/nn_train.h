/*
 * nn_train.h — training with the neural-network core: optimizers over the
 * model's flat parameter buffer (with the L2 penalty fused in), learning-
 * rate schedules, early stopping, and the epoch loop (pipe_nn_fit) that
 * the dnn, classifier and cnn stages share.
 */
#ifndef PIPE_NN_TRAIN_H
#define PIPE_NN_TRAIN_H

#include "nn.h"

#include <stdio.h>

/* ------------------------------------------------------------------ */
/* Optimizers                                                           */
/* ------------------------------------------------------------------ */

typedef enum pipe_nn_optim_kind {
    PIPE_NN_SGD,   /* with momentum: v = μ·v − lr·g; w += v (Keras) */
    PIPE_NN_ADAM,  /* Keras' Adam (epsilon added to sqrt(v̂), bias correction in the step) */
    PIPE_NN_ADAMW, /* Adam with decoupled weight decay w −= lr·decay·w on kernels */
} pipe_nn_optim_kind;

#define PIPE_NN_OPTIM_CHOICES "sgd|adam|adamw"
const char *pipe_nn_optim_name(pipe_nn_optim_kind kind);
int pipe_nn_optim_parse(const char *name);

typedef struct pipe_nn_optim_config {
    pipe_nn_optim_kind kind;
    double momentum;     /* sgd (default 0.9) */
    double beta1, beta2; /* adam, adamw (0.9, 0.999) */
    double eps;          /* adam, adamw (1e-7, as Keras) */
    double weight_decay; /* adamw (0.004, as Keras) */
} pipe_nn_optim_config;

pipe_nn_optim_config pipe_nn_optim_config_default(pipe_nn_optim_kind kind);

typedef struct pipe_nn_optim pipe_nn_optim;

/* An optimizer for the parameters of `m` (its moments allocated here).
 * Returns NULL when out of memory. */
pipe_nn_optim *pipe_nn_optim_new(const pipe_nn_optim_config *cfg, const pipe_nn_model *m);
void pipe_nn_optim_free(pipe_nn_optim *o);

/*
 * One update of m's parameters from its gradient buffer at learning rate
 * `lr`, in a single pass per segment: the L2 gradient 2λw is added, the
 * moments updated, the weights moved. Returns the L2 penalty Σλ·Σw² of
 * the weights before the update (those the gradient was computed with).
 */
double pipe_nn_optim_step(pipe_nn_optim *o, pipe_nn_model *m, double lr);

/* ------------------------------------------------------------------ */
/* Learning-rate schedules and early stopping                          */
/* ------------------------------------------------------------------ */

typedef enum pipe_nn_sched_kind {
    PIPE_NN_SCHED_CONSTANT,
    PIPE_NN_SCHED_STEP,    /* lr·factor^⌊epoch/step⌋ */
    PIPE_NN_SCHED_COSINE,  /* from lr down to min_lr over the epochs, half a cosine */
    PIPE_NN_SCHED_PLATEAU, /* lr·factor after `patience` epochs without improvement */
} pipe_nn_sched_kind;

#define PIPE_NN_SCHED_CHOICES "constant|step|cosine|plateau"
const char *pipe_nn_sched_name(pipe_nn_sched_kind kind);
int pipe_nn_sched_parse(const char *name);

typedef struct pipe_nn_schedule {
    pipe_nn_sched_kind kind;
    double lr;        /* the initial learning rate */
    double factor;    /* step, plateau: multiplier (0 < factor < 1) */
    double min_lr;    /* no schedule goes below this */
    double min_delta; /* plateau: an improvement is a decrease by more than this */
    int step;         /* step: epochs between decays */
    int patience;     /* plateau: epochs without improvement before a decay */
    int epochs;       /* cosine: the length of the decay */
    /* State, set by pipe_nn_schedule_start(). */
    double current, best;
    int wait;
} pipe_nn_schedule;

void pipe_nn_schedule_start(pipe_nn_schedule *s);
/* The learning rate of epoch `epoch` (0-based). */
double pipe_nn_schedule_lr(const pipe_nn_schedule *s, int epoch);
/* Tell the schedule the monitored loss at the end of an epoch. */
void pipe_nn_schedule_observe(pipe_nn_schedule *s, double monitored);

typedef struct pipe_nn_early_stop {
    int patience;     /* 0: never stop early */
    double min_delta; /* an improvement is a decrease by more than this */
    /* State, set by pipe_nn_early_stop_start(). */
    double best;
    int best_epoch; /* 1-based; 0 before the first epoch */
    int wait;
} pipe_nn_early_stop;

void pipe_nn_early_stop_start(pipe_nn_early_stop *e);
/* Observe the monitored loss of epoch `epoch` (1-based). Returns 1 when
 * it is the best so far, 0 otherwise; sets *stop when patience ran out. */
int pipe_nn_early_stop_observe(pipe_nn_early_stop *e, int epoch, double monitored, int *stop);

/* ------------------------------------------------------------------ */
/* The epoch loop                                                       */
/* ------------------------------------------------------------------ */

/* The second figure tracked beside the loss. */
typedef enum pipe_nn_metric {
    PIPE_NN_METRIC_MAE,      /* mean absolute error (regression) */
    PIPE_NN_METRIC_ACCURACY, /* fraction with (p ≥ 0.5) == (y ≥ 0.5) (binary) */
    PIPE_NN_METRIC_TOP1,     /* fraction of rows with argmax p = argmax y (multi-class) */
} pipe_nn_metric;

/* Rows of `x` (inputs per row: the model's) and `y` (outputs per row),
 * optional per-row weights `w`, and which rows train and validate. */
typedef struct pipe_nn_dataset {
    const pipe_nn_real *x, *y, *w;
    const int64_t *train;
    int64_t n_train;
    const int64_t *val; /* may be NULL with n_val 0: the training loss is monitored */
    int64_t n_val;
} pipe_nn_dataset;

/*
 * Checkpoints of a fit (nn_checkpoint.c): everything the epoch loop needs
 * to go on as if never stopped — parameters and state, the optimizer's
 * moments and step count, the RNG, the row order, the schedule and early
 * stopping, the best-so-far weights, the epoch, and the caller's own
 * figures `extra` (the stage's history) — written after every `every`
 * epochs; with every = 0, after an epoch that ends at least
 * PIPE_NN_CHECKPOINT_SECONDS after the last checkpoint (or the start), so
 * every epoch once epochs take that long; with every < 0, never. None
 * after the fit's last epoch. The caller supplies where the bytes go:
 * open() gives a stream, commit() makes it the checkpoint atomically (0,
 * or -1 after reporting); resume_path, when not NULL, is a checkpoint to
 * continue from.
 */
#define PIPE_NN_CHECKPOINT_SECONDS 5.0

typedef struct pipe_nn_checkpoint {
    int every;
    double *extra; /* n_extra doubles, saved and restored with the fit */
    size_t n_extra;
    const char *resume_path;
    FILE *(*open)(void *user);
    int (*commit)(void *user, FILE *f);
    void *user;
} pipe_nn_checkpoint;

/*
 * Synchronous data parallelism across processes, without MPI in the core:
 * the stage adapter fills this from the SDK (pipe_rank, pipe_size,
 * pipe_reduce_sum, pipe_broadcast). Every process holds every row and the
 * same model; in each step process r computes the gradient on its block
 * r/size of the global batch, ONE sum over the processes combines all
 * gradients (with the step's loss and metric) in one buffer, and every
 * process applies the same update. Validation is split the same way and
 * summed; early stopping is decided by process 0 and broadcast.
 */
typedef struct pipe_nn_comm {
    int rank, size;
    void *user;
    /* Element-wise sum over the processes, in place, in a fixed order. */
    void (*sum)(void *user, double *values, size_t n);
    /* Process 0's `bytes` bytes at `data` to every process. */
    void (*broadcast)(void *user, void *data, size_t bytes);
} pipe_nn_comm;

typedef struct pipe_nn_fit_config {
    int epochs, batch;
    int shuffle; /* reshuffle the training rows every epoch (seeded) */
    pipe_nn_schedule schedule;
    pipe_nn_early_stop early;
    int restore_best; /* with early.patience > 0: end with the best epoch's weights */
    pipe_nn_metric metric;
    const pipe_nn_checkpoint *checkpoint; /* NULL: none */
    const pipe_nn_comm *comm;             /* NULL (or size 1): one process */
} pipe_nn_fit_config;

/* What one epoch did (losses include the L2 penalty, as Keras reports). */
typedef struct pipe_nn_epoch_stats {
    int epoch, epochs; /* 1-based epoch, of at most `epochs` */
    double lr, loss, metric;
    int has_val;
    double val_loss, val_metric;
} pipe_nn_epoch_stats;

/* Called after every epoch; a nonzero return stops training (fit returns
 * -1 with "stopped at epoch N" in err). */
typedef int (*pipe_nn_epoch_fn)(void *user, const pipe_nn_epoch_stats *stats);

typedef struct pipe_nn_fit_result {
    int epochs_run;
    int best_epoch; /* the epoch with the lowest monitored loss */
    double best_loss;
    int stopped_early, restored;
    int64_t steps;
    int resumed_epoch;     /* the epochs a checkpoint had done (0: started afresh) */
    int64_t resumed_steps; /* and its steps (of `steps`) */
} pipe_nn_fit_result;

/*
 * Train `m` with `opt` on the dataset for up to cfg->epochs epochs of
 * mini-batches of cfg->batch rows (the last one may be smaller), drawing
 * shuffles and dropout masks from `rng`. Returns 0, or -1 with a message
 * in `err` — among them a loss that turned NaN or infinite, which names
 * the epoch and the step.
 */
int pipe_nn_fit(pipe_nn_model *m, pipe_nn_optim *opt, const pipe_nn_dataset *data,
                const pipe_nn_fit_config *cfg, pipe_rng *rng, pipe_nn_epoch_fn on_epoch, void *user,
                pipe_nn_fit_result *result, char *err, size_t err_size);

#endif
