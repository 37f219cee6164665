/*
 * test_render_kinds.c — every plot kind drawn from synthetic data with
 * known geometry, written as PNG and decoded back, and pixels that must
 * be set: a line through a known point has the series colour, a cell of
 * a heat map has the colour of its value, the background stays white
 * where nothing is drawn.
 */
#include "render_util.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

/* Colours of pipe_plot that the checks expect. */
#define BLUE 0x0072B2u       /* series 0 */
#define VERMILLION 0xD55E00u /* series 1 */
#define WHITE 0xFFFFFFu

static plot_options options(void)
{
    plot_options o;
    plot_options_init(&o);
    return o;
}

/* Save, decode and check the format of a finished canvas. */
static void save_and_check(plot_canvas *cv, const char *name)
{
    char *path = render_save(cv, name);
    png_loaded p;
    render_load(path, &p);
    cr_assert_str_eq(png_text_of(&p, "pipe.stage"), name);
    png_loaded_free(&p);
    free(path);
}

/* Dark pixels of the canvas column at data x, between data y0 and y1. */
static int dark_in_column(const plot_canvas *cv, double x, double y0, double y1)
{
    double px, top, bottom;
    cr_assert_eq(plot_canvas_locate(cv, x, y1, &px, &top), 0);
    cr_assert_eq(plot_canvas_locate(cv, x, y0, &px, &bottom), 0);
    int n = 0;
    for (int y = (int)top; y <= (int)bottom; y++) {
        uint32_t c = plot_canvas_pixel(cv, (int)lround(px), y);
        n += (c >> 16) < 0x60 && ((c >> 8) & 0xFF) < 0x60 && (c & 0xFF) < 0x60;
    }
    return n;
}

Test(kinds, loss_curve_line_through_its_value)
{
    double epoch[20], loss[20];
    for (int i = 0; i < 20; i++)
        epoch[i] = i + 1, loss[i] = 2.0;
    plot_history h = {{epoch, 20, "epoch"}, {loss, 20, "loss"}, {0}, {0}, {0}};
    plot_options o = options();
    plot_canvas *cv = render_canvas();
    plot_err err;
    cr_assert_eq(plot_loss_curve(cv, &o, &h, &err), 0, "%s", err.text);
    cr_assert_eq(render_pixel_at(cv, 10, 2.0), BLUE);
    cr_assert_eq(render_pixel_at(cv, 10.5, 1.925), WHITE);
    save_and_check(cv, "loss_curve.png");
}

Test(kinds, loss_curve_with_validation_and_mae)
{
    double epoch[30], loss[30], val[30], mae[30], val_mae[30];
    for (int i = 0; i < 30; i++) {
        epoch[i] = i + 1, loss[i] = 10.0 / (i + 1), val[i] = loss[i] + 0.01 * (i - 20) * (i - 20);
        mae[i] = sqrt(loss[i]), val_mae[i] = sqrt(val[i]);
    }
    plot_history h = {{epoch, 30, "epoch"},
                      {loss, 30, "loss"},
                      {val, 30, "val_loss"},
                      {mae, 30, "mae"},
                      {val_mae, 30, "val_mae"}};
    plot_options o = options();
    o.log_y = 1;
    plot_canvas *cv = render_canvas();
    plot_err err;
    cr_assert_eq(plot_loss_curve(cv, &o, &h, &err), 0, "%s", err.text);
    /* the last panel drawn is the MAE: the training line passes (5, √2) */
    cr_assert_eq(render_pixel_at(cv, 5, sqrt(2.0)), BLUE);
    save_and_check(cv, "loss_curve_full.png");
}

/* One best epoch on both panels: that of the smallest validation loss
 * (here 12, while the validation MAE is smallest at 30), or the one the
 * model reported; an epoch the history lacks is an error. */
Test(kinds, loss_curve_marks_one_best_epoch)
{
    double epoch[30], loss[30], val[30], mae[30], val_mae[30];
    for (int i = 0; i < 30; i++) {
        epoch[i] = i + 1, loss[i] = 10.0 / (i + 1), val[i] = 1 + 0.01 * (i - 11) * (i - 11);
        mae[i] = 3 - 0.05 * i, val_mae[i] = 3.2 - 0.05 * i;
    }
    plot_history h = {{epoch, 30, "epoch"},
                      {loss, 30, "loss"},
                      {val, 30, "val_loss"},
                      {mae, 30, "mae"},
                      {val_mae, 30, "val_mae"}};
    plot_options o = options();
    plot_err err;
    for (int given = 0; given < 2; given++) {
        o.best_epoch = given ? 20 : 0;
        plot_canvas *cv = render_canvas();
        cr_assert_eq(plot_loss_curve(cv, &o, &h, &err), 0, "%s", err.text);
        /* the MAE panel (drawn last), between the curves' values 1.8 and 1.9 */
        int at12 = dark_in_column(cv, 12, 1.8, 1.9), at20 = dark_in_column(cv, 20, 1.8, 1.9);
        int at30 = dark_in_column(cv, 30, 1.8, 1.9);
        cr_assert_gt(given ? at20 : at12, 10, "the dashed line at the best epoch");
        cr_assert_eq(given ? at12 : at20, 0, "no line elsewhere");
        cr_assert_eq(at30, 0, "none at the smallest validation MAE");
        /* the last epoch is not on the right edge of the frame */
        double px30, px29, py;
        plot_canvas_locate(cv, 30, 2, &px30, &py);
        plot_canvas_locate(cv, 29, 2, &px29, &py);
        cr_assert_neq(plot_canvas_pixel(cv, (int)lround(px30 + 0.5 * (px30 - px29)), (int)py),
                      0x222222u, "the frame lies beyond the last epoch");
        plot_canvas_free(cv);
    }
    o.best_epoch = 31;
    plot_canvas *cv = render_canvas();
    cr_assert_eq(plot_loss_curve(cv, &o, &h, &err), -1);
    cr_assert_str_eq(err.text, "the best epoch 31 is not in the history (epochs 1 to 30)");
    plot_canvas_free(cv);
}

/* A ramp 2..110 GeV with pred == true. */
static void exact_ramp(double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        v[i] = 2 + 108.0 * (double)i / (double)(n - 1);
}

Test(kinds, pred_vs_true_points_on_the_diagonal)
{
    double v[1000];
    exact_ramp(v, 1000);
    plot_options o = options();
    plot_canvas *cv = render_canvas();
    plot_err err;
    cr_assert_eq(plot_pred_vs_true(cv, &o, v, v, 1000, &err), 0, "%s", err.text);
    uint32_t on = render_pixel_at(cv, 56, 56);
    cr_assert((on >> 16) < 0x40, "the diagonal at 56 GeV is drawn (got %06X)", on);
    cr_assert_eq(render_pixel_at(cv, 35, 85), WHITE, "nothing far off the diagonal");
    save_and_check(cv, "pred_vs_true.png");
}

Test(kinds, error_plots_render)
{
    double truth[3000], pred[3000];
    exact_ramp(truth, 3000);
    for (int i = 0; i < 3000; i++)
        pred[i] = truth[i] * (1 + 0.02 * sin(i * 0.7));
    plot_options o = options();
    plot_err err;
    plot_canvas *cv = render_canvas();
    cr_assert_eq(plot_error_hist(cv, &o, pred, truth, 3000, &err), 0, "%s", err.text);
    save_and_check(cv, "error_hist.png");
    cv = render_canvas();
    o.signed_errors = 1;
    cr_assert_eq(plot_error_vs_true(cv, &o, pred, truth, 3000, &err), 0, "%s", err.text);
    save_and_check(cv, "error_vs_true.png");
}

Test(kinds, mass_spectrum_fill_under_the_steps)
{
    enum { N = 2000 };
    double m[N];
    for (int i = 0; i < N; i++) /* uniform in log M: density ∝ 1/M */
        m[i] = 2 * pow(55.0, (double)i / (N - 1));
    plot_options o = options();
    o.bins = 100;
    o.label_peaks = 1;
    plot_canvas *cv = render_canvas();
    plot_err err;
    cr_assert_eq(plot_mass_spectrum(cv, &o, m, N, &err), 0, "%s", err.text);
    /* about 16 events/GeV at 30 GeV: (30, 3.5) is under the steps, in
     * the fill (blue at 25 % over white) */
    cr_assert(render_color_near(render_pixel_at(cv, 30, 3.5), 0xBFDCEC, 2), "%06X",
              render_pixel_at(cv, 30, 3.5));
    cr_assert_eq(render_pixel_at(cv, 30, 200), WHITE, "above the steps");
    save_and_check(cv, "mass_spectrum.png");
}

Test(kinds, roc_of_a_perfect_classifier)
{
    double score[400], label[400];
    for (int i = 0; i < 400; i++)
        label[i] = i % 4 == 0, score[i] = label[i] ? 0.9 : 0.1;
    plot_vec s = {score, 400, "perfect"};
    plot_options o = options();
    plot_canvas *cv = render_canvas();
    plot_err err;
    cr_assert_eq(plot_roc(cv, &o, &s, 1, label, 400, &err), 0, "%s", err.text);
    cr_assert_eq(render_pixel_at(cv, 0.5, 1.0), BLUE, "the curve runs along tpr = 1");
    save_and_check(cv, "roc.png");
}

Test(kinds, confusion_cells_have_the_colour_of_their_fraction)
{
    double score[] = {0.1, 0.2, 0.9, 0.8, 0.3}, label[] = {0, 0, 1, 1, 0};
    plot_options o = options();
    plot_canvas *cv = render_canvas();
    plot_err err;
    cr_assert_eq(plot_confusion(cv, &o, score, label, 5, &err), 0, "%s", err.text);
    cr_assert_eq(render_pixel_at(cv, -0.4, -0.4), 0x08306Bu, "true 0, predicted 0: 100 %");
    cr_assert_eq(render_pixel_at(cv, 0.6, -0.4), 0xF7FBFFu, "true 0, predicted 1: 0 %");
    cr_assert_eq(render_pixel_at(cv, 1.4, 1.4), 0x08306Bu, "true 1, predicted 1: 100 %");
    save_and_check(cv, "confusion.png");
}

Test(kinds, confusion_subtitle_names_the_threshold_unless_given_classes)
{
    double score[] = {0.1, 0.2, 0.9, 0.8, 0.3}, classes[] = {0, 0, 1, 1, 0};
    plot_options o = options();
    char text[128];
    plot_confusion_subtitle(&o, score, 5, 80, text, sizeof text);
    cr_assert_str_eq(text, "threshold 0.5, accuracy 80.00 %");
    plot_confusion_subtitle(&o, classes, 5, 100, text, sizeof text);
    cr_assert_str_eq(text, "classes as given, accuracy 100.00 %");
    o.threshold = 1.5; /* every row is class 0: the threshold matters again */
    plot_confusion_subtitle(&o, classes, 5, 60, text, sizeof text);
    cr_assert_str_eq(text, "threshold 1.5, accuracy 60.00 %");
}

Test(kinds, correlation_cells_have_the_colour_of_r)
{
    double a[50], b[50], c[50];
    for (int i = 0; i < 50; i++)
        a[i] = i * 0.3 + sin(i), b[i] = 2 * a[i] + 1, c[i] = -a[i];
    plot_vec cols[] = {{a, 50, "a"}, {b, 50, "b"}, {c, 50, "c"}};
    plot_options o = options();
    plot_canvas *cv = render_canvas();
    plot_err err;
    cr_assert_eq(plot_correlation(cv, &o, cols, 3, &err), 0, "%s", err.text);
    cr_assert_eq(render_pixel_at(cv, 0.6, -0.4), 0x67001Fu, "r(a, b) = +1");
    cr_assert_eq(render_pixel_at(cv, 1.6, -0.4), 0x053061u, "r(a, c) = −1");
    save_and_check(cv, "correlation.png");
}

Test(kinds, score_plots_render)
{
    double score[1000], label[1000], mass[1000];
    exact_ramp(mass, 1000);
    for (int i = 0; i < 1000; i++)
        label[i] = mass[i] >= 80 && mass[i] <= 100, score[i] = label[i] ? 0.95 : 0.05;
    plot_options o = options();
    o.density = 1;
    plot_canvas *cv = render_canvas();
    plot_err err;
    cr_assert_eq(plot_score_hist(cv, &o, score, label, 1000, &err), 0, "%s", err.text);
    /* all background in one bin at 0.05: its fill reaches fraction 1 */
    cr_assert(render_color_near(render_pixel_at(cv, 0.0625, 0.45), 0xC7E0EE, 2), "%06X",
              render_pixel_at(cv, 0.0625, 0.45));
    save_and_check(cv, "score_hist.png");
    cv = render_canvas();
    cr_assert_eq(plot_score_vs_mass(cv, &o, score, mass, 1000, &err), 0, "%s", err.text);
    save_and_check(cv, "score_vs_mass.png");
}

/* The threshold line is drawn where the threshold is (a tuned 0.343, not
 * 0.5), dashed and dark. */
Test(kinds, score_hist_draws_the_threshold_used)
{
    double score[1000], label[1000];
    for (int i = 0; i < 1000; i++)
        label[i] = i % 2, score[i] = label[i] ? 0.95 : 0.05;
    plot_options o = options();
    o.density = 1;
    o.threshold = 0.343;
    o.threshold_name = "tuned threshold";
    plot_canvas *cv = render_canvas();
    plot_err err;
    cr_assert_eq(plot_score_hist(cv, &o, score, label, 1000, &err), 0, "%s", err.text);
    int at = dark_in_column(cv, 0.343, 0.2, 0.8), off = dark_in_column(cv, 0.5, 0.2, 0.8);
    cr_assert_gt(at, 50, "%d dark pixels on the threshold line", at);
    cr_assert_eq(off, 0, "nothing at 0.5 (%d dark pixels)", off);
    plot_canvas_free(cv);
}

/* Pixels of colour c in the canvas. */
static size_t count_color(const plot_canvas *cv, uint32_t c);

/* Errors off the top of a clipped y axis are counted in a note (a box
 * outlined in 0xA0A0A0 besides the legend's). */
Test(kinds, error_vs_true_counts_what_the_axis_clips)
{
    double truth[1000], pred[1000];
    exact_ramp(truth, 1000);
    size_t box_px[2];
    for (int outliers = 0; outliers < 2; outliers++) {
        for (int i = 0; i < 1000; i++)
            pred[i] = truth[i] + 0.5 * sin(0.37 * i) + (outliers && i % 400 == 7 ? 60 : 0);
        plot_options o = options();
        plot_canvas *cv = render_canvas();
        plot_err err;
        cr_assert_eq(plot_error_vs_true(cv, &o, pred, truth, 1000, &err), 0, "%s", err.text);
        box_px[outliers] = count_color(cv, 0xA0A0A0u);
        plot_canvas_free(cv);
    }
    cr_assert_gt(box_px[1], box_px[0] + 200, "a note box: %zu outline pixels against %zu",
                 box_px[1], box_px[0]);
}

/* A model that always gives the same score lies on the random diagonal;
 * the diagonal's grey dashes still show over it. */
Test(kinds, roc_random_diagonal_over_a_baseline)
{
    double score[200], label[200];
    for (int i = 0; i < 200; i++)
        score[i] = 0.5, label[i] = i % 2;
    plot_vec scores[] = {{score, 200, "majority"}};
    plot_options o = options();
    plot_canvas *cv = render_canvas();
    plot_err err;
    cr_assert_eq(plot_roc(cv, &o, scores, 1, label, 200, &err), 0, "%s", err.text);
    int grey = 0, blue = 0;
    for (int i = 0; i <= 100; i++) {
        double t = 0.25 + 0.5 * i / 100.0, px, py;
        cr_assert_eq(plot_canvas_locate(cv, t, t, &px, &py), 0);
        uint32_t c = plot_canvas_pixel(cv, (int)lround(px), (int)lround(py));
        grey += c == 0x555555u;
        blue += c == BLUE;
    }
    cr_assert_gt(grey, 10, "%d grey dash pixels on the diagonal (%d blue)", grey, blue);
    cr_assert_gt(blue, 10, "the curve shows between the dashes (%d blue)", blue);
    plot_canvas_free(cv);
}

/* score_vs_mass: the label window's edges are drawn, and error bars stop
 * at 0 (a bin of scores 0 with a few 1 has mean − std. dev. < 0). */
Test(kinds, score_vs_mass_window_and_clipped_bars)
{
    double score[1000], mass[1000];
    exact_ramp(mass, 1000);
    for (int i = 0; i < 1000; i++)
        score[i] = i % 10 == 0 ? 1 : 0;
    plot_options o = options();
    o.window_lo = 80, o.window_hi = 100;
    plot_canvas *cv = render_canvas();
    plot_err err;
    cr_assert_eq(plot_score_vs_mass(cv, &o, score, mass, 1000, &err), 0, "%s", err.text);
    cr_assert_gt(dark_in_column(cv, 80, 0.3, 0.7), 10, "the window's low edge");
    cr_assert_gt(dark_in_column(cv, 100, 0.3, 0.7), 10, "its high edge");
    cr_assert_eq(dark_in_column(cv, 60, 0.3, 0.7), 0, "nothing elsewhere");
    double px, py;
    cr_assert_eq(plot_canvas_locate(cv, 50, -0.015, &px, &py), 0);
    int below = 0;
    for (int x = 0; x < plot_canvas_width(cv); x++)
        below += plot_canvas_pixel(cv, x, (int)lround(py)) == VERMILLION;
    cr_assert_eq(below, 0, "%d error-bar pixels below a score of 0", below);
    plot_canvas_free(cv);
}

Test(kinds, bars_have_the_model_colours)
{
    double mae[] = {0.5, 0.9}, rmse[] = {0.8, 1.3};
    plot_vec metrics[] = {{mae, 2, "MAE"}, {rmse, 2, "RMSE"}};
    const char *models[] = {"DNN", "CNN"};
    plot_options o = options();
    plot_canvas *cv = render_canvas();
    plot_err err;
    cr_assert_eq(plot_bars(cv, &o, metrics, 2, models, 2, &err), 0, "%s", err.text);
    cr_assert_eq(render_pixel_at(cv, -0.2, 0.25), BLUE);
    cr_assert_eq(render_pixel_at(cv, 0.2, 0.25), VERMILLION);
    cr_assert_eq(render_pixel_at(cv, 0.8, 0.7), BLUE, "DNN's RMSE bar reaches 0.8");
    cr_assert_eq(render_pixel_at(cv, 0.8, 0.85), WHITE, "and no higher");
    save_and_check(cv, "bars.png");
}

/* With four models the legend sits above the bars (its 0xA0A0A0 outline
 * never below the tallest bar's top). */
Test(kinds, bars_legend_above_the_bars)
{
    double auc[] = {0.995, 0.97, 0.93, 0.5}, acc[] = {0.99, 0.95, 0.91, 0.62};
    plot_vec metrics[] = {{auc, 4, "ROC AUC"}, {acc, 4, "Accuracy"}};
    const char *models[] = {"network", "logistic", "cut", "majority"};
    plot_options o = options();
    plot_canvas *cv = render_canvas();
    plot_err err;
    cr_assert_eq(plot_bars(cv, &o, metrics, 2, models, 4, &err), 0, "%s", err.text);
    double px, top, bottom;
    cr_assert_eq(plot_canvas_locate(cv, 0, 0.995, &px, &top), 0);
    cr_assert_eq(plot_canvas_locate(cv, 0, 0, &px, &bottom), 0);
    size_t outline = 0, below = 0;
    for (int y = 0; y < plot_canvas_height(cv); y++)
        for (int x = 0; x < plot_canvas_width(cv); x++)
            if (plot_canvas_pixel(cv, x, y) == 0xA0A0A0u)
                outline++, below += y > top && y < bottom;
    cr_assert_gt(outline, 100, "a legend is drawn");
    /* a few antialiased text pixels share the grey; a legend box among
     * the bars has hundreds */
    cr_assert_lt(below, 30, "%zu legend pixels among the bars", below);
    plot_canvas_free(cv);
}

/* Number of canvas pixels of colour c. */
static size_t count_color(const plot_canvas *cv, uint32_t c)
{
    size_t n = 0;
    for (int y = 0; y < plot_canvas_height(cv); y++)
        for (int x = 0; x < plot_canvas_width(cv); x++)
            n += plot_canvas_pixel(cv, x, y) == c;
    return n;
}

Test(kinds, image_grid_shows_the_pixels)
{
    enum { N = 6, H = 8, W = 8 };
    float images[N * H * W] = {0};
    double labels[N];
    for (int i = 0; i < N; i++)
        images[i * H * W + i] = 1.0f, labels[i] = i % 2; /* one bright pixel each */
    plot_images im = {images, N, 1, H, W};
    plot_options o = options();
    plot_canvas *cv = render_canvas();
    plot_err err;
    cr_assert_eq(plot_image_grid(cv, &o, &im, labels, &err), 0, "%s", err.text);
    size_t bright = count_color(cv, 0xFDE725u), dark = count_color(cv, 0x440154u);
    /* 6 bright cells and 6 × 63 dark ones, each scaled to a square block
     * (frames cover some of the dark border cells) */
    cr_assert(bright > 6 && dark > 40 * bright, "bright %zu dark %zu", bright, dark);
    save_and_check(cv, "image_grid.png");
}
