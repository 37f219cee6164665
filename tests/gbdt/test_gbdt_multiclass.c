/*
 * test_gbdt_multiclass.c — task: multiclass of the gbdt stage through
 * `pipe run`, on three well separated Gaussian blobs (the tblobs test
 * plugin of tests/nn): at least 99 % of the val rows right; the proba
 * table as the network stages' multiclass head gives it (class names as
 * columns, rows summing to 1), pred and predicted the most probable class;
 * the class names kept in the model file, and mode predict giving the same
 * probabilities; labels outside the classes named with their row.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const plugin_path[] = {"--plugin-path", BLOBS_PLUGIN_DIR, NULL};

/* The blobs, the trees with their extra parameter lines (id "bdt"), the
 * val rows' accuracy, proba and pred written. */
static char *train_pipeline(const char *params)
{
    static const char *text = "pipeline: gbdt_blobs\n"
                              "seed: 3\n"
                              "stages:\n"
                              "  - id: blobs\n"
                              "    plugin: tblobs\n"
                              "    outputs: {table: x, labels: labels, split: split}\n"
                              "  - id: bdt\n"
                              "    plugin: gbdt\n"
                              "    inputs: {x: x, y: labels, split: split}\n"
                              "    params:\n"
                              "      task: multiclass\n"
                              "      trees: 20\n"
                              "      depth: 3\n"
                              "%s"
                              "    outputs: {proba: proba, predicted: predicted, pred: pred}\n"
                              "  - id: val\n"
                              "    plugin: metrics\n"
                              "    inputs: {pred: proba, true: labels, split: split}\n"
                              "    params: {kind: multiclass, part: val}\n"
                              "  - id: write\n"
                              "    plugin: writer\n"
                              "    inputs: {table: proba}\n"
                              "    params: {path: proba.csv}\n"
                              "  - id: write_pred\n"
                              "    plugin: writer\n"
                              "    inputs: {table: pred}\n"
                              "    params: {path: pred.csv}\n";
    size_t size = strlen(text) + strlen(params) + 1;
    char *yaml = malloc(size);
    snprintf(yaml, size, text, params);
    return yaml;
}

/* The number after "key": in text, or NAN. */
static double number_after(const char *text, const char *key)
{
    const char *at = strstr(text, key);
    return at ? strtod(at + strlen(key), NULL) : NAN;
}

Test(gbdt_multiclass, three_blobs_named_classes_and_predict_mode)
{
    char *yaml = train_pipeline("      classes: [DY, W+jets, ttbar]\n"
                                "      class_weights: balanced\n");
    pipe_test_pipeline p = pipe_test_pipeline_run("run", yaml, NULL, plugin_path);
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    char *metrics = pipe_test_pipeline_output(&p, "metrics.json");
    double acc = number_after(strstr(metrics, "\"val\""), "\"accuracy\": ");
    cr_assert(acc >= 0.99, "val accuracy %g\n%s", acc, metrics);
    cr_assert(strstr(metrics, "\"val_mlogloss\""), "%s", metrics);
    char *csv = pipe_test_pipeline_output(&p, "proba.csv");
    char *pred = pipe_test_pipeline_output(&p, "pred.csv");
    cr_assert(strncmp(csv, "DY,W+jets,ttbar\n", 16) == 0, "%.60s", csv);
    int rows = 0;
    const char *q = strchr(pred, '\n') + 1;
    for (const char *line = strchr(csv, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        double v[3], best;
        cr_assert_eq(sscanf(line, "%lf,%lf,%lf", &v[0], &v[1], &v[2]), 3);
        cr_assert_float_eq(v[0] + v[1] + v[2], 1, 1e-6, "row %d", rows);
        cr_assert_eq(sscanf(q, "%lf", &best), 1);
        int arg = v[1] > v[0] ? 1 : 0;
        arg = v[2] > v[arg] ? 2 : arg;
        cr_assert_eq((int)best, arg, "row %d: pred %g", rows, best);
        q = strchr(q, '\n') + 1;
        rows++;
    }
    cr_assert_eq(rows, 600);
    char *model = pipe_test_pipeline_output(&p, "model.json");
    cr_assert(strstr(model, "\"pipe_task\":\"multiclass\""), "%.300s", model);
    cr_assert(strstr(model, "\"pipe_classes\":\"[\\\"DY\\\", \\\"W+jets\\\", \\\"ttbar\\\"]\""),
              "the model keeps the class names");
    char predict[2048];
    snprintf(predict, sizeof predict,
             "pipeline: again\n"
             "seed: 3\n"
             "stages:\n"
             "  - id: blobs\n"
             "    plugin: tblobs\n"
             "    outputs: {table: x}\n"
             "  - id: bdt\n"
             "    plugin: gbdt\n"
             "    inputs: {x: x}\n"
             "    params: {mode: predict, model: %s/model.json}\n"
             "    outputs: {proba: proba, predicted: predicted}\n"
             "  - id: write\n"
             "    plugin: writer\n"
             "    inputs: {table: proba}\n"
             "    params: {path: proba.csv}\n",
             p.out);
    pipe_test_pipeline again = pipe_test_pipeline_run("run", predict, NULL, plugin_path);
    cr_assert_eq(again.r.status, 0, "%s", again.r.err);
    char *csv2 = pipe_test_pipeline_output(&again, "proba.csv");
    cr_assert_str_eq(csv2, csv, "predict mode gives other probabilities");
    free(csv2), free(model), free(pred), free(csv), free(metrics), free(yaml);
    pipe_test_pipeline_free(&again);
    pipe_test_pipeline_free(&p);
}

Test(gbdt_multiclass, labels_outside_the_classes_and_wrong_ports)
{
    char *yaml = train_pipeline("      classes: [a, b]\n");
    pipe_test_pipeline p = pipe_test_pipeline_run("run", yaml, NULL, plugin_path);
    cr_assert_neq(p.r.status, 0);
    cr_assert(strstr(p.r.err, "stage 'bdt': head: multiclass with 2 classes needs labels 0 to 1; "
                              "y 'labels' is 2 in row 2"),
              "%s", p.r.err);
    pipe_test_pipeline_free(&p);
    free(yaml);
    static const char *const binary = "pipeline: gbdt_ports\n"
                                      "stages:\n"
                                      "  - id: blobs\n"
                                      "    plugin: tblobs\n"
                                      "    outputs: {table: x, labels: labels}\n"
                                      "  - id: bdt\n"
                                      "    plugin: gbdt\n"
                                      "    inputs: {x: x, y: labels}\n"
                                      "    params: {task: binary, classes: [a, b]}\n"
                                      "    outputs: {proba: proba}\n";
    p = pipe_test_pipeline_run("validate", binary, NULL, plugin_path);
    cr_assert_eq(p.r.status, 2, "%s", p.r.err);
    cr_assert(strstr(p.r.err, "p.yaml:9:37: stage 'bdt': parameter 'classes': is only used with "
                              "task: multiclass (task is binary)"),
              "%s", p.r.err);
    cr_assert(strstr(p.r.err, "stage 'bdt': output 'proba' is made by task: multiclass (task is "
                              "binary)"),
              "%s", p.r.err);
    pipe_test_pipeline_free(&p);
}
