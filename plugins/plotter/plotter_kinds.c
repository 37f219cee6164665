/*
 * plotter_kinds.c — how each plot kind gets its data: the table of kinds
 * with the ports they need, and the readers that turn the mapped tensors
 * into the arrays pipe_plot draws (history columns, pairs of vectors,
 * table columns, score series, model metrics, images; the tables of class
 * probabilities are plotter_classes.c's).
 */
#include "plotter_kinds.h"
#include "plotter_inputs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Report an error of the plotting library, naming the kind. */
static int plot_failed(pipe_ctx *ctx, const plotter_kind *kind, const plot_err *err)
{
    return pipe_error(ctx, "kind '%s': %s", kind->name, err->text);
}

int plotter_failed(pipe_ctx *ctx, const plotter_kind *kind, const plot_err *err)
{
    return plot_failed(ctx, kind, err);
}

const char *plotter_score_port(size_t i)
{
    static const char *const ports[PLOTTER_MAX_SCORES] = {"score", "score2", "score3", "score4"};
    return i < PLOTTER_MAX_SCORES ? ports[i] : NULL;
}

/* ---- loss_curve ---- */

/* Read one history column into *out (NULL when absent); -1 on error. */
static int history_column(pipe_ctx *ctx, const pipe_tensor *t, const char *name, plot_vec *out)
{
    int status;
    out->v = plotter_optional_column(ctx, "history", t, name, &status);
    out->n = out->v ? (size_t)t->shape[0] : 0;
    out->name = name;
    return status;
}

static int render_history(pipe_ctx *ctx, const plotter_kind *kind, plot_canvas *cv,
                          const plot_options *o)
{
    const pipe_tensor *t = pipe_input(ctx, "history");
    if (!t)
        return -1;
    if (t->shape[0] == 0)
        return pipe_error(ctx,
                          "input 'history' (tensor '%s') has no epochs: there is nothing "
                          "to plot",
                          pipe_input_name(ctx, "history"));
    plot_history h = {0};
    int rc = history_column(ctx, t, "epoch", &h.epoch) | history_column(ctx, t, "loss", &h.loss) |
             history_column(ctx, t, "val_loss", &h.val_loss) |
             history_column(ctx, t, "mae", &h.mae) | history_column(ctx, t, "val_mae", &h.val_mae);
    if (rc == 0 && !h.loss.v) {
        char names[1024];
        plotter_column_list(t, names, sizeof names);
        rc = pipe_error(ctx,
                        "input 'history' (tensor '%s') has no column 'loss' with values; "
                        "its columns are: %s",
                        pipe_input_name(ctx, "history"), names);
    }
    plot_err err;
    if (rc == 0 && plot_loss_curve(cv, o, &h, &err) != 0)
        rc = plot_failed(ctx, kind, &err);
    free((void *)h.epoch.v), free((void *)h.loss.v), free((void *)h.val_loss.v);
    free((void *)h.mae.v), free((void *)h.val_mae.v);
    return rc;
}

/* ---- kinds drawn from two vectors ---- */

/* The values of a port of a pair kind: "table" stands for the `column`
 * of the table. */
static double *pair_values(pipe_ctx *ctx, const char *port, plotter_rows *rows)
{
    if (strcmp(port, "table") == 0)
        return plotter_column(ctx, "table", pipe_param_string(ctx, "column"), "column", rows);
    return plotter_vector(ctx, port, rows);
}

static int render_pair(pipe_ctx *ctx, const plotter_kind *kind, plot_canvas *cv,
                       const plot_options *o)
{
    plotter_rows rows;
    if (plotter_rows_init(ctx, &rows))
        return -1;
    double *a = pair_values(ctx, kind->first, &rows);
    double *b = a ? pair_values(ctx, kind->second, &rows) : NULL;
    plot_options with = *o;
    int rc = a && b ? plotter_weights(ctx, &rows, &with.weight) : -1;
    plot_err err;
    if (rc == 0 && kind->pair(cv, &with, a, b, (size_t)rows.kept, &err) != 0)
        rc = plot_failed(ctx, kind, &err);
    free((double *)with.weight);
    free(a);
    free(b);
    plotter_rows_free(&rows);
    return rc;
}

int plotter_render_pair(pipe_ctx *ctx, const plotter_kind *kind, plot_canvas *cv,
                        const plot_options *o)
{
    return render_pair(ctx, kind, cv, o);
}

/* ---- kinds drawn from table columns ---- */

/* Check that each name of list parameter `param` is a column of the
 * table; the error points at the list item. */
static int check_columns(pipe_ctx *ctx, const char *param, const pipe_tensor *t)
{
    const pipe_value *list = pipe_param_value(ctx, param);
    for (size_t i = 0; i < pipe_param_count(ctx, param); i++) {
        const char *name = pipe_param_string_at(ctx, param, i);
        if (pipe_tensor_column(t, name) >= 0)
            continue;
        char names[1024], msg[1400];
        plotter_column_list(t, names, sizeof names);
        snprintf(msg, sizeof msg,
                 "table input 'table' (tensor '%s') has no column '%s'; its "
                 "columns are: %s",
                 pipe_input_name(ctx, "table"), name, names);
        if (list && list->kind == PIPE_VALUE_LIST && i < list->count)
            return pipe_value_error(ctx, param, &list->items[i], "%s", msg);
        return pipe_param_error(ctx, param, "%s", msg);
    }
    return 0;
}

/* The names of the chosen columns of a named table (the `columns`
 * parameter, or every column when it is empty); malloc'd, *n set. */
static const char **chosen_columns(pipe_ctx *ctx, const pipe_tensor *t, size_t *n)
{
    size_t given = pipe_param_count(ctx, "columns");
    *n = given ? given : (size_t)pipe_tensor_cols(t);
    const char **names = malloc((*n ? *n : 1) * sizeof *names);
    for (size_t i = 0; names && i < *n; i++)
        names[i] = given ? pipe_param_string_at(ctx, "columns", i) : t->columns[i];
    return names;
}

/* Read the chosen columns (kept rows) into vectors; -1 on error. */
static int read_columns(pipe_ctx *ctx, const char **names, size_t n, plotter_rows *rows,
                        plot_vec *cols)
{
    for (size_t i = 0; i < n; i++) {
        cols[i] = (plot_vec){plotter_column(ctx, "table", names[i], "columns", rows), 0, names[i]};
        if (!cols[i].v)
            return -1;
        cols[i].n = (size_t)rows->kept;
    }
    return 0;
}

/* The `table` input with column names holding the `columns`, or NULL
 * with the error reported. */
static const pipe_tensor *named_table(pipe_ctx *ctx)
{
    const pipe_tensor *t = pipe_input(ctx, "table");
    if (t && !t->columns) {
        pipe_error(ctx, "input 'table' (tensor '%s') has no column names",
                   pipe_input_name(ctx, "table"));
        return NULL;
    }
    return t && check_columns(ctx, "columns", t) == 0 ? t : NULL;
}

static int render_correlation(pipe_ctx *ctx, const plotter_kind *kind, plot_canvas *cv,
                              const plot_options *o)
{
    const pipe_tensor *t = named_table(ctx);
    if (!t)
        return -1;
    plotter_rows rows;
    if (plotter_rows_init(ctx, &rows))
        return -1;
    size_t n;
    const char **names = chosen_columns(ctx, t, &n);
    plot_vec *cols = calloc(n + 1, sizeof *cols);
    int rc =
        names && cols ? read_columns(ctx, names, n, &rows, cols) : pipe_error(ctx, "out of memory");
    /* the target (input true) beside the features, named as its tensor */
    const char *target = pipe_input_name(ctx, "true");
    plot_options with = *o;
    if (rc == 0 && target) {
        cols[n].v = plotter_vector(ctx, "true", &rows);
        cols[n].n = (size_t)rows.kept;
        cols[n].name = target;
        rc = cols[n++].v ? 0 : -1;
        if (!o->title || !*o->title)
            with.title = "Pearson correlation of the input features and the target";
    }
    plot_err err;
    if (rc == 0 && plot_correlation(cv, &with, cols, n, &err) != 0)
        rc = plot_failed(ctx, kind, &err);
    for (size_t i = 0; cols && i < n; i++)
        free((void *)cols[i].v);
    free(cols);
    free(names);
    plotter_rows_free(&rows);
    return rc;
}

static int render_spectrum(pipe_ctx *ctx, const plotter_kind *kind, plot_canvas *cv,
                           const plot_options *o)
{
    plotter_rows rows;
    if (plotter_rows_init(ctx, &rows))
        return -1;
    double *mass = plotter_column(ctx, "table", pipe_param_string(ctx, "column"), "column", &rows);
    plot_options with = *o;
    int rc = mass ? plotter_weights(ctx, &rows, &with.weight) : -1;
    plot_err err;
    if (rc == 0 && plot_mass_spectrum(cv, &with, mass, (size_t)rows.kept, &err) != 0)
        rc = plot_failed(ctx, kind, &err);
    free((double *)with.weight);
    free(mass);
    plotter_rows_free(&rows);
    return rc;
}

/* ---- roc ---- */

/* The legend name of score series i: the `names` item, else the tensor
 * name. */
static const char *series_name(pipe_ctx *ctx, size_t i)
{
    if (i < pipe_param_count(ctx, "names"))
        return pipe_param_string_at(ctx, "names", i);
    return pipe_input_name(ctx, plotter_score_port(i));
}

static int render_roc(pipe_ctx *ctx, const plotter_kind *kind, plot_canvas *cv,
                      const plot_options *o)
{
    if (plotter_is_table(ctx, "score"))
        return plotter_render_roc_classes(ctx, kind, cv, o);
    plotter_rows rows;
    if (plotter_rows_init(ctx, &rows))
        return -1;
    plot_vec scores[PLOTTER_MAX_SCORES] = {{0}};
    size_t n_scores = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < PLOTTER_MAX_SCORES; i++) {
        if (!pipe_input_name(ctx, plotter_score_port(i)))
            continue;
        double *v = plotter_vector(ctx, plotter_score_port(i), &rows);
        scores[n_scores++] = (plot_vec){v, (size_t)rows.kept, series_name(ctx, i)};
        rc = v ? 0 : -1;
    }
    double *label = rc == 0 ? plotter_vector(ctx, "label", &rows) : NULL;
    plot_err err;
    if (label && plot_roc(cv, o, scores, n_scores, label, (size_t)rows.kept, &err) != 0)
        rc = plot_failed(ctx, kind, &err);
    for (size_t i = 0; i < n_scores; i++)
        free((void *)scores[i].v);
    free(label);
    plotter_rows_free(&rows);
    return label ? rc : -1;
}

/* ---- bars ---- */

/* Model names: the `names` parameter, or "model 1", "model 2", ...
 * (written into buf). */
static int model_names(pipe_ctx *ctx, size_t n, const char **names, char (*buf)[32])
{
    size_t given = pipe_param_count(ctx, "names");
    if (given != 0 && given != n)
        return pipe_param_error(ctx, "names",
                                "gives %zu model names but the table input "
                                "'table' (tensor '%s') has %zu rows, one per model",
                                given, pipe_input_name(ctx, "table"), n);
    for (size_t i = 0; i < n; i++) {
        snprintf(buf[i], sizeof buf[i], "model %zu", i + 1);
        names[i] = given ? pipe_param_string_at(ctx, "names", i) : buf[i];
    }
    return 0;
}

/* Readable names of the metrics stage's comparison columns; others are
 * shown as they are. */
static const char *metric_label(const char *column)
{
    static const char *const labels[][2] = {
        {"roc_auc", "ROC AUC"},
        {"accuracy", "Accuracy"},
        {"precision", "Precision"},
        {"recall", "Recall"},
        {"f1", "F1 score"},
        {"macro_f1", "Macro F1"},
        {"weighted_f1", "Weighted F1"},
        {"log_loss", "Log loss"},
        {"threshold", "Threshold"},
        {"mae", "MAE"},
        {"rmse", "RMSE"},
        {"r2", "R^{2}"},
        {"median_ae", "Median |error|"},
        {"params", "Parameters"},
        {"train_seconds", "Training time [s]"},
        {"us_per_step", "μs per step"},
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i][0], column) == 0)
            return labels[i][1];
    return column;
}

/* Whether a column is measured at a decision threshold. */
static int at_threshold(const char *column)
{
    return strcmp(column, "accuracy") == 0 || strcmp(column, "precision") == 0 ||
           strcmp(column, "recall") == 0 || strcmp(column, "f1") == 0;
}

/* When metrics at a threshold are shown and the table has the models'
 * `threshold` column (the metrics stage's comparison), name each model's
 * threshold in its legend entry and say so on the x axis. */
static void bar_thresholds(const pipe_tensor *t, const char **names, size_t n_metrics,
                           const char **models, size_t n_models, char (*buf)[96], char *x_label,
                           size_t size)
{
    int64_t col = pipe_tensor_column(t, "threshold");
    size_t thresholded = 0;
    for (size_t j = 0; j < n_metrics; j++)
        thresholded += at_threshold(names[j]);
    if (col < 0 || thresholded == 0)
        return;
    int tuned = 0;
    for (size_t i = 0; i < n_models; i++) {
        double v = pipe_tensor_get(t, (int64_t)i * pipe_tensor_cols(t) + col);
        tuned |= v != 0.5;
        snprintf(buf[i], sizeof buf[i], "%s (threshold %.3g)", models[i], v);
        models[i] = buf[i];
    }
    snprintf(x_label, size, "Metric (accuracy, precision, recall and F1 at %s)",
             tuned ? "each model's tuned threshold" : "threshold 0.5");
}

static int render_bars(pipe_ctx *ctx, const plotter_kind *kind, plot_canvas *cv,
                       const plot_options *o)
{
    const pipe_tensor *t = named_table(ctx);
    if (!t)
        return -1;
    size_t n_models = (size_t)t->shape[0], n_metrics;
    if (n_models == 0 || n_models > PLOT_MAX_SERIES)
        return pipe_error(ctx,
                          "input 'table' (tensor '%s') has %zu rows; bars compares 1 to %d "
                          "models, one per row",
                          pipe_input_name(ctx, "table"), n_models, PLOT_MAX_SERIES);
    const char *models[PLOT_MAX_SERIES];
    char fallback[PLOT_MAX_SERIES][32];
    if (model_names(ctx, n_models, models, fallback))
        return -1;
    const char **names = chosen_columns(ctx, t, &n_metrics);
    plot_vec *metrics = calloc(n_metrics ? n_metrics : 1, sizeof *metrics);
    plotter_rows rows = {.n = -1};
    int rc = names && metrics ? read_columns(ctx, names, n_metrics, &rows, metrics)
                              : pipe_error(ctx, "out of memory");
    char legend[PLOT_MAX_SERIES][96], x_label[160] = "";
    plot_options shown = *o;
    if (rc == 0) {
        for (size_t j = 0; j < n_metrics; j++)
            metrics[j].name = metric_label(names[j]);
        bar_thresholds(t, names, n_metrics, models, n_models, legend, x_label, sizeof x_label);
        if (!(o->x_label && *o->x_label) && *x_label)
            shown.x_label = x_label;
    }
    plot_err err;
    if (rc == 0 && plot_bars(cv, &shown, metrics, n_metrics, models, n_models, &err) != 0)
        rc = plot_failed(ctx, kind, &err);
    for (size_t j = 0; metrics && j < n_metrics; j++)
        free((void *)metrics[j].v);
    free(metrics);
    free(names);
    return rc;
}

/* ---- image_grid ---- */

/* Copy the first `k` kept images into a new f32 array; NaN is an error. */
static float *shown_images(pipe_ctx *ctx, const pipe_tensor *t, const plotter_rows *rows, size_t k)
{
    size_t size = (size_t)(t->shape[1] * t->shape[2] * t->shape[3]);
    float *out = malloc(k * size * sizeof *out);
    if (!out) {
        pipe_error(ctx, "out of memory");
        return NULL;
    }
    const float *data = t->data;
    size_t j = 0;
    for (int64_t i = 0; i < rows->n && j < k; i++) {
        if (rows->keep && !rows->keep[i])
            continue;
        for (size_t p = 0; p < size; p++)
            if (!isfinite(data[i * size + p])) {
                pipe_error(ctx,
                           "input 'images' (tensor '%s') holds a NaN or infinite pixel in "
                           "image %lld (counting from 0)",
                           pipe_input_name(ctx, "images"), (long long)i);
                free(out);
                return NULL;
            }
        memcpy(out + j++ * size, data + i * size, size * sizeof *out);
    }
    return out;
}

/* The labels of the kept rows, or NULL (*failed set on error). */
static double *image_labels(pipe_ctx *ctx, plotter_rows *rows, int *failed)
{
    *failed = 0;
    if (!pipe_input_name(ctx, "label"))
        return NULL;
    double *labels = plotter_vector(ctx, "label", rows);
    *failed = labels == NULL;
    return labels;
}

/* per_class: the first o->per_class kept images of each class, class by
 * class, into a new array; slot_labels[s] is the class of slot s, or -1
 * when the class has fewer examples (a warning says so). */
static float *class_images(pipe_ctx *ctx, const pipe_tensor *t, const plotter_rows *rows,
                           const plot_options *o, const double *labels, double *slot_labels)
{
    size_t k = o->n_classes, per = o->per_class;
    size_t size = (size_t)(t->shape[1] * t->shape[2] * t->shape[3]);
    float *out = calloc(k * per * size, sizeof *out);
    size_t *filled = calloc(k, sizeof *filled);
    if (!out || !filled) {
        free(out);
        free(filled);
        pipe_error(ctx, "out of memory");
        return NULL;
    }
    for (size_t s = 0; s < k * per; s++)
        slot_labels[s] = -1;
    const float *data = t->data;
    for (int64_t i = 0, j = 0; i < rows->n; i++) {
        if (rows->keep && !rows->keep[i])
            continue;
        double l = labels[j++];
        if (l != floor(l) || l < 0 || l >= (double)k || filled[(size_t)l] >= per)
            continue;
        size_t slot = (size_t)l * per + filled[(size_t)l]++;
        memcpy(out + slot * size, data + i * size, size * sizeof *out);
        slot_labels[slot] = l;
    }
    for (size_t c = 0; c < k; c++)
        if (filled[c] < per)
            pipe_warn(ctx, "image_grid: class %zu ('%s') has %zu of the %zu examples asked for", c,
                      o->classes[c], filled[c], per);
    free(filled);
    return out;
}

static int render_class_images(pipe_ctx *ctx, const plotter_kind *kind, plot_canvas *cv,
                               const plot_options *o, const pipe_tensor *t, plotter_rows *rows)
{
    int failed = 0;
    double *labels = image_labels(ctx, rows, &failed);
    if (!failed && labels && t->shape[0] != rows->n)
        failed =
            pipe_error(ctx,
                       "input 'images' (tensor '%s') has %lld images but input '%s' "
                       "(tensor '%s') has %lld rows",
                       pipe_input_name(ctx, "images"), (long long)t->shape[0], rows->first_port,
                       pipe_input_name(ctx, rows->first_port), (long long)rows->n);
    if (!failed && !labels)
        failed = pipe_param_error(ctx, "per_class",
                                  "needs the input 'label' (the class of each image); map it "
                                  "with inputs: {label: <tensor>}");
    size_t slots = o->n_classes * o->per_class;
    double *slot_labels = failed ? NULL : malloc(slots * sizeof *slot_labels);
    float *pixels = slot_labels ? class_images(ctx, t, rows, o, labels, slot_labels) : NULL;
    int rc = pixels ? 0 : -1;
    plot_images im = {pixels, slots, (size_t)t->shape[1], (size_t)t->shape[2], (size_t)t->shape[3]};
    plot_err err;
    if (rc == 0 && plot_image_grid(cv, o, &im, slot_labels, &err) != 0)
        rc = plot_failed(ctx, kind, &err);
    free(pixels);
    free(slot_labels);
    free(labels);
    return rc;
}

static int render_images(pipe_ctx *ctx, const plotter_kind *kind, plot_canvas *cv,
                         const plot_options *o)
{
    plotter_rows rows;
    const pipe_tensor *t = pipe_input(ctx, "images");
    if (!t || plotter_rows_init(ctx, &rows))
        return -1;
    if (o->per_class > 0) {
        int rc = render_class_images(ctx, kind, cv, o, t, &rows);
        plotter_rows_free(&rows);
        return rc;
    }
    int failed = 0;
    double *labels = image_labels(ctx, &rows, &failed);
    if (!failed && rows.n >= 0 && t->shape[0] != rows.n)
        failed = pipe_error(ctx,
                            "input 'images' (tensor '%s') has %lld images but input '%s' "
                            "(tensor '%s') has %lld rows",
                            pipe_input_name(ctx, "images"), (long long)t->shape[0], rows.first_port,
                            pipe_input_name(ctx, rows.first_port), (long long)rows.n);
    if (rows.n < 0)
        rows.n = rows.kept = t->shape[0];
    size_t k = (size_t)rows.kept < o->max_images ? (size_t)rows.kept : o->max_images;
    float *pixels = failed || k == 0 ? NULL : shown_images(ctx, t, &rows, k);
    int rc = pixels || (!failed && k == 0) ? 0 : -1;
    plot_images im = {pixels, (size_t)rows.kept, (size_t)t->shape[1], (size_t)t->shape[2],
                      (size_t)t->shape[3]};
    plot_err err;
    if (rc == 0 && plot_image_grid(cv, o, &im, labels, &err) != 0)
        rc = plot_failed(ctx, kind, &err);
    free(pixels);
    free(labels);
    plotter_rows_free(&rows);
    return rc;
}

/* ---- mean_image ---- */

static int render_mean_image(pipe_ctx *ctx, const plotter_kind *kind, plot_canvas *cv,
                             const plot_options *o)
{
    plotter_rows rows;
    const pipe_tensor *t = pipe_input(ctx, "images");
    if (!t || plotter_rows_init(ctx, &rows))
        return -1;
    double *labels = plotter_vector(ctx, "label", &rows);
    int rc = labels ? 0 : -1;
    if (rc == 0 && t->shape[0] != rows.n)
        rc = pipe_error(ctx,
                        "input 'images' (tensor '%s') has %lld images but input 'label' "
                        "(tensor '%s') has %lld rows",
                        pipe_input_name(ctx, "images"), (long long)t->shape[0],
                        pipe_input_name(ctx, "label"), (long long)rows.n);
    size_t size = (size_t)(t->shape[1] * t->shape[2] * t->shape[3]), k = o->n_classes;
    float *kept = rc == 0 ? shown_images(ctx, t, &rows, (size_t)rows.kept) : NULL;
    float *means = malloc(k * size * sizeof *means + 1);
    size_t *counts = malloc(k * sizeof *counts + 1);
    if (rc == 0 && (!kept || !means || !counts))
        rc = kept ? pipe_error(ctx, "out of memory") : -1;
    plot_images im = {kept, (size_t)rows.kept, (size_t)t->shape[1], (size_t)t->shape[2],
                      (size_t)t->shape[3]};
    plot_images mean = {means, k, im.channels, im.height, im.width};
    plot_err err;
    if (rc == 0 && (plot_class_means(&im, labels, k, means, counts, &err) != 0 ||
                    plot_mean_image(cv, o, &mean, counts, &err) != 0))
        rc = plot_failed(ctx, kind, &err);
    free(kept);
    free(means);
    free(counts);
    free(labels);
    plotter_rows_free(&rows);
    return rc;
}

/* ---- the table of kinds ---- */

static const plotter_kind kinds[] = {
    {"loss_curve", {"history"}, {NULL}, render_history, NULL, NULL, NULL},
    {"pred_vs_true", {"pred", "true"}, {"split"}, render_pair, plot_pred_vs_true, "pred", "true"},
    {"error_hist",
     {"pred", "true"},
     {"split", "weight"},
     render_pair,
     plot_error_hist,
     "pred",
     "true"},
    {"error_vs_true", {"pred", "true"}, {"split"}, render_pair, plot_error_vs_true, "pred", "true"},
    {"correlation", {"table"}, {"split", "true"}, render_correlation, NULL, NULL, NULL},
    {"mass_spectrum", {"table"}, {"split", "weight"}, render_spectrum, NULL, NULL, NULL},
    {"roc",
     {"score", "label"},
     {"score2", "score3", "score4", "split"},
     render_roc,
     NULL,
     NULL,
     NULL},
    {"confusion",
     {"score", "label"},
     {"split", "threshold"},
     plotter_render_confusion,
     plot_confusion,
     "score",
     "label"},
    {"class_hist", {"score", "label"}, {"split"}, plotter_render_class_hist, NULL, NULL, NULL},
    {"score_vs_mass",
     {"score", "table"},
     {"split"},
     render_pair,
     plot_score_vs_mass,
     "score",
     "table"},
    {"score_hist",
     {"score", "label"},
     {"split", "threshold", "weight"},
     render_pair,
     plot_score_hist,
     "score",
     "label"},
    {"bars", {"table"}, {NULL}, render_bars, NULL, NULL, NULL},
    {"image_grid", {"images"}, {"label", "split"}, render_images, NULL, NULL, NULL},
    {"mean_image", {"images", "label"}, {"split"}, render_mean_image, NULL, NULL, NULL},
};

const plotter_kind *plotter_kind_find(const char *name)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].name, name) == 0)
            return &kinds[i];
    return NULL;
}

int plotter_kind_uses(const plotter_kind *kind, const char *port)
{
    for (size_t i = 0; i < 3 && kind->needs[i]; i++)
        if (strcmp(kind->needs[i], port) == 0)
            return 1;
    for (size_t i = 0; i < 6 && kind->uses[i]; i++)
        if (strcmp(kind->uses[i], port) == 0)
            return 1;
    return 0;
}
