/*
 * nn_stage_classes.c — the multi-class head of the network stages (dnn,
 * cnn; see nn_stage.h): integer labels 0..K−1 into smoothed one-hot
 * targets and class-weighted rows, the softmax output layer, the
 * probability table and argmax outputs, and the class names kept in the
 * model file. Written once for every stage that has `head: multiclass`.
 */
#include "nn_stage.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pipe_nn_classes_free(pipe_nn_classes *c)
{
    pipe_nn_names_free(c->names, (size_t)c->k);
    memset(c, 0, sizeof *c);
}

/* c->names from parameter "classes", or class_0 .. class_{k−1}. */
static int name_classes(pipe_ctx *ctx, int k, pipe_nn_classes *c)
{
    size_t given = pipe_param_count(ctx, "classes");
    c->names = calloc((size_t)k, sizeof *c->names);
    if (!c->names)
        return pipe_error(ctx, "out of memory");
    c->k = k;
    for (int j = 0; j < k; j++) {
        char fallback[32];
        snprintf(fallback, sizeof fallback, "class_%d", j);
        c->names[j] = strdup(given ? pipe_param_string_at(ctx, "classes", (size_t)j) : fallback);
        if (!c->names[j])
            return pipe_error(ctx, "out of memory");
    }
    return 0;
}

/* The label of row r (d->y holds one column), or -1 after a reported
 * error: a whole number in [0, k) (k < 0: any whole number >= 0). */
static int label_of(pipe_ctx *ctx, const pipe_nn_rows *d, int64_t r, int k)
{
    double v = d->y[r];
    if (isfinite(v) && v == floor(v) && v >= 0 && (k < 0 || v < k) && v < 1 << 20)
        return (int)v;
    if (k < 0)
        return pipe_error(ctx,
                          "head: multiclass needs labels 0, 1, ..., K-1; y '%s' is %g in row %lld",
                          pipe_input_name(ctx, "y"), v, (long long)r);
    return pipe_error(ctx,
                      "head: multiclass with %d classes needs labels 0 to %d; y '%s' is %g in row "
                      "%lld",
                      k, k - 1, pipe_input_name(ctx, "y"), v, (long long)r);
}

/* Row weights from parameter "class_weights" over the training rows'
 * labels: `balanced` (n_train / (K · n_k), scikit-learn's), or one
 * weight per class. NULL weights (all 1) when the list is empty. */
static int weigh_rows(pipe_ctx *ctx, pipe_nn_rows *d, const int *labels, int k)
{
    size_t given = pipe_param_count(ctx, "class_weights");
    if (given == 0)
        return 0;
    double *wk = calloc((size_t)k, sizeof *wk);
    d->w = malloc((size_t)d->rows * sizeof *d->w);
    if (!wk || !d->w) {
        free(wk);
        return pipe_error(ctx, "out of memory");
    }
    int rc = 0;
    if (given == 1 && strcmp(pipe_param_string_at(ctx, "class_weights", 0), "balanced") == 0) {
        int64_t *count = calloc((size_t)k, sizeof *count);
        if (!count) {
            free(wk);
            return pipe_error(ctx, "out of memory");
        }
        for (int64_t i = 0; i < d->n_train; i++)
            count[labels[d->train[i]]]++;
        for (int j = 0; j < k; j++)
            wk[j] = count[j] ? (double)d->n_train / ((double)k * (double)count[j]) : 0;
        free(count);
    } else if (given != (size_t)k) {
        rc = pipe_param_error(ctx, "class_weights",
                              "expected balanced or one weight per class (%d), found %zu values", k,
                              given);
    } else {
        for (int j = 0; j < k && rc == 0; j++) {
            const char *text = pipe_param_string_at(ctx, "class_weights", (size_t)j);
            char *end;
            wk[j] = strtod(text, &end);
            if (end == text || *end || !(wk[j] >= 0) || !isfinite(wk[j]))
                rc = pipe_param_error(ctx, "class_weights",
                                      "weight %d must be a number >= 0 (or the list: balanced), "
                                      "found %s",
                                      j + 1, text);
        }
    }
    for (int64_t r = 0; r < d->rows && rc == 0; r++)
        d->w[r] = (pipe_nn_real)wk[labels[r]];
    free(wk);
    return rc;
}

/* The labels of d->y checked into labels (d->rows), and c named. */
static int read_labels(pipe_ctx *ctx, const pipe_nn_rows *d, pipe_nn_classes *c, int *labels)
{
    int given = (int)pipe_param_count(ctx, "classes"), k = given ? given : -1;
    int rc = 0, top = 0;
    for (int64_t r = 0; r < d->rows && rc == 0; r++) {
        labels[r] = label_of(ctx, d, r, k);
        rc = labels[r] < 0 ? -1 : 0;
        top = labels[r] > top ? labels[r] : top;
    }
    if (rc == 0 && k < 0 && top < 1)
        rc = pipe_error(ctx, "head: multiclass needs at least 2 classes; y '%s' holds only 0",
                        pipe_input_name(ctx, "y"));
    if (rc == 0)
        rc = name_classes(ctx, k < 0 ? top + 1 : k, c);
    return rc;
}

int pipe_nn_stage_class_labels(pipe_ctx *ctx, pipe_nn_rows *d, pipe_nn_classes *c)
{
    memset(c, 0, sizeof *c);
    if (d->n_out != 1)
        return pipe_error(ctx, "head: multiclass needs one label column; y '%s' has %d",
                          pipe_input_name(ctx, "y"), d->n_out);
    int *labels = malloc((size_t)d->rows * sizeof *labels);
    if (!labels)
        return pipe_error(ctx, "out of memory");
    int rc = read_labels(ctx, d, c, labels);
    if (rc == 0)
        rc = weigh_rows(ctx, d, labels, c->k);
    free(labels);
    return rc;
}

int pipe_nn_stage_class_targets(pipe_ctx *ctx, pipe_nn_rows *d, pipe_nn_classes *c)
{
    int rc = pipe_nn_stage_class_labels(ctx, d, c);
    pipe_nn_real *onehot = rc == 0 ? malloc((size_t)d->rows * c->k * sizeof *onehot) : NULL;
    if (rc == 0 && !onehot)
        rc = pipe_error(ctx, "out of memory");
    if (rc == 0) {
        double eps = pipe_param_float(ctx, "label_smoothing");
        for (int64_t r = 0; r < d->rows; r++)
            for (int j = 0; j < c->k; j++)
                onehot[r * c->k + j] =
                    (pipe_nn_real)((j == (int)d->y[r] ? 1 - eps : 0) + eps / c->k);
        free(d->y);
        d->y = onehot;
        d->n_out = c->k;
    }
    return rc;
}

int pipe_nn_stage_publish_classes(pipe_ctx *ctx, pipe_nn_model *m, const pipe_nn_rows *d,
                                  const pipe_nn_classes *c)
{
    pipe_tensor *proba = pipe_nn_stage_predict_all(ctx, m, d);
    return proba ? pipe_nn_stage_publish_proba(ctx, proba, c) : -1;
}

int pipe_nn_stage_publish_proba(pipe_ctx *ctx, pipe_tensor *proba, const pipe_nn_classes *c)
{
    int64_t rows = proba->shape[0];
    if (proba->rank != 2 || proba->shape[1] != c->k) {
        pipe_tensor_release(proba);
        return pipe_error(ctx, "the model gives %lld outputs per row for %d classes",
                          (long long)(proba->rank == 2 ? proba->shape[1] : 1), c->k);
    }
    pipe_tensor *predicted = pipe_tensor_new1(PIPE_F64, rows);
    if (!predicted || pipe_tensor_set_columns(proba, (const char *const *)c->names, c->k) != 0) {
        pipe_tensor_release(proba);
        pipe_tensor_release(predicted);
        return pipe_error(ctx, "out of memory");
    }
    const double *p = proba->data;
    double *best = predicted->data;
    for (int64_t r = 0; r < rows; r++) {
        int arg = 0;
        for (int j = 1; j < c->k; j++)
            arg = p[r * c->k + j] > p[r * c->k + arg] ? j : arg;
        best[r] = arg;
    }
    int rc = 0;
    if (pipe_output_wanted(ctx, "proba"))
        rc = pipe_output(ctx, "proba", proba);
    else
        pipe_tensor_release(proba);
    if (rc == 0 && pipe_output_wanted(ctx, "predicted"))
        rc = pipe_output(ctx, "predicted", predicted);
    else
        pipe_tensor_release(predicted);
    return rc;
}

pipe_nn_layer_spec pipe_nn_stage_softmax_head(void)
{
    return pipe_nn_layer_spec_default(PIPE_NN_SOFTMAX);
}

int pipe_nn_stage_save_classes(pipe_ctx *ctx, pipe_nn_model *m, const pipe_nn_rows *d,
                               const char *name, const pipe_nn_st_meta *meta, size_t n_meta,
                               const pipe_nn_classes *c, const int *image_chw)
{
    char *classes =
        c->k ? pipe_nn_names_to_json((const char *const *)c->names, (size_t)c->k) : NULL;
    pipe_nn_st_meta *all = calloc(n_meta + 1, sizeof *all);
    if (!all || (c->k && !classes)) {
        free(classes);
        free(all);
        return pipe_error(ctx, "out of memory");
    }
    memcpy(all, meta, n_meta * sizeof *all);
    all[n_meta] = (pipe_nn_st_meta){"classes", classes};
    size_t n_all = n_meta + (classes != NULL);
    int rc = name[0] ? pipe_nn_stage_save(ctx, m, d, name, all, n_all) : 0;
    pipe_nn_export e = {
        .image_chw = image_chw, .multiclass = c->k > 0, .meta = all, .n_meta = n_all};
    if (rc == 0)
        rc = pipe_nn_stage_export(ctx, m, d, &e);
    free(classes);
    free(all);
    return rc;
}

int pipe_nn_stage_saved_classes(pipe_ctx *ctx, const pipe_nn_st_file *file, const pipe_nn_model *m,
                                pipe_nn_classes *c)
{
    memset(c, 0, sizeof *c);
    const char *text = pipe_nn_st_meta_get(file, "classes");
    size_t n = 0;
    char **names = text ? pipe_nn_names_from_json(text, &n) : NULL;
    int outputs = pipe_nn_model_outputs(m);
    if (!names || (int)n != outputs) {
        pipe_nn_names_free(names, n);
        return pipe_param_error(ctx, "model",
                                "is not a multiclass model: its metadata has no list of %d "
                                "class names (\"classes\")",
                                outputs);
    }
    c->names = names;
    c->k = (int)n;
    return 0;
}

int pipe_nn_stage_predict_outputs(pipe_ctx *ctx, const pipe_nn_st_file *file, pipe_nn_model *m,
                                  const pipe_nn_rows *d)
{
    const char *head = pipe_nn_st_meta_get(file, "head");
    int multi = head && strcmp(head, "multiclass") == 0;
    pipe_nn_classes classes = {0};
    int rc = pipe_nn_stage_check_head_ports(ctx, multi);
    if (rc == 0 && multi)
        rc = pipe_nn_stage_saved_classes(ctx, file, m, &classes);
    double start = pipe_seconds();
    if (rc == 0)
        rc = multi ? pipe_nn_stage_publish_classes(ctx, m, d, &classes)
                   : pipe_nn_stage_publish_predictions(ctx, m, d);
    if (rc == 0 && !multi)
        rc = pipe_nn_stage_publish_saved_threshold(ctx, file);
    double seconds = pipe_seconds() - start;
    if (rc == 0) {
        pipe_metric(ctx, "rows", (double)d->rows);
        pipe_metric(ctx, "params", (double)pipe_nn_model_param_count(m));
        pipe_info(ctx, "predict_seconds", seconds);
    }
    pipe_nn_classes_free(&classes);
    return rc;
}

int pipe_nn_stage_check_head_ports(pipe_ctx *ctx, int multiclass)
{
    if (multiclass && pipe_output_wanted(ctx, "pred"))
        return pipe_error(ctx, "a multiclass model publishes outputs proba and predicted, not "
                               "pred (it is mapped)");
    if (!multiclass && (pipe_output_wanted(ctx, "proba") || pipe_output_wanted(ctx, "predicted")))
        return pipe_error(ctx, "outputs proba and predicted come from a multiclass model "
                               "(head: multiclass); this one publishes pred");
    return 0;
}
