/*
 * test_render.c — pipe_plot's files and errors: the PNG format and text
 * chunks decoded back with libpng, byte-identical output for the same
 * input, sizes and DPI, and the messages for inputs a plot cannot show.
 */
#include "render_util.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_RAMP 1000

/* True values on a ramp from 2 to 110 and predictions with a fixed
 * wiggle (no randomness, so every run draws the same). */
static void ramp(double *truth, double *pred, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        truth[i] = 2 + 108.0 * (double)i / (double)(n - 1);
        pred[i] = truth[i] + 0.8 * sin(0.37 * (double)i);
    }
}

static char *render_pred_vs_true(const char *name, size_t n, plot_scatter_mode mode)
{
    double *truth = malloc(n * sizeof *truth), *pred = malloc(n * sizeof *pred);
    ramp(truth, pred, n);
    plot_options o;
    plot_options_init(&o);
    o.scatter = mode;
    plot_canvas *cv = render_canvas();
    plot_err err;
    cr_assert_eq(plot_pred_vs_true(cv, &o, pred, truth, n, &err), 0, "%s", err.text);
    free(truth), free(pred);
    return render_save(cv, name);
}

Test(render, png_header_text_chunks_and_dpi)
{
    char *path = render_pred_vs_true("pvt.png", N_RAMP, PLOT_SCATTER_AUTO);
    png_loaded p;
    render_load(path, &p);
    cr_assert_str_eq(png_text_of(&p, "pipe.pipeline"), "render_test");
    cr_assert_str_eq(png_text_of(&p, "pipe.stage"), "pvt.png");
    cr_assert_eq(p.n_text, 2);
    cr_assert_float_eq(p.dpi, 150.0, 0.05); /* stored as whole pixels per metre */
    cr_assert_eq(png_pixel(&p, 2, 2), 0xFFFFFF, "the corner is background");
    png_loaded_free(&p);
    free(path);
}

/* The subtitle is drawn under the title in grey and the axes move down
 * to make room for it. */
Test(render, subtitle_under_the_title)
{
    double truth[N_RAMP], pred[N_RAMP];
    ramp(truth, pred, N_RAMP);
    plot_options o;
    plot_options_init(&o);
    plot_err err;
    double top[2];
    int grey[2];
    for (int with = 0; with < 2; with++) {
        plot_canvas *cv = render_canvas();
        plot_canvas_set_subtitle(cv, with ? "simulated, seed 5 · val rows, N = 100" : NULL);
        cr_assert_str_eq(plot_canvas_subtitle(cv),
                         with ? "simulated, seed 5 · val rows, N = 100" : "");
        cr_assert_eq(plot_pred_vs_true(cv, &o, pred, truth, N_RAMP, &err), 0, "%s", err.text);
        double px, py;
        cr_assert_eq(plot_canvas_locate(cv, 0, 115, &px, &py), 0);
        top[with] = py;
        /* grey pixels above the axes: the title's antialiased edges, and
         * the subtitle (0x505050, antialiased) when there is one */
        grey[with] = 0;
        for (int y = 0; y < (int)top[with] - 2; y++)
            for (int x = 0; x < plot_canvas_width(cv); x++) {
                uint32_t c = plot_canvas_pixel(cv, x, y), r = c >> 16;
                grey[with] += r == ((c >> 8) & 0xFF) && r == (c & 0xFF) && r >= 0x50 && r < 0xE0;
            }
        plot_canvas_free(cv);
    }
    cr_assert_gt(top[1], top[0] + 10, "the axes start lower (%g px against %g)", top[1], top[0]);
    cr_assert_gt(grey[1], grey[0] + 200, "%d grey pixels with the subtitle, %d without", grey[1],
                 grey[0]);
}

/* Compare two files byte for byte. */
static void assert_same_bytes(const char *a, const char *b)
{
    size_t na, nb;
    char *da = pipe_test_read_file(a, &na), *db = pipe_test_read_file(b, &nb);
    cr_assert(da && db);
    cr_assert_eq(na, nb, "sizes differ: %zu and %zu", na, nb);
    cr_assert_eq(memcmp(da, db, na), 0, "%s and %s differ", a, b);
    free(da), free(db);
}

Test(render, the_same_input_gives_the_same_bytes)
{
    /* same name (it is in a text chunk), different folders */
    char *a = render_pred_vs_true("same.png", N_RAMP, PLOT_SCATTER_POINTS);
    char *b = render_pred_vs_true("same.png", N_RAMP, PLOT_SCATTER_POINTS);
    assert_same_bytes(a, b);
    free(a), free(b);
    a = render_pred_vs_true("dense.png", 20000, PLOT_SCATTER_DENSITY);
    b = render_pred_vs_true("dense.png", 20000, PLOT_SCATTER_DENSITY);
    assert_same_bytes(a, b);
    free(a), free(b);
}

Test(render, size_and_dpi_are_kept)
{
    plot_err err;
    plot_canvas *cv = plot_canvas_new(640, 480, 72, &err);
    cr_assert_not_null(cv);
    cr_assert_eq(plot_canvas_width(cv), 640);
    cr_assert_eq(plot_canvas_height(cv), 480);
    char *dir = pipe_test_tmpdir(), path[4096];
    snprintf(path, sizeof path, "%s/small.png", dir);
    FILE *f = fopen(path, "wb");
    cr_assert_eq(plot_png_write(cv, f, NULL, 0, &err), 0, "%s", err.text);
    fclose(f);
    png_loaded p;
    char msg[256];
    cr_assert_eq(png_load(path, &p, msg, sizeof msg), 0, "%s", msg);
    cr_assert_eq(p.width, 640);
    cr_assert_eq(p.height, 480);
    cr_assert_float_eq(p.dpi, 72.0, 0.05);
    png_loaded_free(&p);
    plot_canvas_free(cv);
    free(dir);
}

Test(render, bad_canvas_and_keyword_are_errors)
{
    plot_err err;
    cr_assert_null(plot_canvas_new(50, 900, 150, &err));
    cr_assert_str_eq(err.text, "image size 50×900 px is outside 100..16000 px per side");
    cr_assert_null(plot_canvas_new(1200, 900, 5, &err));
    cr_assert_str_eq(err.text, "dpi 5 is outside 10..2400");
    plot_canvas *cv = render_canvas();
    FILE *f = tmpfile();
    const plot_png_text bad[] = {{" lead", "x"}};
    cr_assert_eq(plot_png_write(cv, f, bad, 1, &err), -1);
    cr_assert_str_eq(err.text, "bad PNG text keyword \" lead\" (1–79 printable ASCII characters)");
    fclose(f);
    plot_canvas_free(cv);
}

Test(render, utf8_text_goes_into_an_itxt_chunk)
{
    plot_canvas *cv = render_canvas();
    char *dir = pipe_test_tmpdir(), path[4096];
    snprintf(path, sizeof path, "%s/utf8.png", dir);
    FILE *f = fopen(path, "wb");
    const plot_png_text text[] = {{"Title", "J/ψ → e⁺e⁻"}};
    plot_err err;
    cr_assert_eq(plot_png_write(cv, f, text, 1, &err), 0, "%s", err.text);
    fclose(f);
    png_loaded p;
    char msg[256];
    cr_assert_eq(png_load(path, &p, msg, sizeof msg), 0, "%s", msg);
    cr_assert_str_eq(png_text_of(&p, "Title"), "J/ψ → e⁺e⁻");
    png_loaded_free(&p);
    plot_canvas_free(cv);
    free(dir);
}

Test(render, inputs_a_plot_cannot_show_are_errors)
{
    plot_options o;
    plot_options_init(&o);
    plot_err err;
    plot_canvas *cv = render_canvas();
    double score[] = {0.2, 0.7, 0.4}, bad_label[] = {0, 2, 1}, one_class[] = {0, 0, 0};
    plot_vec s = {score, 3, "dnn"};
    cr_assert_eq(plot_roc(cv, &o, &s, 1, bad_label, 3, &err), -1);
    cr_assert_str_eq(err.text, "labels must be 0 or 1, but label 2 (of 3) is 2");
    cr_assert_eq(plot_roc(cv, &o, &s, 1, one_class, 3, &err), -1);
    cr_assert_str_eq(err.text, "labels must contain both classes, but all 3 are 0");
    double mass[] = {3.1, 9.5, 0, 91};
    cr_assert_eq(plot_mass_spectrum(cv, &o, mass, 4, &err), -1);
    cr_assert_str_eq(err.text, "a logarithmic axis needs positive masses, but value 3 (of 4) is 0");
    cr_assert_eq(plot_pred_vs_true(cv, &o, score, score, 0, &err), -1);
    cr_assert_str_eq(err.text, "no rows to plot");
    plot_vec one = {score, 3, "a"};
    cr_assert_eq(plot_correlation(cv, &o, &one, 1, &err), -1);
    cr_assert_str_eq(err.text, "a correlation matrix needs at least 2 columns, got 1");
    plot_images none = {NULL, 0, 1, 8, 8};
    cr_assert_eq(plot_image_grid(cv, &o, &none, NULL, &err), -1);
    cr_assert_str_eq(err.text, "no images to show (shape 0 × 1 × 8 × 8)");
    plot_canvas_free(cv);
}
