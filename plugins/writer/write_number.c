/*
 * write_number.c — numbers as text that reads back as the same value.
 *
 * The text is what %.15g, %.16g or %.17g would give (the shortest of them
 * that reads back as exactly the double), or %.<precision>g; but printf
 * and strtod take over a microsecond per number together. Here 17 digits
 * come from one multiplication in extended precision, are rounded to the
 * digits wanted (printf takes over when they sit too close to a tie to
 * tell) and laid out like %g; the shortest candidate that reads back
 * exactly with pipe_csv's correctly rounding parser wins.
 */
#include "csv.h"
#include "table_write.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* NaN and the infinities, or -1 for a finite value. */
static int format_special(char *buf, double v)
{
    if (isnan(v)) {
        buf[0] = '\0';
        return 0;
    }
    if (isinf(v))
        return snprintf(buf, PIPE_WRITE_NUMBER_MAX, "%s", v < 0 ? "-inf" : "inf");
    return -1;
}

/* Lay out `digits` (n of them, no trailing zeros) with the decimal
 * exponent x of the first digit as %.<precision>g would. */
static int layout_g(char *buf, int negative, const char *digits, int n, int x, int precision)
{
    int len = 0;
    if (negative)
        buf[len++] = '-';
    if (x < -4 || x >= precision) { /* d.ddde+XX */
        buf[len++] = digits[0];
        if (n > 1) {
            buf[len++] = '.';
            memcpy(buf + len, digits + 1, (size_t)(n - 1));
            len += n - 1;
        }
        return len + snprintf(buf + len, 8, "e%c%02d", x < 0 ? '-' : '+', abs(x));
    }
    if (x < 0) { /* 0.000ddd */
        memcpy(buf + len, "0.", 2);
        len += 2;
        memset(buf + len, '0', (size_t)(-x - 1));
        len += -x - 1;
        memcpy(buf + len, digits, (size_t)n);
        len += n;
    } else { /* ddd.ddd or ddd000 */
        int whole = n < x + 1 ? n : x + 1;
        memcpy(buf + len, digits, (size_t)whole);
        len += whole;
        memset(buf + len, '0', (size_t)(x + 1 - whole));
        len += x + 1 - whole;
        if (n > whole) {
            buf[len++] = '.';
            memcpy(buf + len, digits + whole, (size_t)(n - whole));
            len += n - whole;
        }
    }
    buf[len] = '\0';
    return len;
}

/* |v| (finite, nonzero) rounded to 17 significant digits: the digits
 * as an integer in [1e16, 1e17), or 0 when the fast way cannot tell. *x
 * is the decimal exponent of the first digit. The scaling by an exact
 * power of ten in x87 extended precision is within 0.006 of the exact
 * 17-digit scaled value, so the rounding to an integer is that of the
 * exact value unless the fraction is within 0.01 of one half. */
static uint64_t digits17(double v, int *x)
{
#if LDBL_MANT_DIG == 64 && (defined(__x86_64__) || defined(__i386__))
    static const long double pow10_ext[] = {1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,
                                            1e7L,  1e8L,  1e9L,  1e10L, 1e11L, 1e12L, 1e13L,
                                            1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L,
                                            1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};
    const uint64_t low = UINT64_C(10000000000000000), high = 10 * low;
    long double a = fabsl((long double)v);
    int e = (int)floor(log10(fabs(v))); /* may be one off: corrected below */
    for (int attempt = 0; attempt < 3; attempt++) {
        int k = 16 - e;
        if (k < -27 || k > 27)
            return 0;
        long double scaled = k >= 0 ? a * pow10_ext[k] : a / pow10_ext[-k];
        /* Adding 2^63 rounds to an integer, which is then the mantissa
           (the first 8 bytes): faster than converting to an integer. */
        long double rounded = scaled + 0x1p63L;
        long double fraction = scaled - (rounded - 0x1p63L); /* exact, in [-0.5, 0.5] */
        uint64_t m;
        memcpy(&m, &rounded, sizeof m);
        m -= UINT64_C(1) << 63;
        if (m >= low && m < high) {
            *x = e;
            return fabsl(fraction) < 0.49L ? m : 0;
        }
        e += m >= high ? 1 : -1;
    }
    return 0;
#else
    (void)v, (void)x;
    return 0;
#endif
}

static const uint64_t pow10_u64[18] = {1,
                                       10,
                                       100,
                                       1000,
                                       10000,
                                       100000,
                                       1000000,
                                       10000000,
                                       100000000,
                                       1000000000,
                                       10000000000,
                                       100000000000,
                                       1000000000000,
                                       10000000000000,
                                       100000000000000,
                                       1000000000000000,
                                       10000000000000000,
                                       100000000000000000};

/* m (p digits) as text digits without trailing zeros; returns how many. */
static int digit_text(uint64_t m, int p, char *digits)
{
    while (p > 1 && m % 10 == 0)
        m /= 10, p--;
    for (int i = p - 1; i >= 0; i--, m /= 10)
        digits[i] = (char)('0' + m % 10);
    return p;
}

/* v with its 17 digits m17 (exponent x) rounded to p digits and laid out
 * like %.<p>g; -1 when m17 sits on a tie between two p-digit numbers:
 * m17 is within 0.51 of the truth, so only then may it round the other
 * way than the exact value. */
static int layout_rounded(char *buf, double v, uint64_t m17, int x, int p)
{
    uint64_t scale = pow10_u64[17 - p], half = scale / 2, rest = m17 % scale;
    if (scale > 1 && rest == half)
        return -1;
    uint64_t m = (m17 + half) / scale;
    int carry = m == pow10_u64[p]; /* 9.99.. rounded up to 10.0.. */
    char digits[20];
    int n = digit_text(carry ? m / 10 : m, p, digits);
    return layout_g(buf, signbit(v) != 0, digits, n, x + carry, p);
}

/* %.<p>g of v, the fast way when it can be trusted. */
static int format_g(char *buf, double v, int p, uint64_t m17, int x)
{
    int len = m17 ? layout_rounded(buf, v, m17, x, p) : -1;
    return len >= 0 ? len : snprintf(buf, PIPE_WRITE_NUMBER_MAX, "%.*g", p, v);
}

/* An integral v below 1e15 in magnitude, in full (as %.0f would). */
static int format_integer(char *buf, double v)
{
    char digits[20];
    uint64_t m = (uint64_t)fabs(v);
    int n = 0;
    do
        digits[n++] = (char)('0' + m % 10);
    while ((m /= 10) > 0);
    int len = 0;
    if (signbit(v))
        buf[len++] = '-';
    while (n > 0)
        buf[len++] = digits[--n];
    buf[len] = '\0';
    return len;
}

int pipe_write_format_double(char *buf, double v, int precision)
{
    int n = format_special(buf, v);
    if (n >= 0)
        return n;
    if (precision > 0 && v == trunc(v) && fabs(v) < 1e15)
        return format_integer(buf, v); /* integers in full */
    int x = 0;
    uint64_t m17 = v != 0 ? digits17(v, &x) : 0;
    if (precision > 0)
        return format_g(buf, v, precision > 17 ? 17 : precision, m17, x);
    for (int p = 15; p <= 17; p++) { /* the shortest that reads back exactly */
        n = format_g(buf, v, p, m17, x);
        double back;
        if (pipe_csv_parse_double(buf, buf + n, &back) == buf + n && back == v)
            return n;
    }
    return snprintf(buf, PIPE_WRITE_NUMBER_MAX, "%.17g", v); /* always reads back exactly */
}

int pipe_write_format_float(char *buf, float v, int precision)
{
    int n = format_special(buf, v);
    if (n >= 0)
        return n;
    if (precision > 0)
        return snprintf(buf, PIPE_WRITE_NUMBER_MAX, "%.*g", precision > 9 ? 9 : precision, v);
    for (int digits = 6; digits < 9; digits++) {
        n = snprintf(buf, PIPE_WRITE_NUMBER_MAX, "%.*g", digits, v);
        if (strtof(buf, NULL) == v)
            return n;
    }
    return snprintf(buf, PIPE_WRITE_NUMBER_MAX, "%.9g", v);
}
