/*
 * plot_classifier.c — the plots of a binary classifier: ROC curves of
 * one or more models with their AUC, the score distributions of signal
 * and background overlaid, and the mean score per bin of mass.
 */
#include "kinds.h"
#include "metrics_core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Check that labels are 0 or 1 and both occur. */
static int check_labels(const double *label, size_t n, plot_err *err)
{
    size_t ones = 0;
    for (size_t i = 0; i < n; i++) {
        if (label[i] != 0 && label[i] != 1)
            return plot_fail(err, "labels must be 0 or 1, but label %zu (of %zu) is %g", i + 1, n,
                             label[i]);
        ones += label[i] == 1;
    }
    if (ones == 0 || ones == n)
        return plot_fail(err, "labels must contain both classes, but all %zu are %d", n,
                         ones ? 1 : 0);
    return 0;
}

/* ---- roc ---- */

/* One model's curve: scikit-learn's roc_curve points and the AUC from
 * average ranks, both from the metrics library, so that the legend shows
 * the roc_auc of metrics.json. */
static int roc_series(plot_axes *ax, const plot_vec *s, size_t i, const double *label,
                      plot_legend *lg, plot_err *err)
{
    pipe_metrics_roc roc;
    char why[200];
    if (pipe_metrics_roc_curve(s->v, label, (int64_t)s->n, &roc, why, sizeof why) != 0)
        return plot_fail(err, "%s", why);
    plot_line(ax, roc.fpr, roc.tpr, (size_t)roc.count, plot_series_color(i), 2.0, 0);
    plot_legend_add(lg, PLOT_KEY_LINE, plot_series_color(i), "%s (AUC = %.4f)",
                    s->name && *s->name ? s->name : "model",
                    pipe_metrics_roc_auc(s->v, label, (int64_t)s->n));
    pipe_metrics_roc_free(&roc);
    return 0;
}

/* The ROC curve of random guessing, tpr = fpr from x0 to 1 (a curve on a
 * log axis, so drawn through many points). */
static void random_guess(plot_axes *ax, double x0)
{
    enum { POINTS = 101 };
    double v[POINTS];
    for (int i = 0; i < POINTS; i++)
        v[i] = ax->x.log ? x0 * pow(1.0 / x0, i / (POINTS - 1.0)) : i / (POINTS - 1.0);
    plot_guide(ax, v, v, POINTS, plot_rgb(0x888888), 1.0, 1);
}

int plot_roc(plot_canvas *cv, const plot_options *o, const plot_vec *scores, size_t n_scores,
             const double *label, size_t n, plot_err *err)
{
    if (n_scores == 0 || n_scores > PLOT_MAX_SERIES)
        return plot_fail(err, "a ROC plot shows 1 to %d score series, got %zu", PLOT_MAX_SERIES,
                         n_scores);
    if (n == 0)
        return plot_fail(err, "no rows to plot");
    if (check_labels(label, n, err))
        return -1;
    /* on a log axis, start at the decade of one background event */
    double negatives = 0;
    for (size_t i = 0; i < n; i++)
        negatives += label[i] == 0;
    double xlo = o->log_x ? pow(10.0, floor(log10(1.0 / negatives))) : -0.01;
    plot_box fig = plot_figure_begin(cv, plot_or(o->title, "ROC curve"));
    plot_axis x = {.lo = xlo,
                   .hi = 1.01,
                   .log = o->log_x,
                   .label = plot_or(o->x_label, "False positive rate (background efficiency)")};
    plot_axis y = {.lo = -0.01,
                   .hi = 1.01,
                   .label = plot_or(o->y_label, "True positive rate (signal efficiency)")};
    if (o->log_x)
        x.hi = 1;
    plot_axes ax;
    plot_legend lg = {0};
    plot_axes_begin(&ax, cv, plot_box_square(cv, fig, 0), &x, &y, NULL, NULL);
    random_guess(&ax, o->log_x ? xlo : 0);
    plot_legend_add(&lg, PLOT_KEY_DASH, plot_rgb(0x888888), "random (AUC = 0.5)");
    for (size_t i = 0; i < n_scores; i++)
        if (roc_series(&ax, &scores[i], i, label, &lg, err))
            return -1;
    plot_legend_draw(&ax, &lg, 2);
    plot_axes_end(&ax);
    return 0;
}

/* ---- score_hist ---- */

/* The bin range of the scores: [0, 1] for probabilities. */
static void score_range(const double *score, size_t n, double *lo, double *hi)
{
    plot_min_max(score, n, lo, hi);
    if (*lo >= 0 && *hi <= 1)
        *lo = 0, *hi = 1;
    else
        plot_pad_range(lo, hi, 0, 0.02);
}

/* Histogram of the scores of one class (label == cls), scaled to unit
 * sum when asked; returns the number of entries. */
static size_t class_hist(const double *score, const double *label, size_t n, double cls,
                         const double *edges, size_t bins, int normalise, double *counts,
                         double *buf)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (label[i] == cls)
            buf[k++] = score[i];
    plot_histogram(buf, k, edges, bins, counts, NULL, NULL);
    for (size_t b = 0; normalise && k > 0 && b < bins; b++)
        counts[b] /= (double)k;
    return k;
}

static void score_axes(plot_canvas *cv, const plot_options *o, double lo, double hi, double width,
                       double top, double bottom, plot_axes *ax)
{
    char y_label[96], w[32];
    plot_format_sig(width, 3, w, sizeof w);
    snprintf(y_label, sizeof y_label, o->density ? "Fraction of class / %s" : "Events / %s", w);
    plot_axis x = {.lo = lo, .hi = hi, .label = plot_or(o->x_label, "Classifier score")};
    plot_axis y = {.lo = o->log_y ? bottom / 2 : 0,
                   .hi = o->log_y ? top * 6 : top * 1.15,
                   .log = o->log_y,
                   .label = plot_or(o->y_label, y_label)};
    plot_axes_begin(ax, cv, plot_figure_begin(cv, plot_or(o->title, "Classifier output")), &x, &y,
                    NULL, NULL);
}

int plot_score_hist(plot_canvas *cv, const plot_options *o, const double *score,
                    const double *label, size_t n, plot_err *err)
{
    if (n == 0)
        return plot_fail(err, "no rows to plot");
    if (check_labels(label, n, err))
        return -1;
    double lo, hi;
    score_range(score, n, &lo, &hi);
    size_t bins = o->bins > 0 ? (size_t)o->bins : 40;
    double *edges = malloc((bins + 1) * sizeof *edges), *buf = malloc(n * sizeof *buf);
    double *counts = malloc(2 * bins * sizeof *counts);
    if (!edges || !buf || !counts) {
        free(edges), free(buf), free(counts);
        return plot_fail(err, "out of memory");
    }
    plot_edges_linear(lo, hi, bins, edges);
    size_t k[2];
    for (int c = 0; c < 2; c++)
        k[c] = class_hist(score, label, n, c, edges, bins, o->density, counts + c * bins, buf);
    double top, bottom = plot_min_positive(counts, 2 * bins), unused;
    plot_min_max(counts, 2 * bins, &unused, &top);
    plot_axes ax;
    score_axes(cv, o, lo, hi, (hi - lo) / bins, top, bottom, &ax);
    plot_legend lg = {0};
    for (int c = 0; c < 2; c++) {
        plot_hist_steps(&ax, edges, counts + c * bins, bins, plot_series_color(c), 0.22, 0);
        plot_legend_add(&lg, PLOT_KEY_BOX, plot_series_color(c), "%s (%zu events)",
                        c < (int)o->n_classes ? o->classes[c] : (c ? "signal" : "background"),
                        k[c]);
    }
    if (o->threshold > lo && o->threshold < hi) {
        plot_segment(&ax, o->threshold, ax.y.lo, o->threshold, ax.y.hi, plot_rgb(0x000000), 1.0, 1);
        plot_legend_add(&lg, PLOT_KEY_DASH, plot_rgb(0x000000), "threshold %g", o->threshold);
    }
    plot_legend_draw(&ax, &lg, 2);
    plot_axes_end(&ax);
    free(edges), free(buf), free(counts);
    return 0;
}

/* ---- score_vs_mass ---- */

/* Mean ± standard deviation of the score per mass bin, as markers with
 * error bars joined by a line. */
static void score_profile(plot_axes *ax, const double *score, const double *mass, size_t n,
                          size_t bins, plot_legend *lg)
{
    plot_binned p;
    double *lo = malloc(2 * bins * sizeof *lo);
    if (!lo || plot_binned_profile(ax, mass, score, n, bins, &p) != 0) {
        free(lo);
        return;
    }
    double *hi = lo + bins;
    for (size_t b = 0; b < bins; b++)
        lo[b] = p.mean[b] - p.sd[b], hi[b] = p.mean[b] + p.sd[b];
    plot_color c = plot_series_color(1);
    plot_line(ax, p.centre, p.mean, bins, c, 1.2, 0);
    plot_error_bars(ax, p.centre, lo, hi, bins, c, 1.4);
    plot_markers(ax, p.centre, p.mean, bins, c, 3.0, 1.0);
    plot_legend_add(lg, PLOT_KEY_MARKER, c, "mean ± std. dev. per bin");
    plot_binned_free(&p);
    free(lo);
}

int plot_score_vs_mass(plot_canvas *cv, const plot_options *o, const double *score,
                       const double *mass, size_t n, plot_err *err)
{
    if (n == 0)
        return plot_fail(err, "no rows to plot");
    if (o->log_x && plot_require_positive(mass, n, "masses", err))
        return -1;
    double xlo, xhi, ylo, yhi;
    plot_min_max(mass, n, &xlo, &xhi);
    plot_pad_range(&xlo, &xhi, o->log_x, 0.02);
    score_range(score, n, &ylo, &yhi);
    if (ylo == 0 && yhi == 1)
        ylo = -0.02, yhi = 1.02;
    char title[96], x_label[96];
    snprintf(title, sizeof title, "Classifier output against %s", o->variable);
    plot_label_unit(x_label, sizeof x_label, o->variable, o->unit);
    plot_box fig = plot_figure_begin(cv, plot_or(o->title, title));
    plot_colorbar cb = plot_scatter_colorbar(o, n);
    plot_axis x = {.lo = xlo, .hi = xhi, .log = o->log_x, .label = plot_or(o->x_label, x_label)};
    plot_axis y = {.lo = ylo, .hi = yhi, .label = plot_or(o->y_label, "Classifier score")};
    plot_axes ax;
    plot_legend lg = {0};
    plot_axes_begin(&ax, cv, fig, &x, &y, &cb, NULL);
    plot_scatter(&ax, o, mass, score, n, &lg);
    score_profile(&ax, score, mass, n, o->bins > 0 ? (size_t)o->bins : 30, &lg);
    plot_legend_draw(&ax, &lg, 2);
    plot_axes_end(&ax);
    return 0;
}
