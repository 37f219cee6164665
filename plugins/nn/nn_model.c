/*
 * nn_model.c — a model: a graph of layers (nn_graph.c; a plain stack in
 * the common case) over one flat parameter buffer,
 * one flat gradient buffer and one state buffer, with every activation,
 * scratch and back-propagation buffer allocated once, at build time.
 * Forward, backward (loss included), the L2 penalty, batched prediction.
 */
#include "nn_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Buffers are carved in blocks of 16 reals (64 bytes), cache-line aligned. */
#define NN_ALIGN 64

/* Round a count of reals up to whole 64-byte blocks. */
static size_t padded(size_t count)
{
    size_t per = NN_ALIGN / sizeof(nn_real);
    return (count + per - 1) / per * per;
}

static nn_real *alloc_reals(size_t count)
{
    size_t bytes = padded(count ? count : 1) * sizeof(nn_real);
    nn_real *p = aligned_alloc(NN_ALIGN, bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}

/* Set up every layer (nn_graph.c); fills the sizes of the model's buffers. */
static int setup_layers(pipe_nn_model *m, size_t *acts, size_t *scratch, size_t *widest, char *err,
                        size_t err_size)
{
    char why[300];
    int failed;
    if (nn_graph_setup(m->layers, m->n_layers, m->input_chw, &failed, why, sizeof why) != 0)
        return nn_fail(err, err_size, "layer %d (%s): %s", failed + 1,
                       pipe_nn_layer_kind_name(m->layers[failed].spec.kind), why);
    *widest = (size_t)m->n_inputs;
    m->chain = 1;
    for (int i = 0; i < m->n_layers; i++) {
        pipe_nn_layer *l = &m->layers[i];
        m->n_params += l->n_param;
        m->n_state += l->n_state;
        *acts += padded((size_t)m->max_batch * l->out_size);
        *scratch += padded(l->scratch_fixed + (size_t)m->max_batch * l->scratch_per_row);
        if ((size_t)l->out_size > *widest)
            *widest = (size_t)l->out_size;
        m->chain &= l->n_in == 1 && l->in_idx[0] == i - 1;
    }
    return 0;
}

/* Point every layer at its share of the flat buffers. */
static void assign_buffers(pipe_nn_model *m)
{
    size_t p = 0, s = 0, a = 0, k = 0;
    for (int i = 0; i < m->n_layers; i++) {
        pipe_nn_layer *l = &m->layers[i];
        l->param = m->params + p;
        l->grad = m->grads + p;
        l->state = m->state + s;
        l->out = m->acts + a;
        l->scratch = m->scratch + k;
        p += l->n_param;
        s += l->n_state;
        a += padded((size_t)m->max_batch * l->out_size);
        k += padded(l->scratch_fixed + (size_t)m->max_batch * l->scratch_per_row);
    }
    /* dLoss/d(output) of each layer: a stack alternates two buffers from
     * the output down; a graph gives each layer its own. */
    size_t g = 0;
    for (int i = 0; i < m->n_layers; i++) {
        pipe_nn_layer *l = &m->layers[i];
        if (m->chain)
            m->node_grad[i] = (m->n_layers - 1 - i) % 2 ? m->grad_b : m->grad_a;
        else
            m->node_grad[i] = m->node_grads + g;
        g += padded((size_t)m->max_batch * l->out_size);
        int needs = l->n_param > 0;
        for (int k = 0; k < l->n_in; k++)
            needs |= l->in_idx[k] >= 0 && m->needs_grad[l->in_idx[k]];
        m->needs_grad[i] = (unsigned char)needs;
    }
}

/* Add a run of parameters to the segment list, merging with the last
 * segment when it continues it with the same treatment. */
static void add_segment(pipe_nn_model *m, size_t offset, size_t count, double l2, int decay)
{
    if (count == 0)
        return;
    pipe_nn_segment *last = m->n_segments ? &m->segments[m->n_segments - 1] : NULL;
    if (last && last->offset + last->count == offset && last->l2 == l2 && last->decay == decay) {
        last->count += count;
        return;
    }
    m->segments[m->n_segments++] = (pipe_nn_segment){offset, count, l2, decay};
}

static void build_segments(pipe_nn_model *m)
{
    size_t offset = 0;
    for (int i = 0; i < m->n_layers; i++) {
        const pipe_nn_layer *l = &m->layers[i];
        add_segment(m, offset, l->n_kernel, l->spec.l2, 1);
        add_segment(m, offset + l->n_kernel, l->n_param - l->n_kernel, 0, 0);
        offset += l->n_param;
    }
}

/* BCE after a sigmoid dense output: back-propagate from the logits. */
static int wants_fused_bce(const pipe_nn_model *m)
{
    const pipe_nn_layer *last = &m->layers[m->n_layers - 1];
    return m->loss.kind == PIPE_NN_BCE && last->spec.kind == PIPE_NN_DENSE &&
           last->spec.act == PIPE_NN_SIGMOID;
}

static int allocate(pipe_nn_model *m, size_t acts, size_t scratch, size_t widest)
{
    size_t grad_size = (size_t)m->max_batch * widest;
    m->node_grad = calloc((size_t)m->n_layers, sizeof *m->node_grad);
    m->needs_grad = calloc((size_t)m->n_layers, 1);
    m->written = calloc((size_t)m->n_layers, 1);
    if (!m->chain) {
        m->node_grads = alloc_reals(acts); /* one block per layer, as the activations */
        m->grad_tmp = alloc_reals(grad_size);
        if (!m->node_grads || !m->grad_tmp)
            return -1;
    }
    if (!m->node_grad || !m->needs_grad || !m->written)
        return -1;
    m->params = alloc_reals(m->n_params);
    m->grads = alloc_reals(m->n_params);
    m->state = alloc_reals(m->n_state);
    m->acts = alloc_reals(acts);
    m->scratch = alloc_reals(scratch);
    m->grad_a = alloc_reals(grad_size);
    m->grad_b = alloc_reals(grad_size);
    m->segments = calloc(2 * (size_t)m->n_layers, sizeof *m->segments);
    return m->params && m->grads && m->state && m->acts && m->scratch && m->grad_a && m->grad_b &&
                   m->segments
               ? 0
               : -1;
}

int pipe_nn_model_footprint(const int input_chw[3], const pipe_nn_layer_spec *layers, int n_layers,
                            int max_batch, pipe_nn_footprint *f, char *err, size_t err_size)
{
    memset(f, 0, sizeof *f);
    pipe_nn_model m = {.n_layers = n_layers, .max_batch = max_batch};
    memcpy(m.input_chw, input_chw, sizeof m.input_chw);
    m.n_inputs = input_chw[0] * input_chw[1] * input_chw[2];
    if (!(m.layers = calloc(n_layers > 0 ? (size_t)n_layers : 1, sizeof *m.layers)))
        return nn_fail(err, err_size, "out of memory");
    for (int i = 0; i < n_layers; i++)
        m.layers[i].spec = layers[i];
    size_t acts = 0, scratch = 0, widest = 0;
    int rc = setup_layers(&m, &acts, &scratch, &widest, err, err_size);
    free(m.layers);
    if (rc != 0)
        return -1;
    /* What allocate() takes, in bytes. */
    double real = sizeof(nn_real), grad_size = (double)padded((size_t)max_batch * widest);
    f->n_params = m.n_params;
    f->n_state = m.n_state;
    f->params = 2 * real * (double)padded(m.n_params ? m.n_params : 1); /* and the gradients */
    f->state = real * (double)padded(m.n_state ? m.n_state : 1);
    f->activations = real * ((double)acts + (double)scratch + 2 * grad_size);
    if (!m.chain)
        f->activations += real * ((double)acts + grad_size);
    return 0;
}

pipe_nn_model *pipe_nn_model_new(int n_inputs, const pipe_nn_layer_spec *layers, int n_layers,
                                 const pipe_nn_loss *loss, int max_batch, char *err,
                                 size_t err_size)
{
    const int chw[3] = {n_inputs, 1, 1};
    return pipe_nn_model_new_chw(chw, layers, n_layers, loss, max_batch, err, err_size);
}

pipe_nn_model *pipe_nn_model_new_chw(const int input_chw[3], const pipe_nn_layer_spec *layers,
                                     int n_layers, const pipe_nn_loss *loss, int max_batch,
                                     char *err, size_t err_size)
{
    int n_inputs = input_chw[0] * input_chw[1] * input_chw[2];
    if (input_chw[0] < 1 || input_chw[1] < 1 || input_chw[2] < 1 || n_layers < 1 || max_batch < 1) {
        nn_fail(err, err_size, "a model needs at least 1 input, 1 layer and a batch of 1 row");
        return NULL;
    }
    pipe_nn_model *m = calloc(1, sizeof *m);
    if (!m || !(m->layers = calloc((size_t)n_layers, sizeof *m->layers))) {
        free(m);
        nn_fail(err, err_size, "out of memory");
        return NULL;
    }
    m->n_inputs = n_inputs;
    memcpy(m->input_chw, input_chw, sizeof m->input_chw);
    m->n_layers = n_layers;
    m->max_batch = max_batch;
    m->loss = *loss;
    for (int i = 0; i < n_layers; i++)
        m->layers[i].spec = layers[i];
    size_t acts = 0, scratch = 0, widest = 0;
    if (setup_layers(m, &acts, &scratch, &widest, err, err_size) != 0) {
        pipe_nn_model_free(m);
        return NULL;
    }
    if (allocate(m, acts, scratch, widest) != 0) {
        pipe_nn_model_free(m);
        nn_fail(err, err_size, "out of memory");
        return NULL;
    }
    assign_buffers(m);
    build_segments(m);
    m->fused_bce = wants_fused_bce(m);
    m->fused_cce =
        m->loss.kind == PIPE_NN_CCE && m->layers[n_layers - 1].spec.kind == PIPE_NN_SOFTMAX;
    m->layers[n_layers - 1].dz_given = m->fused_bce || m->fused_cce;
    return m;
}

void pipe_nn_model_free(pipe_nn_model *m)
{
    if (!m)
        return;
    free(m->params);
    free(m->grads);
    free(m->state);
    free(m->acts);
    free(m->scratch);
    free(m->grad_a);
    free(m->grad_b);
    free(m->segments);
    free(m->node_grad);
    free(m->node_grads);
    free(m->grad_tmp);
    free(m->needs_grad);
    free(m->written);
    free(m->layers);
    free(m);
}

void pipe_nn_model_init(pipe_nn_model *m, pipe_rng *rng, pipe_nn_init init)
{
    for (int i = 0; i < m->n_layers; i++)
        if (m->layers[i].ops->init)
            m->layers[i].ops->init(&m->layers[i], rng, init);
}

int pipe_nn_model_inputs(const pipe_nn_model *m)
{
    return m->n_inputs;
}

int pipe_nn_model_outputs(const pipe_nn_model *m)
{
    return m->layers[m->n_layers - 1].out_size;
}

int pipe_nn_model_max_batch(const pipe_nn_model *m)
{
    return m->max_batch;
}

int pipe_nn_model_layer_count(const pipe_nn_model *m)
{
    return m->n_layers;
}

const pipe_nn_layer_spec *pipe_nn_model_layer_spec(const pipe_nn_model *m, int i)
{
    return &m->layers[i].spec;
}

const pipe_nn_loss *pipe_nn_model_loss(const pipe_nn_model *m)
{
    return &m->loss;
}

pipe_nn_real *pipe_nn_model_params(pipe_nn_model *m, size_t *count)
{
    if (count)
        *count = m->n_params;
    return m->params;
}

pipe_nn_real *pipe_nn_model_grads(pipe_nn_model *m, size_t *count)
{
    if (count)
        *count = m->n_params;
    return m->grads;
}

pipe_nn_real *pipe_nn_model_state(pipe_nn_model *m, size_t *count)
{
    if (count)
        *count = m->n_state;
    return m->state;
}

const pipe_nn_segment *pipe_nn_model_segments(const pipe_nn_model *m, int *count)
{
    *count = m->n_segments;
    return m->segments;
}

size_t pipe_nn_model_param_count(const pipe_nn_model *m)
{
    return m->n_params;
}

int64_t pipe_nn_tensor_count(const pipe_nn_tensor_info *info)
{
    int64_t count = 1;
    for (int k = 0; k < info->rank; k++)
        count *= info->shape[k];
    return count;
}

int pipe_nn_model_layer_tensors(const pipe_nn_model *m, int i, pipe_nn_tensor_info *out)
{
    const pipe_nn_layer *l = &m->layers[i];
    int count = l->ops->tensors ? l->ops->tensors(l, out) : 0;
    for (int k = 0; k < count; k++)
        out[k].offset += (size_t)(out[k].is_state ? l->state - m->state : l->param - m->params);
    return count;
}

/* The values layer j gives (j = -1: the model's input). */
static const nn_real *values_of(const pipe_nn_model *m, const nn_real *x, int j)
{
    return j < 0 ? x : m->layers[j].out;
}

const pipe_nn_real *pipe_nn_model_forward(pipe_nn_model *m, const pipe_nn_real *x, int n,
                                          int training, pipe_rng *rng)
{
    for (int i = 0; i < m->n_layers; i++) {
        pipe_nn_layer *l = &m->layers[i];
        for (int k = 0; k < l->n_in; k++)
            l->ins[k] = values_of(m, x, l->in_idx[k]);
        l->ops->forward(l, l->ins[0], n, training, rng);
    }
    return m->layers[m->n_layers - 1].out;
}

/* The loss of the last forward pass, with dLoss/d(output) — or, fused,
 * dLoss/d(logits) — in the last layer's gradient. */
static double output_gradient(pipe_nn_model *m, const nn_real *x, const nn_real *y,
                              const nn_real *w, int n)
{
    const pipe_nn_layer *last = &m->layers[m->n_layers - 1];
    int dim = last->out_size;
    if (!m->fused_bce && !m->fused_cce)
        return pipe_nn_loss_eval(&m->loss, last->out, y, w, n, dim, m->node_grad[m->n_layers - 1]);
    /* BCE is a mean over the outputs, CCE a sum over the classes */
    double scale = 1.0 / ((double)n * (m->fused_cce ? 1 : dim));
    for (int r = 0; r < n; r++) {
        double wr = w ? w[r] : 1;
        for (int j = 0; j < dim; j++) {
            size_t i = (size_t)r * dim + j;
            m->node_grad[m->n_layers - 1][i] = (nn_real)((last->out[i] - y[i]) * wr * scale);
        }
    }
    if (m->fused_cce) /* from the logits: finite however large they are */
        return nn_cce_logits(values_of(m, x, last->in_idx[0]), y, w, n, dim);
    return pipe_nn_loss_eval(&m->loss, last->out, y, w, n, dim, NULL);
}

/* Back-propagate through single-input layer l, whose input is layer j:
 * straight into j's gradient, or through grad_tmp when another consumer
 * of j has written there already. */
static void backward_single(pipe_nn_model *m, pipe_nn_layer *l, const nn_real *x, nn_real *dout,
                            int n)
{
    int j = l->in_idx[0];
    const nn_real *in = values_of(m, x, j);
    if (j < 0 || !m->needs_grad[j]) {
        l->ops->backward(l, in, dout, NULL, n);
        return;
    }
    if (!m->written[j]) {
        l->ops->backward(l, in, dout, m->node_grad[j], n);
        m->written[j] = 1;
        return;
    }
    l->ops->backward(l, in, dout, m->grad_tmp, n);
    nn_real *d = m->node_grad[j];
    size_t count = (size_t)n * m->layers[j].out_size;
    for (size_t i = 0; i < count; i++)
        d[i] += m->grad_tmp[i];
}

/* A merge layer writes (or adds into) each input's gradient itself. */
static void backward_merge(pipe_nn_model *m, pipe_nn_layer *l, const nn_real *x, nn_real *dout,
                           int n)
{
    for (int k = 0; k < l->n_in; k++) {
        int j = l->in_idx[k];
        int wanted = j >= 0 && m->needs_grad[j];
        l->dins[k] = wanted ? m->node_grad[j] : NULL;
        l->din_add[k] = wanted && m->written[j];
        if (wanted)
            m->written[j] = 1;
    }
    l->ops->backward(l, values_of(m, x, l->in_idx[0]), dout, NULL, n);
}

double pipe_nn_model_backward(pipe_nn_model *m, const pipe_nn_real *x, const pipe_nn_real *y,
                              const pipe_nn_real *w, int n)
{
    double loss = output_gradient(m, x, y, w, n);
    memset(m->written, 0, (size_t)m->n_layers);
    m->written[m->n_layers - 1] = 1;
    /* Layers with no parameters at or before them need no gradient; every
     * layer but the last feeds a later one (nn_graph.c), so by the time
     * layer i is reached its gradient is complete. */
    for (int i = m->n_layers - 1; i >= 0; i--) {
        pipe_nn_layer *l = &m->layers[i];
        if (!m->needs_grad[i])
            continue;
        if (pipe_nn_layer_is_merge(l->spec.kind))
            backward_merge(m, l, x, m->node_grad[i], n);
        else
            backward_single(m, l, x, m->node_grad[i], n);
    }
    return loss;
}

double pipe_nn_model_penalty(const pipe_nn_model *m)
{
    double penalty = 0;
    for (int s = 0; s < m->n_segments; s++) {
        const pipe_nn_segment *seg = &m->segments[s];
        if (seg->l2 == 0)
            continue;
        double sum = 0;
        for (size_t i = 0; i < seg->count; i++)
            sum += (double)m->params[seg->offset + i] * m->params[seg->offset + i];
        penalty += seg->l2 * sum;
    }
    return penalty;
}

void pipe_nn_model_predict(pipe_nn_model *m, const pipe_nn_real *x, int64_t n, double *out)
{
    int dim = pipe_nn_model_outputs(m);
    for (int64_t start = 0; start < n; start += m->max_batch) {
        int rows = (int)(n - start < m->max_batch ? n - start : m->max_batch);
        const nn_real *p = pipe_nn_model_forward(m, x + start * m->n_inputs, rows, 0, NULL);
        for (size_t i = 0; i < (size_t)rows * dim; i++)
            out[start * dim + (int64_t)i] = p[i];
    }
}
