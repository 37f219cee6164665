/*
 * classifier_core.h — pipe_classifier_core: the logic of the `classifier`
 * stage that does not need the SDK's context, as pure functions on arrays
 * (tested directly):
 *
 *   class weights  scikit-learn's class_weight="balanced": the weight of
 *                  class c is n / (2 · n_c) over the n given rows, so each
 *                  class carries the same total weight;
 *   logistic       L2-regularised logistic regression as scikit-learn's
 *                  LogisticRegression(C=C) solves it: minimise
 *                  Σ sᵢ·logloss(yᵢ, σ(xᵢ·w + b)) + ‖w‖² / (2C) (the
 *                  intercept b is not penalised; sᵢ are row weights), by
 *                  Newton's method with a backtracking line search.
 *
 * Labels are 0 or 1 (doubles). Link the static library
 * `pipe_classifier_core` and include "classifier_core.h".
 */
#ifndef PIPE_CLASSIFIER_CORE_H
#define PIPE_CLASSIFIER_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Class weights                                                        */
/* ------------------------------------------------------------------ */

/*
 * Balanced class weights over the rows rows[0..n) of `label` (all rows
 * 0..n when rows is NULL): weights[c] = n / (2 · count of class c).
 * Returns 0, or -1 with the reason in err when a class has no row.
 */
int pipe_cls_balanced_weights(const double *label, const int64_t *rows, int64_t n,
                              double weights[2], char *err, size_t err_size);

/* ------------------------------------------------------------------ */
/* Logistic regression                                                  */
/* ------------------------------------------------------------------ */

typedef struct pipe_cls_logistic_config {
    double C;     /* inverse of the L2 strength (scikit-learn's C, default 1) */
    int max_iter; /* Newton iterations at most (100) */
    double tol;   /* stop when max |gradient| <= tol · Σ sᵢ (1e-10) */
} pipe_cls_logistic_config;

typedef struct pipe_cls_logistic_result {
    int iterations, converged;
    double objective;    /* the minimised function at the solution */
    double max_gradient; /* max |gradient| at the solution */
} pipe_cls_logistic_result;

/*
 * Fit on rows rows[0..n) of the row-major matrix x (d columns per row),
 * labels `label` and optional row weights `weight` (NULL: all 1), both
 * indexed like the rows of x. Writes the d coefficients into coef and the
 * intercept into *intercept. Returns 0 (converged or not: see result), or
 * -1 with the reason in err (no rows, one class only, a non-finite value,
 * out of memory).
 */
int pipe_cls_logistic_fit(const double *x, int d, const double *label, const double *weight,
                          const int64_t *rows, int64_t n, const pipe_cls_logistic_config *cfg,
                          double *coef, double *intercept, pipe_cls_logistic_result *result,
                          char *err, size_t err_size);

/* σ(z) = 1 / (1 + e^-z), computed without overflow. */
double pipe_cls_sigmoid(double z);

#ifdef __cplusplus
}
#endif
#endif /* PIPE_CLASSIFIER_CORE_H */
