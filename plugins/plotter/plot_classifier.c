/*
 * plot_classifier.c — the plots of a classifier: ROC curves of one or
 * more binary models, or one class against the rest for a multi-class
 * model, with their AUC, on standard or background-rejection axes; the
 * score distributions of signal and background overlaid, or per class the
 * probability distributions of each true class; and the mean score per
 * bin of mass.
 */
#include "kinds.h"
#include "metrics_core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* One binary problem of a ROC plot: scores, 0/1 labels, legend name. */
typedef struct roc_input {
    const double *score, *label;
    size_t n;
    const char *name;
} roc_input;

/* The curve's points on the chosen axes (into x and y, count returned):
 * (fpr, tpr), (tpr, 1/fpr) or (tpr, 1 − fpr). Where no background passes
 * (fpr = 0) the rejection is infinite: drawn at `top`, the axis's edge. */
static size_t roc_points(const plot_options *o, const pipe_metrics_roc *roc, double top, double *x,
                         double *y)
{
    size_t k = 0;
    for (int64_t i = 0; i < roc->count; i++) {
        double fpr = roc->fpr[i], tpr = roc->tpr[i];
        if (o->roc_axes == PLOT_ROC_STANDARD)
            x[k] = fpr, y[k++] = tpr;
        else if (o->roc_axes == PLOT_ROC_REJECTION_LINEAR)
            x[k] = tpr, y[k++] = 1 - fpr;
        else
            x[k] = tpr, y[k++] = fpr > 0 ? fmin(1 / fpr, top) : top;
    }
    return k;
}

/* One model's curve: scikit-learn's roc_curve points and the AUC from
 * average ranks, both from the metrics library, so that the legend shows
 * the roc_auc of metrics.json. */
static int roc_series(plot_axes *ax, const plot_options *o, const roc_input *in, size_t i,
                      plot_legend *lg, plot_err *err)
{
    pipe_metrics_roc roc;
    char why[200];
    if (pipe_metrics_roc_curve(in->score, in->label, (int64_t)in->n, &roc, why, sizeof why) != 0)
        return plot_fail(err, "%s", why);
    double *xy = malloc(2 * (size_t)roc.count * sizeof *xy);
    if (!xy) {
        pipe_metrics_roc_free(&roc);
        return plot_fail(err, "out of memory");
    }
    size_t k = roc_points(o, &roc, ax->y.hi, xy, xy + roc.count);
    plot_line(ax, xy, xy + roc.count, k, plot_series_color(i), 2.0, 0);
    plot_legend_add(lg, PLOT_KEY_LINE, plot_series_color(i), "%s (AUC = %.4f)",
                    in->name && *in->name ? in->name : "model",
                    pipe_metrics_roc_auc(in->score, in->label, (int64_t)in->n));
    free(xy);
    pipe_metrics_roc_free(&roc);
    return 0;
}

/* The grey of the random-guessing diagonal, drawn over the curves so that
 * it shows even where a baseline lies on it. */
#define RANDOM_HEX 0x555555

/* The ROC curve of random guessing, ε_B = ε_S, from x0 to 1 on the
 * chosen axes (a curve on a log axis, so drawn through many points). */
static void random_guess(plot_axes *ax, const plot_options *o, double x0)
{
    enum { POINTS = 101 };
    double x[POINTS], y[POINTS];
    for (int i = 0; i < POINTS; i++) {
        x[i] =
            ax->x.log ? x0 * pow(1.0 / x0, i / (POINTS - 1.0)) : x0 + (1 - x0) * i / (POINTS - 1.0);
        y[i] = o->roc_axes == PLOT_ROC_STANDARD           ? x[i]
               : o->roc_axes == PLOT_ROC_REJECTION_LINEAR ? 1 - x[i]
                                                          : 1 / x[i];
    }
    plot_guide(ax, x, y, POINTS, plot_rgb(RANDOM_HEX), 1.2, 1);
}

/* The largest finite rejection 1/fpr of the curves (at least 10). */
static double max_rejection(const roc_input *in, size_t n_in)
{
    double top = 10;
    for (size_t c = 0; c < n_in; c++) {
        double negatives = 0;
        for (size_t i = 0; i < in[c].n; i++)
            negatives += in[c].label[i] == 0;
        top = fmax(top, negatives); /* one background event passing */
    }
    return top;
}

/* The axes of a ROC plot: which efficiency goes where, and their ranges. */
static void roc_axes(const plot_options *o, const roc_input *in, size_t n_in, plot_axis *x,
                     plot_axis *y)
{
    const char *sig = "Signal efficiency (true positive rate)";
    const char *bkg = "Background efficiency (false positive rate)";
    *x = (plot_axis){.lo = -0.01, .hi = 1.01, .label = plot_or(o->x_label, sig)};
    *y = (plot_axis){.lo = -0.01, .hi = 1.01, .label = plot_or(o->y_label, sig)};
    if (o->roc_axes == PLOT_ROC_STANDARD) {
        double negatives = 0;
        for (size_t i = 0; i < in[0].n; i++)
            negatives += in[0].label[i] == 0;
        /* on a log axis, start at the decade of one background event */
        x->log = o->log_x;
        x->lo = o->log_x ? pow(10.0, floor(log10(1.0 / negatives))) : -0.01;
        x->hi = o->log_x ? 1 : 1.01;
        x->label = plot_or(o->x_label, bkg);
    } else if (o->roc_axes == PLOT_ROC_REJECTION_LINEAR) {
        y->label = plot_or(o->y_label, "Background rejection 1 − ε_{B}");
    } else {
        y->log = o->log_y;
        y->lo = o->log_y ? 1 : 0;
        y->hi =
            o->log_y ? pow(10.0, ceil(log10(max_rejection(in, n_in)))) : max_rejection(in, n_in);
        y->label = plot_or(o->y_label, "Background rejection 1/ε_{B}");
    }
}

/* Draw the curves of n_in binary problems on one set of axes. */
static int roc_draw(plot_canvas *cv, const plot_options *o, const roc_input *in, size_t n_in,
                    const char *absent, plot_err *err)
{
    plot_axis x, y;
    roc_axes(o, in, n_in, &x, &y);
    plot_box fig = plot_figure_begin(cv, plot_or(o->title, "ROC curve"));
    plot_axes ax;
    plot_legend lg = {0};
    char subtitle[240] = "";
    if (absent && *absent)
        snprintf(subtitle, sizeof subtitle, "no curve for %s (all rows or none)", absent);
    plot_axes_begin(&ax, cv, plot_box_square(cv, fig, 0), &x, &y, NULL,
                    *subtitle ? subtitle : NULL);
    double x0 = x.log ? x.lo : o->roc_axes == PLOT_ROC_REJECTION ? 0.01 : 0;
    plot_legend_add(&lg, PLOT_KEY_DASH, plot_rgb(RANDOM_HEX), "random (AUC = 0.5)");
    for (size_t i = 0; i < n_in; i++)
        if (roc_series(&ax, o, &in[i], i, &lg, err))
            return -1;
    random_guess(&ax, o, x0);
    plot_legend_draw(&ax, &lg, 2);
    plot_axes_end(&ax);
    return 0;
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
    roc_input in[PLOT_MAX_SERIES];
    for (size_t i = 0; i < n_scores; i++)
        in[i] = (roc_input){scores[i].v, label, n, scores[i].name};
    return roc_draw(cv, o, in, n_scores, NULL, err);
}

/* Check the labels of k classes: integers 0..k-1. */
static int check_class_labels(const double *label, size_t n, size_t k, plot_err *err)
{
    for (size_t i = 0; i < n; i++)
        if (!(label[i] >= 0 && label[i] <= (double)(k - 1) && label[i] == floor(label[i])))
            return plot_fail(err, "label %zu (of %zu) is %g, expected a class index 0..%zu", i + 1,
                             n, label[i], k - 1);
    return 0;
}

/* Check a probability table and its labels. */
static int check_proba(const plot_options *o, const plot_proba *pr, const double *label,
                       size_t max_k, plot_err *err)
{
    if (pr->n == 0)
        return plot_fail(err, "no rows to plot");
    if (pr->k < 2 || pr->k > max_k)
        return plot_fail(err, "this plot shows 2 to %zu classes, got %zu", max_k, pr->k);
    if (o->n_classes != pr->k)
        return plot_fail(err, "%zu class names for %zu classes", o->n_classes, pr->k);
    return check_class_labels(label, pr->n, pr->k, err);
}

int plot_roc_classes(plot_canvas *cv, const plot_options *o, const plot_proba *proba,
                     const double *label, plot_err *err)
{
    if (check_proba(o, proba, label, PLOT_MAX_SERIES, err))
        return -1;
    size_t n = proba->n, k = proba->k, n_in = 0;
    double *buf = malloc(2 * k * n * sizeof *buf);
    if (!buf)
        return plot_fail(err, "out of memory");
    roc_input in[PLOT_MAX_SERIES];
    char absent[200] = "";
    for (size_t c = 0; c < k; c++) {
        double *score = buf + 2 * c * n, *is_c = score + n, positives = 0;
        for (size_t i = 0; i < n; i++) {
            score[i] = proba->p[i * k + c];
            is_c[i] = label[i] == (double)c;
            positives += is_c[i];
        }
        if (positives > 0 && positives < (double)n)
            in[n_in++] = (roc_input){score, is_c, n, o->classes[c]};
        else
            snprintf(absent + strlen(absent), sizeof absent - strlen(absent), "%s%s",
                     *absent ? ", " : "", o->classes[c]);
    }
    plot_options own = *o;
    own.title = plot_or(o->title, "ROC curves, each class against the rest");
    int rc = n_in ? roc_draw(cv, &own, in, n_in, absent, err)
                  : plot_fail(err, "no class has both its own rows and others");
    free(buf);
    return rc;
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

/* Histogram of the scores of one class (label == cls), each row weighing
 * weight[i] (NULL: 1), scaled to unit sum when asked; returns the number
 * of entries and their summed weight in *sum. buf holds 2n values. */
static size_t class_hist(const double *score, const double *label, const double *weight, size_t n,
                         double cls, const double *edges, size_t bins, int normalise,
                         double *counts, double *buf, double *sum)
{
    size_t k = 0;
    double *w = weight ? buf + n : NULL;
    *sum = 0;
    for (size_t i = 0; i < n; i++)
        if (label[i] == cls) {
            if (w)
                w[k] = weight[i];
            *sum += weight ? weight[i] : 1;
            buf[k++] = score[i];
        }
    plot_histogram_weighted(buf, w, k, edges, bins, counts, NULL, NULL);
    for (size_t b = 0; normalise && *sum != 0 && b < bins; b++)
        counts[b] /= *sum;
    return k;
}

/* Axes in `box` for histograms of scores in [lo, hi] of bin `width`,
 * whose counts reach `top` (smallest positive `bottom`). */
static void score_axes(plot_canvas *cv, const plot_options *o, plot_box box, const char *x_label,
                       double lo, double hi, double width, double top, double bottom, plot_axes *ax)
{
    char y_label[96], w[32];
    plot_format_sig(width, 3, w, sizeof w);
    snprintf(y_label, sizeof y_label, o->density ? "Fraction of class / %s" : "Events / %s", w);
    plot_axis x = {.lo = lo, .hi = hi, .label = plot_or(o->x_label, x_label)};
    plot_axis y = {.lo = o->log_y ? bottom / 2 : 0,
                   .hi = o->log_y ? top * 6 : top * 1.15,
                   .log = o->log_y,
                   .label = plot_or(o->y_label, y_label)};
    plot_axes_begin(ax, cv, box, &x, &y, NULL, NULL);
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
    double *edges = malloc((bins + 1) * sizeof *edges), *buf = malloc(2 * n * sizeof *buf);
    double *counts = malloc(2 * bins * sizeof *counts);
    if (!edges || !buf || !counts) {
        free(edges), free(buf), free(counts);
        return plot_fail(err, "out of memory");
    }
    plot_edges_linear(lo, hi, bins, edges);
    size_t k[2];
    double sum[2];
    for (int c = 0; c < 2; c++)
        k[c] = class_hist(score, label, o->weight, n, c, edges, bins, o->density, counts + c * bins,
                          buf, &sum[c]);
    double top, bottom = plot_min_positive(counts, 2 * bins), unused;
    plot_min_max(counts, 2 * bins, &unused, &top);
    plot_axes ax;
    score_axes(cv, o, plot_figure_begin(cv, plot_or(o->title, "Classifier output")),
               "Classifier score", lo, hi, (hi - lo) / bins, top, bottom, &ax);
    plot_legend lg = {0};
    for (int c = 0; c < 2; c++) {
        plot_hist_steps(&ax, edges, counts + c * bins, bins, plot_series_color(c), 0.22, 0);
        const char *name = c < (int)o->n_classes ? o->classes[c] : (c ? "signal" : "background");
        if (o->weight)
            plot_legend_add(&lg, PLOT_KEY_BOX, plot_series_color(c), "%s (%zu events, weight %.4g)",
                            name, k[c], sum[c]);
        else
            plot_legend_add(&lg, PLOT_KEY_BOX, plot_series_color(c), "%s (%zu events)", name, k[c]);
    }
    if (o->threshold > lo && o->threshold < hi) {
        plot_segment(&ax, o->threshold, ax.y.lo, o->threshold, ax.y.hi, plot_rgb(0x000000), 1.0, 1);
        char value[32];
        plot_format_sig(o->threshold, 3, value, sizeof value);
        plot_legend_add(&lg, PLOT_KEY_DASH, plot_rgb(0x000000), "%s %s",
                        plot_or(o->threshold_name, "threshold"), value);
    }
    plot_legend_draw(&ax, &lg, 2);
    plot_axes_end(&ax);
    free(edges), free(buf), free(counts);
    return 0;
}

/* ---- class_hist ---- */

/* Panel c of k in a grid of about square shape inside `fig`. */
static plot_box grid_panel(plot_box fig, size_t c, size_t k)
{
    size_t cols = k <= 3 ? k : (size_t)ceil(sqrt((double)k)), rows = (k + cols - 1) / cols;
    plot_box row = {fig.x, fig.y + fig.h * (double)(c / cols) / (double)rows, fig.w,
                    fig.h / (double)rows};
    return plot_box_column(row, (int)(c % cols), (int)cols);
}

/* Panel c: the histogram of P(c) of each true class. */
static void class_panel(plot_canvas *cv, const plot_options *o, plot_box box, const double *score,
                        const double *label, size_t n, size_t k, size_t c, const double *edges,
                        size_t bins, double *counts, double *buf)
{
    size_t entries[PLOT_MAX_SERIES];
    double sum;
    for (size_t t = 0; t < k; t++)
        entries[t] = class_hist(score, label, NULL, n, (double)t, edges, bins, o->density,
                                counts + t * bins, buf, &sum);
    double top, bottom = plot_min_positive(counts, k * bins), unused;
    plot_min_max(counts, k * bins, &unused, &top);
    char x_label[96];
    snprintf(x_label, sizeof x_label, "P(%s)", o->classes[c]);
    plot_axes ax;
    score_axes(cv, o, box, x_label, 0, 1, 1.0 / (double)bins, top > 0 ? top : 1,
               bottom > 0 ? bottom : 1, &ax);
    plot_legend lg = {0};
    for (size_t t = 0; t < k; t++) {
        plot_hist_steps(&ax, edges, counts + t * bins, bins, plot_series_color(t), 0.0, 0);
        if (c == 0)
            plot_legend_add(&lg, PLOT_KEY_LINE, plot_series_color(t), "true %s (%zu)",
                            o->classes[t], entries[t]);
    }
    if (c == 0)
        plot_legend_draw(&ax, &lg, 2);
    plot_axes_end(&ax);
}

int plot_class_hist(plot_canvas *cv, const plot_options *o, const plot_proba *proba,
                    const double *label, plot_err *err)
{
    if (check_proba(o, proba, label, PLOT_MAX_SERIES, err))
        return -1;
    size_t n = proba->n, k = proba->k, bins = o->bins > 0 ? (size_t)o->bins : 20;
    double *edges = malloc((bins + 1) * sizeof *edges), *buf = malloc(2 * n * sizeof *buf);
    double *counts = malloc(k * bins * sizeof *counts);
    if (!edges || !buf || !counts) {
        free(edges), free(buf), free(counts);
        return plot_fail(err, "out of memory");
    }
    plot_edges_linear(0, 1, bins, edges);
    plot_box fig = plot_figure_begin(cv, plot_or(o->title, "Class probabilities"));
    for (size_t c = 0; c < k; c++) {
        double *score = buf + n;
        for (size_t i = 0; i < n; i++)
            score[i] = proba->p[i * k + c];
        class_panel(cv, o, grid_panel(fig, c, k), score, label, n, k, c, edges, bins, counts, buf);
    }
    free(edges), free(buf), free(counts);
    return 0;
}

/* ---- score_vs_mass ---- */

/* Mean ± standard deviation of the score per mass bin, as markers with
 * error bars joined by a line. */
/* The colour of the label window's edges. */
#define WINDOW_HEX 0x222222

/* The opacity of the profile's markers over a scatter. */
#define PROFILE_ALPHA 0.6

/* The mean score per mass bin with its standard deviation; with
 * `probabilities`, the bars are cut to [0, 1]. */
static void score_profile(plot_axes *ax, const double *score, const double *mass, size_t n,
                          size_t bins, int probabilities, plot_legend *lg)
{
    plot_binned p;
    double *lo = malloc(2 * bins * sizeof *lo);
    if (!lo || plot_binned_profile(ax, mass, score, n, bins, &p) != 0) {
        free(lo);
        return;
    }
    double *hi = lo + bins;
    /* probabilities: the bars stop at 0 and 1, where the scores do */
    for (size_t b = 0; b < bins; b++) {
        lo[b] = p.mean[b] - p.sd[b], hi[b] = p.mean[b] + p.sd[b];
        if (probabilities)
            lo[b] = fmax(lo[b], 0), hi[b] = fmin(hi[b], 1);
    }
    plot_color c = plot_series_color(1);
    plot_line(ax, p.centre, p.mean, bins, c, 1.2, 0);
    plot_error_bars(ax, p.centre, lo, hi, bins, c, 1.4);
    /* translucent, so that the density under them shows */
    plot_markers(ax, p.centre, p.mean, bins, c, 3.0, PROFILE_ALPHA);
    plot_legend_add(lg, PLOT_KEY_LINE_MARKER, c, "mean ± std. dev. per bin");
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
    int probabilities = ylo == 0 && yhi == 1;
    if (probabilities)
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
    score_profile(&ax, score, mass, n, o->bins > 0 ? (size_t)o->bins : 30, probabilities, &lg);
    if (o->window_hi > o->window_lo) { /* the edges of the label's window */
        for (int e = 0; e < 2; e++) {
            double at = e ? o->window_hi : o->window_lo;
            plot_segment(&ax, at, ylo, at, yhi, plot_rgb(WINDOW_HEX), 1.2, 1);
        }
        char lo[32], hi[32];
        plot_format_sig(o->window_lo, 4, lo, sizeof lo);
        plot_format_sig(o->window_hi, 4, hi, sizeof hi);
        plot_legend_add(&lg, PLOT_KEY_DASH, plot_rgb(WINDOW_HEX), "label window %s–%s %s", lo, hi,
                        o->unit ? o->unit : "");
    }
    plot_legend_draw(&ax, &lg, 2);
    plot_axes_end(&ax);
    return 0;
}
