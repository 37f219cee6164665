/*
 * test_gbdt_run.c — the gbdt stage through `pipe run` on the real sample:
 * two runs with the same seed give byte-identical metrics.json, mode
 * predict with the saved model reproduces the trained model's metrics, a
 * binary Z classifier, and the errors with their locations.
 */
#include "stage_run.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The real sample's events as features and the mass as the target. */
#define LOAD_AND_FEATURES                                                                          \
    "seed: 42\n"                                                                                   \
    "stages:\n"                                                                                    \
    "  - id: load\n"                                                                               \
    "    plugin: loader\n"                                                                         \
    "    params: {path: \"${PIPE_SHARED_DATA}/dielectron_sample.csv\"}\n"                          \
    "  - id: features\n"                                                                           \
    "    plugin: features\n"                                                                       \
    "    params:\n"                                                                                \
    "      columns: [E1, px1, py1, pz1, pt1, eta1, E2, px2, py2, pz2, pt2, eta2]\n"                \
    "      target: M\n"                                                                            \
    "    outputs: {table: x, target: mass}\n"

static const char train_text[] = "pipeline: gbdt_train\n" LOAD_AND_FEATURES "  - id: split\n"
                                 "    plugin: split\n"
                                 "    inputs: {table: x}\n"
                                 "  - id: bdt\n"
                                 "    plugin: gbdt\n"
                                 "    inputs: {x: x, y: mass, split: split}\n"
                                 "    params: {trees: 200, depth: 4, eta: 0.2, subsample: 0.8,\n"
                                 "             colsample: 0.8, early_stopping: 10}\n"
                                 "  - id: all\n"
                                 "    plugin: metrics\n"
                                 "    inputs: {pred: pred, true: mass}\n"
                                 "    params: {part: all}\n";

/* The text of `name` in folder `dir`, failing the test when missing. */
static char *output(const char *dir, const char *name)
{
    char *text = pipe_test_read_in(dir, name);
    cr_assert(text, "no %s in %s", name, dir);
    return text;
}

/* The number after "key": in a JSON text. */
static double json_number(const char *json, const char *key)
{
    char quoted[128];
    snprintf(quoted, sizeof quoted, "\"%s\": ", key);
    const char *at = strstr(json, quoted);
    cr_assert(at, "no %s in %s", key, json);
    return strtod(at + strlen(quoted), NULL);
}

Test(gbdt_run, same_seed_same_metrics_and_predict_mode_reproduces_them)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    char out1[512], out2[512];
    pipe_test_result r1 = stage_run(train_text, NULL, NULL, out1, sizeof out1);
    cr_assert_eq(r1.status, 0, "%s", r1.err);
    pipe_test_result r2 = stage_run(train_text, NULL, NULL, out2, sizeof out2);
    cr_assert_eq(r2.status, 0, "%s", r2.err);
    char *m1 = output(out1, "metrics.json"), *m2 = output(out2, "metrics.json");
    cr_assert_str_eq(m1, m2, "two runs with seed 42 differ");
    char *model1 = output(out1, "model.json"), *model2 = output(out2, "model.json");
    cr_assert_str_eq(model1, model2);
    cr_assert(strstr(model1, "\"pipe_stage\":\"gbdt\""), "%.300s", model1);
    /* Early stopping kept best_iteration + 1 trees; the importances sum to 1. */
    cr_assert_eq(json_number(m1, "trees"), json_number(m1, "best_iteration") + 1, "%s", m1);
    double sum = 0;
    static const char *const names[] = {"E1", "px1", "py1", "pz1", "pt1", "eta1",
                                        "E2", "px2", "py2", "pz2", "pt2", "eta2"};
    for (size_t i = 0; i < 12; i++)
        sum += json_number(strstr(m1, "\"importance\""), names[i]);
    cr_assert_float_eq(sum, 1, 1e-12);
    /* Mode predict on the same rows: the same MAE to the last digit. */
    char text[4096], out3[512];
    snprintf(text, sizeof text,
             "pipeline: gbdt_predict\n" LOAD_AND_FEATURES "  - id: bdt\n"
             "    plugin: gbdt\n"
             "    inputs: {x: x}\n"
             "    params: {mode: predict, model: \"%s/model.json\"}\n"
             "  - id: all\n"
             "    plugin: metrics\n"
             "    inputs: {pred: pred, true: mass}\n"
             "    params: {part: all}\n",
             out1);
    pipe_test_result r3 = stage_run(text, NULL, NULL, out3, sizeof out3);
    cr_assert_eq(r3.status, 0, "%s", r3.err);
    char *m3 = output(out3, "metrics.json");
    const char *mae1 = strstr(strstr(m1, "\"all\""), "\"mae\""),
               *mae3 = strstr(strstr(m3, "\"all\""), "\"mae\"");
    cr_assert(mae1 && mae3);
    cr_assert_eq(strncmp(mae1, mae3, strcspn(mae1, ",\n")), 0, "%.40s vs %.40s", mae1, mae3);
    cr_assert(strstr(r3.err, "[bdt] regression model: 1288 rows predicted"), "%s", r3.err);
    free(m1), free(m2), free(m3), free(model1), free(model2);
    pipe_test_result_free(&r1), pipe_test_result_free(&r2), pipe_test_result_free(&r3);
}

Test(gbdt_run, binary_z_classifier_with_score_predicted_and_threshold)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    static const char text[] =
        "pipeline: gbdt_binary\n"
        "seed: 42\n"
        "stages:\n"
        "  - id: load\n"
        "    plugin: loader\n"
        "    params: {path: \"${PIPE_SHARED_DATA}/dielectron_sample.csv\"}\n"
        "  - id: features\n"
        "    plugin: features\n"
        "    params:\n"
        "      columns: [E1, px1, py1, pz1, E2, px2, py2, pz2]\n"
        "      label: {column: M, window: [80, 100], name: is_z}\n"
        "      target: is_z\n"
        "    outputs: {table: x, target: is_z}\n"
        "  - id: split\n"
        "    plugin: split\n"
        "    inputs: {table: x}\n"
        "  - id: bdt\n"
        "    plugin: gbdt\n"
        "    inputs: {x: x, y: is_z, split: split}\n"
        "    params: {task: binary, trees: 100, depth: 3, threshold: 0.4}\n"
        "    outputs: {score: score, predicted: predicted, threshold: cut}\n"
        "  - id: eval\n"
        "    plugin: metrics\n"
        "    inputs: {pred: score, true: is_z, split: split, threshold: cut}\n"
        "    params: {kind: classification}\n";
    char out[512];
    pipe_test_result r = stage_run(text, NULL, NULL, out, sizeof out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *m = output(out, "metrics.json");
    cr_assert(strstr(m, "\"train_logloss\""), "%s", m);
    cr_assert(strstr(m, "\"val_logloss\""), "%s", m);
    /* The model file keeps the task and the threshold. */
    char *model = output(out, "model.json");
    cr_assert(strstr(model, "\"pipe_task\":\"binary\""));
    cr_assert(strstr(model, "\"pipe_threshold\":\"0.40000000000000002\""), "%.400s", model);
    free(m), free(model);
    pipe_test_result_free(&r);
}

Test(gbdt_run, errors_name_the_parameter_and_the_place)
{
    /* stage_run_fails: loader on lines 1-5, these stages from line 6. */
    stage_run_fails("  - id: bdt\n"
                    "    plugin: gbdt\n"
                    "    inputs: {x: table, y: table}\n"
                    "    params: {target: M, early_stopping: 5}\n",
                    NULL, 1,
                    "/p.yaml:9:41: stage 'bdt': parameter 'early_stopping': needs val rows to "
                    "watch: map a split with val rows\n");
    stage_run_fails("  - id: bdt\n"
                    "    plugin: gbdt\n"
                    "    inputs: {x: table, y: table}\n"
                    "    params: {target: M}\n"
                    "    outputs: {score: s}\n",
                    NULL, 2,
                    "stage 'bdt': output 'score' is made by task: binary (task is "
                    "regression)\n");
    stage_run_fails("  - id: bdt\n"
                    "    plugin: gbdt\n"
                    "    inputs: {x: table}\n"
                    "    params: {mode: predict, trees: 10}\n",
                    NULL, 2,
                    "/p.yaml:9:36: stage 'bdt': parameter 'trees': is only used with mode: "
                    "train (mode is predict)\n");
    stage_run_fails("  - id: bdt\n"
                    "    plugin: gbdt\n"
                    "    inputs: {x: table}\n"
                    "    params: {mode: predict, model: /nonexistent/model.json}\n",
                    NULL, 2, /* found by validation, before anything runs */
                    "/p.yaml:9:36: stage 'bdt': parameter 'model': '/nonexistent/model.json' "
                    "cannot be read: No such file or directory\n");
}
