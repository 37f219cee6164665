/*
 * window_report.c — kind: windows of the metrics stage (see
 * window_report.h): the predicted class of every row (pred as class
 * indices, or the argmax of its probability columns), counted inside the
 * windows of the mass input by pipe_metrics_window_counts (windows.c).
 */
#include "window_report.h"
#include "multiclass_report.h"
#include "regress.h"
#include "windows.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int metrics_is_windows(const pipe_ctx *ctx)
{
    return strcmp(pipe_param_string(ctx, "kind"), "windows") == 0;
}

/* The inputs kind windows does not read. */
static int check_unused_inputs(pipe_ctx *ctx)
{
    static const char *const unused[] = {"true", "split", "pred2", "pred3", "pred4"};
    int status = 0;
    for (size_t i = 0; i < sizeof unused / sizeof *unused; i++)
        if (pipe_input_name(ctx, unused[i]))
            status = pipe_error(ctx,
                                "input '%s' is not used with kind: windows (it counts the "
                                "predicted classes of every row of pred)",
                                unused[i]);
    return status;
}

int metrics_windows_check(pipe_ctx *ctx)
{
    if (!metrics_is_windows(ctx)) {
        int status = 0;
        if (pipe_param_given(ctx, "windows"))
            status = pipe_param_error(ctx, "windows", "is only used with kind: windows");
        if (!pipe_input_name(ctx, "true"))
            status = pipe_error(ctx, "input 'true' is needed (only kind: windows goes without)");
        return status;
    }
    size_t n = pipe_param_count(ctx, "windows");
    double *bounds = malloc((n ? n : 1) * sizeof *bounds);
    if (!bounds)
        return pipe_error(ctx, "out of memory");
    for (size_t i = 0; i < n; i++)
        bounds[i] = pipe_param_float_at(ctx, "windows", i);
    char err[160];
    int status = pipe_metrics_check_windows(bounds, n, err, sizeof err) == 0
                     ? 0
                     : pipe_param_error(ctx, "windows", "%s", err);
    free(bounds);
    if (!pipe_input_name(ctx, "mass"))
        status = pipe_error(ctx, "kind: windows needs the mass input (the column the windows "
                                 "are cut in)");
    return check_unused_inputs(ctx) || status ? -1 : 0;
}

/* The predicted class of every row: pred itself (rank 1 or N x 1), or
 * the first largest column of an N x K table. *k: K, or (for classes) the
 * `classes` count, else the largest class + 1. NULL after a reported
 * error. */
static double *predicted_classes(pipe_ctx *ctx, const pipe_tensor *pred, int64_t *n, int64_t *k)
{
    int table = pred->rank == 2 && pred->shape[1] >= 2;
    *n = pred->rank == 0 ? 1 : pred->shape[0];
    int64_t cols = table ? pred->shape[1] : 1;
    double *cls = malloc((size_t)(*n ? *n : 1) * sizeof *cls);
    if (!cls || (!table && pipe_tensor_count(pred) != *n)) {
        free(cls);
        if (cls)
            pipe_error(ctx,
                       "input pred ('%s') must be class indices (rank 1) or an N x K table "
                       "of class probabilities",
                       pipe_input_name(ctx, "pred"));
        else
            pipe_error(ctx, "out of memory");
        return NULL;
    }
    double top = 0;
    for (int64_t r = 0; r < *n; r++) {
        int64_t arg = 0;
        for (int64_t j = 1; j < cols; j++)
            arg = pipe_tensor_get(pred, r * cols + j) > pipe_tensor_get(pred, r * cols + arg) ? j
                                                                                              : arg;
        cls[r] = table ? (double)arg : pipe_tensor_get(pred, r);
        top = cls[r] > top ? cls[r] : top;
    }
    size_t given = pipe_param_count(ctx, "classes");
    *k = table ? cols : given ? (int64_t)given : (int64_t)top + 1;
    return cls;
}

/* The mass of every row (rank 1 or N x 1, n values). NULL after a
 * reported error. */
static double *mass_column(pipe_ctx *ctx, int64_t n)
{
    const pipe_tensor *mass = pipe_input(ctx, "mass");
    int shape_ok =
        (mass->rank == 1 || (mass->rank == 2 && mass->shape[1] == 1)) && mass->shape[0] == n;
    if (!shape_ok) {
        pipe_error(ctx,
                   "input mass ('%s') must hold one value per row of pred (%lld), rank 1 or "
                   "N x 1",
                   pipe_input_name(ctx, "mass"), (long long)n);
        return NULL;
    }
    double *v = malloc((size_t)(n ? n : 1) * sizeof *v);
    if (!v) {
        pipe_error(ctx, "out of memory");
        return NULL;
    }
    for (int64_t r = 0; r < n; r++)
        v[r] = pipe_tensor_get(mass, r);
    return v;
}

/* The metrics of window w (counts: its k class counts). */
static void report_window(pipe_ctx *ctx, double lo, double hi, const int64_t *counts, int64_t k,
                          const char *const *classes)
{
    char a[32], b[32], name[64], key[200];
    metrics_edge_key(lo, a, sizeof a);
    metrics_edge_key(hi, b, sizeof b);
    int64_t total = 0;
    for (int64_t c = 0; c < k; c++)
        total += counts[c];
    snprintf(key, sizeof key, "windows.%s-%s.count", a, b);
    pipe_metric(ctx, key, (double)total);
    for (int64_t c = 0; c < k; c++) {
        metrics_key_part(classes[c], name, sizeof name);
        snprintf(key, sizeof key, "windows.%s-%s.%s.count", a, b, name);
        pipe_metric(ctx, key, (double)counts[c]);
        if (total == 0)
            continue;
        snprintf(key, sizeof key, "windows.%s-%s.%s.fraction", a, b, name);
        pipe_metric(ctx, key, (double)counts[c] / (double)total);
    }
    pipe_log(ctx, "[%g, %g]: %lld rows", lo, hi, (long long)total);
}

int metrics_windows_report(pipe_ctx *ctx)
{
    int64_t n = 0, k = 1;
    double *cls = predicted_classes(ctx, pipe_input(ctx, "pred"), &n, &k);
    double *mass = cls ? mass_column(ctx, n) : NULL;
    const char **classes = mass ? metrics_class_names(ctx, k) : NULL;
    size_t n_bounds = pipe_param_count(ctx, "windows"), windows = n_bounds / 2;
    double *bounds = malloc(n_bounds * sizeof *bounds);
    int64_t *counts = malloc(windows * (size_t)k * sizeof *counts);
    int rc = classes ? 0 : -1;
    if (rc == 0 && (!bounds || !counts))
        rc = pipe_error(ctx, "out of memory");
    char err[160];
    for (size_t i = 0; rc == 0 && i < n_bounds; i++)
        bounds[i] = pipe_param_float_at(ctx, "windows", i);
    if (rc == 0 &&
        pipe_metrics_window_counts(mass, cls, n, bounds, n_bounds, k, counts, err, sizeof err) != 0)
        rc = pipe_error(ctx, "input pred ('%s'): %s", pipe_input_name(ctx, "pred"), err);
    if (rc == 0) {
        pipe_metric(ctx, "count", (double)n);
        for (size_t w = 0; w < windows; w++)
            report_window(ctx, bounds[2 * w], bounds[2 * w + 1], counts + w * (size_t)k, k,
                          classes);
    }
    free(counts);
    free(bounds);
    free(classes);
    free(mass);
    free(cls);
    return rc;
}
