/*
 * sim_random.c — random numbers of pipe_sim, all drawn from the stage's
 * pipe_rng: uniforms as they come, normals by the polar method keeping
 * both values of each pair (the generator needs about ten normals per
 * event, so the second value halves their cost).
 */
#include "sim_internal.h"

#include <math.h>

void sim_random_init(sim_random *r, pipe_rng *rng)
{
    r->rng = rng;
    r->spare = 0;
    r->has_spare = 0;
}

double sim_normal(sim_random *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u, v, s;
    do {
        u = 2.0 * pipe_rng_uniform(r->rng) - 1.0;
        v = 2.0 * pipe_rng_uniform(r->rng) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = sqrt(-2.0 * log(s) / s);
    r->spare = v * f;
    r->has_spare = 1;
    return u * f;
}
