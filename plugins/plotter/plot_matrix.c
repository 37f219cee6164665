/*
 * plot_matrix.c — heat maps with the value printed in every cell: the
 * Pearson correlation matrix of chosen columns (diverging colours from
 * −1 to +1) and the confusion matrix of a classifier, binary (a score
 * at a threshold) or of K classes (predicted class indices), with counts
 * and the fraction of each true class.
 */
#include "kinds.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Most columns a correlation matrix shows. */
#define MAX_MATRIX 40

/* Font for the numbers in cells of `cell_px`, or size 0 when too small
 * to be read. */
static plot_font cell_font(plot_canvas *cv, double cell_px, double chars)
{
    double fit = cell_px / plot_pt(cv, 1.0) / (0.62 * chars); /* points that fit */
    double size = fmin(PLOT_FONT_TICK.size, fit);
    return (plot_font){size >= 5.5 ? size : 0, 0};
}

/* A filled cell (i, j) of a categorical heat map. */
static void draw_cell(plot_axes *ax, size_t col, size_t row, plot_color c)
{
    plot_rect(ax, col - 0.5, row - 0.5, col + 0.5, row + 0.5, c, 1.0);
}

/* ---- correlation ---- */

static void correlation_cells(plot_axes *ax, const double *r, size_t k)
{
    double cell = (ax->right - ax->left) / (double)k;
    plot_font f = cell_font(ax->cv, cell, 5);
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++) {
            double v = r[i * k + j];
            plot_color c = isfinite(v) ? plot_cmap_diverging((v + 1) / 2) : plot_rgb(0xBBBBBB);
            draw_cell(ax, j, i, c);
            if (f.size == 0)
                continue;
            char text[16];
            if (isfinite(v))
                plot_format_fixed(v, 2, text, sizeof text);
            else
                snprintf(text, sizeof text, "n/a");
            plot_text(ax->cv, f, text, plot_axes_px(ax, (double)j), plot_axes_py(ax, (double)i),
                      PLOT_CENTER, PLOT_MIDDLE, 0, plot_text_color_on(c));
        }
}

int plot_correlation(plot_canvas *cv, const plot_options *o, const plot_vec *cols, size_t n_cols,
                     plot_err *err)
{
    if (n_cols < 2)
        return plot_fail(err, "a correlation matrix needs at least 2 columns, got %zu", n_cols);
    if (n_cols > MAX_MATRIX)
        return plot_fail(err, "a correlation matrix shows at most %d columns, got %zu", MAX_MATRIX,
                         n_cols);
    size_t n = cols[0].n;
    if (n < 2)
        return plot_fail(err, "a correlation needs at least 2 rows, got %zu", n);
    double *r = malloc(n_cols * n_cols * sizeof *r);
    const char **names = malloc(n_cols * sizeof *names);
    if (!r || !names) {
        free(r), free(names);
        return plot_fail(err, "out of memory");
    }
    for (size_t i = 0; i < n_cols; i++) {
        names[i] = cols[i].name;
        for (size_t j = 0; j < n_cols; j++)
            r[i * n_cols + j] = i == j ? 1 : plot_pearson(cols[i].v, cols[j].v, n);
    }
    for (size_t i = 0; i < n_cols; i++) /* a constant column has no correlation, not even 1 */
        if (!isfinite(plot_pearson(cols[i].v, cols[i].v, n)))
            r[i * n_cols + i] = NAN;
    plot_box fig = plot_figure_begin(cv, plot_or(o->title, "Pearson correlation"));
    plot_colorbar cb = {1, -1, 1, 0, plot_cmap_diverging, "Correlation coefficient"};
    plot_axis x = {.categories = names, .n_categories = n_cols};
    plot_axis y = {.categories = names, .n_categories = n_cols};
    plot_axes ax;
    plot_axes_begin(&ax, cv, plot_box_square(cv, fig, plot_colorbar_width(cv, &cb)), &x, &y, &cb,
                    NULL);
    correlation_cells(&ax, r, n_cols);
    plot_axes_end(&ax);
    free(r);
    free(names);
    return 0;
}

/* ---- confusion ---- */

/* Cell text: the count, and below it the fraction of the true class. */
static void confusion_text(plot_axes *ax, size_t k, size_t col, size_t row, double count,
                           double fraction, plot_color bg)
{
    double cell = (ax->right - ax->left) / (double)k;
    plot_font big = cell_font(ax->cv, cell, 8), small = big;
    big.size = fmin(big.size * 1.3, PLOT_FONT_LABEL.size * 1.3);
    big.bold = 1;
    if (small.size == 0)
        return;
    char count_text[32], fraction_text[32];
    snprintf(count_text, sizeof count_text, "%.0f", count);
    plot_format_fixed(100 * fraction, 1, fraction_text, sizeof fraction_text);
    snprintf(fraction_text + strlen(fraction_text), sizeof fraction_text - strlen(fraction_text),
             " %%");
    double x = plot_axes_px(ax, (double)col), y = plot_axes_py(ax, (double)row);
    double line = plot_text_height(ax->cv, big) * 0.6;
    plot_color ink = plot_text_color_on(bg);
    plot_text(ax->cv, big, count_text, x, y - line / 2, PLOT_CENTER, PLOT_BOTTOM, 0, ink);
    plot_text(ax->cv, small, fraction_text, x, y + line / 2, PLOT_CENTER, PLOT_TOP, 0, ink);
}

/* Draw the k x k counts[true * k + predicted], normalised by true class. */
static void confusion_draw(plot_canvas *cv, const plot_options *o, const double *counts, size_t k,
                           const char *subtitle)
{
    plot_box fig = plot_figure_begin(cv, plot_or(o->title, "Confusion matrix"));
    plot_colorbar cb = {1, 0, 100, 0, plot_cmap_blues, "Fraction of the true class [%]"};
    plot_axis x = {.categories = o->classes,
                   .n_categories = k,
                   .label = plot_or(o->x_label, "Predicted class")};
    plot_axis y = {
        .categories = o->classes, .n_categories = k, .label = plot_or(o->y_label, "True class")};
    plot_axes ax;
    plot_axes_begin(&ax, cv, plot_box_square(cv, fig, plot_colorbar_width(cv, &cb)), &x, &y, &cb,
                    subtitle);
    for (size_t t = 0; t < k; t++) {
        double row_total = 0;
        for (size_t p = 0; p < k; p++)
            row_total += counts[t * k + p];
        for (size_t p = 0; p < k; p++) {
            double fraction = row_total > 0 ? counts[t * k + p] / row_total : 0;
            plot_color c = plot_cmap_blues(fraction);
            draw_cell(&ax, p, t, c);
            confusion_text(&ax, k, p, t, counts[t * k + p], fraction, c);
        }
    }
    plot_axes_end(&ax);
}

/* Counts[true][predicted]; returns -1 (err set) for a label not 0/1. */
static int confusion_counts(const plot_options *o, const double *score, const double *label,
                            size_t n, double counts[4], plot_err *err)
{
    for (size_t i = 0; i < n; i++) {
        if (label[i] != 0 && label[i] != 1)
            return plot_fail(err, "labels must be 0 or 1, but label %zu (of %zu) is %g", i + 1, n,
                             label[i]);
        counts[2 * (label[i] == 1) + (score[i] >= o->threshold)]++;
    }
    return 0;
}

void plot_confusion_subtitle(const plot_options *o, const double *score, size_t n,
                             double accuracy_percent, char *buf, size_t size)
{
    int classes = o->threshold > 0 && o->threshold <= 1;
    for (size_t i = 0; i < n && classes; i++)
        classes = score[i] == 0 || score[i] == 1;
    char threshold[32], accuracy[32];
    plot_format_sig(o->threshold, 3, threshold, sizeof threshold);
    plot_format_fixed(accuracy_percent, 2, accuracy, sizeof accuracy);
    if (classes)
        snprintf(buf, size, "classes as given, accuracy %s %%", accuracy);
    else
        snprintf(buf, size, "%s %s, accuracy %s %%", plot_or(o->threshold_name, "threshold"),
                 threshold, accuracy);
}

int plot_confusion(plot_canvas *cv, const plot_options *o, const double *score, const double *label,
                   size_t n, plot_err *err)
{
    double counts[4] = {0, 0, 0, 0};
    if (n == 0)
        return plot_fail(err, "no rows to plot");
    if (confusion_counts(o, score, label, n, counts, err))
        return -1;
    if (o->n_classes < 2)
        return plot_fail(err, "a confusion matrix needs 2 class names, got %zu", o->n_classes);
    char subtitle[128];
    plot_confusion_subtitle(o, score, n, 100 * (counts[0] + counts[3]) / (double)n, subtitle,
                            sizeof subtitle);
    confusion_draw(cv, o, counts, 2, subtitle);
    return 0;
}

/* Most classes a K x K confusion matrix shows. */
#define MAX_CLASSES 40

/* Whether v is a class index 0..k-1. */
static int is_class(double v, size_t k)
{
    return v >= 0 && v <= (double)(k - 1) && v == floor(v);
}

int plot_confusion_classes(plot_canvas *cv, const plot_options *o, const double *predicted,
                           const double *label, size_t n, plot_err *err)
{
    size_t k = o->n_classes;
    if (n == 0)
        return plot_fail(err, "no rows to plot");
    if (k < 2 || k > MAX_CLASSES)
        return plot_fail(err, "a confusion matrix shows 2 to %d classes, got %zu", MAX_CLASSES, k);
    double *counts = calloc(k * k, sizeof *counts);
    if (!counts)
        return plot_fail(err, "out of memory");
    size_t correct = 0;
    for (size_t i = 0; i < n; i++) {
        const double *bad = !is_class(label[i], k)       ? &label[i]
                            : !is_class(predicted[i], k) ? &predicted[i]
                                                         : NULL;
        if (bad) {
            free(counts);
            return plot_fail(err, "%s %zu (of %zu) is %g, expected a class index 0..%zu",
                             bad == &label[i] ? "label" : "predicted class", i + 1, n, *bad, k - 1);
        }
        counts[(size_t)label[i] * k + (size_t)predicted[i]]++;
        correct += label[i] == predicted[i];
    }
    char subtitle[128], accuracy[32];
    plot_format_fixed(100.0 * (double)correct / (double)n, 2, accuracy, sizeof accuracy);
    snprintf(subtitle, sizeof subtitle, "%zu classes, accuracy %s %%", k, accuracy);
    confusion_draw(cv, o, counts, k, subtitle);
    free(counts);
    return 0;
}
