/*
 * nn_json.h — the little JSON the safetensors header needs: a growable
 * text buffer that writes escaped strings, and a strict cursor that reads
 * strings, non-negative integers and punctuation. Internal to the core.
 */
#ifndef PIPE_NN_JSON_H
#define PIPE_NN_JSON_H

#include <stddef.h>
#include <stdint.h>

/* A growable NUL-terminated text; `failed` is set when memory ran out. */
typedef struct nn_buf {
    char *data;
    size_t len, cap;
    int failed;
} nn_buf;

/* Room for `extra` more bytes (and a NUL after them): 0, or -1 with
 * `failed` set (sticky: every later call fails too). */
int nn_buf_reserve(nn_buf *b, size_t extra);
void nn_buf_add(nn_buf *b, const char *s);
void nn_buf_addf(nn_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append `s` as a JSON string literal, quotes included. */
void nn_buf_add_string(nn_buf *b, const char *s);
void nn_buf_free(nn_buf *b);

/* A reading cursor over [p, end). The first error is kept in `err`
 * with its byte offset from `start`. */
typedef struct nn_json {
    const char *start, *p, *end;
    char err[160];
} nn_json;

/* Skip white space; if the next character is `c`, consume it and return
 * 1, else return 0. */
int nn_json_accept(nn_json *j, char c);
/* Skip white space; nonzero when the next character is `c` (not consumed). */
int nn_json_next_is(nn_json *j, char c);
/* Like nn_json_accept, but a different character is an error (-1). */
int nn_json_expect(nn_json *j, char c);
/* A string literal, decoded to UTF-8 (malloc'd), or NULL on error. */
char *nn_json_string(nn_json *j);
/* A non-negative integer literal. Returns 0, or -1 on error. */
int nn_json_uint(nn_json *j, int64_t *v);
/* Nonzero when only white space is left. */
int nn_json_at_end(nn_json *j);
/* Record an error (the first one wins); returns -1. */
int nn_json_fail(nn_json *j, const char *what);

#endif
