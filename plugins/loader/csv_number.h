/*
 * csv_number.h — the inline fast path of the number parser, shared by
 * pipe_csv_parse_double and the row loop (where inlining it matters: it
 * runs once per field). Everything else is in csv_number.c.
 */
#ifndef PIPE_CSV_NUMBER_H
#define PIPE_CSV_NUMBER_H

#include "csv.h"

#include <string.h>

/* Powers of ten exactly representable as doubles, and as integers. */
static const double csv_exact_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                         1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                         1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
static const uint64_t csv_pow10_int[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};

#define CSV_ONES UINT64_C(0x0101010101010101)

static inline uint64_t csv_load8(const char *p)
{
    uint64_t bytes;
    memcpy(&bytes, p, 8); /* little-endian: p[0] is the low byte */
    return bytes;
}

/* Number of leading decimal digits in 8 bytes (0 to 8), without a branch
 * per digit (SWAR, as in simdjson). A carry out of a non-digit byte only
 * reaches the bytes after it, which do not matter. */
static inline int csv_count_digits8(uint64_t bytes)
{
    uint64_t high = bytes & (CSV_ONES * 0xf0);
    uint64_t over9 = (bytes + CSV_ONES * 0x06) & (CSV_ONES * 0xf0);
    uint64_t not_digit = (high ^ (CSV_ONES * 0x30)) | (over9 ^ (CSV_ONES * 0x30));
    return not_digit ? __builtin_ctzll(not_digit) / 8 : 8;
}

/* The value of the first n (0 to 8) digits of 8 bytes. */
static inline uint64_t csv_value_digits8(uint64_t bytes, int n)
{
    if (n == 0)
        return 0;
    uint64_t v = (bytes & (CSV_ONES * 0x0f)) << (8 * (8 - n)); /* n digits, zeros before */
    v = (v * 10 + (v >> 8)) & UINT64_C(0x00FF00FF00FF00FF);
    v = (v * 100 + (v >> 16)) & UINT64_C(0x0000FFFF0000FFFF);
    return (v * 10000 + (v >> 32)) & UINT64_C(0xFFFFFFFF);
}

/* The high bit of each byte of x that is not an ASCII digit (exact per
 * byte: no carry crosses bytes). */
static inline uint64_t csv_non_digits8(uint64_t x)
{
    uint64_t t = x ^ (CSV_ONES * '0'); /* digits become 0..9 */
    return (((t & (CSV_ONES * 0x7f)) + CSV_ONES * (0x80 - 10)) | t) & (CSV_ONES * 0x80);
}

/* A number [digits][.digits] of at most 7 characters in the 8 bytes at p,
 * followed by a non-digit other than 'e' inside them: its value in *out
 * and its length, or 0 for anything else. One SWAR pass over one word:
 * the point is cut out and the digits on both sides valued together. */
static inline int csv_parse_word(const char *p, double *out)
{
    uint64_t bytes = csv_load8(p);
    uint64_t stops = csv_non_digits8(bytes);
    if (stops == 0)
        return 0;
    int first = __builtin_ctzll(stops) / 8;
    uint64_t later = stops & (stops - 1);
    int is_point = ((bytes >> (8 * first)) & 0xff) == '.';
    int second = later ? __builtin_ctzll(later) / 8 : 8;
    int end = is_point ? second : first;
    if (end == 8)
        return 0;
    int n_digits = end - is_point;
    int n_fraction = is_point ? second - first - 1 : 0;
    int terminator = (int)((bytes >> (8 * end)) & 0xff) | 0x20;
    if (n_digits == 0 || terminator == 'e')
        return 0;
    uint64_t below = first ? (UINT64_C(1) << (8 * first)) - 1 : 0;
    uint64_t digits = is_point ? (bytes & below) | ((bytes >> 8) & ~below) : bytes;
    *out = (double)csv_value_digits8(digits, n_digits) / csv_exact_pow10[n_fraction];
    return end;
}

/* The common short form [+-]digits[.digits] with at most 7 digits on each
 * side and no exponent, with 18 readable bytes at s; returns its end, or
 * NULL for anything else. Branch-free but for that check: signs and digit
 * counts vary from field to field and would be mispredicted. The
 * operands of the division are exact: it rounds correctly. */
static inline const char *csv_parse_short(const char *s, double *out)
{
    int negative = *s == '-';
    const char *p = s + (negative | (*s == '+'));
    double value;
    int length = csv_parse_word(p, &value);
    const char *e = p + length;
    if (length == 0) {
        uint64_t int_bytes = csv_load8(p);
        int n_int = csv_count_digits8(int_bytes);
        const char *fraction = p + n_int + (p[n_int] == '.');
        uint64_t fraction_bytes = csv_load8(fraction);
        int n_fraction = csv_count_digits8(fraction_bytes); /* 0 when there is no point */
        e = fraction + n_fraction;
        if ((n_int | n_fraction) == 0 || n_int == 8 || n_fraction == 8 || (*e | 0x20) == 'e')
            return NULL;
        uint64_t m = csv_value_digits8(int_bytes, n_int) * csv_pow10_int[n_fraction] +
                     csv_value_digits8(fraction_bytes, n_fraction);
        value = (double)m / csv_exact_pow10[n_fraction];
    }
    uint64_t bits;
    memcpy(&bits, &value, 8);
    bits |= (uint64_t)negative << 63;
    memcpy(out, &bits, 8);
    return e;
}

/* Any number (see pipe_csv_parse_double), outside the fast path. */
const char *csv_parse_general(const char *s, const char *end, double *out);

/* pipe_csv_parse_double, inline. */
static inline const char *csv_parse_number(const char *s, const char *end, double *out)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ /* the word tricks assume it */
    if (end - s >= 18) {
        const char *e = csv_parse_short(s, out);
        if (e)
            return e;
    }
#endif
    return csv_parse_general(s, end, out);
}

#endif /* PIPE_CSV_NUMBER_H */
