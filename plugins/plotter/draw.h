/*
 * draw.h — the drawing toolkit the plot kinds share (internal to
 * pipe_plot): the canvas, colours and colour maps, text with a small
 * markup, figure and panel layout, axes with ticks, data marks
 * (lines, markers, 2-D density, histograms, heat-map cells), colour bars
 * and legends.
 *
 * Sizes are given in points and converted with the canvas DPI, so a
 * figure keeps its proportions at any resolution.
 */
#ifndef PIPE_PLOT_DRAW_H
#define PIPE_PLOT_DRAW_H

#include "plot.h"
#include "ticks.h"

#include <cairo.h>
#include <stdarg.h>

/* The data-to-pixel mapping of the axes begun last (plot_canvas_locate). */
typedef struct plot_frame {
    int set;
    double left, top, right, bottom;
    double x_lo, x_hi, y_lo, y_hi;
    int x_log, y_log;
} plot_frame;

struct plot_canvas {
    cairo_surface_t *surface;
    cairo_t *cr;
    int width, height;
    double dpi;
    plot_frame frame;
    char subtitle[400]; /* provenance line under the title, "" for none */
};

/* Points to pixels on this canvas. */
double plot_pt(const plot_canvas *cv, double pt);

/* Fill err with a message; returns -1. */
int plot_fail(plot_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A default when the option string is NULL or empty. */
const char *plot_or(const char *value, const char *fallback);

/* ---- colours (palette.c) ---- */
typedef struct plot_color {
    double r, g, b;
} plot_color;

/* A colour map: t in [0, 1] to a colour. */
typedef plot_color (*plot_cmap)(double t);

/* Series colour i of the Okabe–Ito palette (colour-blind safe). */
plot_color plot_series_color(size_t i);
plot_color plot_rgb(unsigned hex);
/* Perceptually uniform, colour-blind safe sequential map (viridis). */
plot_color plot_cmap_viridis(double t);
/* White to dark blue, for counts under printed numbers. */
plot_color plot_cmap_blues(double t);
/* Blue (t = 0) through white (0.5) to red (1), for signed values. */
plot_color plot_cmap_diverging(double t);
/* Black or white, whichever reads better on `background`. */
plot_color plot_text_color_on(plot_color background);
void plot_set_color(cairo_t *cr, plot_color c, double alpha);
/* An opaque pixel of a cairo ARGB32 surface. */
uint32_t plot_color_argb(plot_color c);

/* ---- text (text.c) ---- */
typedef enum { PLOT_LEFT, PLOT_CENTER, PLOT_RIGHT } plot_halign;
typedef enum { PLOT_TOP, PLOT_MIDDLE, PLOT_BASELINE, PLOT_BOTTOM } plot_valign;

typedef struct plot_font {
    double size; /* points */
    int bold;
} plot_font;

/* The fonts of a figure (sizes in points). */
#define PLOT_FONT_TITLE ((plot_font){13.0, 1})
#define PLOT_FONT_LABEL ((plot_font){11.0, 0})
#define PLOT_FONT_TICK ((plot_font){9.5, 0})
#define PLOT_FONT_SMALL ((plot_font){8.5, 0})

/* Width in px of a markup string. Markup: "^{..}" superscript,
 * "_{..}" subscript; everything else is literal UTF-8. */
double plot_text_width(plot_canvas *cv, plot_font f, const char *markup);
/* Height in px of one line (ascent + descent). */
double plot_text_height(plot_canvas *cv, plot_font f);
/* Draw markup anchored at (x, y), rotated by `angle` radians about the
 * anchor (−π/2 reads bottom to top). */
void plot_text(plot_canvas *cv, plot_font f, const char *markup, double x, double y, plot_halign h,
               plot_valign v, double angle, plot_color c);

/* ---- layout and axes (axes.c) ---- */
typedef struct plot_box {
    double x, y, w, h;
} plot_box;

/* Draw the figure title centred at the top, and under it the canvas's
 * subtitle (plot_canvas_set_subtitle) in small grey type; returns the
 * rest of the canvas (with a margin) for the panels. */
plot_box plot_figure_begin(plot_canvas *cv, const char *title);
/* Column i of n equal columns of `box`. */
plot_box plot_box_column(plot_box box, int i, int n);

/* What an axis shows. A categorical axis (categories != NULL) puts
 * category i at i, labelled, on [−0.5, n − 0.5]. */
typedef struct plot_axis {
    double lo, hi;
    int log;
    int integer; /* ticks only at whole numbers (epochs) */
    const char *label;
    const char *const *categories;
    size_t n_categories;
} plot_axis;

/* A colour bar to the right of the axes. */
typedef struct plot_colorbar {
    int shown;
    double lo, hi;
    int log;
    plot_cmap cmap;
    const char *label;
} plot_colorbar;

/* Coarse grid over the data area counting what was drawn where, so that
 * the legend goes where it hides the least. */
#define PLOT_OCC_COLS 48
#define PLOT_OCC_ROWS 36

typedef struct plot_axes {
    plot_canvas *cv;
    double left, top, right, bottom; /* the data area, px */
    plot_axis x, y;
    plot_ticks x_ticks, y_ticks;
    plot_colorbar colorbar;
    const char *title; /* of the panel, or NULL */
    /* copies of the texts, so that callers may pass temporary strings */
    char x_label[160], y_label[160], title_text[160], colorbar_label[160];
    unsigned occupancy[PLOT_OCC_ROWS][PLOT_OCC_COLS];
} plot_axes;

/* Lay out axes in `box`: ticks, then margins measured from the tick
 * labels, axis labels and colour bar. Draws the background grid. */
void plot_axes_begin(plot_axes *ax, plot_canvas *cv, plot_box box, const plot_axis *x,
                     const plot_axis *y, const plot_colorbar *colorbar, const char *title);
/* Draw the frame, ticks, labels and colour bar over the data. */
void plot_axes_end(plot_axes *ax);
/* Data to px; NAN for values a log axis cannot show. */
double plot_axes_px(const plot_axes *ax, double x);
double plot_axes_py(const plot_axes *ax, double y);
/* Restrict drawing to the data area (until plot_axes_unclip). */
void plot_axes_clip(plot_axes *ax);
void plot_axes_unclip(plot_axes *ax);
/* Record drawing at px (x, y), or over a px rectangle. */
void plot_axes_occupy(plot_axes *ax, double x, double y);
void plot_axes_occupy_rect(plot_axes *ax, double x0, double y0, double x1, double y1);
/* Sum of the occupancy under a px rectangle. */
unsigned long plot_axes_occupied(const plot_axes *ax, double x0, double y0, double x1, double y1);

/* ---- data marks (marks.c) ---- */
/* A polyline through the finite points (gaps at non-finite ones). */
void plot_line(plot_axes *ax, const double *x, const double *y, size_t n, plot_color c,
               double width_pt, int dashed);
/* A reference polyline (a guide such as y = x: the legend may cover
 * it), and a straight one between two data points. */
void plot_guide(plot_axes *ax, const double *x, const double *y, size_t n, plot_color c,
                double width_pt, int dashed);
void plot_segment(plot_axes *ax, double x0, double y0, double x1, double y1, plot_color c,
                  double width_pt, int dashed);
/* Translucent round markers. */
void plot_markers(plot_axes *ax, const double *x, const double *y, size_t n, plot_color c,
                  double radius_pt, double alpha);
/* Counts per cell of the 2-D density grid plot_density would draw. */
size_t plot_density_cell_px(const plot_axes *ax);
/* Draw a scatter as counts per square cell on a log viridis scale;
 * returns the largest count (for the colour bar). Empty cells stay
 * transparent. Returns 0 when out of memory (nothing drawn). */
double plot_density(plot_axes *ax, const double *x, const double *y, size_t n);
/* A new w × h ARGB32 surface to write pixels into (*data, rows of
 * *stride bytes); check cairo_surface_status() before writing. */
cairo_surface_t *plot_pixel_surface(size_t w, size_t h, unsigned char **data, int *stride);
/* Paint the w × h pixel surface s at (x, y), each pixel a sharp square of
 * `scale` px, framed by a thin dark line (image tiles). */
void plot_paint_cells(plot_canvas *cv, cairo_surface_t *s, double x, double y, double scale,
                      size_t w, size_t h);
/* A histogram as a step outline over a translucent fill; values at or
 * below the bottom of a log axis are not filled. */
void plot_hist_steps(plot_axes *ax, const double *edges, const double *values, size_t bins,
                     plot_color c, double fill_alpha, int dashed);
/* Vertical error bars with caps from lo[i] to hi[i] at x[i]. */
void plot_error_bars(plot_axes *ax, const double *x, const double *lo, const double *hi, size_t n,
                     plot_color c, double width_pt);
/* A filled rectangle in data coordinates. */
void plot_rect(plot_axes *ax, double x0, double y0, double x1, double y1, plot_color c,
               double alpha);

/* ---- legends and notes (legend.c) ---- */
/* Legend keys: a line, a dashed line, a translucent box with outline
 * (histograms), a solid box (bars), a marker, a line through a marker
 * (a profile), a box shaded with the viridis map from its low to its high
 * end (a 2-D density; the entry's colour is not used). */
typedef enum {
    PLOT_KEY_LINE,
    PLOT_KEY_DASH,
    PLOT_KEY_BOX,
    PLOT_KEY_SOLID,
    PLOT_KEY_MARKER,
    PLOT_KEY_LINE_MARKER,
    PLOT_KEY_CMAP
} plot_key;

#define PLOT_MAX_LEGEND 12
typedef struct plot_legend {
    size_t n;
    char text[PLOT_MAX_LEGEND][96];
    plot_color color[PLOT_MAX_LEGEND];
    plot_key key[PLOT_MAX_LEGEND];
} plot_legend;

/* Add an entry (printf format); extra entries beyond the maximum are
 * dropped. */
void plot_legend_add(plot_legend *lg, plot_key key, plot_color c, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Draw the legend in the corner of the data area that hides the least
 * data; nothing when it has fewer than `min_entries` entries. */
void plot_legend_draw(plot_axes *ax, const plot_legend *lg, size_t min_entries);
/* A small boxed text of one or more lines ("\n"-separated) in the least
 * occupied corner, e.g. "N = 1288\nMAE = 0.51 GeV". */
void plot_note_draw(plot_axes *ax, const char *text);

/* ---- colour bars (colorbar.c) ---- */
/* Width in px the colour bar needs right of the data area. */
double plot_colorbar_width(plot_canvas *cv, const plot_colorbar *cb);
/* Draw the colour bar of `ax` right of its data area. */
void plot_colorbar_draw(plot_axes *ax);

#endif
