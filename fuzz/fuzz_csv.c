/*
 * fuzz_csv.c — libFuzzer target: the CSV reader of plugins/loader
 * (pipe_csv) on arbitrary text, its options taken from the first byte:
 * delimiter, skipping bad rows, a row limit, one or two threads.
 */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const char delimiters[] = {',', ';', '\t', ' '};
    pipe_csv_options opt;
    memset(&opt, 0, sizeof opt);
    opt.delimiter = delimiters[data[0] & 3];
    opt.skip_bad_rows = (data[0] >> 2) & 1;
    opt.max_rows = (data[0] >> 3) & 1 ? 3 : 0;
    opt.threads = (data[0] >> 4) & 1 ? 2 : 1;
    pipe_csv_report report;
    char err[512];
    pipe_tensor *t = pipe_csv_read_buffer("fuzz.csv", (const char *)data + 1, size - 1, &opt,
                                          &report, err, sizeof err);
    pipe_tensor_release(t);
    return 0;
}
