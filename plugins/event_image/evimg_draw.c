/*
 * evimg_draw.c — the fast path of pipe_evimg: discs and circles drawn
 * straight into a channel-planar f32 image, each pixel covered by the
 * share clamp(1/2 - d, 0, 1) of its centre's signed distance d (pixels)
 * to the shape's edge — the antialiasing cairo gives a straight edge —
 * and painted over what is there; plus the pT histogram mode. The
 * geometry (pixel scales, radii, phi wrap-around) is shared with the
 * cairo renderer through evimg_geometry.
 */
#include "evimg.h"
#include "evimg_internal.h"

#include <math.h>
#include <string.h>

void evimg_config_default(evimg_config *cfg)
{
    cfg->height = cfg->width = 64;
    cfg->eta_max = 5.0;
    cfg->radius_base = 0.25;
    cfg->radius_slope = 0.15;
    cfg->radius_pt = 10.0;
    cfg->radius_min = 0.1;
    cfg->radius_max = 0.8;
    cfg->line_width = 1.5;
    cfg->hist_unit = 100.0;
    cfg->mode = EVIMG_DISCS;
}

double evimg_radius(const evimg_config *cfg, double pt)
{
    double r = cfg->radius_base + cfg->radius_slope * log(fmax(pt, 1e-3) / cfg->radius_pt);
    return fmin(cfg->radius_max, fmax(cfg->radius_min, r));
}

void evimg_color(evimg_kind kind, float rgb[3])
{
    static const float colors[4][3] = {{1, 0, 0}, {0, 0.6f, 0}, {0, 0, 1}, {0, 0, 0}};
    memcpy(rgb, colors[kind], sizeof colors[kind]);
}

int evimg_geometry(const evimg_config *cfg, const evimg_object *o, evimg_shape *s, float rgb[3])
{
    if (!(o->pt > 0) || !isfinite(o->pt) || !isfinite(o->phi) ||
        (o->kind != EVIMG_MET && !isfinite(o->eta)))
        return 0;
    evimg_color(o->kind, rgb);
    double eta = o->kind == EVIMG_MET ? 0.0 : o->eta;
    double r = evimg_radius(cfg, o->pt);
    s->cx = (eta + cfg->eta_max) / (2 * cfg->eta_max) * cfg->width;
    s->cy = (EVIMG_PI - o->phi) / (2 * EVIMG_PI) * cfg->height;
    s->rx = r * cfg->width / (2 * cfg->eta_max);
    s->ry = r * cfg->height / (2 * EVIMG_PI);
    s->ring = o->kind == EVIMG_MET;
    /* A shape crossing the top or bottom edge is drawn again one period
     * away, so that it continues on the other side. */
    double reach = s->ry + (s->ring ? cfg->line_width : 0) + 1;
    s->copies = 1;
    s->cy_copy[0] = s->cy;
    if (s->cy - reach < 0)
        s->cy_copy[s->copies++] = s->cy + cfg->height;
    if (s->cy + reach > cfg->height)
        s->cy_copy[s->copies++] = s->cy - cfg->height;
    return 1;
}

/* Paint the shape centred at (cx, cy) with colour rgb. */
static void paint(const evimg_config *cfg, const evimg_shape *s, double cy, const float rgb[3],
                  float *out)
{
    int w = cfg->width, h = cfg->height;
    double half = s->ring ? 0.5 * cfg->line_width : 0.0, pad = half + 1.0;
    /* Entirely outside (an eta beyond the picture): nothing to paint, and
     * the bounds below stay within int. */
    if (s->cx + s->rx + pad < 0 || s->cx - s->rx - pad > w || cy + s->ry + pad < 0 ||
        cy - s->ry - pad > h)
        return;
    int x0 = (int)floor(s->cx - s->rx - pad), x1 = (int)ceil(s->cx + s->rx + pad);
    int y0 = (int)floor(cy - s->ry - pad), y1 = (int)ceil(cy + s->ry + pad);
    x0 = x0 < 0 ? 0 : x0, y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > w ? w : x1, y1 = y1 > h ? h : y1;
    size_t plane = (size_t)w * (size_t)h;
    double irx = 1.0 / s->rx, iry = 1.0 / s->ry;
    for (int y = y0; y < y1; y++) {
        double v = (y + 0.5 - cy) * iry;
        for (int x = x0; x < x1; x++) {
            double u = (x + 0.5 - s->cx) * irx;
            double rho = sqrt(u * u + v * v);
            /* Distance to the edge in pixels: (rho - 1) / |grad rho|. */
            double gu = u * irx, gv = v * iry, grad = sqrt(gu * gu + gv * gv);
            double d = rho > 1e-9 ? (rho - 1.0) * rho / grad : -fmin(s->rx, s->ry);
            double a = s->ring ? fmin(1.0, half + 0.5 - fabs(d)) : 0.5 - d;
            if (a <= 0)
                continue;
            float cover = a >= 1 ? 1.0f : (float)a;
            size_t i = (size_t)y * (size_t)w + (size_t)x;
            for (int c = 0; c < EVIMG_CHANNELS; c++)
                out[c * plane + i] += cover * (rgb[c] - out[c * plane + i]);
        }
    }
}

static void histogram(const evimg_config *cfg, const evimg_object *obj, int n, float *out)
{
    size_t plane = (size_t)cfg->width * (size_t)cfg->height;
    memset(out, 0, EVIMG_CHANNELS * plane * sizeof *out);
    for (int k = 0; k < n; k++) {
        const evimg_object *o = &obj[k];
        double eta = o->kind == EVIMG_MET ? 0.0 : o->eta;
        if (!(fabs(eta) < cfg->eta_max) || !(o->pt > 0) || !isfinite(o->pt) ||
            !(fabs(o->phi) <= EVIMG_PI + 1e-9))
            continue;
        int x = (int)((eta + cfg->eta_max) / (2 * cfg->eta_max) * cfg->width);
        int y = (int)((EVIMG_PI - o->phi) / (2 * EVIMG_PI) * cfg->height);
        x = x < 0 ? 0 : x >= cfg->width ? cfg->width - 1 : x;
        y = y < 0 ? 0 : y >= cfg->height ? cfg->height - 1 : y;
        int c = o->kind == EVIMG_JET ? 1 : o->kind == EVIMG_MET ? 2 : 0;
        out[c * plane + (size_t)y * (size_t)cfg->width + (size_t)x] +=
            (float)(o->pt / cfg->hist_unit);
    }
}

void evimg_draw(const evimg_config *cfg, const evimg_object *obj, int n, float *out)
{
    if (cfg->mode == EVIMG_HISTOGRAM) {
        histogram(cfg, obj, n, out);
        return;
    }
    size_t count = EVIMG_CHANNELS * (size_t)cfg->width * (size_t)cfg->height;
    for (size_t i = 0; i < count; i++)
        out[i] = 1.0f;
    evimg_shape s;
    float rgb[3];
    for (int k = 0; k < n; k++) {
        int drawn = evimg_geometry(cfg, &obj[k], &s, rgb);
        for (int c = 0; drawn && c < s.copies; c++)
            paint(cfg, &s, s.cy_copy[c], rgb, out);
    }
}
