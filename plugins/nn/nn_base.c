/*
 * nn_base.c — what every file of the neural-network core uses and that
 * uses nothing of the core: the error helper (nn_fail), lookups in name
 * tables, and the names of the layer kinds. The bottom of the core's
 * dependencies, so that the layer files and the model do not depend on
 * each other both ways.
 */
#include "nn_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int nn_fail(char *err, size_t err_size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && err_size)
        vsnprintf(err, err_size, fmt, ap);
    va_end(ap);
    return -1;
}

const char *nn_name_of(const char *const *names, size_t n, unsigned i)
{
    return i < n ? names[i] : "?";
}

int nn_name_find(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, names[i]) == 0)
            return (int)i;
    return -1;
}

static const char *const kind_names[] = {
    "dense",   "activation", "dropout",        "batchnorm", "conv2d",
    "maxpool", "avgpool",    "global_avgpool", "flatten",   "residual",
    "add",     "concat",     "global_maxpool", "softmax",   "shortcut"};

const char *pipe_nn_layer_kind_name(pipe_nn_layer_kind kind)
{
    return nn_name_of(kind_names, PIPE_COUNT(kind_names), (unsigned)kind);
}
