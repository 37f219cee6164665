/*
 * test_classifier_run.c — the classifier stage through `pipe run`: on a
 * small table written here (balanced class weights against n / (2 n_c),
 * explicit weights, logistic regression separating it, the cut finding
 * the separating column, a saved model giving the same scores in predict
 * mode, a small network separating it), and on the real sample the
 * errors, each with its location and wording.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 40 rows: column b separates the classes (class 1: b in [2, 3), class
 * 0: b in [0, 1)), column a is noise; 12 rows of class 1. */
static char *write_toy(const char *dir)
{
    char text[4096] = "a,b,y\n";
    size_t len = strlen(text);
    for (int i = 0; i < 40; i++) {
        int y = i % 10 < 3;
        double a = (double)((i * 37) % 17) / 17.0, b = y ? 2 + (i % 7) / 7.0 : (i % 5) / 5.0;
        len += (size_t)snprintf(text + len, sizeof text - len, "%.6f,%.6f,%d\n", a, b, y);
    }
    return pipe_test_write_file(dir, "toy.csv", text);
}

/* The classifier's inputs in train mode. */
#define TRAIN "{x: x, y: y}"

/* The toy pipeline: load, features (y split off), one classifier stage
 * with `inputs` and `params`, metrics on all rows and the scores written
 * as CSV. */
static pipe_test_pipeline run_toy(const char *inputs, const char *params, const char *expect)
{
    char *dir = pipe_test_tmpdir(), *csv = write_toy(dir), yaml[4096];
    snprintf(yaml, sizeof yaml,
             "pipeline: toy\n"
             "seed: 1\n"
             "stages:\n"
             "  - id: load\n"
             "    plugin: loader\n"
             "    params: {path: \"%s\"}\n"
             "    outputs: {table: rows}\n"
             "  - id: features\n"
             "    plugin: features\n"
             "    inputs: {table: rows}\n"
             "    params: {target: y}\n"
             "    outputs: {table: x, target: y}\n"
             "  - id: fit\n"
             "    plugin: classifier\n"
             "    inputs: %s\n"
             "    params: %s\n"
             "    outputs: {score: score, threshold: threshold}\n"
             "  - id: eval\n"
             "    plugin: metrics\n"
             "    inputs: {pred: score, true: y, threshold: threshold}\n"
             "    params: {kind: classification, part: all}\n"
             "  - id: write\n"
             "    plugin: writer\n"
             "    inputs: {table: score}\n"
             "    params: {path: scores.csv, format: csv}\n",
             csv, inputs, params);
    char *expect_file = pipe_test_write_file(dir, "expect.json", expect);
    const char *extra[] = {"--expect", expect_file, NULL};
    pipe_test_pipeline p = pipe_test_pipeline_run("run", yaml, dir, extra);
    free(expect_file);
    free(csv);
    free(dir);
    return p;
}

Test(classifier_run, balanced_weights_and_logistic_regression_on_a_toy_table)
{
    /* 28 rows of class 0 and 12 of class 1: 40 / 56 and 40 / 24. */
    pipe_test_pipeline p =
        run_toy(TRAIN, "{kind: logistic, class_weights: balanced, tune: none}",
                "{\"fit.class_weight.0\": {\"value\": 0.7142857142857143, \"abs\": 1e-15},"
                " \"fit.class_weight.1\": {\"value\": 1.6666666666666667, \"abs\": 1e-15},"
                " \"fit.rows_train\": 40, \"fit.rows_val\": 0, \"fit.threshold\": 0.5,"
                " \"fit.converged\": 1, \"eval.positives\": 12,"
                " \"eval.accuracy\": 1, \"eval.tuned.accuracy\": 1, \"eval.roc_auc\": 1}");
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    cr_assert(strstr(p.r.err, "[fit] no split input: training on all 40 rows, without "
                              "validation\n"),
              "%s", p.r.err);
    pipe_test_pipeline_free(&p);
}

/* class_weight, the old spelling of class_weights, still works and warns:
 * the same metrics byte for byte. */
Test(classifier_run, old_spelling_of_class_weights_warns_and_gives_the_same_metrics)
{
    static const char *const params[2] = {"{kind: logistic, class_weights: [1, 3], tune: none}",
                                          "{kind: logistic, class_weight: [1, 3], tune: none}"};
    char *metrics[2];
    for (int i = 0; i < 2; i++) {
        pipe_test_pipeline p = run_toy(TRAIN, params[i], "{\"fit.class_weight.1\": 3}");
        cr_assert_eq(p.r.status, 0, "%s", p.r.err);
        cr_assert_eq(strstr(p.r.err, "[fit] warning: class_weight is the old spelling of "
                                     "class_weights (it still works; write class_weights)") != NULL,
                     i == 1, "%s", p.r.err);
        metrics[i] = pipe_test_pipeline_output(&p, "metrics.json");
        pipe_test_pipeline_free(&p);
    }
    cr_assert_str_eq(metrics[0], metrics[1]);
    free(metrics[0]);
    free(metrics[1]);
}

Test(classifier_run, explicit_weights_and_a_cut_on_the_separating_column)
{
    /* The cut ranks a and b by their ROC AUC on the training rows: b
     * separates (AUC 1), so the cut is on b, above a value between the
     * classes' 0.8 and 2. */
    pipe_test_pipeline p = run_toy(TRAIN, "{kind: cut, class_weights: [1, 4], tune: none}",
                                   "{\"fit.class_weight.0\": 1, \"fit.class_weight.1\": 4,"
                                   " \"fit.variable_train_auc\": 1, \"eval.accuracy\": 1,"
                                   " \"fit.cut\": {\"min\": 0.8, \"max\": 2}}");
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    char *metrics = pipe_test_pipeline_output(&p, "metrics.json");
    cr_assert(strstr(metrics, "\"variable\": \"b\""), "%s", metrics);
    cr_assert(strstr(metrics, "\"direction\": \"above\""), "%s", metrics);
    cr_assert(strstr(p.r.err, "[fit] cut: class 1 when b >= "), "%s", p.r.err);
    free(metrics);
    pipe_test_pipeline_free(&p);
}

Test(classifier_run, a_small_network_separates_the_toy_table)
{
    /* 2 -> 8 -> 1: 2·8 + 8 + 8 + 1 = 33 parameters. */
    pipe_test_pipeline p = run_toy(TRAIN,
                                   "{kind: network, layers: [8], batchnorm: false, dropout: 0, "
                                   "l2: 0, lr: 0.01, batch: 8, epochs: 300, patience: 0, "
                                   "tune: none}",
                                   "{\"fit.params\": 33, \"fit.epochs\": 300,"
                                   " \"eval.accuracy\": 1, \"eval.roc_auc\": 1}");
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    pipe_test_pipeline_free(&p);
}

Test(classifier_run, a_saved_model_scores_the_same_in_predict_mode)
{
    pipe_test_pipeline train = run_toy(TRAIN, "{kind: logistic, tune: none, save: toy.safetensors}",
                                       "{\"eval.accuracy\": 1}");
    cr_assert_eq(train.r.status, 0, "%s", train.r.err);
    char model[4200], params[4400];
    snprintf(model, sizeof model, "%s/toy.safetensors", train.out);
    snprintf(params, sizeof params, "{mode: predict, model: \"%s\"}", model);
    pipe_test_pipeline predict =
        run_toy("{x: x}", params, "{\"fit.rows\": 40, \"fit.threshold\": 0.5}");
    cr_assert_eq(predict.r.status, 0, "%s", predict.r.err);
    char *a = pipe_test_pipeline_output(&train, "scores.csv");
    char *b = pipe_test_pipeline_output(&predict, "scores.csv");
    cr_assert(strlen(a) > 40 * 2, "%s", a);
    cr_assert_str_eq(a, b);
    free(a);
    free(b);
    pipe_test_pipeline_free(&train);
    pipe_test_pipeline_free(&predict);
    predict = run_toy("{x: x}", "{mode: predict, model: /nonexistent/m.safetensors}", "{}");
    cr_assert_eq(predict.r.status, 2, "found by validation: %s", predict.r.err);
    cr_assert(strstr(predict.r.err, "p.yaml:16:36: stage 'fit': parameter 'model': "
                                    "'/nonexistent/m.safetensors' cannot be read: No such file or "
                                    "directory"),
              "%s", predict.r.err);
    pipe_test_pipeline_free(&predict);
}

/* Lines 1-15 of the pipelines of the error tests; the classifier stage's
 * params follow on line 16. */
static const char error_prefix[] =
    "pipeline: classifier_test\n"
    "stages:\n"
    "  - id: load\n"
    "    plugin: loader\n"
    "    params: {path: \"${PIPE_SHARED_DATA}/dielectron_sample.csv\"}\n"
    "  - id: features\n"
    "    plugin: features\n"
    "    params: {columns: [pt1, pt2], label: {column: M, window: [80, 100]}, target: label}\n"
    "    outputs: {table: x, target: is_z}\n"
    "  - id: split\n"
    "    plugin: split\n"
    "    inputs: {table: x, label: is_z}\n"
    "  - id: c\n"
    "    plugin: classifier\n"
    "    inputs: {x: x, y: is_z%s}\n";

/* One error case: text appended to the classifier's inputs (", split:
 * split" or ""), the rest of the pipeline from line 16, and what must
 * happen. */
typedef struct error_case {
    const char *inputs, *rest;
    int status;
    const char *message;
} error_case;

/* Run each case and expect its exit status and message on stderr. */
static void check_errors(const error_case *cases, size_t n)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    for (size_t i = 0; i < n; i++) {
        char yaml[4096];
        int len = snprintf(yaml, sizeof yaml, error_prefix, cases[i].inputs);
        snprintf(yaml + len, sizeof yaml - (size_t)len, "%s", cases[i].rest);
        pipe_test_pipeline p = pipe_test_pipeline_run("run", yaml, NULL, NULL);
        cr_assert_eq(p.r.status, cases[i].status, "case %zu: exit %d, expected %d: %s", i,
                     p.r.status, cases[i].status, p.r.err);
        cr_assert(strstr(p.r.err, cases[i].message), "case %zu: expected: %s\nfound: %s", i,
                  cases[i].message, p.r.err);
        pipe_test_pipeline_free(&p);
    }
}

#define SPLIT ", split: split"

Test(classifier_run, parameters_of_another_kind_or_mode_are_refused)
{
    static const error_case cases[] = {
        {SPLIT, "    params: {kind: logistic, layers: [8]}\n", 2,
         "p.yaml:16:38: stage 'c': parameter 'layers': is only used with kind: network (kind is "
         "logistic)"},
        {SPLIT, "    params: {kind: majority, tune: f1}\n", 2,
         "p.yaml:16:36: stage 'c': parameter 'tune': is only used with kind: network, logistic or "
         "cut (kind is majority)"},
        {"", "    params: {mode: predict}\n", 2,
         "p.yaml:13:5: stage 'c': parameter 'model' (default): mode: predict needs the path of a "
         "saved model"},
        {"", "    params: {mode: predict, model: m.safetensors, C: 2}\n", 2,
         "stage 'c': parameter 'C': is only used in mode: train with kind: logistic or cut (mode "
         "is predict)"},
        {SPLIT, "    params: {momentum: 0.5}\n", 2,
         "p.yaml:16:24: stage 'c': parameter 'momentum': is only used with optimizer: sgd "
         "(optimizer is adam)"},
    };
    check_errors(cases, sizeof cases / sizeof *cases);
}

Test(classifier_run, class_weight_and_per_layer_values_are_checked)
{
    static const error_case cases[] = {
        {SPLIT, "    params: {class_weight: balansed}\n", 2,
         "p.yaml:16:28: stage 'c': parameter 'class_weight': expected none, balanced or [w0, w1] "
         "(two weights >= 0), found 'balansed' (did you mean 'balanced'?)"},
        {SPLIT, "    params: {class_weight: [1, -2]}\n", 2,
         "p.yaml:16:32: stage 'c': parameter 'class_weight': weight of class 1: expected a number "
         ">= 0"},
        {SPLIT, "    params: {batchnorm: [true, maybe, false]}\n", 2,
         "p.yaml:16:32: stage 'c': parameter 'batchnorm': expected true or false, found 'maybe'"},
        {SPLIT, "    params: {layers: [16, 8], dropout: [0.1, 0.2, 0.3]}\n", 2,
         "stage 'c': parameter 'dropout': has 3 values for 2 hidden layers: give one value for "
         "every layer, or one per layer"},
    };
    check_errors(cases, sizeof cases / sizeof *cases);
}

Test(classifier_run, run_time_errors_say_what_to_do)
{
    static const error_case cases[] = {
        {"", "    params: {kind: logistic}\n", 1,
         "p.yaml:13:5: stage 'c': parameter 'tune' (default): is 'accuracy', which needs val "
         "rows: map a split with val rows, or write tune: none"},
        {SPLIT, "    params: {kind: cut, variable: pt3}\n", 1,
         "stage 'c': parameter 'variable': 'pt3' is not one of the features (did you mean "
         "'pt1'?)"},
        {SPLIT, "    params: {kind: logistic}\n    outputs: {history: h}\n", 1,
         "stage 'c': output 'history' is only made with kind: network (kind is logistic)"},
        {"", "    params: {mode: predict, model: /dev/null}\n", 1, /* a file that exists */
         "stage 'c': input 'y' is only used in mode: train (it is mapped to 'is_z')"},
    };
    check_errors(cases, sizeof cases / sizeof *cases);
}

Test(classifier_run, labels_must_be_a_vector_of_0_and_1)
{
    static const error_case cases[] = {
        {SPLIT,
         "    params: {kind: logistic}\n"
         "  - id: bad\n"
         "    plugin: classifier\n"
         "    inputs: {x: x, y: x}\n",
         1, "stage 'bad': the label y 'x' must be rank 1 or N x 1, found rank 2 with 2 columns"},
        {SPLIT,
         "    params: {kind: logistic}\n"
         "  - id: pt\n"
         "    plugin: features\n"
         "    params: {columns: [pt2], target: pt1}\n"
         "    outputs: {table: x2, target: pt}\n"
         "  - id: bad\n"
         "    plugin: classifier\n"
         "    inputs: {x: x2, y: pt, split: split}\n",
         1, "stage 'bad': the label y 'pt' is 17.7163 at row 0: expected 0 or 1"},
    };
    check_errors(cases, sizeof cases / sizeof *cases);
}
