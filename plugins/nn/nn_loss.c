/*
 * nn_loss.c — loss functions and their gradients: mean squared error,
 * mean absolute error, Huber, binary cross-entropy, with Keras'
 * definitions (mean over outputs, then Σ wᵢ·lossᵢ / rows over the batch).
 */
#include "nn_internal.h"

#include <math.h>
#include <string.h>

/* Keras' backend epsilon, used to clip probabilities in BCE. */
#define BCE_EPS 1e-7

static const char *const loss_names[] = {"mse", "mae", "huber", "bce"};

const char *pipe_nn_loss_name(pipe_nn_loss_kind kind)
{
    return nn_name_of(loss_names, PIPE_COUNT(loss_names), (unsigned)kind);
}

int pipe_nn_loss_parse(const char *name)
{
    return nn_name_find(loss_names, PIPE_COUNT(loss_names), name);
}

/* The loss of one prediction p against target t, and dloss/dp in *g. */
static double loss_one(const pipe_nn_loss *loss, double p, double t, double *g)
{
    double d = p - t;
    switch (loss->kind) {
    case PIPE_NN_MSE:
        *g = 2 * d;
        return d * d;
    case PIPE_NN_MAE:
        *g = d > 0 ? 1 : d < 0 ? -1 : 0;
        return fabs(d);
    case PIPE_NN_HUBER:
        if (fabs(d) <= loss->delta) {
            *g = d;
            return 0.5 * d * d;
        }
        *g = d > 0 ? loss->delta : -loss->delta;
        return loss->delta * (fabs(d) - 0.5 * loss->delta);
    case PIPE_NN_BCE:
        break;
    }
    double pc = p < BCE_EPS ? BCE_EPS : p > 1 - BCE_EPS ? 1 - BCE_EPS : p;
    *g = pc == p ? (p - t) / (p * (1 - p)) : 0;
    return -(t * log(pc) + (1 - t) * log(1 - pc));
}

double pipe_nn_loss_eval(const pipe_nn_loss *loss, const pipe_nn_real *pred, const pipe_nn_real *y,
                         const pipe_nn_real *w, int n, int dim, pipe_nn_real *grad)
{
    double total = 0, scale = 1.0 / ((double)n * dim);
    for (int r = 0; r < n; r++) {
        double wr = w ? w[r] : 1, row = 0;
        for (int j = 0; j < dim; j++) {
            size_t i = (size_t)r * dim + j;
            double g;
            row += loss_one(loss, pred[i], y[i], &g);
            if (grad)
                grad[i] = (nn_real)(g * wr * scale);
        }
        total += wr * row;
    }
    return total * scale;
}
