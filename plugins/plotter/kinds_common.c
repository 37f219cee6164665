/*
 * kinds_common.c — pieces several plot kinds share: labels with units,
 * range padding, robust limits, scatters (markers or density), square
 * axes and histogram panels. See kinds.h.
 */
#include "kinds.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void plot_label_unit(char *buf, size_t size, const char *name, const char *unit)
{
    if (unit && *unit)
        snprintf(buf, size, "%s [%s]", name, unit);
    else
        snprintf(buf, size, "%s", name);
}

void plot_pad_range(double *lo, double *hi, int log, double fraction)
{
    if (log) {
        double a = log10(*lo), b = log10(*hi), pad = b > a ? (b - a) * fraction : 0.5;
        *lo = pow(10.0, a - pad);
        *hi = pow(10.0, b + pad);
        return;
    }
    double pad = *hi > *lo ? (*hi - *lo) * fraction : (*lo != 0 ? fabs(*lo) * 0.1 : 1.0);
    *lo -= pad;
    *hi += pad;
}

double plot_robust_max(const double *v, size_t n)
{
    double lo, hi;
    plot_min_max(v, n, &lo, &hi);
    double q = plot_quantile(v, n, 0.995);
    if (isfinite(q) && q > 0 && hi > 3 * q)
        return 1.1 * q;
    return hi;
}

int plot_scatter_is_density(const plot_options *o, size_t n)
{
    if (o->scatter == PLOT_SCATTER_AUTO)
        return n > PLOT_SCATTER_AUTO_LIMIT;
    return o->scatter == PLOT_SCATTER_DENSITY;
}

plot_colorbar plot_scatter_colorbar(const plot_options *o, size_t n)
{
    plot_colorbar cb = {0};
    if (!plot_scatter_is_density(o, n))
        return cb;
    cb.shown = 1;
    cb.lo = 1;
    cb.hi = n > 10 ? (double)n : 10; /* the real maximum is set once counted */
    cb.log = 1;
    cb.cmap = plot_cmap_viridis;
    cb.label = "Events / cell";
    return cb;
}

void plot_scatter(plot_axes *ax, const plot_options *o, const double *x, const double *y, size_t n,
                  plot_legend *lg)
{
    if (plot_scatter_is_density(o, n)) {
        double max = plot_density(ax, x, y, n);
        ax->colorbar.hi = max > 1 ? max : 2;
        plot_legend_add(lg, PLOT_KEY_CMAP, plot_cmap_viridis(0.5), "events (density)");
        return;
    }
    /* fainter markers as they get more numerous, so overlaps still show */
    double alpha = n > 0 ? fmin(0.8, fmax(0.15, 300.0 / (double)n)) : 0.8;
    plot_markers(ax, x, y, n, plot_series_color(0), 2.0, alpha);
    plot_legend_add(lg, PLOT_KEY_MARKER, plot_series_color(0), "events");
}

plot_box plot_box_square(plot_canvas *cv, plot_box box, double extra_w)
{
    /* room for the y tick labels and axis label, then the square */
    double side = box.h - plot_pt(cv, 40);
    double w = side + plot_pt(cv, 70) + extra_w;
    if (w < box.w) {
        box.x += (box.w - w) / 2;
        box.w = w;
    }
    return box;
}

void plot_nice_bins(double *lo, double *hi, size_t *bins)
{
    static const double mantissas[] = {1, 2, 2.5, 5, 10};
    double raw = (*hi - *lo) / (double)*bins;
    if (!(raw > 0))
        return;
    double decade = pow(10.0, floor(log10(raw)));
    double width = 10 * decade;
    for (size_t i = 0; i < sizeof mantissas / sizeof mantissas[0]; i++)
        if (mantissas[i] * decade >= raw * (1 - 1e-9)) {
            width = mantissas[i] * decade;
            break;
        }
    double first = floor(*lo / width + 1e-9), last = ceil(*hi / width - 1e-9);
    *lo = first * width;
    *hi = last * width;
    *bins = (size_t)(last - first + 0.5);
    if (*bins == 0)
        *bins = 1, *hi = *lo + width;
}

int plot_require_positive(const double *v, size_t n, const char *what, plot_err *err)
{
    for (size_t i = 0; i < n; i++)
        if (!(v[i] > 0))
            return plot_fail(err,
                             "a logarithmic axis needs positive %s, but value %zu (of %zu) is %g",
                             what, i + 1, n, v[i]);
    return 0;
}

int plot_binned_profile(const plot_axes *ax, const double *x, const double *y, size_t n,
                        size_t bins, plot_binned *out)
{
    double *block = malloc((4 * bins + 1) * sizeof *block);
    *out = (plot_binned){bins, block, block + bins, block + 2 * bins};
    if (!block)
        return -1;
    double *edges = block + 3 * bins; /* bins + 1 values */
    if (ax->x.log)
        plot_edges_log(ax->x.lo, ax->x.hi, bins, edges);
    else
        plot_edges_linear(ax->x.lo, ax->x.hi, bins, edges);
    plot_profile(x, y, n, edges, bins, out->mean, out->sd, NULL);
    for (size_t b = 0; b < bins; b++)
        out->centre[b] = ax->x.log ? sqrt(edges[b] * edges[b + 1]) : (edges[b] + edges[b + 1]) / 2;
    return 0;
}

void plot_binned_free(plot_binned *b)
{
    free(b->centre);
    *b = (plot_binned){0};
}

/* The note of a histogram panel. */
static void hist_note(plot_axes *ax, const plot_hist_panel *p, size_t under, size_t over)
{
    char note[512], mean[32], median[32];
    const char *u = p->stats_unit ? p->stats_unit : "";
    plot_format_value(plot_mean(p->values, p->n), 3, mean, sizeof mean);
    plot_format_value(plot_quantile(p->values, p->n, 0.5), 3, median, sizeof median);
    int len = snprintf(note, sizeof note, "entries %zu\nmean %s%s%s\nmedian %s%s%s", p->n, mean,
                       *u ? " " : "", u, median, *u ? " " : "", u);
    if (over > 0 && len > 0 && (size_t)len < sizeof note)
        len += snprintf(note + len, sizeof note - (size_t)len, "\noverflow %zu", over);
    if (under > 0 && len > 0 && (size_t)len < sizeof note)
        len += snprintf(note + len, sizeof note - (size_t)len, "\nunderflow %zu", under);
    if (p->extra_note && len > 0 && (size_t)len < sizeof note)
        snprintf(note + len, sizeof note - (size_t)len, "\n%s", p->extra_note);
    plot_note_draw(ax, note);
}

void plot_hist_panel_draw(plot_canvas *cv, plot_box box, const plot_hist_panel *p)
{
    double lo = p->lo, hi = p->hi;
    size_t bins = p->bins;
    plot_nice_bins(&lo, &hi, &bins);
    double *edges = malloc((bins + 1) * sizeof *edges);
    double *counts = malloc(bins * sizeof *counts);
    if (!edges || !counts) {
        free(edges), free(counts);
        return;
    }
    size_t under, over;
    plot_edges_linear(lo, hi, bins, edges);
    plot_histogram_weighted(p->values, p->weights, p->n, edges, bins, counts, &under, &over);
    double min, max;
    plot_min_max(counts, bins, &min, &max);
    char width[32], y_label[96];
    plot_format_sig((hi - lo) / (double)bins, 3, width, sizeof width);
    snprintf(y_label, sizeof y_label, "%s / %s%s%s", p->weights ? "Weighted events" : "Events",
             width, p->unit && *p->unit ? " " : "", p->unit ? p->unit : "");
    plot_axis x = {.lo = lo, .hi = hi, .label = p->x_label};
    plot_axis y = {.lo = 0, .hi = fmax(max, 1) * 1.15, .log = p->log_y, .label = y_label};
    if (p->log_y)
        y.lo = 0.5, y.hi = fmax(max, 1) * 4;
    plot_axes ax;
    plot_axes_begin(&ax, cv, box, &x, &y, NULL, p->title);
    plot_hist_steps(&ax, edges, counts, bins, plot_series_color(0), 0.25, 0);
    hist_note(&ax, p, under, over);
    plot_axes_end(&ax);
    free(edges);
    free(counts);
}
