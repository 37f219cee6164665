/*
 * nn_onnx.c — a model of the core as an ONNX graph (see nn_onnx.h): each
 * layer in inference mode becomes standard operators, its tensors the
 * graph's initializers, then the ModelProto around the graph is written.
 *
 * Values are tracked with their rank: 2 (batch × features) for dense
 * work, 4 (batch × C × H × W) for image work, converted where a layer
 * needs the other (Flatten; Reshape to [-1, C, H, W]). Both lay each
 * sample out channel after channel, as the core does, so the conversions
 * keep every value in place.
 */
#include "nn_onnx.h"
#include "nn_onnx_build.h"

#include <stdlib.h>
#include <string.h>

#define OPSET 13
#define IR_VERSION 7

/* The layer's tensor called `name` in the model's parameters or state. */
static const nn_real *tensor_of(const pipe_nn_model *m, int i, const char *name)
{
    pipe_nn_tensor_info info[PIPE_NN_MAX_LAYER_TENSORS];
    int n = pipe_nn_model_layer_tensors(m, i, info);
    for (int k = 0; k < n; k++)
        if (strcmp(info[k].name, name) == 0)
            return (info[k].is_state ? m->state : m->params) + info[k].offset;
    return NULL;
}

/* An initializer named "l<i>.<name>" from the layer's tensor; its name
 * into out (NN_ONNX_NAME bytes). A tensor the layer lacks is noted in
 * g->missing. */
static void layer_init(nn_onnx_graph *g, const pipe_nn_model *m, int i, const char *name,
                       const int64_t *dims, int rank, char *out)
{
    const nn_real *data = tensor_of(m, i, name);
    snprintf(out, NN_ONNX_NAME, "l%d.%.20s", i, name);
    if (!data)
        snprintf(g->missing, sizeof g->missing, "layer %d has no tensor '%s'", i, name);
    else
        nn_onnx_init_real(g, out, dims, rank, data);
}

/* One single-input node from value `in` to a fresh value. */
static void unary(nn_onnx_graph *g, const char *op, nn_onnx_value *v, const nn_onnx_attr *attrs,
                  int n_attrs)
{
    char out[NN_ONNX_NAME];
    nn_onnx_fresh(g, out);
    const char *ins[1] = {v->name};
    nn_onnx_node(g, op, ins, 1, out, attrs, n_attrs);
    memcpy(v->name, out, sizeof out);
}

/* v as rank 2 or 4 (same values). */
static void to_rank(nn_onnx_graph *g, nn_onnx_value *v, int rank)
{
    if (v->rank == rank)
        return;
    if (rank == 2) {
        nn_onnx_attr axis = {.name = "axis", .type = NN_ONNX_ATTR_INT, .i = 1};
        unary(g, "Flatten", v, &axis, 1);
        v->chw[0] *= v->chw[1] * v->chw[2];
        v->chw[1] = v->chw[2] = 1;
    } else {
        char shape[NN_ONNX_NAME], out[NN_ONNX_NAME];
        int64_t dims[1] = {4}, values[4] = {-1, v->chw[0], v->chw[1], v->chw[2]};
        nn_onnx_fresh(g, shape);
        nn_onnx_init_int64(g, shape, dims, 1, values);
        nn_onnx_fresh(g, out);
        const char *ins[2] = {v->name, shape};
        nn_onnx_node(g, "Reshape", ins, 2, out, NULL, 0);
        memcpy(v->name, out, sizeof out);
    }
    v->rank = rank;
}

/* The activation applied to v. */
static void activation(nn_onnx_graph *g, pipe_nn_act act, double alpha, nn_onnx_value *v)
{
    static const char *const ops[] = {
        [PIPE_NN_RELU] = "Relu", [PIPE_NN_TANH] = "Tanh", [PIPE_NN_SIGMOID] = "Sigmoid"};
    if (act == PIPE_NN_LINEAR)
        return;
    if (act == PIPE_NN_LEAKY_RELU) {
        nn_onnx_attr a = {.name = "alpha", .type = NN_ONNX_ATTR_FLOAT, .f = (float)alpha};
        unary(g, "LeakyRelu", v, &a, 1);
    } else if (act == PIPE_NN_RELU6) {
        char lo[NN_ONNX_NAME], hi[NN_ONNX_NAME], out[NN_ONNX_NAME];
        double bounds[2] = {0, 6};
        nn_onnx_fresh(g, lo);
        nn_onnx_init_double(g, lo, NULL, 0, &bounds[0]);
        nn_onnx_fresh(g, hi);
        nn_onnx_init_double(g, hi, NULL, 0, &bounds[1]);
        nn_onnx_fresh(g, out);
        const char *ins[3] = {v->name, lo, hi};
        nn_onnx_node(g, "Clip", ins, 3, out, NULL, 0);
        memcpy(v->name, out, sizeof out);
    } else {
        unary(g, ops[act], v, NULL, 0);
    }
}

static void dense(nn_onnx_graph *g, const pipe_nn_model *m, int i, nn_onnx_value *v)
{
    const pipe_nn_layer *l = &m->layers[i];
    char w[NN_ONNX_NAME], b[NN_ONNX_NAME], out[NN_ONNX_NAME];
    to_rank(g, v, 2);
    int64_t kdims[2] = {l->in_size, l->out_size}, bdims[1] = {l->out_size};
    layer_init(g, m, i, "kernel", kdims, 2, w);
    layer_init(g, m, i, "bias", bdims, 1, b);
    nn_onnx_fresh(g, out);
    const char *ins[3] = {v->name, w, b};
    nn_onnx_node(g, "Gemm", ins, 3, out, NULL, 0);
    memcpy(v->name, out, sizeof out);
    activation(g, l->spec.act, l->spec.alpha, v);
}

/* BatchNormalization over the channels (the features, at rank 2), from
 * the tensors "<prefix>gamma" ... of layer i. */
static void batchnorm(nn_onnx_graph *g, const pipe_nn_model *m, int i, const char *prefix,
                      double eps, int channels, nn_onnx_value *v)
{
    static const char *const names[4] = {"gamma", "beta", "moving_mean", "moving_variance"};
    char inits[4][NN_ONNX_NAME], name[NN_ONNX_NAME], out[NN_ONNX_NAME];
    int64_t dims[1] = {channels};
    for (int k = 0; k < 4; k++) {
        snprintf(name, sizeof name, "%s%s", prefix, names[k]);
        layer_init(g, m, i, name, dims, 1, inits[k]);
    }
    nn_onnx_attr a = {.name = "epsilon", .type = NN_ONNX_ATTR_FLOAT, .f = (float)eps};
    nn_onnx_fresh(g, out);
    const char *ins[5] = {v->name, inits[0], inits[1], inits[2], inits[3]};
    nn_onnx_node(g, "BatchNormalization", ins, 5, out, &a, 1);
    memcpy(v->name, out, sizeof out);
}

/* The geometry of one convolution or pooling window. */
typedef struct window {
    int64_t kernel[2], stride[2], pads[4];
} window;

static window window_of(const int kernel[2], const int stride[2], const int pad[2])
{
    return (window){
        {kernel[0], kernel[1]}, {stride[0], stride[1]}, {pad[0], pad[1], pad[0], pad[1]}};
}

/* Conv of v with the tensors "<prefix>kernel", "<prefix>bias" of layer i:
 * in_c → out_c channels in `groups` groups; v gets out_chw. */
static void conv(nn_onnx_graph *g, const pipe_nn_model *m, int i, const char *prefix,
                 const window *w, int groups, int out_c, const int out_chw[3], nn_onnx_value *v)
{
    char kernel[NN_ONNX_NAME], bias[NN_ONNX_NAME], name[NN_ONNX_NAME], out[NN_ONNX_NAME];
    int64_t kdims[4] = {out_c, v->chw[0] / groups, w->kernel[0], w->kernel[1]}, bdims[1] = {out_c};
    snprintf(name, sizeof name, "%skernel", prefix);
    layer_init(g, m, i, name, kdims, 4, kernel);
    snprintf(name, sizeof name, "%sbias", prefix);
    layer_init(g, m, i, name, bdims, 1, bias);
    nn_onnx_attr a[4] = {
        {.name = "kernel_shape", .type = NN_ONNX_ATTR_INTS, .ints = w->kernel, .n_ints = 2},
        {.name = "strides", .type = NN_ONNX_ATTR_INTS, .ints = w->stride, .n_ints = 2},
        {.name = "pads", .type = NN_ONNX_ATTR_INTS, .ints = w->pads, .n_ints = 4},
        {.name = "group", .type = NN_ONNX_ATTR_INT, .i = groups}};
    nn_onnx_fresh(g, out);
    const char *ins[3] = {v->name, kernel, bias};
    nn_onnx_node(g, "Conv", ins, 3, out, a, 4);
    memcpy(v->name, out, sizeof out);
    memcpy(v->chw, out_chw, sizeof v->chw);
}

static void conv2d(nn_onnx_graph *g, const pipe_nn_model *m, int i, nn_onnx_value *v)
{
    const pipe_nn_layer *l = &m->layers[i];
    const pipe_nn_layer_spec *s = &l->spec;
    int groups = s->depthwise ? l->in_chw[0] : s->groups > 1 ? s->groups : 1;
    window w = window_of(s->kernel, s->stride, s->pad);
    to_rank(g, v, 4);
    conv(g, m, i, "", &w, groups, l->out_chw[0], l->out_chw, v);
    activation(g, s->act, s->alpha, v);
}

static void pool(nn_onnx_graph *g, const pipe_nn_layer *l, nn_onnx_value *v)
{
    const pipe_nn_layer_spec *s = &l->spec;
    window w = window_of(s->kernel, s->stride, s->pad);
    nn_onnx_attr a[4] = {
        {.name = "kernel_shape", .type = NN_ONNX_ATTR_INTS, .ints = w.kernel, .n_ints = 2},
        {.name = "strides", .type = NN_ONNX_ATTR_INTS, .ints = w.stride, .n_ints = 2},
        {.name = "pads", .type = NN_ONNX_ATTR_INTS, .ints = w.pads, .n_ints = 4},
        {.name = "count_include_pad", .type = NN_ONNX_ATTR_INT, .i = 1}};
    int max = s->kind == PIPE_NN_MAXPOOL;
    to_rank(g, v, 4);
    unary(g, max ? "MaxPool" : "AveragePool", v, a, max ? 3 : 4);
}

/* The ResNet basic block of nn_residual.c. */
static void residual(nn_onnx_graph *g, const pipe_nn_model *m, int i, nn_onnx_value *v)
{
    const pipe_nn_layer *l = &m->layers[i];
    const pipe_nn_layer_spec *s = &l->spec;
    int same[2] = {s->kernel[0] / 2, s->kernel[1] / 2}, one[2] = {1, 1}, zero[2] = {0, 0};
    window w1 = window_of(s->kernel, s->stride, same), w2 = window_of(s->kernel, one, same);
    window ws = window_of(one, s->stride, zero);
    int oc = l->out_chw[0];
    to_rank(g, v, 4);
    nn_onnx_value x = *v;
    conv(g, m, i, "conv1.", &w1, 1, oc, l->out_chw, v);
    if (s->norm)
        batchnorm(g, m, i, "bn1.", s->eps, oc, v);
    activation(g, s->act, s->alpha, v);
    conv(g, m, i, "conv2.", &w2, 1, oc, l->out_chw, v);
    if (s->norm)
        batchnorm(g, m, i, "bn2.", s->eps, oc, v);
    if (tensor_of(m, i, "shortcut.kernel"))
        conv(g, m, i, "shortcut.", &ws, 1, oc, l->out_chw, &x);
    char out[NN_ONNX_NAME];
    nn_onnx_fresh(g, out);
    const char *ins[2] = {v->name, x.name};
    nn_onnx_node(g, "Add", ins, 2, out, NULL, 0);
    memcpy(v->name, out, sizeof out);
    activation(g, s->act, s->alpha, v);
}

static void shortcut(nn_onnx_graph *g, const pipe_nn_model *m, int i, nn_onnx_value *v)
{
    const pipe_nn_layer *l = &m->layers[i];
    if (l->n_param == 0)
        return;
    int one[2] = {1, 1}, zero[2] = {0, 0};
    window w = window_of(one, l->spec.stride, zero);
    to_rank(g, v, 4);
    conv(g, m, i, "", &w, 1, l->out_chw[0], l->out_chw, v);
}

/* Softmax over each sample's values, whatever the rank. */
static void softmax(nn_onnx_graph *g, nn_onnx_value *v)
{
    int rank = v->rank;
    nn_onnx_value flat = *v;
    to_rank(g, &flat, 2);
    nn_onnx_attr axis = {.name = "axis", .type = NN_ONNX_ATTR_INT, .i = 1};
    unary(g, "Softmax", &flat, &axis, 1);
    memcpy(v->name, flat.name, sizeof v->name);
    v->rank = 2;
    to_rank(g, v, rank);
}

/* add and concat: ins are the inputs' values, of the first one's rank. */
static void merge(nn_onnx_graph *g, const pipe_nn_layer *l, nn_onnx_value *ins, nn_onnx_value *v)
{
    const char *names[PIPE_NN_MAX_FROM];
    int same = 1;
    for (int k = 0; k < l->n_in; k++) {
        to_rank(g, &ins[k], ins[0].rank);
        names[k] = ins[k].name;
        same = same && memcmp(l->ins_chw[k], l->ins_chw[0], sizeof l->ins_chw[0]) == 0;
    }
    *v = ins[l->n_in - 1];
    if (l->spec.kind == PIPE_NN_ADD && l->spec.optional && !same)
        return; /* the last input passes through */
    nn_onnx_attr axis = {.name = "axis", .type = NN_ONNX_ATTR_INT, .i = 1};
    int concat = l->spec.kind == PIPE_NN_CONCAT;
    nn_onnx_fresh(g, v->name);
    nn_onnx_node(g, concat ? "Concat" : "Sum", names, l->n_in, v->name, &axis, concat);
}

/* Layer i from its inputs' values (vals[j + 1] is layer j's, vals[0] the
 * input's) into vals[i + 1]. */
static void layer(nn_onnx_graph *g, const pipe_nn_model *m, int i, nn_onnx_value *vals)
{
    const pipe_nn_layer *l = &m->layers[i];
    nn_onnx_value v = vals[l->in_idx[0] + 1], ins[PIPE_NN_MAX_FROM];
    switch (l->spec.kind) {
    case PIPE_NN_DENSE:
        dense(g, m, i, &v);
        break;
    case PIPE_NN_ACTIVATION:
        activation(g, l->spec.act, l->spec.alpha, &v);
        break;
    case PIPE_NN_DROPOUT:
        break;
    case PIPE_NN_BATCHNORM:
        batchnorm(g, m, i, "", l->spec.eps, l->in_chw[0], &v);
        break;
    case PIPE_NN_CONV2D:
        conv2d(g, m, i, &v);
        break;
    case PIPE_NN_MAXPOOL:
    case PIPE_NN_AVGPOOL:
        pool(g, l, &v);
        break;
    case PIPE_NN_GLOBAL_AVGPOOL:
    case PIPE_NN_GLOBAL_MAXPOOL:
        to_rank(g, &v, 4);
        unary(g, l->spec.kind == PIPE_NN_GLOBAL_MAXPOOL ? "GlobalMaxPool" : "GlobalAveragePool", &v,
              NULL, 0);
        break;
    case PIPE_NN_FLATTEN:
        to_rank(g, &v, 2);
        break;
    case PIPE_NN_RESIDUAL:
        residual(g, m, i, &v);
        break;
    case PIPE_NN_ADD:
    case PIPE_NN_CONCAT:
        for (int k = 0; k < l->n_in; k++)
            ins[k] = vals[l->in_idx[k] + 1];
        merge(g, l, ins, &v);
        break;
    case PIPE_NN_SOFTMAX:
        softmax(g, &v);
        break;
    case PIPE_NN_SHORTCUT:
        shortcut(g, m, i, &v);
        break;
    }
    memcpy(v.chw, l->out_chw, sizeof v.chw);
    vals[i + 1] = v;
}

/* The model's input, scaled first when the options give a scaling. */
static nn_onnx_value input_value(nn_onnx_graph *g, const pipe_nn_model *m,
                                 const pipe_nn_onnx_options *o)
{
    nn_onnx_value v = {.name = "x", .rank = o->images ? 4 : 2};
    memcpy(v.chw, m->input_chw, sizeof v.chw);
    if (!o->offset || o->images)
        return v;
    static const char *const ops[2] = {"Sub", "Div"};
    const double *values[2] = {o->offset, o->divisor};
    int64_t dims[1] = {m->n_inputs};
    for (int k = 0; k < 2; k++) {
        char c[NN_ONNX_NAME], out[NN_ONNX_NAME];
        snprintf(c, sizeof c, "scaler.%s", k ? "divisor" : "offset");
        nn_onnx_init_double(g, c, dims, 1, values[k]);
        nn_onnx_fresh(g, out);
        const char *ins[2] = {v.name, c};
        nn_onnx_node(g, ops[k], ins, 2, out, NULL, 0);
        memcpy(v.name, out, sizeof out);
    }
    return v;
}

/* The graph's nodes, from input "x" to the outputs; then the GraphProto
 * (nodes, name, initializers, inputs, outputs) into graph. 0, or -1 with
 * err (a layer tensor missing; running out of memory sets graph->failed). */
static int graph_of(const pipe_nn_model *m, const pipe_nn_onnx_options *o, nn_pb *graph, char *err,
                    size_t err_size)
{
    nn_onnx_graph g = {0};
    nn_onnx_value *vals = calloc((size_t)m->n_layers + 1, sizeof *vals);
    if (!vals) {
        graph->failed = 1;
        return 0;
    }
    vals[0] = input_value(&g, m, o);
    for (int i = 0; i < m->n_layers; i++)
        layer(&g, m, i, vals);
    nn_onnx_value last = vals[m->n_layers];
    free(vals);
    to_rank(&g, &last, 2);
    const char *out = o->output ? o->output : "y", *ins[1] = {last.name};
    nn_onnx_node(&g, "Identity", ins, 1, out, NULL, 0);
    if (o->argmax) {
        nn_onnx_attr a[2] = {{.name = "axis", .type = NN_ONNX_ATTR_INT, .i = 1},
                             {.name = "keepdims", .type = NN_ONNX_ATTR_INT, .i = 0}};
        nn_onnx_node(&g, "ArgMax", ins, 1, o->argmax, a, 2);
    }
    int64_t in_dims[4] = {-1, m->input_chw[0], m->input_chw[1], m->input_chw[2]};
    int64_t out_dims[2] = {-1, pipe_nn_model_outputs(m)};
    nn_pb_append(graph, &g.nodes);
    nn_pb_string(graph, 2, "pipe");
    nn_pb_append(graph, &g.inits);
    nn_onnx_value_info(graph, 11, "x", NN_ONNX_FLOAT, in_dims, o->images ? 4 : 2);
    nn_onnx_value_info(graph, 12, out, NN_ONNX_FLOAT, out_dims, 2);
    if (o->argmax)
        nn_onnx_value_info(graph, 12, o->argmax, NN_ONNX_INT64, out_dims, 1);
    return g.missing[0] ? nn_fail(err, err_size, "%s", g.missing) : 0;
}

int pipe_nn_onnx_write(const pipe_nn_model *m, FILE *f, const pipe_nn_onnx_options *o, char *err,
                       size_t err_size)
{
    nn_pb model = {0}, graph = {0}, opset = {0};
    nn_pb_int(&model, 1, IR_VERSION);
    nn_pb_string(&model, 2, "pipe");
    nn_pb_string(&model, 3, o->producer_version ? o->producer_version : "");
    int rc = graph_of(m, o, &graph, err, err_size);
    nn_pb_message(&model, 7, &graph);
    nn_pb_string(&opset, 1, "");
    nn_pb_int(&opset, 2, OPSET);
    nn_pb_message(&model, 8, &opset);
    for (size_t k = 0; k < o->n_meta; k++) {
        nn_pb entry = {0};
        nn_pb_string(&entry, 1, o->meta[k].key);
        nn_pb_string(&entry, 2, o->meta[k].value);
        nn_pb_message(&model, 14, &entry);
    }
    if (rc == 0 && model.failed)
        rc = nn_fail(err, err_size, "out of memory");
    if (rc == 0 && fwrite(model.data, 1, model.len, f) != model.len)
        rc = nn_fail(err, err_size, "write error");
    nn_pb_free(&model);
    return rc;
}
