/*
 * nn_onnx_build.c — encoding the pieces of an ONNX graph (see
 * nn_onnx_build.h): TensorProto initializers with little-endian raw data,
 * NodeProto with AttributeProto, ValueInfoProto with a TypeProto.
 */
#include "nn_onnx_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GraphProto, NodeProto, AttributeProto, TensorProto fields. */
enum { GRAPH_NODE = 1, GRAPH_INITIALIZER = 5 };
enum { NODE_INPUT = 1, NODE_OUTPUT = 2, NODE_NAME = 3, NODE_OP_TYPE = 4, NODE_ATTRIBUTE = 5 };
enum { ATTR_NAME = 1, ATTR_F = 2, ATTR_I = 3, ATTR_INTS = 8, ATTR_TYPE = 20 };
enum { ATTR_TYPE_FLOAT = 1, ATTR_TYPE_INT = 2, ATTR_TYPE_INTS = 7 };
enum { TENSOR_DIMS = 1, TENSOR_DATA_TYPE = 2, TENSOR_NAME = 8, TENSOR_RAW_DATA = 9 };

void nn_onnx_fresh(nn_onnx_graph *g, char *name)
{
    snprintf(name, NN_ONNX_NAME, "t%d", g->n_fresh++);
}

static size_t dims_count(const int64_t *dims, int rank)
{
    size_t count = 1;
    for (int i = 0; i < rank; i++)
        count *= (size_t)dims[i];
    return count;
}

/* The TensorProto with raw little-endian bytes (`size` per element,
 * `count` elements, already little-endian in `raw`). */
static void init_raw(nn_onnx_graph *g, const char *name, int type, const int64_t *dims, int rank,
                     const unsigned char *raw, size_t bytes)
{
    nn_pb t = {0};
    nn_pb_ints(&t, TENSOR_DIMS, dims, (size_t)rank);
    nn_pb_int(&t, TENSOR_DATA_TYPE, type);
    nn_pb_string(&t, TENSOR_NAME, name);
    nn_pb_bytes(&t, TENSOR_RAW_DATA, raw, bytes);
    nn_pb_message(&g->inits, GRAPH_INITIALIZER, &t);
}

/* Little-endian bytes of v into out[0..size). */
static void little_endian(uint64_t v, unsigned char *out, size_t size)
{
    for (size_t k = 0; k < size; k++)
        out[k] = (unsigned char)(v >> (8 * k));
}

/* Floats from reals or doubles (exactly one of the two given). */
static void init_floats(nn_onnx_graph *g, const char *name, const int64_t *dims, int rank,
                        const nn_real *r, const double *d)
{
    size_t count = dims_count(dims, rank);
    unsigned char *raw = malloc(4 * count + 1);
    if (!raw) {
        g->inits.failed = 1;
        return;
    }
    for (size_t i = 0; i < count; i++) {
        float f = r ? (float)r[i] : (float)d[i];
        uint32_t bits;
        memcpy(&bits, &f, sizeof bits);
        little_endian(bits, raw + 4 * i, 4);
    }
    init_raw(g, name, NN_ONNX_FLOAT, dims, rank, raw, 4 * count);
    free(raw);
}

void nn_onnx_init_real(nn_onnx_graph *g, const char *name, const int64_t *dims, int rank,
                       const nn_real *data)
{
    init_floats(g, name, dims, rank, data, NULL);
}

void nn_onnx_init_double(nn_onnx_graph *g, const char *name, const int64_t *dims, int rank,
                         const double *data)
{
    init_floats(g, name, dims, rank, NULL, data);
}

void nn_onnx_init_int64(nn_onnx_graph *g, const char *name, const int64_t *dims, int rank,
                        const int64_t *data)
{
    size_t count = dims_count(dims, rank);
    unsigned char *raw = malloc(8 * count + 1);
    if (!raw) {
        g->inits.failed = 1;
        return;
    }
    for (size_t i = 0; i < count; i++)
        little_endian((uint64_t)data[i], raw + 8 * i, 8);
    init_raw(g, name, NN_ONNX_INT64, dims, rank, raw, 8 * count);
    free(raw);
}

static void attribute(nn_pb *node, const nn_onnx_attr *a)
{
    nn_pb p = {0};
    nn_pb_string(&p, ATTR_NAME, a->name);
    if (a->type == NN_ONNX_ATTR_INT) {
        nn_pb_int(&p, ATTR_I, a->i);
        nn_pb_int(&p, ATTR_TYPE, ATTR_TYPE_INT);
    } else if (a->type == NN_ONNX_ATTR_FLOAT) {
        nn_pb_float(&p, ATTR_F, a->f);
        nn_pb_int(&p, ATTR_TYPE, ATTR_TYPE_FLOAT);
    } else {
        nn_pb_ints(&p, ATTR_INTS, a->ints, a->n_ints);
        nn_pb_int(&p, ATTR_TYPE, ATTR_TYPE_INTS);
    }
    nn_pb_message(node, NODE_ATTRIBUTE, &p);
}

void nn_onnx_node(nn_onnx_graph *g, const char *op, const char *const *ins, int n_in,
                  const char *out, const nn_onnx_attr *attrs, int n_attrs)
{
    nn_pb node = {0};
    for (int k = 0; k < n_in; k++)
        nn_pb_string(&node, NODE_INPUT, ins[k]);
    nn_pb_string(&node, NODE_OUTPUT, out);
    nn_pb_string(&node, NODE_NAME, out);
    nn_pb_string(&node, NODE_OP_TYPE, op);
    for (int k = 0; k < n_attrs; k++)
        attribute(&node, &attrs[k]);
    nn_pb_message(&g->nodes, GRAPH_NODE, &node);
}

/* ValueInfoProto: name 1, type 2; TypeProto: tensor_type 1; its Tensor:
 * elem_type 1, shape 2; TensorShapeProto: dim 1; a Dimension: dim_value 1,
 * dim_param 2. */
void nn_onnx_value_info(nn_pb *graph, int field, const char *name, int elem_type,
                        const int64_t *dims, int rank)
{
    nn_pb shape = {0}, tensor = {0}, type = {0}, info = {0};
    for (int i = 0; i < rank; i++) {
        nn_pb dim = {0};
        if (dims[i] < 0)
            nn_pb_string(&dim, 2, "batch");
        else
            nn_pb_int(&dim, 1, dims[i]);
        nn_pb_message(&shape, 1, &dim);
    }
    nn_pb_int(&tensor, 1, elem_type);
    nn_pb_message(&tensor, 2, &shape);
    nn_pb_message(&type, 1, &tensor);
    nn_pb_string(&info, 1, name);
    nn_pb_message(&info, 2, &type);
    nn_pb_message(graph, field, &info);
}
