/*
 * multiclass.c — multi-class classification metrics of a table of class
 * probabilities against class indices, with scikit-learn's definitions:
 * accuracy, per-class precision / recall / F1 / support, macro and
 * weighted F1, log loss, one-vs-rest ROC AUC and the confusion counts.
 * See metrics_core.h.
 */
#include "metrics_core.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int64_t pipe_metrics_argmax(const double *row, int64_t k)
{
    int64_t best = 0;
    for (int64_t c = 1; c < k; c++)
        if (row[c] > row[best])
            best = c;
    return best;
}

/* a / b, or 0 when b is 0 (scikit-learn's zero_division=0). */
static double ratio(double a, double b)
{
    return b > 0 ? a / b : 0.0;
}

/* Check labels and probabilities; 0, or -1 with the reason in err. */
static int check_inputs(const double *proba, const double *truth, int64_t n, int64_t k, char *err,
                        size_t err_size)
{
    if (n < 1) {
        snprintf(err, err_size, "no rows to evaluate");
        return -1;
    }
    if (k < 2) {
        snprintf(err, err_size, "%lld class: multi-class metrics need at least 2", (long long)k);
        return -1;
    }
    for (int64_t i = 0; i < n; i++) {
        double y = truth[i];
        if (!(y >= 0 && y <= (double)(k - 1) && y == floor(y))) {
            snprintf(err, err_size,
                     "true value %g at row %lld: expected a class index 0..%lld (%lld classes)", y,
                     (long long)i, (long long)(k - 1), (long long)k);
            return -1;
        }
        for (int64_t c = 0; c < k; c++) {
            double p = proba[i * k + c];
            if (!(p >= 0 && p <= 1)) {
                snprintf(err, err_size,
                         "probability %g at row %lld, class %lld: expected a value in [0, 1]", p,
                         (long long)i, (long long)c);
                return -1;
            }
        }
    }
    return 0;
}

double pipe_metrics_log_loss(const double *proba, const double *truth, const double *w, int64_t n,
                             int64_t k)
{
    const double eps = DBL_EPSILON;
    double total = 0, weight = 0;
    for (int64_t i = 0; i < n; i++) {
        const double *row = proba + i * k;
        double sum = 0, mine = 0;
        for (int64_t c = 0; c < k; c++) {
            double p = fmin(fmax(row[c], eps), 1 - eps);
            sum += p;
            if (c == (int64_t)truth[i])
                mine = p;
        }
        total -= (w ? w[i] : 1) * log(mine / sum);
        weight += w ? w[i] : 1;
    }
    return total / weight;
}

/* One-vs-rest ROC AUC of every class and their unweighted mean. */
static int roc_aucs(const double *proba, const double *truth, int64_t n, int64_t k,
                    pipe_metrics_multiclass *m)
{
    double *buf = malloc((size_t)n * 2 * sizeof *buf);
    if (!buf)
        return -1;
    double *score = buf, *is_class = buf + n, sum = 0;
    for (int64_t c = 0; c < k; c++) {
        for (int64_t i = 0; i < n; i++) {
            score[i] = proba[i * k + c];
            is_class[i] = truth[i] == (double)c;
        }
        m->classes[c].roc_auc = pipe_metrics_roc_auc(score, is_class, n);
        sum += m->classes[c].roc_auc;
    }
    m->macro_roc_auc = sum / (double)k; /* NaN when one is */
    free(buf);
    return 0;
}

int pipe_metrics_multiclass_eval(const double *proba, const double *truth, int64_t n, int64_t k,
                                 pipe_metrics_multiclass *out, char *err, size_t err_size)
{
    *out = (pipe_metrics_multiclass){.count = n, .k = k};
    if (check_inputs(proba, truth, n, k, err, err_size) != 0)
        return -1;
    void *block = calloc(1, (size_t)k * sizeof *out->classes + (size_t)(k * k) * sizeof(int64_t));
    if (!block) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    out->classes = block;
    out->confusion = (int64_t *)(out->classes + k);
    int64_t correct = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t t = (int64_t)truth[i], p = pipe_metrics_argmax(proba + i * k, k);
        out->confusion[t * k + p]++;
        out->classes[t].support++;
        out->classes[p].predicted++;
        correct += t == p;
    }
    out->accuracy = (double)correct / (double)n;
    for (int64_t c = 0; c < k; c++) {
        pipe_metrics_class *cl = &out->classes[c];
        double tp = (double)out->confusion[c * k + c];
        cl->precision = ratio(tp, (double)cl->predicted);
        cl->recall = ratio(tp, (double)cl->support);
        cl->f1 = ratio(2 * tp, (double)(cl->predicted + cl->support));
        out->macro_f1 += cl->f1;
        out->weighted_f1 += cl->f1 * (double)cl->support;
    }
    out->macro_f1 /= (double)k; /* numpy.average: the sum, then one division */
    out->weighted_f1 /= (double)n;
    out->log_loss = pipe_metrics_log_loss(proba, truth, NULL, n, k);
    if (roc_aucs(proba, truth, n, k, out) != 0) {
        pipe_metrics_multiclass_free(out);
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    return 0;
}

void pipe_metrics_multiclass_free(pipe_metrics_multiclass *m)
{
    free(m->classes);
    m->classes = NULL;
    m->confusion = NULL;
}
