/*
 * test_logistic.c — the classifier core's L2 logistic regression against
 * independent computations: a symmetric one-feature problem whose
 * solution solves w = 2C(1 − σ(w)) (found here by bisection), the
 * optimality conditions on a separable 2-D toy set (every point then
 * classified right), row weights, and the errors.
 */
#include "classifier_core.h"

#include <criterion/criterion.h>
#include <math.h>

static const pipe_cls_logistic_config config = {.C = 1, .max_iter = 100, .tol = 1e-10};

/* The root of f(w) = w − 2C(1 − σ(w)) in [0, 2C], by bisection. */
static double symmetric_solution(double C)
{
    double lo = 0, hi = 2 * C;
    for (int i = 0; i < 200; i++) {
        double mid = (lo + hi) / 2;
        if (mid - 2 * C * (1 - 1 / (1 + exp(-mid))) > 0)
            hi = mid;
        else
            lo = mid;
    }
    return (lo + hi) / 2;
}

Test(logistic, symmetric_pair_matches_the_closed_condition)
{
    /* x = -1 (class 0) and x = 1 (class 1): by symmetry b = 0, and the
     * objective 2·log(1 + e^-w) + w²/(2C) has its minimum where
     * w = 2C(1 − σ(w)); for C = 1, w = 0.6749... */
    double x[2] = {-1, 1}, y[2] = {0, 1}, coef, b;
    int64_t rows[2] = {0, 1};
    pipe_cls_logistic_result res;
    char err[128];
    for (double C = 0.1; C < 20; C *= 3) {
        pipe_cls_logistic_config cfg = config;
        cfg.C = C;
        cr_assert_eq(
            pipe_cls_logistic_fit(x, 1, y, NULL, rows, 2, &cfg, &coef, &b, &res, err, sizeof err),
            0);
        cr_assert(res.converged, "C = %g: %d iterations", C, res.iterations);
        cr_assert_float_eq(coef, symmetric_solution(C), 1e-9, "C = %g: w = %.12g", C, coef);
        cr_assert_float_eq(b, 0, 1e-9);
    }
    cr_assert_float_eq(symmetric_solution(1), 0.6749, 1e-4);
}

/* The gradient of Σ sᵢ·logloss + ‖w‖²/(2C) at (coef, b), computed here
 * independently: Σ sᵢ(pᵢ − yᵢ)(xᵢ, 1) + (w / C, 0). */
static void gradient(const double *x, int d, const double *y, const double *s, int n, double C,
                     const double *coef, double b, double *g)
{
    for (int j = 0; j <= d; j++)
        g[j] = j < d ? coef[j] / C : 0;
    for (int i = 0; i < n; i++) {
        double z = b;
        for (int j = 0; j < d; j++)
            z += coef[j] * x[i * d + j];
        double r = (s ? s[i] : 1) * (1 / (1 + exp(-z)) - y[i]);
        for (int j = 0; j < d; j++)
            g[j] += r * x[i * d + j];
        g[d] += r;
    }
}

/* Two clouds split by the line x0 + x1 = 1. */
static const double toy_x[16] = {0,   0,   0.2, 0.5, 0.5, 0.1, -1,  0.3, /* class 0 */
                                 1.2, 0.8, 2,   1,   0.9, 1.5, 1.4, 0.4};
static const double toy_y[8] = {0, 0, 0, 0, 1, 1, 1, 1};

Test(logistic, separable_toy_set_is_classified_and_optimal)
{
    int64_t rows[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    double coef[2], b, g[3];
    pipe_cls_logistic_result res;
    char err[128];
    cr_assert_eq(pipe_cls_logistic_fit(toy_x, 2, toy_y, NULL, rows, 8, &config, coef, &b, &res, err,
                                       sizeof err),
                 0);
    cr_assert(res.converged);
    cr_assert(res.iterations > 1 && res.iterations < 20, "%d iterations", res.iterations);
    gradient(toy_x, 2, toy_y, NULL, 8, 1.0, coef, b, g);
    for (int j = 0; j < 3; j++)
        cr_assert(fabs(g[j]) < 1e-9, "gradient %d is %g", j, g[j]);
    for (int i = 0; i < 8; i++) {
        double z = b + coef[0] * toy_x[2 * i] + coef[1] * toy_x[2 * i + 1];
        cr_assert_eq(z >= 0, toy_y[i] == 1, "row %d: z = %g", i, z);
    }
    /* Weaker regularisation: larger weights, still finite. */
    pipe_cls_logistic_config loose = config;
    double coef_loose[2], b_loose;
    loose.C = 100;
    cr_assert_eq(pipe_cls_logistic_fit(toy_x, 2, toy_y, NULL, rows, 8, &loose, coef_loose, &b_loose,
                                       &res, err, sizeof err),
                 0);
    cr_assert(res.converged);
    cr_assert(hypot(coef_loose[0], coef_loose[1]) > hypot(coef[0], coef[1]));
}

Test(logistic, row_weights_enter_the_loss)
{
    /* Weighting class 1 three times moves the intercept up; the optimum
     * still zeroes the weighted gradient. Rows 1 and 3 are left out. */
    double x[4] = {-1, 5, 1, 7}, y[4] = {0, 1, 1, 0}, s[4] = {1, 100, 3, 100}, coef, b, g[2];
    int64_t rows[2] = {0, 2};
    double xs[2] = {-1, 1}, ys[2] = {0, 1}, ss[2] = {1, 3};
    pipe_cls_logistic_result res;
    char err[128];
    cr_assert_eq(
        pipe_cls_logistic_fit(x, 1, y, s, rows, 2, &config, &coef, &b, &res, err, sizeof err), 0);
    cr_assert(b > 0.1, "intercept %g", b);
    gradient(xs, 1, ys, ss, 2, 1.0, &coef, b, g);
    cr_assert(fabs(g[0]) < 1e-9 && fabs(g[1]) < 1e-9, "gradient %g %g", g[0], g[1]);
}

Test(logistic, errors_name_the_row)
{
    double x[3] = {0, 1, NAN}, y[3] = {0, 1, 1}, coef, b;
    int64_t rows[3] = {0, 1, 2};
    pipe_cls_logistic_result res;
    char err[128];
    cr_assert_eq(
        pipe_cls_logistic_fit(x, 1, y, NULL, rows, 3, &config, &coef, &b, &res, err, sizeof err),
        -1);
    cr_assert_str_eq(err, "row 2 has the non-finite value nan in column 0");
    double ones[2] = {1, 1};
    cr_assert_eq(
        pipe_cls_logistic_fit(x, 1, ones, NULL, rows, 2, &config, &coef, &b, &res, err, sizeof err),
        -1);
    cr_assert_str_eq(err, "logistic regression needs rows of both classes, found only class 1");
    double half[2] = {0, 0.5};
    cr_assert_eq(
        pipe_cls_logistic_fit(x, 1, half, NULL, rows, 2, &config, &coef, &b, &res, err, sizeof err),
        -1);
    cr_assert_str_eq(err, "row 1 has label 0.5 (expected 0 or 1)");
}
