/*
 * fuzz_safetensors.c — libFuzzer target: the safetensors reader of
 * plugins/nn (pipe_nn_st_read) on arbitrary bytes, and, when a file is
 * accepted, every tensor read back and a model rebuilt from it.
 */
#include "fuzz_util.h"
#include "nn_io.h"

#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64], err[512];
    int fd = pipe_fuzz_file(data, size, path, sizeof path);
    if (fd < 0)
        return 0;
    pipe_nn_st_file *st = pipe_nn_st_read(path, err, sizeof err);
    if (st) {
        volatile double sink = 0;
        for (size_t i = 0; i < pipe_nn_st_tensor_count(st); i++) {
            const pipe_nn_st_tensor *t = pipe_nn_st_tensor_at(st, i);
            int64_t n = pipe_nn_st_count(t);
            for (int64_t k = 0; k < n && k < 4096; k++)
                sink += pipe_nn_st_get(t, k);
        }
        (void)sink;
        pipe_nn_model *m = pipe_nn_model_load(st, 4, err, sizeof err);
        if (m)
            pipe_nn_model_free(m);
        pipe_nn_st_free(st);
    }
    close(fd);
    return 0;
}
