/*
 * ticks.c — where the ticks of an axis go and what they say.
 *
 * Linear axes use nice numbers in the sense of Heckbert ("Nice numbers
 * for graph labels", Graphics Gems I): steps of 1, 2 or 5 times a power
 * of ten. plot_nice_range() is Heckbert's loose labelling (the range is
 * widened to whole steps); plot_ticks_linear() keeps the range and picks,
 * among the nice steps near (hi − lo) / (target − 1), the one whose tick
 * count inside the range is closest to the target.
 */
#include "ticks.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tolerance, relative to a step, for ticks that sit on a range end. */
#define TICK_EPS 1e-9

double plot_nice_number(double x, int round)
{
    double exponent = floor(log10(x));
    double scale = pow(10.0, exponent);
    double fraction = x / scale;
    double nice;
    if (round)
        nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
    else
        nice = fraction <= 1 + TICK_EPS   ? 1
               : fraction <= 2 + TICK_EPS ? 2
               : fraction <= 5 + TICK_EPS ? 5
                                          : 10;
    return nice * scale;
}

/* Widen a zero-width range around its value. */
static void widen_empty(double *lo, double *hi)
{
    if (*hi > *lo)
        return;
    double half = *lo != 0 ? fabs(*lo) * 0.1 : 1.0;
    *lo -= half;
    *hi += half;
}

void plot_nice_range(double *lo, double *hi, int target)
{
    widen_empty(lo, hi);
    if (target < 2)
        target = 2;
    double range = plot_nice_number(*hi - *lo, 0);
    double step = plot_nice_number(range / (target - 1), 1);
    *lo = floor(*lo / step + TICK_EPS) * step;
    *hi = ceil(*hi / step - TICK_EPS) * step;
}

/* Number of multiples of `step` inside [lo, hi]. */
static long count_multiples(double lo, double hi, double step)
{
    return (long)(floor(hi / step + TICK_EPS) - ceil(lo / step - TICK_EPS)) + 1;
}

/* The nice step (1, 2 or 5 × 10^k) whose tick count in [lo, hi] is
 * closest to target; the larger step wins a tie. */
static double choose_step(double lo, double hi, int target)
{
    double raw = (hi - lo) / (target > 1 ? target - 1 : 1);
    double decade = pow(10.0, floor(log10(raw)));
    static const double mantissas[] = {1, 2, 5};
    double best = plot_nice_number(raw, 1);
    long best_miss = -1;
    for (int k = 1; k >= -1; k--) {
        for (int m = 2; m >= 0; m--) {
            double step = mantissas[m] * decade * pow(10.0, k);
            long count = count_multiples(lo, hi, step);
            if (count < 2 || count > PLOT_MAX_TICKS)
                continue;
            long miss = labs(count - target);
            if (best_miss < 0 || miss < best_miss) {
                best = step;
                best_miss = miss;
            }
        }
    }
    return best;
}

/* Replace each ASCII hyphen of a formatted number with the typographic
 * minus sign U+2212, as far as the buffer allows. */
static void typeset_minus(char *buf, size_t size)
{
    static const char minus[] = "\xE2\x88\x92";
    char *p;
    while ((p = strchr(buf, '-')) != NULL) {
        size_t len = strlen(buf);
        if (len + 2 >= size)
            return;
        memmove(p + 3, p + 1, len - (size_t)(p - buf));
        memcpy(p, minus, 3);
    }
}

/* The same without the typographic minus. */
static void format_fixed_ascii(double v, int decimals, char *buf, size_t size)
{
    snprintf(buf, size, "%.*f", decimals < 0 ? 0 : decimals, v);
    /* "-0", "-0.00": a rounded zero has no sign. */
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
        memmove(buf, buf + 1, strlen(buf));
}

void plot_format_fixed(double v, int decimals, char *buf, size_t size)
{
    format_fixed_ascii(v, decimals, buf, size);
    typeset_minus(buf, size);
}

/* Drop trailing zeros after a decimal point, and the point itself. */
static void strip_zeros(char *buf)
{
    if (!strchr(buf, '.'))
        return;
    size_t len = strlen(buf);
    while (buf[len - 1] == '0')
        buf[--len] = '\0';
    if (buf[len - 1] == '.')
        buf[--len] = '\0';
}

/* Significant-digit formatting; `strip` drops trailing zeros. */
static void format_sig(double v, int digits, int strip, char *buf, size_t size)
{
    if (v == 0 || !isfinite(v)) {
        snprintf(buf, size, v == 0 ? "0" : "%g", v);
        return;
    }
    int e = (int)floor(log10(fabs(v)));
    if (e >= -3 && e < 6) {
        format_fixed_ascii(v, digits - 1 - e, buf, size);
        if (strip)
            strip_zeros(buf);
    } else {
        char mantissa[32];
        format_fixed_ascii(v / pow(10.0, e), digits - 1, mantissa, sizeof mantissa);
        if (strip)
            strip_zeros(mantissa);
        if (strcmp(mantissa, "1") == 0)
            snprintf(buf, size, "10^{%d}", e);
        else
            snprintf(buf, size, "%s×10^{%d}", mantissa, e);
    }
    typeset_minus(buf, size);
}

void plot_format_sig(double v, int digits, char *buf, size_t size)
{
    format_sig(v, digits, 1, buf, size);
}

void plot_format_value(double v, int digits, char *buf, size_t size)
{
    format_sig(v, digits, 0, buf, size);
}

/* Decimals needed to print multiples of `step`. */
static int decimals_for(double step)
{
    int d = (int)-floor(log10(step) + TICK_EPS);
    return d > 0 ? d : 0;
}

/* A power of ten (multiple of 3) that brings labels of magnitude
 * `largest` into a readable range, or 0. */
static int label_exponent(double largest)
{
    if (largest >= 1e6 || (largest > 0 && largest < 1e-3))
        return 3 * (int)floor(log10(largest) / 3);
    return 0;
}

/* Minor subdivisions of a step by its mantissa: 1 → 5, 2 → 4, 5 → 5. */
static int minor_divisions(double step)
{
    double mantissa = step / pow(10.0, floor(log10(step) + TICK_EPS));
    return fabs(mantissa - 2) < 0.01 ? 4 : 5;
}

void plot_ticks_linear(double lo, double hi, int target, plot_ticks *t)
{
    memset(t, 0, sizeof *t);
    widen_empty(&lo, &hi);
    double step = choose_step(lo, hi, target);
    t->step = step;
    t->exponent = label_exponent(fmax(fabs(lo), fabs(hi)));
    double scale = pow(10.0, t->exponent);
    int decimals = decimals_for(step / scale);
    long first = (long)ceil(lo / step - TICK_EPS);
    long last = (long)floor(hi / step + TICK_EPS);
    for (long i = first; i <= last && t->n_major < PLOT_MAX_TICKS; i++) {
        double v = (double)i * step;
        if (fabs(v) < step * TICK_EPS)
            v = 0;
        t->major[t->n_major] = v;
        plot_format_fixed(v / scale, decimals, t->label[t->n_major], PLOT_TICK_LABEL);
        t->n_major++;
    }
    int divisions = minor_divisions(step);
    double minor_step = step / divisions;
    first = (long)ceil(lo / minor_step - TICK_EPS);
    last = (long)floor(hi / minor_step + TICK_EPS);
    for (long i = first; i <= last && t->n_minor < PLOT_MAX_TICKS; i++)
        if (i % divisions != 0)
            t->minor[t->n_minor++] = (double)i * minor_step;
}

/* The label of m × 10^d on a log axis, as a plain number or a power. */
static void log_label(int m, int d, int powers, char *buf, size_t size)
{
    if (!powers)
        plot_format_sig(m * pow(10.0, d), 2, buf, size);
    else if (m == 1)
        snprintf(buf, size, "10^{%d}", d);
    else
        snprintf(buf, size, "%d×10^{%d}", m, d);
    typeset_minus(buf, size);
}

/* Whether mantissa m gets a labelled major tick for a span of `decades`. */
static int log_labelled(int m, double decades)
{
    if (m == 1)
        return 1;
    if (decades < 1.0)
        return m == 2 || m == 3 || m == 5;
    if (decades < 2.3)
        return m == 2 || m == 5;
    return 0;
}

void plot_ticks_log(double lo, double hi, plot_ticks *t)
{
    memset(t, 0, sizeof *t);
    double decades = log10(hi / lo);
    int d_lo = (int)floor(log10(lo) + TICK_EPS);
    int d_hi = (int)ceil(log10(hi) - TICK_EPS);
    int stride = decades <= 8 ? 1 : (int)ceil(decades / 7);
    t->step = stride;
    /* one notation for the whole axis: plain numbers only when all fit */
    int powers = lo < 0.01 * (1 - TICK_EPS) || hi >= 1e5;
    for (int d = d_lo; d <= d_hi; d++) {
        for (int m = 1; m <= 9; m++) {
            double v = m * pow(10.0, d);
            if (v < lo * (1 - TICK_EPS) || v > hi * (1 + TICK_EPS))
                continue;
            int major = log_labelled(m, decades) && (m != 1 || d % stride == 0);
            if (major && t->n_major < PLOT_MAX_TICKS) {
                t->major[t->n_major] = v;
                log_label(m, d, powers, t->label[t->n_major], PLOT_TICK_LABEL);
                t->n_major++;
            } else if (!major && t->n_minor < PLOT_MAX_TICKS && (m == 1 || decades <= 10)) {
                t->minor[t->n_minor++] = v;
            }
        }
    }
}
