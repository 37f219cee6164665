/*
 * test_onnx_export.c — parameter export of the dnn, cnn and classifier
 * stages: the ONNX file passes Debian's ONNX checker (onnx_check.py, with
 * python3-onnx) with the inputs, outputs and metadata expected, and ONNX
 * Runtime (the npm package onnxruntime-node, run by onnx_run.js) gives the
 * same outputs as pipe's own predict mode on the same raw rows, to 1e-5
 * (relative above 1): an MLP on simulated events with the scaler folded
 * in, a CNN graph with every image layer kind and a softmax head, the
 * classifier's network with a min-max scaling, and the dnn's multiclass
 * head (relu6) on a table.
 *
 * ONNX Runtime is installed on first use into <build>/tests/nn/ort with
 * `npm install --ignore-scripts onnxruntime-node@1.30.0` (its CPU
 * binaries are in the package); without node, npm or the network the
 * tests fail rather than skip, as CI requires.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define ORT_DIR PIPE_BINARY_DIR "/tests/nn/ort"
#define ORT_PACKAGE "onnxruntime-node@1.30.0"

static const char *const plugin_path[] = {"--plugin-path", BLOBS_PLUGIN_DIR, NULL};

/* Run a shell command; its stdout (malloc'd) and exit status. */
static char *run_command(const char *cmd, int *status)
{
    FILE *p = popen(cmd, "r");
    cr_assert(p, "cannot run %s", cmd);
    size_t len = 0, cap = 4096;
    char *out = malloc(cap);
    size_t got;
    while ((got = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += got;
        if (cap - len < 2)
            out = realloc(out, cap *= 2);
    }
    out[len] = '\0';
    int rc = pclose(p);
    *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
    return out;
}

/* onnxruntime-node in ORT_DIR, installed when missing. */
static void ensure_ort(void)
{
    struct stat st;
    if (stat(ORT_DIR "/node_modules/onnxruntime-node/package.json", &st) == 0)
        return;
    int status;
    char *out = run_command("mkdir -p " ORT_DIR " && npm install --ignore-scripts --no-audit "
                            "--no-fund --prefix " ORT_DIR " " ORT_PACKAGE " 2>&1",
                            &status);
    cr_assert_eq(status, 0, "npm install " ORT_PACKAGE " failed:\n%s", out);
    free(out);
}

/* The checker's report on an ONNX file (fails the test when it fails). */
static char *onnx_check(const char *model)
{
    char cmd[2048];
    int status;
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/nn/onnx_check.py '%s' 2>&1",
             PIPE_SOURCE_DIR, model);
    char *out = run_command(cmd, &status);
    cr_assert_eq(status, 0, "the ONNX checker rejects %s:\n%s", model, out);
    cr_assert(strncmp(out, "checked\nopset=13\n", 17) == 0, "%s", out);
    return out;
}

/* ONNX Runtime's outputs for the rows of `input` (.csv or .npy). */
static char *ort_run(const char *model, const char *input)
{
    char cmd[2048];
    int status;
    ensure_ort();
    snprintf(cmd, sizeof cmd,
             "NODE_PATH=" ORT_DIR "/node_modules node %s/tests/nn/onnx_run.js '%s' "
             "'%s' 2>&1",
             PIPE_SOURCE_DIR, model, input);
    char *out = run_command(cmd, &status);
    cr_assert_eq(status, 0, "ONNX Runtime failed on %s:\n%s", model, out);
    return out;
}

/* Parse up to cap comma-separated numbers of one line; their count. */
static int numbers(const char *line, double *v, int cap)
{
    int n = 0;
    char *end;
    while (n < cap) {
        v[n] = strtod(line, &end);
        if (end == line)
            break;
        n++;
        if (*end != ',')
            break;
        line = end + 1;
    }
    return n;
}

/* Each row of pipe's CSV (`csv`, with a header; `width` values a row)
 * against ONNX Runtime's line (the same values, then with `argmax` the
 * index of the largest): agreement to 1e-5, relative above 1. Returns the
 * rows compared. */
static int compare(const char *csv, const char *ort, int width, int argmax)
{
    const char *a = strchr(csv, '\n') + 1, *b = ort;
    int rows = 0;
    while (*a && *b) {
        double p[16], q[17];
        cr_assert_eq(numbers(a, p, 16), width, "pipe row %d: %.80s", rows, a);
        cr_assert_eq(numbers(b, q, 17), width + argmax, "ort row %d: %.80s", rows, b);
        int best = 0;
        for (int j = 0; j < width; j++) {
            double tol = 1e-5 * (fabs(p[j]) > 1 ? fabs(p[j]) : 1);
            cr_assert(fabs(p[j] - q[j]) <= tol, "row %d, output %d: pipe %.9g, ONNX Runtime %.9g",
                      rows, j, p[j], q[j]);
            best = p[j] > p[best] ? j : best;
        }
        if (argmax)
            cr_assert_eq((int)q[width], best, "row %d: argmax %g, pipe's largest is %d", rows,
                         q[width], best);
        rows++;
        a = strchr(a, '\n') + 1;
        b = strchr(b, '\n') + 1;
    }
    cr_assert(!*a && !*b, "pipe and ONNX Runtime give different row counts (%d compared)", rows);
    return rows;
}

/* A path in a run's output folder (static buffer: one at a time). */
static const char *out_file(const pipe_test_pipeline *p, const char *name)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", p->out, name);
    return path;
}

/* Run the training pipeline, then the checker on its export `onnx`, whose
 * report must hold each of `expect` (NULL-terminated). */
static pipe_test_pipeline train_and_check(const char *yaml, const char *const *extra,
                                          const char *onnx, const char *const *expect)
{
    pipe_test_pipeline train = pipe_test_pipeline_run("run", yaml, NULL, extra);
    cr_assert_eq(train.r.status, 0, "%s", train.r.err);
    char *report = onnx_check(out_file(&train, onnx));
    for (const char *const *e = expect; *e; e++)
        cr_assert(strstr(report, *e), "no '%s' in the checker's report:\n%s", *e, report);
    free(report);
    return train;
}

/* pipe's predictions (out.csv of the run `pred`, which is freed) against
 * ONNX Runtime's on `input` with the export `onnx` of run `train`. */
static void parity(pipe_test_pipeline *pred, const pipe_test_pipeline *train, const char *onnx,
                   const char *input, int width, int argmax, int rows)
{
    char *model = strdup(out_file(train, onnx)), *in = strdup(out_file(train, input));
    char *csv = pipe_test_pipeline_output(pred, "out.csv");
    char *ort = ort_run(model, in);
    cr_assert_eq(compare(csv, ort, width, argmax), rows);
    free(csv), free(ort), free(model), free(in);
    pipe_test_pipeline_free(pred);
}

/* ------------------------------------------------------------------ */
/* An MLP on simulated events, the standard scaling folded in          */
/* ------------------------------------------------------------------ */

static const char *const mlp_train =
    "pipeline: onnx_mlp\n"
    "seed: 7\n"
    "stages:\n"
    "  - id: simulate\n"
    "    plugin: simulate\n"
    "    params: {events: 400}\n"
    "    outputs: {table: events}\n"
    "  - id: features\n"
    "    plugin: features\n"
    "    inputs: {table: events}\n"
    "    params:\n"
    "      columns: [E1, px1, py1, pz1, eta1, phi1, E2, px2, py2, pz2, eta2, phi2]\n"
    "      target: M\n"
    "    outputs: {table: inputs, target: mass}\n"
    "  - id: split\n"
    "    plugin: split\n"
    "    inputs: {table: inputs}\n"
    "    params: {fractions: [0.7, 0.2, 0.1]}\n"
    "    outputs: {split: split}\n"
    "  - id: scale\n"
    "    plugin: scaler\n"
    "    inputs: {table: inputs, split: split}\n"
    "    outputs: {table: scaled, params: scaler}\n"
    "  - id: dnn\n" /* ten of the twelve scaled columns, in another order */
    "    plugin: dnn\n"
    "    inputs: {x: scaled, y: mass, split: split, scaler: scaler}\n"
    "    params:\n"
    "      features: [pz2, E1, px1, py1, pz1, eta1, E2, px2, py2, eta2]\n"
    "      layers: [16, 8]\n"
    "      activation: leaky_relu\n"
    "      batchnorm: true\n"
    "      dropout: 0.1\n"
    "      epochs: 4\n"
    "      save: mlp.safetensors\n"
    "      export: mlp.onnx\n"
    "  - id: write\n" /* every raw column, for pipe's predict mode */
    "    plugin: writer\n"
    "    inputs: {table: inputs}\n"
    "    params: {path: x.csv}\n"
    "  - id: write_features\n" /* the model's inputs in order, for ONNX Runtime */
    "    plugin: writer\n"
    "    inputs: {table: inputs}\n"
    "    params: {path: features.csv, columns: [pz2, E1, px1, py1, pz1, eta1, E2, px2, py2, "
    "eta2]}\n";

/* Predict mode of `plugin` on the rows in file `rows` of run `train`
 * with its model file `model`, the output `output` written to out.csv. */
static pipe_test_pipeline predict_run(const char *plugin, const pipe_test_pipeline *train,
                                      const char *rows, const char *model, const char *output)
{
    char yaml[4096], model_path[1024];
    snprintf(model_path, sizeof model_path, "%s", out_file(train, model));
    snprintf(yaml, sizeof yaml,
             "pipeline: onnx_predict\n"
             "stages:\n"
             "  - id: load\n"
             "    plugin: loader\n"
             "    params: {path: \"%s\"}\n"
             "    outputs: {table: x}\n"
             "  - id: predict\n"
             "    plugin: %s\n"
             "    inputs: {x: x}\n"
             "    params: {mode: predict, model: \"%s\"}\n"
             "    outputs: {%s: out}\n"
             "  - id: write\n"
             "    plugin: writer\n"
             "    inputs: {table: out}\n"
             "    params: {path: out.csv}\n",
             out_file(train, rows), plugin, model_path, output);
    pipe_test_pipeline p = pipe_test_pipeline_run("run", yaml, NULL, NULL);
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    return p;
}

Test(onnx_export, mlp_with_the_scaler_folded_in_matches_onnx_runtime)
{
    static const char *const expect[] = {
        "input x FLOAT [batch, 10]\noutput y FLOAT [batch, 1]\n",
        "meta stage=dnn\nmeta target=mass\nmeta head=regression\n",
        "meta features=[\"pz2\", \"E1\", \"px1\", \"py1\", \"pz1\", \"eta1\", \"E2\", \"px2\", "
        "\"py2\", \"eta2\"]\nmeta scaler=standard\n",
        NULL};
    pipe_test_pipeline train = train_and_check(mlp_train, NULL, "mlp.onnx", expect);
    pipe_test_pipeline pred = predict_run("dnn", &train, "x.csv", "mlp.safetensors", "pred");
    parity(&pred, &train, "mlp.onnx", "features.csv", 1, 0, 400);
    pipe_test_pipeline_free(&train);
}

/* ------------------------------------------------------------------ */
/* A CNN graph with every image layer kind and a softmax head           */
/* ------------------------------------------------------------------ */

/* Blobs as 2 × 6 × 6 images (the tblobs test plugin), written as .npy. */
static const char *const cnn_train =
    "pipeline: onnx_cnn\n"
    "seed: 5\n"
    "stages:\n"
    "  - id: blobs\n"
    "    plugin: tblobs\n"
    "    params: {rows: 90, channels: 2, height: 6, width: 6}\n"
    "    outputs: {images: x, labels: labels, split: split}\n"
    "  - id: model\n"
    "    plugin: cnn\n"
    "    inputs: {x: x, y: labels, split: split}\n"
    "    params:\n"
    "      head: multiclass\n"
    "      classes: [DY, W+jets, ttbar]\n"
    "      layers:\n"
    "        - {conv: 4, kernel: 3, padding: same, activation: leaky_relu, id: c1}\n"
    "        - batchnorm\n"
    "        - {conv: 4, kernel: 3, padding: same, groups: 2, activation: tanh}\n"
    "        - {conv: 4, kernel: 3, padding: 1, depthwise: true, activation: relu6, id: c3}\n"
    "        - {add: [c1, c3]}\n"
    "        - {inverted_residual: 4, expand: 2}\n"
    "        - {inception: [2, 2, 2, 2, 2, 2]}\n"
    "        - {residual: 6, stride: 2}\n"
    "        - {residual: 6, kernel: 3, activation: sigmoid, id: r2}\n"
    "        - {avgpool: 2, stride: 1, padding: 1}\n"
    "        - {maxpool: 2, stride: 1, id: p}\n"
    "        - {global_maxpool: true, from: p, id: gm}\n"
    "        - {global_avgpool: true, from: r2, id: ga}\n"
    "        - {concat: [gm, ga]}\n"
    "        - flatten\n"
    "        - {dense: 8, activation: sigmoid}\n"
    "        - {dropout: 0.2}\n"
    "      epochs: 3\n"
    "      lr: 0.01\n"
    "      save: cnn.safetensors\n"
    "      export: cnn.onnx\n"
    "  - id: write\n"
    "    plugin: writer\n"
    "    inputs: {table: x}\n"
    "    params: {path: x.npy}\n";

static const char *const cnn_predict = "pipeline: onnx_cnn_predict\n"
                                       "seed: 5\n"
                                       "stages:\n"
                                       "  - id: blobs\n"
                                       "    plugin: tblobs\n"
                                       "    params: {rows: 90, channels: 2, height: 6, width: 6}\n"
                                       "    outputs: {images: x}\n"
                                       "  - id: predict\n"
                                       "    plugin: cnn\n"
                                       "    inputs: {x: x}\n"
                                       "    params: {mode: predict, model: \"%s\"}\n"
                                       "    outputs: {proba: proba}\n"
                                       "  - id: write\n"
                                       "    plugin: writer\n"
                                       "    inputs: {table: proba}\n"
                                       "    params: {path: out.csv}\n";

Test(onnx_export, cnn_graph_with_softmax_head_matches_onnx_runtime)
{
    static const char *const expect[] = {
        "input x FLOAT [batch, 2, 6, 6]\noutput proba FLOAT [batch, 3]\n"
        "output predicted INT64 [batch]\n",
        "meta classes=[\"DY\", \"W+jets\", \"ttbar\"]\nmeta input_shape=2x6x6\n", NULL};
    pipe_test_pipeline train = train_and_check(cnn_train, plugin_path, "cnn.onnx", expect);
    char yaml[2048];
    snprintf(yaml, sizeof yaml, cnn_predict, out_file(&train, "cnn.safetensors"));
    pipe_test_pipeline pred = pipe_test_pipeline_run("run", yaml, NULL, plugin_path);
    cr_assert_eq(pred.r.status, 0, "%s", pred.r.err);
    parity(&pred, &train, "cnn.onnx", "x.npy", 3, 1, 90);
    pipe_test_pipeline_free(&train);
}

/* ------------------------------------------------------------------ */
/* The classifier's network, a min-max scaling folded in                */
/* ------------------------------------------------------------------ */

static const char *const classifier_train =
    "pipeline: onnx_classifier\n"
    "seed: 11\n"
    "stages:\n"
    "  - id: blobs\n"
    "    plugin: tblobs\n"
    "    params: {rows: 200, classes: 2, channels: 1, height: 2, width: 3, separation: 1}\n"
    "    outputs: {table: raw, labels: labels, split: split}\n"
    "  - id: scale\n"
    "    plugin: scaler\n"
    "    inputs: {table: raw, split: split}\n"
    "    params: {method: minmax}\n"
    "    outputs: {table: scaled, params: scaler}\n"
    "  - id: model\n"
    "    plugin: classifier\n"
    "    inputs: {x: scaled, y: labels, split: split, scaler: scaler}\n"
    "    params:\n"
    "      layers: [8, 6, 4]\n"
    "      activation: relu\n"
    "      scaler_method: minmax\n"
    "      epochs: 5\n"
    "      save: cls.safetensors\n"
    "      export: cls.onnx\n"
    "  - id: write\n"
    "    plugin: writer\n"
    "    inputs: {table: raw}\n"
    "    params: {path: x.csv}\n";

Test(onnx_export, classifier_with_minmax_scaling_matches_onnx_runtime)
{
    static const char *const expect[] = {
        "input x FLOAT [batch, 6]\noutput y FLOAT [batch, 1]\n",
        "meta stage=classifier\nmeta kind=network\nmeta head=binary\nmeta threshold=",
        "meta features=[\"x0\", \"x1\", \"x2\", \"x3\", \"x4\", \"x5\"]\nmeta scaler=minmax\n",
        NULL};
    pipe_test_pipeline train = train_and_check(classifier_train, plugin_path, "cls.onnx", expect);
    pipe_test_pipeline pred =
        predict_run("classifier", &train, "x.csv", "cls.safetensors", "score");
    parity(&pred, &train, "cls.onnx", "x.csv", 1, 0, 200);
    pipe_test_pipeline_free(&train);
}

/* ------------------------------------------------------------------ */
/* The dnn's multiclass head on a table                                 */
/* ------------------------------------------------------------------ */

static const char *const dnn_classes_train =
    "pipeline: onnx_dnn_classes\n"
    "seed: 9\n"
    "stages:\n"
    "  - id: blobs\n"
    "    plugin: tblobs\n"
    "    params: {rows: 150, classes: 4, channels: 1, height: 2, width: 3}\n"
    "    outputs: {table: raw, labels: labels, split: split}\n"
    "  - id: scale\n"
    "    plugin: scaler\n"
    "    inputs: {table: raw, split: split}\n"
    "    outputs: {table: scaled, params: scaler}\n"
    "  - id: model\n"
    "    plugin: dnn\n"
    "    inputs: {x: scaled, y: labels, split: split, scaler: scaler}\n"
    "    params: {head: multiclass, layers: [8], activation: relu6, epochs: 5,\n"
    "             save: dnn.safetensors, export: dnn.onnx}\n"
    "    outputs: {proba: proba}\n"
    "  - id: write\n"
    "    plugin: writer\n"
    "    inputs: {table: raw}\n"
    "    params: {path: x.csv}\n";

Test(onnx_export, dnn_multiclass_head_matches_onnx_runtime)
{
    static const char *const expect[] = {
        "input x FLOAT [batch, 6]\noutput proba FLOAT [batch, 4]\noutput predicted INT64 [batch]\n",
        "meta head=multiclass\nmeta classes=[\"class_0\", \"class_1\", \"class_2\", \"class_3\"]\n",
        NULL};
    pipe_test_pipeline train = train_and_check(dnn_classes_train, plugin_path, "dnn.onnx", expect);
    pipe_test_pipeline pred = predict_run("dnn", &train, "x.csv", "dnn.safetensors", "proba");
    parity(&pred, &train, "dnn.onnx", "x.csv", 4, 1, 150);
    pipe_test_pipeline_free(&train);
}

/* ------------------------------------------------------------------ */
/* Errors                                                               */
/* ------------------------------------------------------------------ */

Test(onnx_export, export_is_a_train_mode_parameter)
{
    static const char *const yaml = "pipeline: onnx_err\n"
                                    "stages:\n"
                                    "  - id: blobs\n"
                                    "    plugin: tblobs\n"
                                    "    outputs: {table: x}\n"
                                    "  - id: predict\n"
                                    "    plugin: dnn\n"
                                    "    inputs: {x: x}\n"
                                    "    params: {mode: predict, model: m.safetensors, export: "
                                    "m.onnx}\n";
    pipe_test_pipeline p = pipe_test_pipeline_run("validate", yaml, NULL, plugin_path);
    cr_assert_eq(p.r.status, 2, "%s", p.r.err);
    cr_assert(strstr(p.r.err, "p.yaml:9:59: stage 'predict': parameter 'export': is only used "
                              "with mode: train (mode is predict)"),
              "%s", p.r.err);
    pipe_test_pipeline_free(&p);
}
