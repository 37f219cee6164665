/*
 * nn_vec.c — the reductions the layers share (sums over planes, dot
 * products of a plane with a shifted plane), written with NN_LANES
 * partial sums so that they vectorise without -ffast-math. The order of
 * the additions is fixed (not the compiler's choice), so results do not
 * depend on the instruction set the loader picks.
 */
#include "nn_internal.h"

NN_HOT nn_real nn_sum(const nn_real *v, size_t count)
{
    nn_real part[NN_LANES] = {0}, sum = 0;
    size_t i = 0;
    for (; i + NN_LANES <= count; i += NN_LANES)
        for (int k = 0; k < NN_LANES; k++)
            part[k] += v[i + k];
    for (; i < count; i++)
        sum += v[i];
    for (int k = 0; k < NN_LANES; k++)
        sum += part[k];
    return sum;
}

NN_HOT nn_real nn_dot(const nn_real *a, const nn_real *b, size_t count, size_t stride)
{
    nn_real part[NN_LANES] = {0}, sum = 0;
    size_t i = 0;
    if (stride == 1) /* the common case, kept apart so that it vectorises plainly */
        for (; i + NN_LANES <= count; i += NN_LANES)
            for (int k = 0; k < NN_LANES; k++)
                part[k] += a[i + k] * b[i + k];
    else
        for (; i + NN_LANES <= count; i += NN_LANES)
            for (int k = 0; k < NN_LANES; k++)
                part[k] += a[i + k] * b[(i + k) * stride];
    for (; i < count; i++)
        sum += a[i] * b[i * stride];
    for (int k = 0; k < NN_LANES; k++)
        sum += part[k];
    return sum;
}
