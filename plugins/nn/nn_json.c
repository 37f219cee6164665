/*
 * nn_json.c — writing escaped JSON strings and reading the strict subset
 * of JSON a safetensors header uses (see nn_json.h); lists of names as
 * JSON text for model metadata (nn_io.h).
 */
#include "nn_json.h"
#include "nn_io.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nn_buf_reserve(nn_buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *data = realloc(b->data, cap);
    if (!data) {
        b->failed = 1;
        return -1;
    }
    b->data = data;
    b->cap = cap;
    return 0;
}

void nn_buf_add(nn_buf *b, const char *s)
{
    size_t n = strlen(s);
    if (nn_buf_reserve(b, n) != 0)
        return;
    memcpy(b->data + b->len, s, n + 1);
    b->len += n;
}

void nn_buf_addf(nn_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || nn_buf_reserve(b, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void nn_buf_add_string(nn_buf *b, const char *s)
{
    nn_buf_add(b, "\"");
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            nn_buf_addf(b, "\\%c", *c);
        else if (*c < 0x20)
            nn_buf_addf(b, "\\u%04x", *c);
        else {
            char one[2] = {(char)*c, 0};
            nn_buf_add(b, one);
        }
    }
    nn_buf_add(b, "\"");
}

void nn_buf_free(nn_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

int nn_json_fail(nn_json *j, const char *what)
{
    if (!j->err[0])
        snprintf(j->err, sizeof j->err, "%s at byte %td of the header", what, j->p - j->start);
    return -1;
}

static void skip_ws(nn_json *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

int nn_json_accept(nn_json *j, char c)
{
    skip_ws(j);
    if (j->p < j->end && *j->p == c) {
        j->p++;
        return 1;
    }
    return 0;
}

int nn_json_next_is(nn_json *j, char c)
{
    skip_ws(j);
    return j->p < j->end && *j->p == c;
}

int nn_json_expect(nn_json *j, char c)
{
    if (nn_json_accept(j, c))
        return 0;
    char what[32];
    snprintf(what, sizeof what, "expected '%c'", c);
    return nn_json_fail(j, what);
}

int nn_json_at_end(nn_json *j)
{
    skip_ws(j);
    return j->p == j->end;
}

static int hex4(nn_json *j, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++, j->p++) {
        if (j->p >= j->end)
            return nn_json_fail(j, "unfinished \\u escape");
        char c = *j->p;
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return nn_json_fail(j, "bad hex digit in \\u escape");
        *v = *v * 16 + (unsigned)d;
    }
    return 0;
}

/* Append code point `cp` as UTF-8. */
static void add_utf8(nn_buf *b, unsigned cp)
{
    char s[5] = {0};
    if (cp < 0x80) {
        s[0] = (char)cp;
    } else if (cp < 0x800) {
        s[0] = (char)(0xC0 | cp >> 6);
        s[1] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        s[0] = (char)(0xE0 | cp >> 12);
        s[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        s[2] = (char)(0x80 | (cp & 0x3F));
    } else {
        s[0] = (char)(0xF0 | cp >> 18);
        s[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        s[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        s[3] = (char)(0x80 | (cp & 0x3F));
    }
    nn_buf_add(b, s);
}

/* The escape after a backslash (the cursor is on the letter). */
static int escape(nn_json *j, nn_buf *out)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    char c = *j->p++;
    const char *k = strchr(from, c);
    if (c && k) {
        char one[2] = {to[k - from], 0};
        nn_buf_add(out, one);
        return 0;
    }
    if (c != 'u')
        return nn_json_fail(j, "bad escape in string");
    unsigned cp, low;
    if (hex4(j, &cp) != 0)
        return -1;
    if (cp >= 0xD800 && cp < 0xDC00) {
        if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u')
            return nn_json_fail(j, "unpaired surrogate in string");
        j->p += 2;
        if (hex4(j, &low) != 0)
            return -1;
        if (low < 0xDC00 || low > 0xDFFF)
            return nn_json_fail(j, "unpaired surrogate in string");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    } else if (cp >= 0xDC00 && cp < 0xE000) {
        return nn_json_fail(j, "unpaired surrogate in string");
    }
    if (cp == 0)
        return nn_json_fail(j, "NUL character in string");
    add_utf8(out, cp);
    return 0;
}

char *nn_json_string(nn_json *j)
{
    if (nn_json_expect(j, '"') != 0)
        return NULL;
    nn_buf out = {0};
    nn_buf_add(&out, "");
    while (j->p < j->end && *j->p != '"') {
        unsigned char c = (unsigned char)*j->p;
        if (c < 0x20) {
            nn_json_fail(j, "control character in string");
            break;
        }
        j->p++;
        if (c == '\\') {
            if (j->p >= j->end || escape(j, &out) != 0)
                break;
            continue;
        }
        char one[2] = {(char)c, 0};
        nn_buf_add(&out, one);
    }
    if (j->err[0] || j->p >= j->end || out.failed) {
        nn_json_fail(j, out.failed ? "out of memory" : "unterminated string");
        nn_buf_free(&out);
        return NULL;
    }
    j->p++; /* the closing quote */
    return out.data;
}

int nn_json_uint(nn_json *j, int64_t *v)
{
    skip_ws(j);
    if (j->p >= j->end || *j->p < '0' || *j->p > '9')
        return nn_json_fail(j, "expected a non-negative integer");
    if (*j->p == '0' && j->p + 1 < j->end && j->p[1] >= '0' && j->p[1] <= '9')
        return nn_json_fail(j, "leading zero in integer");
    int64_t x = 0;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
        if (x > (INT64_MAX - 9) / 10)
            return nn_json_fail(j, "integer too large");
        x = x * 10 + (*j->p++ - '0');
    }
    if (j->p < j->end && (*j->p == '.' || *j->p == 'e' || *j->p == 'E'))
        return nn_json_fail(j, "expected an integer, found a fraction");
    *v = x;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Name lists (nn_io.h)                                                 */
/* ------------------------------------------------------------------ */

char *pipe_nn_names_to_json(const char *const *names, size_t n)
{
    nn_buf b = {0};
    nn_buf_add(&b, "[");
    for (size_t i = 0; i < n; i++) {
        nn_buf_add(&b, i ? ", " : "");
        nn_buf_add_string(&b, names[i]);
    }
    nn_buf_add(&b, "]");
    if (b.failed)
        nn_buf_free(&b);
    return b.data;
}

void pipe_nn_names_free(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}

char **pipe_nn_names_from_json(const char *text, size_t *n)
{
    nn_json j = {.start = text, .p = text, .end = text + strlen(text)};
    char **names = NULL;
    size_t cap = 0;
    *n = 0;
    int ok = nn_json_expect(&j, '[') == 0;
    if (ok && !nn_json_accept(&j, ']')) {
        do {
            if (*n == cap) {
                cap = cap ? 2 * cap : 16;
                char **more = realloc(names, cap * sizeof *more);
                if (!more) {
                    ok = 0;
                    break;
                }
                names = more;
            }
            if (!(names[*n] = nn_json_string(&j))) {
                ok = 0;
                break;
            }
            ++*n;
        } while (nn_json_accept(&j, ','));
        ok = ok && nn_json_expect(&j, ']') == 0;
    }
    if (ok && nn_json_at_end(&j) && (names || (names = malloc(sizeof *names))))
        return names;
    pipe_nn_names_free(names, *n);
    *n = 0;
    return NULL;
}
