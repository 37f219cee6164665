/*
 * test_stage_classes.c — the plotter stage's multi-class kinds and ROC
 * axes end to end through `pipe run` on plotfix's 3-class model (proba,
 * class3): the PNGs with their provenance text chunks, the class names
 * from the table's columns or `classes`, and the errors with their
 * locations.
 */
#include "png_read.h"
#include "stage_util.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pipe_test_result run_stages(const char *stages, char *out, size_t out_size)
{
    char yaml[8192];
    snprintf(yaml, sizeof yaml, "pipeline: classes\nseed: 5\nstages:\n%s%s",
             stage_fixture("{rows: 600}"), stages);
    return stage_run_yaml(yaml, out, out_size);
}

static void load(const char *out, const char *file, png_loaded *p)
{
    char path[4200], err[256];
    snprintf(path, sizeof path, "%s/%s", out, file);
    cr_assert_eq(png_load(path, p, err, sizeof err), 0, "%s", err);
}

static void check_png(const char *out, const char *file, const char *stage, const char *kind)
{
    png_loaded p;
    load(out, file, &p);
    cr_assert_eq(p.width, 1200);
    cr_assert_str_eq(png_text_of(&p, "pipe.pipeline"), "classes");
    cr_assert_str_eq(png_text_of(&p, "pipe.stage"), stage);
    cr_assert_str_eq(png_text_of(&p, "pipe.kind"), kind);
    cr_assert_str_eq(png_text_of(&p, "pipe.seed"), "5");
    png_loaded_free(&p);
}

Test(stage_classes, multi_class_kinds_and_roc_axes_write_their_pngs)
{
    char out[4096];
    pipe_test_result r = run_stages(
        "  - {id: cm, plugin: plotter, params: {kind: confusion, model: M, file: cm.png}, inputs: "
        "{score: "
        "proba, label: class3}}\n"
        "  - {id: cm_named, plugin: plotter, params: {kind: confusion, classes: [a, b, c], file: "
        "cm_named.png}, inputs: {score: proba, label: class3}}\n"
        "  - {id: cm_indices, plugin: plotter, params: {kind: confusion, classes: [DY, W, top], "
        "model: M, file: cm_indices.png}, inputs: {score: predicted3, label: class3}}\n"
        "  - {id: hist, plugin: plotter, params: {kind: class_hist, log_y: true, file: "
        "hist.png}, inputs: {score: proba, label: class3, split: split}}\n"
        "  - {id: ovr, plugin: plotter, params: {kind: roc, file: ovr.png}, inputs: {score: "
        "proba, label: class3}}\n"
        "  - {id: rejection, plugin: plotter, params: {kind: roc, axes: rejection, file: "
        "rejection.png}, inputs: {score: score, score2: score2, label: label}}\n"
        "  - {id: linear, plugin: plotter, params: {kind: roc, axes: rejection_linear, file: "
        "linear.png}, inputs: {score: score, label: label}}\n",
        out, sizeof out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    check_png(out, "cm.png", "cm", "confusion");
    check_png(out, "cm_named.png", "cm_named", "confusion");
    check_png(out, "cm_indices.png", "cm_indices", "confusion");
    check_png(out, "hist.png", "hist", "class_hist");
    check_png(out, "ovr.png", "ovr", "roc");
    check_png(out, "rejection.png", "rejection", "roc");
    check_png(out, "linear.png", "linear", "roc");
    /* the matrix of the table's argmax is the matrix of the predicted
     * class indices (with the same model named in the subtitle); other
     * class names change the picture */
    png_loaded cm, indices, named;
    load(out, "cm.png", &cm);
    load(out, "cm_indices.png", &indices);
    load(out, "cm_named.png", &named);
    size_t bytes = (size_t)cm.width * (size_t)cm.height * 3;
    cr_assert(memcmp(cm.rgb, indices.rgb, bytes) == 0, "argmax and indices draw the same");
    cr_assert(memcmp(cm.rgb, named.rgb, bytes) != 0, "the names are drawn");
    png_loaded_free(&cm), png_loaded_free(&indices), png_loaded_free(&named);
    pipe_test_result_free(&r);
}

/* Run `stage` after the fixture and expect it to fail with `message`,
 * prefixed with "<pipeline file>:" when `located`. */
static void fails(const char *stage, int located, const char *message)
{
    char out[4096], want[4400];
    pipe_test_result r = run_stages(stage, out, sizeof out);
    snprintf(want, sizeof want, "%s%s%s", located ? stage_last_pipeline() : "", located ? ":" : "",
             message);
    cr_assert_neq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, want), "expected: %s\nfound: %s", want, r.err);
    pipe_test_result_free(&r);
}

Test(stage_classes, weights_change_the_score_histogram)
{
    char out[4096];
    pipe_test_result r = run_stages(
        "  - {id: plain, plugin: plotter, params: {kind: score_hist, file: plain.png}, inputs: "
        "{score: score, label: label}}\n"
        "  - {id: weighted, plugin: plotter, params: {kind: score_hist, file: weighted.png}, "
        "inputs: {score: score, label: label, weight: score}}\n"
        "  - {id: mass, plugin: plotter, params: {kind: mass_spectrum, file: mass.png}, inputs: "
        "{table: table}}\n"
        "  - {id: mass_w, plugin: plotter, params: {kind: mass_spectrum, file: mass_w.png}, "
        "inputs: {table: table, weight: score}}\n",
        out, sizeof out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    static const char *const pairs[2][2] = {{"plain.png", "weighted.png"},
                                            {"mass.png", "mass_w.png"}};
    for (int k = 0; k < 2; k++) {
        png_loaded plain, weighted;
        load(out, pairs[k][0], &plain);
        load(out, pairs[k][1], &weighted);
        size_t bytes = (size_t)plain.width * (size_t)plain.height * 3;
        cr_assert(memcmp(plain.rgb, weighted.rgb, bytes) != 0, "the weights change %s",
                  pairs[k][1]);
        png_loaded_free(&plain), png_loaded_free(&weighted);
    }
    pipe_test_result_free(&r);
    fails("  - {id: p, plugin: plotter, params: {kind: roc}, inputs: {score: score, label: label, "
          "weight: score}}\n",
          1,
          "8:45: stage 'p': parameter 'kind': is 'roc', which does not use the input 'weight' "
          "(mapped to tensor 'score'); remove the mapping or choose another kind");
}

Test(stage_classes, errors_name_the_parameter_and_the_input)
{
    /* the fixture is lines 4-7, the failing stage line 8 */
    fails("  - {id: p, plugin: plotter, params: {kind: confusion, classes: [a, b]}, inputs: "
          "{score: proba, label: class3}}\n",
          1,
          "8:65: stage 'p': parameter 'classes': names 2 classes but input 'score' (tensor "
          "'proba') has 3 columns, one per class");
    fails("  - {id: p, plugin: plotter, params: {kind: score_hist, axes: rejection}, inputs: "
          "{score: score, label: label}}\n",
          1,
          "8:63: stage 'p': parameter 'axes': is only used by kind 'roc' (kind is 'score_hist')");
    fails("  - {id: p, plugin: plotter, params: {kind: class_hist}, inputs: {score: score, "
          "label: label}}\n",
          0,
          "stage 'p': input 'score' (tensor 'score') must be a table of class probabilities (N "
          "x K, K >= 2) for kind 'class_hist'; for one score use score_hist");
    fails("  - {id: p, plugin: plotter, params: {kind: roc}, inputs: {score: proba, score2: "
          "score2, label: class3}}\n",
          0,
          "stage 'p': input 'score' (tensor 'proba') is a table of class probabilities: its ROC "
          "curves are one class against the rest, of one model; remove the mapping of 'score2'");
    fails("  - {id: p, plugin: plotter, params: {kind: score_hist}, inputs: {score: proba, "
          "label: class3}}\n",
          0,
          "stage 'p': input 'score' (tensor 'proba') has 3 columns; this kind takes one value "
          "per row (rank 1 or N x 1)");
}
