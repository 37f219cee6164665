/*
 * axes.c — figure layout and axes: the figure title, panels, the data
 * area with margins measured from what goes around it, the mapping from
 * data to pixels (linear, logarithmic or categorical), the background
 * grid, the frame with inward major and minor ticks on all four sides,
 * tick labels and axis labels, and the occupancy grid the legend uses.
 */
#include "draw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Spacing in points. */
#define MARGIN_PT 8.0
#define GAP_PT 4.0
#define MAJOR_TICK_PT 5.0
#define MINOR_TICK_PT 2.5
#define FRAME_PT 0.9
#define GRID_PT 0.6
/* Spacing of ticks the layout aims for, in points (the same on both
 * axes, so that square axes get the same ticks). */
#define TICK_SPACING_PT 56.0

static const unsigned frame_hex = 0x222222;
static const unsigned grid_hex = 0xE4E4E4;
/* The grey of the provenance subtitle. */
#define SUBTITLE_HEX 0x505050

plot_box plot_figure_begin(plot_canvas *cv, const char *title)
{
    double m = plot_pt(cv, MARGIN_PT);
    double top = m;
    if (title && *title) {
        plot_text(cv, PLOT_FONT_TITLE, title, cv->width / 2.0, m, PLOT_CENTER, PLOT_TOP, 0,
                  plot_rgb(0x000000));
        top += plot_text_height(cv, PLOT_FONT_TITLE) + plot_pt(cv, GAP_PT);
    }
    if (cv->subtitle[0]) {
        /* shrink a long line to the width of the canvas (not below 6 pt) */
        plot_font f = PLOT_FONT_SMALL;
        double room = cv->width - 2 * m, w = plot_text_width(cv, f, cv->subtitle);
        if (w > room)
            f.size = fmax(6.0, f.size * room / w);
        plot_text(cv, f, cv->subtitle, cv->width / 2.0, top, PLOT_CENTER, PLOT_TOP, 0,
                  plot_rgb(SUBTITLE_HEX));
        top += plot_text_height(cv, f) + plot_pt(cv, GAP_PT);
    }
    return (plot_box){m, top, cv->width - 2 * m, cv->height - top - m};
}

plot_box plot_box_column(plot_box box, int i, int n)
{
    double w = box.w / n;
    return (plot_box){box.x + i * w, box.y, w, box.h};
}

static int is_categorical(const plot_axis *a)
{
    return a->categories != NULL;
}

/* Ticks of one axis spanning `length_px`. */
static void axis_ticks(plot_canvas *cv, const plot_axis *a, double length_px, plot_ticks *t)
{
    if (is_categorical(a)) {
        memset(t, 0, sizeof *t);
        for (size_t i = 0; i < a->n_categories && i < PLOT_MAX_TICKS; i++) {
            t->major[t->n_major] = (double)i;
            snprintf(t->label[t->n_major], PLOT_TICK_LABEL, "%s", a->categories[i]);
            t->n_major++;
        }
    } else if (a->log) {
        plot_ticks_log(a->lo, a->hi, t);
    } else {
        int target = (int)(length_px / plot_pt(cv, TICK_SPACING_PT)) + 1;
        plot_ticks_linear(a->lo, a->hi, target < 3 ? 3 : target > 11 ? 11 : target, t);
        if (a->integer && t->step < 1) {
            int whole = (int)(floor(a->hi) - ceil(a->lo)) + 1;
            plot_ticks_linear(a->lo, a->hi, whole < 2 ? 2 : whole, t);
        }
    }
}

static double widest_label(plot_canvas *cv, const plot_ticks *t)
{
    double w = 0;
    for (size_t i = 0; i < t->n_major; i++)
        w = fmax(w, plot_text_width(cv, PLOT_FONT_TICK, t->label[i]));
    return w;
}

/* Whether categorical x labels must be turned to fit their cells. */
static int x_labels_turned(const plot_axes *ax)
{
    if (!is_categorical(&ax->x) || ax->x.n_categories == 0)
        return 0;
    double cell = (ax->right - ax->left) / ax->x.n_categories;
    return widest_label(ax->cv, &ax->x_ticks) > cell * 0.9;
}

/* Height the x tick labels take below the axis. */
static double x_labels_height(const plot_axes *ax)
{
    double h = plot_text_height(ax->cv, PLOT_FONT_TICK);
    if (x_labels_turned(ax))
        return widest_label(ax->cv, &ax->x_ticks) * M_SQRT1_2 + h;
    return h;
}

/* Set the data area of `ax` inside `box`. */
static void layout(plot_axes *ax, plot_box box)
{
    plot_canvas *cv = ax->cv;
    double gap = plot_pt(cv, GAP_PT), label_h = plot_text_height(cv, PLOT_FONT_LABEL);
    double left = box.x + gap + widest_label(cv, &ax->y_ticks) + gap;
    if (ax->y.label && *ax->y.label)
        left += label_h + gap;
    double top = box.y + plot_text_height(cv, PLOT_FONT_TICK) / 2;
    if (ax->title && *ax->title)
        top = box.y + label_h + gap;
    double right = box.x + box.w - plot_pt(cv, MARGIN_PT) - plot_colorbar_width(cv, &ax->colorbar);
    ax->left = left, ax->right = right, ax->top = top;
    ax->bottom = box.y + box.h; /* provisional, for the width of categorical cells */
    double bottom = box.y + box.h - gap - x_labels_height(ax) - gap;
    if (ax->x.label && *ax->x.label)
        bottom -= label_h + gap;
    ax->bottom = bottom;
}

/* Where v lies along [lo, hi] as a fraction (NAN when a log axis cannot
 * show it). */
static double axis_fraction(double lo, double hi, int log, double v)
{
    if (log)
        return v > 0 ? log10(v / lo) / log10(hi / lo) : NAN;
    return (v - lo) / (hi - lo);
}

double plot_axes_px(const plot_axes *ax, double x)
{
    return ax->left + axis_fraction(ax->x.lo, ax->x.hi, ax->x.log, x) * (ax->right - ax->left);
}

double plot_axes_py(const plot_axes *ax, double y)
{
    return ax->bottom - axis_fraction(ax->y.lo, ax->y.hi, ax->y.log, y) * (ax->bottom - ax->top);
}

static void draw_grid(plot_axes *ax)
{
    cairo_t *cr = ax->cv->cr;
    plot_set_color(cr, plot_rgb(grid_hex), 1);
    cairo_set_line_width(cr, plot_pt(ax->cv, GRID_PT));
    if (!is_categorical(&ax->x))
        for (size_t i = 0; i < ax->x_ticks.n_major; i++) {
            double x = plot_axes_px(ax, ax->x_ticks.major[i]);
            cairo_move_to(cr, x, ax->top);
            cairo_line_to(cr, x, ax->bottom);
        }
    if (!is_categorical(&ax->y))
        for (size_t i = 0; i < ax->y_ticks.n_major; i++) {
            double y = plot_axes_py(ax, ax->y_ticks.major[i]);
            cairo_move_to(cr, ax->left, y);
            cairo_line_to(cr, ax->right, y);
        }
    cairo_stroke(cr);
}

/* Categorical axes reverse y so that category 0 is the top row. */
static void set_range(plot_axis *a, int is_y)
{
    if (!is_categorical(a))
        return;
    double n = (double)a->n_categories;
    a->lo = is_y ? n - 0.5 : -0.5;
    a->hi = is_y ? -0.5 : n - 0.5;
}

/* Point *text at a copy of itself in buf (NULL stays NULL). */
static void keep_text(const char **text, char *buf, size_t size)
{
    if (!*text)
        return;
    snprintf(buf, size, "%s", *text);
    *text = buf;
}

void plot_axes_begin(plot_axes *ax, plot_canvas *cv, plot_box box, const plot_axis *x,
                     const plot_axis *y, const plot_colorbar *colorbar, const char *title)
{
    memset(ax, 0, sizeof *ax);
    ax->cv = cv;
    ax->x = *x;
    ax->y = *y;
    set_range(&ax->x, 0);
    set_range(&ax->y, 1);
    if (colorbar)
        ax->colorbar = *colorbar;
    keep_text(&ax->x.label, ax->x_label, sizeof ax->x_label);
    keep_text(&ax->y.label, ax->y_label, sizeof ax->y_label);
    keep_text(&ax->colorbar.label, ax->colorbar_label, sizeof ax->colorbar_label);
    ax->title = title;
    keep_text(&ax->title, ax->title_text, sizeof ax->title_text);
    axis_ticks(cv, &ax->x, box.w, &ax->x_ticks);
    axis_ticks(cv, &ax->y, box.h, &ax->y_ticks);
    layout(ax, box);
    cv->frame = (plot_frame){1,        ax->left, ax->top,  ax->right, ax->bottom, ax->x.lo,
                             ax->x.hi, ax->y.lo, ax->y.hi, ax->x.log, ax->y.log};
    draw_grid(ax);
}

int plot_canvas_locate(const plot_canvas *cv, double x, double y, double *px, double *py)
{
    const plot_frame *f = &cv->frame;
    double fx = axis_fraction(f->x_lo, f->x_hi, f->x_log, x);
    double fy = axis_fraction(f->y_lo, f->y_hi, f->y_log, y);
    if (!f->set || !isfinite(fx) || !isfinite(fy))
        return -1;
    *px = f->left + fx * (f->right - f->left);
    *py = f->bottom - fy * (f->bottom - f->top);
    return 0;
}

/* Inward ticks on both sides of the x axis (at px x) or the y axis. */
static void tick_x(cairo_t *cr, const plot_axes *ax, double x, double len)
{
    cairo_move_to(cr, x, ax->bottom);
    cairo_line_to(cr, x, ax->bottom - len);
    cairo_move_to(cr, x, ax->top);
    cairo_line_to(cr, x, ax->top + len);
}

static void tick_y(cairo_t *cr, const plot_axes *ax, double y, double len)
{
    cairo_move_to(cr, ax->left, y);
    cairo_line_to(cr, ax->left + len, y);
    cairo_move_to(cr, ax->right, y);
    cairo_line_to(cr, ax->right - len, y);
}

static void draw_ticks(plot_axes *ax)
{
    cairo_t *cr = ax->cv->cr;
    double major = plot_pt(ax->cv, MAJOR_TICK_PT), minor = plot_pt(ax->cv, MINOR_TICK_PT);
    plot_set_color(cr, plot_rgb(frame_hex), 1);
    cairo_set_line_width(cr, plot_pt(ax->cv, FRAME_PT));
    if (!is_categorical(&ax->x)) {
        for (size_t i = 0; i < ax->x_ticks.n_major; i++)
            tick_x(cr, ax, plot_axes_px(ax, ax->x_ticks.major[i]), major);
        for (size_t i = 0; i < ax->x_ticks.n_minor; i++)
            tick_x(cr, ax, plot_axes_px(ax, ax->x_ticks.minor[i]), minor);
    }
    if (!is_categorical(&ax->y)) {
        for (size_t i = 0; i < ax->y_ticks.n_major; i++)
            tick_y(cr, ax, plot_axes_py(ax, ax->y_ticks.major[i]), major);
        for (size_t i = 0; i < ax->y_ticks.n_minor; i++)
            tick_y(cr, ax, plot_axes_py(ax, ax->y_ticks.minor[i]), minor);
    }
    cairo_stroke(cr);
    cairo_rectangle(cr, ax->left, ax->top, ax->right - ax->left, ax->bottom - ax->top);
    cairo_stroke(cr);
}

static void draw_tick_labels(plot_axes *ax)
{
    plot_canvas *cv = ax->cv;
    double gap = plot_pt(cv, GAP_PT);
    plot_color ink = plot_rgb(0x000000);
    int turned = x_labels_turned(ax);
    for (size_t i = 0; i < ax->x_ticks.n_major; i++) {
        double x = plot_axes_px(ax, ax->x_ticks.major[i]);
        if (turned)
            plot_text(cv, PLOT_FONT_TICK, ax->x_ticks.label[i], x, ax->bottom + gap, PLOT_RIGHT,
                      PLOT_MIDDLE, -M_PI / 4, ink);
        else
            plot_text(cv, PLOT_FONT_TICK, ax->x_ticks.label[i], x, ax->bottom + gap, PLOT_CENTER,
                      PLOT_TOP, 0, ink);
    }
    for (size_t i = 0; i < ax->y_ticks.n_major; i++)
        plot_text(cv, PLOT_FONT_TICK, ax->y_ticks.label[i], ax->left - gap,
                  plot_axes_py(ax, ax->y_ticks.major[i]), PLOT_RIGHT, PLOT_MIDDLE, 0, ink);
}

/* The axis label, with the ticks' power of ten when there is one. */
static void axis_label(const plot_axis *a, const plot_ticks *t, char *buf, size_t size)
{
    if (t->exponent != 0 && !a->log)
        snprintf(buf, size, "%s  (×10^{%d})", a->label, t->exponent);
    else
        snprintf(buf, size, "%s", a->label);
}

static void draw_axis_labels(plot_axes *ax)
{
    plot_canvas *cv = ax->cv;
    double gap = plot_pt(cv, GAP_PT);
    plot_color ink = plot_rgb(0x000000);
    char text[256];
    if (ax->x.label && *ax->x.label) {
        axis_label(&ax->x, &ax->x_ticks, text, sizeof text);
        double y = ax->bottom + gap + x_labels_height(ax) + gap;
        plot_text(cv, PLOT_FONT_LABEL, text, (ax->left + ax->right) / 2, y, PLOT_CENTER, PLOT_TOP,
                  0, ink);
    }
    if (ax->y.label && *ax->y.label) {
        axis_label(&ax->y, &ax->y_ticks, text, sizeof text);
        double x = ax->left - gap - widest_label(cv, &ax->y_ticks) - gap;
        plot_text(cv, PLOT_FONT_LABEL, text, x, (ax->top + ax->bottom) / 2, PLOT_CENTER,
                  PLOT_BOTTOM, -M_PI / 2, ink);
    }
    if (ax->title && *ax->title)
        plot_text(cv, PLOT_FONT_LABEL, ax->title, (ax->left + ax->right) / 2, ax->top - gap,
                  PLOT_CENTER, PLOT_BOTTOM, 0, ink);
}

void plot_axes_end(plot_axes *ax)
{
    draw_ticks(ax);
    draw_tick_labels(ax);
    draw_axis_labels(ax);
    if (ax->colorbar.shown)
        plot_colorbar_draw(ax);
}

void plot_axes_clip(plot_axes *ax)
{
    cairo_save(ax->cv->cr);
    cairo_rectangle(ax->cv->cr, ax->left, ax->top, ax->right - ax->left, ax->bottom - ax->top);
    cairo_clip(ax->cv->cr);
}

void plot_axes_unclip(plot_axes *ax)
{
    cairo_restore(ax->cv->cr);
}

/* Occupancy cell of px coordinates, or −1 outside the data area. */
static int occupancy_col(const plot_axes *ax, double x)
{
    double f = (x - ax->left) / (ax->right - ax->left);
    return f >= 0 && f < 1 ? (int)(f * PLOT_OCC_COLS)
                           : (f >= 1 && f <= 1.0001 ? PLOT_OCC_COLS - 1 : -1);
}

static int occupancy_row(const plot_axes *ax, double y)
{
    double f = (y - ax->top) / (ax->bottom - ax->top);
    return f >= 0 && f < 1 ? (int)(f * PLOT_OCC_ROWS)
                           : (f >= 1 && f <= 1.0001 ? PLOT_OCC_ROWS - 1 : -1);
}

void plot_axes_occupy(plot_axes *ax, double x, double y)
{
    int c = occupancy_col(ax, x), r = occupancy_row(ax, y);
    if (c >= 0 && r >= 0)
        ax->occupancy[r][c]++;
}

/* Cell range [*c0, *c1] covering px [x0, x1], clamped to the grid. */
static void cell_span(double x0, double x1, double lo, double hi, int cells, int *c0, int *c1)
{
    double a = (fmin(x0, x1) - lo) / (hi - lo) * cells, b = (fmax(x0, x1) - lo) / (hi - lo) * cells;
    if (!(b >= 0 && a < cells)) { /* outside, or NAN */
        *c0 = 1, *c1 = 0;
        return;
    }
    *c0 = a < 0 ? 0 : (int)a;
    *c1 = b >= cells ? cells - 1 : (int)b;
}

void plot_axes_occupy_rect(plot_axes *ax, double x0, double y0, double x1, double y1)
{
    int c0, c1, r0, r1;
    cell_span(x0, x1, ax->left, ax->right, PLOT_OCC_COLS, &c0, &c1);
    cell_span(y0, y1, ax->top, ax->bottom, PLOT_OCC_ROWS, &r0, &r1);
    for (int r = r0; r <= r1; r++)
        for (int c = c0; c <= c1; c++)
            ax->occupancy[r][c]++;
}

unsigned long plot_axes_occupied(const plot_axes *ax, double x0, double y0, double x1, double y1)
{
    int c0, c1, r0, r1;
    cell_span(x0, x1, ax->left, ax->right, PLOT_OCC_COLS, &c0, &c1);
    cell_span(y0, y1, ax->top, ax->bottom, PLOT_OCC_ROWS, &r0, &r1);
    unsigned long sum = 0;
    for (int r = r0; r <= r1; r++)
        for (int c = c0; c <= c1; c++)
            sum += ax->occupancy[r][c] > 0 ? 1000 + ax->occupancy[r][c] : 0;
    return sum;
}
