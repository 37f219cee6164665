/*
 * bench_simulate.c — how fast pipe_sim generates events (the issue asks
 * for 100,000 events in at most 0.2 s) and, when the real CMS files are
 * found, how the simulation compares with them (the figures of
 * docs/stages/simulate.md). Prints; does not pass or fail.
 */
#include "bench_timing.h"
#include "sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#ifdef PIPE_SIM_BENCH_REAL
#include "csv.h"
#endif

#define REPEATS 7

/* Seconds on `clock`: CLOCK_MONOTONIC (wall) or CLOCK_PROCESS_CPUTIME_ID
 * (CPU; on a loaded machine the wall time also counts waiting). */
static double now(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Time REPEATS generations of `events` events; returns the last table. */
static pipe_tensor *time_generation(int64_t events)
{
    pipe_sim_config cfg;
    pipe_sim_config_default(&cfg);
    cfg.events = events;
    double seconds[REPEATS], cpu[REPEATS];
    pipe_tensor *t = NULL;
    pipe_sim_report rep;
    for (int i = 0; i < REPEATS; i++) {
        pipe_rng rng;
        char err[512];
        pipe_rng_seed(&rng, 42);
        pipe_tensor_release(t);
        double start = now(CLOCK_MONOTONIC), start_cpu = now(CLOCK_PROCESS_CPUTIME_ID);
        t = pipe_sim_generate(&cfg, &rng, &rep, err, sizeof err);
        seconds[i] = now(CLOCK_MONOTONIC) - start;
        cpu[i] = now(CLOCK_PROCESS_CPUTIME_ID) - start_cpu;
        if (!t) {
            fprintf(stderr, "bench_simulate: %s\n", err);
            exit(1);
        }
    }
    bench_sort(seconds, REPEATS);
    bench_sort(cpu, REPEATS);
    printf("simulate: %lld events in %d runs: wall best %.4f s, median %.4f s; "
           "CPU best %.4f s, median %.4f s (%.2f M events per CPU second)\n",
           (long long)events, REPEATS, seconds[0], seconds[REPEATS / 2], cpu[0], cpu[REPEATS / 2],
           (double)events / cpu[0] / 1e6);
    int64_t attempts = 0;
    for (int p = 0; p < PIPE_SIM_N_PROCESSES; p++)
        attempts += rep.attempts[p];
    printf("simulate: %.2f generated pairs per kept event\n", (double)attempts / (double)events);
    return t;
}

#ifdef PIPE_SIM_BENCH_REAL
static pipe_tensor *read_real(const char *dir, const char *name)
{
    char path[4096], err[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    pipe_tensor *t = pipe_csv_read(path, NULL, NULL, err, sizeof err);
    if (!t)
        printf("simulate: no comparison with real data (%s)\n", err);
    return t;
}

static void print_distances(const char *label, const double d[PIPE_SIM_N_DISTANCES])
{
    printf("%-28s", label);
    for (int k = 0; k < PIPE_SIM_N_DISTANCES; k++)
        printf(" %12.3f", d[k]);
    printf("\n");
}

static void compare_with_real(const pipe_tensor *sim)
{
    const char *env = getenv("PIPE_SHARED_DATA");
    const char *dir = env && *env ? env : PIPE_SOURCE_DIR "/../shared/data";
    pipe_tensor *sample = read_real(dir, "dielectron_sample.csv");
    pipe_tensor *damaged = sample ? read_real(dir, "dielectron_1k_damaged.csv") : NULL;
    pipe_tensor *run = damaged ? pipe_sim_consistent_rows(damaged) : NULL;
    pipe_sim_calibration c;
    char err[512];
    if (run && pipe_sim_calibrate(sample, run, sim, 12, &c, err, sizeof err) == 0) {
        printf("\nmass bin (GeV)   real sample   run 147115   simulated\n");
        for (int b = 0; b < PIPE_SIM_N_MASS_BINS; b++)
            printf("%4g-%-4g         %8.4f     %8.4f    %8.4f\n", pipe_sim_mass_edges[b],
                   pipe_sim_mass_edges[b + 1], c.sample_all.mass_fraction[b],
                   c.run_all.mass_fraction[b], c.sim_all.mass_fraction[b]);
        printf("same-sign        %8.4f     %8.4f    %8.4f\n\n", c.sample_all.same_sign,
               c.run_all.same_sign, c.sim_all.same_sign);
        printf("%-28s", "distance");
        for (int k = 0; k < PIPE_SIM_N_DISTANCES; k++)
            printf(" %12s", pipe_sim_distance_names[k]);
        printf("\n");
        print_distances("simulated vs sample", c.sim_vs_sample);
        print_distances("run 147115 vs sample", c.run_vs_sample);
        print_distances("block vs rest (mean of 12)", c.block_vs_rest);
        print_distances("block vs rest (max of 12)", c.block_vs_rest_max);
        print_distances("block vs rest (std. error)", c.block_vs_rest_se);
        print_distances("block vs simulated (mean)", c.block_vs_sim);
        pipe_sim_calibration_free(&c);
    }
    pipe_tensor_release(run);
    pipe_tensor_release(damaged);
    pipe_tensor_release(sample);
}
#endif

int main(void)
{
    pipe_tensor *sim = time_generation(100000);
#ifdef PIPE_SIM_BENCH_REAL
    compare_with_real(sim);
#endif
    pipe_tensor_release(sim);
    return 0;
}
