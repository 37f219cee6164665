/*
 * test_grid.c — the plotter's image_grid with `per_class` and `rgb`, the
 * figure of the event-image study: rows of examples per class, in class
 * order, shown as colour pictures; and the whole chain events ->
 * event_image -> plotter run by pipe.
 */
#include "plot.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

enum { K = 3, PER = 2, H = 8, W = 8 };

Test(grid, one_row_per_class_in_colour)
{
    /* Class c's images are pure red, green, blue; class 2 has one of two. */
    static float images[K * PER * 3 * H * W];
    double labels[K * PER];
    for (int s = 0; s < K * PER; s++) {
        int c = s / PER;
        labels[s] = s == K * PER - 1 ? -1 : c;
        for (int p = 0; p < H * W; p++)
            images[(s * 3 + c) * H * W + p] = 1.0f;
    }
    const char *classes[K] = {"DY", "W+jets", "ttbar"};
    plot_options o;
    plot_options_init(&o);
    o.classes = classes;
    o.n_classes = K;
    o.per_class = PER;
    o.rgb = 1;
    plot_err err;
    plot_canvas *cv = plot_canvas_new(1200, 900, 150, &err);
    cr_assert(cv, "%s", err.text);
    plot_images im = {images, K * PER, 3, H, W};
    cr_assert_eq(plot_image_grid(cv, &o, &im, labels, &err), 0, "%s", err.text);
    const uint32_t colors[K] = {0xFF0000, 0x00FF00, 0x0000FF};
    double count[K] = {0}, mean_y[K] = {0};
    size_t viridis = 0;
    for (int y = 0; y < plot_canvas_height(cv); y++)
        for (int x = 0; x < plot_canvas_width(cv); x++) {
            uint32_t p = plot_canvas_pixel(cv, x, y);
            viridis += p == 0x440154 || p == 0xFDE725;
            for (int c = 0; c < K; c++)
                if (p == colors[c]) {
                    count[c]++;
                    mean_y[c] += y;
                }
        }
    /* Equal tiles: two red, two green, one blue. */
    cr_assert(count[2] > 100, "blue %g", count[2]);
    cr_assert(fabs(count[0] / count[2] - 2) < 0.1, "red %g blue %g", count[0], count[2]);
    cr_assert(fabs(count[1] / count[2] - 2) < 0.1, "green %g blue %g", count[1], count[2]);
    /* Rows in class order, top to bottom; no colour bar in rgb mode. */
    cr_assert(mean_y[0] / count[0] < mean_y[1] / count[1]);
    cr_assert(mean_y[1] / count[1] < mean_y[2] / count[2]);
    cr_assert_eq(viridis, 0);
    /* rgb needs 3 channels. */
    plot_images one = {images, 2, 1, H, W};
    o.per_class = 0;
    cr_assert_eq(plot_image_grid(cv, &o, &one, NULL, &err), -1);
    cr_assert_str_eq(err.text, "rgb: expected images with 3 channels, found 1");
    plot_canvas_free(cv);
}

Test(grid, events_drawn_and_shown_per_class)
{
    const char *args[] = {"--plugin-path", PIPE_PLUGIN_BUILD_DIR, NULL};
    pipe_test_pipeline p = pipe_test_pipeline_run(
        "run",
        "pipeline: grid\n"
        "seed: 3\n"
        "stages:\n"
        "  - id: gen\n"
        "    plugin: events\n"
        "    params: {events: 30, processes: [dy, wjets, ttbar]}\n"
        "    outputs: {table: events, label: label}\n"
        "  - id: draw\n"
        "    plugin: event_image\n"
        "    params: {height: 32, width: 32}\n"
        "    inputs: {table: events}\n"
        "  - id: grid\n"
        "    plugin: plotter\n"
        "    params: {kind: image_grid, per_class: 4, rgb: true, classes: [DY, W+jets, ttbar],\n"
        "             file: examples.png}\n"
        "    inputs: {images: images, label: label}\n",
        NULL, args);
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    char path[4200];
    snprintf(path, sizeof path, "%s/examples.png", p.out);
    size_t size = 0;
    char *png = pipe_test_read_file(path, &size);
    cr_assert(png && size > 1000, "no %s", path);
    cr_assert(memcmp(png, "\x89PNG", 4) == 0);
    free(png);
    pipe_test_pipeline_free(&p);
}
