/*
 * hash.c — FNV-1a (64 bits), the runner's one hash: string-map buckets,
 * the pipeline file's and the configuration's hashes, the hashes of the
 * input files run.json records, checkpoint run keys and the seeds of the
 * stages' random streams. Not cryptographic: it tells runs apart, it does
 * not defend against a forger.
 */
#include "core.h"

#include <stdio.h>

#define FNV_PRIME 0x100000001b3ULL

uint64_t pipe_fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *c = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ c[i]) * FNV_PRIME;
    return h;
}

uint64_t pipe_fnv1a_str(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * FNV_PRIME;
    return h;
}

uint64_t pipe_fnv1a_file(const char *path, long long *size)
{
    uint64_t h = PIPE_FNV_OFFSET;
    if (size)
        *size = -1;
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char buf[1 << 16];
    size_t n;
    long long total = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        h = pipe_fnv1a(h, buf, n);
        total += (long long)n;
    }
    if (!ferror(f) && size)
        *size = total;
    fclose(f);
    return h;
}
