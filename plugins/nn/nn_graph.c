/*
 * nn_graph.c — a network as a small graph of layers: each layer names
 * the layers it takes (spec.from, by index; by default the previous one),
 * and this file resolves those names, checks them (only earlier layers,
 * the right number of inputs for the kind, no layer whose output nothing
 * takes) and sets every layer up for its inputs' shapes. The model
 * (nn_model.c) and the shape pass (pipe_nn_layer_shapes) both call it,
 * so what the shape pass accepts is exactly what builds.
 */
#include "nn_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pipe_nn_layer_is_merge(pipe_nn_layer_kind kind)
{
    return kind == PIPE_NN_ADD || kind == PIPE_NN_CONCAT;
}

/* "32x8x8", or "64" for a vector. */
static void shape_text(const int chw[3], char *buf, size_t size)
{
    if (chw[1] == 1 && chw[2] == 1)
        snprintf(buf, size, "%d", chw[0]);
    else
        snprintf(buf, size, "%dx%dx%d", chw[0], chw[1], chw[2]);
}

/* Layer i's inputs from its spec into l->n_in and l->in_idx. */
static int resolve_inputs(pipe_nn_layer *l, int i, char *err, size_t err_size)
{
    const pipe_nn_layer_spec *s = &l->spec;
    int merge = pipe_nn_layer_is_merge(s->kind);
    if (s->n_from < 0 || s->n_from > PIPE_NN_MAX_FROM)
        return nn_fail(err, err_size, "takes %d inputs; a layer takes at most %d", s->n_from,
                       PIPE_NN_MAX_FROM);
    if (s->n_from == 0 && merge)
        return nn_fail(err, err_size, "needs the layers it merges (from: two or more)");
    if (s->n_from == 0) {
        l->n_in = 1;
        l->in_idx[0] = i - 1;
        return 0;
    }
    if (merge && s->n_from < 2)
        return nn_fail(err, err_size, "merges two or more layers, found %d", s->n_from);
    if (!merge && s->n_from != 1)
        return nn_fail(err, err_size, "takes one input, found %d", s->n_from);
    for (int k = 0; k < s->n_from; k++)
        if (s->from[k] < -1 || s->from[k] >= i)
            return nn_fail(err, err_size,
                           "takes layer %d, which does not come before it (layers count from "
                           "1, 0 is the input)",
                           s->from[k] + 1);
    l->n_in = s->n_from;
    memcpy(l->in_idx, s->from, (size_t)s->n_from * sizeof *s->from);
    return 0;
}

int nn_graph_setup(pipe_nn_layer *layers, int n_layers, const int input_chw[3], int *failed,
                   char *err, size_t err_size)
{
    int *consumers = calloc((size_t)n_layers, sizeof *consumers);
    if (!consumers)
        return nn_fail(err, err_size, "out of memory");
    int rc = 0;
    for (int i = 0; i < n_layers && rc == 0; i++) {
        pipe_nn_layer *l = &layers[i];
        char why[200];
        *failed = i;
        l->ops = nn_layer_ops_of(l->spec.kind);
        if (!l->ops) {
            rc = nn_fail(err, err_size, "unknown layer kind %d", (int)l->spec.kind);
            break;
        }
        if (resolve_inputs(l, i, why, sizeof why) != 0) {
            rc = nn_fail(err, err_size, "%s", why);
            break;
        }
        for (int k = 0; k < l->n_in; k++) {
            int j = l->in_idx[k];
            memcpy(l->ins_chw[k], j < 0 ? input_chw : layers[j].out_chw, sizeof l->ins_chw[k]);
            if (j >= 0)
                consumers[j]++;
        }
        memcpy(l->in_chw, l->ins_chw[0], sizeof l->in_chw);
        l->in_size = l->in_chw[0] * l->in_chw[1] * l->in_chw[2];
        rc = l->ops->setup(l, err, err_size);
    }
    for (int i = 0; i + 1 < n_layers && rc == 0; i++)
        if (consumers[i] == 0) {
            char shape[48];
            shape_text(layers[i].out_chw, shape, sizeof shape);
            *failed = i;
            rc = nn_fail(err, err_size,
                         "its output (%s) goes nowhere: no later layer takes it, and only the "
                         "last layer is the network's output",
                         shape);
        }
    free(consumers);
    if (rc == 0)
        *failed = -1;
    return rc;
}

int pipe_nn_layer_shapes(const int input_chw[3], const pipe_nn_layer_spec *layers, int n_layers,
                         int (*out_chw)[3], int *failed, char *err, size_t err_size)
{
    pipe_nn_layer *l = calloc(n_layers > 0 ? (size_t)n_layers : 1, sizeof *l);
    if (!l) {
        *failed = 0;
        return nn_fail(err, err_size, "out of memory");
    }
    for (int i = 0; i < n_layers; i++)
        l[i].spec = layers[i];
    int rc = nn_graph_setup(l, n_layers, input_chw, failed, err, err_size);
    /* the shapes of the layers that fit (all of them, or those before *failed) */
    int fit = rc == 0 ? n_layers : *failed;
    for (int i = 0; out_chw && i < fit; i++)
        memcpy(out_chw[i], l[i].out_chw, sizeof out_chw[i]);
    free(l);
    return rc;
}
