/*
 * write_npy.c — tensors as NumPy .npy files (format version 1.0): the
 * magic string, a little header dict (descr, fortran_order, shape) padded
 * with spaces to a multiple of 64 bytes and ended by a newline, then the
 * raw elements in C (row-major) order.
 */
#include "table_write.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* NumPy's name of a dtype in this machine's byte order. */
static const char *npy_descr(pipe_dtype dtype)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    static const char *const names[] = {">f4", ">f8", ">i4", ">i8", "|u1"};
#else
    static const char *const names[] = {"<f4", "<f8", "<i4", "<i8", "|u1"};
#endif
    return (unsigned)dtype < 5 ? names[dtype] : NULL;
}

long pipe_write_npy_header(const pipe_tensor *t, char *buf, size_t size)
{
    char dict[256], shape[160];
    size_t len = 0;
    const char *descr = npy_descr(t->dtype);
    if (!descr || t->rank < 1 || t->rank > PIPE_MAX_RANK)
        return -1;
    for (int i = 0; i < t->rank; i++)
        len += (size_t)snprintf(shape + len, sizeof shape - len, "%lld,%s", (long long)t->shape[i],
                                i + 1 < t->rank ? " " : "");
    if (t->rank > 1)
        shape[len - 1] = '\0'; /* (2, 3) but (5,) */
    int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
                     descr, shape);
    /* magic (6) + version (2) + header length (2) + dict + padding + '\n' */
    size_t total = (10 + (size_t)n + 1 + 63) / 64 * 64;
    if (total > size || total - 10 > 65535)
        return -1;
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (char)((total - 10) & 0xff);
    buf[9] = (char)((total - 10) >> 8);
    memcpy(buf + 10, dict, (size_t)n);
    memset(buf + 10 + n, ' ', total - 10 - (size_t)n - 1);
    buf[total - 1] = '\n';
    return (long)total;
}

int pipe_write_npy(FILE *f, const pipe_tensor *t, char *err, size_t err_size)
{
    char header[512];
    long n = pipe_write_npy_header(t, header, sizeof header);
    if (n < 0) {
        snprintf(err, err_size, "cannot describe a %s tensor of rank %d in .npy",
                 pipe_dtype_name(t->dtype), t->rank);
        return -1;
    }
    size_t count = (size_t)pipe_tensor_count(t);
    size_t element = pipe_dtype_size(t->dtype);
    if (fwrite(header, 1, (size_t)n, f) != (size_t)n ||
        fwrite(t->data, element, count, f) != count || ferror(f)) {
        snprintf(err, err_size, "cannot write: %s", strerror(errno));
        return -1;
    }
    return 0;
}
