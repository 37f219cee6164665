/*
 * plot_images.c — a grid of example input images with their labels, as
 * the CNN sees them: each image's channels side by side, pixels as
 * viridis cells on one colour scale shared by all images (with its colour
 * bar), the label under each image (a class name when labels are class
 * indices, else "M = 91.2 GeV"). With `rgb`, 3-channel images are shown
 * as colour pictures (the event images of the event_image stage); with
 * `per_class`, the examples are laid out one row per class, the class
 * named on the left.
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

/* Width of one image in image pixels: its channels side by side, or one
 * colour picture. */
static double image_units(const plot_options *o, const plot_images *im)
{
    return o->rgb ? (double)im->width
                  : im->channels * im->width + (im->channels - 1) * CHANNEL_GAP * im->width;
}

/* The column count that makes the tiles largest within `box` while each
 * column stays as wide as the widest label. */
static grid_layout choose_layout(plot_canvas *cv, plot_box box, size_t k, const plot_options *o,
                                 const plot_images *im, double label_w)
{
    grid_layout best = {0};
    double units_w = image_units(o, im);
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

/* Paint surface s (an image's pixels) at (x, y), `scale` px per pixel,
 * framed; takes over s. */
static void paint_tile(plot_canvas *cv, cairo_surface_t *s, const plot_images *im, double x,
                       double y, double scale)
{
    plot_paint_cells(cv, s, x, y, scale, im->width, im->height);
    cairo_surface_destroy(s);
}

static void draw_channel(plot_canvas *cv, const float *pixels, const plot_images *im, double x,
                         double y, double scale, double lo, double hi)
{
    paint_tile(cv, channel_surface(pixels, im->height, im->width, lo, hi), im, x, y, scale);
}

/* A 3-channel image as one RGB surface, values clamped to [0, 1]. */
static cairo_surface_t *rgb_surface(const float *pixels, size_t h, size_t w)
{
    unsigned char *data;
    int stride;
    cairo_surface_t *s = plot_pixel_surface(w, h, &data, &stride);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
        return s;
    size_t plane = h * w;
    for (size_t r = 0; r < h; r++) {
        uint32_t *row = (uint32_t *)(void *)(data + r * (size_t)stride);
        for (size_t c = 0; c < w; c++) {
            const float *p = pixels + r * w + c;
            plot_color col = {fmin(1.0, fmax(0.0, p[0])), fmin(1.0, fmax(0.0, p[plane])),
                              fmin(1.0, fmax(0.0, p[2 * plane]))};
            row[c] = plot_color_argb(col);
        }
    }
    cairo_surface_mark_dirty(s);
    return s;
}

/* One image at (x, y): colour (rgb) or its channels side by side. */
static void draw_image(plot_canvas *cv, const plot_options *o, const float *pixels,
                       const plot_images *im, double x, double y, double scale, double lo,
                       double hi)
{
    size_t plane = im->height * im->width;
    if (!o->rgb) {
        for (size_t c = 0; c < im->channels; c++)
            draw_channel(cv, pixels + c * plane, im, x + c * (1 + CHANNEL_GAP) * im->width * scale,
                         y, scale, lo, hi);
        return;
    }
    paint_tile(cv, rgb_surface(pixels, im->height, im->width), im, x, y, scale);
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

/* The value range of the filled slots of a per-class grid. */
static void slots_range(const plot_images *im, const double *labels, double *lo, double *hi)
{
    size_t size = im->channels * im->height * im->width;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < im->n; i++)
        for (size_t p = 0; labels[i] >= 0 && p < size; p++) {
            *lo = fmin(*lo, im->data[i * size + p]);
            *hi = fmax(*hi, im->data[i * size + p]);
        }
    if (!(*hi > *lo))
        *hi = (*lo = isfinite(*lo) ? *lo : 0) + 1;
}

/* o->per_class examples of each of the o->n_classes classes, one row per
 * class with its name on the left. */
static int class_grid(plot_canvas *cv, const plot_options *o, const plot_images *im,
                      const double *labels, plot_err *err)
{
    size_t rows = o->n_classes, cols = o->per_class;
    if (!labels || im->n != rows * cols)
        return plot_fail(err, "per_class: expected %zu × %zu image slots with labels, found %zu",
                         rows, cols, im->n);
    double lo, hi;
    slots_range(im, labels, &lo, &hi);
    char title[128];
    snprintf(title, sizeof title, "Examples per class: %zu each%s", cols,
             !o->rgb && im->channels > 1 ? ", channels side by side" : "");
    plot_box fig = plot_figure_begin(cv, plot_or(o->title, title));
    plot_axes bar = {.cv = cv, .colorbar = {1, lo, hi, 0, plot_cmap_viridis, "Pixel value"}};
    if (!o->rgb)
        fig.w -= plot_colorbar_width(cv, &bar.colorbar) + plot_pt(cv, 8);
    double name_w = 0, gap = plot_pt(cv, TILE_GAP_PT / 2);
    for (size_t r = 0; r < rows; r++)
        name_w = fmax(name_w, plot_text_width(cv, PLOT_FONT_SMALL, o->classes[r]));
    name_w += plot_pt(cv, 8);
    double units_w = image_units(o, im);
    double sw = (fig.w - name_w - (cols - 1) * gap) / cols / units_w;
    double sh = (fig.h - (rows - 1) * gap) / rows / im->height, scale = fmin(sw, sh);
    double tile_w = units_w * scale, tile_h = im->height * scale;
    double grid_w = name_w + cols * tile_w + (cols - 1) * gap;
    double grid_h = rows * tile_h + (rows - 1) * gap;
    double x0 = fig.x + (fig.w - grid_w) / 2, y0 = fig.y + (fig.h - grid_h) / 2;
    size_t size = im->channels * im->height * im->width;
    for (size_t r = 0; r < rows; r++) {
        double y = y0 + r * (tile_h + gap);
        plot_text(cv, PLOT_FONT_SMALL, o->classes[r], x0 + name_w - plot_pt(cv, 8), y + tile_h / 2,
                  PLOT_RIGHT, PLOT_MIDDLE, 0, plot_rgb(0x000000));
        for (size_t c = 0; c < cols; c++)
            if (labels[r * cols + c] >= 0)
                draw_image(cv, o, im->data + (r * cols + c) * size, im,
                           x0 + name_w + c * (tile_w + gap), y, scale, lo, hi);
    }
    if (!o->rgb) {
        bar.right = x0 + grid_w;
        bar.top = y0;
        bar.bottom = y0 + grid_h;
        plot_colorbar_draw(&bar);
    }
    return 0;
}

int plot_image_grid(plot_canvas *cv, const plot_options *o, const plot_images *im,
                    const double *labels, plot_err *err)
{
    if (im->n == 0 || im->channels == 0 || im->height == 0 || im->width == 0)
        return plot_fail(err, "no images to show (shape %zu × %zu × %zu × %zu)", im->n,
                         im->channels, im->height, im->width);
    if (o->rgb && im->channels != 3)
        return plot_fail(err, "rgb: expected images with 3 channels, found %zu", im->channels);
    if (o->per_class > 0)
        return class_grid(cv, o, im, labels, err);
    size_t k = im->n < o->max_images ? im->n : o->max_images;
    double lo, hi;
    value_range(im, k, &lo, &hi);
    char title[128];
    snprintf(title, sizeof title, "Example images: %zu of %zu%s", k, im->n,
             !o->rgb && im->channels > 1 ? ", channels side by side" : "");
    plot_box fig = plot_figure_begin(cv, plot_or(o->title, title));
    plot_axes bar = {.cv = cv, .colorbar = {1, lo, hi, 0, plot_cmap_viridis, "Pixel value"}};
    if (!o->rgb)
        fig.w -= plot_colorbar_width(cv, &bar.colorbar) + plot_pt(cv, 8);
    int classes = labels && labels_are_classes(o, labels, k);
    double label_w = 0;
    for (size_t i = 0; i < k; i++) {
        char text[96];
        label_text(o, labels, classes, i, text, sizeof text);
        label_w = fmax(label_w, plot_text_width(cv, PLOT_FONT_SMALL, text));
    }
    grid_layout g = choose_layout(cv, fig, k, o, im, label_w);
    size_t plane = im->height * im->width;
    for (size_t i = 0; i < k; i++) {
        double x = g.x0 + (i % g.cols) * (g.pitch_w + g.gap) + (g.pitch_w - g.tile_w) / 2;
        double y = g.y0 + (i / g.cols) * (g.tile_h + g.label_h + g.gap);
        draw_image(cv, o, im->data + i * im->channels * plane, im, x, y, g.scale, lo, hi);
        char text[96];
        label_text(o, labels, classes, i, text, sizeof text);
        plot_text(cv, PLOT_FONT_SMALL, text, x + g.tile_w / 2, y + g.tile_h + g.label_h / 2,
                  PLOT_CENTER, PLOT_MIDDLE, 0, plot_rgb(0x000000));
    }
    if (o->rgb)
        return 0;
    bar.right = g.x0 + g.cols * g.pitch_w + (g.cols - 1) * g.gap;
    bar.top = g.y0;
    bar.bottom = g.y0 + g.rows * (g.tile_h + g.label_h) + (g.rows - 1) * g.gap - g.label_h;
    plot_colorbar_draw(&bar);
    return 0;
}
