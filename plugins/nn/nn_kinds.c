/*
 * nn_kinds.c — from a layer kind to its implementation: the table of
 * every kind's operations (one entry per kind, pointing into the kind's
 * own file) and the default specification of a kind. The graph and the
 * model reach the layers through here; the layer files do not reach back.
 */
#include "nn_internal.h"

const pipe_nn_layer_ops *nn_layer_ops_of(pipe_nn_layer_kind kind)
{
    switch (kind) {
    case PIPE_NN_DENSE:
        return &nn_dense_ops;
    case PIPE_NN_ACTIVATION:
        return &nn_activation_ops;
    case PIPE_NN_DROPOUT:
        return &nn_dropout_ops;
    case PIPE_NN_BATCHNORM:
        return &nn_batchnorm_ops;
    case PIPE_NN_CONV2D:
        return &nn_conv2d_ops;
    case PIPE_NN_MAXPOOL:
    case PIPE_NN_AVGPOOL:
        return &nn_pool_ops;
    case PIPE_NN_GLOBAL_AVGPOOL:
        return &nn_global_avgpool_ops;
    case PIPE_NN_FLATTEN:
        return &nn_flatten_ops;
    case PIPE_NN_RESIDUAL:
        return &nn_residual_ops;
    case PIPE_NN_ADD:
        return &nn_add_ops;
    case PIPE_NN_CONCAT:
        return &nn_concat_ops;
    case PIPE_NN_GLOBAL_MAXPOOL:
        return &nn_global_maxpool_ops;
    case PIPE_NN_SOFTMAX:
        return &nn_softmax_ops;
    case PIPE_NN_SHORTCUT:
        return &nn_shortcut_ops;
    }
    return NULL;
}

pipe_nn_layer_spec pipe_nn_layer_spec_default(pipe_nn_layer_kind kind)
{
    pipe_nn_layer_spec s = {
        .kind = kind, .act = PIPE_NN_LINEAR, .alpha = 0.01, .momentum = 0.99, .eps = 1e-3};
    nn_spatial_spec_default(&s);
    return s;
}
