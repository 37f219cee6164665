/*
 * lifetime.c — memory that scales with the work: from the plan (which stage
 * publishes and which reads each tensor name) the last stage touching each
 * tensor, so the run drops it from the store right after; and the process's
 * resident-memory high-water mark, reset before each stage so run.json can
 * record every stage's peak.
 */
#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* The tensor name a port maps to, as stage_io.c resolves it: the
 * pipeline's mapping, else the port's own name unless it is optional. */
static const char *port_tensor(const pipe_port_decl *d, const pipe_port_map *maps, size_t n_maps)
{
    for (size_t i = 0; i < n_maps; i++)
        if (strcmp(maps[i].port, d->name) == 0)
            return maps[i].tensor;
    return d->optional ? NULL : d->name;
}

static void touch(pipe_lifetime *lt, const char *name, size_t stage, size_t *cap)
{
    if (!name)
        return;
    for (size_t i = 0; i < lt->n; i++)
        if (strcmp(lt->names[i], name) == 0) {
            lt->last[i] = stage;
            return;
        }
    if (lt->n == *cap) {
        *cap = *cap ? 2 * *cap : 16;
        lt->names = pipe_xrealloc(lt->names, *cap * sizeof *lt->names);
        lt->last = pipe_xrealloc(lt->last, *cap * sizeof *lt->last);
    }
    lt->names[lt->n] = name;
    lt->last[lt->n++] = stage;
}

void pipe_lifetime_build(pipe_lifetime *lt, const pipe_pipeline *p, const pipe_plugin *const *pl)
{
    memset(lt, 0, sizeof *lt);
    size_t cap = 0;
    for (size_t i = 0; i < p->n_stages; i++) {
        const pipe_stage_spec *s = &p->stages[i];
        for (size_t k = 0; k < pl[i]->n_inputs; k++)
            touch(lt, port_tensor(&pl[i]->inputs[k], s->inputs, s->n_inputs), i, &cap);
        for (size_t k = 0; k < pl[i]->n_outputs; k++)
            touch(lt, port_tensor(&pl[i]->outputs[k], s->outputs, s->n_outputs), i, &cap);
    }
}

size_t pipe_lifetime_release(const pipe_lifetime *lt, size_t stage, pipe_store *s)
{
    size_t dropped = 0;
    for (size_t i = 0; i < lt->n; i++)
        if (lt->last[i] == stage)
            dropped += (size_t)pipe_store_drop(s, lt->names[i]);
    return dropped;
}

void pipe_lifetime_free(pipe_lifetime *lt)
{
    free(lt->names);
    free(lt->last);
    memset(lt, 0, sizeof *lt);
}

int pipe_mem_reset_peak(void)
{
    /* Writing 5 resets the peak RSS (VmHWM) to the current RSS (Linux 4.0+,
     * Documentation/filesystems/proc.rst). */
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f)
        return -1;
    int ok = fputs("5", f) >= 0;
    ok &= fclose(f) == 0;
    return ok ? 0 : -1;
}

long long pipe_mem_peak_bytes(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %lld kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    if (kb >= 0)
        return kb * 1024;
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? (long long)ru.ru_maxrss * 1024 : -1;
}
