/*
 * test_stage.c — the plotter stage end to end through `pipe run`: every
 * kind writes its PNG (decoded back: size, colour type, provenance text
 * chunks), parameters reach the drawing, runs repeat byte for byte, one
 * part of the split can be plotted, and the real CMS sample gives its
 * mass spectrum.
 */
#include "png_read.h"
#include "stage_util.h"

#include <criterion/criterion.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One plotter stage per kind (the stage id is the kind). */
static const char *const all_kinds_stages =
    "  - {id: loss_curve, plugin: plotter, params: {kind: loss_curve}, inputs: {history: "
    "history}}\n"
    "  - {id: pred_vs_true, plugin: plotter, params: {kind: pred_vs_true}, inputs: {pred: pred, "
    "true: true}}\n"
    "  - {id: error_hist, plugin: plotter, params: {kind: error_hist, log_y: true}, inputs: "
    "{pred: pred, true: true}}\n"
    "  - {id: error_vs_true, plugin: plotter, params: {kind: error_vs_true}, inputs: {pred: pred, "
    "true: true}}\n"
    "  - {id: correlation, plugin: plotter, params: {kind: correlation, columns: [M, pt1, E1]}, "
    "inputs: {table: table}}\n"
    "  - {id: mass_spectrum, plugin: plotter, params: {kind: mass_spectrum, label_peaks: true}, "
    "inputs: {table: table}}\n"
    "  - {id: roc, plugin: plotter, params: {kind: roc, names: [good, weak]}, inputs: {score: "
    "score, score2: score2, label: label}}\n"
    "  - {id: confusion, plugin: plotter, params: {kind: confusion, classes: [other, Z]}, inputs: "
    "{score: score, label: label}}\n"
    "  - {id: score_vs_mass, plugin: plotter, params: {kind: score_vs_mass}, inputs: {score: "
    "score, table: table}}\n"
    "  - {id: score_hist, plugin: plotter, params: {kind: score_hist}, inputs: {score: score, "
    "label: label, threshold: threshold}}\n"
    "  - {id: bars, plugin: plotter, params: {kind: bars, names: [DNN, CNN], y_label: GeV}, "
    "inputs: {table: metrics}}\n"
    "  - {id: image_grid, plugin: plotter, params: {kind: image_grid, width: 640, height: 480, "
    "dpi: 100, file: images.png}, inputs: {images: images, label: label}}\n"
    "  - {id: class_hist, plugin: plotter, params: {kind: class_hist}, inputs: {score: proba, "
    "label: class3}}\n";

static const char *const kinds[] = {"loss_curve",    "pred_vs_true",  "error_hist", "error_vs_true",
                                    "correlation",   "mass_spectrum", "roc",        "confusion",
                                    "score_vs_mass", "score_hist",    "bars",       "image_grid",
                                    "class_hist"};

/* What each kind's provenance says of its rows and model (kinds[i]):
 * plotfix publishes 1000 rows, 20 epochs and 2 models. */
static const char *const kind_rows[] = {
    "20 epochs",          "all rows, N = 1000", "all rows, N = 1000", "all rows, N = 1000",
    "all rows, N = 1000", "all rows, N = 1000", "all rows, N = 1000", "all rows, N = 1000",
    "all rows, N = 1000", "all rows, N = 1000", "2 models",           "all rows, N = 1000",
    "all rows, N = 1000"};
static const char *const kind_model[] = {"model output history",
                                         "model output pred",
                                         "model output pred",
                                         "model output pred",
                                         "",
                                         "",
                                         "model output score, score2",
                                         "model output score",
                                         "model output score",
                                         "model output score",
                                         "",
                                         "",
                                         "model output proba"};

static char *all_kinds_pipeline(void)
{
    static char yaml[8192];
    snprintf(yaml, sizeof yaml, "pipeline: plots\nseed: 11\nstages:\n%s%s",
             stage_fixture("{noise: 1.5}"), all_kinds_stages);
    return yaml;
}

static void png_path(const char *out, const char *kind, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s.png", out, strcmp(kind, "image_grid") == 0 ? "images" : kind);
}

static void check_png(const char *out, size_t kind_index)
{
    const char *kind = kinds[kind_index];
    char path[4200], err[256];
    png_path(out, kind, path, sizeof path);
    png_loaded p;
    cr_assert_eq(png_load(path, &p, err, sizeof err), 0, "%s", err);
    int small = strcmp(kind, "image_grid") == 0;
    cr_assert_eq(p.width, small ? 640 : 1200, "%s", kind);
    cr_assert_eq(p.height, small ? 480 : 900, "%s", kind);
    cr_assert_float_eq(p.dpi, small ? 100.0 : 150.0, 0.05); /* whole pixels per metre */
    cr_assert_eq(p.color_type, PNG_COLOR_TYPE_RGB);
    cr_assert_eq(p.bit_depth, 8);
    cr_assert_eq(p.has_time, 0);
    cr_assert_str_eq(png_text_of(&p, "pipe.pipeline"), "plots");
    cr_assert_str_eq(png_text_of(&p, "pipe.stage"), kind);
    cr_assert_str_eq(png_text_of(&p, "pipe.kind"), kind);
    cr_assert_str_eq(png_text_of(&p, "pipe.version"), "0.1.0");
    cr_assert_str_eq(png_text_of(&p, "Software"), "pipe 0.1.0");
    const char *seed = png_text_of(&p, "pipe.seed");
    cr_assert(seed && strcmp(seed, "11") == 0, "seed %s", seed ? seed : "(none)");
    cr_assert_str_eq(png_text_of(&p, "pipe.source"), "pipeline plots, seed 11", "%s", kind);
    cr_assert_str_eq(png_text_of(&p, "pipe.rows"), kind_rows[kind_index], "%s", kind);
    cr_assert_str_eq(png_text_of(&p, "pipe.model"), kind_model[kind_index], "%s", kind);
    char subtitle[400];
    snprintf(subtitle, sizeof subtitle, "pipeline plots, seed 11 · %s%s%s", kind_rows[kind_index],
             *kind_model[kind_index] ? " · " : "", kind_model[kind_index]);
    cr_assert_str_eq(png_text_of(&p, "pipe.subtitle"), subtitle, "%s", kind);
    cr_assert_eq(png_pixel(&p, 1, 1), 0xFFFFFF, "%s: the corner is background", kind);
    png_loaded_free(&p);
}

Test(stage, every_kind_writes_its_png)
{
    char out[4096];
    pipe_test_result r = stage_run_yaml(all_kinds_pipeline(), out, sizeof out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        check_png(out, i);
    pipe_test_result_free(&r);
}

Test(stage, a_second_run_gives_the_same_bytes)
{
    char out_a[4096], out_b[4096];
    pipe_test_result a = stage_run_yaml(all_kinds_pipeline(), out_a, sizeof out_a);
    pipe_test_result b = stage_run_yaml(all_kinds_pipeline(), out_b, sizeof out_b);
    cr_assert_eq(a.status, 0, "%s", a.err);
    cr_assert_eq(b.status, 0, "%s", b.err);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        char pa[4200], pb[4200];
        png_path(out_a, kinds[i], pa, sizeof pa);
        png_path(out_b, kinds[i], pb, sizeof pb);
        size_t na, nb;
        char *da = pipe_test_read_file(pa, &na), *db = pipe_test_read_file(pb, &nb);
        cr_assert(da && db);
        cr_assert(na == nb && memcmp(da, db, na) == 0, "%s differs between runs", kinds[i]);
        free(da), free(db);
    }
    pipe_test_result_free(&a);
    pipe_test_result_free(&b);
}

/* Decode `name` in the folder `out`, asserting it is a valid PNG. */
static void load_png(const char *out, const char *name, png_loaded *p)
{
    char path[4200], err[256];
    snprintf(path, sizeof path, "%s/%s", out, name);
    cr_assert_eq(png_load(path, p, err, sizeof err), 0, "%s", err);
}

/* Run `yaml` (which must succeed) and load its pictures a and b of the
 * same size. */
static void run_two(const char *yaml, const char *a_name, const char *b_name, png_loaded *a,
                    png_loaded *b)
{
    char out[4096];
    pipe_test_result r = stage_run_yaml(yaml, out, sizeof out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    load_png(out, a_name, a);
    load_png(out, b_name, b);
    cr_assert_eq(a->width, b->width);
    cr_assert_eq(a->height, b->height);
    pipe_test_result_free(&r);
}

Test(stage, one_part_of_the_split)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "pipeline: plots\nseed: 1\nstages:\n%s"
             "  - id: roc_test\n"
             "    plugin: plotter\n"
             "    params: {kind: roc, part: test, file: roc_test.png}\n"
             "    inputs: {score: score, label: label, split: split}\n"
             "  - id: roc_all\n"
             "    plugin: plotter\n"
             "    params: {kind: roc, file: roc_all.png}\n"
             "    inputs: {score: score, label: label, split: split}\n",
             stage_fixture("{}"));
    png_loaded test, all;
    run_two(yaml, "roc_test.png", "roc_all.png", &test, &all);
    size_t bytes = (size_t)test.width * (size_t)test.height * 3;
    cr_assert(memcmp(test.rgb, all.rgb, bytes) != 0, "a tenth of the rows draws another curve");
    cr_assert_str_eq(png_text_of(&test, "pipe.rows"), "test rows, N = 100");
    cr_assert_str_eq(png_text_of(&all, "pipe.rows"), "all rows, N = 1000");
    png_loaded_free(&test);
    png_loaded_free(&all);
}

/* Run the fixture with `fixture` params and a pred_vs_true plot with
 * `plot` params and `inputs`; its source and subtitle must be these. */
static void expect_pred_vs_true(const char *fixture, const char *plot, const char *inputs,
                                const char *source, const char *subtitle)
{
    char yaml[4096], out[4096];
    snprintf(yaml, sizeof yaml,
             "pipeline: plots\nseed: 5\nstages:\n%s"
             "  - id: pvt\n"
             "    plugin: plotter\n"
             "    params: {kind: pred_vs_true%s}\n"
             "    inputs: {pred: pred, true: true%s}\n",
             stage_fixture(fixture), plot, inputs);
    pipe_test_result r = stage_run_yaml(yaml, out, sizeof out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    png_loaded p;
    load_png(out, "pred_vs_true.png", &p);
    cr_assert_str_eq(png_text_of(&p, "pipe.source"), source);
    cr_assert_str_eq(png_text_of(&p, "pipe.subtitle"), subtitle);
    png_loaded_free(&p);
    pipe_test_result_free(&r);
}

Test(stage, the_source_comes_with_the_data)
{
    /* no source parameter: the plot names the source the runner passed on
     * with its inputs, as the loader or a generator said it */
    expect_pred_vs_true("{source: \"real data, Zee.csv\"}", "", "", "real data, Zee.csv",
                        "real data, Zee.csv · all rows, N = 1000 · model output pred");
}

Test(stage, source_and_model_named_by_the_pipeline)
{
    expect_pred_vs_true("{source: \"real data, Zee.csv\"}",
                        ", part: val, source: \"simulated, seed 5\", model: DNN", ", split: split",
                        "simulated, seed 5", "simulated, seed 5 · val rows, N = 100 · model DNN");
}

/* Pixels of two pictures of the same size that differ. */
static long pixels_differing(const png_loaded *a, const png_loaded *b)
{
    long n = 0;
    for (int y = 0; y < (int)a->height; y++)
        for (int x = 0; x < (int)a->width; x++)
            n += png_pixel(a, x, y) != png_pixel(b, x, y);
    return n;
}

Test(stage, correlation_shows_the_target_beside_the_features)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "pipeline: plots\nseed: 5\nstages:\n%s"
             "  - {id: features, plugin: plotter, params: {kind: correlation, columns: [pt1, E1], "
             "file: a.png}, inputs: {table: table}}\n"
             "  - {id: with_target, plugin: plotter, params: {kind: correlation, columns: [pt1, "
             "E1], file: b.png}, inputs: {table: table, true: true}}\n",
             stage_fixture("{}"));
    png_loaded a, b;
    run_two(yaml, "a.png", "b.png", &a, &b);
    /* a third row and column (and another title): a good part of the
     * picture changes */
    long changed = pixels_differing(&a, &b);
    cr_assert_gt(changed, (long)a.width * (long)a.height / 10, "%ld pixels differ", changed);
    png_loaded_free(&a);
    png_loaded_free(&b);
}

#ifdef PLOTTER_HAVE_LOADER
Test(stage, mass_spectrum_of_the_real_sample)
{
    char *csv = pipe_test_shared_file("dielectron_sample.csv");
    char yaml[8192], out[4096];
    snprintf(yaml, sizeof yaml,
             "pipeline: cms_sample\nseed: 1\nstages:\n"
             "  - id: load\n    plugin: loader\n    params: {path: [\"%s\"]}\n"
             "    outputs: {table: events}\n"
             "  - id: spectrum\n    plugin: plotter\n"
             "    params: {kind: mass_spectrum, label_peaks: true}\n"
             "    inputs: {table: events}\n"
             "  - id: correlation\n    plugin: plotter\n"
             "    params: {kind: correlation, columns: [E1, pt1, eta1, phi1, E2, pt2, eta2, "
             "phi2, M]}\n"
             "    inputs: {table: events}\n",
             csv);
    pipe_test_result r = stage_run_yaml(yaml, out, sizeof out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    png_loaded p;
    load_png(out, "mass_spectrum.png", &p);
    cr_assert_str_eq(png_text_of(&p, "pipe.pipeline"), "cms_sample");
    cr_assert_str_eq(png_text_of(&p, "pipe.stage"), "spectrum");
    png_loaded_free(&p);
    load_png(out, "correlation.png", &p);
    cr_assert_str_eq(png_text_of(&p, "pipe.kind"), "correlation");
    png_loaded_free(&p);
    pipe_test_result_free(&r);
    free(csv);
}
#endif
