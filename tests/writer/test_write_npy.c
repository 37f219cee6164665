/*
 * test_write_npy.c — pipe_write_npy checked byte by byte against the .npy
 * format 1.0 as NumPy documents it, with an independent header parser:
 * magic, version, little-endian header length, the dict (descr,
 * fortran_order, shape), padding to 64 bytes ending in a newline, then the
 * elements in C order.
 */
#include "table_write.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The bytes pipe_write_npy writes for t (malloc'd), their count in *size. */
static unsigned char *npy_bytes(const pipe_tensor *t, size_t *size)
{
    char *bytes = NULL;
    FILE *f = open_memstream(&bytes, size);
    char err[256] = "";
    cr_assert_eq(pipe_write_npy(f, t, err, sizeof err), 0, "%s", err);
    fclose(f);
    return (unsigned char *)bytes;
}

/* Parse the header as NumPy would; returns the dict text (malloc'd,
 * without padding) and the data offset. */
static char *parse_header(const unsigned char *b, size_t size, size_t *data_offset)
{
    cr_assert_geq(size, 10);
    cr_assert_eq(memcmp(b, "\x93NUMPY", 6), 0, "bad magic");
    cr_assert_eq(b[6], 1, "major version %d", b[6]);
    cr_assert_eq(b[7], 0, "minor version %d", b[7]);
    size_t header_len = (size_t)b[8] | (size_t)b[9] << 8;
    *data_offset = 10 + header_len;
    cr_assert_eq(*data_offset % 64, 0, "data starts at %zu, not a multiple of 64", *data_offset);
    cr_assert_leq(*data_offset, size);
    cr_assert_eq(b[*data_offset - 1], '\n', "the header must end in a newline");
    size_t end = *data_offset - 1;
    while (end > 10 && b[end - 1] == ' ')
        end--;
    for (size_t i = 10; i < end; i++)
        cr_assert(b[i] >= 0x20 && b[i] < 0x7f, "header byte %zu is not printable ASCII", i);
    return strndup((const char *)b + 10, end - 10);
}

static void expect_npy(const pipe_tensor *t, const char *dict)
{
    size_t size, offset;
    unsigned char *b = npy_bytes(t, &size);
    char *found = parse_header(b, size, &offset);
    cr_assert_str_eq(found, dict);
    size_t data = (size_t)pipe_tensor_count(t) * pipe_dtype_size(t->dtype);
    cr_assert_eq(size, offset + data, "file has %zu bytes, expected %zu", size, offset + data);
    cr_assert_eq(memcmp(b + offset, t->data, data), 0, "data bytes differ");
    char header[512];
    cr_assert_eq(pipe_write_npy_header(t, header, sizeof header), (long)offset);
    cr_assert_eq(memcmp(header, b, offset), 0);
    free(found);
    free(b);
}

Test(npy, f64_table)
{
    pipe_tensor *t = pipe_tensor_new2(PIPE_F64, 3, 2);
    double *v = t->data;
    for (int i = 0; i < 6; i++)
        v[i] = i * 1.5 - 2;
    expect_npy(t, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }");
    /* element (1, 0) is the third double: C order */
    size_t size, offset;
    unsigned char *b = npy_bytes(t, &size);
    free(parse_header(b, size, &offset));
    double third;
    memcpy(&third, b + offset + 2 * sizeof(double), sizeof third);
    cr_assert_eq(third, 1.0);
    /* little-endian: 1.0 is 00 00 00 00 00 00 f0 3f */
    const unsigned char one[8] = {0, 0, 0, 0, 0, 0, 0xf0, 0x3f};
    cr_assert_eq(memcmp(b + offset + 16, one, 8), 0);
    free(b);
    pipe_tensor_release(t);
}

Test(npy, every_dtype_and_rank)
{
    int64_t shape[4] = {2, 3, 4, 5};
    struct {
        pipe_dtype dtype;
        const char *descr;
    } kinds[] = {{PIPE_F32, "<f4"},
                 {PIPE_F64, "<f8"},
                 {PIPE_I32, "<i4"},
                 {PIPE_I64, "<i8"},
                 {PIPE_U8, "|u1"}};
    const char *shapes[4] = {"(2,)", "(2, 3)", "(2, 3, 4)", "(2, 3, 4, 5)"};
    for (int k = 0; k < 5; k++) {
        for (int rank = 1; rank <= 4; rank++) {
            pipe_tensor *t = pipe_tensor_new(kinds[k].dtype, rank, shape);
            for (int64_t i = 0; i < pipe_tensor_count(t); i++)
                pipe_tensor_set(t, i, (double)(i % 200));
            char dict[128];
            snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                     kinds[k].descr, shapes[rank - 1]);
            expect_npy(t, dict);
            pipe_tensor_release(t);
        }
    }
}

Test(npy, empty_and_large_shapes)
{
    pipe_tensor *t = pipe_tensor_new2(PIPE_F64, 0, 19);
    expect_npy(t, "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 19), }");
    pipe_tensor_release(t);
    t = pipe_tensor_new2(PIPE_F64, 100000, 19);
    expect_npy(t, "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 19), }");
    pipe_tensor_release(t);
}
