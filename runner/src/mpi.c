/*
 * mpi.c — the one file of pipe that talks to MPI. It starts MPI when the
 * process was launched by mpirun or srun (and only then: a plain `pipe
 * run` is one process without MPI, exactly as before), and gives the rest
 * of the runner the few collectives the SDK offers: sums and maxima in a
 * fixed order (gathered to rank 0, combined in rank order, broadcast), a
 * broadcast, and gathers of byte blocks of different sizes. Plugins never
 * see MPI; they call the SDK (ctx.c, shard.c).
 *
 * The rank and size are process-wide facts, fixed after pipe_mpi_init.
 */
#include "core.h"

#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int mpi_rank, mpi_size = 1, mpi_started;
static int mpi_voice = 1; /* ranks > 0 print only while this is set */

/* Launched by a process manager that expects MPI_Init? PIPE_MPI=0 says
 * no (a process started by one that runs under mpirun, such as the runs
 * of a sweep, inherits its variables but is not one of its ranks). */
static int launched_by_mpi(void)
{
    const char *forced = getenv("PIPE_MPI");
    if (forced && strcmp(forced, "0") == 0)
        return 0;
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i]))
            return 1;
    return 0;
}

int pipe_mpi_init(int *argc, char ***argv)
{
    if (mpi_started || !launched_by_mpi())
        return 0;
    if (MPI_Init(argc, argv) != MPI_SUCCESS) {
        fputs("pipe: MPI_Init failed\n", stderr);
        return -1;
    }
    mpi_started = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &mpi_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &mpi_size);
    mpi_voice = mpi_rank == 0;
    return 0;
}

void pipe_mpi_finalize(void)
{
    if (mpi_started)
        MPI_Finalize();
    mpi_started = 0;
    mpi_size = 1; /* alone from here on; the rank stays what it was */
}

void pipe_mpi_abort(int code)
{
    if (mpi_started && mpi_size > 1)
        MPI_Abort(MPI_COMM_WORLD, code);
    exit(code);
}

int pipe_mpi_rank(void)
{
    return mpi_rank;
}

int pipe_mpi_size(void)
{
    return mpi_size;
}

int pipe_mpi_voice(int all)
{
    int before = mpi_voice;
    mpi_voice = all || mpi_rank == 0;
    return before;
}

int pipe_mpi_speaks(void)
{
    return mpi_voice;
}

static int count_of(size_t n)
{
    if (n > (size_t)INT_MAX) {
        fprintf(stderr, "pipe: rank %d: a collective of %zu items is beyond MPI's int counts\n",
                mpi_rank, n);
        pipe_mpi_abort(1);
    }
    return (int)n;
}

/* Gather n values of `type` from every rank to rank 0, combine them there
 * in rank order with `combine`, broadcast the result. */
static void reduce_fixed(void *values, size_t n, size_t elem, MPI_Datatype type,
                         void (*combine)(void *acc, const void *v, size_t n))
{
    if (mpi_size == 1 || n == 0)
        return;
    char *all = mpi_rank == 0 ? pipe_xcalloc(n * (size_t)mpi_size, elem) : NULL;
    MPI_Gather(values, count_of(n), type, all, count_of(n), type, 0, MPI_COMM_WORLD);
    if (mpi_rank == 0) {
        memcpy(values, all, n * elem);
        for (int r = 1; r < mpi_size; r++)
            combine(values, all + (size_t)r * n * elem, n);
        free(all);
    }
    MPI_Bcast(values, count_of(n), type, 0, MPI_COMM_WORLD);
}

static void add_f64(void *acc, const void *v, size_t n)
{
    double *a = acc;
    const double *b = v;
    for (size_t i = 0; i < n; i++)
        a[i] += b[i];
}

static void add_f32(void *acc, const void *v, size_t n)
{
    float *a = acc;
    const float *b = v;
    for (size_t i = 0; i < n; i++)
        a[i] += b[i];
}

static void max_f64(void *acc, const void *v, size_t n)
{
    double *a = acc;
    const double *b = v;
    for (size_t i = 0; i < n; i++)
        a[i] = b[i] > a[i] ? b[i] : a[i];
}

void pipe_mpi_sum_f64(double *values, size_t n)
{
    reduce_fixed(values, n, sizeof *values, MPI_DOUBLE, add_f64);
}

void pipe_mpi_sum_f32(float *values, size_t n)
{
    reduce_fixed(values, n, sizeof *values, MPI_FLOAT, add_f32);
}

void pipe_mpi_max_f64(double *values, size_t n)
{
    reduce_fixed(values, n, sizeof *values, MPI_DOUBLE, max_f64);
}

void pipe_mpi_bcast(void *data, size_t bytes)
{
    if (mpi_size > 1 && bytes > 0)
        MPI_Bcast(data, count_of(bytes), MPI_BYTE, 0, MPI_COMM_WORLD);
}

void pipe_mpi_fold(double *values, size_t n, void (*step)(void *user, double *values), void *user)
{
    if (mpi_size > 1 && mpi_rank > 0)
        MPI_Recv(values, count_of(n), MPI_DOUBLE, mpi_rank - 1, 0, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    step(user, values);
    if (mpi_size == 1)
        return;
    if (mpi_rank < mpi_size - 1)
        MPI_Send(values, count_of(n), MPI_DOUBLE, mpi_rank + 1, 0, MPI_COMM_WORLD);
    MPI_Bcast(values, count_of(n), MPI_DOUBLE, mpi_size - 1, MPI_COMM_WORLD);
}

void pipe_mpi_allgather_i64(int64_t value, int64_t *all)
{
    all[0] = value;
    if (mpi_size > 1)
        MPI_Allgather(&value, 1, MPI_INT64_T, all, 1, MPI_INT64_T, MPI_COMM_WORLD);
}

/* counts[r] bytes from rank r, placed one after the other in `recv`: on
 * every rank (all) or on rank 0 only. */
static void gather_bytes(const void *send, const size_t *counts, void *recv, int all)
{
    int *c = pipe_xcalloc((size_t)mpi_size, sizeof *c);
    int *at = pipe_xcalloc((size_t)mpi_size, sizeof *at);
    size_t total = 0;
    for (int r = 0; r < mpi_size; r++) {
        c[r] = count_of(counts[r]);
        at[r] = count_of(total);
        total += counts[r];
    }
    count_of(total);
    if (all)
        MPI_Allgatherv(send, c[mpi_rank], MPI_BYTE, recv, c, at, MPI_BYTE, MPI_COMM_WORLD);
    else
        MPI_Gatherv(send, c[mpi_rank], MPI_BYTE, recv, c, at, MPI_BYTE, 0, MPI_COMM_WORLD);
    free(c);
    free(at);
}

void pipe_mpi_allgatherv(const void *send, const size_t *counts, void *recv)
{
    if (mpi_size == 1) {
        memmove(recv, send, counts[0]);
        return;
    }
    gather_bytes(send, counts, recv, 1);
}

void pipe_mpi_gatherv(const void *send, const size_t *counts, void *recv)
{
    if (mpi_size == 1) {
        memmove(recv, send, counts[0]);
        return;
    }
    gather_bytes(send, counts, recv, 0);
}
