/*
 * nn_stage_train.c — the training side of the stage helpers (nn_stage.h):
 * which training parameters apply together, reading them, the fit with
 * progress, the per-epoch history tensor, metrics and timings, and the
 * predictions for every row.
 */
#include "nn_stage.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Nonzero when `value` is one of the `|`-separated `values`. */
static int one_of(const char *value, const char *values)
{
    size_t n = strlen(value);
    for (const char *p = values; p; p = strchr(p, '|')) {
        p += *p == '|';
        if (strncmp(p, value, n) == 0 && (p[n] == '|' || p[n] == '\0'))
            return 1;
    }
    return 0;
}

/* "adam or adamw" from "adam|adamw". */
static void list_text(const char *values, char *buf, size_t size)
{
    size_t j = 0;
    for (const char *p = values; *p && j + 5 < size; p++) {
        if (*p == '|') {
            memcpy(buf + j, " or ", 4);
            j += 4;
        } else {
            buf[j++] = *p;
        }
    }
    buf[j] = '\0';
}

int pipe_nn_stage_check_scopes(pipe_ctx *ctx, const pipe_nn_scope *scopes, size_t n)
{
    int status = 0;
    for (size_t i = 0; i < n; i++) {
        const pipe_nn_scope *s = &scopes[i];
        const char *value = pipe_param_string(ctx, s->key);
        if (!pipe_param_given(ctx, s->param) || one_of(value, s->values))
            continue;
        char wanted[64];
        list_text(s->values, wanted, sizeof wanted);
        status = pipe_param_error(ctx, s->param, "is only used with %s: %s (%s is %s)", s->key,
                                  wanted, s->key, value);
    }
    return status;
}

static const pipe_nn_scope training_scopes[] = {
    {"optimizer", "mode", "train"},
    {"lr", "mode", "train"},
    {"momentum", "optimizer", "sgd"},
    {"beta1", "optimizer", "adam|adamw"},
    {"beta2", "optimizer", "adam|adamw"},
    {"epsilon", "optimizer", "adam|adamw"},
    {"weight_decay", "optimizer", "adamw"},
    {"schedule", "mode", "train"},
    {"lr_step", "schedule", "step"},
    {"lr_factor", "schedule", "step|plateau"},
    {"lr_patience", "schedule", "plateau"},
    {"min_lr", "schedule", "step|cosine|plateau"},
    {"batch", "mode", "train"},
    {"epochs", "mode", "train"},
    {"shuffle", "mode", "train"},
    {"patience", "mode", "train"},
    {"restore_best", "mode", "train"},
    {"checkpoint_every", "mode", "train"},
};

int pipe_nn_stage_check_training(pipe_ctx *ctx)
{
    int status = pipe_nn_stage_check_scopes(ctx, training_scopes, PIPE_COUNT(training_scopes));
    int patience = pipe_param_int(ctx, "patience") > 0;
    int plateau = strcmp(pipe_param_string(ctx, "schedule"), "plateau") == 0;
    if (pipe_param_given(ctx, "restore_best") && !patience)
        status = pipe_param_error(ctx, "restore_best",
                                  "is only used with early stopping (patience > 0)");
    if (pipe_param_given(ctx, "min_delta") && !patience && !plateau)
        status = pipe_param_error(ctx, "min_delta",
                                  "is only used with early stopping (patience > 0) or "
                                  "schedule: plateau");
    return status;
}

void pipe_nn_stage_read_training(pipe_ctx *ctx, pipe_nn_optim_config *optim, pipe_nn_fit_config *f)
{
    *optim = pipe_nn_optim_config_default(
        (pipe_nn_optim_kind)pipe_nn_optim_parse(pipe_param_string(ctx, "optimizer")));
    optim->momentum = pipe_param_float(ctx, "momentum");
    optim->beta1 = pipe_param_float(ctx, "beta1");
    optim->beta2 = pipe_param_float(ctx, "beta2");
    optim->eps = pipe_param_float(ctx, "epsilon");
    optim->weight_decay = pipe_param_float(ctx, "weight_decay");
    memset(f, 0, sizeof *f);
    f->epochs = (int)pipe_param_int(ctx, "epochs");
    f->batch = (int)pipe_param_int(ctx, "batch");
    f->shuffle = pipe_param_bool(ctx, "shuffle");
    f->schedule.kind = (pipe_nn_sched_kind)pipe_nn_sched_parse(pipe_param_string(ctx, "schedule"));
    f->schedule.lr = pipe_param_float(ctx, "lr");
    f->schedule.factor = pipe_param_float(ctx, "lr_factor");
    f->schedule.min_lr = pipe_param_float(ctx, "min_lr");
    f->schedule.min_delta = pipe_param_float(ctx, "min_delta");
    f->schedule.step = (int)pipe_param_int(ctx, "lr_step");
    f->schedule.patience = (int)pipe_param_int(ctx, "lr_patience");
    f->schedule.epochs = f->epochs;
    f->early.patience = (int)pipe_param_int(ctx, "patience");
    f->early.min_delta = pipe_param_float(ctx, "min_delta");
    f->restore_best = pipe_param_bool(ctx, "restore_best");
    f->metric = PIPE_NN_METRIC_MAE;
}

/* ------------------------------------------------------------------ */
/* The fit                                                              */
/* ------------------------------------------------------------------ */

enum { H_EPOCH, H_LOSS, H_VAL_LOSS, H_METRIC, H_VAL_METRIC, H_LR, H_COLS };

/* What the epoch callback keeps. */
typedef struct history {
    pipe_ctx *ctx;
    const char *metric; /* "mae" or "accuracy" */
    double *rows;       /* epochs × H_COLS */
} history;

static int on_epoch(void *user, const pipe_nn_epoch_stats *s)
{
    history *h = user;
    double *row = h->rows + (size_t)(s->epoch - 1) * H_COLS;
    row[H_EPOCH] = s->epoch;
    row[H_LOSS] = s->loss;
    row[H_VAL_LOSS] = s->has_val ? s->val_loss : NAN;
    row[H_METRIC] = s->metric;
    row[H_VAL_METRIC] = s->has_val ? s->val_metric : NAN;
    row[H_LR] = s->lr;
    if (s->has_val)
        pipe_progress(h->ctx, s->epoch, s->epochs, "loss %.5g  val_loss %.5g  %s %.5g  val_%s %.5g",
                      s->loss, s->val_loss, h->metric, s->metric, h->metric, s->val_metric);
    else
        pipe_progress(h->ctx, s->epoch, s->epochs, "loss %.5g  %s %.5g", s->loss, h->metric,
                      s->metric);
    return 0;
}

static int publish_history(pipe_ctx *ctx, const history *h, int epochs)
{
    if (!pipe_output_wanted(ctx, "history"))
        return 0;
    char val_metric[32];
    snprintf(val_metric, sizeof val_metric, "val_%s", h->metric);
    const char *const columns[H_COLS] = {"epoch", "loss", "val_loss", h->metric, val_metric, "lr"};
    pipe_tensor *t = pipe_tensor_new2(PIPE_F64, epochs, H_COLS);
    if (!t || pipe_tensor_set_columns(t, columns, H_COLS) != 0) {
        pipe_tensor_release(t);
        return pipe_error(ctx, "out of memory");
    }
    memcpy(t->data, h->rows, (size_t)epochs * H_COLS * sizeof *h->rows);
    return pipe_output(ctx, "history", t);
}

/* Metrics of the epoch whose weights the model ends with. */
static void report(pipe_ctx *ctx, const pipe_nn_fit_result *res, const history *h,
                   const pipe_nn_rows *d, pipe_nn_model *m, double seconds)
{
    int kept = res->restored ? res->best_epoch : res->epochs_run;
    const double *row = h->rows + (size_t)(kept - 1) * H_COLS;
    char key[40];
    pipe_metric(ctx, "loss", row[H_LOSS]);
    pipe_metric_string(ctx, "loss_name", pipe_nn_loss_name(pipe_nn_model_loss(m)->kind));
    pipe_metric_string(ctx, "loss_unit", pipe_nn_loss_unit(pipe_nn_model_loss(m)->kind));
    pipe_metric(ctx, h->metric, row[H_METRIC]);
    if (d->n_val > 0) {
        snprintf(key, sizeof key, "val_%s", h->metric);
        pipe_metric(ctx, "val_loss", row[H_VAL_LOSS]);
        pipe_metric(ctx, key, row[H_VAL_METRIC]);
    }
    pipe_metric(ctx, "epochs", res->epochs_run);
    pipe_metric(ctx, "best_epoch", res->best_epoch);
    pipe_metric(ctx, "stopped_early", res->stopped_early);
    pipe_metric(ctx, "params", (double)pipe_nn_model_param_count(m));
    pipe_metric(ctx, "rows_train", (double)d->n_train);
    pipe_metric(ctx, "rows_val", (double)d->n_val);
    int64_t steps = res->steps - res->resumed_steps; /* this run's */
    double per_step = steps ? seconds / (double)steps * 1e6 : 0;
    pipe_info(ctx, "train_seconds", seconds);
    pipe_info(ctx, "us_per_step", per_step);
    pipe_log(ctx, "%d epochs in %.2f s (%.1f us per step); loss %.5g, %s %.5g%s", res->epochs_run,
             seconds, per_step, row[H_LOSS], h->metric, row[H_METRIC],
             res->restored ? " (weights of the best epoch restored)" : "");
}

/* pipe_nn_comm's callbacks over the SDK's collectives (MPI stays in the
 * runner). */
static void comm_sum(void *ctx, double *values, size_t n)
{
    pipe_reduce_sum(ctx, values, n);
}

static void comm_broadcast(void *ctx, void *data, size_t bytes)
{
    pipe_broadcast(ctx, data, bytes);
}

int pipe_nn_stage_fit(pipe_ctx *ctx, pipe_nn_model *m, const pipe_nn_optim_config *optim,
                      const pipe_nn_fit_config *fit_in, const pipe_nn_rows *d)
{
    /* every rank holds every row: the ranks share each step's batch */
    pipe_nn_comm comm = {pipe_rank(ctx), pipe_size(ctx), ctx, comm_sum, comm_broadcast};
    pipe_nn_fit_config shared = *fit_in;
    shared.comm = &comm;
    const pipe_nn_fit_config *fit = &shared;
    history h = {ctx, fit->metric == PIPE_NN_METRIC_MAE ? "mae" : "accuracy",
                 calloc((size_t)fit->epochs * H_COLS, sizeof(double))};
    pipe_nn_optim *opt = pipe_nn_optim_new(optim, m);
    int rc = opt && h.rows ? 0 : pipe_error(ctx, "out of memory");
    pipe_nn_dataset data = {.x = d->x,
                            .y = d->y,
                            .w = d->w,
                            .train = d->train,
                            .n_train = d->n_train,
                            .val = d->val,
                            .n_val = d->n_val};
    pipe_nn_fit_result res;
    char err[512];
    double start = pipe_seconds();
    pipe_nn_stage_ckpt ckpt;
    pipe_nn_stage_ckpt_begin(ctx, &ckpt, h.rows, (size_t)fit->epochs * H_COLS);
    pipe_nn_fit_config with_ckpt = *fit;
    with_ckpt.checkpoint = &ckpt.hooks;
    if (rc == 0 && pipe_nn_fit(m, opt, &data, &with_ckpt, pipe_ctx_rng(ctx), on_epoch, &h, &res,
                               err, sizeof err) != 0)
        rc = pipe_error(ctx, "%s", err);
    if (rc == 0 && res.resumed_epoch)
        pipe_log(ctx, "resumed after epoch %d from %s", res.resumed_epoch, ckpt.path);
    pipe_nn_stage_ckpt_end(&ckpt);
    if (rc == 0) {
        report(ctx, &res, &h, d, m, pipe_seconds() - start);
        rc = publish_history(ctx, &h, res.epochs_run);
    }
    free(h.rows);
    pipe_nn_optim_free(opt);
    return rc;
}

pipe_tensor *pipe_nn_stage_predict_all(pipe_ctx *ctx, pipe_nn_model *m, const pipe_nn_rows *d)
{
    int n_out = pipe_nn_model_outputs(m);
    pipe_tensor *pred = n_out == 1 ? pipe_tensor_new1(PIPE_F64, d->rows)
                                   : pipe_tensor_new2(PIPE_F64, d->rows, n_out);
    if (!pred)
        pipe_error(ctx, "out of memory");
    else
        pipe_nn_model_predict(m, d->x, d->rows, pred->data);
    return pred;
}

int pipe_nn_stage_publish_predictions(pipe_ctx *ctx, pipe_nn_model *m, const pipe_nn_rows *d)
{
    pipe_tensor *pred = pipe_nn_stage_predict_all(ctx, m, d);
    return pred ? pipe_output(ctx, "pred", pred) : -1;
}
