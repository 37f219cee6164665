/*
 * bench_calo.c — candidates per second of pipe_calo at 32 x 32 and
 * 64 x 64 crystals, with and without the HCAL channel, at pile-up 20:
 * wall and CPU time of the best of REPEATS runs (on a loaded machine the
 * wall time also counts waiting). Prints; does not pass or fail.
 */
#include "bench_timing.h"
#include "calo.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define REPEATS 5
#define CANDIDATES 20000

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void run(int side, int hcal, double pileup)
{
    calo_config cfg;
    calo_config_default(&cfg);
    cfg.height = cfg.width = side;
    cfg.hcal = hcal;
    cfg.pileup = pileup;
    cfg.candidates = CANDIDATES;
    size_t per = (size_t)(hcal ? 2 : 1) * (size_t)side * (size_t)side;
    float *images = malloc(per * CANDIDATES * sizeof *images);
    double *labels = malloc(CANDIDATES * sizeof *labels);
    double *table = malloc((size_t)CANDIDATES * CALO_N_COLS * sizeof *table);
    if (!images || !labels || !table) {
        fprintf(stderr, "bench_calo: out of memory\n");
        exit(1);
    }
    double wall[REPEATS], cpu[REPEATS];
    for (int r = 0; r < REPEATS; r++) {
        calo_out out = {images, labels, table};
        calo_report rep = {0, 0};
        double w0 = bench_now(), c0 = cpu_now();
        if (calo_generate(&cfg, 42, 0, CANDIDATES, &out, &rep) != 0) {
            fprintf(stderr, "bench_calo: out of memory\n");
            exit(1);
        }
        wall[r] = bench_now() - w0;
        cpu[r] = cpu_now() - c0;
    }
    bench_sort(wall, REPEATS);
    bench_sort(cpu, REPEATS);
    printf("%2d x %2d%s  pile-up %3.0f  %8.0f candidates/s wall (best), %8.0f median, "
           "%8.0f /s CPU (best)\n",
           side, side, hcal ? " + HCAL" : "       ", pileup, CANDIDATES / wall[0],
           CANDIDATES / wall[REPEATS / 2], CANDIDATES / cpu[0]);
    free(images);
    free(labels);
    free(table);
}

int main(void)
{
    printf("pipe_calo: %d candidates per run, best of %d, one thread\n", CANDIDATES, REPEATS);
    run(32, 0, 20);
    run(32, 0, 0);
    run(32, 0, 60);
    run(30, 1, 20);
    run(64, 0, 20);
    return 0;
}
