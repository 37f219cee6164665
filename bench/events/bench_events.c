/*
 * bench_events.c — how fast pipe_events generates events (the issue asks
 * for at least 100,000 events per second on one core), for the DTW and
 * DHJW class sets of the event-image study, and, when the loader's
 * pipe_csv is built and the real CMS file is found, how its Drell-Yan ->
 * ee events compare with the real dielectron events of the 80-100 GeV
 * window (the figures of docs/stages/events.md). Prints; does not pass
 * or fail.
 */
#include "bench_timing.h"
#include "events.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#ifdef PIPE_EVENTS_BENCH_REAL
#include "csv.h"
#endif

#define EVENTS 200000
#define REPEATS 3

static void time_set(const char *label, const ev_process *classes, int k)
{
    ev_config c;
    ev_config_default(&c);
    c.events = EVENTS;
    c.n_classes = k;
    for (int i = 0; i < k; i++)
        c.classes[i] = classes[i];
    double best = 1e30, best_wall = 1e30;
    ev_report rep;
    for (int r = 0; r < REPEATS; r++) {
        char err[256];
        double start = bench_cpu_now(), wall = bench_now();
        pipe_tensor *t = ev_generate(&c, &rep, err, sizeof err);
        double s = bench_cpu_now() - start, w = bench_now() - wall;
        if (!t) {
            fprintf(stderr, "bench_events: %s\n", err);
            exit(1);
        }
        pipe_tensor_release(t);
        best = s < best ? s : best;
        best_wall = w < best_wall ? w : best_wall;
    }
    int64_t attempts = 0;
    for (int i = 0; i < k; i++)
        attempts += rep.attempts[i];
    printf("events %s: %d events, best CPU %.3f s (%.0f events/s), best wall %.3f s (machine "
           "shared); %.2f generated per kept event\n",
           label, EVENTS, best, EVENTS / best, best_wall, (double)attempts / EVENTS);
    for (int i = 0; i < k; i++)
        printf("  %-14s sigma x BR %10.4g pb, acceptance %.3f\n", ev_process_name(classes[i]),
               rep.sigma_pb[i], (double)rep.events[i] / (double)rep.attempts[i]);
}

#ifdef PIPE_EVENTS_BENCH_REAL
static void print_window(const char *name, const ev_window *w)
{
    printf("  %-9s %6lld pairs: M median %.2f, IQR %.2f GeV; lead pT median %.2f (IQR %.2f), "
           "trail pT median %.2f (IQR %.2f) GeV\n",
           name, (long long)w->n, w->mass_median, w->mass_iqr, w->lead_median, w->lead_iqr,
           w->trail_median, w->trail_iqr);
}

static void compare_real(void)
{
    /* Where the tests look: PIPE_SHARED_DATA, <source>/../shared/data,
     * /work/shared/data. */
    const char *env = getenv("PIPE_SHARED_DATA");
    const char *dirs[] = {env ? env : PIPE_SOURCE_DIR "/../shared/data",
                          PIPE_SOURCE_DIR "/../shared/data", "/work/shared/data"};
    char path[4096], err[512];
    pipe_tensor *real = NULL;
    for (size_t i = 0; i < 3 && !real; i++) {
        snprintf(path, sizeof path, "%s/dielectron_sample.csv", dirs[i]);
        real = pipe_csv_read(path, NULL, NULL, err, sizeof err);
    }
    if (!real) {
        printf("events vs real: skipped (%s)\n", err);
        return;
    }
    ev_config c;
    ev_config_dielectron_2010(&c);
    pipe_tensor *sim = ev_generate(&c, NULL, err, sizeof err);
    ev_comparison cmp;
    if (!sim || ev_compare_dielectron(real, sim, &cmp, err, sizeof err) != 0) {
        printf("events vs real: %s\n", err);
    } else {
        printf("events vs real CMS dielectron events, %g-%g GeV (DY -> ee, 7 TeV, pile-up 2, "
               "electron trigger 17 GeV):\n",
               EV_COMPARE_LO, EV_COMPARE_HI);
        print_window("real", &cmp.real);
        print_window("generated", &cmp.sim);
        printf("  KS distances: mass %.3f, lead pT %.3f, trail pT %.3f\n", cmp.ks_mass, cmp.ks_lead,
               cmp.ks_trail);
    }
    pipe_tensor_release(sim);
    pipe_tensor_release(real);
}
#endif

int main(void)
{
    const ev_process dtw[] = {EV_DY, EV_TTBAR, EV_WJETS};
    const ev_process dhjw[] = {EV_DY, EV_HIGGS, EV_JPSI, EV_WJETS};
    time_set("DTW", dtw, 3);
    time_set("DHJW", dhjw, 4);
#ifdef PIPE_EVENTS_BENCH_REAL
    compare_real();
#endif
    return 0;
}
