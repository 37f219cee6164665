/*
 * test_render_classes.c — the multi-class kinds and the ROC axes drawn
 * from data with known geometry, written as PNG (provenance text chunks
 * checked) and pixels that must be set: confusion cells in the colour of
 * their fraction of the true class, one-vs-rest ROC curves through known
 * points in their class's colour, per-class histograms at their bins, and
 * a ROC curve through its points on standard, rejection (log) and linear
 * rejection axes.
 */
#include "render_util.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

/* Colours of pipe_plot that the checks expect. */
#define BLUE 0x0072B2u       /* series 0 */
#define VERMILLION 0xD55E00u /* series 1 */
#define GREEN 0x009E73u      /* series 2 */
#define WHITE 0xFFFFFFu

static void save_and_check(plot_canvas *cv, const char *name)
{
    char *path = render_save(cv, name);
    png_loaded p;
    render_load(path, &p);
    cr_assert_str_eq(png_text_of(&p, "pipe.stage"), name);
    cr_assert_str_eq(png_text_of(&p, "pipe.pipeline"), "render_test");
    png_loaded_free(&p);
    free(path);
}

static const char *const CLASSES[3] = {"DY", "W", "top"};

static plot_options options(size_t k)
{
    plot_options o;
    plot_options_init(&o);
    o.classes = CLASSES;
    o.n_classes = k;
    return o;
}

Test(classes, confusion_cells_have_the_colour_of_their_fraction_of_the_true_class)
{
    /* true DY: predicted DY, DY (100 %); true W: W, top (50 %, 50 %);
     * true top: top, top, top, DY (75 %, 25 %). The blues colour map has
     * 9 nodes: 1 → 08306B, 0.75 → 2171B5, 0.5 → 6BAED6, 0.25 → C6DBEF,
     * 0 → F7FBFF. */
    double label[8] = {0, 0, 1, 1, 2, 2, 2, 2}, predicted[8] = {0, 0, 1, 2, 2, 2, 2, 0};
    plot_options o = options(3);
    plot_canvas *cv = render_canvas();
    plot_err err;
    cr_assert_eq(plot_confusion_classes(cv, &o, predicted, label, 8, &err), 0, "%s", err.text);
    cr_assert_eq(render_pixel_at(cv, -0.4, -0.4), 0x08306Bu, "true DY, predicted DY");
    cr_assert_eq(render_pixel_at(cv, 0.6, -0.4), 0xF7FBFFu, "true DY, predicted W");
    cr_assert_eq(render_pixel_at(cv, 0.6, 0.6), 0x6BAED6u, "true W, predicted W: 50 %");
    cr_assert_eq(render_pixel_at(cv, 1.6, 0.6), 0x6BAED6u, "true W, predicted top: 50 %");
    cr_assert_eq(render_pixel_at(cv, 1.6, 1.6), 0x2171B5u, "true top, predicted top: 75 %");
    cr_assert_eq(render_pixel_at(cv, -0.4, 1.6), 0xC6DBEFu, "true top, predicted DY: 25 %");
    save_and_check(cv, "confusion_classes.png");
}

Test(classes, confusion_rejects_what_is_not_a_class)
{
    double label[3] = {0, 1, 3}, predicted[3] = {0, 1, 2}, half[3] = {0, 0.5, 1};
    plot_options o = options(3);
    plot_canvas *cv = render_canvas();
    plot_err err;
    cr_assert_eq(plot_confusion_classes(cv, &o, predicted, label, 3, &err), -1);
    cr_assert_str_eq(err.text, "label 3 (of 3) is 3, expected a class index 0..2");
    cr_assert_eq(plot_confusion_classes(cv, &o, half, predicted, 3, &err), -1);
    cr_assert_str_eq(err.text, "predicted class 2 (of 3) is 0.5, expected a class index 0..2");
    o.n_classes = 1;
    cr_assert_eq(plot_confusion_classes(cv, &o, predicted, predicted, 3, &err), -1);
    cr_assert_str_eq(err.text, "a confusion matrix shows 2 to 40 classes, got 1");
    plot_canvas_free(cv);
}

/* 30 rows, 10 per class (row % 3). P(DY) separates DY perfectly; P(W)
 * gives 8 of the 10 W rows and 4 of the 20 others 0.6, the rest 0.02: the
 * curve (0, 0), (0.2, 0.8), (1, 1); P(top) is the same for every row: the
 * diagonal. */
static void three_class_rows(double *p, double *label)
{
    int w_rows = 0, others = 0;
    for (int i = 0; i < 30; i++) {
        int c = i % 3;
        label[i] = c;
        p[i * 3 + 0] = c == 0 ? 0.9 : 0.05;
        int high = c == 1 ? w_rows++ < 8 : others++ < 4;
        p[i * 3 + 1] = high ? 0.6 : 0.02;
        p[i * 3 + 2] = 0.3;
    }
}

Test(classes, one_vs_rest_curves_in_their_class_colours)
{
    double p[90], label[30];
    three_class_rows(p, label);
    plot_proba proba = {p, 30, 3};
    plot_options o = options(3);
    plot_canvas *cv = render_canvas();
    plot_err err;
    cr_assert_eq(plot_roc_classes(cv, &o, &proba, label, &err), 0, "%s", err.text);
    cr_assert_eq(render_pixel_at(cv, 0.5, 1.0), BLUE, "DY along tpr = 1");
    cr_assert_eq(render_pixel_at(cv, 0.1, 0.4), VERMILLION, "W from (0, 0) to (0.2, 0.8)");
    cr_assert_eq(render_pixel_at(cv, 0.6, 0.9), VERMILLION, "and on to (1, 1)");
    /* top lies on the diagonal, which is dashed over it: both show */
    int green = 0, dash = 0;
    for (int i = 0; i <= 40; i++) {
        double t = 0.6 + 0.2 * i / 40.0;
        green += render_pixel_at(cv, t, t) == GREEN;
        dash += render_pixel_at(cv, t, t) == 0x555555u;
    }
    cr_assert(green > 3 && dash > 3, "top on the diagonal: %d green, %d dash pixels", green, dash);
    cr_assert_eq(render_pixel_at(cv, 0.7, 0.3), WHITE, "below every curve");
    save_and_check(cv, "roc_classes.png");
}

Test(classes, per_class_histograms_at_their_bins)
{
    /* 2 classes, 20 bins of 0.05: every DY row has P(W) = 0.025 (first
     * bin), every W row 0.975 (last); normalised, each reaches 1. The
     * last panel drawn is P(W). */
    double p[40], label[20];
    for (int i = 0; i < 20; i++) {
        label[i] = i % 2;
        p[2 * i + 1] = label[i] ? 0.975 : 0.025;
        p[2 * i] = 1 - p[2 * i + 1];
    }
    plot_proba proba = {p, 20, 2};
    plot_options o = options(2);
    o.density = 1;
    plot_canvas *cv = render_canvas();
    plot_err err;
    cr_assert_eq(plot_class_hist(cv, &o, &proba, label, &err), 0, "%s", err.text);
    cr_assert_eq(render_pixel_at(cv, 0.025, 1.0), BLUE, "true DY at P(W) in [0, 0.05)");
    cr_assert_eq(render_pixel_at(cv, 0.975, 1.0), VERMILLION, "true W at P(W) in [0.95, 1]");
    cr_assert_eq(render_pixel_at(cv, 0.5, 0.5), WHITE, "nothing in between");
    save_and_check(cv, "class_hist.png");
    double bad[20] = {0, 1, 2};
    cv = render_canvas();
    cr_assert_eq(plot_class_hist(cv, &o, &proba, bad, &err), -1);
    cr_assert_str_eq(err.text, "label 3 (of 20) is 2, expected a class index 0..1");
    o.n_classes = 3;
    cr_assert_eq(plot_class_hist(cv, &o, &proba, label, &err), -1);
    cr_assert_str_eq(err.text, "3 class names for 2 classes");
    plot_canvas_free(cv);
}

/* Ten signal, ten background: 8 signal and 2 background at 0.9, the rest
 * at 0.1: the ROC curve (0, 0), (0.2, 0.8), (1, 1). */
static void working_point_rows(double *score, double *label)
{
    for (int i = 0; i < 20; i++) {
        label[i] = i < 10;
        score[i] = (i < 8 || (i >= 10 && i < 12)) ? 0.9 : 0.1;
    }
}

Test(classes, roc_on_standard_and_rejection_axes)
{
    double score[20], label[20];
    working_point_rows(score, label);
    plot_vec s = {score, 20, "model"};
    plot_options o = options(2);
    plot_err err;
    /* standard: (fpr, tpr) through (0.1, 0.4) */
    plot_canvas *cv = render_canvas();
    cr_assert_eq(plot_roc(cv, &o, &s, 1, label, 20, &err), 0, "%s", err.text);
    cr_assert_eq(render_pixel_at(cv, 0.1, 0.4), BLUE);
    save_and_check(cv, "roc_standard.png");
    /* rejection, log: (tpr, 1/fpr) from (0.8, 5) to (1, 1), a straight
     * segment on the log axis: through (0.9, sqrt 5); (0, 0) has an
     * infinite rejection, drawn at the top of the axis (10, the decade
     * above one background row of ten passing): the first segment runs
     * from (0, 10) to (0.8, 5), through (0.4, sqrt 50) */
    o.roc_axes = PLOT_ROC_REJECTION;
    o.log_y = 1;
    cv = render_canvas();
    cr_assert_eq(plot_roc(cv, &o, &s, 1, label, 20, &err), 0, "%s", err.text);
    cr_assert_eq(render_pixel_at(cv, 0.9, sqrt(5.0)), BLUE);
    cr_assert_eq(render_pixel_at(cv, 0.4, sqrt(50.0)), BLUE);
    cr_assert_eq(render_pixel_at(cv, 0.5, 4.0), WHITE, "below the curve");
    save_and_check(cv, "roc_rejection.png");
    /* rejection, linear: (tpr, 1 - fpr) through (0.4, 0.9) and (0.9, 0.4) */
    o.roc_axes = PLOT_ROC_REJECTION_LINEAR;
    o.log_y = 0;
    cv = render_canvas();
    cr_assert_eq(plot_roc(cv, &o, &s, 1, label, 20, &err), 0, "%s", err.text);
    cr_assert_eq(render_pixel_at(cv, 0.4, 0.9), BLUE);
    cr_assert_eq(render_pixel_at(cv, 0.9, 0.4), BLUE);
    save_and_check(cv, "roc_rejection_linear.png");
}
