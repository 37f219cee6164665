/*
 * bench_validate.c — how `pipe validate` scales with the size of a
 * pipeline: chains of 1,000 to 20,000 stages (tgen, then tsum after tsum,
 * each reading the previous stage's tensor) written to /tmp and validated
 * by the pipe executable; prints the best of 3 wall times per size and
 * the time per stage, which stays flat when validation is linear.
 */
#include "bench_timing.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void write_chain(const char *path, int n)
{
    FILE *f = fopen(path, "w");
    if (!f)
        exit(1);
    fprintf(f, "pipeline: big\nstages:\n  - id: s0\n    plugin: tgen\n    outputs: {out: t0}\n");
    for (int i = 1; i < n; i++)
        fprintf(f,
                "  - id: s%d\n    plugin: tsum\n    inputs: {in: t%d}\n    outputs: {total: t%d}\n",
                i, i - 1, i);
    fclose(f);
}

static double validate(const char *path)
{
    fflush(stdout);
    double t0 = bench_now();
    pid_t pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stdout);
        execl(PIPE_EXE, PIPE_EXE, "validate", path, "--plugin-path", TEST_PLUGIN_DIR, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_validate: pipe validate %s failed\n", path);
        exit(1);
    }
    return bench_now() - t0;
}

int main(void)
{
    static const int sizes[] = {1000, 2000, 4000, 20000};
    printf("stages  best of 3 (s)  per stage (us)\n");
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        char path[64];
        snprintf(path, sizeof path, "/tmp/pipe_bench_validate_%d_%ld.yaml", sizes[k],
                 (long)getpid());
        write_chain(path, sizes[k]);
        double t[3];
        for (int r = 0; r < 3; r++)
            t[r] = validate(path);
        bench_sort(t, 3);
        printf("%6d  %13.3f  %14.1f\n", sizes[k], t[0], 1e6 * t[0] / sizes[k]);
        unlink(path);
    }
    return 0;
}
