/*
 * colorbar.c — the colour scale right of a heat map, density or image:
 * a bar painted with the colour map, ticks (linear or decades) and a
 * label, sharing the height of the data area.
 */
#include "draw.h"

#include <math.h>

#define BAR_GAP_PT 10.0
#define BAR_WIDTH_PT 11.0
#define TICK_PT 3.5
#define LABEL_GAP_PT 4.0
#define STRIPS 256

static void colorbar_ticks(const plot_colorbar *cb, plot_ticks *t)
{
    if (cb->log)
        plot_ticks_log(cb->lo, cb->hi, t);
    else
        plot_ticks_linear(cb->lo, cb->hi, 6, t);
}

static double widest(plot_canvas *cv, const plot_ticks *t)
{
    double w = 0;
    for (size_t i = 0; i < t->n_major; i++)
        w = fmax(w, plot_text_width(cv, PLOT_FONT_TICK, t->label[i]));
    return w;
}

double plot_colorbar_width(plot_canvas *cv, const plot_colorbar *cb)
{
    if (!cb->shown)
        return 0;
    plot_ticks t;
    colorbar_ticks(cb, &t);
    double w = plot_pt(cv, BAR_GAP_PT + BAR_WIDTH_PT + TICK_PT + LABEL_GAP_PT) + widest(cv, &t);
    if (cb->label && *cb->label)
        w += plot_pt(cv, LABEL_GAP_PT) + plot_text_height(cv, PLOT_FONT_LABEL);
    return w;
}

/* Position in [0, 1] of value v along the bar. */
static double bar_fraction(const plot_colorbar *cb, double v)
{
    if (cb->log)
        return log10(v / cb->lo) / log10(cb->hi / cb->lo);
    return (v - cb->lo) / (cb->hi - cb->lo);
}

static void paint_strips(plot_axes *ax, double x, double w)
{
    cairo_t *cr = ax->cv->cr;
    double h = ax->bottom - ax->top;
    for (int i = 0; i < STRIPS; i++) {
        double t = (i + 0.5) / STRIPS;
        double y0 = ax->bottom - h * (double)(i + 1) / STRIPS;
        plot_set_color(cr, ax->colorbar.cmap(t), 1);
        /* overlap by a pixel so that no seam shows between strips */
        cairo_rectangle(cr, x, y0, w, h / STRIPS + 1);
        cairo_fill(cr);
    }
}

void plot_colorbar_draw(plot_axes *ax)
{
    plot_canvas *cv = ax->cv;
    const plot_colorbar *cb = &ax->colorbar;
    cairo_t *cr = cv->cr;
    double x = ax->right + plot_pt(cv, BAR_GAP_PT), w = plot_pt(cv, BAR_WIDTH_PT);
    double h = ax->bottom - ax->top, tick = plot_pt(cv, TICK_PT);
    cairo_save(cr);
    cairo_rectangle(cr, x, ax->top, w, h);
    cairo_clip(cr);
    paint_strips(ax, x, w);
    cairo_restore(cr);

    plot_ticks t;
    colorbar_ticks(cb, &t);
    plot_set_color(cr, plot_rgb(0x222222), 1);
    cairo_set_line_width(cr, plot_pt(cv, 0.9));
    cairo_rectangle(cr, x, ax->top, w, h);
    for (size_t i = 0; i < t.n_major; i++) {
        double y = ax->bottom - bar_fraction(cb, t.major[i]) * h;
        cairo_move_to(cr, x + w, y);
        cairo_line_to(cr, x + w + tick, y);
    }
    cairo_stroke(cr);
    double label_x = x + w + tick + plot_pt(cv, LABEL_GAP_PT);
    for (size_t i = 0; i < t.n_major; i++)
        plot_text(cv, PLOT_FONT_TICK, t.label[i], label_x,
                  ax->bottom - bar_fraction(cb, t.major[i]) * h, PLOT_LEFT, PLOT_MIDDLE, 0,
                  plot_rgb(0x000000));
    if (cb->label && *cb->label) {
        double lx = label_x + widest(cv, &t) + plot_pt(cv, LABEL_GAP_PT);
        plot_text(cv, PLOT_FONT_LABEL, cb->label, lx, (ax->top + ax->bottom) / 2, PLOT_CENTER,
                  PLOT_TOP, -M_PI / 2, plot_rgb(0x000000));
    }
}
