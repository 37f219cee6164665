/*
 * test_classify_run.c — the metrics stage's classification through `pipe
 * run`: two models compared on four rows worked out by hand (ROC AUC with
 * ties, metrics at 0.5 and at a tuned threshold given as a tensor, the
 * keys named after the models), the roc and comparison outputs written as
 * CSV, and the port and parameter errors.
 */
#include "eval_run.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows: y 0 0 1 1; alpha 0.1 0.4 0.35 0.8 (scikit-learn's roc_curve
 * example); beta 0.5 0.9 0.5 0.5. The tensor t holds the tuned threshold
 * of alpha, 0.3. */
static const char ROWS[] = "y,alpha,beta\n0,0.1,0.5\n0,0.4,0.9\n1,0.35,0.5\n1,0.8,0.5\n";

static pipe_test_pipeline run(const char *eval, const char *expect)
{
    return metrics_eval_run(ROWS, eval, expect);
}

static const char two_models[] =
    "    plugin: metrics\n"
    "    inputs: {pred: alpha, pred2: beta, threshold: t, true: y}\n"
    "    params: {kind: classification, part: all, names: [alpha, beta]}\n"
    "    outputs: {roc: roc, comparison: comparison}\n"
    "  - id: write_roc\n"
    "    plugin: writer\n"
    "    inputs: {table: roc}\n"
    "    params: {path: roc.csv, format: csv}\n"
    "  - id: write_comparison\n"
    "    plugin: writer\n"
    "    inputs: {table: comparison}\n"
    "    params: {path: comparison.csv, format: csv}\n";

Test(classify_run, two_models_at_fixed_and_tuned_thresholds)
{
    /* alpha: AUC 3/4; at 0.5 predicted 0 0 0 1 (accuracy 3/4, precision
     * 1, recall 1/2, F1 2/3); at 0.3 predicted 0 1 1 1 (tp 2, fp 1:
     * accuracy 3/4, precision 2/3, recall 1, F1 4/5). beta: the positives
     * (0.5, 0.5) tie one negative and lose to the other: AUC 1/4; at 0.5
     * everything is positive (accuracy 1/2, precision 1/2, F1 2/3).
     * Background efficiency at 90 % signal efficiency: alpha's curve
     * rises from (0.5, 0.5) straight to (0.5, 1): 0.5 at 90 and 95 %
     * (rejection 2); beta's runs from (0.5, 0) to (1, 1): 0.5 + 0.5 *
     * 0.9 = 0.95 and 0.975. */
    pipe_test_pipeline p =
        run(two_models,
            "{\"eval.count\": 4, \"eval.positives\": 2,"
            " \"eval.alpha.roc_auc\": {\"value\": 0.75, \"abs\": 1e-15},"
            " \"eval.alpha.accuracy\": 0.75, \"eval.alpha.precision\": 1,"
            " \"eval.alpha.recall\": 0.5,"
            " \"eval.alpha.f1\": {\"value\": 0.6666666666666666, \"abs\": 1e-15},"
            " \"eval.alpha.tuned.threshold\": 0.3, \"eval.alpha.tuned.accuracy\": 0.75,"
            " \"eval.alpha.tuned.precision\": {\"value\": 0.6666666666666666, \"abs\": 1e-15},"
            " \"eval.alpha.tuned.recall\": 1, \"eval.alpha.tuned.f1\": 0.8,"
            " \"eval.alpha.tuned.confusion.tp\": 2, \"eval.alpha.tuned.confusion.fp\": 1,"
            " \"eval.alpha.tuned.confusion.tn\": 1, \"eval.alpha.tuned.confusion.fn\": 0,"
            " \"eval.beta.roc_auc\": 0.25, \"eval.beta.accuracy\": 0.5,"
            " \"eval.beta.precision\": 0.5, \"eval.beta.recall\": 1,"
            " \"eval.beta.confusion.fp\": 2,"
            " \"eval.alpha.bkg_eff_at_sig_eff_90\": 0.5,"
            " \"eval.alpha.bkg_rejection_at_sig_eff_95\": 2,"
            " \"eval.beta.bkg_eff_at_sig_eff_90\": {\"value\": 0.95, \"abs\": 1e-15},"
            " \"eval.beta.bkg_eff_at_sig_eff_95\": {\"value\": 0.975, \"abs\": 1e-15},"
            " \"eval.beta.bkg_rejection_at_sig_eff_90\": {\"value\": 1.0526315789473684,"
            " \"abs\": 1e-15}}");
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    char *metrics = pipe_test_pipeline_output(&p, "metrics.json");
    /* eval's beta, up to the next stage, has no tuned metrics. */
    char *eval = strstr(metrics, "\"eval\": {"), *beta = eval ? strstr(eval, "\"beta\": {") : NULL;
    char *next = beta ? strstr(beta, "\"write_roc\"") : NULL;
    cr_assert(beta && next, "%s", metrics);
    *next = '\0';
    cr_assert_null(strstr(beta, "\"tuned\""), "beta has no threshold input: %s", beta);
    free(metrics);
    pipe_test_pipeline_free(&p);
}

Test(classify_run, roc_points_and_comparison_tables)
{
    pipe_test_pipeline p = run(two_models, NULL);
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    /* alpha: scikit-learn's points; beta: 0.9 (one negative), 0.5 (all). */
    char *roc = pipe_test_pipeline_output(&p, "roc.csv");
    cr_assert_str_eq(roc, "model,threshold,fpr,tpr\n"
                          "0,inf,0,0\n0,0.8,0,0.5\n0,0.4,0.5,0.5\n0,0.35,0.5,1\n0,0.1,1,1\n"
                          "1,inf,0,0\n1,0.9,0.5,0\n1,0.5,1,1\n");
    char *comparison = pipe_test_pipeline_output(&p, "comparison.csv");
    cr_assert_str_eq(comparison, "roc_auc,accuracy,precision,recall,f1,threshold\n"
                                 "0.75,0.75,0.6666666666666666,1,0.8,0.3\n"
                                 "0.25,0.5,0.5,1,0.6666666666666666,0.5\n");
    cr_assert(strstr(p.r.err,
                     "[eval]   alpha                  0.3   0.75000   0.75000   0.66667   1.00000"),
              "%s", p.r.err);
    free(roc);
    free(comparison);
    pipe_test_pipeline_free(&p);
}

Test(classify_run, one_model_keeps_bare_keys)
{
    pipe_test_pipeline p = run("    plugin: metrics\n"
                               "    inputs: {pred: alpha, threshold: t, true: y}\n"
                               "    params: {kind: classification, part: all}\n",
                               "{\"eval.roc_auc\": 0.75, \"eval.accuracy\": 0.75,"
                               " \"eval.tuned.f1\": 0.8, \"eval.tuned.threshold\": 0.3}");
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    pipe_test_pipeline_free(&p);
}

static void fails(const char *eval, int status, const char *message)
{
    metrics_eval_fails(ROWS, eval, status, message);
}

Test(classify_run, ports_and_names_are_checked)
{
    fails("    plugin: metrics\n"
          "    inputs: {pred: alpha, threshold: t, true: y}\n"
          "    params: {part: all}\n",
          2, "stage 'eval': input 'threshold' is only used with kind: classification");
    fails("    plugin: metrics\n"
          "    inputs: {pred: alpha, pred3: beta, true: y}\n"
          "    params: {kind: classification, part: all}\n",
          2, "stage 'eval': input 'pred3' is mapped but 'pred2' is not: map the models in order");
    fails("    plugin: metrics\n"
          "    inputs: {pred: alpha, threshold2: t, true: y}\n"
          "    params: {kind: classification, part: all}\n",
          2, "stage 'eval': input 'threshold2' is mapped but its scores 'pred2' are not");
    fails("    plugin: metrics\n"
          "    inputs: {pred: alpha, pred2: beta, true: y}\n"
          "    params: {kind: classification, part: all, names: [a, b, c]}\n",
          2,
          "p.yaml:34:54: stage 'eval': parameter 'names': has 3 names for 2 models (pred, "
          "pred2)");
    fails("    plugin: metrics\n"
          "    inputs: {pred: alpha, threshold: alpha, true: y}\n"
          "    params: {kind: classification, part: all}\n",
          1, "stage 'eval': input threshold ('alpha') must hold one value, found 4");
}
