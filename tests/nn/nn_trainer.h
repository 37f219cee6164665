/*
 * nn_trainer.h — for the core's training tests: a model of two inputs
 * with its optimizer and seeded random stream.
 */
#ifndef PIPE_NN_TRAINER_H
#define PIPE_NN_TRAINER_H

#include "nn.h"
#include "nn_train.h"

typedef struct nn_trainer {
    pipe_nn_model *m;
    pipe_nn_optim *o;
    pipe_rng rng;
} nn_trainer;

/* The model of `specs` over 2 inputs (MSE, batches of up to max_batch
 * rows) with Glorot weights drawn from `seed`, and a new optimizer of
 * `kind` with its defaults. Fails the test when the model cannot be
 * built. */
nn_trainer nn_trainer_new(const pipe_nn_layer_spec *specs, int n, uint64_t seed,
                          pipe_nn_optim_kind kind, int max_batch);
void nn_trainer_free(nn_trainer *t);

#endif
