/*
 * legend.c — legends and notes: a boxed list of keys (line, dashed line,
 * filled box, marker) with their texts, or a boxed block of text lines,
 * placed in whichever corner of the data area hides the least of what
 * has been drawn (the axes' occupancy grid), like matplotlib's "best".
 */
#include "draw.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define PAD_PT 5.0
#define INSET_PT 6.0
#define KEY_PT 22.0
#define KEY_GAP_PT 6.0
#define ROW_SPACING 1.25

void plot_legend_add(plot_legend *lg, plot_key key, plot_color c, const char *fmt, ...)
{
    if (lg->n >= PLOT_MAX_LEGEND)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lg->text[lg->n], sizeof lg->text[0], fmt, ap);
    va_end(ap);
    lg->color[lg->n] = c;
    lg->key[lg->n] = key;
    lg->n++;
}

/* The top-left corner of a w × h box in the least occupied of the
 * candidate places; the box is then marked as occupied. */
static void place_box(plot_axes *ax, double w, double h, double *x, double *y)
{
    double inset = plot_pt(ax->cv, INSET_PT);
    double xs[3] = {ax->right - inset - w, ax->left + inset, (ax->left + ax->right - w) / 2};
    double ys[3] = {ax->top + inset, ax->bottom - inset - h, (ax->top + ax->bottom - h) / 2};
    /* preference on ties: upper right, upper left, lower right, lower
     * left, upper centre, lower centre, centre right, centre left */
    static const int order[8][2] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}, {2, 0}, {2, 1}, {0, 2}, {1, 2}};
    unsigned long best = (unsigned long)-1;
    for (int k = 0; k < 8; k++) {
        double cx = xs[order[k][0]], cy = ys[order[k][1]];
        unsigned long covered = plot_axes_occupied(ax, cx, cy, cx + w, cy + h);
        if (covered < best) {
            best = covered;
            *x = cx, *y = cy;
        }
    }
    plot_axes_occupy_rect(ax, *x, *y, *x + w, *y + h);
}

static void draw_frame(plot_canvas *cv, double x, double y, double w, double h)
{
    cairo_t *cr = cv->cr;
    cairo_rectangle(cr, x, y, w, h);
    plot_set_color(cr, plot_rgb(0xFFFFFF), 0.88);
    cairo_fill_preserve(cr);
    plot_set_color(cr, plot_rgb(0xA0A0A0), 1);
    cairo_set_line_width(cr, plot_pt(cv, 0.6));
    cairo_stroke(cr);
}

/* The key of an entry, in a KEY_PT wide slot starting at x, centred on y. */
static void draw_key(plot_canvas *cv, plot_key key, plot_color c, double x, double y)
{
    cairo_t *cr = cv->cr;
    double w = plot_pt(cv, KEY_PT), h = plot_pt(cv, 7.0);
    double dash[2] = {plot_pt(cv, 4.0), plot_pt(cv, 2.5)};
    switch (key) {
    case PLOT_KEY_LINE:
    case PLOT_KEY_DASH:
    case PLOT_KEY_LINE_MARKER:
        cairo_set_dash(cr, dash, key == PLOT_KEY_DASH ? 2 : 0, 0);
        cairo_move_to(cr, x, y);
        cairo_line_to(cr, x + w, y);
        plot_set_color(cr, c, 1);
        cairo_set_line_width(cr, plot_pt(cv, 1.8));
        cairo_stroke(cr);
        cairo_set_dash(cr, dash, 0, 0);
        if (key == PLOT_KEY_LINE_MARKER) {
            cairo_arc(cr, x + w / 2, y, plot_pt(cv, 2.6), 0, 2 * M_PI);
            cairo_fill(cr);
        }
        break;
    case PLOT_KEY_BOX:
    case PLOT_KEY_SOLID:
        cairo_rectangle(cr, x + w * 0.15, y - h / 2, w * 0.7, h);
        plot_set_color(cr, c, key == PLOT_KEY_SOLID ? 1.0 : 0.35);
        cairo_fill_preserve(cr);
        plot_set_color(cr, c, 1);
        cairo_set_line_width(cr, plot_pt(cv, 1.2));
        cairo_stroke(cr);
        break;
    case PLOT_KEY_MARKER:
        cairo_arc(cr, x + w / 2, y, plot_pt(cv, 2.8), 0, 2 * M_PI);
        plot_set_color(cr, c, 1);
        cairo_fill(cr);
        break;
    case PLOT_KEY_CMAP: {
        cairo_pattern_t *ramp = cairo_pattern_create_linear(x + w * 0.15, 0, x + w * 0.85, 0);
        for (int i = 0; i <= 8; i++) {
            plot_color s = plot_cmap_viridis(i / 8.0);
            cairo_pattern_add_color_stop_rgb(ramp, i / 8.0, s.r, s.g, s.b);
        }
        cairo_rectangle(cr, x + w * 0.15, y - h / 2, w * 0.7, h);
        cairo_set_source(cr, ramp);
        cairo_fill(cr);
        cairo_pattern_destroy(ramp);
        break;
    }
    }
}

void plot_legend_draw(plot_axes *ax, const plot_legend *lg, size_t min_entries)
{
    if (lg->n < min_entries || lg->n == 0)
        return;
    plot_canvas *cv = ax->cv;
    double pad = plot_pt(cv, PAD_PT), key = plot_pt(cv, KEY_PT), gap = plot_pt(cv, KEY_GAP_PT);
    double row = plot_text_height(cv, PLOT_FONT_TICK) * ROW_SPACING;
    double text_w = 0;
    for (size_t i = 0; i < lg->n; i++)
        text_w = fmax(text_w, plot_text_width(cv, PLOT_FONT_TICK, lg->text[i]));
    double w = pad + key + gap + text_w + pad, h = 2 * pad + row * (double)lg->n;
    double x, y;
    place_box(ax, w, h, &x, &y);
    draw_frame(cv, x, y, w, h);
    for (size_t i = 0; i < lg->n; i++) {
        double cy = y + pad + row * (i + 0.5);
        draw_key(cv, lg->key[i], lg->color[i], x + pad, cy);
        plot_text(cv, PLOT_FONT_TICK, lg->text[i], x + pad + key + gap, cy, PLOT_LEFT, PLOT_MIDDLE,
                  0, plot_rgb(0x000000));
    }
}

void plot_note_draw(plot_axes *ax, const char *text)
{
    plot_canvas *cv = ax->cv;
    char lines[8][128];
    size_t n = 0;
    for (const char *p = text; *p && n < 8; n++) {
        size_t len = strcspn(p, "\n");
        snprintf(lines[n], sizeof lines[n], "%.*s", (int)len, p);
        p += len + (p[len] == '\n');
    }
    double pad = plot_pt(cv, PAD_PT), row = plot_text_height(cv, PLOT_FONT_TICK) * ROW_SPACING;
    double text_w = 0;
    for (size_t i = 0; i < n; i++)
        text_w = fmax(text_w, plot_text_width(cv, PLOT_FONT_TICK, lines[i]));
    double w = 2 * pad + text_w, h = 2 * pad + row * (double)n, x, y;
    place_box(ax, w, h, &x, &y);
    draw_frame(cv, x, y, w, h);
    for (size_t i = 0; i < n; i++)
        plot_text(cv, PLOT_FONT_TICK, lines[i], x + pad, y + pad + row * (i + 0.5), PLOT_LEFT,
                  PLOT_MIDDLE, 0, plot_rgb(0x000000));
}
