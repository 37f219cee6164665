/*
 * test_multiclass_run.c — the metrics stage's multi-class kind through
 * `pipe run`: two models' class probabilities loaded from
 * tests/metrics/data/three_classes.csv (six rows, three classes, values
 * worked out by hand in test_multiclass.c and here, cross-checked offline
 * with scikit-learn 1.2.1), the kind inferred from a table, class names
 * from the columns or `classes`, the predictions CSV, the comparison
 * table with each model's params and timings read from its stage, and the
 * errors.
 */
#include "stage_run.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lines 1-16: the rows, model a's probabilities (columns DY, W+jets,
 * ttbar) and label, model b's (b_DY, b_W, b_tt); the stage `eval`
 * follows from line 17. */
static const char head[] = "pipeline: multiclass_eval\n"
                           "stages:\n"
                           "  - id: load\n"
                           "    plugin: loader\n"
                           "    params: {path: tests/metrics/data/three_classes.csv}\n"
                           "    outputs: {table: rows}\n"
                           "  - id: a\n"
                           "    plugin: features\n"
                           "    inputs: {table: rows}\n"
                           "    params: {columns: [DY, W+jets, ttbar], target: label}\n"
                           "    outputs: {table: proba_a, target: label}\n"
                           "  - id: b\n"
                           "    plugin: features\n"
                           "    inputs: {table: rows}\n"
                           "    params: {columns: [b_DY, b_W, b_tt]}\n"
                           "    outputs: {table: proba_b}\n"
                           "  - id: eval\n";

static pipe_test_result run(const char *eval, const char *expect, char *out, size_t out_size)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s", head, eval);
    return stage_run(text, expect, NULL, out, out_size);
}

static char *output(const char *out, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", out, name);
    char *text = pipe_test_read_file(path, NULL);
    cr_assert_not_null(text, "no %s", path);
    return text;
}

Test(multiclass_run, one_model_kind_inferred_names_from_the_columns)
{
    /* a: predicted 0 0 1 0 1 1 (row 1 ties DY and W+jets: the first);
     * see test_multiclass.c for every value. */
    char out[4096];
    pipe_test_result r =
        run("    plugin: metrics\n"
            "    inputs: {pred: proba_a, true: label}\n"
            "    params: {part: all, predictions_file: predictions.csv}\n",
            "{\"eval.count\": 6, \"eval.n_classes\": 3, \"eval.accuracy\": 0.5,"
            " \"eval.macro_f1\": {\"value\": 0.4, \"abs\": 1e-15},"
            " \"eval.weighted_f1\": {\"value\": 0.4, \"abs\": 1e-15},"
            " \"eval.log_loss\": {\"value\": 0.8992849520927809, \"abs\": 1e-15},"
            " \"eval.macro_roc_auc\": {\"value\": 0.8125, \"abs\": 1e-15},"
            " \"eval.classes.DY.precision\": {\"value\": 0.6666666666666666, \"abs\": 1e-15},"
            " \"eval.classes.DY.recall\": 1, \"eval.classes.DY.f1\": 0.8,"
            " \"eval.classes.DY.support\": 2, \"eval.classes.DY.roc_auc\": 0.875,"
            " \"eval.classes.W+jets.recall\": 0.5, \"eval.classes.W+jets.roc_auc\": 0.5625,"
            " \"eval.classes.ttbar.precision\": 0, \"eval.classes.ttbar.f1\": 0,"
            " \"eval.classes.ttbar.roc_auc\": 1,"
            " \"eval.confusion.DY.DY\": 2, \"eval.confusion.W+jets.DY\": 1,"
            " \"eval.confusion.W+jets.W+jets\": 1, \"eval.confusion.ttbar.W+jets\": 2,"
            " \"eval.confusion.ttbar.ttbar\": 0, \"eval.confusion.DY.ttbar\": 0}",
            out, sizeof out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *csv = output(out, "predictions.csv");
    cr_assert_str_eq(csv, "true,predicted,DY,W+jets,ttbar\n"
                          "0,0,0.7,0.2,0.1\n0,0,0.4,0.4,0.2\n1,1,0.3,0.6,0.1\n"
                          "1,0,0.5,0.3,0.2\n2,1,0.2,0.5,0.3\n2,1,0.1,0.6,0.3\n");
    cr_assert(strstr(r.err, "[eval]   proba_a            0.50000   0.40000   0.40000   0.89928   "
                            "0.81250"),
              "%s", r.err);
    free(csv);
    pipe_test_result_free(&r);
}

static const char two_models[] =
    "    plugin: metrics\n"
    "    inputs: {pred: proba_a, pred2: proba_b, true: label}\n"
    "    params: {kind: multiclass, part: all, names: [a, b], classes: [DY, W, tt]}\n"
    "    outputs: {comparison: comparison}\n"
    "  - id: write\n"
    "    plugin: writer\n"
    "    inputs: {table: comparison}\n"
    "    params: {path: comparison.csv, format: csv}\n";

Test(multiclass_run, two_models_compared_under_their_names)
{
    /* b: predicted 0 1 1 1 2 2: accuracy 5/6; DY precision 1, recall 1/2,
     * F1 2/3; W precision 2/3, recall 1, F1 4/5; tt all 1: macro F1
     * (2/3 + 4/5 + 1) / 3 = 37/45. Log loss -(log 0.6 + log 0.2 + log 0.8
     * + log 0.9 + log 0.8 + log 0.4) / 6. One against the rest: DY 7/8
     * (0.2 loses to the negative 0.3), W and tt 1: macro 23/24. */
    double log_loss_b = -(log(0.6) + log(0.2) + log(0.8) + log(0.9) + log(0.8) + log(0.4)) / 6;
    char expect[2048], out[4096];
    snprintf(expect, sizeof expect,
             "{\"eval.a.accuracy\": 0.5, \"eval.a.classes.W.roc_auc\": 0.5625,"
             " \"eval.b.accuracy\": {\"value\": %.17g, \"abs\": 1e-15},"
             " \"eval.b.macro_f1\": {\"value\": %.17g, \"abs\": 1e-15},"
             " \"eval.b.weighted_f1\": {\"value\": %.17g, \"abs\": 1e-15},"
             " \"eval.b.log_loss\": {\"value\": %.17g, \"abs\": 1e-15},"
             " \"eval.b.macro_roc_auc\": {\"value\": %.17g, \"abs\": 1e-15},"
             " \"eval.b.classes.DY.f1\": {\"value\": %.17g, \"abs\": 1e-15},"
             " \"eval.b.classes.W.precision\": {\"value\": %.17g, \"abs\": 1e-15},"
             " \"eval.b.confusion.DY.W\": 1, \"eval.b.confusion.tt.tt\": 2}",
             5.0 / 6, 37.0 / 45, 37.0 / 45, log_loss_b, 23.0 / 24, 2.0 / 3, 2.0 / 3);
    /* without stages, params and the timings are NaN: empty in the CSV */
    pipe_test_result r = run(two_models, expect, out, sizeof out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *csv = output(out, "comparison.csv");
    cr_assert_str_eq(csv, "accuracy,macro_f1,weighted_f1,log_loss,roc_auc,params,train_seconds,"
                          "us_per_step\n"
                          "0.5,0.4000000000000001,0.4000000000000001,0.8992849520927809,0.8125,,,\n"
                          "0.8333333333333334,0.8222222222222223,0.8222222222222223,"
                          "0.5980336477267487,0.9583333333333334,,,\n");
    free(csv);
    pipe_test_result_free(&r);
}

#ifdef METRICS_HAVE_DNN
Test(multiclass_run, comparison_reads_params_and_timings_from_the_model_stages)
{
    /* A dnn 3 -> 3 -> 1 (3 * 3 + 3 + 3 + 1 = 16 parameters) trained for
     * one epoch stands for both models' stage: its params metric and its
     * run.json timings fill the comparison. */
    char out[4096];
    pipe_test_result r = run("    plugin: dnn\n"
                             "    inputs: {x: proba_a, y: label}\n"
                             "    params: {layers: [3], epochs: 1, batch: 2}\n"
                             "    outputs: {pred: net_pred}\n"
                             "  - id: compare\n"
                             "    plugin: metrics\n"
                             "    inputs: {pred: proba_a, pred2: proba_b, true: label}\n"
                             "    params: {part: all, stages: [eval, eval]}\n"
                             "    outputs: {comparison: comparison}\n"
                             "  - id: write\n"
                             "    plugin: writer\n"
                             "    inputs: {table: comparison}\n"
                             "    params: {path: comparison.csv, format: csv}\n",
                             "{\"eval.params\": 16, \"compare.proba_b.accuracy\": "
                             "{\"value\": 0.8333333333333334, \"abs\": 1e-15}}",
                             out, sizeof out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *csv = output(out, "comparison.csv");
    double v[2][8];
    const char *line = strchr(csv, '\n');
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(sscanf(line + 1, "%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", &v[i][0], &v[i][1],
                            &v[i][2], &v[i][3], &v[i][4], &v[i][5], &v[i][6], &v[i][7]),
                     8, "%s", csv);
        line = strchr(line + 1, '\n');
        cr_assert_float_eq(v[i][5], 16, 0, "params of model %d", i);
        cr_assert(v[i][6] > 0 && v[i][6] < 60, "train_seconds %g", v[i][6]);
        cr_assert(v[i][7] > 0 && v[i][7] < 6e7, "us_per_step %g", v[i][7]);
    }
    cr_assert_float_eq(v[0][0], 0.5, 0);
    cr_assert_float_eq(v[1][0], 5.0 / 6, 1e-15);
    /* 3 steps of 2 rows: us_per_step = 1e6 train_seconds / 3 */
    cr_assert_float_eq(v[0][7], 1e6 * v[0][6] / 3, 1e-6 * v[0][7]);
    free(csv);
    pipe_test_result_free(&r);
}
#endif

static void fails(const char *eval, int status, const char *message)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s", head, eval);
    pipe_test_result r = stage_run(text, NULL, NULL, NULL, 0);
    cr_assert_eq(r.status, status, "exit %d, expected %d: %s", r.status, status, r.err);
    cr_assert(strstr(r.err, message), "expected: %s\nfound: %s", message, r.err);
    pipe_test_result_free(&r);
}

Test(multiclass_run, parameters_and_inputs_are_checked)
{
    fails("    plugin: metrics\n"
          "    inputs: {pred: proba_a, true: label}\n"
          "    params: {part: all, classes: [DY, W]}\n",
          1,
          "p.yaml:20:34: stage 'eval': parameter 'classes': has 2 names but pred ('proba_a') "
          "has 3 classes (columns)");
    fails("    plugin: metrics\n"
          "    inputs: {pred: proba_a, pred2: proba_b, true: label}\n"
          "    params: {part: all, stages: [a]}\n",
          2,
          "p.yaml:20:33: stage 'eval': parameter 'stages': has 1 stage ids for 2 models: one "
          "per model (the stage that made pred, pred2, ...)");
    fails("    plugin: metrics\n"
          "    inputs: {pred: proba_a, true: label}\n"
          "    params: {part: all, stages: [a]}\n",
          1,
          "p.yaml:20:34: stage 'eval': parameter 'stages': stage 'a' recorded no 'params' "
          "metric before this stage: expected the id of the model stage that made pred");
    fails("    plugin: metrics\n"
          "    inputs: {pred: proba_a, true: label}\n"
          "    params: {kind: regression, part: all, classes: [DY, W, tt]}\n",
          2,
          "p.yaml:20:52: stage 'eval': parameter 'classes': is only used with kind: "
          "multiclass (kind is 'regression')");
    fails("    plugin: metrics\n"
          "    inputs: {pred: label, true: label}\n"
          "    params: {part: all, classes: [DY, W, tt]}\n",
          1,
          "p.yaml:20:34: stage 'eval': parameter 'classes': is only used with kind: multiclass, "
          "but pred ('label') has one column: kind is inferred as regression");
    fails("    plugin: metrics\n"
          "    inputs: {pred: label, true: label}\n"
          "    params: {kind: multiclass, part: all}\n",
          1,
          "stage 'eval': input pred ('label') must be an N x K table of class probabilities (K "
          ">= 2) for kind: multiclass, found rank 1 with 1 column");
    fails("    plugin: metrics\n"
          "    inputs: {pred: proba_a, true: proba_a}\n"
          "    params: {part: all}\n",
          1, "stage 'eval': input true ('proba_a') must be rank 1 or N x 1, found rank 2 with 3");
    fails("    plugin: features\n"
          "    inputs: {table: rows}\n"
          "    params: {columns: [DY, W+jets]}\n"
          "    outputs: {table: two}\n"
          "  - id: bad\n"
          "    plugin: metrics\n"
          "    inputs: {pred: two, true: label}\n"
          "    params: {part: all}\n",
          1, "stage 'bad': true value 2 at row 4: expected a class index 0..1 (2 classes)");
}
