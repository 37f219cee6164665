/*
 * rows.c — gathering the evaluated rows of the metrics stage from its
 * inputs (pred, true, optional split, mass and more scores) and writing
 * them as the predictions CSV. See rows.h.
 */
#include "rows.h"
#include "metrics_core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *metrics_pred_port(int i)
{
    static const char *const ports[METRICS_MAX_MODELS] = {"pred", "pred2", "pred3", "pred4"};
    return ports[i];
}

/* The part code of the `part` parameter, or -1 for all. */
static int chosen_part(const pipe_ctx *ctx)
{
    return pipe_part_parse(pipe_param_string(ctx, "part"));
}

metrics_kind metrics_kind_of(pipe_ctx *ctx)
{
    const char *kind = pipe_param_string(ctx, "kind");
    if (!pipe_param_given(ctx, "kind")) {
        const pipe_tensor *pred = pipe_input(ctx, "pred");
        return pred && pred->rank == 2 && pred->shape[1] >= 2 ? METRICS_MULTICLASS
                                                              : METRICS_REGRESSION;
    }
    return strcmp(kind, "multiclass") == 0       ? METRICS_MULTICLASS
           : strcmp(kind, "classification") == 0 ? METRICS_CLASSIFICATION
                                                 : METRICS_REGRESSION;
}

/* Model input `port` of kind multiclass must be an N x k table (k >= 2),
 * with k the columns of pred. */
static int check_table(pipe_ctx *ctx, const char *port, const pipe_tensor *t, int64_t n, int64_t k)
{
    if (t->rank != 2 || t->shape[1] < 2)
        return pipe_error(ctx,
                          "input %s ('%s') must be an N x K table of class probabilities (K >= "
                          "2) for kind: multiclass, found rank %d with %lld column%s",
                          port, pipe_input_name(ctx, port), t->rank, (long long)pipe_tensor_cols(t),
                          pipe_tensor_cols(t) == 1 ? "" : "s");
    if (t->shape[1] != k)
        return pipe_error(ctx, "input %s ('%s') has %lld classes (columns), pred has %lld", port,
                          pipe_input_name(ctx, port), (long long)t->shape[1], (long long)k);
    if (t->shape[0] != n)
        return pipe_error(ctx, "input %s ('%s') has %lld rows, pred has %lld", port,
                          pipe_input_name(ctx, port), (long long)t->shape[0], (long long)n);
    return 0;
}

/* Input `port` must be rank 1 or N x 1 with n rows. */
static int check_vector(pipe_ctx *ctx, const char *port, const pipe_tensor *t, int64_t n)
{
    if (t->rank > 2 || (t->rank == 2 && t->shape[1] != 1))
        return pipe_error(ctx,
                          "input %s ('%s') must be rank 1 or N x 1, found rank %d with "
                          "%lld columns",
                          port, pipe_input_name(ctx, port), t->rank,
                          (long long)pipe_tensor_cols(t));
    if (t->shape[0] != n)
        return pipe_error(ctx, "input %s ('%s') has %lld rows, pred has %lld", port,
                          pipe_input_name(ctx, port), (long long)t->shape[0], (long long)n);
    return 0;
}

/* The rows to keep: a malloc'd mask, or NULL for all rows (*failed set
 * after a reported error). */
static uint8_t *select_rows(pipe_ctx *ctx, int64_t n, int *failed)
{
    const pipe_tensor *split = pipe_input(ctx, "split");
    int part = chosen_part(ctx);
    *failed = 0;
    if (!split) /* all rows (a part given without a split fails metrics_check) */
        return NULL;
    if (check_vector(ctx, "split", split, n) != 0) {
        *failed = 1;
        return NULL;
    }
    if (part < 0)
        return NULL;
    uint8_t *keep = malloc((size_t)n + 1);
    for (int64_t i = 0; keep && i < n; i++)
        keep[i] = pipe_tensor_get(split, i) == part;
    if (!keep)
        *failed = pipe_error(ctx, "out of memory");
    return keep;
}

/* Copy the `width` values of each kept row of `t` into a new array; NaN
 * is an error. */
static double *gather(pipe_ctx *ctx, const char *port, const pipe_tensor *t, const uint8_t *keep,
                      int64_t kept, int64_t width)
{
    double *values = malloc((size_t)(kept * width + 1) * sizeof *values);
    if (!values) {
        pipe_error(ctx, "out of memory");
        return NULL;
    }
    for (int64_t i = 0, k = 0; i < t->shape[0]; i++) {
        if (keep && !keep[i])
            continue;
        for (int64_t c = 0; c < width; c++, k++) {
            values[k] = pipe_tensor_get(t, i * width + c);
            if (isnan(values[k]) && strcmp(port, "mass") != 0) {
                pipe_error(ctx, "input %s ('%s') is NaN at row %lld", port,
                           pipe_input_name(ctx, port), (long long)i);
                free(values);
                return NULL;
            }
        }
    }
    return values;
}

/* Model input `port` must hold n rows of k values. */
static int check_model(pipe_ctx *ctx, const char *port, const pipe_tensor *t, int64_t n, int64_t k)
{
    return k > 1 ? check_table(ctx, port, t, n, k) : check_vector(ctx, port, t, n);
}

int metrics_rows_gather(pipe_ctx *ctx, metrics_kind kind, metrics_rows *rows)
{
    *rows = (metrics_rows){0};
    const pipe_tensor *pred = pipe_input(ctx, "pred"), *truth = pipe_input(ctx, "true");
    const pipe_tensor *mass = pipe_input(ctx, "mass"), *weight = pipe_input(ctx, "weight");
    int64_t n = pred->shape[0];
    int64_t k = kind == METRICS_MULTICLASS ? (pred->rank == 2 ? pred->shape[1] : 0) : 1;
    if (kind == METRICS_MULTICLASS && k < 2)
        return check_table(ctx, "pred", pred, n, 2);
    if (check_model(ctx, "pred", pred, n, k) || check_vector(ctx, "true", truth, n) ||
        (mass && check_vector(ctx, "mass", mass, n)) ||
        (weight && check_vector(ctx, "weight", weight, n)))
        return -1;
    for (int i = 1; i < METRICS_MAX_MODELS; i++) {
        const pipe_tensor *more = pipe_input(ctx, metrics_pred_port(i));
        if (more && check_model(ctx, metrics_pred_port(i), more, n, k))
            return -1;
    }
    int failed;
    uint8_t *keep = select_rows(ctx, n, &failed);
    if (failed)
        return -1;
    rows->n = n;
    rows->k = k;
    if (keep) {
        rows->n = 0;
        for (int64_t i = 0; i < n; i++)
            rows->n += keep[i];
    }
    rows->pred = gather(ctx, "pred", pred, keep, rows->n, k);
    rows->truth = rows->pred ? gather(ctx, "true", truth, keep, rows->n, 1) : NULL;
    rows->mass = mass && rows->truth ? gather(ctx, "mass", mass, keep, rows->n, 1) : NULL;
    rows->weight = weight && rows->truth ? gather(ctx, "weight", weight, keep, rows->n, 1) : NULL;
    int failed_more = 0;
    for (int i = 1; i < METRICS_MAX_MODELS && !failed_more && rows->truth; i++) {
        const pipe_tensor *more = pipe_input(ctx, metrics_pred_port(i));
        rows->more[i - 1] = more ? gather(ctx, metrics_pred_port(i), more, keep, rows->n, k) : NULL;
        failed_more = more && !rows->more[i - 1];
    }
    free(keep);
    if (!rows->pred || !rows->truth || (mass && !rows->mass) || (weight && !rows->weight) ||
        failed_more) {
        metrics_rows_free(rows);
        return -1;
    }
    return 0;
}

void metrics_rows_free(metrics_rows *rows)
{
    free(rows->pred);
    free(rows->truth);
    free(rows->mass);
    free(rows->weight);
    for (int i = 0; i < METRICS_MAX_MODELS - 1; i++)
        free(rows->more[i]);
    *rows = (metrics_rows){0};
}

/* The multi-class CSV: true, predicted, one column per class. */
static void write_classes(FILE *out, const metrics_rows *rows, const char *const *classes)
{
    fprintf(out, "true,predicted");
    for (int64_t c = 0; c < rows->k; c++)
        fprintf(out, ",%s", classes[c]);
    fputc('\n', out);
    for (int64_t i = 0; i < rows->n; i++) {
        const double *p = rows->pred + i * rows->k;
        fprintf(out, "%.10g,%lld", rows->truth[i], (long long)pipe_metrics_argmax(p, rows->k));
        for (int64_t c = 0; c < rows->k; c++)
            fprintf(out, ",%.10g", p[c]);
        fputc('\n', out);
    }
}

int metrics_rows_write(pipe_ctx *ctx, const metrics_rows *rows, const char *const *classes,
                       const char *name)
{
    pipe_file *file = pipe_file_open(ctx, name);
    if (!file)
        return -1;
    FILE *out = pipe_file_stream(file);
    if (rows->k > 1) {
        write_classes(out, rows, classes);
        return pipe_file_commit(ctx, file);
    }
    fprintf(out, "true,pred,abs_error\n");
    for (int64_t i = 0; i < rows->n; i++)
        fprintf(out, "%.10g,%.10g,%.10g\n", rows->truth[i], rows->pred[i],
                fabs(rows->pred[i] - rows->truth[i]));
    return pipe_file_commit(ctx, file);
}
