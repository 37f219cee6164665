/*
 * nn_stage_memory.c — refusing a network that will not fit in memory
 * (nn_stage.h), before anything is allocated: the estimate of what the
 * training takes (the model's buffers from the shape pass, the optimizer's
 * moments, the best-so-far copy, the rows the fit copies and the
 * predictions) against what the process may still allocate (the smallest
 * of MemAvailable, the RLIMIT_AS headroom and PIPE_MEMORY_AVAILABLE).
 */
#include "nn_stage.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* "1.5 GiB", "12.0 MiB", "3.2 KiB", "512 bytes". */
static const char *bytes_text(double bytes, char *buf, size_t size)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    if (bytes < 1024) {
        snprintf(buf, size, "%.0f bytes", bytes);
        return buf;
    }
    int u = 0;
    for (bytes /= 1024; bytes >= 1024 && u < 4; u++)
        bytes /= 1024;
    snprintf(buf, size, "%.1f %s", bytes, units[u]);
    return buf;
}

/* MemAvailable of /proc/meminfo in bytes (else the free pages), or -1. */
static double memory_free(const char **source)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    double kib = -1;
    while (f && kib < 0 && fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %lf kB", &kib) != 1)
            kib = -1;
    if (f)
        fclose(f);
    *source = "MemAvailable";
    if (kib >= 0)
        return kib * 1024;
    long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    *source = "free memory";
    return pages > 0 && page > 0 ? (double)pages * (double)page : -1;
}

/* The bytes of address space the process maps now (/proc/self/statm). */
static double address_space_used(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    double pages = 0;
    if (f) {
        if (fscanf(f, "%lf", &pages) != 1)
            pages = 0;
        fclose(f);
    }
    return pages * (double)sysconf(_SC_PAGESIZE);
}

double pipe_nn_memory_available(char *source, size_t size)
{
    double best = INFINITY;
    const char *from = NULL;
    const char *env = getenv("PIPE_MEMORY_AVAILABLE");
    char *end = NULL;
    double set = env && *env ? strtod(env, &end) : -1;
    if (end && *end == '\0' && set >= 0) {
        best = set;
        snprintf(source, size, "PIPE_MEMORY_AVAILABLE");
    }
    double free_bytes = memory_free(&from);
    if (free_bytes >= 0 && free_bytes < best) {
        best = free_bytes;
        snprintf(source, size, "%s", from);
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        double used = address_space_used(), headroom = (double)rl.rlim_cur - used;
        headroom = headroom > 0 ? headroom : 0;
        if (headroom < best) {
            char limit[32], in_use[32];
            best = headroom;
            snprintf(source, size, "RLIMIT_AS %s, %s of it in use",
                     bytes_text((double)rl.rlim_cur, limit, sizeof limit),
                     bytes_text(used, in_use, sizeof in_use));
        }
    }
    return best;
}

/* What the fit and the predictions take for the rows of d. */
static double rows_bytes(const pipe_nn_rows *d, int n_out, int epochs)
{
    double real = sizeof(pipe_nn_real), per_row = d->n_in + n_out + (d->w != NULL);
    return real * per_row * (double)(d->n_train + d->n_val) + 8.0 * (double)d->n_train +
           8.0 * (double)d->rows * n_out + 8.0 * 6 * epochs;
}

int pipe_nn_stage_check_memory(pipe_ctx *ctx, const char *param, const pipe_nn_memory_plan *p)
{
    pipe_nn_footprint f;
    char err[512];
    if (pipe_nn_model_footprint(p->input_chw, p->layers, p->n_layers, p->max_batch, &f, err,
                                sizeof err) != 0)
        return 0; /* building the model reports the layer that does not fit */
    double real = sizeof(pipe_nn_real), optimizer = 2 * real * (double)f.n_params;
    int keep_best = p->fit->restore_best && p->fit->early.patience > 0;
    double best = keep_best ? real * (double)(f.n_params + f.n_state) : 0;
    double rows = p->rows ? rows_bytes(p->rows, p->n_outputs, p->fit->epochs) : 0;
    double total = f.params + f.state + f.activations + optimizer + best + rows;
    char source[128];
    double available = pipe_nn_memory_available(source, sizeof source);
    if (total <= available)
        return 0;
    char t[32], a[32], b[32], c[32], e[32], r[32], part[64] = "";
    if (p->rows)
        snprintf(part, sizeof part, ", the rows %s", bytes_text(rows, r, sizeof r));
    return pipe_param_error(
        ctx, param,
        "the network will not fit in memory: training it takes an estimated %s (weights and "
        "gradients %s, optimizer state %s, activations and work buffers for batches of %d rows "
        "%s%s%s) but %s is available (%s); use fewer or smaller layers or a smaller batch",
        bytes_text(total, t, sizeof t), bytes_text(f.params + f.state + best, a, sizeof a),
        bytes_text(optimizer, b, sizeof b), p->max_batch, bytes_text(f.activations, c, sizeof c),
        part, p->rows ? "" : "; the rows not counted yet", bytes_text(available, e, sizeof e),
        source);
}
