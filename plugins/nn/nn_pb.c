/*
 * nn_pb.c — the protocol-buffers wire encoder of nn_pb.h: a tag is
 * (field << 3) | wire type, varints carry 7 bits a byte, low bits first.
 */
#include "nn_pb.h"

#include <string.h>

enum { WIRE_VARINT = 0, WIRE_LEN = 2, WIRE_32BIT = 5 };

void nn_pb_free(nn_pb *b)
{
    nn_buf_free(b);
}

static void append(nn_pb *b, const void *data, size_t n)
{
    if (n && nn_buf_reserve(b, n) == 0) {
        memcpy(b->data + b->len, data, n);
        b->len += n;
    }
}

static void varint(nn_pb *b, uint64_t v)
{
    unsigned char bytes[10];
    size_t n = 0;
    do {
        bytes[n] = (unsigned char)(v & 0x7f);
        v >>= 7;
        bytes[n++] |= v ? 0x80 : 0;
    } while (v);
    append(b, bytes, n);
}

static void tag(nn_pb *b, int field, int wire)
{
    varint(b, ((uint64_t)field << 3) | (uint64_t)wire);
}

void nn_pb_int(nn_pb *b, int field, int64_t value)
{
    tag(b, field, WIRE_VARINT);
    varint(b, (uint64_t)value);
}

void nn_pb_float(nn_pb *b, int field, float value)
{
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    unsigned char bytes[4] = {(unsigned char)bits, (unsigned char)(bits >> 8),
                              (unsigned char)(bits >> 16), (unsigned char)(bits >> 24)};
    tag(b, field, WIRE_32BIT);
    append(b, bytes, sizeof bytes);
}

void nn_pb_bytes(nn_pb *b, int field, const void *data, size_t n)
{
    tag(b, field, WIRE_LEN);
    varint(b, n);
    append(b, data, n);
}

void nn_pb_string(nn_pb *b, int field, const char *s)
{
    nn_pb_bytes(b, field, s, strlen(s));
}

void nn_pb_message(nn_pb *b, int field, nn_pb *sub)
{
    if (sub->failed)
        b->failed = 1;
    else
        nn_pb_bytes(b, field, sub->data, sub->len);
    nn_pb_free(sub);
}

void nn_pb_append(nn_pb *b, nn_pb *src)
{
    if (src->failed)
        b->failed = 1;
    else
        append(b, src->data, src->len);
    nn_pb_free(src);
}

void nn_pb_ints(nn_pb *b, int field, const int64_t *v, size_t n)
{
    nn_pb packed = {0};
    for (size_t i = 0; i < n; i++)
        varint(&packed, (uint64_t)v[i]);
    nn_pb_message(b, field, &packed);
}
