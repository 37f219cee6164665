/*
 * test_mean_image.c — the plotter's mean_image kind (plot_mean_image.c):
 * the class means against a hand computation, a label that is no class
 * index as an exact error, and the drawing: the brightest mean pixel in
 * the top colour of viridis, with a linear and a logarithmic scale.
 */
#include "plot.h"

#include <criterion/criterion.h>
#include <string.h>

Test(mean_image, class_means_by_hand)
{
    /* 4 images of 1 x 2 x 2: classes 0, 1, 0, 1 */
    float images[16] = {1, 2, 3, 4, 10, 0, 0, 0, 3, 2, 1, 0, 20, 0, 0, 2};
    double labels[4] = {0, 1, 0, 1};
    plot_images im = {images, 4, 1, 2, 2};
    float means[8];
    size_t counts[2];
    plot_err err;
    cr_assert_eq(plot_class_means(&im, labels, 2, means, counts, &err), 0, "%s", err.text);
    const float want[8] = {2, 2, 2, 2, 15, 0, 0, 1};
    for (int i = 0; i < 8; i++)
        cr_assert_float_eq(means[i], want[i], 1e-6, "pixel %d: %g", i, means[i]);
    cr_assert_eq(counts[0], 2);
    cr_assert_eq(counts[1], 2);
    labels[2] = 2;
    cr_assert_eq(plot_class_means(&im, labels, 2, means, counts, &err), -1);
    cr_assert_str_eq(err.text, "label 2 of image 2 is not a class index 0 to 1 (the classes "
                               "parameter names 2 classes)");
}

/* Pixels of the canvas in the top (yellow) and bottom (purple) colours
 * of viridis, in one pass. */
static void viridis_ends(const plot_canvas *cv, size_t *top, size_t *bottom)
{
    *top = *bottom = 0;
    int w = plot_canvas_width(cv), h = plot_canvas_height(cv);
    for (int i = 0; i < w * h; i++) {
        uint32_t px = plot_canvas_pixel(cv, i % w, i / w);
        *top += px == 0xFDE725u;
        *bottom += px == 0x440154u;
    }
}

static void draw(int log_z, size_t *bright, size_t *dark)
{
    enum { H = 8, W = 8 };
    float means[2 * H * W] = {0};
    for (int i = 0; i < 2 * H * W; i++)
        means[i] = 1e-3f;
    means[3 * W + 3] = 1.0f;         /* class 0: one bright pixel */
    means[H * W + 4 * W + 4] = 0.5f; /* class 1: half as bright */
    size_t counts[2] = {10, 12};
    plot_images m = {means, 2, 1, H, W};
    plot_options o;
    plot_options_init(&o);
    o.log_z = log_z;
    plot_err err;
    plot_canvas *cv = plot_canvas_new(1200, 900, 150, &err);
    cr_assert_not_null(cv, "%s", err.text);
    cr_assert_eq(plot_mean_image(cv, &o, &m, counts, &err), 0, "%s", err.text);
    viridis_ends(cv, bright, dark);
    plot_canvas_free(cv);
}

Test(mean_image, brightest_pixel_tops_the_scale, .fini = plot_library_release)
{
    size_t bright, dark;
    draw(0, &bright, &dark);
    /* one cell of 1/8 of a tile side squared, at least (~ 50 px squared) */
    cr_assert(bright > 1000 && dark > 100 * 1000, "bright %zu dark %zu", bright, dark);
    size_t log_bright, log_dark;
    draw(1, &log_bright, &log_dark);
    /* log: the floor 1e-3 is the bottom of the scale too, 0.5 is not the top */
    cr_assert(log_bright > 1000 && log_bright < bright * 1.2, "log bright %zu", log_bright);
    cr_assert(log_dark > 100 * 1000, "log dark %zu", log_dark);
}

Test(mean_image, log_z_needs_a_positive_mean, .fini = plot_library_release)
{
    float zeros[4] = {0, 0, 0, 0};
    size_t counts[1] = {3};
    plot_images m = {zeros, 1, 1, 2, 2};
    plot_options o;
    plot_options_init(&o);
    o.log_z = 1;
    plot_err err;
    plot_canvas *cv = plot_canvas_new(400, 300, 100, &err);
    cr_assert_not_null(cv);
    cr_assert_eq(plot_mean_image(cv, &o, &m, counts, &err), -1);
    cr_assert_str_eq(err.text, "log_z: no mean pixel is above 0 (largest 0)");
    plot_canvas_free(cv);
}
