/*
 * test_draw.c — pipe_evimg's pictures of hand-placed events: a disc's
 * centre, edge and area (pi r_eta r_phi), the phi wrap-around at the
 * picture's top and bottom edges, the MET circle at eta = 0, the colours
 * of each kind, the histogram mode's deposits, the direct rasteriser
 * against cairo, and the columns found in the two table layouts.
 */
#include "evimg.h"
#include "evimg_table.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846
#define N 64

/* 64 x 64 over eta and phi in [-pi, pi]: both scales 64 / (2 pi) px. */
static evimg_config square(void)
{
    evimg_config c;
    evimg_config_default(&c);
    c.eta_max = PI;
    return c;
}

static float px(const float *img, int c, int y, int x)
{
    return img[c * N * N + y * N + x];
}

/* eta and phi of the centre of pixel (x, y). */
static double eta_of(double x)
{
    return (x + 0.5) / N * 2 * PI - PI;
}

static double phi_of(double y)
{
    return PI - (y + 0.5) / N * 2 * PI;
}

/* The disc of radius r px covers pi r^2 of the green channel (a red
 * disc on white takes green away), to a percent. */
static void assert_disc_area(const float *img, double r)
{
    double area = 0;
    for (int i = 0; i < N * N; i++)
        area += 1.0 - img[N * N + i];
    cr_assert(fabs(area / (PI * r * r) - 1) < 0.01, "area %g px, want %g", area, PI * r * r);
}

Test(draw, a_muon_disc_has_its_centre_edge_and_area)
{
    evimg_config c = square();
    float img[3 * N * N];
    evimg_object mu = {c.radius_pt, eta_of(32), phi_of(20), EVIMG_MUON};
    evimg_draw(&c, &mu, 1, img);
    double r = c.radius_base * N / (2 * PI); /* 2.546 px */
    /* Centre: red; far away: white. */
    cr_assert_float_eq(px(img, 0, 20, 32), 1.0f, 1e-6);
    cr_assert_float_eq(px(img, 1, 20, 32), 0.0f, 1e-6);
    cr_assert_float_eq(px(img, 2, 20, 32), 0.0f, 1e-6);
    cr_assert_float_eq(px(img, 1, 20, 40), 1.0f, 1e-6);
    /* 3 px from the centre, 0.454 px outside the edge: covered 0.046. */
    cr_assert_float_eq(px(img, 1, 20, 35), 1.0 - (0.5 - (3 - r)), 1e-5);
    assert_disc_area(img, r);
}

Test(draw, a_disc_near_phi_pi_wraps_to_the_bottom)
{
    evimg_config c = square();
    float img[3 * N * N];
    /* Centre half a pixel below the top edge: the disc continues at the
     * bottom. */
    evimg_object mu = {c.radius_pt, eta_of(10), PI - 0.5 * 2 * PI / N, EVIMG_MUON};
    evimg_draw(&c, &mu, 1, img);
    cr_assert_float_eq(px(img, 1, 0, 10), 0.0f, 1e-6);
    cr_assert_float_eq(px(img, 1, N - 1, 10), 0.0f, 1e-6);
    cr_assert_float_eq(px(img, 1, N / 2, 10), 1.0f, 1e-6);
    /* Both halves together: the whole disc. */
    assert_disc_area(img, c.radius_base * N / (2 * PI));
}

Test(draw, met_is_a_black_circle_at_eta_zero)
{
    evimg_config c = square();
    float img[3 * N * N];
    /* MET's own eta is ignored: it sits at eta = 0 (x = 32). */
    evimg_object met = {100, 2.0, phi_of(32), EVIMG_MET};
    evimg_draw(&c, &met, 1, img);
    double r = evimg_radius(&c, 100) * N / (2 * PI); /* 0.595 -> 6.06 px */
    /* Row 32 runs through the centre (32.0, 32.5): right of it, the line
     * covers [r - w/2, r + w/2], pixels 37 and 38 with 1.5 px of ink. */
    double row_ink = 0;
    for (int x = 32; x < N; x++)
        row_ink += 1.0 - px(img, 0, 32, x);
    cr_assert(fabs(row_ink - c.line_width) < 0.05, "ink along the row %g", row_ink);
    cr_assert(px(img, 0, 32, 37) < 0.35f && px(img, 0, 32, 38) < 0.35f);
    for (int ch = 0; ch < 3; ch++) {
        cr_assert_float_eq(px(img, ch, 32, 32), 1.0f, 1e-6, "inside the circle: white");
        cr_assert_float_eq(px(img, ch, 32, 40), 1.0f, 1e-6, "outside: white");
    }
    /* The circle's ink is its length times the line width. */
    double ink = 0;
    for (int i = 0; i < N * N; i++)
        ink += 1.0 - img[i];
    cr_assert(fabs(ink / (2 * PI * r * c.line_width) - 1) < 0.05, "ink %g, want %g", ink,
              2 * PI * r * c.line_width);
}

Test(draw, kinds_have_their_colours_and_later_objects_paint_over)
{
    evimg_config c = square();
    float img[3 * N * N];
    evimg_object o[3] = {{50, eta_of(10), phi_of(10), EVIMG_JET},
                         {50, eta_of(40), phi_of(40), EVIMG_ELECTRON},
                         {50, eta_of(10), phi_of(10), EVIMG_MUON}};
    evimg_draw(&c, o, 2, img);
    float want_jet[3] = {0, 0, 1}, want_e[3];
    evimg_color(EVIMG_ELECTRON, want_e);
    for (int ch = 0; ch < 3; ch++) {
        cr_assert_float_eq(px(img, ch, 10, 10), want_jet[ch], 1e-6);
        cr_assert_float_eq(px(img, ch, 40, 40), want_e[ch], 1e-6);
    }
    evimg_draw(&c, o, 3, img);
    cr_assert_float_eq(px(img, 0, 10, 10), 1.0f, 1e-6);
    cr_assert_float_eq(px(img, 2, 10, 10), 0.0f, 1e-6);
}

Test(draw, the_histogram_deposits_pt_in_cells)
{
    evimg_config c = square();
    c.mode = EVIMG_HISTOGRAM;
    float img[3 * N * N];
    evimg_object o[4] = {{50, eta_of(5), phi_of(7), EVIMG_JET},
                         {30, eta_of(5), phi_of(7), EVIMG_JET},
                         {20, eta_of(60), phi_of(2), EVIMG_MUON},
                         {70, 3.0, phi_of(9), EVIMG_MET}};
    evimg_draw(&c, o, 4, img);
    cr_assert_float_eq(px(img, 1, 7, 5), 0.8f, 1e-6);
    cr_assert_float_eq(px(img, 0, 2, 60), 0.2f, 1e-6);
    cr_assert_float_eq(px(img, 2, 9, 32), 0.7f, 1e-6);
    double sum = 0;
    for (int i = 0; i < 3 * N * N; i++)
        sum += img[i];
    cr_assert_float_eq(sum, 1.7, 1e-5);
}

Test(draw, objects_outside_or_not_finite_are_not_drawn)
{
    evimg_config c = square();
    float img[3 * N * N];
    evimg_object o[4] = {{50, 1e300, 0.1, EVIMG_JET},
                         {50, NAN, 0.1, EVIMG_MUON},
                         {50, 0.2, NAN, EVIMG_MET},
                         {INFINITY, 0.2, 0.3, EVIMG_JET}};
    evimg_draw(&c, o, 4, img);
    for (int i = 0; i < 3 * N * N; i++)
        cr_assert_float_eq(img[i], 1.0f, 0, "pixel %d", i);
    c.mode = EVIMG_HISTOGRAM;
    evimg_draw(&c, o, 4, img);
    for (int i = 0; i < 3 * N * N; i++)
        cr_assert_float_eq(img[i], 0.0f, 0, "cell %d", i);
}

Test(draw, the_direct_rasteriser_agrees_with_cairo)
{
    evimg_config c;
    evimg_config_default(&c);
    float a[3 * N * N], b[3 * N * N];
    uint32_t pixels[N * N];
    evimg_object o[5] = {{35, 1.2, 0.4, EVIMG_JET},
                         {120, -2.0, -3.1, EVIMG_JET},
                         {41, 0.3, 2.9, EVIMG_MUON},
                         {28, -0.8, -1.0, EVIMG_ELECTRON},
                         {60, 0, 1.7, EVIMG_MET}};
    evimg_draw(&c, o, 5, a);
    cr_assert_eq(evimg_draw_cairo(&c, o, 5, pixels, b), 0);
    double sum = 0, max = 0;
    for (int i = 0; i < 3 * N * N; i++) {
        sum += fabs(a[i] - b[i]);
        max = fmax(max, fabs(a[i] - b[i]));
    }
    /* Both cover each pixel by the shape's share of it, up to cairo's
     * 8-bit colours and its sampling of edges: no pixel far off. */
    cr_assert(sum / (3 * N * N) < 0.005, "mean difference %g", sum / (3 * N * N));
    cr_assert(max < 0.3, "largest difference %g", max);
}

Test(draw, the_columns_of_the_cms_file_are_two_electrons)
{
    const char *names[] = {"Run", "pt1", "eta1", "phi1", "pt2", "eta2", "phi2", "M"};
    pipe_tensor *t = pipe_tensor_new2(PIPE_F64, 1, 8);
    pipe_tensor_set_columns(t, names, 8);
    double row[8] = {1, 40, 0.5, 1.0, 0, 0.1, 0.2, 91};
    memcpy(t->data, row, sizeof row);
    evimg_columns cols;
    cr_assert_eq(evimg_columns_find(t, EVIMG_MUON, &cols), 0);
    cr_assert_eq(cols.cms, 1);
    cr_assert_eq(cols.n_leptons, 2);
    cr_assert_eq(cols.met, -1);
    evimg_object o[EVIMG_MAX_SLOTS + 1];
    /* The second electron has pt 0: not drawn. */
    cr_assert_eq(evimg_row_objects(&cols, t, 0, o), 1);
    cr_assert_eq(o[0].kind, EVIMG_ELECTRON);
    cr_assert_float_eq(o[0].eta, 0.5, 1e-12);
    pipe_tensor_release(t);
}
