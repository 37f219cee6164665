/*
 * test_multiclass_stages.c — head: multiclass of the dnn, cnn and
 * classifier stages through `pipe run`, on three linearly separable Gaussian blobs (the
 * tblobs test plugin; Bayes error about 1e-8): at least 99 % validation
 * accuracy; the proba table (class names as columns, rows summing to 1);
 * the model file keeps the class names, and predict mode gives the same
 * probabilities; the errors of the head; the classifier's majority
 * baseline, whose probabilities are the training classes' frequencies.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const plugin_path[] = {"--plugin-path", BLOBS_PLUGIN_DIR, NULL};

/* A model stage, what it takes, and its parameters besides the head's. */
typedef struct stage {
    const char *plugin, *x, *layers, *params;
} stage;

static const stage cnn = {"cnn", "images", "[{conv: 4}, flatten]", ""};
static const stage dnn = {"dnn", "table", "[16]", ""};
static const stage classifier = {"classifier", "table", "[16]",
                                 "      batchnorm: false\n      dropout: 0\n"};

/* The blobs, then the stage (id "model") with its extra parameter lines
 * and outputs (then more stages). */
static char *blobs_pipeline(const stage *st, const char *params, const char *outputs)
{
    static const char *head = "pipeline: blobs\n"
                              "seed: 3\n"
                              "stages:\n"
                              "  - id: blobs\n"
                              "    plugin: tblobs\n"
                              "    outputs: {%s: x, labels: labels, split: split}\n"
                              "  - id: model\n"
                              "    plugin: %s\n"
                              "    inputs: {x: x, y: labels, split: split}\n"
                              "    params:\n"
                              "      head: multiclass\n"
                              "      layers: %s\n"
                              "      epochs: 20\n"
                              "      lr: 0.01\n"
                              "%s%s"
                              "    outputs: %s\n";
    size_t size = strlen(head) + strlen(st->params) + strlen(params) + strlen(outputs) + 64;
    char *yaml = malloc(size);
    snprintf(yaml, size, head, st->x, st->plugin, st->layers, st->params, params, outputs);
    return yaml;
}

/* The number after "key": in text, or NAN. */
static double number_after(const char *text, const char *key)
{
    const char *at = strstr(text, key);
    return at ? strtod(at + strlen(key), NULL) : NAN;
}

static void three_blobs(const stage *st)
{
    char *yaml = blobs_pipeline(st, "      classes: [DY, W+jets, ttbar]\n",
                                "{proba: proba, predicted: predicted}\n"
                                "  - id: write\n"
                                "    plugin: writer\n"
                                "    inputs: {table: proba}\n"
                                "    params: {path: proba.csv}\n");
    pipe_test_pipeline p = pipe_test_pipeline_run("run", yaml, NULL, plugin_path);
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    char *metrics = pipe_test_pipeline_output(&p, "metrics.json");
    double val = number_after(metrics, "\"val_accuracy\": ");
    cr_assert(val >= 0.99, "val_accuracy %g\n%s", val, metrics);
    cr_assert(strstr(metrics, "\"loss_name\": \"cce\",\n    \"loss_unit\": \"nats\",\n"), "%s",
              metrics);
    char *csv = pipe_test_pipeline_output(&p, "proba.csv");
    cr_assert(strncmp(csv, "DY,W+jets,ttbar\n", 16) == 0, "%.60s", csv);
    /* every row sums to 1 (the CSV keeps enough digits for 1e-6) */
    int rows = 0;
    for (const char *line = strchr(csv, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        double a, b, c;
        cr_assert_eq(sscanf(line, "%lf,%lf,%lf", &a, &b, &c), 3);
        cr_assert_float_eq(a + b + c, 1, 1e-6, "row %d: %g %g %g", rows, a, b, c);
        rows++;
    }
    cr_assert_eq(rows, 600);
    free(csv);
    free(metrics);
    pipe_test_pipeline_free(&p);
    free(yaml);
}

Test(multiclass_stages, three_blobs_to_99_percent_with_named_classes)
{
    three_blobs(&dnn);
    three_blobs(&cnn);
    three_blobs(&classifier);
}

/* Train (classes from the data: class_0 ...), then mode: predict on the
 * same images with the saved model: the same probabilities, the class
 * names from the file. */
static void predict_again(const stage *st)
{
    char *yaml = blobs_pipeline(st,
                                "      label_smoothing: 0.1\n"
                                "      class_weights: balanced\n",
                                "{proba: proba}\n"
                                "  - id: write\n"
                                "    plugin: writer\n"
                                "    inputs: {table: proba}\n"
                                "    params: {path: proba.csv}\n");
    pipe_test_pipeline p = pipe_test_pipeline_run("run", yaml, NULL, plugin_path);
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    char *trained = pipe_test_pipeline_output(&p, "proba.csv");
    cr_assert(strncmp(trained, "class_0,class_1,class_2\n", 24) == 0, "%.60s", trained);
    char *model = pipe_test_pipeline_output(&p, "model.safetensors");
    /* the JSON header follows the 8-byte length */
    cr_assert(
        strstr(model + 8, "\"classes\":\"[\\\"class_0\\\", \\\"class_1\\\", \\\"class_2\\\"]\""),
        "the model file keeps the class names");
    char predict[2048];
    snprintf(predict, sizeof predict,
             "pipeline: again\n"
             "seed: 3\n"
             "stages:\n"
             "  - id: blobs\n"
             "    plugin: tblobs\n"
             "    outputs: {%s: x, labels: labels, split: split}\n"
             "  - id: model\n"
             "    plugin: %s\n"
             "    inputs: {x: x}\n"
             "    params: {mode: predict, model: %s/model.safetensors}\n"
             "    outputs: {proba: proba, predicted: predicted}\n"
             "  - id: write\n"
             "    plugin: writer\n"
             "    inputs: {table: proba}\n"
             "    params: {path: proba.csv}\n",
             st->x, st->plugin, p.out);
    pipe_test_pipeline q = pipe_test_pipeline_run("run", predict, NULL, plugin_path);
    cr_assert_eq(q.r.status, 0, "%s", q.r.err);
    char *again = pipe_test_pipeline_output(&q, "proba.csv");
    cr_assert_str_eq(again, trained, "predict mode gives other probabilities");
    free(again);
    free(model);
    free(trained);
    pipe_test_pipeline_free(&q);
    pipe_test_pipeline_free(&p);
    free(yaml);
}

Test(multiclass_stages, saved_model_predicts_the_same_probabilities)
{
    predict_again(&dnn);
    predict_again(&cnn);
    predict_again(&classifier);
}

/* Run `command` on yaml (freed here): it fails with `status` (nonzero:
 * any failure) and stderr holds every message of the NULL-ended list. */
static void expect_errors(const char *command, char *yaml, int status, const char *const *messages)
{
    pipe_test_pipeline p = pipe_test_pipeline_run(command, yaml, NULL, plugin_path);
    if (status)
        cr_assert_eq(p.r.status, status, "%s", p.r.err);
    else
        cr_assert_neq(p.r.status, 0);
    for (const char *const *m = messages; *m; m++)
        cr_assert(strstr(p.r.err, *m), "no '%s' in\n%s", *m, p.r.err);
    pipe_test_pipeline_free(&p);
    free(yaml);
}

static void head_errors(const stage *st)
{
    static const char *const labels[] = {"stage 'model': head: multiclass with 2 classes needs "
                                         "labels 0 to 1; y 'labels' is 2 in row 2",
                                         NULL};
    static const char *const ports[] = {
        "p.yaml:15:13: stage 'model': parameter 'loss': head: multiclass trains with cce "
        "(categorical cross-entropy), found mse",
        "stage 'model': a multiclass model publishes outputs proba and predicted, not pred (it "
        "is mapped)",
        NULL};
    expect_errors("run", blobs_pipeline(st, "      classes: [a, b]\n", "{proba: proba}\n"), 0,
                  labels);
    expect_errors("validate", blobs_pipeline(st, "      loss: mse\n", "{pred: pred}\n"), 2, ports);
}

Test(multiclass_stages, labels_outside_the_classes_and_wrong_ports_are_errors)
{
    head_errors(&dnn);
    head_errors(&cnn);
}

/* The classifier's own head errors: a binary kind, the binary head's
 * parameters and outputs with head: multiclass, and proba with head:
 * binary. */
Test(multiclass_stages, classifier_head_errors)
{
    static const char *const multi[] = {
        "p.yaml:18:13: stage 'model': parameter 'tune': is only used with head: binary (head is "
        "multiclass)",
        "p.yaml:17:13: stage 'model': parameter 'kind': logistic is a binary model: head: "
        "multiclass works with kind: network or majority",
        "stage 'model': head: multiclass publishes outputs proba and predicted (the argmax), "
        "without a threshold (it is mapped)",
        NULL};
    static const char *const score[] = {
        "stage 'model': head: multiclass publishes outputs proba and predicted (the argmax), not "
        "score (it is mapped to 's')",
        NULL};
    static const char *const binary[] = {
        "stage 'model': output proba comes from head: multiclass; head: binary publishes score, "
        "the probability of class 1",
        NULL};
    expect_errors("validate",
                  blobs_pipeline(&classifier, "      kind: logistic\n      tune: f1\n",
                                 "{proba: proba, threshold: t}\n"),
                  2, multi);
    expect_errors("validate", blobs_pipeline(&classifier, "", "{proba: p, score: s}\n"), 2, score);
    char *yaml = blobs_pipeline(&classifier, "", "{proba: proba}\n");
    char *head = strstr(yaml, "head: multiclass");
    memcpy(head, "head: binary    ", 16);
    expect_errors("validate", yaml, 2, binary);
}

/* kind: majority with head: multiclass on 13 rows of 4 classes (label r
 * mod 4; train rows r mod 5 < 3: 0 1 2 5 6 7 10 11 12, labels 0 1 2 1 2 3
 * 2 3 0): the training frequencies 2/9, 2/9, 3/9, 2/9 on every row, in
 * float, and the predicted class 2. */
Test(multiclass_stages, classifier_majority_gives_the_class_prior)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "pipeline: prior\n"
             "seed: 3\n"
             "stages:\n"
             "  - id: blobs\n"
             "    plugin: tblobs\n"
             "    params: {rows: 13, classes: 4}\n"
             "    outputs: {table: x, labels: labels, split: split}\n"
             "  - id: model\n"
             "    plugin: classifier\n"
             "    inputs: {x: x, y: labels, split: split}\n"
             "    params: {kind: majority, head: multiclass}\n"
             "    outputs: {proba: proba, predicted: predicted}\n"
             "  - id: write\n"
             "    plugin: writer\n"
             "    inputs: {table: proba}\n"
             "    params: {path: proba.csv}\n"
             "  - id: write_predicted\n"
             "    plugin: writer\n"
             "    inputs: {table: predicted}\n"
             "    params: {path: predicted.csv}\n");
    pipe_test_pipeline p = pipe_test_pipeline_run("run", yaml, NULL, plugin_path);
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    char *csv = pipe_test_pipeline_output(&p, "proba.csv");
    cr_assert(strncmp(csv, "class_0,class_1,class_2,class_3\n", 32) == 0, "%.60s", csv);
    const double want[4] = {2.0 / 9, 2.0 / 9, 3.0 / 9, 2.0 / 9};
    int rows = 0;
    for (const char *line = strchr(csv, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        double v[4];
        cr_assert_eq(sscanf(line, "%lf,%lf,%lf,%lf", &v[0], &v[1], &v[2], &v[3]), 4);
        for (int c = 0; c < 4; c++)
            cr_assert_float_eq(v[c], want[c], 3e-8, "row %d class %d: %.9g", rows, c, v[c]);
        rows++;
    }
    cr_assert_eq(rows, 13);
    char *predicted = pipe_test_pipeline_output(&p, "predicted.csv");
    for (const char *line = strchr(predicted, '\n') + 1; *line; line = strchr(line, '\n') + 1)
        cr_assert_eq(strtod(line, NULL), 2, "%s", predicted);
    char *metrics = pipe_test_pipeline_output(&p, "metrics.json");
    cr_assert_eq(number_after(metrics, "\"majority_class\": "), 2, "%s", metrics);
    cr_assert_eq(number_after(strstr(metrics, "\"prior\""), "\"class_2\": "), 1.0 / 3, "%s",
                 metrics);
    free(metrics);
    free(predicted);
    free(csv);
    pipe_test_pipeline_free(&p);
}

/* The four families, scaled down, each a cnn stage of one pipeline on
 * the same 1x4x4 blob images: ResNet (basic and bottleneck blocks),
 * DenseNet (dense block and transition), Inception, MobileNetV2
 * (inverted residuals); each classifies at least 99 % of the validation
 * rows. The inception network's parameters, by hand: conv 1→8 3x3 (80);
 * the branches, each conv with its bias and batchnorm's γ, β: 1x1 8→4
 * (44), 1x1 8→4 (44) → 3x3 4→6 (234), 1x1 8→2 (22) → 3x3 2→4 (84) → 3x3
 * 4→4 (156), pool → 1x1 8→4 (44); 18 channels of 4x4 flattened into the
 * 3 logits (867): 1575. */
Test(multiclass_stages, four_families_compared_end_to_end)
{
    static const char *const families[4][2] = {
        {"resnet", "[{conv: 8}, {basic: 8}, {bottleneck: 16, stride: 2}, flatten]"},
        {"densenet", "[{conv: 8}, {dense_block: 2, growth: 4}, {transition: 8}, flatten]"},
        {"inception", "[{conv: 8}, {inception: [4, 4, 6, 2, 4, 4]}, flatten]"},
        {"mobilenet", "[{conv: 8}, {inverted_residual: 8, expand: 4}, "
                      "{inverted_residual: 12, stride: 2}, flatten]"},
    };
    char yaml[4096];
    int len = snprintf(yaml, sizeof yaml,
                       "pipeline: families\n"
                       "seed: 5\n"
                       "stages:\n"
                       "  - id: blobs\n"
                       "    plugin: tblobs\n"
                       "    outputs: {images: x, labels: labels, split: split}\n");
    for (int f = 0; f < 4; f++)
        len += snprintf(yaml + len, sizeof yaml - (size_t)len,
                        "  - id: %s\n"
                        "    plugin: cnn\n"
                        "    inputs: {x: x, y: labels, split: split}\n"
                        "    params:\n"
                        "      head: multiclass\n"
                        "      classes: [DY, W+jets, ttbar]\n"
                        "      layers: %s\n"
                        "      epochs: 15\n"
                        "      lr: 0.01\n"
                        "      save: %s.safetensors\n"
                        "    outputs: {proba: proba_%s}\n",
                        families[f][0], families[f][1], families[f][0], families[f][0]);
    pipe_test_pipeline p = pipe_test_pipeline_run("run", yaml, NULL, plugin_path);
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    char *metrics = pipe_test_pipeline_output(&p, "metrics.json");
    for (int f = 0; f < 4; f++) {
        char key[64];
        snprintf(key, sizeof key, "\"%s\": {", families[f][0]);
        const char *at = strstr(metrics, key);
        cr_assert(at, "no metrics of %s", families[f][0]);
        double val = number_after(at, "\"val_accuracy\": ");
        cr_assert(val >= 0.99, "%s: val_accuracy %g", families[f][0], val);
        if (f == 2)
            cr_assert_eq(number_after(at, "\"params\": "), 1575);
    }
    free(metrics);
    pipe_test_pipeline_free(&p);
}
