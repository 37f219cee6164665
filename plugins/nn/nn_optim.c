/*
 * nn_optim.c — optimizers: SGD with momentum, Adam, AdamW, each one fused
 * loop per parameter segment over the model's flat buffers. The L2
 * penalty λ·Σw² (Keras' kernel_regularizer) enters as its gradient 2λw in
 * the same pass, which also sums Σw² for the reported loss.
 */
#include "nn_ckpt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct pipe_nn_optim {
    pipe_nn_optim_config cfg;
    nn_real *m1, *m2; /* first and second moments (SGD: m1 is the velocity) */
    size_t count;
    double beta1_power, beta2_power;
};

static const char *const optim_names[] = {"sgd", "adam", "adamw"};

const char *pipe_nn_optim_name(pipe_nn_optim_kind kind)
{
    return nn_name_of(optim_names, PIPE_COUNT(optim_names), (unsigned)kind);
}

int pipe_nn_optim_parse(const char *name)
{
    return nn_name_find(optim_names, PIPE_COUNT(optim_names), name);
}

pipe_nn_optim_config pipe_nn_optim_config_default(pipe_nn_optim_kind kind)
{
    pipe_nn_optim_config c = {.kind = kind,
                              .momentum = 0.9,
                              .beta1 = 0.9,
                              .beta2 = 0.999,
                              .eps = 1e-7,
                              .weight_decay = 0.004};
    return c;
}

pipe_nn_optim *pipe_nn_optim_new(const pipe_nn_optim_config *cfg, const pipe_nn_model *m)
{
    pipe_nn_optim *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->cfg = *cfg;
    o->count = pipe_nn_model_param_count(m);
    o->m1 = calloc(o->count ? o->count : 1, sizeof *o->m1);
    o->m2 = calloc(o->count ? o->count : 1, sizeof *o->m2);
    o->beta1_power = o->beta2_power = 1;
    if (!o->m1 || !o->m2) {
        pipe_nn_optim_free(o);
        return NULL;
    }
    return o;
}

nn_optim_view nn_optim_view_of(pipe_nn_optim *o)
{
    nn_optim_view v = {o->m1, o->m2, o->count, &o->beta1_power, &o->beta2_power};
    return v;
}

void pipe_nn_optim_free(pipe_nn_optim *o)
{
    if (!o)
        return;
    free(o->m1);
    free(o->m2);
    free(o);
}

/* The update loops return Σw² of the weights they start from: the
 * segment's share of the L2 penalty, summed in the same pass. */

NN_HOT static double sgd_segment(pipe_nn_optim *o, nn_real *w, const nn_real *g, size_t offset,
                                 size_t count, nn_real l2x2, nn_real lr)
{
    nn_real mu = (nn_real)o->cfg.momentum, *v = o->m1 + offset, squares = 0;
#pragma omp simd reduction(+ : squares)
    for (size_t i = 0; i < count; i++) {
        nn_real grad = g[i] + l2x2 * w[i];
        squares += w[i] * w[i];
        v[i] = mu * v[i] - lr * grad;
        w[i] += v[i];
    }
    return squares;
}

/* One Adam step; `decay` is the AdamW shrink factor (1 for Adam). */
NN_HOT static double adam_segment(pipe_nn_optim *o, nn_real *w, const nn_real *g, size_t offset,
                                  size_t count, nn_real l2x2, nn_real alpha, nn_real decay)
{
    nn_real b1 = (nn_real)(1 - o->cfg.beta1), b2 = (nn_real)(1 - o->cfg.beta2);
    nn_real eps = (nn_real)o->cfg.eps, *m = o->m1 + offset, *v = o->m2 + offset, squares = 0;
#pragma omp simd reduction(+ : squares)
    for (size_t i = 0; i < count; i++) {
        nn_real grad = g[i] + l2x2 * w[i];
        squares += w[i] * w[i];
        m[i] += (grad - m[i]) * b1;
        v[i] += (grad * grad - v[i]) * b2;
        w[i] = w[i] * decay - alpha * m[i] / (NN_SQRT(v[i]) + eps);
    }
    return squares;
}

double pipe_nn_optim_step(pipe_nn_optim *o, pipe_nn_model *m, double lr)
{
    int n_seg;
    const pipe_nn_segment *segs = pipe_nn_model_segments(m, &n_seg);
    nn_real *params = pipe_nn_model_params(m, NULL), *grads = pipe_nn_model_grads(m, NULL);
    double penalty = 0, alpha = lr;
    if (o->cfg.kind != PIPE_NN_SGD) {
        o->beta1_power *= o->cfg.beta1;
        o->beta2_power *= o->cfg.beta2;
        alpha = lr * sqrt(1 - o->beta2_power) / (1 - o->beta1_power);
    }
    for (int s = 0; s < n_seg; s++) {
        const pipe_nn_segment *seg = &segs[s];
        nn_real *w = params + seg->offset;
        const nn_real *g = grads + seg->offset;
        nn_real l2x2 = (nn_real)(2 * seg->l2);
        double squares;
        if (o->cfg.kind == PIPE_NN_SGD) {
            squares = sgd_segment(o, w, g, seg->offset, seg->count, l2x2, (nn_real)lr);
        } else {
            double decay =
                o->cfg.kind == PIPE_NN_ADAMW && seg->decay ? 1 - lr * o->cfg.weight_decay : 1;
            squares = adam_segment(o, w, g, seg->offset, seg->count, l2x2, (nn_real)alpha,
                                   (nn_real)decay);
        }
        penalty += seg->l2 * squares;
    }
    return penalty;
}
