/*
 * evimg_cairo.c — the cairo renderer of pipe_evimg: the same shapes as
 * the direct rasteriser (evimg_draw.c), as antialiased cairo paths on an
 * ARGB32 image surface over the caller's buffer, then converted to the
 * channel-planar f32 image. The reference the fast path is checked
 * against, and the renderer of the `renderer: cairo` option.
 */
#include "evimg.h"
#include "evimg_internal.h"

#include <cairo.h>
#include <math.h>

static void shape_path(cairo_t *cr, const evimg_shape *s, double cy)
{
    cairo_save(cr);
    cairo_translate(cr, s->cx, cy);
    cairo_scale(cr, s->rx, s->ry);
    cairo_new_sub_path(cr);
    cairo_arc(cr, 0, 0, 1, 0, 2 * EVIMG_PI);
    cairo_close_path(cr);
    cairo_restore(cr);
}

int evimg_draw_cairo(const evimg_config *cfg, const evimg_object *obj, int n, uint32_t *pixels,
                     float *out)
{
    int w = cfg->width, h = cfg->height;
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, w);
    if (stride != 4 * w)
        return -1;
    cairo_surface_t *surface = cairo_image_surface_create_for_data(
        (unsigned char *)pixels, CAIRO_FORMAT_ARGB32, w, h, stride);
    cairo_t *cr = cairo_create(surface);
    int rc = cairo_status(cr) == CAIRO_STATUS_SUCCESS ? 0 : -1;
    if (rc == 0) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_set_line_width(cr, cfg->line_width);
        evimg_shape s;
        float rgb[3];
        for (int k = 0; k < n; k++) {
            if (!evimg_geometry(cfg, &obj[k], &s, rgb))
                continue;
            cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
            for (int c = 0; c < s.copies; c++) {
                shape_path(cr, &s, s.cy_copy[c]);
                if (s.ring)
                    cairo_stroke(cr);
                else
                    cairo_fill(cr);
            }
        }
        cairo_surface_flush(surface);
    }
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    if (rc != 0)
        return rc;
    size_t plane = (size_t)w * (size_t)h;
    for (size_t i = 0; i < plane; i++) {
        uint32_t p = pixels[i]; /* opaque: premultiplied = straight */
        out[i] = (float)((p >> 16) & 0xff) / 255.0f;
        out[plane + i] = (float)((p >> 8) & 0xff) / 255.0f;
        out[2 * plane + i] = (float)(p & 0xff) / 255.0f;
    }
    return 0;
}
