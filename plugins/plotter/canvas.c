/*
 * canvas.c — the image a plot is drawn into (a cairo RGB24 image surface
 * on a white background, with grey-scale antialiased text), and the small
 * helpers every plot kind uses: unit conversion, errors, defaults.
 */
#include "draw.h"

#include <fontconfig/fontconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest side accepted, in pixels (cairo's limit is 32767). */
#define PLOT_MAX_SIDE 16000

double plot_pt(const plot_canvas *cv, double pt)
{
    return pt * cv->dpi / 72.0;
}

int plot_fail(plot_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
    return -1;
}

const char *plot_or(const char *value, const char *fallback)
{
    return value && *value ? value : fallback;
}

void plot_options_init(plot_options *o)
{
    static const char *const default_classes[] = {"background", "signal"};
    memset(o, 0, sizeof *o);
    o->variable = "M";
    o->unit = "GeV";
    o->threshold = 0.5;
    o->classes = default_classes;
    o->n_classes = 2;
    o->scatter = PLOT_SCATTER_AUTO;
    o->max_images = 16;
}

/* Text settings that do not depend on the screen: grey antialiasing (no
 * colour fringes), slight hinting, unhinted metrics (layout scales
 * exactly with the DPI). */
static void set_font_options(cairo_t *cr)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_SLIGHT);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
}

plot_canvas *plot_canvas_new(int width, int height, double dpi, plot_err *err)
{
    if (width < 100 || height < 100 || width > PLOT_MAX_SIDE || height > PLOT_MAX_SIDE) {
        plot_fail(err, "image size %d×%d px is outside 100..%d px per side", width, height,
                  PLOT_MAX_SIDE);
        return NULL;
    }
    if (!(dpi >= 10 && dpi <= 2400)) {
        plot_fail(err, "dpi %g is outside 10..2400", dpi);
        return NULL;
    }
    plot_canvas *cv = calloc(1, sizeof *cv);
    if (!cv) {
        plot_fail(err, "out of memory for the canvas");
        return NULL;
    }
    cv->width = width;
    cv->height = height;
    cv->dpi = dpi;
    cv->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    cv->cr = cairo_create(cv->surface);
    if (cairo_status(cv->cr) != CAIRO_STATUS_SUCCESS) {
        plot_fail(err, "cannot create a %d×%d image: %s", width, height,
                  cairo_status_to_string(cairo_status(cv->cr)));
        plot_canvas_free(cv);
        return NULL;
    }
    cairo_set_source_rgb(cv->cr, 1, 1, 1);
    cairo_paint(cv->cr);
    cairo_set_antialias(cv->cr, CAIRO_ANTIALIAS_DEFAULT);
    cairo_set_line_join(cv->cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cv->cr, CAIRO_LINE_CAP_BUTT);
    set_font_options(cv->cr);
    return cv;
}

void plot_canvas_free(plot_canvas *cv)
{
    if (!cv)
        return;
    if (cv->cr)
        cairo_destroy(cv->cr);
    if (cv->surface)
        cairo_surface_destroy(cv->surface);
    free(cv);
}

int plot_canvas_width(const plot_canvas *cv)
{
    return cv->width;
}

int plot_canvas_height(const plot_canvas *cv)
{
    return cv->height;
}

void plot_canvas_set_subtitle(plot_canvas *cv, const char *text)
{
    snprintf(cv->subtitle, sizeof cv->subtitle, "%s", text ? text : "");
}

const char *plot_canvas_subtitle(const plot_canvas *cv)
{
    return cv->subtitle;
}

uint32_t plot_canvas_pixel(const plot_canvas *cv, int x, int y)
{
    cairo_surface_flush(cv->surface);
    const unsigned char *data = cairo_image_surface_get_data(cv->surface);
    int stride = cairo_image_surface_get_stride(cv->surface);
    const uint32_t *row = (const uint32_t *)(const void *)(data + (size_t)y * stride);
    return row[x] & 0xFFFFFFu;
}

void plot_library_release(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}

void plot_font_resolved(char *family, size_t size)
{
    family[0] = '\0';
    FcPattern *pattern = FcNameParse((const FcChar8 *)PLOT_FONT_FAMILY);
    if (!pattern)
        return;
    FcConfigSubstitute(NULL, pattern, FcMatchPattern);
    FcDefaultSubstitute(pattern);
    FcResult result;
    FcPattern *match = FcFontMatch(NULL, pattern, &result);
    FcChar8 *name = NULL;
    if (match && FcPatternGetString(match, FC_FAMILY, 0, &name) == FcResultMatch)
        snprintf(family, size, "%s", (const char *)name);
    if (match)
        FcPatternDestroy(match);
    FcPatternDestroy(pattern);
}
