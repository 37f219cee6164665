/*
 * weights.c — the `split` stage's event weights (output "weight"): a
 * weight column of the table carried beside the split (parameter
 * "weight"), optionally made flat in two variables per class (parameter
 * "reweight": flat, pipe_reweight of reweight.h), for the training
 * stages, metrics and plotter to use row by row.
 */
#include "reweight.h"
#include "split_weights.h"
#include "table/table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Column `column` of the table (malloc'd), or NULL after an error
 * reported against parameter `param`. */
static double *column_values(pipe_ctx *ctx, const char *param, const char *column)
{
    const pipe_tensor *table = pipe_input(ctx, "table");
    char err[1024];
    if (!pipe_table_is_table(table)) {
        pipe_param_error(ctx, param, "needs an f64 table with column names, found a %s tensor",
                         pipe_dtype_name(table->dtype));
        return NULL;
    }
    int64_t col = pipe_table_find(table, column, err, sizeof err), n = table->shape[0];
    if (col < 0) {
        pipe_param_error(ctx, param, "%s", err);
        return NULL;
    }
    double *v = malloc((size_t)(n + 1) * sizeof *v);
    for (int64_t r = 0; v && r < n; r++)
        v[r] = ((const double *)table->data)[r * table->shape[1] + col];
    if (!v)
        pipe_error(ctx, "out of memory");
    return v;
}

/* The starting weights: the "weight" column (finite), or NULL for 1. */
static int base_weights(pipe_ctx *ctx, int64_t n, double **w)
{
    const char *column = pipe_param_string(ctx, "weight");
    *w = NULL;
    if (!column[0])
        return 0;
    if (!(*w = column_values(ctx, "weight", column)))
        return -1;
    for (int64_t r = 0; r < n; r++)
        if (!isfinite((*w)[r]))
            return pipe_param_error(ctx, "weight", "column '%s' is %g in row %lld", column, (*w)[r],
                                    (long long)r);
    return 0;
}

/* Flat reweighting of the starting weights w (NULL: 1) into out. */
static int flatten(pipe_ctx *ctx, const double *labels, const double *w, int64_t n, double *out)
{
    double *uv[2] = {NULL, NULL};
    int bins[2], rc = 0;
    char err[512];
    for (int k = 0; k < 2 && rc == 0; k++) {
        bins[k] = (int)pipe_param_int_at(ctx, "reweight_bins", (size_t)k);
        uv[k] = column_values(ctx, "reweight_columns",
                              pipe_param_string_at(ctx, "reweight_columns", (size_t)k));
        rc = uv[k] ? 0 : -1;
    }
    if (rc == 0 && pipe_reweight_flat(uv[0], uv[1], labels, w, n, bins, out, err, sizeof err) != 0)
        rc = pipe_param_error(ctx, "reweight", "%s", err);
    free(uv[0]);
    free(uv[1]);
    return rc;
}

int split_check_weights(pipe_ctx *ctx)
{
    int flat = strcmp(pipe_param_string(ctx, "reweight"), "flat") == 0, status = 0;
    if (flat && pipe_param_count(ctx, "reweight_columns") != 2)
        status = pipe_param_error(ctx, "reweight_columns",
                                  "needs two columns (e.g. [pt1, eta1]), "
                                  "found %zu",
                                  pipe_param_count(ctx, "reweight_columns"));
    if (flat && pipe_param_count(ctx, "reweight_bins") != 2)
        status = pipe_param_error(ctx, "reweight_bins", "needs two bin counts, found %zu",
                                  pipe_param_count(ctx, "reweight_bins"));
    if ((flat || pipe_param_string(ctx, "weight")[0]) && !pipe_output_wanted(ctx, "weight"))
        status = pipe_error(ctx, "weight and reweight make the output 'weight': map it");
    return status;
}

int split_publish_weights(pipe_ctx *ctx, const double *labels, int64_t n)
{
    if (!pipe_output_wanted(ctx, "weight"))
        return 0;
    double *w;
    if (base_weights(ctx, n, &w) != 0) {
        free(w);
        return -1;
    }
    pipe_tensor *t = pipe_tensor_new1(PIPE_F64, n);
    int rc = t ? 0 : pipe_error(ctx, "out of memory");
    double *out = t ? t->data : NULL, sum = 0;
    if (rc == 0 && strcmp(pipe_param_string(ctx, "reweight"), "flat") == 0)
        rc = flatten(ctx, labels, w, n, out);
    else
        for (int64_t r = 0; rc == 0 && r < n; r++)
            out[r] = w ? w[r] : 1;
    for (int64_t r = 0; rc == 0 && r < n; r++)
        sum += out[r];
    free(w);
    if (rc != 0) {
        pipe_tensor_release(t);
        return -1;
    }
    pipe_metric(ctx, "weights.sum", sum);
    return pipe_output(ctx, "weight", t);
}
