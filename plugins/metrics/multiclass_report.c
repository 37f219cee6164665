/*
 * multiclass_report.c — the multi-class part of the metrics stage. Each
 * model (pred, pred2, ...: N x K tables of class probabilities, named by
 * `names` or the tensor) gets accuracy, macro and weighted F1, log loss,
 * macro ROC AUC, per class precision / recall / F1 / support / ROC AUC
 * under classes.<name>, and the confusion counts under
 * confusion.<true>.<predicted>, with scikit-learn's definitions
 * (metrics_core.h). With several models the keys start with the model's
 * name. The comparison output adds each model's params (the metric of its
 * stage in `stages`) and train_seconds and us_per_step (that stage's
 * run.json info), read with pipe_recorded. See multiclass_report.h.
 */
#include "multiclass_report.h"
#include "metrics_core.h"
#include "models.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int metrics_multiclass_check(pipe_ctx *ctx)
{
    int status = 0;
    const char *kind = pipe_param_string(ctx, "kind");
    int other = pipe_param_given(ctx, "kind") && strcmp(kind, "multiclass") != 0;
    static const char *const params[2] = {"classes", "stages"};
    for (int i = 0; i < 2; i++) /* kind windows names its classes too */
        if (other && pipe_param_given(ctx, params[i]) && (i || strcmp(kind, "windows") != 0))
            status = pipe_param_error(ctx, params[i],
                                      "is only used with kind: multiclass (kind is '%s')",
                                      pipe_param_string(ctx, "kind"));
    size_t stages = pipe_param_count(ctx, "stages");
    int n = metrics_model_count(ctx);
    if (stages && stages != (size_t)n)
        status = pipe_param_error(ctx, "stages",
                                  "has %zu stage ids for %d model%s: one per model (the stage "
                                  "that made pred, pred2, ...)",
                                  stages, n, n > 1 ? "s" : "");
    return status;
}

enum { NAME_SIZE = 32 };

const char **metrics_class_names(pipe_ctx *ctx, int64_t k)
{
    const pipe_tensor *pred = pipe_input(ctx, "pred");
    size_t given = pipe_param_count(ctx, "classes");
    if (given && given != (size_t)k) {
        pipe_param_error(ctx, "classes", "has %zu names but pred ('%s') has %lld classes (columns)",
                         given, pipe_input_name(ctx, "pred"), (long long)k);
        return NULL;
    }
    /* the pointers, then room for the class_<i> names */
    const char **names = malloc((size_t)k * (sizeof *names + NAME_SIZE));
    if (!names) {
        pipe_error(ctx, "out of memory");
        return NULL;
    }
    char *fallback = (char *)(names + k);
    for (int64_t c = 0; c < k; c++) {
        snprintf(fallback + c * NAME_SIZE, NAME_SIZE, "class_%lld", (long long)c);
        names[c] = given           ? pipe_param_string_at(ctx, "classes", (size_t)c)
                   : pred->columns ? pred->columns[c]
                                   : fallback + c * NAME_SIZE;
    }
    return names;
}

void metrics_key_part(const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s", name);
    for (char *c = buf; *c; c++)
        if (*c == '.')
            *c = '_';
}

static void report_model(pipe_ctx *ctx, const char *prefix, const pipe_metrics_multiclass *m,
                         const char *const *classes)
{
    metrics_metric(ctx, prefix, "accuracy", m->accuracy);
    metrics_metric(ctx, prefix, "macro_f1", m->macro_f1);
    metrics_metric(ctx, prefix, "weighted_f1", m->weighted_f1);
    metrics_metric(ctx, prefix, "log_loss", m->log_loss);
    if (!isnan(m->macro_roc_auc))
        metrics_metric(ctx, prefix, "macro_roc_auc", m->macro_roc_auc);
    char name[64], other[64], key[200];
    for (int64_t c = 0; c < m->k; c++) {
        const pipe_metrics_class *cl = &m->classes[c];
        metrics_key_part(classes[c], name, sizeof name);
        static const char *const fields[4] = {"precision", "recall", "f1", "support"};
        double values[4] = {cl->precision, cl->recall, cl->f1, (double)cl->support};
        for (int f = 0; f < 4; f++) {
            snprintf(key, sizeof key, "classes.%s.%s", name, fields[f]);
            metrics_metric(ctx, prefix, key, values[f]);
        }
        snprintf(key, sizeof key, "classes.%s.roc_auc", name);
        if (!isnan(cl->roc_auc))
            metrics_metric(ctx, prefix, key, cl->roc_auc);
    }
    for (int64_t t = 0; t < m->k; t++)
        for (int64_t p = 0; p < m->k; p++) {
            metrics_key_part(classes[t], name, sizeof name);
            metrics_key_part(classes[p], other, sizeof other);
            snprintf(key, sizeof key, "confusion.%s.%s", name, other);
            metrics_metric(ctx, prefix, key, (double)m->confusion[t * m->k + p]);
        }
}

static void log_table(pipe_ctx *ctx, const metrics_models *models, const pipe_metrics_multiclass *m,
                      const char *const *classes)
{
    pipe_log(ctx, "%lld rows, %lld classes:", (long long)m[0].count, (long long)m[0].k);
    pipe_log(ctx, "  %-16s %9s %9s %9s %9s %9s", "model", "accuracy", "macro F1", "wtd F1",
             "log loss", "ROC AUC");
    for (int i = 0; i < models->n; i++)
        pipe_log(ctx, "  %-16s %9.5f %9.5f %9.5f %9.5g %9.5f", models->name[i], m[i].accuracy,
                 m[i].macro_f1, m[i].weighted_f1, m[i].log_loss, m[i].macro_roc_auc);
    for (int64_t c = 0; c < m[0].k; c++)
        if (m[0].classes[c].support == 0 || m[0].classes[c].support == m[0].count)
            pipe_warn(ctx,
                      "class '%s' has %s of the %lld rows: its ROC AUC (one against the rest) and "
                      "the macro ROC AUC are undefined and left out",
                      classes[c], m[0].classes[c].support ? "all" : "none", (long long)m[0].count);
}

enum { C_ACC, C_MACRO_F1, C_WEIGHTED_F1, C_LOG_LOSS, C_AUC, C_PARAMS, C_SECONDS, C_US, C_COLS };

/* What stage `stages`[i] recorded under `key`, else NaN. */
static double recorded(pipe_ctx *ctx, int i, const char *key)
{
    double v;
    if (pipe_param_count(ctx, "stages") == 0)
        return NAN;
    return pipe_recorded(ctx, pipe_param_string_at(ctx, "stages", (size_t)i), key, &v) ? v : NAN;
}

/* Every stage of `stages` must have recorded its model's params. */
static int check_stages(pipe_ctx *ctx, int n)
{
    const pipe_value *list = pipe_param_value(ctx, "stages");
    for (int i = 0; i < n && pipe_param_count(ctx, "stages"); i++) {
        if (!isnan(recorded(ctx, i, "params")))
            continue;
        const char *id = pipe_param_string_at(ctx, "stages", (size_t)i);
        const char *msg = "stage '%s' recorded no 'params' metric before this stage: expected "
                          "the id of the model stage that made %s";
        if (list && list->kind == PIPE_VALUE_LIST && (size_t)i < list->count)
            return pipe_value_error(ctx, "stages", &list->items[i], msg, id, metrics_pred_port(i));
        return pipe_param_error(ctx, "stages", msg, id, metrics_pred_port(i));
    }
    return 0;
}

static int publish_comparison(pipe_ctx *ctx, const pipe_metrics_multiclass *m, int n)
{
    static const char *const columns[C_COLS] = {"accuracy",      "macro_f1",   "weighted_f1",
                                                "log_loss",      "roc_auc",    "params",
                                                "train_seconds", "us_per_step"};
    double values[METRICS_MAX_MODELS * C_COLS], *row = values;
    for (int i = 0; i < n; i++, row += C_COLS) {
        row[C_ACC] = m[i].accuracy;
        row[C_MACRO_F1] = m[i].macro_f1;
        row[C_WEIGHTED_F1] = m[i].weighted_f1;
        row[C_LOG_LOSS] = m[i].log_loss;
        row[C_AUC] = m[i].macro_roc_auc;
        row[C_PARAMS] = recorded(ctx, i, "params");
        row[C_SECONDS] = recorded(ctx, i, "train_seconds");
        row[C_US] = recorded(ctx, i, "us_per_step");
    }
    return metrics_publish_comparison(ctx, columns, C_COLS, values, n);
}

int metrics_multiclass_report(pipe_ctx *ctx, const metrics_rows *rows, const char *const *classes)
{
    metrics_models models;
    metrics_models_init(ctx, rows, &models);
    pipe_metrics_multiclass m[METRICS_MAX_MODELS] = {{0}};
    char err[256];
    int rc = check_stages(ctx, models.n);
    for (int i = 0; rc == 0 && i < models.n; i++)
        if (pipe_metrics_multiclass_eval(models.pred[i], rows->truth, rows->n, rows->k, &m[i], err,
                                         sizeof err) != 0)
            rc = models.n > 1 ? pipe_error(ctx, "%s: %s", models.name[i], err)
                              : pipe_error(ctx, "%s", err);
    if (rc == 0) {
        pipe_metric(ctx, "count", (double)rows->n);
        pipe_metric(ctx, "n_classes", (double)rows->k);
        for (int i = 0; i < models.n; i++)
            report_model(ctx, models.prefix[i], &m[i], classes);
        log_table(ctx, &models, m, classes);
        if (pipe_output_wanted(ctx, "comparison"))
            rc = publish_comparison(ctx, m, models.n);
    }
    for (int i = 0; i < models.n; i++)
        pipe_metrics_multiclass_free(&m[i]);
    return rc;
}
