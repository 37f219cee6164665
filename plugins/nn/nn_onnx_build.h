/*
 * nn_onnx_build.h — the pieces an ONNX graph is made of, encoded as they
 * are added (nn_onnx_build.c): initializers (named constant tensors),
 * nodes with their attributes, the graph's input and output descriptions.
 * nn_onnx.c turns a model's layers into these.
 *
 * Field numbers are those of onnx.proto (ONNX IR version 7, opset 13).
 */
#ifndef PIPE_NN_ONNX_BUILD_H
#define PIPE_NN_ONNX_BUILD_H

#include "nn_internal.h"
#include "nn_pb.h"

/* TensorProto data types used. */
enum { NN_ONNX_FLOAT = 1, NN_ONNX_INT64 = 7 };

/* A graph being built: its nodes and initializers, each already encoded
 * as GraphProto fields, and a counter for fresh value names. */
/* The size of a value name. */
#define NN_ONNX_NAME 48

typedef struct nn_onnx_graph {
    nn_pb nodes, inits;
    int n_fresh;
    char missing[96]; /* a layer tensor that was not found ("" when none) */
} nn_onnx_graph;

/* A value of the graph: its name, and its shape per sample (rank 2:
 * batch × features, chw[0] of them; rank 4: batch × C × H × W). */
typedef struct nn_onnx_value {
    char name[NN_ONNX_NAME];
    int rank;
    int chw[3];
} nn_onnx_value;

/* A node attribute: an int, a float, or a list of ints. */
typedef struct nn_onnx_attr {
    const char *name;
    enum { NN_ONNX_ATTR_INT, NN_ONNX_ATTR_FLOAT, NN_ONNX_ATTR_INTS } type;
    int64_t i;
    float f;
    const int64_t *ints;
    size_t n_ints;
} nn_onnx_attr;

/* A new value name ("t<k>") into name (NN_ONNX_NAME bytes). */
void nn_onnx_fresh(nn_onnx_graph *g, char *name);

/* A float initializer of the given dims from `count` reals (or doubles). */
void nn_onnx_init_real(nn_onnx_graph *g, const char *name, const int64_t *dims, int rank,
                       const nn_real *data);
void nn_onnx_init_double(nn_onnx_graph *g, const char *name, const int64_t *dims, int rank,
                         const double *data);
/* An int64 initializer. */
void nn_onnx_init_int64(nn_onnx_graph *g, const char *name, const int64_t *dims, int rank,
                        const int64_t *data);

/* A node `op` from inputs ins[0..n_in) to `out`. */
void nn_onnx_node(nn_onnx_graph *g, const char *op, const char *const *ins, int n_in,
                  const char *out, const nn_onnx_attr *attrs, int n_attrs);

/* The ValueInfoProto of a graph input or output as field `field` of
 * `graph`: a tensor of elem_type with dims, a dim of -1 being the dynamic
 * batch axis "batch". */
void nn_onnx_value_info(nn_pb *graph, int field, const char *name, int elem_type,
                        const int64_t *dims, int rank);

#endif
