/*
 * bench_plot.c — how long pipe_plot takes to draw a 100,000-point
 * pred_vs_true scatter (as a 2-D density, the automatic choice at that
 * size) at 1200×900 px and write it as a PNG, and the same for a few
 * other kinds. Prints the median and minimum of repeated runs; the
 * target is ≤ 200 ms for the scatter. Run: build/bench_plotter [repeats]
 */
#include "bench_timing.h"
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define N_POINTS 100000
#define MAX_REPEATS 101

/* A deterministic, CMS-like sample: masses falling like 1/M from 2 to
 * 110 GeV with a Z peak, predictions smeared by about 1 %. */
static void make_sample(double *truth, double *pred, size_t n)
{
    uint64_t state = 0x9E3779B97F4A7C15u;
    for (size_t i = 0; i < n; i++) {
        state = state * 6364136223846793005u + 1442695040888963407u;
        double u = (double)(state >> 11) / 9007199254740992.0;
        double v = (double)((state >> 7) & 0xFFFF) / 65536.0 - 0.5;
        truth[i] = i % 8 == 0 ? 91.19 + 5 * v : 2 * pow(55.0, u);
        pred[i] = truth[i] * (1 + 0.02 * v) + 0.3 * sin((double)i);
    }
}

typedef int (*pair_plot)(plot_canvas *, const plot_options *, const double *, const double *,
                         size_t, plot_err *);

/* Time draw + PNG of one kind; prints median and minimum in ms. */
static void bench(const char *name, pair_plot plot, const double *a, const double *b, size_t n,
                  int repeats)
{
    double draw[MAX_REPEATS], total[MAX_REPEATS];
    plot_options o;
    plot_options_init(&o);
    for (int r = 0; r < repeats; r++) {
        plot_err err;
        double t0 = bench_now();
        plot_canvas *cv = plot_canvas_new(1200, 900, 150, &err);
        if (!cv || plot(cv, &o, a, b, n, &err) != 0) {
            fprintf(stderr, "%s: %s\n", name, err.text);
            exit(1);
        }
        double t1 = bench_now();
        FILE *f = fopen("/dev/null", "wb");
        if (!f || plot_png_write(cv, f, NULL, 0, &err) != 0) {
            fprintf(stderr, "%s: %s\n", name, f ? err.text : "cannot open /dev/null");
            exit(1);
        }
        fclose(f);
        total[r] = 1e3 * (bench_now() - t0);
        draw[r] = 1e3 * (t1 - t0);
        plot_canvas_free(cv);
    }
    bench_sort(draw, (size_t)repeats);
    bench_sort(total, (size_t)repeats);
    printf("%-28s %8zu points  draw %6.1f ms  draw+png median %6.1f ms  min %6.1f ms\n", name, n,
           draw[repeats / 2], total[repeats / 2], total[0]);
}

int main(int argc, char **argv)
{
    int repeats = argc > 1 ? atoi(argv[1]) : 15;
    if (repeats < 1 || repeats > MAX_REPEATS)
        repeats = 15;
    double *truth = malloc(N_POINTS * sizeof *truth), *pred = malloc(N_POINTS * sizeof *pred);
    if (!truth || !pred)
        return 1;
    make_sample(truth, pred, N_POINTS);
    printf("pipe_plot, 1200x900 px at 150 dpi, %d repeats (target: scatter of 100,000 points "
           "<= 200 ms)\n",
           repeats);
    bench("pred_vs_true (density)", plot_pred_vs_true, pred, truth, N_POINTS, repeats);
    bench("error_vs_true (density)", plot_error_vs_true, pred, truth, N_POINTS, repeats);
    bench("error_hist", plot_error_hist, pred, truth, N_POINTS, repeats);
    bench("pred_vs_true (5,000 points)", plot_pred_vs_true, pred, truth, 5000, repeats);
    free(truth);
    free(pred);
    return 0;
}
