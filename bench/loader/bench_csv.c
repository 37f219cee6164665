/*
 * bench_csv.c — how fast pipe_csv loads a file the size of the full CMS
 * dielectron file (100,000 events, about 14.7 MB), against the floor.
 *
 * The file is built under /tmp by repeating the rows of the real sample
 * (dielectron_sample.csv). Then, N times each and alternating, it times
 * the memory-bandwidth floor (one memchr pass over the text in memory),
 * the number parser alone over every field (no table), a load from memory
 * and loads of the file on 1 and 2 threads; it prints
 * the best and median of each with the throughput.
 *
 *   bench_loader [--runs N] [--rows R] [--sample path]
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
    *o = (bench_options){15, 100000, NULL};
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--runs") == 0)
            o->runs = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--rows") == 0)
            o->rows = atoll(argv[i + 1]);
        else if (strcmp(argv[i], "--sample") == 0)
            o->sample = argv[i + 1];
        else
            return -1;
    }
    return (argc % 2 == 1 && o->runs > 0 && o->rows > 0) ? 0 : -1;
}

/* The best and median of n timings (sorted in place), printed with the
 * throughput over `mb` megabytes. */
static void print_figure(const char *what, double *seconds, int n, double mb)
{
    bench_sort(seconds, (size_t)n);
    double best = seconds[0], median = seconds[n / 2];
    printf("%-34s best %6.2f ms  median %6.2f ms  (%5.0f / %5.0f MB/s)\n", what, 1e3 * best,
           1e3 * median, mb / best, mb / median);
}

/* The memory-bandwidth floor: one memchr pass over the text, counting its
 * lines. Returns the count (so that the pass is not optimised away). */
static int64_t memchr_pass(const char *text, size_t size)
{
    int64_t lines = 0;
    for (const char *p = text, *end = text + size; p < end; lines++) {
        const char *newline = memchr(p, '\n', (size_t)(end - p));
        if (!newline)
            break;
        p = newline + 1;
    }
    return lines;
}

/* The number parser alone: every field after the header through
 * pipe_csv_parse_double, one delimiter or newline skipped after each (no
 * table, no checks). Returns the sum of the values read. */
static double parser_pass(const char *text, size_t size)
{
    const char *p = memchr(text, '\n', size), *end = text + size;
    double sum = 0, value;
    for (p = p ? p + 1 : end; p < end; p++) {
        const char *next = pipe_csv_parse_double(p, end, &value);
        if (!next)
            break;
        sum += value;
        p = next;
    }
    return sum;
}

/* Time the floor, the parser and the loads (from memory and from the
 * file, on 1 and 2 threads), o->runs times each, alternating. */
static int time_all(const char *path, const bench_options *o, double mb)
{
    size_t size;
    char *text = read_text(path, &size);
    double *t = malloc(5 * (size_t)o->runs * sizeof *t);
    if (!text || !t) {
        free(text);
        free(t);
        return -1;
    }
    double *floor_t = t, *parse_t = t + o->runs, *mem_t = t + 2 * o->runs;
    double *file_t[3] = {NULL, t + 3 * o->runs, t + 4 * o->runs};
    int64_t lines = 0, rows = 0, cols = 0;
    double sum = 0;
    int status = 0;
    for (int i = 0; i < o->runs && status == 0; i++) {
        double start = bench_now();
        lines += memchr_pass(text, size);
        floor_t[i] = bench_now() - start;
        start = bench_now();
        sum += parser_pass(text, size);
        parse_t[i] = bench_now() - start;
        char err[1024];
        pipe_csv_options opt = {0};
        opt.threads = 1;
        start = bench_now();
        pipe_tensor *m = pipe_csv_read_buffer(path, text, size, &opt, NULL, err, sizeof err);
        mem_t[i] = bench_now() - start;
        pipe_tensor_release(m);
        for (int threads = 1; threads <= 2 && m; threads++) {
            opt.threads = threads;
            start = bench_now();
            pipe_tensor *f = pipe_csv_read(path, &opt, NULL, err, sizeof err);
            file_t[threads][i] = bench_now() - start;
            if (f) {
                rows = f->shape[0];
                cols = f->shape[1];
            }
            pipe_tensor_release(f);
            m = f;
        }
        if (!m) {
            fprintf(stderr, "bench_loader: %s\n", err);
            status = -1;
        }
    }
    if (status == 0) {
        printf("loaded %lld rows x %lld columns (%lld lines counted, checksum %.6g)\n",
               (long long)rows, (long long)cols, (long long)(lines / o->runs), sum / o->runs);
        print_figure("floor: memchr pass over the text", floor_t, o->runs, mb);
        print_figure("parser alone (no table)", parse_t, o->runs, mb);
        print_figure("load from memory, 1 thread", mem_t, o->runs, mb);
        print_figure("load the file, 1 thread", file_t[1], o->runs, mb);
        print_figure("load the file, 2 threads", file_t[2], o->runs, mb);
    }
    free(text);
    free(t);
    return status;
}

int main(int argc, char **argv)
{
    bench_options o;
    char sample_buf[4096], path[256];
    if (parse_args(argc, argv, &o) != 0) {
        fprintf(stderr, "usage: bench_loader [--runs N] [--rows R] [--sample path]\n");
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
    double mb = (double)st.st_size / 1e6;
    printf("file %s: %.2f MB, %lld rows, %d runs of each figure (alternating)\n", path, mb,
           (long long)o.rows, o.runs);
    return time_all(path, &o, mb) == 0 ? 0 : 1;
}
