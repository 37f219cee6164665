/*
 * fuzz_util.h — what the libFuzzer targets share: the fuzzer's bytes as
 * a file with a path (an anonymous memfd seen through /proc/self/fd), for
 * readers that only take paths.
 */
#ifndef PIPE_FUZZ_UTIL_H
#define PIPE_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* An in-memory file holding `data`; its path goes into path. Returns the
 * descriptor (close it when done), or -1. */
int pipe_fuzz_file(const uint8_t *data, size_t size, char *path, size_t path_size);

#endif
