/*
 * fuzz_util.c — see fuzz_util.h.
 */
#define _GNU_SOURCE
#include "fuzz_util.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int pipe_fuzz_file(const uint8_t *data, size_t size, char *path, size_t path_size)
{
    int fd = memfd_create("pipe-fuzz", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    for (size_t done = 0; done < size;) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0) {
            close(fd);
            return -1;
        }
        done += (size_t)n;
    }
    snprintf(path, path_size, "/proc/self/fd/%d", fd);
    return fd;
}
