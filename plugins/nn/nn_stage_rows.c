/*
 * nn_stage_rows.c — input tensors into rows for the core (nn_stage.h):
 * the feature matrix (columns chosen by name, converted to the core's
 * real type), the train and val rows of the split, non-finite values in
 * used rows, and the check that the scaler input was made with the
 * declared method.
 */
#include "nn_stage.h"
#include "table/table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void pipe_nn_rows_free(pipe_nn_rows *d)
{
    free(d->x);
    free(d->y);
    free(d->w);
    free(d->train);
    free(d->val);
    pipe_nn_names_free(d->features, d->features ? (size_t)d->n_in : 0);
    memset(d, 0, sizeof *d);
}

int pipe_nn_stage_check_feature_names(pipe_ctx *ctx)
{
    size_t n = pipe_param_count(ctx, "features");
    if (n == 1 && strcmp(pipe_param_string_at(ctx, "features", 0), "all") == 0)
        return 0;
    return pipe_check_column_param(ctx, "x", "features");
}

const char **pipe_nn_stage_names(pipe_ctx *ctx, const char *param, size_t *n)
{
    *n = pipe_param_count(ctx, param);
    if (*n == 1 && strcmp(pipe_param_string_at(ctx, param, 0), "all") == 0)
        return NULL;
    if (*n == 0) {
        pipe_param_error(ctx, param, "lists no column (write all for every column)");
        return NULL;
    }
    const char **names = calloc(*n + 1, sizeof *names);
    for (size_t i = 0; names && i < *n; i++)
        names[i] = pipe_param_string_at(ctx, param, i);
    if (!names) {
        *n = 0;
        pipe_error(ctx, "out of memory");
    }
    return names;
}

/* Element (r, c) of a rank-2 float tensor. */
static double at(const pipe_tensor *t, int64_t r, int64_t c)
{
    int64_t i = r * t->shape[1] + c;
    return t->dtype == PIPE_F64 ? ((const double *)t->data)[i] : ((const float *)t->data)[i];
}

/* Column indexes of x for `names`, or all columns. NULL after a reported
 * error. */
static int64_t *feature_columns(pipe_ctx *ctx, const pipe_tensor *x, const char *const *names,
                                size_t n, const char *param)
{
    size_t count = names ? n : (size_t)x->shape[1];
    int64_t *cols = malloc((count ? count : 1) * sizeof *cols);
    if (!cols) {
        pipe_error(ctx, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        char err[1024];
        cols[i] = names ? pipe_table_find(x, names[i], err, sizeof err) : (int64_t)i;
        if (cols[i] < 0) {
            pipe_param_error(ctx, param, "%s (in x '%s')", err, pipe_input_name(ctx, "x"));
            free(cols);
            return NULL;
        }
    }
    return cols;
}

int pipe_nn_stage_features(pipe_ctx *ctx, const pipe_tensor *x, const char *const *names, size_t n,
                           const char *param, pipe_nn_rows *d)
{
    int64_t *cols = feature_columns(ctx, x, names, n, param);
    if (!cols)
        return -1;
    d->rows = x->shape[0];
    d->n_in = (int)(names ? n : (size_t)x->shape[1]);
    d->x = malloc((size_t)(d->rows * d->n_in + 1) * sizeof *d->x);
    if (x->columns)
        d->features = calloc((size_t)d->n_in + 1, sizeof *d->features);
    int ok = d->x && (!x->columns || d->features);
    for (int j = 0; ok && x->columns && j < d->n_in; j++)
        ok = (d->features[j] = strdup(x->columns[cols[j]])) != NULL;
    for (int64_t r = 0; ok && r < d->rows; r++)
        for (int j = 0; j < d->n_in; j++)
            d->x[r * d->n_in + j] = (pipe_nn_real)at(x, r, cols[j]);
    free(cols);
    return ok ? 0 : pipe_error(ctx, "out of memory");
}

int pipe_nn_stage_split(pipe_ctx *ctx, pipe_nn_rows *d)
{
    const pipe_tensor *split = pipe_input(ctx, "split");
    d->train = malloc((size_t)(d->rows + 1) * sizeof *d->train);
    d->val = malloc((size_t)(d->rows + 1) * sizeof *d->val);
    d->n_train = d->n_val = 0;
    if (!d->train || !d->val)
        return pipe_error(ctx, "out of memory");
    if (split && split->shape[0] != d->rows)
        return pipe_error(ctx, "the split '%s' has %lld rows, x '%s' has %lld",
                          pipe_input_name(ctx, "split"), (long long)split->shape[0],
                          pipe_input_name(ctx, "x"), (long long)d->rows);
    const uint8_t *part = split ? split->data : NULL;
    for (int64_t r = 0; r < d->rows; r++) {
        if (part && part[r] > PIPE_PART_TEST)
            return pipe_error(ctx,
                              "the split '%s' has value %d at row %lld (expected 0 train, "
                              "1 val or 2 test)",
                              pipe_input_name(ctx, "split"), part[r], (long long)r);
        if (!part || part[r] == PIPE_PART_TRAIN)
            d->train[d->n_train++] = r;
        else if (part[r] == PIPE_PART_VAL)
            d->val[d->n_val++] = r;
    }
    if (d->n_train == 0)
        return pipe_error(ctx, "the split '%s' has no training rows",
                          pipe_input_name(ctx, "split"));
    if (!split)
        pipe_log(ctx, "no split input: training on all %lld rows, without validation",
                 (long long)d->rows);
    return 0;
}

/* The first non-finite value of rows[0..n), reported. */
static int check_rows(pipe_ctx *ctx, const pipe_nn_rows *d, const int64_t *rows, int64_t n)
{
    for (int64_t i = 0; i < n; i++) {
        int64_t r = rows[i];
        for (int j = 0; j < d->n_in; j++)
            if (!isfinite(d->x[r * d->n_in + j]))
                return pipe_error(ctx,
                                  "x '%s' has a non-finite value (%g) in row %lld, "
                                  "column '%s': drop or fill such rows first (cleaner)",
                                  pipe_input_name(ctx, "x"), (double)d->x[r * d->n_in + j],
                                  (long long)r, d->features ? d->features[j] : "?");
        for (int j = 0; d->y && j < d->n_out; j++)
            if (!isfinite(d->y[r * d->n_out + j]))
                return pipe_error(ctx,
                                  "the target y '%s' has a non-finite value (%g) in row "
                                  "%lld: drop such rows first (cleaner)",
                                  pipe_input_name(ctx, "y"), (double)d->y[r * d->n_out + j],
                                  (long long)r);
    }
    return 0;
}

int pipe_nn_stage_check_finite(pipe_ctx *ctx, const pipe_nn_rows *d)
{
    if (check_rows(ctx, d, d->train, d->n_train) != 0)
        return -1;
    return check_rows(ctx, d, d->val, d->n_val);
}

/* Mean, min and max of column c of x over `rows` (all rows when NULL). */
static void column_stats(const pipe_tensor *x, int64_t c, const int64_t *rows, int64_t n,
                         double *mean, double *lo, double *hi)
{
    double sum = 0;
    int64_t count = 0;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int64_t i = 0; i < n; i++) {
        double v = at(x, rows ? rows[i] : i, c);
        if (!isfinite(v))
            continue;
        sum += v;
        count++;
        *lo = fmin(*lo, v);
        *hi = fmax(*hi, v);
    }
    *mean = count ? sum / (double)count : 0;
}

/* Does column c look scaled by `method` over these rows? */
static int looks_scaled(const pipe_tensor *x, int64_t c, const int64_t *rows, int64_t n, int minmax,
                        double *shown)
{
    const double tol = 1e-6;
    double mean, lo, hi;
    column_stats(x, c, rows, n, &mean, &lo, &hi);
    *shown = minmax ? lo : mean;
    if (!minmax)
        return fabs(mean) < tol;
    return (fabs(lo) < tol && fabs(hi - 1) < tol) || (lo == 0 && hi == 0);
}

int pipe_nn_stage_check_scaler(pipe_ctx *ctx, const pipe_tensor *x, const pipe_nn_rows *d)
{
    const pipe_tensor *scaler = pipe_input(ctx, "scaler");
    const char *method = pipe_param_string(ctx, "scaler_method");
    if (!scaler) {
        if (pipe_param_given(ctx, "scaler_method"))
            return pipe_param_error(ctx, "scaler_method",
                                    "is only used with the scaler input (map inputs: "
                                    "{scaler: ...})");
        return 0;
    }
    if (!scaler->columns || scaler->shape[0] != 2)
        return pipe_error(ctx,
                          "the scaler input '%s' must be the scaler stage's params output "
                          "(2 rows, named columns)",
                          pipe_input_name(ctx, "scaler"));
    int minmax = strcmp(method, "minmax") == 0;
    for (int64_t k = 0; x->columns && k < scaler->shape[1]; k++) {
        int64_t c = pipe_tensor_column(x, scaler->columns[k]);
        double on_train, on_all;
        if (c < 0 || looks_scaled(x, c, d->train, d->n_train, minmax, &on_train) ||
            looks_scaled(x, c, NULL, x->shape[0], minmax, &on_all))
            continue;
        return pipe_param_error(ctx, "scaler_method",
                                "is %s, but column '%s' of x '%s' has %s %g over the training "
                                "rows (%g over all rows), not %s: set scaler_method to the "
                                "method of the scaler stage that made '%s'",
                                method, scaler->columns[k], pipe_input_name(ctx, "x"),
                                minmax ? "minimum" : "mean", on_train, on_all,
                                minmax ? "0 with maximum 1" : "0", pipe_input_name(ctx, "scaler"));
    }
    return 0;
}

int pipe_nn_stage_target(pipe_ctx *ctx, int images, pipe_nn_rows *d)
{
    const pipe_tensor *y = pipe_input(ctx, "y");
    const char *target = pipe_param_string(ctx, "target"), *name = pipe_input_name(ctx, "y");
    int64_t col = -1;
    char err[1024];
    if (!y)
        return pipe_error(ctx, "mode: train needs the target: map the y input (inputs: {y: ...})");
    if (y->rank > 2 || y->shape[0] != d->rows)
        return pipe_error(ctx,
                          "the target y '%s' must have one row per %s of x (%lld%s), found "
                          "shape %lld x %lld",
                          name, images ? "image" : "row", (long long)d->rows, images ? "" : " rows",
                          (long long)y->shape[0], (long long)pipe_tensor_cols(y));
    if (target[0] && (col = pipe_table_find(y, target, err, sizeof err)) < 0)
        return pipe_param_error(ctx, "target", "%s (in y '%s')", err, name);
    if (!target[0] && y->columns && y->shape[1] > 1)
        return pipe_param_error(ctx, "target",
                                "y '%s' is a table of %lld columns: name the column to predict",
                                name, (long long)y->shape[1]);
    d->n_out = col >= 0 ? 1 : (int)pipe_tensor_cols(y);
    d->y = malloc((size_t)(d->rows * d->n_out + 1) * sizeof *d->y);
    if (!d->y)
        return pipe_error(ctx, "out of memory");
    int64_t stride = pipe_tensor_cols(y);
    for (int64_t r = 0; r < d->rows; r++)
        for (int j = 0; j < d->n_out; j++)
            d->y[r * d->n_out + j] =
                (pipe_nn_real)pipe_tensor_get(y, r * stride + (col >= 0 ? col : j));
    return 0;
}
