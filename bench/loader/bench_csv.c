/*
 * bench_csv.c — how fast pipe_csv loads a file the size of the full CMS
 * dielectron file (100,000 events, about 14.7 MB).
 *
 * The file is built under /tmp by repeating the rows of the real sample
 * (dielectron_sample.csv), then loaded N times; the program prints the
 * first, best and median load times and the throughput.
 *
 *   bench_loader [--runs N] [--rows R] [--threads T] [--sample path]
 */
#include "bench_timing.h"
#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef struct bench_options {
    int runs;
    int64_t rows;
    int threads;
    const char *sample;
} bench_options;

/* The real sample: --sample, $PIPE_SHARED_DATA, else ../shared/data next
 * to the source tree. */
static const char *find_sample(const char *given, char *buf, size_t size)
{
    const char *env = getenv("PIPE_SHARED_DATA");
    const char *dirs[] = {env, PIPE_SOURCE_DIR "/../shared/data"};
    struct stat st;
    if (given)
        return given;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        if (!dirs[i])
            continue;
        snprintf(buf, size, "%s/dielectron_sample.csv", dirs[i]);
        if (stat(buf, &st) == 0)
            return buf;
    }
    return NULL;
}

static char *read_text(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (text && fread(text, 1, (size_t)n, f) != (size_t)n) {
        free(text);
        text = NULL;
    }
    fclose(f);
    if (text) {
        text[n] = '\0';
        *size = (size_t)n;
    }
    return text;
}

/* Write the header of the sample, then `rows` rows cycling through its
 * rows, to `path`. Returns 0 or -1. */
static int build_file(const char *sample, int64_t rows, const char *path)
{
    size_t size;
    char *text = read_text(sample, &size);
    FILE *out = text ? fopen(path, "wb") : NULL;
    if (!out) {
        free(text);
        return -1;
    }
    char *body = strchr(text, '\n');
    body = body ? body + 1 : text + size;
    fwrite(text, 1, (size_t)(body - text), out);
    const char *line = body;
    for (int64_t r = 0; r < rows; r++) {
        if (line >= text + size)
            line = body;
        const char *next = strchr(line, '\n');
        next = next ? next + 1 : text + size;
        fwrite(line, 1, (size_t)(next - line), out);
        if (next[-1] != '\n')
            fputc('\n', out);
        line = next;
    }
    free(text);
    return fclose(out) == 0 ? 0 : -1;
}

static int parse_args(int argc, char **argv, bench_options *o)
{
    *o = (bench_options){15, 100000, 1, NULL};
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--runs") == 0)
            o->runs = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--rows") == 0)
            o->rows = atoll(argv[i + 1]);
        else if (strcmp(argv[i], "--threads") == 0)
            o->threads = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--sample") == 0)
            o->sample = argv[i + 1];
        else
            return -1;
    }
    return (argc % 2 == 1 && o->runs > 0 && o->rows > 0) ? 0 : -1;
}

/* Load the file o->runs times; the times go to seconds[]. Returns 0 or -1. */
static int time_loads(const char *path, const bench_options *o, double *seconds)
{
    pipe_csv_options opt = {0};
    opt.threads = o->threads;
    for (int i = 0; i < o->runs; i++) {
        char err[1024];
        pipe_csv_report report;
        double start = bench_now();
        pipe_tensor *t = pipe_csv_read(path, &opt, &report, err, sizeof err);
        seconds[i] = bench_now() - start;
        if (!t) {
            fprintf(stderr, "bench_loader: %s\n", err);
            return -1;
        }
        if (i == 0)
            printf("loaded %lld rows x %lld columns\n", (long long)t->shape[0],
                   (long long)t->shape[1]);
        pipe_tensor_release(t);
    }
    return 0;
}

int main(int argc, char **argv)
{
    bench_options o;
    char sample_buf[4096], path[256];
    if (parse_args(argc, argv, &o) != 0) {
        fprintf(stderr,
                "usage: bench_loader [--runs N] [--rows R] [--threads T] [--sample path]\n");
        return 2;
    }
    const char *sample = find_sample(o.sample, sample_buf, sizeof sample_buf);
    snprintf(path, sizeof path, "/tmp/pipe_bench_dielectron_%lld.csv", (long long)o.rows);
    if (!sample || build_file(sample, o.rows, path) != 0) {
        fprintf(stderr, "bench_loader: cannot build %s from the sample %s\n", path,
                sample ? sample : "(dielectron_sample.csv not found; use --sample)");
        return 1;
    }
    struct stat st;
    stat(path, &st);
    double *seconds = malloc((size_t)o.runs * sizeof *seconds);
    if (!seconds || time_loads(path, &o, seconds) != 0)
        return 1;
    double first = seconds[0];
    bench_sort(seconds, (size_t)o.runs);
    double best = seconds[0], median = seconds[o.runs / 2];
    double mb = (double)st.st_size / 1e6;
    printf("file %s: %.2f MB, %lld rows, %d thread(s), %d runs\n", path, mb, (long long)o.rows,
           o.threads, o.runs);
    printf("first %.1f ms  best %.1f ms  median %.1f ms  ->  %.0f MB/s (best), %.0f MB/s "
           "(median), %.1f M rows/s (best)\n",
           1e3 * first, 1e3 * best, 1e3 * median, mb / best, mb / median,
           (double)o.rows / best / 1e6);
    free(seconds);
    return 0;
}
