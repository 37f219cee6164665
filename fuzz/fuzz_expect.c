/*
 * fuzz_expect.c — libFuzzer target: an expectation file (--expect) read
 * and checked against a fixed set of metrics, numbers and a string.
 */
#include "core.h"
#include "fuzz_util.h"

#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = pipe_fuzz_file(data, size, path, sizeof path);
    if (fd < 0)
        return 0;
    pipe_metrics m;
    memset(&m, 0, sizeof m);
    pipe_metrics_set(&m, "eval", "mae", 1.25, NULL);
    pipe_metrics_set(&m, "eval", "bins.80-100.n", 42, NULL);
    pipe_metrics_set(&m, "train", "loss", 0.001, NULL);
    pipe_metrics_set(&m, "load", "file", 0, "events.csv");
    pipe_expect_check(path, &m);
    pipe_metrics_free(&m);
    close(fd);
    return 0;
}
