/*
 * nn_comm.h — the pieces of data-parallel training (pipe_nn_comm, see
 * nn_train.h) that the epoch loop uses: this process's block of a batch,
 * the one sum per step of every gradient in one buffer, the averaging of
 * the layers' running state, and decisions taken by process 0.
 */
#ifndef PIPE_NN_COMM_H
#define PIPE_NN_COMM_H

#include "nn_internal.h"
#include "nn_train.h"

/* Nonzero when training is shared by more than one process. */
int nn_comm_active(const pipe_nn_comm *c);
/* The block [*lo, *hi) of n rows that this process takes. */
void nn_comm_block(const pipe_nn_comm *c, int64_t n, int64_t *lo, int64_t *hi);
/* A work buffer for the sums of model `m` with `extra` more values. */
double *nn_comm_buffer(pipe_nn_model *m, int extra);
/* Scale this process's gradients by `scale`, sum them over the processes
 * together with extra[0 .. n_extra), in one buffer; every process ends
 * with the sums in its gradient buffer and in extra. */
void nn_comm_sum_grads(const pipe_nn_comm *c, pipe_nn_model *m, double *buf, double scale,
                       double *extra, int n_extra);
/* Sum n values over the processes (buf: at least n doubles). */
void nn_comm_sum(const pipe_nn_comm *c, double *values, size_t n);
/* Replace the layers' running state (batch-norm statistics) by its mean
 * over the processes, so that every process holds the same model. */
void nn_comm_average_state(const pipe_nn_comm *c, pipe_nn_model *m, double *buf);
/* Process 0's `flag`, on every process. */
int nn_comm_decide(const pipe_nn_comm *c, int flag);

#endif
