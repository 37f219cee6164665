/*
 * kinds.h — pieces the plot kind files share (internal to pipe_plot):
 * axis labels with units, range padding, scatters drawn as markers or
 * as a density, square axes, robust upper limits, and one-call
 * histogram panels.
 */
#ifndef PIPE_PLOT_KINDS_H
#define PIPE_PLOT_KINDS_H

#include "draw.h"
#include "stats.h"

/* "name [unit]", or "name" when the unit is empty. */
void plot_label_unit(char *buf, size_t size, const char *name, const char *unit);

/* Widen [*lo, *hi] by `fraction` of its span on each side (linear), or
 * by that fraction of its decades (log). An empty range is widened
 * around its value. */
void plot_pad_range(double *lo, double *hi, int log, double fraction);

/* The value below which nearly all data lie: the maximum, unless it
 * exceeds three times the 99.5 % quantile (a few far outliers), then
 * 1.1 times that quantile. */
double plot_robust_max(const double *v, size_t n);

/* Whether a scatter of n points is drawn as a 2-D density. */
int plot_scatter_is_density(const plot_options *o, size_t n);
/* The colour bar a scatter of n points needs (not shown for markers). */
plot_colorbar plot_scatter_colorbar(const plot_options *o, size_t n);
/* Draw a scatter (markers or density, with its colour bar range) and
 * add its legend entry. */
void plot_scatter(plot_axes *ax, const plot_options *o, const double *x, const double *y, size_t n,
                  plot_legend *lg);

/* The part of `box` (centred) whose data area will be about square,
 * leaving `extra_w` px of room for a colour bar. */
plot_box plot_box_square(plot_canvas *cv, plot_box box, double extra_w);

/* Round a histogram binning to a nice bin width (1, 2, 2.5 or 5 × 10^k)
 * of about (*hi − *lo) / *bins: widens [*lo, *hi] to whole bins and sets
 * *bins to their number. */
void plot_nice_bins(double *lo, double *hi, size_t *bins);

/* Check that every value is > 0 for a log axis; fills err naming `what`. */
int plot_require_positive(const double *v, size_t n, const char *what, plot_err *err);

/* The mean and standard deviation of y per bin of x, over the x range
 * of the axes (log bins on a log axis); empty bins hold NAN. */
typedef struct plot_binned {
    size_t bins;
    double *centre, *mean, *sd; /* bins values each, in one allocation */
} plot_binned;

/* Returns 0, or -1 when out of memory. Free with plot_binned_free. */
int plot_binned_profile(const plot_axes *ax, const double *x, const double *y, size_t n,
                        size_t bins, plot_binned *out);
void plot_binned_free(plot_binned *b);

/* A histogram panel drawn in one call. */
typedef struct plot_hist_panel {
    const double *values;
    size_t n;
    double lo, hi; /* range of the bins */
    size_t bins;
    int log_y;
    const char *x_label, *title, *unit; /* unit of the x values, for "Events / 0.1 GeV" */
    const char *stats_unit;             /* unit printed in the note */
    const char *extra_note;             /* a last line for the note, or NULL */
    const double *weights;              /* per value, or NULL: each counts 1 */
} plot_hist_panel;

/* Draw a histogram panel with its note (entries, mean, median, overflow). */
void plot_hist_panel_draw(plot_canvas *cv, plot_box box, const plot_hist_panel *p);

#endif
