/*
 * cls_data.c — train mode's rows: the features of x, the train and val
 * rows of the split and the checks of non-finite values and of the
 * scaler input (the core's stage helpers, nn_stage.h), plus what only a
 * classifier has: the classes of input y, 0 or 1 on every row used, and
 * the class weight of every row; with head: multiclass, the labels
 * 0..K-1 made into targets and weights by the core's multi-class head.
 */
#include "classifier.h"
#include "table/table.h"

#include <stdlib.h>
#include <string.h>

void cls_data_free(cls_data *d)
{
    pipe_nn_rows_free(&d->r);
    pipe_nn_classes_free(&d->classes);
    free(d->label);
    memset(d, 0, sizeof *d);
}

int cls_data_keep_column(pipe_ctx *ctx, cls_data *d, int col)
{
    pipe_nn_rows *r = &d->r;
    pipe_nn_real *x = malloc((size_t)(r->rows + 1) * sizeof *x);
    char **names = r->features ? calloc(2, sizeof *names) : NULL;
    if (!x || (r->features && !names) || (names && !(names[0] = strdup(r->features[col])))) {
        free(x);
        free(names);
        return pipe_error(ctx, "out of memory");
    }
    for (int64_t i = 0; i < r->rows; i++)
        x[i] = r->x[i * r->n_in + col];
    pipe_nn_names_free(r->features, r->features ? (size_t)r->n_in : 0);
    free(r->x);
    r->x = x;
    r->features = names;
    r->n_in = 1;
    return 0;
}

/* The classes from input y into d->label. */
static int read_labels(pipe_ctx *ctx, cls_data *d)
{
    const pipe_tensor *y = pipe_input(ctx, "y");
    const char *name = pipe_input_name(ctx, "y");
    int64_t n;
    if (!y)
        return pipe_error(ctx,
                          "mode: train needs the true classes: map the y input (inputs: {y: ...})");
    if (!(d->label = pipe_table_vector_values(y, &n)))
        return pipe_error(ctx,
                          "the label y '%s' must be rank 1 or N x 1, found rank %d with %lld "
                          "columns",
                          name, y->rank, (long long)pipe_tensor_cols(y));
    if (n != d->r.rows)
        return pipe_error(ctx, "the label y '%s' has %lld rows, x '%s' has %lld", name,
                          (long long)n, pipe_input_name(ctx, "x"), (long long)d->r.rows);
    return 0;
}

/* Every used row's class is 0 or 1. */
static int check_labels(pipe_ctx *ctx, const cls_data *d, const int64_t *rows, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        if (d->label[rows[i]] != 0 && d->label[rows[i]] != 1)
            return pipe_error(ctx, "the label y '%s' is %g at row %lld: expected 0 or 1",
                              pipe_input_name(ctx, "y"), d->label[rows[i]], (long long)rows[i]);
    return 0;
}

/* The class as the core's target and the class weight of every row (1
 * on rows that neither train nor validate). */
static int weigh_rows(pipe_ctx *ctx, cls_data *d)
{
    pipe_nn_rows *r = &d->r;
    int balanced;
    char err[256];
    if (cls_read_class_weight(ctx, d->class_weight, &balanced) != 0)
        return -1;
    if (balanced && pipe_cls_balanced_weights(d->label, r->train, r->n_train, d->class_weight, err,
                                              sizeof err) != 0)
        return pipe_param_error(ctx, cls_class_weight_param(ctx), "%s", err);
    r->n_out = 1;
    r->y = malloc((size_t)(r->rows + 1) * sizeof *r->y);
    r->w = malloc((size_t)(r->rows + 1) * sizeof *r->w);
    if (!r->y || !r->w)
        return pipe_error(ctx, "out of memory");
    for (int64_t i = 0; i < r->rows; i++) {
        int known = d->label[i] == 0 || d->label[i] == 1;
        r->y[i] = (pipe_nn_real)(d->label[i] == 1);
        r->w[i] = (pipe_nn_real)(known ? d->class_weight[d->label[i] == 1] : 1);
    }
    return 0;
}

/* head: multiclass: the labels as the core's one label column, then its
 * one-hot targets and class weights (nn_stage_classes.c). */
static int class_targets(pipe_ctx *ctx, cls_data *d)
{
    pipe_nn_rows *r = &d->r;
    r->n_out = 1;
    r->y = malloc((size_t)(r->rows + 1) * sizeof *r->y);
    if (!r->y)
        return pipe_error(ctx, "out of memory");
    for (int64_t i = 0; i < r->rows; i++)
        r->y[i] = (pipe_nn_real)d->label[i];
    return pipe_nn_stage_class_targets(ctx, r, &d->classes);
}

int cls_data_read(pipe_ctx *ctx, cls_data *d)
{
    const pipe_tensor *x = pipe_input(ctx, "x");
    size_t n;
    const char **names = pipe_nn_stage_names(ctx, "features", &n);
    if (!names && n == 0)
        return -1;
    int rc = pipe_nn_stage_features(ctx, x, names, n, "features", &d->r);
    free(names);
    if (rc != 0 || read_labels(ctx, d) != 0 || pipe_nn_stage_split(ctx, &d->r) != 0)
        return -1;
    if (cls_is_multiclass(ctx)) {
        if (class_targets(ctx, d) != 0 || pipe_nn_stage_check_finite(ctx, &d->r) != 0 ||
            pipe_nn_stage_check_scaler(ctx, x, &d->r) != 0)
            return -1;
    } else if (check_labels(ctx, d, d->r.train, d->r.n_train) != 0 ||
               check_labels(ctx, d, d->r.val, d->r.n_val) != 0 ||
               pipe_nn_stage_check_finite(ctx, &d->r) != 0 ||
               pipe_nn_stage_check_scaler(ctx, x, &d->r) != 0 || weigh_rows(ctx, d) != 0) {
        return -1;
    }
    /* Only the network's loss is a weighted sum; Newton's method (logistic,
     * cut) needs weights >= 0, and so does a majority by weight. */
    cls_kind kind = (cls_kind)cls_kind_parse(pipe_param_string(ctx, "kind"));
    return pipe_nn_stage_row_weights(
        ctx, &d->r,
        kind == CLS_NETWORK ? NULL
                            : "negative weights are only allowed with kind: network (logistic "
                              "and cut fit by Newton's method, which needs weights >= 0)");
}
