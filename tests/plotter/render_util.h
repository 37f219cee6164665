/*
 * render_util.h — helpers of the rendering tests: a canvas of the
 * default size, writing it as a PNG with known text chunks, decoding it
 * back, and reading the pixel under a data point.
 */
#ifndef PLOTTER_TEST_RENDER_UTIL_H
#define PLOTTER_TEST_RENDER_UTIL_H

#include "plot.h"
#include "png_read.h"

/* A 1200×900 canvas at 150 dpi (the test fails when it cannot be made). */
plot_canvas *render_canvas(void);
/* Write cv into a fresh temporary folder as `name` with the text chunks
 * pipe.pipeline = "render_test", pipe.stage = name; returns the path
 * (malloc'd). The canvas is freed. */
char *render_save(plot_canvas *cv, const char *name);
/* Decode a PNG written by render_save, asserting the format. */
void render_load(const char *path, png_loaded *out);
/* The pixel of cv under data point (x, y) of its last axes. */
uint32_t render_pixel_at(const plot_canvas *cv, double x, double y);

/* A colour is within `tol` of `want` in every channel. */
int render_color_near(uint32_t got, uint32_t want, int tol);

#endif
