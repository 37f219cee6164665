/*
 * csv_number.c — pipe_csv_parse_double: a fast decimal-to-double parser
 * that rounds exactly like strtod.
 *
 * Numbers written like the CMS files' (at most 7 digits before and after
 * the point, no exponent) are read eight bytes at a time by the inline
 * csv_parse_short (csv_number.h), which ends like path 1 below. The
 * others come here (csv_parse_general), with three ways to the double,
 * from fast to slow:
 *  1. Clinger's fast path: when the significant digits fit in 53 bits and
 *     the decimal exponent is within ±22, both the digits and the power of
 *     ten are exact doubles, so one IEEE multiplication or division gives
 *     the correctly rounded result. The CMS files' 9-digit event numbers
 *     take this path.
 *  2. The same idea in x87 extended precision (64-bit mantissa) for up to
 *     19 digits and exponents within ±27: the extended result is within
 *     half an extended ulp of the true value, so rounding it to double is
 *     correct unless its 11 extra bits sit at the halfway point; those rare
 *     cases fall through.
 *  3. strtod on a copy of the number's text, for everything else (more
 *     than 19 significant digits, huge exponents, the ambiguous cases).
 */
#include "csv_number.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The digits of a number as scanned: value = mantissa * 10^exponent. */
typedef struct decimal {
    uint64_t mantissa; /* the first (up to) 19 significant digits */
    int64_t exponent;  /* decimal exponent applied to mantissa */
    int truncated;     /* nonzero digits beyond the 19th were dropped */
} decimal;

#define MAX_DIGITS 19
#define MAX_EXPONENT_TEXT 100000 /* exponents beyond this are clamped */

static int is_digit(char c)
{
    return (unsigned char)(c - '0') < 10;
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Nonzero when [s, end) starts with `word` (lower case), ignoring case. */
static int starts_with_word(const char *s, const char *end, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(end - s) < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower(s[i]) != word[i])
            return 0;
    return 1;
}

/* "inf", "infinity" or "nan" at s; returns the end or NULL. */
static const char *parse_special(const char *s, const char *end, int negative, double *out)
{
    if (starts_with_word(s, end, "infinity")) {
        *out = negative ? -INFINITY : INFINITY;
        return s + 8;
    }
    if (starts_with_word(s, end, "inf")) {
        *out = negative ? -INFINITY : INFINITY;
        return s + 3;
    }
    if (starts_with_word(s, end, "nan")) {
        *out = negative ? -NAN : NAN;
        return s + 3;
    }
    return NULL;
}

/* Digits of a run starting at p into d; returns the end of the run.
 * `fraction` nonzero: digits after the point (each lowers the exponent). */
static const char *scan_digits(const char *p, const char *end, decimal *d, int *n_digits,
                               int fraction)
{
    for (; p < end && is_digit(*p); p++) {
        unsigned digit = (unsigned)(*p - '0');
        if (*n_digits == 0 && digit == 0) {
            d->exponent -= fraction; /* leading zero: not significant */
            continue;
        }
        if (*n_digits < MAX_DIGITS) {
            d->mantissa = d->mantissa * 10 + digit;
            d->exponent -= fraction;
            ++*n_digits;
        } else {
            d->exponent += !fraction;
            d->truncated |= digit != 0;
        }
    }
    return p;
}

/* An optional exponent "e[+-]digits" at p; returns its end (p itself when
 * there is none, so that "1e" parses as 1 followed by "e"). */
static const char *scan_exponent(const char *p, const char *end, decimal *d)
{
    if (p >= end || (*p != 'e' && *p != 'E'))
        return p;
    const char *q = p + 1;
    int negative = 0;
    if (q < end && (*q == '+' || *q == '-'))
        negative = *q++ == '-';
    if (q >= end || !is_digit(*q))
        return p;
    int64_t value = 0;
    for (; q < end && is_digit(*q); q++)
        if (value < MAX_EXPONENT_TEXT)
            value = value * 10 + (*q - '0');
    d->exponent += negative ? -value : value;
    return q;
}

/* Path 1: exact operands, one rounding. */
static int convert_fast(const decimal *d, double *out)
{
    if (d->truncated || d->mantissa > (UINT64_C(1) << 53) || d->exponent < -22 || d->exponent > 22)
        return 0;
    double m = (double)d->mantissa;
    *out = d->exponent >= 0 ? m * csv_exact_pow10[d->exponent] : m / csv_exact_pow10[-d->exponent];
    return 1;
}

/* Path 2: extended precision, with a check that rounding to double is
 * unambiguous. Needs the x87 80-bit format, whose first 8 bytes are the
 * whole 64-bit mantissa. */
static int convert_extended(const decimal *d, double *out)
{
#if LDBL_MANT_DIG == 64 && (defined(__x86_64__) || defined(__i386__))
    static const long double pow10_ext[] = {1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,
                                            1e7L,  1e8L,  1e9L,  1e10L, 1e11L, 1e12L, 1e13L,
                                            1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L,
                                            1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};
    if (d->truncated || d->exponent < -27 || d->exponent > 27)
        return 0;
    long double m = (long double)d->mantissa;
    long double r = d->exponent >= 0 ? m * pow10_ext[d->exponent] : m / pow10_ext[-d->exponent];
    uint64_t bits;
    memcpy(&bits, &r, sizeof bits);
    unsigned extra = (unsigned)(bits & 0x7ff); /* the 11 bits double drops */
    if (extra >= 0x3ff && extra <= 0x401)
        return 0;
    *out = (double)r;
    return 1;
#else
    (void)d;
    (void)out;
    return 0;
#endif
}

/* Path 3: strtod on a NUL-terminated copy of [s, e). */
__attribute__((noinline)) static double convert_strtod(const char *s, const char *e)
{
    char local[128];
    size_t n = (size_t)(e - s);
    char *copy = n < sizeof local ? local : malloc(n + 1);
    if (!copy)
        return NAN; /* out of memory on a number longer than 127 characters */
    memcpy(copy, s, n);
    copy[n] = '\0';
    double value = strtod(copy, NULL);
    if (copy != local)
        free(copy);
    return value;
}

/* The digits at *p into *mantissa (which wraps when there are more than
 * 19: the caller then rescans); returns how many there were. */
static int64_t scan_run(const char **p, const char *end, uint64_t *mantissa)
{
    const char *q = *p;
    uint64_t m = *mantissa;
    for (; q < end && is_digit(*q); q++)
        m = m * 10 + (uint64_t)(*q - '0');
    int64_t count = q - *p;
    *p = q;
    *mantissa = m;
    return count;
}

/* The careful scan of the digits, for numbers with more than 19 of them:
 * keeps the first 19 significant digits and notes the rest. */
static const char *scan_long_number(const char *p, const char *end, decimal *d)
{
    int n_digits = 0;
    p = scan_digits(p, end, d, &n_digits, 0);
    if (p < end && *p == '.')
        p = scan_digits(p + 1, end, d, &n_digits, 1);
    return p;
}

/* The value of d (digits already scanned; text [s, e) for strtod). */
static double decimal_value(const decimal *d, const char *s, const char *e)
{
    double value;
    if (d->mantissa == 0)
        return 0.0;
    if (convert_fast(d, &value) || convert_extended(d, &value))
        return value;
    return fabs(convert_strtod(s, e));
}

const char *csv_parse_general(const char *s, const char *end, double *out)
{
    const char *p = s;
    int negative = 0;
    if (p < end && (*p == '+' || *p == '-'))
        negative = *p++ == '-';
    const char *number = p;
    while (p < end && *p == '0')
        p++; /* leading zeros */
    uint64_t mantissa = 0;
    int64_t n_significant = scan_run(&p, end, &mantissa);
    int64_t exponent = 0;
    int has_digits = p > number;
    if (p < end && *p == '.') {
        const char *fraction = ++p;
        if (mantissa == 0)
            while (p < end && *p == '0')
                p++; /* zeros right after the point are not significant */
        n_significant += scan_run(&p, end, &mantissa);
        exponent = -(int64_t)(p - fraction);
        if (p == fraction && !has_digits)
            p--; /* a lone "." is not a number */
        has_digits |= p > fraction;
    }
    if (!has_digits)
        return parse_special(number, end, negative, out);
    decimal d = {mantissa, exponent, 0};
    if (n_significant > MAX_DIGITS) {
        d = (decimal){0, 0, 0};
        scan_long_number(number, end, &d);
    }
    p = scan_exponent(p, end, &d);
    double value = decimal_value(&d, s, p);
    *out = negative ? -value : value;
    return p;
}

const char *pipe_csv_parse_double(const char *s, const char *end, double *out)
{
    return csv_parse_number(s, end, out);
}
