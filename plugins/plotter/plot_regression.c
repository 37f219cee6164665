/*
 * plot_regression.c — the plots of a regression: the training history
 * (loss and MAE per epoch), predicted against true values with the
 * diagonal, histograms of the absolute and relative errors, and the
 * error against the true value with its mean per bin.
 */
#include "kinds.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- loss_curve ---- */

/* The colour of the best-epoch line and ring. */
#define BEST_HEX 0x333333

/* Index of the smallest validation value. */
static size_t best_index(const plot_vec *val)
{
    size_t best = 0;
    for (size_t i = 1; i < val->n; i++)
        if (val->v[i] < val->v[best])
            best = i;
    return best;
}

/* Index of epoch `epoch` in `epochs`, or n when absent. */
static size_t epoch_index(const double *epochs, size_t n, double epoch)
{
    for (size_t i = 0; i < n; i++)
        if (epochs[i] == epoch)
            return i;
    return n;
}

static void series_range(const plot_vec *a, const plot_vec *b, double *lo, double *hi)
{
    double alo, ahi, blo, bhi;
    plot_min_max(a->v, a->n, &alo, &ahi);
    *lo = alo, *hi = ahi;
    if (b->v) {
        plot_min_max(b->v, b->n, &blo, &bhi);
        *lo = fmin(*lo, blo), *hi = fmax(*hi, bhi);
    }
}

/* One panel of the history: a training and (optional) validation series. */
/* `best` is the index of the best epoch, or n for none. */
static int history_panel(plot_canvas *cv, plot_box box, const plot_options *o, const double *epochs,
                         const plot_vec *train, const plot_vec *val, const char *y_label,
                         size_t best, plot_err *err)
{
    size_t n = train->n;
    if (o->log_y && (plot_require_positive(train->v, n, y_label, err) ||
                     (val->v && plot_require_positive(val->v, n, y_label, err))))
        return -1;
    double ylo, yhi, xlo = epochs[0], xhi = epochs[n - 1];
    series_range(train, val, &ylo, &yhi);
    plot_pad_range(&ylo, &yhi, o->log_y, 0.05);
    plot_pad_range(&xlo, &xhi, 0, 0.04); /* a best last epoch stays off the frame */
    plot_axis x = {.lo = xlo, .hi = xhi, .integer = 1, .label = plot_or(o->x_label, "Epoch")};
    plot_axis y = {.lo = ylo, .hi = yhi, .log = o->log_y, .label = y_label};
    plot_axes ax;
    plot_legend lg = {0};
    plot_axes_begin(&ax, cv, box, &x, &y, NULL, NULL);
    if (best < n) {
        plot_segment(&ax, epochs[best], ylo, epochs[best], yhi, plot_rgb(BEST_HEX), 1.0, 1);
        plot_legend_add(&lg, PLOT_KEY_DASH, plot_rgb(BEST_HEX), "best epoch %g", epochs[best]);
    }
    plot_line(&ax, epochs, train->v, n, plot_series_color(0), 1.8, 0);
    plot_legend_add(&lg, PLOT_KEY_LINE, plot_series_color(0), "training");
    if (val->v) {
        plot_line(&ax, epochs, val->v, n, plot_series_color(1), 1.8, 0);
        plot_legend_add(&lg, PLOT_KEY_LINE, plot_series_color(1), "validation");
    }
    if (best < n) { /* a dot on the curve at the best epoch */
        const plot_vec *on = val->v ? val : train;
        plot_markers(&ax, &epochs[best], &on->v[best], 1, plot_rgb(BEST_HEX), 4.0, 1.0);
    }
    plot_legend_draw(&ax, &lg, 2);
    plot_axes_end(&ax);
    return 0;
}

int plot_loss_curve(plot_canvas *cv, const plot_options *o, const plot_history *h, plot_err *err)
{
    size_t n = h->loss.n;
    if (n == 0 || !h->loss.v)
        return plot_fail(err, "the history has no epochs");
    double *epochs = malloc(n * sizeof *epochs);
    if (!epochs)
        return plot_fail(err, "out of memory");
    for (size_t i = 0; i < n; i++)
        epochs[i] = h->epoch.v ? h->epoch.v[i] : (double)(i + 1);
    int with_mae = h->mae.v != NULL || h->val_mae.v != NULL;
    /* one best epoch for both panels: the model's, else the smallest
     * validation loss */
    size_t best = o->best_epoch > 0 ? epoch_index(epochs, n, o->best_epoch)
                  : h->val_loss.v   ? best_index(&h->val_loss)
                                    : n;
    if (o->best_epoch > 0 && best == n) {
        free(epochs);
        return plot_fail(err, "the best epoch %g is not in the history (epochs %g to %g)",
                         o->best_epoch, n ? (h->epoch.v ? h->epoch.v[0] : 1) : 0,
                         h->epoch.v ? h->epoch.v[n - 1] : (double)n);
    }
    char loss_label[128];
    if (o->loss_name && *o->loss_name)
        snprintf(loss_label, sizeof loss_label, "Loss: %s", o->loss_name);
    else
        snprintf(loss_label, sizeof loss_label, "Loss");
    plot_box fig = plot_figure_begin(cv, plot_or(o->title, "Training history"));
    int rc = history_panel(cv, with_mae ? plot_box_column(fig, 0, 2) : fig, o, epochs, &h->loss,
                           &h->val_loss, plot_or(o->y_label, loss_label), best, err);
    if (rc == 0 && with_mae) {
        char label[96];
        plot_label_unit(label, sizeof label, "Mean absolute error", o->unit);
        const plot_vec *train = h->mae.v ? &h->mae : &h->val_mae;
        const plot_vec *val = h->mae.v ? &h->val_mae : &h->mae;
        rc = history_panel(cv, plot_box_column(fig, 1, 2), o, epochs, train, val, label, best, err);
    }
    free(epochs);
    return rc;
}

/* ---- pred_vs_true ---- */

static void regression_note(plot_axes *ax, const plot_options *o, const double *pred,
                            const double *truth, size_t n)
{
    double abs_sum = 0, sq_sum = 0, mean = plot_mean(truth, n), tot = 0;
    for (size_t i = 0; i < n; i++) {
        double d = pred[i] - truth[i];
        abs_sum += fabs(d);
        sq_sum += d * d;
        tot += (truth[i] - mean) * (truth[i] - mean);
    }
    char mae[32], rmse[32], r2[32], note[256];
    plot_format_value(abs_sum / n, 3, mae, sizeof mae);
    plot_format_value(sqrt(sq_sum / n), 3, rmse, sizeof rmse);
    if (tot > 0)
        plot_format_fixed(1 - sq_sum / tot, 4, r2, sizeof r2);
    else
        snprintf(r2, sizeof r2, "undefined");
    const char *u = o->unit && *o->unit ? o->unit : "";
    snprintf(note, sizeof note, "N = %zu\nMAE = %s %s\nRMSE = %s %s\nR^{2} = %s", n, mae, u, rmse,
             u, r2);
    plot_note_draw(ax, note);
}

int plot_pred_vs_true(plot_canvas *cv, const plot_options *o, const double *pred,
                      const double *truth, size_t n, plot_err *err)
{
    if (n == 0)
        return plot_fail(err, "no rows to plot");
    int log = o->log_x || o->log_y;
    if (log && (plot_require_positive(pred, n, "predictions", err) ||
                plot_require_positive(truth, n, "true values", err)))
        return -1;
    double lo, hi, plo, phi;
    plot_min_max(truth, n, &lo, &hi);
    plot_min_max(pred, n, &plo, &phi);
    lo = fmin(lo, plo), hi = fmax(hi, phi);
    plot_pad_range(&lo, &hi, log, 0.03);
    char title[128], x_label[96], y_label[96], name[64];
    snprintf(title, sizeof title, "Predicted against true %s", o->variable);
    snprintf(name, sizeof name, "True %s", o->variable);
    plot_label_unit(x_label, sizeof x_label, name, o->unit);
    snprintf(name, sizeof name, "Predicted %s", o->variable);
    plot_label_unit(y_label, sizeof y_label, name, o->unit);
    plot_box fig = plot_figure_begin(cv, plot_or(o->title, title));
    plot_colorbar cb = plot_scatter_colorbar(o, n);
    plot_box box = plot_box_square(cv, fig, plot_colorbar_width(cv, &cb));
    plot_axis x = {.lo = lo, .hi = hi, .log = log, .label = plot_or(o->x_label, x_label)};
    plot_axis y = {.lo = lo, .hi = hi, .log = log, .label = plot_or(o->y_label, y_label)};
    plot_axes ax;
    plot_legend lg = {0};
    plot_axes_begin(&ax, cv, box, &x, &y, &cb, NULL);
    plot_scatter(&ax, o, truth, pred, n, &lg);
    plot_segment(&ax, lo, lo, hi, hi, plot_rgb(0x000000), 1.2, 1);
    plot_legend_add(&lg, PLOT_KEY_DASH, plot_rgb(0x000000), "y = x");
    plot_legend_draw(&ax, &lg, 2);
    regression_note(&ax, o, pred, truth, n);
    plot_axes_end(&ax);
    return 0;
}

/* ---- error_hist ---- */

/* Errors of each row: pred − true or its absolute value; relative ones
 * in % for rows with true ≠ 0 (their number in *n_rel). */
/* The errors, and the relative ones of the rows with truth != 0 (with
 * their weights into rel_w when o->weight and rel_w are given). */
static void compute_errors(const plot_options *o, const double *pred, const double *truth, size_t n,
                           double *abs_err, double *rel_err, double *rel_w, size_t *n_rel)
{
    *n_rel = 0;
    for (size_t i = 0; i < n; i++) {
        double d = pred[i] - truth[i];
        abs_err[i] = o->signed_errors ? d : fabs(d);
        if (truth[i] != 0 && rel_w && o->weight)
            rel_w[*n_rel] = o->weight[i];
        if (truth[i] != 0)
            rel_err[(*n_rel)++] = 100.0 * abs_err[i] / fabs(truth[i]);
    }
}

/* Bin range of an error distribution: from 0 for absolute errors,
 * symmetric around 0 for signed ones; robust against far outliers. */
static void error_range(const plot_options *o, const double *e, size_t n, double *lo, double *hi)
{
    if (!o->signed_errors) {
        *lo = 0;
        *hi = plot_robust_max(e, n);
    } else {
        double *mag = malloc(n * sizeof *mag);
        double r = 0;
        if (mag) {
            for (size_t i = 0; i < n; i++)
                mag[i] = fabs(e[i]);
            r = plot_robust_max(mag, n);
            free(mag);
        }
        *lo = -r, *hi = r;
    }
    if (!(*hi > *lo))
        *lo = o->signed_errors ? -1e-3 : 0, *hi = 1e-3;
}

static void error_panel(plot_canvas *cv, plot_box box, const plot_options *o, const double *e,
                        const double *w, size_t n, const char *x_label, const char *unit,
                        const char *extra)
{
    plot_hist_panel p = {.values = e,
                         .weights = w,
                         .n = n,
                         .bins = o->bins > 0 ? (size_t)o->bins : 60,
                         .log_y = o->log_y,
                         .x_label = x_label,
                         .unit = unit,
                         .stats_unit = unit,
                         .extra_note = extra};
    error_range(o, e, n, &p.lo, &p.hi);
    plot_hist_panel_draw(cv, box, &p);
}

int plot_error_hist(plot_canvas *cv, const plot_options *o, const double *pred, const double *truth,
                    size_t n, plot_err *err)
{
    if (n == 0)
        return plot_fail(err, "no rows to plot");
    double *abs_err = malloc(n * sizeof *abs_err), *rel_err = malloc(n * sizeof *rel_err);
    double *rel_w = o->weight ? malloc(n * sizeof *rel_w) : NULL;
    if (!abs_err || !rel_err || (o->weight && !rel_w)) {
        free(abs_err), free(rel_err), free(rel_w);
        return plot_fail(err, "out of memory");
    }
    size_t n_rel;
    compute_errors(o, pred, truth, n, abs_err, rel_err, rel_w, &n_rel);
    const char *v = o->variable, *bar = o->signed_errors ? "" : "|";
    char title[128], abs_label[128], rel_label[128], dropped[96];
    snprintf(title, sizeof title, "Prediction error of %s", v);
    snprintf(abs_label, sizeof abs_label, "%s%s_{pred} − %s_{true}%s%s%s%s", bar, v, v, bar,
             *o->unit ? " [" : "", o->unit, *o->unit ? "]" : "");
    snprintf(rel_label, sizeof rel_label, "%s%s_{pred} − %s_{true}%s / %s_{true} [%%]", bar, v, v,
             bar, v);
    snprintf(dropped, sizeof dropped, "%zu rows with %s_{true} = 0 left out", n - n_rel, v);
    plot_box fig = plot_figure_begin(cv, plot_or(o->title, title));
    error_panel(cv, plot_box_column(fig, 0, 2), o, abs_err, o->weight, n, abs_label, o->unit, NULL);
    if (n_rel > 0)
        error_panel(cv, plot_box_column(fig, 1, 2), o, rel_err, rel_w, n_rel, rel_label, "%",
                    n_rel < n ? dropped : NULL);
    free(abs_err);
    free(rel_err);
    free(rel_w);
    if (n_rel == 0)
        return plot_fail(err, "relative errors are undefined: every true value is 0");
    return 0;
}

/* ---- error_vs_true ---- */

static void error_profile(plot_axes *ax, const double *truth, const double *e, size_t n,
                          size_t bins, plot_legend *lg)
{
    plot_binned p;
    if (plot_binned_profile(ax, truth, e, n, bins, &p) != 0)
        return;
    plot_line(ax, p.centre, p.mean, bins, plot_series_color(1), 2.0, 0);
    plot_markers(ax, p.centre, p.mean, bins, plot_series_color(1), 2.6, 1.0);
    plot_legend_add(lg, PLOT_KEY_LINE_MARKER, plot_series_color(1), "mean per bin");
    plot_binned_free(&p);
}

/* A log y range for absolute errors: from a little under the smallest
 * nonzero error to above the upper limit; 0 when every error is 0. */
static int error_log_range(const double *e, size_t n, double *lo, double *hi)
{
    double smallest = plot_min_positive(e, n);
    if (!(smallest > 0))
        return 0;
    *lo = smallest / 1.5;
    *hi = fmax(*hi, smallest) * 1.5;
    return 1;
}

int plot_error_vs_true(plot_canvas *cv, const plot_options *o, const double *pred,
                       const double *truth, size_t n, plot_err *err)
{
    if (n == 0)
        return plot_fail(err, "no rows to plot");
    if (o->log_x && plot_require_positive(truth, n, "true values", err))
        return -1;
    double *e = malloc(n * sizeof *e), *unused = malloc(n * sizeof *unused);
    if (!e || !unused) {
        free(e), free(unused);
        return plot_fail(err, "out of memory");
    }
    size_t n_rel;
    compute_errors(o, pred, truth, n, e, unused, NULL, &n_rel);
    free(unused);
    double xlo, xhi, ylo, yhi;
    plot_min_max(truth, n, &xlo, &xhi);
    plot_pad_range(&xlo, &xhi, o->log_x, 0.02);
    int log_y = o->log_y && !o->signed_errors;
    error_range(o, e, n, &ylo, &yhi);
    yhi *= 1.05;
    ylo = o->signed_errors ? ylo * 1.05 : 0;
    if (log_y && !error_log_range(e, n, &ylo, &yhi)) {
        free(e);
        return plot_fail(err, "a logarithmic y axis needs nonzero errors, but all %zu are 0", n);
    }
    const char *v = o->variable, *bar = o->signed_errors ? "" : "|";
    char title[128], x_label[96], y_label[128], name[64];
    snprintf(title, sizeof title, "Prediction error against true %s", v);
    snprintf(name, sizeof name, "True %s", v);
    plot_label_unit(x_label, sizeof x_label, name, o->unit);
    snprintf(name, sizeof name, "%s%s_{pred} − %s_{true}%s", bar, v, v, bar);
    plot_label_unit(y_label, sizeof y_label, name, o->unit);
    plot_box fig = plot_figure_begin(cv, plot_or(o->title, title));
    plot_colorbar cb = plot_scatter_colorbar(o, n);
    plot_axis x = {.lo = xlo, .hi = xhi, .log = o->log_x, .label = plot_or(o->x_label, x_label)};
    plot_axis y = {.lo = ylo, .hi = yhi, .log = log_y, .label = plot_or(o->y_label, y_label)};
    plot_axes ax;
    plot_legend lg = {0};
    plot_axes_begin(&ax, cv, fig, &x, &y, &cb, NULL);
    plot_scatter(&ax, o, truth, e, n, &lg);
    if (o->signed_errors)
        plot_segment(&ax, xlo, 0, xhi, 0, plot_rgb(0x000000), 1.0, 1);
    error_profile(&ax, truth, e, n, o->bins > 0 ? (size_t)o->bins : 20, &lg);
    plot_legend_draw(&ax, &lg, 2);
    size_t zeros = 0, above = 0, below = 0;
    for (size_t i = 0; i < n; i++) {
        zeros += log_y && e[i] == 0;
        above += e[i] > yhi;
        below += o->signed_errors && e[i] < ylo;
    }
    char note[256] = "", limit[32];
    size_t len = 0;
    if (above > 0) {
        plot_format_value(yhi, 3, limit, sizeof limit);
        len += (size_t)snprintf(note, sizeof note, "%zu row%s above %s %s (off the axis)", above,
                                above == 1 ? "" : "s", limit, o->unit ? o->unit : "");
    }
    if (below > 0) {
        plot_format_value(ylo, 3, limit, sizeof limit);
        len += (size_t)snprintf(note + len, sizeof note - len,
                                "%s%zu row%s below %s %s (off the axis)", len ? "\n" : "", below,
                                below == 1 ? "" : "s", limit, o->unit ? o->unit : "");
    }
    if (zeros > 0)
        snprintf(note + len, sizeof note - len,
                 "%s%zu rows with zero error\nare below the log axis", len ? "\n" : "", zeros);
    if (note[0])
        plot_note_draw(&ax, note);
    plot_axes_end(&ax);
    free(e);
    return 0;
}
