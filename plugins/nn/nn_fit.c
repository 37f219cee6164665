/*
 * nn_fit.c — the epoch loop shared by every training stage: seeded
 * shuffling (the training rows are copied out in a new order each epoch,
 * so batches are contiguous slices), one forward / backward / optimizer
 * step per batch, validation in inference mode, the learning-rate
 * schedule, early stopping with restore-best, and a clear error when the
 * loss stops being finite. Buffers are allocated once, before the first
 * epoch. With a pipe_nn_comm of several processes, each step, the
 * validation and the early-stopping decision are shared (nn_comm.c).
 */
#include "nn_ckpt.h"
#include "nn_comm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Rows of the dataset copied out in a chosen order, contiguous, so that
 * every batch is a plain slice (no per-step gathering). */
typedef struct row_set {
    nn_real *x, *y, *w; /* w NULL when the dataset has no weights */
    int64_t n;
} row_set;

/* The work buffers of one fit. */
typedef struct fit_work {
    row_set train, val;       /* train is refilled in a new order every epoch */
    int64_t *order;           /* the training rows, reshuffled each epoch */
    nn_real *best_p, *best_s; /* parameters and state of the best epoch */
    double *comm_buf;         /* the sums over processes, or NULL */
} fit_work;

static int row_set_alloc(row_set *s, int64_t n, int n_in, int n_out, int weighted)
{
    size_t rows = (size_t)(n ? n : 1);
    s->n = n;
    s->x = malloc(rows * (size_t)n_in * sizeof *s->x);
    s->y = malloc(rows * (size_t)n_out * sizeof *s->y);
    s->w = weighted ? malloc(rows * sizeof *s->w) : NULL;
    return s->x && s->y && (!weighted || s->w) ? 0 : -1;
}

static void row_set_free(row_set *s)
{
    free(s->x);
    free(s->y);
    free(s->w);
}

/* Copy rows idx[0..s->n) of the dataset into the set. */
static void row_set_fill(row_set *s, const pipe_nn_dataset *d, int n_in, int n_out,
                         const int64_t *idx)
{
    for (int64_t r = 0; r < s->n; r++) {
        int64_t row = idx[r];
        memcpy(s->x + r * n_in, d->x + row * n_in, (size_t)n_in * sizeof *s->x);
        memcpy(s->y + r * n_out, d->y + row * n_out, (size_t)n_out * sizeof *s->y);
        if (s->w)
            s->w[r] = d->w[row];
    }
}

static void work_free(fit_work *w)
{
    row_set_free(&w->train);
    row_set_free(&w->val);
    free(w->order);
    free(w->best_p);
    free(w->best_s);
    free(w->comm_buf);
}

static int work_alloc(fit_work *w, pipe_nn_model *m, const pipe_nn_dataset *d, int keep_best,
                      const pipe_nn_comm *comm)
{
    int n_in = pipe_nn_model_inputs(m), n_out = pipe_nn_model_outputs(m);
    size_t n_p, n_s;
    pipe_nn_model_params(m, &n_p);
    pipe_nn_model_state(m, &n_s);
    memset(w, 0, sizeof *w);
    int rc = row_set_alloc(&w->train, d->n_train, n_in, n_out, d->w != NULL);
    rc |= row_set_alloc(&w->val, d->n_val, n_in, n_out, d->w != NULL);
    w->order = malloc((size_t)d->n_train * sizeof *w->order);
    if (keep_best) {
        w->best_p = malloc((n_p ? n_p : 1) * sizeof *w->best_p);
        w->best_s = malloc((n_s ? n_s : 1) * sizeof *w->best_s);
    }
    if (nn_comm_active(comm) && !(w->comm_buf = nn_comm_buffer(m, 2)))
        return -1;
    if (rc || !w->order || (keep_best && (!w->best_p || !w->best_s)))
        return -1;
    memcpy(w->order, d->train, (size_t)d->n_train * sizeof *w->order);
    row_set_fill(&w->val, d, n_in, n_out, d->val);
    return 0;
}

/* Σ over the batch (count values, rows of dim) of the tracked metric's
 * per-output value; top-1 counts a right row as dim outputs, so that the
 * callers' division by rows · dim gives the fraction of rows. */
static double metric_sum(pipe_nn_metric metric, const nn_real *p, const nn_real *y, size_t count,
                         int dim)
{
    double s = 0;
    if (metric == PIPE_NN_METRIC_TOP1) {
        for (size_t r = 0; r < count / (size_t)dim; r++)
            s += nn_argmax(p + r * dim, (size_t)dim) == nn_argmax(y + r * dim, (size_t)dim) ? dim
                                                                                            : 0;
        return s;
    }
    for (size_t i = 0; i < count; i++) {
        if (metric == PIPE_NN_METRIC_MAE)
            s += fabs((double)p[i] - y[i]);
        else
            s += (p[i] >= (nn_real)0.5) == (y[i] >= (nn_real)0.5);
    }
    return s;
}

/* Loss (with the L2 penalty) and metric over a row set, inference mode;
 * shared by the processes of `comm`, each taking its block of rows. */
static void evaluate(pipe_nn_model *m, const row_set *s, pipe_nn_metric metric,
                     const pipe_nn_comm *comm, double *loss, double *metric_value)
{
    int n_in = pipe_nn_model_inputs(m), n_out = pipe_nn_model_outputs(m);
    int chunk = pipe_nn_model_max_batch(m);
    double loss_sum = 0, metric_total = 0;
    int64_t lo = 0, hi = s->n;
    if (nn_comm_active(comm))
        nn_comm_block(comm, s->n, &lo, &hi);
    for (int64_t start = lo; start < hi; start += chunk) {
        int rows = (int)(hi - start < chunk ? hi - start : chunk);
        const nn_real *y = s->y + start * n_out;
        const nn_real *p = pipe_nn_model_forward(m, s->x + start * n_in, rows, 0, NULL);
        loss_sum += rows * pipe_nn_loss_eval(pipe_nn_model_loss(m), p, y,
                                             s->w ? s->w + start : NULL, rows, n_out, NULL);
        metric_total += metric_sum(metric, p, y, (size_t)rows * n_out, n_out);
    }
    if (nn_comm_active(comm)) {
        double sums[2] = {loss_sum, metric_total};
        nn_comm_sum(comm, sums, 2);
        loss_sum = sums[0];
        metric_total = sums[1];
    }
    *loss = loss_sum / (double)s->n + pipe_nn_model_penalty(m);
    *metric_value = metric_total / ((double)s->n * n_out);
}

/* The gradient of a batch of `rows` rows shared by the processes: this
 * one takes its block, then ONE sum combines every process's gradient
 * (scaled to the global batch mean) with the loss and metric. Returns the
 * batch's data loss; *metric gets the batch's summed metric. */
static double shared_step(pipe_nn_model *m, const pipe_nn_fit_config *cfg, const nn_real *x,
                          const nn_real *y, const nn_real *wt, int rows, pipe_rng *drop,
                          double *buf, double *metric)
{
    int n_in = pipe_nn_model_inputs(m), n_out = pipe_nn_model_outputs(m);
    int64_t lo, hi;
    nn_comm_block(cfg->comm, rows, &lo, &hi);
    int mine = (int)(hi - lo);
    double sums[2] = {0, 0};
    if (mine > 0) {
        const nn_real *xl = x + lo * n_in, *yl = y + lo * n_out;
        const nn_real *p = pipe_nn_model_forward(m, xl, mine, 1, drop);
        sums[0] = mine * pipe_nn_model_backward(m, xl, yl, wt ? wt + lo : NULL, mine);
        sums[1] = metric_sum(cfg->metric, p, yl, (size_t)mine * n_out, n_out);
    } else {
        size_t n_g;
        nn_real *g = pipe_nn_model_grads(m, &n_g);
        memset(g, 0, n_g * sizeof *g);
    }
    nn_comm_sum_grads(cfg->comm, m, buf, (double)mine / rows, sums, 2);
    *metric = sums[1];
    return sums[0] / rows;
}

/* One epoch of mini-batch steps; fills stats->loss and stats->metric. */
static int train_epoch(pipe_nn_model *m, pipe_nn_optim *opt, const pipe_nn_dataset *d,
                       const pipe_nn_fit_config *cfg, pipe_rng *rng, fit_work *w,
                       pipe_nn_epoch_stats *stats, int64_t *steps, char *err, size_t err_size)
{
    int n_in = pipe_nn_model_inputs(m), n_out = pipe_nn_model_outputs(m);
    int64_t n_steps = (d->n_train + cfg->batch - 1) / cfg->batch;
    double loss_sum = 0, metric_total = 0;
    if (cfg->shuffle)
        pipe_rng_shuffle(rng, w->order, d->n_train);
    row_set_fill(&w->train, d, n_in, n_out, w->order);
    int shared = nn_comm_active(cfg->comm);
    /* shared: dropout masks per process and epoch, from a stream that
     * leaves `rng` (the shuffles) as one process would draw it */
    pipe_rng drop;
    if (shared)
        pipe_rng_seed(&drop, rng->s[0] ^ rng->s[3] ^
                                 (0x9e3779b97f4a7c15ULL * (cfg->comm->rank + 1u)) ^
                                 (0xbf58476d1ce4e5b9ULL * (uint64_t)stats->epoch));
    for (int64_t step = 0; step < n_steps; step++) {
        int64_t start = step * cfg->batch;
        int rows = (int)(d->n_train - start < cfg->batch ? d->n_train - start : cfg->batch);
        const nn_real *x = w->train.x + start * n_in, *y = w->train.y + start * n_out;
        const nn_real *wt = w->train.w ? w->train.w + start : NULL;
        const nn_real *p = NULL;
        double loss, shared_metric = 0;
        if (shared)
            loss = shared_step(m, cfg, x, y, wt, rows, &drop, w->comm_buf, &shared_metric);
        else {
            p = pipe_nn_model_forward(m, x, rows, 1, rng);
            loss = pipe_nn_model_backward(m, x, y, wt, rows);
        }
        loss += pipe_nn_optim_step(opt, m, stats->lr);
        if (!isfinite(loss))
            return nn_fail(err, err_size,
                           "loss is %s at epoch %d, step %lld of %lld (learning rate %g): "
                           "training diverged; lower the learning rate or check the inputs",
                           isnan(loss) ? "NaN" : "infinite", stats->epoch, (long long)step + 1,
                           (long long)n_steps, stats->lr);
        loss_sum += loss * rows;
        metric_total +=
            shared ? shared_metric : metric_sum(cfg->metric, p, y, (size_t)rows * n_out, n_out);
        ++*steps;
    }
    if (shared)
        nn_comm_average_state(cfg->comm, m, w->comm_buf);
    stats->loss = loss_sum / (double)d->n_train;
    stats->metric = metric_total / ((double)d->n_train * n_out);
    return 0;
}

static void copy_weights(pipe_nn_model *m, nn_real *p_dst, nn_real *s_dst, int to_model)
{
    size_t n_p, n_s;
    nn_real *p = pipe_nn_model_params(m, &n_p), *s = pipe_nn_model_state(m, &n_s);
    memcpy(to_model ? p : p_dst, to_model ? p_dst : p, n_p * sizeof *p);
    memcpy(to_model ? s : s_dst, to_model ? s_dst : s, n_s * sizeof *s);
}

static int check_config(const pipe_nn_model *m, const pipe_nn_dataset *d,
                        const pipe_nn_fit_config *cfg, char *err, size_t err_size)
{
    if (cfg->epochs < 1)
        return nn_fail(err, err_size, "epochs must be >= 1, found %d", cfg->epochs);
    if (cfg->batch < 1 || cfg->batch > pipe_nn_model_max_batch(m))
        return nn_fail(err, err_size, "batch must be in [1, %d], found %d",
                       pipe_nn_model_max_batch(m), cfg->batch);
    if (d->n_train < 1)
        return nn_fail(err, err_size, "there are no training rows");
    return 0;
}

int pipe_nn_fit(pipe_nn_model *m, pipe_nn_optim *opt, const pipe_nn_dataset *data,
                const pipe_nn_fit_config *cfg, pipe_rng *rng, pipe_nn_epoch_fn on_epoch, void *user,
                pipe_nn_fit_result *result, char *err, size_t err_size)
{
    memset(result, 0, sizeof *result);
    if (check_config(m, data, cfg, err, err_size) != 0)
        return -1;
    int keep_best = cfg->restore_best && cfg->early.patience > 0;
    fit_work w;
    if (work_alloc(&w, m, data, keep_best, cfg->comm) != 0) {
        work_free(&w);
        return nn_fail(err, err_size, "out of memory");
    }
    unsigned fpu = pipe_nn_fpu_flush_denormals();
    pipe_nn_schedule sched = cfg->schedule;
    pipe_nn_early_stop early = cfg->early;
    pipe_nn_schedule_start(&sched);
    pipe_nn_early_stop_start(&early);
    nn_fit_state ckpt = {m,        opt,    rng,    w.order, data->n_train, w.best_p,
                         w.best_s, &sched, &early, result,  pipe_seconds()};
    int rc = nn_ckpt_resume(cfg, &ckpt, err, err_size);
    result->resumed_epoch = result->epochs_run;
    result->resumed_steps = result->steps;
    for (int e = result->epochs_run; e < cfg->epochs && rc == 0; e++) {
        pipe_nn_epoch_stats st = {.epoch = e + 1,
                                  .epochs = cfg->epochs,
                                  .lr = pipe_nn_schedule_lr(&sched, e),
                                  .has_val = data->n_val > 0};
        rc = train_epoch(m, opt, data, cfg, rng, &w, &st, &result->steps, err, err_size);
        if (rc != 0)
            break;
        if (st.has_val)
            evaluate(m, &w.val, cfg->metric, cfg->comm, &st.val_loss, &st.val_metric);
        double monitored = st.has_val ? st.val_loss : st.loss;
        int stop;
        pipe_nn_schedule_observe(&sched, monitored);
        int best = pipe_nn_early_stop_observe(&early, st.epoch, monitored, &stop);
        if (nn_comm_active(cfg->comm)) /* process 0 decides for all */
            stop = nn_comm_decide(cfg->comm, stop);
        if (best && keep_best)
            copy_weights(m, w.best_p, w.best_s, 0);
        result->epochs_run = st.epoch;
        if (on_epoch && on_epoch(user, &st) != 0)
            rc = nn_fail(err, err_size, "stopped at epoch %d", st.epoch);
        else if (stop)
            result->stopped_early = 1;
        if (stop || rc != 0)
            break;
        rc = nn_ckpt_after_epoch(cfg, &ckpt, st.epoch == cfg->epochs, err, err_size);
    }
    result->best_epoch = early.best_epoch;
    result->best_loss = early.best;
    if (rc == 0 && keep_best && early.best_epoch > 0 && early.best_epoch != result->epochs_run) {
        copy_weights(m, w.best_p, w.best_s, 1);
        result->restored = 1;
    }
    work_free(&w);
    pipe_nn_fpu_restore(fpu);
    return rc;
}
