/*
 * test_binary_threshold.c — the binary heads of the dnn (sigmoid, bce)
 * and cnn (head: classification) stages tune their decision threshold on
 * the val rows, through `pipe run` on two overlapping Gaussian blobs (the
 * tblobs test plugin: labels r mod 2, val rows r mod 5 = 3, test rows
 * r mod 5 = 4). The scores are written to CSV and the best val accuracy
 * is found again here by trying every threshold; the metrics stage scores
 * the test rows at the published threshold, checked against the count
 * made here; predict mode publishes the threshold saved in the model; the
 * errors of the threshold output.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const plugin_path[] = {"--plugin-path", BLOBS_PLUGIN_DIR, NULL};

#define ROWS 600

/* A model stage: its plugin, input and parameter lines. */
typedef struct stage {
    const char *plugin, *x, *params;
} stage;

static const stage dnn = {"dnn", "table",
                          "      layers: [8]\n"
                          "      output_activation: sigmoid\n"
                          "      loss: bce\n"};
static const stage cnn = {"cnn", "images",
                          "      head: classification\n"
                          "      layers: [{conv: 2}, flatten]\n"};

/* Two blobs 1.5 apart (they overlap: accuracy well below 1), as images
 * or a table (%s), and the metrics of model scores on the test rows at
 * their threshold. */
#define BLOBS_STAGE                                                                                \
    "  - id: blobs\n"                                                                              \
    "    plugin: tblobs\n"                                                                         \
    "    params: {classes: 2, separation: 1.5}\n"                                                  \
    "    outputs: {%s: x, labels: labels, split: split}\n"
#define TEST_STAGE                                                                                 \
    "  - id: test\n"                                                                               \
    "    plugin: metrics\n"                                                                        \
    "    inputs: {pred: score, threshold: threshold, true: labels, split: split}\n"                \
    "    params: {kind: classification, part: test}\n"

/* The blobs, the model, its scores to score.csv and the test metrics. */
static char *pipeline(const stage *st)
{
    static const char *text = "pipeline: binary\n"
                              "seed: 5\n"
                              "stages:\n" BLOBS_STAGE "  - id: model\n"
                              "    plugin: %s\n"
                              "    inputs: {x: x, y: labels, split: split}\n"
                              "    params:\n"
                              "%s"
                              "      epochs: 3\n"
                              "      lr: 0.01\n"
                              "    outputs: {pred: score, threshold: threshold}\n"
                              "  - id: write\n"
                              "    plugin: writer\n"
                              "    inputs: {table: score}\n"
                              "    params: {path: score.csv}\n" TEST_STAGE;
    size_t size = strlen(text) + strlen(st->params) + 64;
    char *yaml = malloc(size);
    snprintf(yaml, size, text, st->x, st->plugin, st->params);
    return yaml;
}

/* The number of metrics.json at a path of keys ("test", "tuned",
 * "threshold": each key searched after the one before), or NAN. */
static double number_at(const char *text, const char *a, const char *b, const char *c)
{
    const char *keys[3] = {a, b, c}, *at = text;
    char quoted[64];
    for (int i = 0; i < 3 && keys[i] && at; i++) {
        snprintf(quoted, sizeof quoted, "\"%s\": ", keys[i]);
        at = strstr(at, quoted);
        at = at ? at + strlen(quoted) : NULL;
    }
    return at ? strtod(at, NULL) : NAN;
}

/* The ROWS scores of score.csv (header "score", the tensor's name). */
static void read_scores(const char *csv, double *score)
{
    const char *line = strchr(csv, '\n');
    cr_assert(line && strncmp(csv, "score\n", 6) == 0, "%.40s", csv);
    for (int r = 0; r < ROWS; r++) {
        char *end;
        score[r] = strtod(line + 1, &end);
        cr_assert(end != line + 1, "row %d of score.csv", r);
        line = strchr(end, '\n');
        cr_assert(line, "score.csv ends at row %d", r);
    }
}

/* Correct predictions among the rows r mod 5 = part at threshold t. */
static int correct(const double *score, int part, double t)
{
    int n = 0;
    for (int r = part; r < ROWS; r += 5)
        n += (score[r] >= t) == (r % 2 == 1);
    return n;
}

/* The most val rows any threshold gets right: every score, and above all. */
static int best_val(const double *score)
{
    int best = correct(score, 3, INFINITY);
    for (int r = 3; r < ROWS; r += 5) {
        int n = correct(score, 3, score[r]);
        best = n > best ? n : best;
    }
    return best;
}

static void tuned_on_val_rows(const stage *st)
{
    char *yaml = pipeline(st);
    pipe_test_pipeline p = pipe_test_pipeline_run("run", yaml, NULL, plugin_path);
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    char *metrics = pipe_test_pipeline_output(&p, "metrics.json");
    char *csv = pipe_test_pipeline_output(&p, "score.csv");
    double score[ROWS];
    read_scores(csv, score);
    double t = number_at(metrics, "model", "threshold", NULL);
    double val = number_at(metrics, "model", "val_accuracy_tuned", NULL);
    int best = best_val(score);
    cr_assert(best < 120 && best > 70, "%s: %d of 120 val rows (the blobs overlap)", st->plugin,
              best);
    cr_assert_float_eq(val, best / 120.0, 1e-12, "%s: val accuracy %g, best %d / 120", st->plugin,
                       val, best);
    cr_assert_eq(correct(score, 3, t), best, "%s: the threshold %.17g", st->plugin, t);
    cr_assert_float_eq(number_at(metrics, "test", "tuned", "threshold"), t, 1e-15);
    cr_assert_float_eq(number_at(metrics, "test", "tuned", "accuracy"),
                       correct(score, 4, t) / 120.0, 1e-12, "%s", metrics);
    free(csv);
    free(metrics);
    pipe_test_pipeline_free(&p);
    free(yaml);
}

Test(binary_threshold, dnn_and_cnn_tune_for_accuracy_on_the_val_rows)
{
    tuned_on_val_rows(&dnn);
    tuned_on_val_rows(&cnn);
}

/* Train, then mode: predict with the saved model: the same threshold. */
static void saved_in_the_model(const stage *st)
{
    char *yaml = pipeline(st);
    pipe_test_pipeline p = pipe_test_pipeline_run("run", yaml, NULL, plugin_path);
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    char *metrics = pipe_test_pipeline_output(&p, "metrics.json");
    double t = number_at(metrics, "model", "threshold", NULL);
    char predict[2048];
    snprintf(predict, sizeof predict,
             "pipeline: again\n"
             "stages:\n" BLOBS_STAGE "  - id: model\n"
             "    plugin: %s\n"
             "    inputs: {x: x}\n"
             "    params: {mode: predict, model: %s/model.safetensors}\n"
             "    outputs: {pred: score, threshold: threshold}\n" TEST_STAGE,
             st->x, st->plugin, p.out);
    pipe_test_pipeline q = pipe_test_pipeline_run("run", predict, NULL, plugin_path);
    cr_assert_eq(q.r.status, 0, "%s", q.r.err);
    char *again = pipe_test_pipeline_output(&q, "metrics.json");
    cr_assert_eq(number_at(again, "test", "tuned", "threshold"), t, "%s", again);
    free(again);
    pipe_test_pipeline_free(&q);
    free(metrics);
    pipe_test_pipeline_free(&p);
    free(yaml);
}

Test(binary_threshold, predict_mode_publishes_the_saved_threshold)
{
    saved_in_the_model(&dnn);
    saved_in_the_model(&cnn);
}

/* The pipeline with `from` replaced by `to` fails with `message`. */
static void fails(const stage *st, const char *from, const char *to, const char *message)
{
    char *yaml = pipeline(st), *at = strstr(yaml, from);
    cr_assert(at, "%s not in the pipeline", from);
    size_t size = strlen(yaml) + strlen(to) + 1;
    char *edited = malloc(size);
    snprintf(edited, size, "%.*s%s%s", (int)(at - yaml), yaml, to, at + strlen(from));
    pipe_test_pipeline p = pipe_test_pipeline_run("run", edited, NULL, plugin_path);
    cr_assert_neq(p.r.status, 0);
    cr_assert(strstr(p.r.err, message), "expected\n%s\nin\n%s", message, p.r.err);
    pipe_test_pipeline_free(&p);
    free(edited);
    free(yaml);
}

Test(binary_threshold, errors)
{
    fails(&dnn, "      output_activation: sigmoid\n      loss: bce\n", "",
          "stage 'model': output threshold is the decision threshold of a binary head (one "
          "sigmoid output trained with bce); this stage has none");
    fails(&cnn, "      head: classification\n", "",
          "stage 'model': output threshold is the decision threshold of a binary head (one "
          "sigmoid output trained with bce); this stage has none");
    fails(&dnn, "inputs: {x: x, y: labels, split: split}", "inputs: {x: x, y: labels}",
          "stage 'model': output threshold is tuned on the val rows, and there are none: map a "
          "split with val rows");
}
