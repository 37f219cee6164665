/*
 * ticks.h — axis ticks of pipe_plot: "nice numbers" on linear axes
 * (Heckbert, Graphics Gems I, 1990) and decades on logarithmic axes,
 * with their labels. Pure arithmetic, no drawing.
 */
#ifndef PIPE_PLOT_TICKS_H
#define PIPE_PLOT_TICKS_H

#include <stddef.h>

#define PLOT_MAX_TICKS 64
#define PLOT_TICK_LABEL 32

/* The ticks of one axis. Major ticks carry a label (markup: "10^{3}");
 * a major tick may have an empty label on crowded log axes. Labels of a
 * linear axis are the values divided by 10^exponent (exponent is 0
 * unless the values are very large or very small; the axis label then
 * shows "×10^{exponent}"). */
typedef struct plot_ticks {
    size_t n_major;
    double major[PLOT_MAX_TICKS];
    char label[PLOT_MAX_TICKS][PLOT_TICK_LABEL];
    size_t n_minor;
    double minor[PLOT_MAX_TICKS];
    double step; /* distance of major ticks (linear), or of labelled decades (log) */
    int exponent;
} plot_ticks;

/* Heckbert's nice number: a number of the form {1, 2, 5, 10} × 10^k
 * close to x > 0. With `round` the nearest such number, otherwise the
 * smallest one ≥ x. */
double plot_nice_number(double x, int round);

/* Extend [*lo, *hi] outward to multiples of the nice step for about
 * `target` ticks. An empty range is widened around its value first. */
void plot_nice_range(double *lo, double *hi, int target);

/* Major ticks at nice multiples within [lo, hi] (about `target` of them),
 * minor ticks subdividing the steps, and labels with just enough
 * decimals for the step. */
void plot_ticks_linear(double lo, double hi, int target, plot_ticks *t);

/* Ticks of a log axis over [lo, hi] (0 < lo < hi): major ticks at the
 * decades (every k-th decade when there are many), minor ticks at 2..9
 * times each decade. Ranges under about two decades also label 2× and 5×.
 * Labels are plain numbers when the range lies within [0.01, 10^5),
 * otherwise all are powers "10^{k}". */
void plot_ticks_log(double lo, double hi, plot_ticks *t);

/* Numbers are typeset with the minus sign U+2212 ("−0.5"). */

/* Format v with `decimals` decimals, never "−0". */
void plot_format_fixed(double v, int decimals, char *buf, size_t size);

/* Format v with about `digits` significant digits, without trailing
 * zeros: 0.912, 1.23, 1235, "1.2×10^{6}" (markup). */
void plot_format_sig(double v, int digits, char *buf, size_t size);
/* The same keeping trailing zeros, for measured values: "1.00",
 * "5.20×10^{−4}". */
void plot_format_value(double v, int digits, char *buf, size_t size);

#endif
