/*
 * plot_images.c — a grid of example input images with their labels, as
 * the CNN sees them: each image's channels side by side, pixels as
 * viridis cells on one colour scale shared by all images (with its colour
 * bar), the label under each image (a class name when labels are class
 * indices, else "M = 91.2 GeV").
 */
#include "kinds.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Gap between channels, in pixels of the image; between tiles, in pt. */
#define CHANNEL_GAP 0.06
#define TILE_GAP_PT 12.0

typedef struct grid_layout {
    size_t cols, rows;
    double scale;          /* px per image pixel */
    double tile_w, tile_h; /* px, without the label */
    double pitch_w;        /* px from one column to the next, without the gap */
    double label_h, gap;   /* px */
    double x0, y0;         /* top-left of the grid */
} grid_layout;

/* The column count that makes the tiles largest within `box` while each
 * column stays as wide as the widest label. */
static grid_layout choose_layout(plot_canvas *cv, plot_box box, size_t k, const plot_images *im,
                                 double label_w)
{
    grid_layout best = {0};
    double units_w = im->channels * im->width + (im->channels - 1) * CHANNEL_GAP * im->width;
    double label_h = plot_text_height(cv, PLOT_FONT_SMALL) * 1.3, gap = plot_pt(cv, TILE_GAP_PT);
    for (size_t cols = 1; cols <= k; cols++) {
        size_t rows = (k + cols - 1) / cols;
        double cell_w = (box.w - (cols - 1) * gap) / cols;
        double sh = (box.h - rows * label_h - (rows - 1) * gap) / rows / im->height;
        double s = fmin(cell_w / units_w, sh);
        if (s > best.scale && (cell_w >= label_w || cols == 1))
            best = (grid_layout){
                cols, rows, s, units_w * s, im->height * s, fmax(units_w * s, label_w), label_h,
                gap,  0,    0};
    }
    double w = best.cols * best.pitch_w + (best.cols - 1) * gap;
    double h = best.rows * (best.tile_h + label_h) + (best.rows - 1) * gap;
    best.x0 = box.x + (box.w - w) / 2;
    best.y0 = box.y + (box.h - h) / 2;
    return best;
}

/* One channel of one image as viridis cells in an ARGB surface. */
static cairo_surface_t *channel_surface(const float *pixels, size_t h, size_t w, double lo,
                                        double hi)
{
    unsigned char *data;
    int stride;
    cairo_surface_t *s = plot_pixel_surface(w, h, &data, &stride);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
        return s;
    for (size_t r = 0; r < h; r++) {
        uint32_t *row = (uint32_t *)(void *)(data + r * (size_t)stride);
        for (size_t c = 0; c < w; c++) {
            plot_color col = plot_cmap_viridis((pixels[r * w + c] - lo) / (hi - lo));
            row[c] = plot_color_argb(col);
        }
    }
    cairo_surface_mark_dirty(s);
    return s;
}

static void draw_channel(plot_canvas *cv, const float *pixels, const plot_images *im, double x,
                         double y, double scale, double lo, double hi)
{
    cairo_surface_t *s = channel_surface(pixels, im->height, im->width, lo, hi);
    plot_paint_cells(cv, s, x, y, scale, im->width, im->height);
    cairo_surface_destroy(s);
}

/* Whether every shown label is a class index with a name. */
static int labels_are_classes(const plot_options *o, const double *labels, size_t k)
{
    for (size_t i = 0; i < k; i++)
        if (labels[i] != floor(labels[i]) || labels[i] < 0 || labels[i] >= (double)o->n_classes)
            return 0;
    return 1;
}

static void label_text(const plot_options *o, const double *labels, int classes, size_t i,
                       char *buf, size_t size)
{
    if (!labels) {
        snprintf(buf, size, "#%zu", i + 1);
    } else if (classes) {
        snprintf(buf, size, "#%zu: %s", i + 1, o->classes[(size_t)labels[i]]);
    } else {
        char v[32];
        plot_format_sig(labels[i], 4, v, sizeof v);
        snprintf(buf, size, "#%zu: %s = %s%s%s", i + 1, o->variable, v, *o->unit ? " " : "",
                 o->unit);
    }
}

static void value_range(const plot_images *im, size_t k, double *lo, double *hi)
{
    size_t count = k * im->channels * im->height * im->width;
    *lo = *hi = im->data[0];
    for (size_t i = 1; i < count; i++) {
        *lo = fmin(*lo, im->data[i]);
        *hi = fmax(*hi, im->data[i]);
    }
    if (!(*hi > *lo))
        *hi = *lo + 1;
}

int plot_image_grid(plot_canvas *cv, const plot_options *o, const plot_images *im,
                    const double *labels, plot_err *err)
{
    if (im->n == 0 || im->channels == 0 || im->height == 0 || im->width == 0)
        return plot_fail(err, "no images to show (shape %zu × %zu × %zu × %zu)", im->n,
                         im->channels, im->height, im->width);
    size_t k = im->n < o->max_images ? im->n : o->max_images;
    double lo, hi;
    value_range(im, k, &lo, &hi);
    char title[128];
    snprintf(title, sizeof title, "Example images: %zu of %zu%s", k, im->n,
             im->channels > 1 ? ", channels side by side" : "");
    plot_box fig = plot_figure_begin(cv, plot_or(o->title, title));
    plot_axes bar = {.cv = cv, .colorbar = {1, lo, hi, 0, plot_cmap_viridis, "Pixel value"}};
    fig.w -= plot_colorbar_width(cv, &bar.colorbar) + plot_pt(cv, 8);
    int classes = labels && labels_are_classes(o, labels, k);
    double label_w = 0;
    for (size_t i = 0; i < k; i++) {
        char text[96];
        label_text(o, labels, classes, i, text, sizeof text);
        label_w = fmax(label_w, plot_text_width(cv, PLOT_FONT_SMALL, text));
    }
    grid_layout g = choose_layout(cv, fig, k, im, label_w);
    size_t plane = im->height * im->width;
    for (size_t i = 0; i < k; i++) {
        double x = g.x0 + (i % g.cols) * (g.pitch_w + g.gap) + (g.pitch_w - g.tile_w) / 2;
        double y = g.y0 + (i / g.cols) * (g.tile_h + g.label_h + g.gap);
        for (size_t c = 0; c < im->channels; c++)
            draw_channel(cv, im->data + (i * im->channels + c) * plane, im,
                         x + c * (1 + CHANNEL_GAP) * im->width * g.scale, y, g.scale, lo, hi);
        char text[96];
        label_text(o, labels, classes, i, text, sizeof text);
        plot_text(cv, PLOT_FONT_SMALL, text, x + g.tile_w / 2, y + g.tile_h + g.label_h / 2,
                  PLOT_CENTER, PLOT_MIDDLE, 0, plot_rgb(0x000000));
    }
    bar.right = g.x0 + g.cols * g.pitch_w + (g.cols - 1) * g.gap;
    bar.top = g.y0;
    bar.bottom = g.y0 + g.rows * (g.tile_h + g.label_h) + (g.rows - 1) * g.gap - g.label_h;
    plot_colorbar_draw(&bar);
    return 0;
}
