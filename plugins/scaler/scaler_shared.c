/*
 * scaler_shared.c — fitting a scaling on a table whose rows are shared
 * out among the processes of a run (MPI ranks), bit for bit as one
 * process fits it: the sums of the two-pass moments are a fold over the
 * processes in order (each continues the running sums of the one before
 * with its own rows, in row order: the additions of one process, in the
 * same order), min, max and the largest magnitude are maxima, the counts
 * exact sums. The callbacks of a pipe_scaler_comm (the SDK's
 * pipe_fold_ranks and pipe_reduce_max) carry them. See scaler.h.
 */
#include "scaler.h"
#include "table/table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* One pass over this process's rows, continuing sums[2c] (count) and
 * sums[2c + 1] (sum of the values divided by s[c], or with `mean`, of
 * their squared deviations from mean[c]) of each column, NaN left out. */
typedef struct pass {
    const pipe_tensor *t;
    const int64_t *cols;
    int64_t n_cols;
    const uint8_t *use;
    const double *mean, *s;
} pass;

static void continue_sums(void *user, double *sums)
{
    const pass *p = user;
    const double *data = p->t->data;
    int64_t rows = p->t->shape[0], width = p->t->shape[1];
    for (int64_t c = 0; c < p->n_cols; c++) {
        double n = sums[2 * c], sum = sums[2 * c + 1], s = p->s[c];
        for (int64_t r = 0; r < rows; r++) {
            double v = data[r * width + p->cols[c]];
            if ((!p->use || p->use[r]) && !isnan(v)) {
                double x = s == 1 ? v : v / s;
                if (p->mean) {
                    double d = x - p->mean[c];
                    sum += d * d;
                } else
                    sum += x;
                n++;
            }
        }
        sums[2 * c] = n;
        sums[2 * c + 1] = sum;
    }
}

/* out[3c] = largest finite |v|, out[3c + 1] = max v, out[3c + 2] = -min v
 * over this process's used rows. */
static void local_extremes(const pipe_tensor *t, const int64_t *cols, int64_t n_cols,
                           const uint8_t *use, double *out)
{
    const double *data = t->data;
    int64_t rows = t->shape[0], width = t->shape[1];
    for (int64_t c = 0; c < n_cols; c++) {
        double m = 0, hi = -INFINITY, lo = INFINITY;
        for (int64_t r = 0; r < rows; r++) {
            double v = data[r * width + cols[c]];
            if ((use && !use[r]) || isnan(v))
                continue;
            m = isfinite(v) && fabs(v) > m ? fabs(v) : m;
            hi = v > hi ? v : hi;
            lo = v < lo ? v : lo;
        }
        out[3 * c] = m;
        out[3 * c + 1] = hi;
        out[3 * c + 2] = -lo;
    }
}

/* A fold of one pass from zero sums. */
static void fold_pass(const pipe_scaler_comm *comm, pass *p, double *sums)
{
    for (int64_t i = 0; i < 2 * p->n_cols; i++)
        sums[i] = 0;
    comm->fold(comm->user, sums, (size_t)(2 * p->n_cols), continue_sums, p);
}

/* Standard scaling: mean, then deviations, each column again divided by
 * its largest magnitude when its sums overflow (as one process does). */
static void shared_moments(pass *p, const pipe_scaler_comm *comm, const double *ext, double *first,
                           double *second, double *count)
{
    int64_t n_cols = p->n_cols;
    double *s = malloc((size_t)n_cols * sizeof *s), *m = malloc((size_t)n_cols * sizeof *m);
    double *sums = malloc((size_t)(2 * n_cols) * sizeof *sums);
    double *dev = malloc((size_t)(2 * n_cols) * sizeof *dev);
    if (!s || !m || !sums || !dev)
        abort(); /* the other processes are in the fold: no way back */
    for (int64_t c = 0; c < n_cols; c++)
        s[c] = 1;
    p->s = s;
    for (int again = 0; again < 2; again++) {
        p->mean = NULL;
        fold_pass(comm, p, sums);
        for (int64_t c = 0; c < n_cols; c++)
            m[c] = sums[2 * c] > 0 ? sums[2 * c + 1] / sums[2 * c] : NAN;
        p->mean = m;
        fold_pass(comm, p, dev);
        int rescue = 0; /* the same on every process: the sums are */
        for (int64_t c = 0; c < n_cols; c++)
            if (!again && sums[2 * c] > 0 && (isinf(sums[2 * c + 1]) || isinf(dev[2 * c + 1])) &&
                ext[3 * c] > 1) {
                s[c] = ext[3 * c];
                rescue = 1;
            }
        if (!rescue)
            break;
    }
    for (int64_t c = 0; c < n_cols; c++) {
        double n = sums[2 * c], var = n > 0 ? dev[2 * c + 1] / n : NAN;
        count[c] = n;
        first[c] = s[c] * m[c];
        second[c] =
            n > 0 && pipe_scaler_is_constant(var, m[c], (int64_t)n) ? 1.0 : s[c] * sqrt(var);
    }
    free(s);
    free(m);
    free(sums);
    free(dev);
}

pipe_tensor *pipe_scaler_fit_shared(const pipe_tensor *table, const int64_t *cols, int64_t n_cols,
                                    const uint8_t *use, pipe_scaler_method method,
                                    const pipe_scaler_comm *comm, char *err, size_t err_size)
{
    const char **names = calloc((size_t)n_cols + 1, sizeof *names);
    double *ext = malloc((size_t)(3 * n_cols + 1) * sizeof *ext);
    double *count = malloc((size_t)(n_cols + 1) * sizeof *count);
    for (int64_t c = 0; names && c < n_cols; c++)
        names[c] = table->columns[cols[c]];
    pipe_tensor *scaling = names ? pipe_table_new(2, n_cols, names, NULL) : NULL;
    free(names);
    if (!scaling || !ext || !count)
        abort(); /* the other processes are about to reduce: no way back */
    local_extremes(table, cols, n_cols, use, ext);
    comm->max(comm->user, ext, (size_t)(3 * n_cols));
    double *first = scaling->data, *second = first + n_cols;
    pass p = {table, cols, n_cols, use, NULL, NULL};
    if (method == PIPE_SCALER_STANDARD)
        shared_moments(&p, comm, ext, first, second, count);
    else {
        double *sums = malloc((size_t)(2 * n_cols + 1) * sizeof *sums);
        double *ones = malloc((size_t)(n_cols + 1) * sizeof *ones);
        if (!sums || !ones)
            abort();
        for (int64_t c = 0; c < n_cols; c++)
            ones[c] = 1;
        p.s = ones;
        fold_pass(comm, &p, sums); /* only the counts are used */
        for (int64_t c = 0; c < n_cols; c++) {
            count[c] = sums[2 * c];
            first[c] = -ext[3 * c + 2];
            second[c] = ext[3 * c + 1];
        }
        free(sums);
        free(ones);
    }
    free(ext);
    int64_t empty = -1;
    for (int64_t c = n_cols - 1; c >= 0; c--)
        empty = count[c] == 0 ? c : empty;
    free(count);
    if (empty < 0)
        return scaling;
    snprintf(err, err_size, "column '%s' has no value to fit on (%s)", table->columns[cols[empty]],
             use ? "no training row, or NaN on every one" : "NaN on every row");
    pipe_tensor_release(scaling);
    return NULL;
}
