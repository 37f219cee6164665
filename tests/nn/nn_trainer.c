/*
 * nn_trainer.c — the training tests' model, optimizer and stream
 * (nn_trainer.h).
 */
#include "nn_trainer.h"

#include <criterion/criterion.h>

nn_trainer nn_trainer_new(const pipe_nn_layer_spec *specs, int n, uint64_t seed,
                          pipe_nn_optim_kind kind, int max_batch)
{
    char err[256];
    pipe_nn_loss loss = {PIPE_NN_MSE, 1};
    nn_trainer t = {pipe_nn_model_new(2, specs, n, &loss, max_batch, err, sizeof err), NULL, {{0}}};
    cr_assert(t.m, "%s", err);
    pipe_rng_seed(&t.rng, seed);
    pipe_nn_model_init(t.m, &t.rng, PIPE_NN_INIT_GLOROT);
    pipe_nn_optim_config oc = pipe_nn_optim_config_default(kind);
    t.o = pipe_nn_optim_new(&oc, t.m);
    return t;
}

void nn_trainer_free(nn_trainer *t)
{
    pipe_nn_optim_free(t->o);
    pipe_nn_model_free(t->m);
}
