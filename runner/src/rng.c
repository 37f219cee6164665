/*
 * rng.c — the SDK's seeded random numbers: xoshiro256** seeded through
 * splitmix64, normals by the polar method. Same seed, same stream, on
 * every machine.
 */
#include "pipe/pipe.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void pipe_rng_seed(pipe_rng *rng, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t pipe_rng_u64(pipe_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double pipe_rng_uniform(pipe_rng *rng)
{
    return (double)(pipe_rng_u64(rng) >> 11) * 0x1.0p-53;
}

uint64_t pipe_rng_below(pipe_rng *rng, uint64_t n)
{
    if (n == 0)
        return 0;
    /* Rejection sampling: no modulo bias. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = pipe_rng_u64(rng);
    while (x >= limit);
    return x % n;
}

double pipe_rng_normal(pipe_rng *rng)
{
    double u, v, s;
    do {
        u = 2.0 * pipe_rng_uniform(rng) - 1.0;
        v = 2.0 * pipe_rng_uniform(rng) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    return u * sqrt(-2.0 * log(s) / s);
}

void pipe_rng_shuffle(pipe_rng *rng, int64_t *idx, int64_t n)
{
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)pipe_rng_below(rng, (uint64_t)i + 1);
        int64_t tmp = idx[i];
        idx[i] = idx[j];
        idx[j] = tmp;
    }
}
