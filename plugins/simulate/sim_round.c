/*
 * sim_round.c — rounding to a number of significant decimal digits, the
 * way the CMS file keeps its values (6 digits), without the cost of
 * printing and parsing every number.
 *
 * x * 10^k is rounded to an integer and divided back, with exact powers
 * of ten only (|k| <= 22). Rounding to the nearest integer is branch-free
 * (adding and subtracting 1.5 * 2^52 rounds to nearest, ties to even, as
 * printf does); only when the rounded product sits exactly on a half is
 * its exact error (fma) consulted. The result is the double nearest to
 * the rounded decimal: what strtod(printf("%.*g")) gives. Other scales
 * and more than 15 digits, rare, go through printf and strtod.
 */
#include "sim.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exact powers of ten (10^0 .. 10^22 are exact doubles). */
static const double exact_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
#define EXACT_POW10_MAX 22

/* 10^k for k in [-30, 30], the nearest doubles: index k + 30. */
static const double pow10_near[] = {
    1e-30, 1e-29, 1e-28, 1e-27, 1e-26, 1e-25, 1e-24, 1e-23, 1e-22, 1e-21, 1e-20, 1e-19, 1e-18,
    1e-17, 1e-16, 1e-15, 1e-14, 1e-13, 1e-12, 1e-11, 1e-10, 1e-9,  1e-8,  1e-7,  1e-6,  1e-5,
    1e-4,  1e-3,  1e-2,  1e-1,  1e0,   1e1,   1e2,   1e3,   1e4,   1e5,   1e6,   1e7,   1e8,
    1e9,   1e10,  1e11,  1e12,  1e13,  1e14,  1e15,  1e16,  1e17,  1e18,  1e19,  1e20,  1e21,
    1e22,  1e23,  1e24,  1e25,  1e26,  1e27,  1e28,  1e29,  1e30};
#define POW10_NEAR_OFFSET 30

/*
 * floor(log10(a)) for finite a > 0, from the binary exponent; -999 when a
 * is outside [2^-99, 2^100) (the caller takes the slow path). Within one
 * ulp of a power of ten the answer may be one off, which cannot change
 * the rounded value: both digit counts round it to that power of ten.
 */
static int decimal_exponent(double a)
{
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int e2 = (int)((bits >> 52) & 0x7ff) - 1023; /* a = 1.f * 2^e2 */
    if (e2 < -99 || e2 > 99)
        return -999;
    int e10 = (int)(e2 * 0.30102999566398120 + 64.0) - 64; /* floor: argument > 0 */
    e10 += a >= pow10_near[e10 + 1 + POW10_NEAR_OFFSET];
    return e10;
}

/* v rounded to the nearest integer, ties to even; |v| < 2^51. */
static double nearest_integer(double v)
{
    const double magic = 0x1.8p52;
    return (v + magic) - magic;
}

/* The exact value was v + tail, and v is exactly half-way between two
 * integers: round by the sign of tail, an exact tie to even. */
static double settle_half(double v, double even, double tail)
{
    if (tail > 0)
        return v + 0.5;
    if (tail < 0)
        return v - 0.5;
    return even;
}

/* The slow exact way. */
static double round_by_printing(double x, int digits)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*e", digits - 1, x);
    return strtod(buf, NULL);
}

double pipe_sim_round(double x, int digits)
{
    if (digits <= 0 || digits > 17 || !isfinite(x) || x == 0)
        return x;
    int e10 = decimal_exponent(fabs(x));
    int k = digits - 1 - e10;
    if (digits > 15 || e10 == -999 || k > EXACT_POW10_MAX || -k > EXACT_POW10_MAX)
        return round_by_printing(x, digits);
    if (k >= 0) {
        double scale = exact_pow10[k], v = x * scale, r = nearest_integer(v);
        if (fabs(r - v) == 0.5)
            r = settle_half(v, r, fma(x, scale, -v));
        return r / scale;
    }
    double scale = exact_pow10[-k], v = x / scale, r = nearest_integer(v);
    if (fabs(r - v) == 0.5)
        r = settle_half(v, r, fma(-v, scale, x));
    return r * scale;
}
