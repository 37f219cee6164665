/*
 * palette.c — the colours of pipe plots: the Okabe–Ito palette for
 * series (distinguishable with every common colour-vision deficiency),
 * viridis for densities and images, ColorBrewer Blues for counts and
 * RdBu for signed values (both colour-blind safe), interpolated linearly
 * between published control points.
 */
#include "draw.h"

#include <math.h>

plot_color plot_rgb(unsigned hex)
{
    return (plot_color){((hex >> 16) & 0xFF) / 255.0, ((hex >> 8) & 0xFF) / 255.0,
                        (hex & 0xFF) / 255.0};
}

/* Okabe & Ito (2008), ordered so that the first colours contrast most on
 * white; yellow comes last. */
static const unsigned okabe_ito[] = {
    0x0072B2, /* blue */
    0xD55E00, /* vermillion */
    0x009E73, /* bluish green */
    0xE69F00, /* orange */
    0xCC79A7, /* reddish purple */
    0x56B4E9, /* sky blue */
    0x000000, /* black */
    0xF0E442, /* yellow */
};

plot_color plot_series_color(size_t i)
{
    return plot_rgb(okabe_ito[i % (sizeof okabe_ito / sizeof okabe_ito[0])]);
}

/* Linear interpolation in a table of n control colours at t in [0, 1]. */
static plot_color interpolate(const unsigned *table, int n, double t)
{
    if (!(t > 0))
        t = 0;
    if (t > 1)
        t = 1;
    double pos = t * (n - 1);
    int i = (int)floor(pos);
    if (i >= n - 1)
        return plot_rgb(table[n - 1]);
    double f = pos - i;
    plot_color a = plot_rgb(table[i]), b = plot_rgb(table[i + 1]);
    return (plot_color){a.r + f * (b.r - a.r), a.g + f * (b.g - a.g), a.b + f * (b.b - a.b)};
}

plot_color plot_cmap_viridis(double t)
{
    static const unsigned viridis[] = {0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21918C,
                                       0x28AE80, 0x5EC962, 0xADDC30, 0xFDE725};
    return interpolate(viridis, 9, t);
}

plot_color plot_cmap_blues(double t)
{
    static const unsigned blues[] = {0xF7FBFF, 0xDEEBF7, 0xC6DBEF, 0x9ECAE1, 0x6BAED6,
                                     0x4292C6, 0x2171B5, 0x08519C, 0x08306B};
    return interpolate(blues, 9, t);
}

plot_color plot_cmap_diverging(double t)
{
    static const unsigned rdbu[] = {0x053061, 0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xF7F7F7,
                                    0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B, 0x67001F};
    return interpolate(rdbu, 11, t);
}

plot_color plot_text_color_on(plot_color bg)
{
    double luminance = 0.2126 * bg.r + 0.7152 * bg.g + 0.0722 * bg.b;
    return luminance > 0.45 ? plot_rgb(0x000000) : plot_rgb(0xFFFFFF);
}

void plot_set_color(cairo_t *cr, plot_color c, double alpha)
{
    if (alpha >= 1)
        cairo_set_source_rgb(cr, c.r, c.g, c.b);
    else
        cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

uint32_t plot_color_argb(plot_color c)
{
    return 0xFF000000u | (uint32_t)lround(c.r * 255) << 16 | (uint32_t)lround(c.g * 255) << 8 |
           (uint32_t)lround(c.b * 255);
}
