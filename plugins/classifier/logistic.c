/*
 * logistic.c — L2-regularised logistic regression by Newton's method:
 * the gradient and Hessian of Σ sᵢ·logloss + ‖w‖²/(2C) over the chosen
 * rows, a Cholesky solve for the step and a backtracking line search. The
 * problem is strictly convex in the coefficients, so the minimum found is
 * the one scikit-learn's solvers converge to. See classifier_core.h.
 */
#include "classifier_core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fit's problem and work buffers; theta = (coefficients, intercept). */
typedef struct problem {
    const double *x, *label, *weight;
    const int64_t *rows;
    int64_t n;
    int d, p; /* p = d + 1 parameters */
    double inv_c;
    double *grad, *hess, *chol, *step, *trial; /* p, p·p, p·p, p, p */
} problem;

double pipe_cls_sigmoid(double z)
{
    if (z >= 0)
        return 1.0 / (1.0 + exp(-z));
    double e = exp(z);
    return e / (1.0 + e);
}

/* log(1 + e^z) without overflow. */
static double softplus(double z)
{
    return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

static double row_weight(const problem *pb, int64_t r)
{
    return pb->weight ? pb->weight[r] : 1.0;
}

/* xᵣ·w + b. */
static double linear(const problem *pb, const double *theta, int64_t r)
{
    const double *xr = pb->x + r * pb->d;
    double z = theta[pb->d];
    for (int j = 0; j < pb->d; j++)
        z += xr[j] * theta[j];
    return z;
}

/* The objective at theta. */
static double objective(const problem *pb, const double *theta)
{
    double f = 0;
    for (int64_t i = 0; i < pb->n; i++) {
        int64_t r = pb->rows[i];
        double z = linear(pb, theta, r);
        f += row_weight(pb, r) * (softplus(z) - pb->label[r] * z);
    }
    for (int j = 0; j < pb->d; j++)
        f += 0.5 * pb->inv_c * theta[j] * theta[j];
    return f;
}

/* Gradient and Hessian (upper triangle filled, then mirrored) at theta. */
static void derivatives(problem *pb, const double *theta)
{
    int p = pb->p, d = pb->d;
    memset(pb->grad, 0, (size_t)p * sizeof *pb->grad);
    memset(pb->hess, 0, (size_t)p * p * sizeof *pb->hess);
    for (int64_t i = 0; i < pb->n; i++) {
        int64_t r = pb->rows[i];
        const double *xr = pb->x + r * d;
        double s = row_weight(pb, r), prob = pipe_cls_sigmoid(linear(pb, theta, r));
        double g = s * (prob - pb->label[r]), h = s * prob * (1 - prob);
        for (int a = 0; a < p; a++) {
            double xa = a < d ? xr[a] : 1.0;
            pb->grad[a] += g * xa;
            double *row = pb->hess + (size_t)a * p;
            for (int b = a; b < p; b++)
                row[b] += h * xa * (b < d ? xr[b] : 1.0);
        }
    }
    for (int j = 0; j < d; j++) {
        pb->grad[j] += pb->inv_c * theta[j];
        pb->hess[(size_t)j * p + j] += pb->inv_c;
    }
    for (int a = 0; a < p; a++)
        for (int b = 0; b < a; b++)
            pb->hess[(size_t)a * p + b] = pb->hess[(size_t)b * p + a];
}

/* Solve H·step = grad in place by Cholesky (H is destroyed). Returns 0,
 * or -1 when H is not positive definite. */
static int cholesky_solve(double *h, int p, double *v)
{
    for (int j = 0; j < p; j++) {
        double diag = h[(size_t)j * p + j];
        for (int k = 0; k < j; k++)
            diag -= h[(size_t)j * p + k] * h[(size_t)j * p + k];
        if (!(diag > 0))
            return -1;
        h[(size_t)j * p + j] = sqrt(diag);
        for (int i = j + 1; i < p; i++) {
            double s = h[(size_t)i * p + j];
            for (int k = 0; k < j; k++)
                s -= h[(size_t)i * p + k] * h[(size_t)j * p + k];
            h[(size_t)i * p + j] = s / h[(size_t)j * p + j];
        }
    }
    for (int i = 0; i < p; i++) { /* L·u = v */
        for (int k = 0; k < i; k++)
            v[i] -= h[(size_t)i * p + k] * v[k];
        v[i] /= h[(size_t)i * p + i];
    }
    for (int i = p - 1; i >= 0; i--) { /* Lᵀ·step = u */
        for (int k = i + 1; k < p; k++)
            v[i] -= h[(size_t)k * p + i] * v[k];
        v[i] /= h[(size_t)i * p + i];
    }
    return 0;
}

/* The Newton step into pb->step; a tiny ridge is added if the Hessian is
 * numerically singular (nearly separable data along the intercept). */
static int newton_step(problem *pb)
{
    size_t pp = (size_t)pb->p * pb->p;
    double *h = pb->chol, trace = 0;
    for (int a = 0; a < pb->p; a++)
        trace += pb->hess[(size_t)a * pb->p + a];
    for (int attempt = 0; attempt < 8; attempt++) { /* ridge 0, then 1e-12 .. 1 times the trace */
        double ridge = attempt ? 1e-12 * trace * pow(100, attempt - 1) : 0;
        memcpy(h, pb->hess, pp * sizeof *h);
        memcpy(pb->step, pb->grad, (size_t)pb->p * sizeof *pb->step);
        for (int a = 0; a < pb->p; a++)
            h[(size_t)a * pb->p + a] += ridge;
        if (cholesky_solve(h, pb->p, pb->step) == 0)
            return 0;
    }
    return -1;
}

static double max_abs(const double *v, int n)
{
    double m = 0;
    for (int i = 0; i < n; i++)
        m = fmax(m, fabs(v[i]));
    return m;
}

/* Move theta along -step, halving until the Armijo condition holds.
 * Near the minimum the decrease a Newton step promises (half of
 * gradient·step) falls below the rounding of the objective, which can no
 * longer judge it: the full step is taken there, where Newton's method
 * converges quadratically. Returns 0, or -1 when no step decreases the
 * objective. */
static int line_search(problem *pb, double *theta, double *f)
{
    double slope = 0;
    for (int a = 0; a < pb->p; a++)
        slope += pb->grad[a] * pb->step[a];
    if (slope <= 1e-12 * (1 + fabs(*f))) {
        for (int a = 0; a < pb->p; a++)
            theta[a] -= pb->step[a];
        *f = objective(pb, theta);
        return 0;
    }
    for (double t = 1; t > 1e-12; t /= 2) {
        for (int a = 0; a < pb->p; a++)
            pb->trial[a] = theta[a] - t * pb->step[a];
        double f_trial = objective(pb, pb->trial);
        if (f_trial <= *f - 1e-4 * t * slope) {
            memcpy(theta, pb->trial, (size_t)pb->p * sizeof *theta);
            *f = f_trial;
            return 0;
        }
    }
    return -1;
}

/* Check the rows: finite values, labels 0/1, weights >= 0, both classes
 * weighted. Returns 0, or -1 with the reason in err. */
static int check_rows(const problem *pb, double *total_weight, char *err, size_t err_size)
{
    double class_weight[2] = {0, 0};
    for (int64_t i = 0; i < pb->n; i++) {
        int64_t r = pb->rows[i];
        double s = row_weight(pb, r), y = pb->label[r];
        if (y != 0 && y != 1) {
            snprintf(err, err_size, "row %lld has label %g (expected 0 or 1)", (long long)r, y);
            return -1;
        }
        if (!(s >= 0) || isinf(s)) {
            snprintf(err, err_size, "row %lld has weight %g (expected a finite weight >= 0)",
                     (long long)r, s);
            return -1;
        }
        for (int j = 0; j < pb->d; j++)
            if (!isfinite(pb->x[r * pb->d + j])) {
                snprintf(err, err_size, "row %lld has the non-finite value %g in column %d",
                         (long long)r, pb->x[r * pb->d + j], j);
                return -1;
            }
        class_weight[y == 1] += s;
    }
    if (!(class_weight[0] > 0) || !(class_weight[1] > 0)) {
        snprintf(err, err_size,
                 "logistic regression needs rows of both classes, found only "
                 "class %d",
                 class_weight[1] > 0);
        return -1;
    }
    *total_weight = class_weight[0] + class_weight[1];
    return 0;
}

/* Newton iterations from theta = 0. */
static void minimise(problem *pb, const pipe_cls_logistic_config *cfg, double total_weight,
                     double *theta, pipe_cls_logistic_result *res)
{
    double f = objective(pb, theta);
    for (;;) {
        derivatives(pb, theta);
        res->max_gradient = max_abs(pb->grad, pb->p);
        if (res->max_gradient <= cfg->tol * total_weight) {
            res->converged = 1;
            break;
        }
        if (res->iterations >= cfg->max_iter || newton_step(pb) != 0 ||
            line_search(pb, theta, &f) != 0)
            break;
        res->iterations++;
    }
    res->objective = f;
}

int pipe_cls_logistic_fit(const double *x, int d, const double *label, const double *weight,
                          const int64_t *rows, int64_t n, const pipe_cls_logistic_config *cfg,
                          double *coef, double *intercept, pipe_cls_logistic_result *result,
                          char *err, size_t err_size)
{
    problem pb = {.x = x,
                  .label = label,
                  .weight = weight,
                  .rows = rows,
                  .n = n,
                  .d = d,
                  .p = d + 1,
                  .inv_c = 1.0 / cfg->C};
    double total_weight;
    memset(result, 0, sizeof *result);
    if (n < 1 || d < 0) {
        snprintf(err, err_size, "no rows to fit on");
        return -1;
    }
    if (check_rows(&pb, &total_weight, err, err_size) != 0)
        return -1;
    size_t p = (size_t)pb.p;
    double *buf = calloc(2 * p * p + 4 * p, sizeof *buf);
    if (!buf) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    pb.hess = buf;
    pb.chol = buf + p * p;
    pb.grad = pb.chol + p * p;
    pb.step = pb.grad + p;
    pb.trial = pb.step + p;
    double *theta = pb.trial + p;
    minimise(&pb, cfg, total_weight, theta, result);
    memcpy(coef, theta, (size_t)d * sizeof *coef);
    *intercept = theta[d];
    free(buf);
    return 0;
}
