/*
 * test_event_weights.c — event weights through `pipe run`: split carries
 * a weight column (output weight), the training stages weigh each row's
 * loss by it and metrics reports weighted.*. On 40 rows with a constant
 * feature, targets 1 and 3 weighing 3 and 1, the best constant is the
 * weighted mean 1.5 (the unweighted one is 2): the dnn converges to it,
 * gbdt starts from it, weighted.mae is 0.75; negative weights are taken
 * by the network and refused by gbdt, the logistic fit and split's flat
 * reweighting, with their row.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* x = 0; y = 1 (weight 3) or 3 (weight 1), alternately; label y == 3;
 * with `negative`, row 1's weight is -1. */
static char *write_rows(const char *dir, int negative)
{
    char text[4096];
    size_t len = (size_t)snprintf(text, sizeof text, "x,y,w,label\n");
    for (int r = 0; r < 40; r++)
        len += (size_t)snprintf(text + len, sizeof text - len, "0,%d,%d,%d\n", r % 2 ? 3 : 1,
                                negative && r == 1 ? -1
                                : r % 2            ? 1
                                                   : 3,
                                r % 2);
    return pipe_test_write_file(dir, "rows.csv", text);
}

/* The rows, split (all train) with the weights (and the split's extra
 * parameters `split_params`), then `model` (a stage taking x, y, split,
 * weight and publishing pred), then weighted metrics. */
static pipe_test_pipeline run_split(const char *split_params, const char *model, const char *target,
                                    int negative)
{
    char *dir = pipe_test_tmpdir(), *rows = write_rows(dir, negative), yaml[4096];
    snprintf(yaml, sizeof yaml,
             "pipeline: weights\n"
             "seed: 1\n"
             "stages:\n"
             "  - id: load\n"
             "    plugin: loader\n"
             "    params: {path: \"%s\"}\n"
             "    outputs: {table: rows}\n"
             "  - id: features\n"
             "    plugin: features\n"
             "    inputs: {table: rows}\n"
             "    params: {columns: [x], target: %s}\n"
             "    outputs: {table: x, target: y}\n"
             "  - id: split\n"
             "    plugin: split\n"
             "    inputs: {table: rows}\n"
             "    params: {fractions: [1, 0, 0], weight: w%s}\n"
             "    outputs: {split: split, weight: weight}\n"
             "%s"
             "  - id: eval\n"
             "    plugin: metrics\n"
             "    inputs: {pred: pred, true: y, weight: weight}\n"
             "    params: {part: all}\n",
             rows, target, split_params, model);
    pipe_test_pipeline p = pipe_test_pipeline_run("run", yaml, dir, NULL);
    free(rows);
    free(dir);
    return p;
}

static pipe_test_pipeline run(const char *model, const char *target, int negative)
{
    return run_split("", model, target, negative);
}

/* The number after "key": in text (the first), or NAN. */
static double number_after(const char *text, const char *key)
{
    const char *at = text ? strstr(text, key) : NULL;
    return at ? strtod(at + strlen(key), NULL) : NAN;
}

Test(event_weights, dnn_converges_to_the_weighted_mean)
{
    pipe_test_pipeline p =
        run("  - id: model\n"
            "    plugin: dnn\n"
            "    inputs: {x: x, y: y, split: split, weight: weight}\n"
            "    params: {layers: [1], activation: linear, lr: 0.05, batch: 40,\n"
            "             schedule: cosine, epochs: 500, save: \"\"}\n"
            "    outputs: {pred: pred}\n",
            "y", 0);
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    char *m = pipe_test_pipeline_output(&p, "metrics.json");
    cr_assert_float_eq(number_after(strstr(m, "\"split\""), "\"sum\": "), 80, 1e-12, "%s", m);
    cr_assert_float_eq(number_after(strstr(m, "\"model\""), "\"train_sum\": "), 80, 1e-12);
    const char *eval = strstr(m, "\"eval\"");
    /* every prediction 1.5: unweighted MSE (0.5^2 + 1.5^2) / 2 = 1.25 (at
     * the unweighted mean 2 it would be 1); weighted MAE (0.5 * 3 + 1.5) /
     * 4 = 0.75, weighted MSE (0.25 * 3 + 2.25) / 4 = 0.75 */
    cr_assert_float_eq(number_after(strstr(eval, "\"weighted\""), "\"sum\": "), 80, 1e-12, "%s",
                       eval);
    cr_assert_float_eq(number_after(eval, "\"mse\": "), 1.25, 1e-4, "%s", eval);
    double wmae = number_after(strstr(eval, "\"weighted\""), "\"mae\": ");
    cr_assert_float_eq(wmae, 0.75, 1e-3, "weighted mae %g\n%s", wmae, eval);
    double wmse = number_after(strstr(eval, "\"weighted\""), "\"mse\": ");
    cr_assert_float_eq(wmse, 0.75, 1e-4, "weighted mse %g", wmse);
    free(m);
    pipe_test_pipeline_free(&p);
}

Test(event_weights, gbdt_starts_from_the_weighted_mean)
{
    pipe_test_pipeline p = run("  - id: model\n"
                               "    plugin: gbdt\n"
                               "    inputs: {x: x, y: y, split: split, weight: weight}\n"
                               "    params: {trees: 1, depth: 1, eta: 1, l2: 0, save: \"\"}\n"
                               "    outputs: {pred: pred}\n",
                               "y", 0);
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    char *m = pipe_test_pipeline_output(&p, "metrics.json");
    cr_assert_float_eq(number_after(strstr(m, "\"model\""), "\"base_score\": "), 1.5, 1e-12, "%s",
                       m);
    cr_assert_float_eq(number_after(strstr(strstr(m, "\"eval\""), "\"weighted\""), "\"mae\": "),
                       0.75, 1e-6, "%s", m);
    free(m);
    pipe_test_pipeline_free(&p);
}

Test(event_weights, negative_weights_where_the_maths_allows)
{
    /* The network takes them (a weighted sum of losses)... */
    pipe_test_pipeline p =
        run("  - id: model\n"
            "    plugin: classifier\n"
            "    inputs: {x: x, y: y, split: split, weight: weight}\n"
            "    params: {layers: [2], batchnorm: [false], epochs: 2, tune: none, save: \"\"}\n"
            "    outputs: {score: pred}\n",
            "label", 1);
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    char *m = pipe_test_pipeline_output(&p, "metrics.json");
    cr_assert_float_eq(number_after(strstr(m, "\"model\""), "\"train_negative\": "), 1, 0, "%s", m);
    free(m);
    pipe_test_pipeline_free(&p);
    /* ... gbdt and the logistic fit refuse them, naming the row. */
    p = run("  - id: model\n"
            "    plugin: gbdt\n"
            "    inputs: {x: x, y: y, split: split, weight: weight}\n"
            "    outputs: {pred: pred}\n",
            "y", 1);
    cr_assert_eq(p.r.status, 1, "%s", p.r.err);
    cr_assert(strstr(p.r.err, "stage 'model': input 'weight': 'weight' is -1 in row 1: XGBoost "
                              "needs weights >= 0 (a leaf's hessian sum must be positive)"),
              "%s", p.r.err);
    pipe_test_pipeline_free(&p);
    p = run("  - id: model\n"
            "    plugin: classifier\n"
            "    inputs: {x: x, y: y, split: split, weight: weight}\n"
            "    params: {kind: logistic, tune: none, save: \"\"}\n"
            "    outputs: {score: pred}\n",
            "label", 1);
    cr_assert_eq(p.r.status, 1, "%s", p.r.err);
    cr_assert(strstr(p.r.err, "stage 'model': input 'weight': 'weight' is -1 in row 1: negative "
                              "weights are only allowed with kind: network (logistic and cut fit "
                              "by Newton's method, which needs weights >= 0)"),
              "%s", p.r.err);
    pipe_test_pipeline_free(&p);
    /* ... and so does the flat reweighting, which divides by sums of them */
    p = run_split(", reweight: flat, reweight_columns: [x, y], reweight_bins: [2, 2]",
                  "  - id: model\n"
                  "    plugin: gbdt\n"
                  "    inputs: {x: x, y: y, split: split, weight: weight}\n"
                  "    outputs: {pred: pred}\n",
                  "y", 1);
    cr_assert_eq(p.r.status, 1, "%s", p.r.err);
    cr_assert(strstr(p.r.err, "stage 'split': parameter 'reweight': row 1: the variables must be "
                              "finite and the weight finite and >= 0 (flat reweighting divides "
                              "by a histogram of weights), found 0, 3, weight -1"),
              "%s", p.r.err);
    pipe_test_pipeline_free(&p);
}
