/*
 * cls_baselines.c — the classifier's baselines, each fitted on the same
 * training rows as the network and turned into a one-unit network of the
 * shared core so that it scores, saves and loads like the network:
 *
 *   logistic  scikit-learn's L2 logistic regression (classifier_core.h),
 *             a sigmoid unit;
 *   majority  the most frequent training class (by weight, with event
 *             weights), a linear unit with zero weights whose bias is that
 *             class (score 0 or 1); with head: multiclass, K such units
 *             whose biases are the training classes' weighted frequencies
 *             (proba = the class prior);
 *   cut       one variable through a one-feature logistic regression: the
 *             score is monotonic in the variable, so the ROC curve is the
 *             variable's own and a threshold on the score is a cut on it.
 */
#include "classifier.h"
#include "metrics_core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A model of one dense layer of `units` units over n_in inputs: kernel
 * coef (n_in values, one unit only; NULL: zeros) and biases `bias`. */
static pipe_nn_model *one_layer(pipe_ctx *ctx, int n_in, int units, const double *coef,
                                const double *bias, pipe_nn_act act)
{
    pipe_nn_layer_spec unit = pipe_nn_layer_spec_default(PIPE_NN_DENSE);
    unit.units = units;
    unit.act = act;
    pipe_nn_loss loss = {.kind = units == 1 ? PIPE_NN_BCE : PIPE_NN_CCE, .delta = 1};
    char err[256];
    pipe_nn_model *m = pipe_nn_model_new(n_in, &unit, 1, &loss, CLS_PREDICT_BATCH, err, sizeof err);
    if (!m) {
        pipe_error(ctx, "cannot build the model: %s", err);
        return NULL;
    }
    pipe_nn_tensor_info info[PIPE_NN_MAX_LAYER_TENSORS];
    pipe_nn_model_layer_tensors(m, 0, info); /* kernel [n_in, units], bias [units] */
    pipe_nn_real *params = pipe_nn_model_params(m, NULL);
    for (size_t j = 0; j < (size_t)n_in * (size_t)units; j++)
        params[info[0].offset + j] = coef ? (pipe_nn_real)coef[j] : 0;
    for (int u = 0; u < units; u++)
        params[info[1].offset + (size_t)u] = (pipe_nn_real)bias[u];
    return m;
}

/* x of d in double, as the logistic regression computes; NULL when out
 * of memory. */
static double *doubles(const pipe_nn_rows *r)
{
    size_t count = (size_t)r->rows * (size_t)r->n_in;
    double *x = malloc((count + 1) * sizeof *x);
    for (size_t i = 0; x && i < count; i++)
        x[i] = r->x[i];
    return x;
}

/* Logistic regression on every column of d; a one-unit sigmoid model. */
static pipe_nn_model *logistic_model(pipe_ctx *ctx, const cls_data *d, const char *what)
{
    pipe_cls_logistic_config cfg = {.C = pipe_param_float(ctx, "C"),
                                    .max_iter = (int)pipe_param_int(ctx, "max_iter"),
                                    .tol = 1e-10};
    pipe_cls_logistic_result res;
    const pipe_nn_rows *r = &d->r;
    double *coef = malloc(((size_t)r->n_in + 1) * sizeof *coef), *x = doubles(r), bias;
    double *weight = malloc(((size_t)r->rows + 1) * sizeof *weight);
    char err[512];
    int rc = coef && x && weight ? 0 : pipe_error(ctx, "out of memory");
    for (int64_t i = 0; rc == 0 && i < r->rows; i++)
        weight[i] = r->w[i];
    if (rc == 0 && pipe_cls_logistic_fit(x, r->n_in, d->label, weight, r->train, r->n_train, &cfg,
                                         coef, &bias, &res, err, sizeof err) != 0)
        rc = pipe_error(ctx, "%s: %s", what, err);
    pipe_nn_model *m = NULL;
    if (rc == 0) {
        pipe_metric(ctx, "iterations", res.iterations);
        pipe_metric(ctx, "converged", res.converged);
        if (!res.converged)
            pipe_warn(ctx,
                      "%s: not converged after %d Newton iterations (max |gradient| %.3g): "
                      "raise max_iter",
                      what, res.iterations, res.max_gradient);
        pipe_log(ctx, "%s: %d Newton iterations, objective %.10g, intercept %.6g", what,
                 res.iterations, res.objective, bias);
        m = one_layer(ctx, r->n_in, 1, coef, &bias, PIPE_NN_SIGMOID);
    }
    free(coef);
    free(x);
    free(weight);
    return m;
}

pipe_nn_model *cls_fit_logistic(pipe_ctx *ctx, const cls_data *d)
{
    pipe_log(ctx, "logistic regression (C = %g) on %lld rows of %d features",
             pipe_param_float(ctx, "C"), (long long)d->r.n_train, d->r.n_in);
    return logistic_model(ctx, d, "logistic");
}

/* Row r's weight: the event weight when there is one, else 1. */
static double row_weight(const cls_data *d, int64_t r)
{
    return d->r.w ? d->r.w[r] : 1;
}

/* head: multiclass: the training classes' frequencies as the biases of
 * K linear units with zero weights, so proba is the class prior and the
 * argmax the most frequent class (the first of equally frequent ones), as
 * scikit-learn's DummyClassifier(strategy="prior"). */
static pipe_nn_model *majority_multiclass(pipe_ctx *ctx, const cls_data *d)
{
    int k = d->classes.k;
    int64_t n = d->r.n_train;
    double *freq = calloc((size_t)k, sizeof *freq), total = 0;
    if (!freq) {
        pipe_error(ctx, "out of memory");
        return NULL;
    }
    for (int64_t i = 0; i < n; i++) { /* the rows' weights: event weights, else 1 */
        int64_t r = d->r.train[i];
        freq[(int)d->label[r]] += row_weight(d, r);
        total += row_weight(d, r);
    }
    int majority = 0;
    for (int c = 1; c < k; c++)
        majority = freq[c] > freq[majority] ? c : majority;
    for (int c = 0; c < k; c++)
        freq[c] = total ? freq[c] / total : 0;
    pipe_metric(ctx, "majority_class", majority);
    for (int c = 0; c < k; c++) {
        char key[160];
        snprintf(key, sizeof key, "prior.%s", d->classes.names[c]);
        pipe_metric(ctx, key, freq[c]);
    }
    pipe_log(ctx, "majority class %d (%s, %.4g of %lld training rows)", majority,
             d->classes.names[majority], freq[majority], (long long)n);
    pipe_nn_model *m = one_layer(ctx, d->r.n_in, k, NULL, freq, PIPE_NN_LINEAR);
    free(freq);
    return m;
}

pipe_nn_model *cls_fit_majority(pipe_ctx *ctx, const cls_data *d)
{
    if (d->classes.k)
        return majority_multiclass(ctx, d);
    int64_t positives = 0, n = d->r.n_train;
    double weight_1 = 0, weight = 0; /* the rows' weights (event weights, else 1) */
    for (int64_t i = 0; i < n; i++) {
        int64_t r = d->r.train[i];
        positives += d->label[r] == 1;
        weight_1 += d->label[r] == 1 ? row_weight(d, r) : 0;
        weight += row_weight(d, r);
    }
    double majority = 2 * weight_1 > weight; /* a tie goes to class 0, as scikit-learn */
    pipe_metric(ctx, "majority_class", majority);
    pipe_log(ctx, "majority class %d (%lld of %lld training rows are class 1)", (int)majority,
             (long long)positives, (long long)n);
    return one_layer(ctx, d->r.n_in, 1, NULL, &majority, PIPE_NN_LINEAR);
}

/* ROC AUC of column col over the training rows, with work arrays of
 * n_train values each. */
static double column_auc(const cls_data *d, int col, double *values, double *labels)
{
    const pipe_nn_rows *r = &d->r;
    for (int64_t i = 0; i < r->n_train; i++) {
        values[i] = r->x[r->train[i] * r->n_in + col];
        labels[i] = d->label[r->train[i]];
    }
    return pipe_metrics_roc_auc(values, labels, r->n_train);
}

/* The column of the variable parameter, or of the feature whose training
 * AUC is farthest from 0.5; -1 after a reported error. */
static int cut_column(pipe_ctx *ctx, const cls_data *d, double *work)
{
    const pipe_nn_rows *r = &d->r;
    const char *variable = pipe_param_string(ctx, "variable");
    char hint[128];
    if (variable[0] && !r->features)
        return pipe_param_error(ctx, "variable", "x '%s' has no column names",
                                pipe_input_name(ctx, "x"));
    for (int j = 0; variable[0] && j < r->n_in; j++)
        if (strcmp(r->features[j], variable) == 0)
            return j;
    if (variable[0])
        return pipe_param_error(ctx, "variable", "'%s' is not one of the features%s", variable,
                                pipe_suggest_text(variable, (const char *const *)r->features,
                                                  (size_t)r->n_in, hint, sizeof hint));
    double best = -1;
    int col = -1;
    for (int j = 0; j < r->n_in; j++) {
        double auc = column_auc(d, j, work, work + r->n_train + 1);
        if (fabs(auc - 0.5) > best) {
            best = fabs(auc - 0.5);
            col = j;
        }
    }
    return col >= 0 ? col : pipe_error(ctx, "cannot rank the features: one class only");
}

pipe_nn_model *cls_fit_cut(pipe_ctx *ctx, cls_data *d)
{
    double *work = malloc(((size_t)d->r.n_train + 1) * 2 * sizeof *work);
    if (!work) {
        pipe_error(ctx, "out of memory");
        return NULL;
    }
    int col = cut_column(ctx, d, work);
    double auc = col >= 0 ? column_auc(d, col, work, work + d->r.n_train + 1) : NAN;
    free(work);
    if (col < 0)
        return NULL;
    const char *name = d->r.features ? d->r.features[col] : "?";
    pipe_metric_string(ctx, "variable", name);
    pipe_metric(ctx, "variable_train_auc", auc);
    pipe_log(ctx, "cut on '%s' (ROC AUC %.4f on the training rows)", name, auc);
    if (cls_data_keep_column(ctx, d, col) != 0)
        return NULL;
    return logistic_model(ctx, d, "cut");
}

/* The variable's value before scaling, when the scaler input scaled it. */
static double unscaled(pipe_ctx *ctx, const char *name, double v, int *done)
{
    const pipe_tensor *scaler = pipe_input(ctx, "scaler");
    int64_t c = scaler && name ? pipe_tensor_column(scaler, name) : -1;
    *done = c >= 0 && scaler->shape[0] == 2;
    if (!*done)
        return v;
    double a = pipe_tensor_get(scaler, c), b = pipe_tensor_get(scaler, scaler->shape[1] + c);
    if (strcmp(pipe_param_string(ctx, "scaler_method"), "minmax") == 0)
        return a + v * (b - a); /* rows min, max */
    return a + v * b;           /* rows mean, scale */
}

void cls_report_cut(pipe_ctx *ctx, pipe_nn_model *m, const cls_data *d, double threshold)
{
    pipe_nn_tensor_info info[PIPE_NN_MAX_LAYER_TENSORS];
    pipe_nn_model_layer_tensors(m, 0, info);
    const pipe_nn_real *params = pipe_nn_model_params(m, NULL);
    double slope = params[info[0].offset], bias = params[info[1].offset];
    double value = (log(threshold / (1 - threshold)) - bias) / slope;
    const char *name = d->r.features ? d->r.features[0] : "the variable";
    if (!isfinite(value) || slope == 0) {
        pipe_warn(ctx, "cut: the threshold %g lies beyond every value of '%s'", threshold, name);
        return;
    }
    int raw;
    value = unscaled(ctx, d->r.features ? d->r.features[0] : NULL, value, &raw);
    pipe_metric(ctx, "cut", value);
    pipe_metric_string(ctx, "direction", slope > 0 ? "above" : "below");
    pipe_log(ctx, "cut: class 1 when %s %s %.6g%s", name, slope > 0 ? ">=" : "<=", value,
             raw ? " (before scaling)" : "");
}
