/*
 * nn_comm.c — data-parallel training helpers over the callbacks of a
 * pipe_nn_comm (filled by the stage adapter from the SDK): the core itself
 * never sees MPI, and with no comm (or one process) nothing here is used.
 */
#include "nn_comm.h"

#include <stdlib.h>

int nn_comm_active(const pipe_nn_comm *c)
{
    return c && c->size > 1;
}

void nn_comm_block(const pipe_nn_comm *c, int64_t n, int64_t *lo, int64_t *hi)
{
    *lo = n * c->rank / c->size;
    *hi = n * (c->rank + 1) / c->size;
}

double *nn_comm_buffer(pipe_nn_model *m, int extra)
{
    size_t n_p, n_s;
    pipe_nn_model_params(m, &n_p);
    pipe_nn_model_state(m, &n_s);
    return malloc(((n_p > n_s ? n_p : n_s) + (size_t)extra) * sizeof(double));
}

void nn_comm_sum_grads(const pipe_nn_comm *c, pipe_nn_model *m, double *buf, double scale,
                       double *extra, int n_extra)
{
    size_t n;
    nn_real *g = pipe_nn_model_grads(m, &n);
    for (size_t i = 0; i < n; i++)
        buf[i] = (double)g[i] * scale;
    for (int k = 0; k < n_extra; k++)
        buf[n + (size_t)k] = extra[k];
    c->sum(c->user, buf, n + (size_t)n_extra);
    for (size_t i = 0; i < n; i++)
        g[i] = (nn_real)buf[i];
    for (int k = 0; k < n_extra; k++)
        extra[k] = buf[n + (size_t)k];
}

void nn_comm_sum(const pipe_nn_comm *c, double *values, size_t n)
{
    c->sum(c->user, values, n);
}

void nn_comm_average_state(const pipe_nn_comm *c, pipe_nn_model *m, double *buf)
{
    size_t n;
    nn_real *s = pipe_nn_model_state(m, &n);
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++)
        buf[i] = s[i];
    c->sum(c->user, buf, n);
    for (size_t i = 0; i < n; i++)
        s[i] = (nn_real)(buf[i] / c->size);
}

int nn_comm_decide(const pipe_nn_comm *c, int flag)
{
    c->broadcast(c->user, &flag, sizeof flag);
    return flag;
}
