/*
 * plot_bars.c — a grouped bar chart comparing models on chosen metrics:
 * one group per metric, one bar per model in the model's colour, the
 * value printed above each bar.
 */
#include "kinds.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Fraction of a group's width that its bars fill. */
#define GROUP_FILL 0.8

/* The value axis: zero, the values, room for the printed values and,
 * above the bars, for the legend of n_models entries. */
static void value_range(const plot_vec *metrics, size_t n_metrics, size_t n_models, double *lo,
                        double *hi)
{
    *lo = 0, *hi = 0;
    for (size_t j = 0; j < n_metrics; j++)
        for (size_t i = 0; i < n_models; i++) {
            *lo = fmin(*lo, metrics[j].v[i]);
            *hi = fmax(*hi, metrics[j].v[i]);
        }
    /* room for the printed values */
    double span = *hi - *lo > 0 ? *hi - *lo : 1;
    if (*hi > 0)
        *hi += (0.12 + (n_models > 1 ? 0.075 * (double)n_models + 0.04 : 0)) * span;
    if (*lo < 0)
        *lo -= 0.12 * span;
}

/* The bar of model i in group j, with its value above (or below). */
static void draw_bar(plot_axes *ax, size_t j, size_t i, size_t n_models, double v)
{
    double width = GROUP_FILL / (double)n_models;
    double x0 = (double)j - GROUP_FILL / 2 + width * (double)i;
    plot_color c = plot_series_color(i);
    plot_rect(ax, x0 + width * 0.05, 0, x0 + width * 0.95, v, c, 1.0);
    char text[32];
    plot_format_sig(v, 3, text, sizeof text);
    double gap = plot_pt(ax->cv, 2.5);
    double cell_pt = (plot_axes_px(ax, width) - plot_axes_px(ax, 0)) / plot_pt(ax->cv, 1.0);
    plot_font f = {fmin(PLOT_FONT_TICK.size, cell_pt / 2.6), 0};
    if (f.size < 5)
        return;
    plot_text(ax->cv, f, text, plot_axes_px(ax, x0 + width / 2),
              plot_axes_py(ax, v) + (v < 0 ? gap : -gap), PLOT_CENTER,
              v < 0 ? PLOT_TOP : PLOT_BOTTOM, 0, plot_rgb(0x000000));
}

int plot_bars(plot_canvas *cv, const plot_options *o, const plot_vec *metrics, size_t n_metrics,
              const char *const *models, size_t n_models, plot_err *err)
{
    if (n_metrics == 0 || n_models == 0)
        return plot_fail(err,
                         "a bar chart needs at least one metric and one model, got %zu and %zu",
                         n_metrics, n_models);
    if (n_models > PLOT_MAX_SERIES)
        return plot_fail(err, "a bar chart compares at most %d models, got %zu", PLOT_MAX_SERIES,
                         n_models);
    const char **names = malloc(n_metrics * sizeof *names);
    if (!names)
        return plot_fail(err, "out of memory");
    for (size_t j = 0; j < n_metrics; j++)
        names[j] = metrics[j].name;
    double lo, hi;
    value_range(metrics, n_metrics, n_models, &lo, &hi);
    plot_box fig = plot_figure_begin(cv, plot_or(o->title, "Model comparison"));
    plot_axis x = {
        .categories = names, .n_categories = n_metrics, .label = plot_or(o->x_label, "Metric")};
    plot_axis y = {.lo = lo, .hi = hi, .label = plot_or(o->y_label, "Metric value")};
    plot_axes ax;
    plot_legend lg = {0};
    plot_axes_begin(&ax, cv, fig, &x, &y, NULL, NULL);
    for (size_t i = 0; i < n_models; i++) {
        for (size_t j = 0; j < n_metrics; j++)
            draw_bar(&ax, j, i, n_models, metrics[j].v[i]);
        plot_legend_add(&lg, PLOT_KEY_SOLID, plot_series_color(i), "%s", models[i]);
    }
    if (lo < 0)
        plot_segment(&ax, -0.5, 0, n_metrics - 0.5, 0, plot_rgb(0x000000), 0.9, 0);
    plot_legend_draw(&ax, &lg, 2);
    plot_axes_end(&ax);
    free(names);
    return 0;
}
