/*
 * nn_loss.c — loss functions and their gradients: mean squared error,
 * mean absolute error, Huber, binary and categorical cross-entropy, with
 * Keras' definitions (mean over outputs — a sum over the classes for
 * categorical cross-entropy — then Σ wᵢ·lossᵢ / rows over the batch); the
 * stable categorical cross-entropy of logits, for the fused softmax.
 */
#include "nn_internal.h"

#include <math.h>
#include <string.h>

/* Keras' backend epsilon, used to clip probabilities in BCE. */
#define BCE_EPS 1e-7

static const char *const loss_names[] = {"mse", "mae", "huber", "bce", "cce"};

const char *pipe_nn_loss_name(pipe_nn_loss_kind kind)
{
    return nn_name_of(loss_names, PIPE_COUNT(loss_names), (unsigned)kind);
}

const char *pipe_nn_loss_unit(pipe_nn_loss_kind kind)
{
    switch (kind) {
    case PIPE_NN_MSE:
    case PIPE_NN_HUBER:
        return "target unit squared";
    case PIPE_NN_MAE:
        return "target unit";
    case PIPE_NN_BCE:
    case PIPE_NN_CCE:
        return "nats";
    }
    return "";
}

int pipe_nn_loss_parse(const char *name)
{
    return nn_name_find(loss_names, PIPE_COUNT(loss_names), name);
}

/* The loss of one prediction p against target t, and dloss/dp in *g. */
static double loss_one(pipe_nn_loss_kind kind, double delta, double p, double t, double *g)
{
    double d = p - t;
    switch (kind) {
    case PIPE_NN_MSE:
        *g = 2 * d;
        return d * d;
    case PIPE_NN_MAE:
        *g = d > 0 ? 1 : d < 0 ? -1 : 0;
        return fabs(d);
    case PIPE_NN_HUBER:
        if (fabs(d) <= delta) {
            *g = d;
            return 0.5 * d * d;
        }
        *g = d > 0 ? delta : -delta;
        return delta * (fabs(d) - 0.5 * delta);
    case PIPE_NN_CCE: {
        double pc = p < BCE_EPS ? BCE_EPS : p;
        *g = pc == p ? -t / p : 0;
        return -t * log(pc);
    }
    case PIPE_NN_BCE:
        break;
    }
    double pc = p < BCE_EPS ? BCE_EPS : p > 1 - BCE_EPS ? 1 - BCE_EPS : p;
    *g = pc == p ? (p - t) / (p * (1 - p)) : 0;
    return -(t * log(pc) + (1 - t) * log(1 - pc));
}

/* pipe_nn_loss_eval for one kind. Called with a constant kind, so that
 * each kind gets its own loop, without a switch per value. */
static double eval_kind(pipe_nn_loss_kind kind, double delta, const nn_real *pred, const nn_real *y,
                        const nn_real *w, int n, int dim, nn_real *grad)
{
    double total = 0, scale = 1.0 / ((double)n * (kind == PIPE_NN_CCE ? 1 : dim));
    for (int r = 0; r < n; r++) {
        double wr = w ? w[r] : 1, row = 0;
        for (int j = 0; j < dim; j++) {
            size_t i = (size_t)r * dim + j;
            double g;
            row += loss_one(kind, delta, pred[i], y[i], &g);
            if (grad)
                grad[i] = (nn_real)(g * wr * scale);
        }
        total += wr * row;
    }
    return total * scale;
}

double pipe_nn_loss_eval(const pipe_nn_loss *loss, const pipe_nn_real *pred, const pipe_nn_real *y,
                         const pipe_nn_real *w, int n, int dim, pipe_nn_real *grad)
{
    double delta = loss->delta;
    switch (loss->kind) {
    case PIPE_NN_MSE:
        return eval_kind(PIPE_NN_MSE, delta, pred, y, w, n, dim, grad);
    case PIPE_NN_MAE:
        return eval_kind(PIPE_NN_MAE, delta, pred, y, w, n, dim, grad);
    case PIPE_NN_HUBER:
        return eval_kind(PIPE_NN_HUBER, delta, pred, y, w, n, dim, grad);
    case PIPE_NN_CCE:
        return eval_kind(PIPE_NN_CCE, delta, pred, y, w, n, dim, grad);
    case PIPE_NN_BCE:
        break;
    }
    return eval_kind(PIPE_NN_BCE, delta, pred, y, w, n, dim, grad);
}

double nn_cce_logits(const nn_real *z, const nn_real *t, const nn_real *w, int n, int dim)
{
    double total = 0;
    for (int r = 0; r < n; r++) {
        const nn_real *zr = z + (size_t)r * dim, *tr = t + (size_t)r * dim;
        double top = zr[0], sum = 0, row = 0;
        for (int j = 1; j < dim; j++)
            top = zr[j] > top ? zr[j] : top;
        for (int j = 0; j < dim; j++)
            sum += exp((double)zr[j] - top);
        double lse = top + log(sum);
        for (int j = 0; j < dim; j++)
            row -= tr[j] * ((double)zr[j] - lse);
        total += (w ? w[r] : 1) * row;
    }
    return total / n;
}
