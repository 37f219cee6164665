/*
 * test_weighted.c — the weighted metrics (metrics_weighted.h): integer
 * weights give exactly the unweighted metrics of the rows repeated that
 * many times (ties in the scores included); a hand-computed regression;
 * scikit-learn (Debian's python3-sklearn) with sample_weight on 500 rows
 * of real weights, negative ones among them for the sums, and on 400
 * rows of three classes; and the ROC AUC refused where negative weights
 * make the curve non-monotonic.
 */
#include "metrics_core.h"
#include "metrics_weighted.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

Test(weighted, regression_by_hand)
{
    /* errors 0.5, 0, -1 with weights 2, 1, 1: MAE 2/4, MSE 1.5/4; the
     * weighted mean of the truth 7/4, SS_tot 2(3/4)^2 + (1/4)^2 +
     * (5/4)^2 = 2.75, R2 1 - 1.5/2.75. */
    double pred[3] = {1.5, 2, 2}, truth[3] = {1, 2, 3}, w[3] = {2, 1, 1};
    pipe_metrics_weighted_regression r;
    char err[128];
    cr_assert_eq(pipe_metrics_weighted_regress(pred, truth, w, 3, &r, err, sizeof err), 0);
    cr_assert_float_eq(r.sum_w, 4, 1e-15);
    cr_assert_float_eq(r.mae, 0.5, 1e-15);
    cr_assert_float_eq(r.mse, 0.375, 1e-15);
    cr_assert_float_eq(r.rmse, sqrt(0.375), 1e-15);
    cr_assert_float_eq(r.r2, 1 - 1.5 / 2.75, 1e-15);
    double zero[3] = {1, -1, 0};
    cr_assert_eq(pipe_metrics_weighted_regress(pred, truth, zero, 3, &r, err, sizeof err), -1);
    cr_assert_str_eq(err, "the weights sum to 0");
}

/* A small deterministic stream in [0, 1). */
static double next(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*s >> 11) / 9007199254740992.0;
}

Test(weighted, integer_weights_equal_repeated_rows)
{
    enum { N = 60 };
    double score[N], truth[N], pred[N], w[N];
    double rs[3 * N], rt[3 * N], rp[3 * N];
    uint64_t s = 7;
    int64_t m = 0;
    for (int i = 0; i < N; i++) {
        score[i] = floor(next(&s) * 10) / 10; /* ties on purpose */
        truth[i] = next(&s) < 0.4;
        pred[i] = next(&s) * 4;
        w[i] = 1 + (int)(next(&s) * 3);
        for (int k = 0; k < (int)w[i]; k++, m++)
            rs[m] = score[i], rt[m] = truth[i], rp[m] = pred[i];
    }
    char err[128];
    pipe_metrics_weighted_classification c;
    pipe_metrics_classification u;
    cr_assert_eq(pipe_metrics_weighted_classify(score, truth, w, N, 0.5, &c, err, sizeof err), 0);
    cr_assert_eq(pipe_metrics_classify(rs, rt, m, 0.5, &u, err, sizeof err), 0);
    cr_assert_float_eq(c.sum_w, (double)m, 1e-12);
    cr_assert(c.tp == u.tp && c.fp == u.fp && c.tn == u.tn && c.fn == u.fn);
    cr_assert_float_eq(c.accuracy, u.accuracy, 1e-14);
    cr_assert_float_eq(c.precision, u.precision, 1e-14);
    cr_assert_float_eq(c.recall, u.recall, 1e-14);
    cr_assert_float_eq(c.f1, u.f1, 1e-14);
    cr_assert_null(c.auc_reason);
    cr_assert_float_eq(c.roc_auc, u.roc_auc, 1e-14, "%.17g vs %.17g", c.roc_auc, u.roc_auc);
    pipe_metrics_weighted_regression r;
    pipe_metrics_regression ur;
    cr_assert_eq(pipe_metrics_weighted_regress(pred, rt, w, 0, &r, err, sizeof err), -1);
    cr_assert_str_eq(err, "no rows to evaluate");
    double truth_r[N];
    for (int i = 0; i < N; i++)
        truth_r[i] = score[i] * 3;
    m = 0;
    for (int i = 0; i < N; i++)
        for (int k = 0; k < (int)w[i]; k++, m++)
            rt[m] = truth_r[i];
    cr_assert_eq(pipe_metrics_weighted_regress(pred, truth_r, w, N, &r, err, sizeof err), 0);
    cr_assert_eq(pipe_metrics_regress(rp, rt, m, &ur, err, sizeof err), 0);
    cr_assert_float_eq(r.mae, ur.mae, 1e-13);
    cr_assert_float_eq(r.mse, ur.mse, 1e-13);
    cr_assert_float_eq(r.r2, ur.r2, 1e-13);
}

/* scikit-learn's value of `name` in its report. */
static double sklearn_value(const char *report, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, "%s ", name);
    for (const char *line = report; line && *line; line = strchr(line, '\n') + 1) {
        if (strncmp(line, key, strlen(key)) == 0)
            return strtod(line + strlen(key), NULL);
        if (!strchr(line, '\n'))
            break;
    }
    cr_assert_fail("no %s in scikit-learn's report:\n%s", name, report);
    return NAN;
}

/* Run scikit-learn on the rows in `path` (removed) with the mode `mode`
 * (a threshold, or "multiclass"); its report (malloc'd). */
static char *sklearn_run(const char *path, const char *mode)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/metrics/weighted_sklearn.py %s %s 2>&1",
             PIPE_SOURCE_DIR, path, mode);
    FILE *p = popen(cmd, "r");
    cr_assert(p);
    char *out = calloc(1, 8192);
    size_t len = fread(out, 1, 8191, p);
    out[len] = '\0';
    int rc = pclose(p);
    unlink(path);
    cr_assert_eq(rc, 0, "scikit-learn failed:\n%s", out);
    return out;
}

/* A new temporary file for rows (its path into path, 32 bytes). */
static FILE *rows_file(char *path)
{
    snprintf(path, 32, "/tmp/pipe_weightedXXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    return fdopen(fd, "w");
}

/* Write the rows, run scikit-learn on them; its report (malloc'd). */
static char *sklearn_report(const double *pred, const double *y, const double *score,
                            const double *label, const double *w, int n, double threshold)
{
    char path[32], mode[32];
    FILE *f = rows_file(path);
    fprintf(f, "pred,y,score,label,weight\n");
    for (int i = 0; i < n; i++)
        fprintf(f, "%.17g,%.17g,%.17g,%g,%.17g\n", pred[i], y[i], score[i], label[i], w[i]);
    fclose(f);
    snprintf(mode, sizeof mode, "%.17g", threshold);
    return sklearn_run(path, mode);
}

/* 500 rows of real weights in (0.1, 2.1), or with `negative` a quarter
 * of them negative; pipe's weighted metrics against scikit-learn's. */
static void against_sklearn(int negative)
{
    enum { N = 500 };
    double pred[N], y[N], score[N], label[N], w[N];
    uint64_t s = negative ? 11 : 5;
    for (int i = 0; i < N; i++) {
        label[i] = next(&s) < 0.3;
        score[i] = floor((0.35 * label[i] + 0.65 * next(&s)) * 200) / 200; /* some ties */
        y[i] = 50 + 40 * next(&s);
        pred[i] = y[i] + 10 * (next(&s) - 0.5);
        w[i] = 0.1 + 2 * next(&s);
        if (negative && next(&s) < 0.25)
            w[i] = -w[i] / 2;
    }
    char *report = sklearn_report(pred, y, score, label, w, N, 0.6), err[128];
    pipe_metrics_weighted_regression r;
    pipe_metrics_weighted_classification c;
    cr_assert_eq(pipe_metrics_weighted_regress(pred, y, w, N, &r, err, sizeof err), 0, "%s", err);
    cr_assert_eq(pipe_metrics_weighted_classify(score, label, w, N, 0.6, &c, err, sizeof err), 0,
                 "%s", err);
    const char *names[] = {"mae", "mse", "r2", "accuracy", "precision", "recall",
                           "f1",  "tp",  "fp", "tn",       "fn"};
    double mine[] = {r.mae, r.mse, r.r2, c.accuracy, c.precision, c.recall,
                     c.f1,  c.tp,  c.fp, c.tn,       c.fn};
    for (size_t k = 0; k < sizeof mine / sizeof *mine; k++) {
        double want = sklearn_value(report, names[k]);
        cr_assert(fabs(mine[k] - want) <= 1e-10 * fmax(1, fabs(want)),
                  "%s: pipe %.17g, sklearn %.17g", names[k], mine[k], want);
    }
    if (!negative) {
        double want = sklearn_value(report, "roc_auc");
        cr_assert_null(c.auc_reason);
        cr_assert(fabs(c.roc_auc - want) <= 1e-12, "roc_auc: pipe %.17g, sklearn %.17g", c.roc_auc,
                  want);
    }
    free(report);
}

Test(weighted, positive_weights_match_scikit_learn)
{
    against_sklearn(0);
}

Test(weighted, negative_weights_match_scikit_learn_in_the_sums)
{
    against_sklearn(1);
}

Test(weighted, auc_refused_when_negative_weights_bend_the_curve)
{
    /* From the top: a negative of weight 1, then one of weight -2: the
     * false positives go 1, then -1. */
    double score[4] = {0.9, 0.8, 0.7, 0.1}, truth[4] = {0, 0, 1, 0}, w[4] = {1, -2, 1, 3};
    pipe_metrics_weighted_classification c;
    char err[128];
    cr_assert_eq(pipe_metrics_weighted_classify(score, truth, w, 4, 0.5, &c, err, sizeof err), 0);
    cr_assert(isnan(c.roc_auc));
    cr_assert_str_eq(c.auc_reason, "negative weights make the false positive rate decrease along "
                                   "the ROC curve (scikit-learn's auc refuses it too)");
    cr_assert_float_eq(c.fp, 1 - 2, 1e-15); /* scores 0.9, 0.8 >= 0.5 */
    cr_assert_float_eq(c.tn, 3, 1e-15);
}

Test(weighted, multiclass_matches_scikit_learn)
{
    enum { N = 400, K = 3 };
    double proba[N * K], truth[N], w[N];
    uint64_t s = 3;
    char path[32];
    FILE *f = rows_file(path);
    fprintf(f, "label,weight,p0,p1,p2\n");
    for (int i = 0; i < N; i++) {
        truth[i] = (int)(next(&s) * K);
        double sum = 0;
        for (int c = 0; c < K; c++)
            sum += proba[i * K + c] = next(&s) + (c == truth[i] ? 0.8 : 0);
        for (int c = 0; c < K; c++)
            proba[i * K + c] /= sum;
        w[i] = 0.2 + 3 * next(&s);
        fprintf(f, "%g,%.17g,%.17g,%.17g,%.17g\n", truth[i], w[i], proba[i * K], proba[i * K + 1],
                proba[i * K + 2]);
    }
    fclose(f);
    char *report = sklearn_run(path, "multiclass"), err[128];
    pipe_metrics_weighted_multiclass_result m;
    cr_assert_eq(pipe_metrics_weighted_multiclass(proba, truth, w, N, K, &m, err, sizeof err), 0,
                 "%s", err);
    const char *names[] = {"accuracy", "macro_f1", "weighted_f1", "log_loss"};
    double mine[] = {m.accuracy, m.macro_f1, m.weighted_f1, m.log_loss};
    for (size_t k = 0; k < 4; k++) {
        double want = sklearn_value(report, names[k]);
        cr_assert(fabs(mine[k] - want) <= 1e-12, "%s: pipe %.17g, sklearn %.17g", names[k], mine[k],
                  want);
    }
    truth[5] = 3;
    cr_assert_eq(pipe_metrics_weighted_multiclass(proba, truth, w, N, K, &m, err, sizeof err), -1);
    cr_assert_str_eq(err, "true is 3 in row 5: expected a class index 0 to 2");
    free(report);
}
