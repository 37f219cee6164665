/*
 * plot_mean_image.c — the `mean_image` kind: the mean image of each class
 * side by side (one tile per class, its channels next to each other), on
 * one colour scale shared by every tile, linear or logarithmic (log_z),
 * with the class name and the number of images under each tile. Also the
 * averaging itself, so that the plotter stage and the tests compute the
 * same means.
 */
#include "kinds.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Gap between channels (in image pixels) and between tiles (pt). */
#define MEAN_CHANNEL_GAP 0.06
#define MEAN_TILE_GAP_PT 14.0
/* log_z: the scale spans at most this many decades below the maximum. */
#define MEAN_LOG_DECADES 5.0

int plot_class_means(const plot_images *im, const double *labels, size_t n_classes, float *means,
                     size_t *counts, plot_err *err)
{
    size_t size = im->channels * im->height * im->width;
    double *sum = calloc(n_classes * size + 1, sizeof *sum);
    if (!sum)
        return plot_fail(err, "out of memory");
    memset(counts, 0, n_classes * sizeof *counts);
    for (size_t i = 0; i < im->n; i++) {
        double l = labels[i];
        if (!(l >= 0 && l < (double)n_classes && l == floor(l))) {
            free(sum);
            return plot_fail(err,
                             "label %g of image %zu is not a class index 0 to %zu (the "
                             "classes parameter names %zu classes)",
                             l, i, n_classes - 1, n_classes);
        }
        size_t c = (size_t)l;
        counts[c]++;
        const float *px = im->data + i * size;
        for (size_t p = 0; p < size; p++)
            sum[c * size + p] += px[p];
    }
    for (size_t c = 0; c < n_classes; c++)
        for (size_t p = 0; p < size; p++)
            means[c * size + p] = counts[c] ? (float)(sum[c * size + p] / (double)counts[c]) : 0;
    free(sum);
    return 0;
}

/* The colour scale: [min, max] of the means, or with log_z [max 1e-5 or
 * the smallest positive mean, max]. */
static int mean_range(const plot_options *o, const float *means, size_t count, double *lo,
                      double *hi, plot_err *err)
{
    double pos = INFINITY;
    *lo = *hi = means[0];
    for (size_t i = 0; i < count; i++) {
        *lo = fmin(*lo, means[i]);
        *hi = fmax(*hi, means[i]);
        if (means[i] > 0)
            pos = fmin(pos, means[i]);
    }
    if (o->log_z) {
        if (!(*hi > 0))
            return plot_fail(err, "log_z: no mean pixel is above 0 (largest %g)", *hi);
        *lo = fmax(pos, *hi * pow(10, -MEAN_LOG_DECADES));
        if (!(*hi > *lo))
            *lo = *hi / 10;
    } else if (!(*hi > *lo)) {
        *hi = *lo + 1;
    }
    return 0;
}

/* One channel as colour-mapped cells in an ARGB surface. */
static cairo_surface_t *mean_surface(const float *px, const plot_images *im,
                                     const plot_colorbar *cb)
{
    unsigned char *data;
    int stride;
    cairo_surface_t *s = plot_pixel_surface(im->width, im->height, &data, &stride);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
        return s;
    double span = cb->log ? log10(cb->hi / cb->lo) : cb->hi - cb->lo;
    for (size_t r = 0; r < im->height; r++) {
        uint32_t *row = (uint32_t *)(void *)(data + r * (size_t)stride);
        for (size_t c = 0; c < im->width; c++) {
            double v = px[r * im->width + c];
            double t = cb->log ? (v > cb->lo ? log10(v / cb->lo) / span : 0) : (v - cb->lo) / span;
            row[c] = plot_color_argb(cb->cmap(fmin(fmax(t, 0), 1)));
        }
    }
    cairo_surface_mark_dirty(s);
    return s;
}

static void paint_tile(plot_canvas *cv, const float *px, const plot_images *im,
                       const plot_colorbar *cb, double x, double y, double scale)
{
    cairo_surface_t *s = mean_surface(px, im, cb);
    plot_paint_cells(cv, s, x, y, scale, im->width, im->height);
    cairo_surface_destroy(s);
}

int plot_mean_image(plot_canvas *cv, const plot_options *o, const plot_images *means,
                    const size_t *counts, plot_err *err)
{
    if (means->n == 0 || means->channels == 0 || means->height == 0 || means->width == 0)
        return plot_fail(err, "no images to average");
    size_t plane = means->height * means->width, k = means->n;
    double lo, hi;
    if (mean_range(o, means->data, k * means->channels * plane, &lo, &hi, err) != 0)
        return -1;
    char title[128];
    snprintf(title, sizeof title, "Mean image of each class%s",
             means->channels > 1 ? ", channels side by side" : "");
    plot_box fig = plot_figure_begin(cv, plot_or(o->title, title));
    plot_axes bar = {.cv = cv,
                     .colorbar = {1, lo, hi, o->log_z, plot_cmap_viridis, "Mean pixel value"}};
    fig.w -= plot_colorbar_width(cv, &bar.colorbar) + plot_pt(cv, 8);
    double gap = plot_pt(cv, MEAN_TILE_GAP_PT), label_h = plot_text_height(cv, PLOT_FONT_SMALL);
    double units_w = means->width * (means->channels + (means->channels - 1) * MEAN_CHANNEL_GAP);
    double scale =
        fmin((fig.w - (k - 1) * gap) / (k * units_w), (fig.h - 2.6 * label_h) / means->height);
    double tile_w = units_w * scale, tile_h = means->height * scale;
    double x0 = fig.x + (fig.w - (k * tile_w + (k - 1) * gap)) / 2;
    double y0 = fig.y + (fig.h - tile_h - 2.6 * label_h) / 2;
    for (size_t c = 0; c < k; c++) {
        double x = x0 + c * (tile_w + gap);
        for (size_t ch = 0; ch < means->channels; ch++)
            paint_tile(cv, means->data + (c * means->channels + ch) * plane, means, &bar.colorbar,
                       x + ch * (1 + MEAN_CHANNEL_GAP) * means->width * scale, y0, scale);
        char text[160];
        const char *name = c < o->n_classes ? o->classes[c] : NULL;
        char fallback[32];
        snprintf(fallback, sizeof fallback, "class %zu", c);
        snprintf(text, sizeof text, "%s (%zu images)", name ? name : fallback, counts[c]);
        plot_text(cv, PLOT_FONT_SMALL, text, x + tile_w / 2, y0 + tile_h + 1.3 * label_h,
                  PLOT_CENTER, PLOT_MIDDLE, 0, plot_rgb(0x000000));
    }
    bar.right = x0 + k * tile_w + (k - 1) * gap;
    bar.top = y0;
    bar.bottom = y0 + tile_h;
    plot_colorbar_draw(&bar);
    return 0;
}
