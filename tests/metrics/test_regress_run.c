/*
 * test_regress_run.c — the metrics stage's regression of several models
 * through `pipe run`: two models compared on four rows worked out by hand
 * (the metrics of each under its name, the MAE per mass bin, the
 * comparison output written as CSV), one model keeping the bare keys, and
 * the errors (a second model of another length, ports and names).
 */
#include "eval_run.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Rows: y 1 4 8 10 (mean 5.75, SS_tot 22.5625 + 3.0625 + 5.0625 + 18.0625
 * = 48.75).
 * alpha 2 4 6 9: errors 1 0 -2 -1; MAE 1, MSE 6/4 = 1.5, RMSE sqrt(1.5),
 * R2 1 - 6/48.75, |errors| sorted 0 1 1 2 (median 1), relative errors
 * sorted 0 0.1 0.25 1 (p50 0.175).
 * beta 1 5 8 14: errors 0 1 0 4; MAE 5/4, MSE 17/4, RMSE sqrt(4.25), R2
 * 1 - 17/48.75, |errors| sorted 0 0 1 4 (median 0.5), relative errors
 * sorted 0 0 0.25 0.4 (p50 0.125).
 * With y as the mass and bins [0, 5, 20]: rows 1, 4 in [0, 5) (alpha MAE
 * 0.5, beta 0.5), rows 8, 10 in [5, 20] (alpha 1.5, beta 2).
 */
static const char ROWS[] = "y,alpha,beta\n1,2,1\n4,4,5\n8,6,8\n10,9,14\n";

static pipe_test_pipeline run(const char *eval, const char *expect)
{
    return metrics_eval_run(ROWS, eval, expect);
}

static const char two_models[] = "    plugin: metrics\n"
                                 "    inputs: {pred: alpha, pred2: beta, true: y, mass: y}\n"
                                 "    params: {part: all, names: [a, b], bins: [0, 5, 20]}\n"
                                 "    outputs: {comparison: comparison}\n"
                                 "  - id: write_comparison\n"
                                 "    plugin: writer\n"
                                 "    inputs: {table: comparison}\n"
                                 "    params: {path: comparison.csv, format: csv}\n";

Test(regress_run, two_models_under_their_names)
{
    pipe_test_pipeline p =
        run(two_models, "{\"eval.count\": 4,"
                        " \"eval.a.mae\": 1, \"eval.a.mse\": 1.5,"
                        " \"eval.a.rmse\": {\"value\": 1.224744871391589, \"abs\": 1e-15},"
                        " \"eval.a.r2\": {\"value\": 0.8769230769230769, \"abs\": 1e-15},"
                        " \"eval.a.median_ae\": 1,"
                        " \"eval.a.rel_err.p50\": {\"value\": 0.175, \"abs\": 1e-15},"
                        " \"eval.a.mass_bins.0-5.count\": 2, \"eval.a.mass_bins.0-5.mae\": 0.5,"
                        " \"eval.a.mass_bins.5-20.count\": 2, \"eval.a.mass_bins.5-20.mae\": 1.5,"
                        " \"eval.b.mae\": 1.25, \"eval.b.mse\": 4.25,"
                        " \"eval.b.rmse\": {\"value\": 2.0615528128088303, \"abs\": 1e-15},"
                        " \"eval.b.r2\": {\"value\": 0.6512820512820513, \"abs\": 1e-15},"
                        " \"eval.b.median_ae\": 0.5,"
                        " \"eval.b.rel_err.p50\": {\"value\": 0.125, \"abs\": 1e-15},"
                        " \"eval.b.mass_bins.0-5.mae\": 0.5, \"eval.b.mass_bins.5-20.mae\": 2}");
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    char *metrics = pipe_test_pipeline_output(&p, "metrics.json");
    /* eval, up to the next stage, holds count, a and b: every metric but
     * count is under a model's name (eval's keys are indented 4). */
    char *eval = strstr(metrics, "\"eval\": {");
    char *next = eval ? strstr(eval, "\"write_comparison\"") : NULL;
    cr_assert(eval && next, "%s", metrics);
    *next = '\0';
    cr_assert(strstr(eval, "\"eval\": {\n    \"count\": 4,\n    \"a\": {\n"), "%s", eval);
    cr_assert_null(strstr(eval, "\n    \"mae\""), "no bare mae beside a.mae and b.mae: %s", eval);
    cr_assert(strstr(p.r.err, "[eval] a: 4 rows: MAE 1, RMSE 1.22474, R2 0.876923"), "%s", p.r.err);
    cr_assert(strstr(p.r.err, "[eval] b: mass [5, 20]: 2 rows, MAE 2\n"
                              "[eval] warning: b: mass bin [5, 20] has only 2 rows (fewer than "
                              "30): its MAE is not reliable\n"),
              "%s", p.r.err);
    cr_assert(strstr(p.r.err, "[eval] warning: a: only 4 rows evaluated (fewer than 30): these "
                              "figures are not reliable\n"),
              "%s", p.r.err);
    free(metrics);
    pipe_test_pipeline_free(&p);
}

Test(regress_run, comparison_table)
{
    pipe_test_pipeline p = run(two_models, NULL);
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    char *comparison = pipe_test_pipeline_output(&p, "comparison.csv");
    cr_assert_str_eq(comparison, "mae,rmse,r2,median_ae\n"
                                 "1,1.224744871391589,0.8769230769230769,1\n"
                                 "1.25,2.0615528128088303,0.6512820512820513,0.5\n");
    free(comparison);
    pipe_test_pipeline_free(&p);
}

Test(regress_run, names_default_to_the_tensors_and_one_model_keeps_bare_keys)
{
    pipe_test_pipeline p = run("    plugin: metrics\n"
                               "    inputs: {pred: alpha, pred2: beta, true: y}\n"
                               "    params: {part: all}\n",
                               "{\"eval.alpha.mae\": 1, \"eval.beta.mae\": 1.25}");
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    pipe_test_pipeline_free(&p);
    p = run("    plugin: metrics\n"
            "    inputs: {pred: beta, true: y}\n"
            "    params: {part: all}\n",
            "{\"eval.count\": 4, \"eval.mae\": 1.25, \"eval.median_ae\": 0.5}");
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    pipe_test_pipeline_free(&p);
}

static void fails(const char *eval, int status, const char *message)
{
    metrics_eval_fails(ROWS, eval, status, message);
}

Test(regress_run, a_second_model_of_another_length_is_refused)
{
    fails("    plugin: metrics\n"
          "    inputs: {pred: alpha, pred2: t, true: y}\n"
          "    params: {part: all, names: [a, b]}\n"
          "    outputs: {comparison: comparison}\n",
          1, "stage 'eval': input pred2 ('t') has 1 rows, pred has 4");
}

Test(regress_run, ports_and_names_are_checked)
{
    fails("    plugin: metrics\n"
          "    inputs: {pred: alpha, pred3: beta, true: y}\n"
          "    params: {part: all}\n",
          2, "stage 'eval': input 'pred3' is mapped but 'pred2' is not: map the models in order");
    fails("    plugin: metrics\n"
          "    inputs: {pred: alpha, pred2: beta, true: y}\n"
          "    params: {part: all, names: [a]}\n",
          2,
          "p.yaml:34:32: stage 'eval': parameter 'names': has 1 names for 2 models (pred, pred2)");
    fails("    plugin: metrics\n"
          "    inputs: {pred: alpha, pred2: beta, true: y}\n"
          "    params: {part: all}\n"
          "    outputs: {roc: roc}\n",
          2, "stage 'eval': output 'roc' is only made with kind: classification");
}
