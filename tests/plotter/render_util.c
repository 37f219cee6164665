/*
 * render_util.c — helpers of the rendering tests. See render_util.h.
 */
#include "render_util.h"

#include "test_support.h"

#include <criterion/criterion.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>

plot_canvas *render_canvas(void)
{
    plot_err err;
    plot_canvas *cv = plot_canvas_new(1200, 900, 150, &err);
    cr_assert_not_null(cv, "canvas: %s", err.text);
    return cv;
}

char *render_save(plot_canvas *cv, const char *name)
{
    char *dir = pipe_test_tmpdir();
    char *path = malloc(4096);
    snprintf(path, 4096, "%s/%s", dir, name);
    free(dir);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot create %s", path);
    const plot_png_text text[] = {{"pipe.pipeline", "render_test"}, {"pipe.stage", name}};
    plot_err err;
    int rc = plot_png_write(cv, f, text, 2, &err);
    fclose(f);
    cr_assert_eq(rc, 0, "png: %s", err.text);
    plot_canvas_free(cv);
    return path;
}

void render_load(const char *path, png_loaded *out)
{
    char err[256];
    cr_assert_eq(png_load(path, out, err, sizeof err), 0, "%s", err);
    cr_assert_eq(out->width, 1200);
    cr_assert_eq(out->height, 900);
    cr_assert_eq(out->bit_depth, 8);
    cr_assert_eq(out->color_type, PNG_COLOR_TYPE_RGB);
    cr_assert_eq(out->interlace, PNG_INTERLACE_NONE);
    cr_assert_eq(out->has_time, 0, "no time stamp may be written");
}

uint32_t render_pixel_at(const plot_canvas *cv, double x, double y)
{
    double px, py;
    cr_assert_eq(plot_canvas_locate(cv, x, y, &px, &py), 0, "(%g, %g) is not on the axes", x, y);
    return plot_canvas_pixel(cv, (int)px, (int)py);
}

int render_color_near(uint32_t got, uint32_t want, int tol)
{
    for (int shift = 0; shift <= 16; shift += 8) {
        int a = (int)(got >> shift & 0xFF), b = (int)(want >> shift & 0xFF);
        if (abs(a - b) > tol)
            return 0;
    }
    return 1;
}
