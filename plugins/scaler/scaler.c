/*
 * scaler.c — fitting and applying standard and min-max scalings of table
 * columns. See scaler.h.
 */
#include "scaler.h"
#include "table/table.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pipe_scaler_is_constant(double var, double mean, int64_t n)
{
    double bound = (double)n * DBL_EPSILON * var + pow((double)n * mean * DBL_EPSILON, 2);
    return var <= bound;
}

/* The largest finite |value| of a column over the used rows, or 0. */
static double column_magnitude(const pipe_tensor *t, int64_t col, const uint8_t *use)
{
    const double *data = t->data;
    int64_t rows = t->shape[0], width = t->shape[1];
    double m = 0;
    for (int64_t r = 0; r < rows; r++) {
        double v = fabs(data[r * width + col]);
        if ((!use || use[r]) && isfinite(v) && v > m)
            m = v;
    }
    return m;
}

/* Mean and scale (population std, or 1 for a constant column) of column
 * `col` over the used rows, NaN left out, in two passes. When the sums
 * overflow for finite values (1e308 + 1e308), the values are divided by
 * their largest magnitude s first: mean = s * mean(v / s), std =
 * s * std(v / s), which cannot overflow (a population std is at most s);
 * the constant test is scale-free. Returns the number of values. */
static int64_t column_moments(const pipe_tensor *t, int64_t col, const uint8_t *use, double *mean,
                              double *scale)
{
    const double *data = t->data;
    int64_t rows = t->shape[0], width = t->shape[1];
    double s = 1;
    for (;;) {
        int64_t n = 0;
        double sum = 0, squares = 0;
        for (int64_t r = 0; r < rows; r++) {
            double v = data[r * width + col];
            if ((!use || use[r]) && !isnan(v)) {
                sum += s == 1 ? v : v / s;
                n++;
            }
        }
        double m = n ? sum / (double)n : NAN;
        for (int64_t r = 0; r < rows; r++) {
            double v = data[r * width + col];
            double d = (s == 1 ? v : v / s) - m;
            if ((!use || use[r]) && !isnan(v))
                squares += d * d;
        }
        double var = n ? squares / (double)n : NAN;
        if (s == 1 && n && (isinf(sum) || isinf(squares)) && column_magnitude(t, col, use) > 1) {
            s = column_magnitude(t, col, use); /* again, divided by the magnitude */
            continue;
        }
        *mean = s * m;
        *scale = n && pipe_scaler_is_constant(var, m, n) ? 1.0 : s * sqrt(var);
        return n;
    }
}

/* Minimum and maximum of a column over the used rows, NaN left out.
 * Returns the number of values. */
static int64_t column_extremes(const pipe_tensor *t, int64_t col, const uint8_t *use, double *lo,
                               double *hi)
{
    const double *data = t->data;
    int64_t rows = t->shape[0], width = t->shape[1], n = 0;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int64_t r = 0; r < rows; r++) {
        double v = data[r * width + col];
        if ((!use || use[r]) && !isnan(v)) {
            *lo = v < *lo ? v : *lo;
            *hi = v > *hi ? v : *hi;
            n++;
        }
    }
    return n;
}

pipe_tensor *pipe_scaler_fit(const pipe_tensor *table, const int64_t *cols, int64_t n_cols,
                             const uint8_t *use, pipe_scaler_method method, char *err,
                             size_t err_size)
{
    const char **names = calloc((size_t)n_cols + 1, sizeof *names);
    for (int64_t c = 0; names && c < n_cols; c++)
        names[c] = table->columns[cols[c]];
    pipe_tensor *scaling = names ? pipe_table_new(2, n_cols, names, NULL) : NULL;
    free(names);
    if (!scaling) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    double *first = scaling->data, *second = first + n_cols;
    for (int64_t c = 0; c < n_cols; c++) {
        int64_t n;
        if (method == PIPE_SCALER_STANDARD) {
            n = column_moments(table, cols[c], use, &first[c], &second[c]);
        } else {
            n = column_extremes(table, cols[c], use, &first[c], &second[c]);
        }
        if (n == 0) {
            snprintf(err, err_size, "column '%s' has no value to fit on (%s)",
                     table->columns[cols[c]],
                     use ? "no training row, or NaN on every one" : "NaN on every row");
            pipe_tensor_release(scaling);
            return NULL;
        }
    }
    return scaling;
}

void pipe_scaler_column_transform(const double *scaling, int64_t n_cols, int64_t c,
                                  pipe_scaler_method method, double *offset, double *divisor,
                                  double *half)
{
    *offset = scaling[c];
    double second = scaling[n_cols + c];
    *divisor = method == PIPE_SCALER_STANDARD ? second : second - scaling[c];
    *half = method == PIPE_SCALER_STANDARD ? 0.5 * second : 0.5 * second - 0.5 * scaling[c];
    if (fabs(*divisor) < 10 * DBL_EPSILON)
        *divisor = *half = 1.0;
}

/* (x - offset) / divisor without overflow: when x - offset (or the
 * divisor) overflows for finite operands, the halves are used instead. */
static double scale_value(double x, double offset, double divisor, double half)
{
    double d = x - offset;
    if (isfinite(x) && isfinite(offset) && (isinf(d) || (isinf(divisor) && isfinite(half))))
        return (0.5 * x - 0.5 * offset) / half;
    return d / divisor;
}

pipe_tensor *pipe_scaler_apply(const pipe_tensor *table, const pipe_tensor *scaling,
                               pipe_scaler_method method, char *err, size_t err_size)
{
    if (!pipe_table_is_table(scaling) || scaling->shape[0] != 2) {
        snprintf(err, err_size,
                 "expected a scaling table of 2 rows (%s) with column names, "
                 "found a %s tensor of rank %d with %lld rows",
                 method == PIPE_SCALER_STANDARD ? "mean, std" : "min, max",
                 pipe_dtype_name(scaling->dtype), scaling->rank, (long long)scaling->shape[0]);
        return NULL;
    }
    int64_t n_cols = scaling->shape[1], rows = table->shape[0], width = table->shape[1];
    int64_t *cols = malloc((size_t)(n_cols + 1) * sizeof *cols);
    pipe_tensor *out = NULL;
    if (!cols)
        snprintf(err, err_size, "out of memory");
    else if (pipe_table_find_all(table, (const char *const *)scaling->columns, (size_t)n_cols, cols,
                                 err, err_size) == 0) {
        out = pipe_table_new(rows, width, (const char *const *)table->columns, table->data);
        if (!out)
            snprintf(err, err_size, "out of memory");
    }
    for (int64_t c = 0; out && c < n_cols; c++) {
        double offset, divisor, half;
        pipe_scaler_column_transform(scaling->data, n_cols, c, method, &offset, &divisor, &half);
        double *data = out->data;
        for (int64_t r = 0; r < rows; r++)
            data[r * width + cols[c]] =
                scale_value(data[r * width + cols[c]], offset, divisor, half);
    }
    free(cols);
    return out;
}
