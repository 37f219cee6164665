/*
 * bench_write.c — how fast pipe_write writes a table the size of the full
 * CMS file (100,000 rows x 19 columns): as CSV with the shortest exact
 * numbers, as CSV with 6 significant digits, and as .npy. The table is
 * the one bench_loader builds (run it first), loaded with pipe_csv, and
 * then the same table with random doubles (which need 16-17 digits).
 *
 *   bench_write [--runs N] [--file /tmp/pipe_bench_dielectron_100000.csv]
 */
#include "bench_timing.h"
#include "csv.h"
#include "table_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Best time over `runs` of writing t to /tmp in one way (0: CSV shortest,
 * 6: CSV 6 digits, -1: .npy). */
static double best_write(const pipe_tensor *t, int how, int runs)
{
    double best = 1e30;
    for (int i = 0; i < runs; i++) {
        FILE *f = fopen("/tmp/pipe_bench_write.out", "wb");
        char err[256];
        pipe_write_csv_options opt = {0};
        opt.precision = how > 0 ? how : 0;
        double start = bench_now();
        int status = how < 0 ? pipe_write_npy(f, t, err, sizeof err)
                             : pipe_write_csv(f, t, &opt, err, sizeof err);
        fclose(f);
        double seconds = bench_now() - start;
        if (status != 0) {
            fprintf(stderr, "bench_write: %s\n", err);
            exit(1);
        }
        best = seconds < best ? seconds : best;
    }
    remove("/tmp/pipe_bench_write.out");
    return best;
}

static void report(const char *what, const pipe_tensor *t, int runs)
{
    printf("%s: CSV shortest %.0f ms, CSV 6 digits %.0f ms, .npy %.1f ms (best of %d)\n", what,
           1e3 * best_write(t, 0, runs), 1e3 * best_write(t, 6, runs),
           1e3 * best_write(t, -1, runs), runs);
}

int main(int argc, char **argv)
{
    const char *path = "/tmp/pipe_bench_dielectron_100000.csv";
    int runs = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--runs") == 0)
            runs = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--file") == 0)
            path = argv[i + 1];
    }
    char err[1024];
    pipe_tensor *t = pipe_csv_read(path, NULL, NULL, err, sizeof err);
    if (!t || runs < 1) {
        fprintf(stderr, "bench_write: %s (run bench_loader first to build the file)\n",
                t ? "--runs must be positive" : err);
        return 1;
    }
    printf("table %lld rows x %lld columns from %s\n", (long long)t->shape[0],
           (long long)t->shape[1], path);
    report("CMS values (6 digits)", t, runs);
    double *v = t->data;
    uint64_t state = 1;
    for (int64_t i = 0; i < pipe_tensor_count(t); i++) {
        state = state * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        v[i] = ((double)(state >> 11) / 9007199254740992.0 - 0.5) * 200;
    }
    report("random doubles", t, runs);
    pipe_tensor_release(t);
    return 0;
}
