/*
 * marks.c — what data looks like on the axes: polylines, segments,
 * translucent markers, the 2-D density of a large scatter, histogram
 * steps, bands and rectangles. Every mark is clipped to the data area and
 * recorded in the axes' occupancy grid for the legend placement.
 */
#include "draw.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* Edge of a density cell in points. */
#define DENSITY_CELL_PT 2.0

static void set_dash(plot_axes *ax, int dashed)
{
    double dash[2] = {plot_pt(ax->cv, 5.0), plot_pt(ax->cv, 3.0)};
    cairo_set_dash(ax->cv->cr, dash, dashed ? 2 : 0, 0);
}

/* Record points along a px segment in the occupancy grid. */
static void occupy_segment(plot_axes *ax, double x0, double y0, double x1, double y1)
{
    double cell = (ax->right - ax->left) / PLOT_OCC_COLS / 2;
    int steps = (int)(hypot(x1 - x0, y1 - y0) / cell) + 1;
    if (steps > 4 * PLOT_OCC_COLS)
        steps = 4 * PLOT_OCC_COLS;
    for (int i = 0; i <= steps; i++) {
        double f = (double)i / steps;
        plot_axes_occupy(ax, x0 + f * (x1 - x0), y0 + f * (y1 - y0));
    }
}

/* Stroke a polyline; `occupy` records it for the legend placement. */
static void stroke_line(plot_axes *ax, const double *x, const double *y, size_t n, plot_color c,
                        double width_pt, int dashed, int occupy)
{
    cairo_t *cr = ax->cv->cr;
    plot_axes_clip(ax);
    int open = 0;
    double last_x = 0, last_y = 0;
    for (size_t i = 0; i < n; i++) {
        double px = plot_axes_px(ax, x[i]), py = plot_axes_py(ax, y[i]);
        if (!isfinite(px) || !isfinite(py)) {
            open = 0;
            continue;
        }
        /* thin out vertices closer than half a pixel (long ROC curves) */
        if (open && i + 1 < n && fabs(px - last_x) < 0.5 && fabs(py - last_y) < 0.5)
            continue;
        if (open)
            cairo_line_to(cr, px, py);
        else
            cairo_move_to(cr, px, py);
        if (occupy && open)
            occupy_segment(ax, last_x, last_y, px, py);
        else if (occupy)
            plot_axes_occupy(ax, px, py);
        open = 1;
        last_x = px, last_y = py;
    }
    plot_set_color(cr, c, 1);
    cairo_set_line_width(cr, plot_pt(ax->cv, width_pt));
    set_dash(ax, dashed);
    cairo_stroke(cr);
    set_dash(ax, 0);
    plot_axes_unclip(ax);
}

void plot_line(plot_axes *ax, const double *x, const double *y, size_t n, plot_color c,
               double width_pt, int dashed)
{
    stroke_line(ax, x, y, n, c, width_pt, dashed, 1);
}

void plot_guide(plot_axes *ax, const double *x, const double *y, size_t n, plot_color c,
                double width_pt, int dashed)
{
    stroke_line(ax, x, y, n, c, width_pt, dashed, 0);
}

void plot_segment(plot_axes *ax, double x0, double y0, double x1, double y1, plot_color c,
                  double width_pt, int dashed)
{
    double x[2] = {x0, x1}, y[2] = {y0, y1};
    stroke_line(ax, x, y, 2, c, width_pt, dashed, 0);
}

void plot_markers(plot_axes *ax, const double *x, const double *y, size_t n, plot_color c,
                  double radius_pt, double alpha)
{
    cairo_t *cr = ax->cv->cr;
    double r = plot_pt(ax->cv, radius_pt);
    plot_axes_clip(ax);
    plot_set_color(cr, c, alpha);
    for (size_t i = 0; i < n; i++) {
        double px = plot_axes_px(ax, x[i]), py = plot_axes_py(ax, y[i]);
        if (!isfinite(px) || !isfinite(py))
            continue;
        cairo_new_sub_path(cr);
        cairo_arc(cr, px, py, r, 0, 2 * M_PI);
        cairo_fill(cr);
        plot_axes_occupy(ax, px, py);
    }
    plot_axes_unclip(ax);
}

size_t plot_density_cell_px(const plot_axes *ax)
{
    double cell = round(plot_pt(ax->cv, DENSITY_CELL_PT));
    return cell < 1 ? 1 : (size_t)cell;
}

/* Count the points per cell of a gw × gh grid over the data area. */
static unsigned count_cells(plot_axes *ax, const double *x, const double *y, size_t n, size_t cell,
                            size_t gw, size_t gh, unsigned *counts)
{
    unsigned max = 0;
    for (size_t i = 0; i < n; i++) {
        double px = plot_axes_px(ax, x[i]), py = plot_axes_py(ax, y[i]);
        if (!(px >= ax->left && px < ax->right && py >= ax->top && py < ax->bottom))
            continue;
        size_t c = (size_t)((px - ax->left) / cell), r = (size_t)((py - ax->top) / cell);
        if (c >= gw || r >= gh)
            continue;
        unsigned v = ++counts[r * gw + c];
        if (v > max)
            max = v;
    }
    return max;
}

cairo_surface_t *plot_pixel_surface(size_t w, size_t h, unsigned char **data, int *stride)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)w, (int)h);
    cairo_surface_flush(s);
    *data = cairo_image_surface_get_data(s);
    *stride = cairo_image_surface_get_stride(s);
    return s;
}

void plot_paint_cells(plot_canvas *cv, cairo_surface_t *s, double x, double y, double scale,
                      size_t w, size_t h)
{
    cairo_t *cr = cv->cr;
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, scale, scale);
    cairo_set_source_surface(cr, s, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_rectangle(cr, x, y, (double)w * scale, (double)h * scale);
    plot_set_color(cr, plot_rgb(0x222222), 1);
    cairo_set_line_width(cr, plot_pt(cv, 0.6));
    cairo_stroke(cr);
}

/* Paint the counts as opaque viridis cells into a gw × gh ARGB surface. */
static cairo_surface_t *cells_surface(const unsigned *counts, size_t gw, size_t gh, unsigned max)
{
    unsigned char *data;
    int stride;
    cairo_surface_t *s = plot_pixel_surface(gw, gh, &data, &stride);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
        return s;
    double log_max = log((double)(max > 1 ? max : 2));
    for (size_t r = 0; r < gh; r++) {
        uint32_t *row = (uint32_t *)(void *)(data + r * (size_t)stride);
        for (size_t c = 0; c < gw; c++) {
            unsigned v = counts[r * gw + c];
            if (!v) {
                row[c] = 0;
                continue;
            }
            plot_color col = plot_cmap_viridis(log((double)v) / log_max);
            row[c] = plot_color_argb(col);
        }
    }
    cairo_surface_mark_dirty(s);
    return s;
}

double plot_density(plot_axes *ax, const double *x, const double *y, size_t n)
{
    size_t cell = plot_density_cell_px(ax);
    size_t gw = (size_t)ceil((ax->right - ax->left) / cell);
    size_t gh = (size_t)ceil((ax->bottom - ax->top) / cell);
    unsigned *counts = calloc(gw * gh, sizeof *counts);
    if (!counts)
        return 0;
    unsigned max = count_cells(ax, x, y, n, cell, gw, gh, counts);
    cairo_surface_t *s = cells_surface(counts, gw, gh, max);
    if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
        cairo_t *cr = ax->cv->cr;
        plot_axes_clip(ax);
        cairo_translate(cr, ax->left, ax->top);
        cairo_scale(cr, (double)cell, (double)cell);
        cairo_set_source_surface(cr, s, 0, 0);
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
        cairo_paint(cr);
        plot_axes_unclip(ax);
        for (size_t r = 0; r < gh; r++)
            for (size_t c = 0; c < gw; c++)
                if (counts[r * gw + c])
                    plot_axes_occupy(ax, ax->left + (c + 0.5) * cell, ax->top + (r + 0.5) * cell);
    }
    cairo_surface_destroy(s);
    free(counts);
    return max;
}

/* y in px of a histogram value; values a log axis cannot show sit on
 * the bottom edge. */
static double hist_py(const plot_axes *ax, double v)
{
    double py = plot_axes_py(ax, v);
    return isfinite(py) ? py : ax->bottom;
}

void plot_hist_steps(plot_axes *ax, const double *edges, const double *values, size_t bins,
                     plot_color c, double fill_alpha, int dashed)
{
    cairo_t *cr = ax->cv->cr;
    double base = ax->y.log ? ax->bottom : fmin(fmax(plot_axes_py(ax, 0), ax->top), ax->bottom);
    plot_axes_clip(ax);
    cairo_move_to(cr, plot_axes_px(ax, edges[0]), base);
    for (size_t i = 0; i < bins; i++) {
        double x0 = plot_axes_px(ax, edges[i]), x1 = plot_axes_px(ax, edges[i + 1]);
        double y = hist_py(ax, values[i]);
        cairo_line_to(cr, x0, y);
        cairo_line_to(cr, x1, y);
        if (y < base)
            plot_axes_occupy_rect(ax, x0, y, x1, base);
    }
    cairo_line_to(cr, plot_axes_px(ax, edges[bins]), base);
    if (fill_alpha > 0) {
        plot_set_color(cr, c, fill_alpha);
        cairo_fill_preserve(cr);
    }
    plot_set_color(cr, c, 1);
    cairo_set_line_width(cr, plot_pt(ax->cv, 1.4));
    set_dash(ax, dashed);
    cairo_stroke(cr);
    set_dash(ax, 0);
    plot_axes_unclip(ax);
}

void plot_error_bars(plot_axes *ax, const double *x, const double *lo, const double *hi, size_t n,
                     plot_color c, double width_pt)
{
    cairo_t *cr = ax->cv->cr;
    double cap = plot_pt(ax->cv, 2.5);
    plot_axes_clip(ax);
    for (size_t i = 0; i < n; i++) {
        double px = plot_axes_px(ax, x[i]), y0 = plot_axes_py(ax, lo[i]),
               y1 = plot_axes_py(ax, hi[i]);
        if (!isfinite(px) || !isfinite(y0) || !isfinite(y1))
            continue;
        cairo_move_to(cr, px, y0);
        cairo_line_to(cr, px, y1);
        cairo_move_to(cr, px - cap, y0);
        cairo_line_to(cr, px + cap, y0);
        cairo_move_to(cr, px - cap, y1);
        cairo_line_to(cr, px + cap, y1);
        plot_axes_occupy_rect(ax, px, y0, px, y1);
    }
    plot_set_color(cr, c, 1);
    cairo_set_line_width(cr, plot_pt(ax->cv, width_pt));
    cairo_stroke(cr);
    plot_axes_unclip(ax);
}

void plot_rect(plot_axes *ax, double x0, double y0, double x1, double y1, plot_color c,
               double alpha)
{
    cairo_t *cr = ax->cv->cr;
    /* whole pixels, so that adjacent cells leave no seam */
    double px0 = round(plot_axes_px(ax, x0)), px1 = round(plot_axes_px(ax, x1));
    double py0 = round(plot_axes_py(ax, y0)), py1 = round(plot_axes_py(ax, y1));
    plot_axes_clip(ax);
    cairo_rectangle(cr, fmin(px0, px1), fmin(py0, py1), fabs(px1 - px0), fabs(py1 - py0));
    plot_set_color(cr, c, alpha);
    cairo_fill(cr);
    plot_axes_unclip(ax);
    plot_axes_occupy_rect(ax, px0, py0, px1, py1);
}
