/*
 * plot_spectrum.c — the dielectron invariant-mass spectrum, the classic
 * CMS plot: events per GeV in logarithmic mass bins on log–log axes,
 * with the J/ψ, Υ(1S) and Z resonances named above their peaks when
 * asked.
 */
#include "kinds.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* A resonance to name: its mass in GeV (PDG 2024) and label. */
typedef struct resonance {
    double mass;
    const char *label;
} resonance;

static const resonance resonances[] = {
    {3.0969, "J/ψ"},
    {9.4603, "Υ"},
    {91.1880, "Z"},
};

/* Default bins: about 20 events per bin, between 40 and 200 bins. */
static size_t default_bins(size_t n)
{
    size_t bins = n / 20;
    return bins < 40 ? 40 : bins > 200 ? 200 : bins;
}

/* The largest density among the bins within ±4 % of `mass`, or 0. */
static double peak_height(const double *edges, const double *density, size_t bins, double mass)
{
    double top = 0;
    for (size_t i = 0; i < bins; i++)
        if (edges[i + 1] > mass * 0.96 && edges[i] < mass * 1.04)
            top = fmax(top, density[i]);
    return top;
}

/* Name each resonance inside the mass range above its peak. */
static void label_peaks(plot_axes *ax, const double *edges, const double *density, size_t bins)
{
    plot_canvas *cv = ax->cv;
    cairo_t *cr = cv->cr;
    double gap = plot_pt(cv, 5), stem = plot_pt(cv, 14);
    for (size_t k = 0; k < sizeof resonances / sizeof resonances[0]; k++) {
        double m = resonances[k].mass;
        double top = peak_height(edges, density, bins, m);
        if (m < ax->x.lo || m > ax->x.hi || !(top > 0))
            continue;
        double x = plot_axes_px(ax, m), y = plot_axes_py(ax, top) - gap;
        cairo_move_to(cr, x, y);
        cairo_line_to(cr, x, y - stem);
        plot_set_color(cr, plot_rgb(0x000000), 1);
        cairo_set_line_width(cr, plot_pt(cv, 0.9));
        cairo_stroke(cr);
        plot_text(cv, PLOT_FONT_LABEL, resonances[k].label, x, y - stem - plot_pt(cv, 2),
                  PLOT_CENTER, PLOT_BOTTOM, 0, plot_rgb(0x000000));
        plot_axes_occupy_rect(ax, x - stem, y - stem - plot_pt(cv, 16), x + stem, y);
    }
}

/* Events per unit of mass in each bin, and the smallest nonzero one. */
static double to_density(const double *edges, double *counts, size_t bins)
{
    double smallest = 0;
    for (size_t i = 0; i < bins; i++) {
        counts[i] /= edges[i + 1] - edges[i];
        if (counts[i] > 0 && (smallest == 0 || counts[i] < smallest))
            smallest = counts[i];
    }
    return smallest;
}

static void spectrum_axes(plot_canvas *cv, const plot_options *o, plot_box box, double lo,
                          double hi, double dmin, double dmax, plot_axes *ax)
{
    char x_label[96], y_label[64];
    plot_label_unit(x_label, sizeof x_label, o->variable, o->unit);
    if (o->unit && *o->unit)
        snprintf(y_label, sizeof y_label, "Events / %s", o->unit);
    else
        snprintf(y_label, sizeof y_label, "Events / unit");
    plot_axis x = {.lo = lo, .hi = hi, .log = 1, .label = plot_or(o->x_label, x_label)};
    /* headroom above the highest bin for the peak labels */
    plot_axis y = {.lo = dmin / 3, .hi = dmax * 8, .log = 1, .label = plot_or(o->y_label, y_label)};
    plot_axes_begin(ax, cv, box, &x, &y, NULL, NULL);
}

int plot_mass_spectrum(plot_canvas *cv, const plot_options *o, const double *mass, size_t n,
                       plot_err *err)
{
    if (n == 0)
        return plot_fail(err, "no rows to plot");
    if (plot_require_positive(mass, n, "masses", err))
        return -1;
    double lo, hi;
    plot_min_max(mass, n, &lo, &hi);
    lo *= 0.97, hi *= 1.03;
    size_t bins = o->bins > 0 ? (size_t)o->bins : default_bins(n);
    double *edges = malloc((bins + 1) * sizeof *edges), *density = malloc(bins * sizeof *density);
    if (!edges || !density) {
        free(edges), free(density);
        return plot_fail(err, "out of memory");
    }
    plot_edges_log(lo, hi, bins, edges);
    plot_histogram_weighted(mass, o->weight, n, edges, bins, density, NULL, NULL);
    double dmin = to_density(edges, density, bins), unused, dmax;
    plot_min_max(density, bins, &unused, &dmax);
    plot_box fig = plot_figure_begin(cv, plot_or(o->title, "Dielectron invariant mass spectrum"));
    plot_axes ax;
    spectrum_axes(cv, o, fig, lo, hi, dmin, dmax, &ax);
    plot_hist_steps(&ax, edges, density, bins, plot_series_color(0), 0.25, 0);
    if (o->label_peaks)
        label_peaks(&ax, edges, density, bins);
    char note[128];
    double sum = 0;
    for (size_t i = 0; o->weight && i < n; i++)
        sum += o->weight[i];
    if (o->weight)
        snprintf(note, sizeof note, "%zu events, weight %.4g\n%zu log bins", n, sum, bins);
    else
        snprintf(note, sizeof note, "%zu events\n%zu log bins", n, bins);
    plot_note_draw(&ax, note);
    plot_axes_end(&ax);
    free(edges);
    free(density);
    return 0;
}
