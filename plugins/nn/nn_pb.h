/*
 * nn_pb.h — a small encoder of the protocol-buffers wire format, enough
 * for the ONNX files of nn_onnx.c: varints, length-delimited fields
 * (strings, bytes, nested messages, packed repeated integers) and 32-bit
 * floats. A message is built in a growable buffer; a nested message is
 * built in its own buffer and appended as one length-delimited field.
 *
 * Allocation failures are sticky: every call after one does nothing, and
 * `failed` stays set, so callers check once at the end.
 */
#ifndef PIPE_NN_PB_H
#define PIPE_NN_PB_H

#include "nn_json.h"

#include <stddef.h>
#include <stdint.h>

/* The message's bytes in the core's growable buffer (data, len; failed
 * set when memory ran out). */
typedef nn_buf nn_pb;

/* Frees the buffer and resets it to empty. */
void nn_pb_free(nn_pb *b);

/* Field `field` as a varint (int32, int64, enum; negative values take ten
 * bytes, as protobuf encodes them). */
void nn_pb_int(nn_pb *b, int field, int64_t value);
/* Field `field` as a 32-bit float (wire type 5). */
void nn_pb_float(nn_pb *b, int field, float value);
/* Field `field` length-delimited: n raw bytes. */
void nn_pb_bytes(nn_pb *b, int field, const void *data, size_t n);
/* The same for a NUL-terminated string. */
void nn_pb_string(nn_pb *b, int field, const char *s);
/* The message `sub` as field `field`; sub is freed (also when b failed). */
void nn_pb_message(nn_pb *b, int field, nn_pb *sub);
/* The fields already encoded in `src` appended to b; src is freed. */
void nn_pb_append(nn_pb *b, nn_pb *src);
/* Repeated int64 field `field`, packed. */
void nn_pb_ints(nn_pb *b, int field, const int64_t *v, size_t n);

#endif
