/*
 * test_gbdt_core.c — pipe_gbdt (XGBoost) on problems whose answer is a
 * closed formula: a step function fitted with depth-1 trees (the residual
 * shrinks by 1 - eta per round; L2 shrinks a leaf to sum / (n + lambda)),
 * one logistic round (score sigmoid(2)), one two-class softmax round (the
 * true class sigmoid(2)), early stopping keeping the best
 * round, gain importance of a useless feature, the JSON round trip, and
 * determinism under subsampling.
 */
#include "gbdt_core.h"

#include <criterion/criterion.h>
#include <math.h>
#include <pipe/pipe.h>
#include <stdlib.h>
#include <string.h>

enum { N = 8 };

/* Rows r < 4 have x0 = 0.25, the others 0.75; x1 is 7 everywhere. */
static float x[N * 2];
static float y_step[N], y_class[N], y_reverse[N];
static int64_t all_rows[N] = {0, 1, 2, 3, 4, 5, 6, 7};

static void setup(void)
{
    for (int r = 0; r < N; r++) {
        x[r * 2] = r < 4 ? 0.25f : 0.75f;
        x[r * 2 + 1] = 7;
        y_step[r] = r < 4 ? 1 : 3;
        y_class[r] = r < 4 ? 0 : 1;
        y_reverse[r] = r < 4 ? 3 : 1;
    }
}

static pipe_gbdt_config stumps(int trees, double eta, double l2)
{
    return (pipe_gbdt_config){.task = PIPE_GBDT_REGRESSION,
                              .trees = trees,
                              .depth = 1,
                              .eta = eta,
                              .subsample = 1,
                              .colsample = 1,
                              .min_child_weight = 0,
                              .l2 = l2,
                              .threads = 1,
                              .seed = 1};
}

static pipe_gbdt_data train_all(const float *y)
{
    static const char *const names[] = {"x0", "x1"};
    return (pipe_gbdt_data){x, y, N, 2, all_rows, NULL, N, 0, names, NULL};
}

static void predict(pipe_gbdt_model *m, double *out)
{
    char err[512];
    cr_assert_eq(pipe_gbdt_predict(m, x, N, 2, out, err, sizeof err), 0, "%s", err);
}

Test(gbdt_core, residuals_shrink_by_one_minus_eta_per_round, .init = setup)
{
    /* Base score: the mean, 2. Each round fits the residual exactly and
     * adds eta of it: after k rounds y - (y - 2) * (1 - eta)^k. */
    pipe_gbdt_config c = stumps(3, 0.5, 0);
    pipe_gbdt_data d = train_all(y_step);
    pipe_gbdt_fit fit;
    char err[512];
    pipe_gbdt_model *m = pipe_gbdt_train(&c, &d, &fit, NULL, NULL, err, sizeof err);
    cr_assert(m, "%s", err);
    cr_assert_eq(fit.base_score, 2);
    cr_assert_eq(fit.rounds, 3);
    cr_assert_eq(fit.trees, 3);
    double p[N];
    predict(m, p);
    for (int r = 0; r < N; r++)
        cr_assert_float_eq(p[r], r < 4 ? 1.125 : 2.875, 1e-6, "row %d: %g", r, p[r]);
    /* rmse: every residual is 0.125. */
    cr_assert_float_eq(fit.train_metric, 0.125, 1e-6);
    cr_assert(isnan(fit.val_metric));
    pipe_gbdt_free(m);
}

Test(gbdt_core, l2_shrinks_a_leaf_to_sum_over_n_plus_lambda, .init = setup)
{
    /* One round, eta 1, lambda 2: a leaf of 4 residuals of -1 is worth
     * -4 / (4 + 2) = -2/3. */
    pipe_gbdt_config c = stumps(1, 1, 2);
    pipe_gbdt_data d = train_all(y_step);
    pipe_gbdt_fit fit;
    char err[512];
    pipe_gbdt_model *m = pipe_gbdt_train(&c, &d, &fit, NULL, NULL, err, sizeof err);
    cr_assert(m, "%s", err);
    double p[N];
    predict(m, p);
    for (int r = 0; r < N; r++)
        cr_assert_float_eq(p[r], r < 4 ? 2 - 2.0 / 3 : 2 + 2.0 / 3, 1e-6, "row %d", r);
    pipe_gbdt_free(m);
}

Test(gbdt_core, one_logistic_round_scores_sigmoid_of_two, .init = setup)
{
    /* From p = 0.5 (margin 0): g = p - y = -+0.5, h = p(1 - p) = 0.25, so a
     * leaf is -G/H = +-2 and the score sigmoid(+-2). */
    pipe_gbdt_config c = stumps(1, 1, 0);
    c.task = PIPE_GBDT_BINARY;
    pipe_gbdt_data d = train_all(y_class);
    pipe_gbdt_fit fit;
    char err[512];
    pipe_gbdt_model *m = pipe_gbdt_train(&c, &d, &fit, NULL, NULL, err, sizeof err);
    cr_assert(m, "%s", err);
    cr_assert_eq(fit.base_score, 0.5);
    double p[N], s = 1 / (1 + exp(-2.0));
    predict(m, p);
    for (int r = 0; r < N; r++)
        cr_assert_float_eq(p[r], r < 4 ? 1 - s : s, 1e-6, "row %d", r);
    cr_assert_float_eq(fit.train_metric, -log(s), 1e-6); /* logloss */
    /* The constant x1 never splits: all the gain is x0's. */
    double gain[2];
    cr_assert_eq(pipe_gbdt_importance(m, gain, err, sizeof err), 0, "%s", err);
    cr_assert_eq(gain[0], 1);
    cr_assert_eq(gain[1], 0);
    pipe_gbdt_free(m);
}

Test(gbdt_core, binary_targets_must_be_zero_or_one, .init = setup)
{
    pipe_gbdt_config c = stumps(1, 1, 0);
    c.task = PIPE_GBDT_BINARY;
    pipe_gbdt_data d = train_all(y_step);
    pipe_gbdt_fit fit;
    char err[512];
    cr_assert_null(pipe_gbdt_train(&c, &d, &fit, NULL, NULL, err, sizeof err));
    cr_assert_str_eq(err, "task binary needs a target of 0 or 1, found 3 at row 4");
}

Test(gbdt_core, one_softmax_round_gives_each_class_sigmoid_of_two, .init = setup)
{
    /* K = 2 softmax from equal margins (p = 1/2): per class g = p - y =
     * -+0.5 and XGBoost's softmax hessian 2p(1 - p) = 0.5, so each class's
     * leaf is -G/H = +-1; the margins differ by 2 and the true class gets
     * exp(1) / (exp(1) + exp(-1)) = sigmoid(2). */
    pipe_gbdt_config c = stumps(1, 1, 0);
    c.task = PIPE_GBDT_MULTICLASS;
    c.classes = 2;
    pipe_gbdt_data d = train_all(y_class);
    pipe_gbdt_fit fit;
    char err[512];
    pipe_gbdt_model *m = pipe_gbdt_train(&c, &d, &fit, NULL, NULL, err, sizeof err);
    cr_assert(m, "%s", err);
    cr_assert_eq(pipe_gbdt_outputs(m), 2);
    double p[2 * N], s = 1 / (1 + exp(-2.0));
    cr_assert_eq(pipe_gbdt_predict(m, x, N, 2, p, err, sizeof err), 0, "%s", err);
    for (int r = 0; r < N; r++) {
        cr_assert_float_eq(p[2 * r + (r < 4 ? 0 : 1)], s, 1e-6, "row %d", r);
        cr_assert_float_eq(p[2 * r] + p[2 * r + 1], 1, 1e-6, "row %d", r);
    }
    cr_assert_float_eq(fit.train_metric, -log(s), 1e-6); /* mlogloss */
    /* Saved and loaded, the model still gives two outputs, the same ones. */
    const char *json;
    size_t len;
    cr_assert_eq(pipe_gbdt_save(m, &json, &len, err, sizeof err), 0, "%s", err);
    char *copy = strndup(json, len);
    pipe_gbdt_model *back = pipe_gbdt_load(copy, len, 1, err, sizeof err);
    free(copy);
    cr_assert(back, "%s", err);
    cr_assert_eq(pipe_gbdt_outputs(back), 2);
    double q[2 * N];
    cr_assert_eq(pipe_gbdt_predict(back, x, N, 2, q, err, sizeof err), 0, "%s", err);
    cr_assert_arr_eq(p, q, sizeof p);
    pipe_gbdt_free(back);
    pipe_gbdt_free(m);
}

Test(gbdt_core, multiclass_labels_must_be_whole_numbers_below_k, .init = setup)
{
    pipe_gbdt_config c = stumps(1, 1, 0);
    c.task = PIPE_GBDT_MULTICLASS;
    c.classes = 3;
    pipe_gbdt_data d = train_all(y_step); /* 1 and 3 */
    pipe_gbdt_fit fit;
    char err[512];
    cr_assert_null(pipe_gbdt_train(&c, &d, &fit, NULL, NULL, err, sizeof err));
    cr_assert_str_eq(err, "task multiclass with 3 classes needs targets 0 to 2, found 3 at row 4");
}

Test(gbdt_core, early_stopping_keeps_the_best_round, .init = setup)
{
    /* Val rows are the same x with the reversed step: every tree makes the
     * val rmse worse, so the best round is the first and with patience 2
     * training stops after round 3, keeping one tree: 2 + (y - 2) / 2. */
    static float xy[2 * N * 2], yy[2 * N];
    static int64_t train[N], val[N];
    for (int r = 0; r < N; r++) {
        memcpy(xy + r * 2, x + r * 2, 2 * sizeof *xy);
        memcpy(xy + (N + r) * 2, x + r * 2, 2 * sizeof *xy);
        yy[r] = y_step[r], yy[N + r] = y_reverse[r];
        train[r] = r, val[r] = N + r;
    }
    pipe_gbdt_config c = stumps(50, 0.5, 0);
    c.early_stopping = 2;
    pipe_gbdt_data d = {xy, yy, 2 * N, 2, train, val, N, N, NULL, NULL};
    pipe_gbdt_fit fit;
    char err[512];
    pipe_gbdt_model *m = pipe_gbdt_train(&c, &d, &fit, NULL, NULL, err, sizeof err);
    cr_assert(m, "%s", err);
    cr_assert_eq(fit.best_iteration, 0);
    cr_assert_eq(fit.rounds, 3);
    cr_assert_eq(fit.trees, 1);
    double p[N];
    predict(m, p);
    for (int r = 0; r < N; r++)
        cr_assert_float_eq(p[r], r < 4 ? 1.5 : 2.5, 1e-6, "row %d", r);
    /* Val residuals are all 1.5 after the kept tree. */
    cr_assert_float_eq(fit.val_metric, 1.5, 1e-6);
    pipe_gbdt_free(m);
}

Test(gbdt_core, json_round_trip_keeps_predictions_names_and_metadata, .init = setup)
{
    pipe_gbdt_config c = stumps(5, 0.3, 1);
    pipe_gbdt_data d = train_all(y_step);
    pipe_gbdt_fit fit;
    char err[512], buf[64];
    pipe_gbdt_model *m = pipe_gbdt_train(&c, &d, &fit, NULL, NULL, err, sizeof err);
    cr_assert(m, "%s", err);
    cr_assert_eq(pipe_gbdt_set_attr(m, "pipe_task", "regression"), 0);
    const char *json;
    size_t len;
    cr_assert_eq(pipe_gbdt_save(m, &json, &len, err, sizeof err), 0, "%s", err);
    cr_assert(strstr(json, "\"feature_names\":[\"x0\",\"x1\"]"), "%.300s", json);
    char *copy = strndup(json, len);
    pipe_gbdt_model *back = pipe_gbdt_load(copy, len, 1, err, sizeof err);
    free(copy);
    cr_assert(back, "%s", err);
    cr_assert_str_eq(pipe_gbdt_get_attr(back, "pipe_task", buf, sizeof buf), "regression");
    cr_assert_null(pipe_gbdt_get_attr(back, "nothing", buf, sizeof buf));
    int n;
    const char *const *names;
    cr_assert_eq(pipe_gbdt_features(back, &n, &names), 0);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(names[1], "x1");
    double p[N], q[N];
    predict(m, p);
    predict(back, q);
    cr_assert_eq(memcmp(p, q, sizeof p), 0);
    pipe_gbdt_free(m);
    pipe_gbdt_free(back);
}

/* Predictions of a subsampled model on 500 random rows, with `seed`. */
static void subsampled(int seed, int threads, double *p)
{
    enum { rows = 500, cols = 4 };
    static float rx[rows * cols], ry[rows];
    static int64_t idx[rows];
    pipe_rng rng;
    pipe_rng_seed(&rng, 3);
    for (int r = 0; r < rows; r++) {
        for (int j = 0; j < cols; j++)
            rx[r * cols + j] = (float)pipe_rng_uniform(&rng);
        ry[r] = (float)(rx[r * cols] * 2 + sin(6 * rx[r * cols + 1]) + 0.1 * pipe_rng_normal(&rng));
        idx[r] = r;
    }
    pipe_gbdt_config c = stumps(20, 0.3, 1);
    c.depth = 4, c.subsample = 0.5, c.colsample = 0.75, c.seed = seed, c.threads = threads;
    pipe_gbdt_data d = {rx, ry, rows, cols, idx, NULL, rows, 0, NULL, NULL};
    pipe_gbdt_fit fit;
    char err[512];
    pipe_gbdt_model *m = pipe_gbdt_train(&c, &d, &fit, NULL, NULL, err, sizeof err);
    cr_assert(m, "%s", err);
    cr_assert_eq(pipe_gbdt_predict(m, rx, rows, cols, p, err, sizeof err), 0);
    pipe_gbdt_free(m);
}

Test(gbdt_core, same_seed_same_trees)
{
    static double a[500], b[500], c[500], t[500];
    subsampled(11, 2, a);
    subsampled(11, 2, b);
    subsampled(12, 2, c);
    subsampled(11, 1, t);
    cr_assert_eq(memcmp(a, b, sizeof a), 0, "same seed, other predictions");
    cr_assert_neq(memcmp(a, c, sizeof a), 0, "another seed, the same predictions");
    /* The thread count does not change hist's trees either. */
    cr_assert_eq(memcmp(a, t, sizeof a), 0, "1 thread and 2 threads differ");
}
