/*
 * regress.c — the regression part of the metrics stage. Each model (pred,
 * pred2, ...; named by `names` or its tensor) gets MAE, MSE, RMSE, R^2,
 * the median absolute error, percentiles of the relative error and, with
 * the mass input, the MAE per mass bin. With one model the keys are bare
 * (mae, mass_bins.80-100.mae); with several they start with the model's
 * name (dnn.mae), and the comparison output has one row per model (mae,
 * rmse, r2, median_ae). The models, their names and the comparison output
 * are models.c's, shared with classification. See regress.h.
 */
#include "regress.h"
#include "metrics_core.h"
#include "models.h"

#include <stdio.h>
#include <stdlib.h>

double *metrics_read_edges(pipe_ctx *ctx, size_t *n)
{
    *n = pipe_param_count(ctx, "bins");
    double *edges = malloc((*n + 1) * sizeof *edges);
    for (size_t i = 0; edges && i < *n; i++)
        edges[i] = pipe_param_float_at(ctx, "bins", i);
    char err[256] = "out of memory";
    if (!edges || pipe_metrics_check_edges(edges, *n, err, sizeof err) != 0) {
        free(edges);
        pipe_param_error(ctx, "bins", "%s", err);
        return NULL;
    }
    return edges;
}

void metrics_edge_key(double edge, char *buf, size_t size)
{
    snprintf(buf, size, "%g", edge);
    for (char *c = buf; *c; c++)
        if (*c == '.')
            *c = 'p';
}

/* The MAE per mass bin of one model's predictions. */
static int report_bins(pipe_ctx *ctx, const metrics_rows *rows, const double *pred,
                       const char *name, const char *prefix)
{
    size_t n_edges;
    double *edges = metrics_read_edges(ctx, &n_edges);
    pipe_metrics_bin *bins = edges ? calloc(n_edges, sizeof *bins) : NULL;
    if (!bins) {
        free(edges);
        return edges ? pipe_error(ctx, "out of memory") : -1;
    }
    pipe_metrics_bins(pred, rows->truth, rows->mass, rows->n, edges, n_edges, bins);
    for (size_t b = 0; b + 1 < n_edges; b++) {
        char lo[32], hi[32], key[96];
        metrics_edge_key(bins[b].lo, lo, sizeof lo);
        metrics_edge_key(bins[b].hi, hi, sizeof hi);
        snprintf(key, sizeof key, "mass_bins.%s-%s.count", lo, hi);
        metrics_metric(ctx, prefix, key, (double)bins[b].count);
        if (bins[b].count == 0)
            continue;
        snprintf(key, sizeof key, "mass_bins.%s-%s.mae", lo, hi);
        metrics_metric(ctx, prefix, key, bins[b].mae);
        pipe_log(ctx, "%s%smass [%g, %g%s: %lld rows, MAE %.4g", name, name[0] ? ": " : "",
                 bins[b].lo, bins[b].hi, b + 2 == n_edges ? "]" : ")", (long long)bins[b].count,
                 bins[b].mae);
        if (bins[b].count < PIPE_FEW_ROWS)
            pipe_warn(ctx,
                      "%s%smass bin [%g, %g%s has only %lld row%s (fewer than %d): its MAE "
                      "is not reliable",
                      name, name[0] ? ": " : "", bins[b].lo, bins[b].hi,
                      b + 2 == n_edges ? "]" : ")", (long long)bins[b].count,
                      bins[b].count == 1 ? "" : "s", PIPE_FEW_ROWS);
    }
    free(bins);
    free(edges);
    return 0;
}

static void report_model(pipe_ctx *ctx, const pipe_metrics_regression *m, const char *name,
                         const char *prefix)
{
    metrics_metric(ctx, prefix, "mae", m->mae);
    metrics_metric(ctx, prefix, "mse", m->mse);
    metrics_metric(ctx, prefix, "rmse", m->rmse);
    metrics_metric(ctx, prefix, "r2", m->r2);
    metrics_metric(ctx, prefix, "median_ae", m->median_ae);
    if (m->rel_count > 0) {
        metrics_metric(ctx, prefix, "rel_err.p50", m->rel_p50);
        metrics_metric(ctx, prefix, "rel_err.p90", m->rel_p90);
        metrics_metric(ctx, prefix, "rel_err.p99", m->rel_p99);
    }
    pipe_log(ctx,
             "%s%s%lld rows: MAE %.6g, RMSE %.6g, R2 %.6f, median AE %.4g, relative error "
             "p50 %.3g p90 %.3g p99 %.3g",
             name, name[0] ? ": " : "", (long long)m->count, m->mae, m->rmse, m->r2, m->median_ae,
             m->rel_p50, m->rel_p90, m->rel_p99);
    if (m->count < PIPE_FEW_ROWS)
        pipe_warn(ctx,
                  "%s%sonly %lld row%s evaluated (fewer than %d): these figures are not "
                  "reliable",
                  name, name[0] ? ": " : "", (long long)m->count, m->count == 1 ? "" : "s",
                  PIPE_FEW_ROWS);
}

enum { C_MAE, C_RMSE, C_R2, C_MEDIAN_AE, C_COLS };

int metrics_regress_report(pipe_ctx *ctx, const metrics_rows *rows)
{
    static const char *const columns[C_COLS] = {"mae", "rmse", "r2", "median_ae"};
    metrics_models models;
    metrics_models_init(ctx, rows, &models);
    pipe_metrics_regression m[METRICS_MAX_MODELS];
    double table[METRICS_MAX_MODELS * C_COLS];
    char err[256];
    for (int i = 0; i < models.n; i++) {
        if (pipe_metrics_regress(models.pred[i], rows->truth, rows->n, &m[i], err, sizeof err))
            return models.n > 1 ? pipe_error(ctx, "%s: %s", models.name[i], err)
                                : pipe_error(ctx, "%s", err);
        double *row = table + i * C_COLS;
        row[C_MAE] = m[i].mae;
        row[C_RMSE] = m[i].rmse;
        row[C_R2] = m[i].r2;
        row[C_MEDIAN_AE] = m[i].median_ae;
    }
    pipe_metric(ctx, "count", (double)rows->n);
    for (int i = 0; i < models.n; i++) {
        const char *name = models.n > 1 ? models.name[i] : "";
        report_model(ctx, &m[i], name, models.prefix[i]);
        if (rows->mass && report_bins(ctx, rows, models.pred[i], name, models.prefix[i]) != 0)
            return -1;
    }
    if (m[0].rel_count < m[0].count)
        pipe_warn(ctx, "%lld rows with a true value of 0 are left out of the relative errors",
                  (long long)(m[0].count - m[0].rel_count));
    if (pipe_output_wanted(ctx, "comparison"))
        return metrics_publish_comparison(ctx, columns, C_COLS, table, models.n);
    return 0;
}
