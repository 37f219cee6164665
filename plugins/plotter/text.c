/*
 * text.c — text on a plot: DejaVu Sans through cairo's font API (which
 * asks fontconfig), with a tiny markup for exponents and indices:
 * "10^{3}", "M_{ee}", "R^{2}". A "^{" or "_{" without a closing brace
 * is printed as it is.
 */
#include "draw.h"

#include <math.h>
#include <string.h>

/* Scale and baseline shift (in units of the font size) of raised and
 * lowered text. */
#define SCRIPT_SCALE 0.7
#define SUPER_RISE 0.38
#define SUB_DROP 0.18

/* One stretch of text at one level: 0 normal, +1 raised, −1 lowered. */
typedef struct text_run {
    const char *s;
    size_t len;
    int level;
} text_run;

#define MAX_RUNS 32

/* Split markup into runs; returns their number. */
static size_t split_runs(const char *markup, text_run *runs)
{
    size_t n = 0;
    const char *p = markup;
    const char *start = p;
    while (*p && n < MAX_RUNS - 2) {
        const char *close = (p[0] == '^' || p[0] == '_') && p[1] == '{' ? strchr(p + 2, '}') : NULL;
        if (!close) {
            p++;
            continue;
        }
        if (p > start)
            runs[n++] = (text_run){start, (size_t)(p - start), 0};
        runs[n++] = (text_run){p + 2, (size_t)(close - p - 2), p[0] == '^' ? 1 : -1};
        p = start = close + 1;
    }
    size_t rest = strlen(start);
    if (rest > 0)
        runs[n++] = (text_run){start, rest, 0};
    return n;
}

static void select_font(plot_canvas *cv, plot_font f, int level)
{
    cairo_select_font_face(cv->cr, PLOT_FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL,
                           f.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    double px = plot_pt(cv, f.size);
    cairo_set_font_size(cv->cr, level == 0 ? px : px * SCRIPT_SCALE);
}

/* Copy a run into a NUL-terminated buffer. */
static const char *run_text(const text_run *r, char *buf, size_t size)
{
    size_t len = r->len < size - 1 ? r->len : size - 1;
    memcpy(buf, r->s, len);
    buf[len] = '\0';
    return buf;
}

static double run_advance(plot_canvas *cv, plot_font f, const text_run *r)
{
    char buf[512];
    cairo_text_extents_t ext;
    select_font(cv, f, r->level);
    cairo_text_extents(cv->cr, run_text(r, buf, sizeof buf), &ext);
    return ext.x_advance;
}

double plot_text_width(plot_canvas *cv, plot_font f, const char *markup)
{
    text_run runs[MAX_RUNS];
    size_t n = split_runs(markup, runs);
    double width = 0;
    for (size_t i = 0; i < n; i++)
        width += run_advance(cv, f, &runs[i]);
    return width;
}

double plot_text_height(plot_canvas *cv, plot_font f)
{
    cairo_font_extents_t fe;
    select_font(cv, f, 0);
    cairo_font_extents(cv->cr, &fe);
    return fe.ascent + fe.descent;
}

/* Offset from the anchor to the baseline start of the text. */
static void anchor_offset(plot_canvas *cv, plot_font f, double width, plot_halign h, plot_valign v,
                          double *dx, double *dy)
{
    cairo_font_extents_t fe;
    select_font(cv, f, 0);
    cairo_font_extents(cv->cr, &fe);
    *dx = h == PLOT_LEFT ? 0 : h == PLOT_CENTER ? -width / 2 : -width;
    *dy = 0;
    switch (v) {
    case PLOT_TOP:
        *dy = fe.ascent;
        break;
    case PLOT_MIDDLE:
        *dy = (fe.ascent - fe.descent) / 2;
        break;
    case PLOT_BASELINE:
        *dy = 0;
        break;
    case PLOT_BOTTOM:
        *dy = -fe.descent;
        break;
    }
}

void plot_text(plot_canvas *cv, plot_font f, const char *markup, double x, double y, plot_halign h,
               plot_valign v, double angle, plot_color c)
{
    text_run runs[MAX_RUNS];
    size_t n = split_runs(markup, runs);
    double dx, dy;
    anchor_offset(cv, f, plot_text_width(cv, f, markup), h, v, &dx, &dy);
    double px = plot_pt(cv, f.size);
    cairo_t *cr = cv->cr;
    cairo_save(cr);
    cairo_translate(cr, x, y);
    if (angle != 0)
        cairo_rotate(cr, angle);
    plot_set_color(cr, c, 1);
    double pen = dx;
    for (size_t i = 0; i < n; i++) {
        char buf[512];
        double shift = runs[i].level > 0 ? -SUPER_RISE * px : runs[i].level < 0 ? SUB_DROP * px : 0;
        select_font(cv, f, runs[i].level);
        cairo_move_to(cr, pen, dy + shift);
        cairo_show_text(cr, run_text(&runs[i], buf, sizeof buf));
        pen += run_advance(cv, f, &runs[i]);
    }
    cairo_new_path(cr);
    cairo_restore(cr);
}
