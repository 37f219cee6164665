/*
 * stats.h — the numbers behind the plots (internal to pipe_plot):
 * ranges, quantiles, histograms, per-bin profiles, Pearson correlation.
 * Pure arithmetic on finite doubles. (ROC curves come from the metrics
 * library, as the histogram bins do.)
 */
#ifndef PIPE_PLOT_STATS_H
#define PIPE_PLOT_STATS_H

#include <stddef.h>

/* Smallest and largest value (n > 0). */
void plot_min_max(const double *v, size_t n, double *lo, double *hi);
/* Smallest value > 0, or 0 when there is none. */
double plot_min_positive(const double *v, size_t n);
double plot_mean(const double *v, size_t n);

/* The q-quantile (0 ≤ q ≤ 1) with linear interpolation between order
 * statistics (numpy's default). Returns NAN when out of memory. */
double plot_quantile(const double *v, size_t n, double q);

/* bins + 1 edges, evenly spaced on [lo, hi], linearly or in log10. */
void plot_edges_linear(double lo, double hi, size_t bins, double *edges);
void plot_edges_log(double lo, double hi, size_t bins, double *edges);

/* Count the values into bins with increasing edges ([e_i, e_i+1), the
 * last bin closed). Values outside are counted in *under and *over
 * (either may be NULL). */
void plot_histogram(const double *v, size_t n, const double *edges, size_t bins, double *counts,
                    size_t *under, size_t *over);
/* The same with value i weighing w[i] (w NULL: 1); under and over count
 * rows. Negative weights subtract. */
void plot_histogram_weighted(const double *v, const double *w, size_t n, const double *edges,
                             size_t bins, double *counts, size_t *under, size_t *over);

/* Mean and standard deviation (population) of y per bin of x; bins with
 * no entry get NAN. count may be NULL. */
void plot_profile(const double *x, const double *y, size_t n, const double *edges, size_t bins,
                  double *mean, double *sd, size_t *count);

/* Pearson correlation of a and b; NAN when either is constant. */
double plot_pearson(const double *a, const double *b, size_t n);

#endif
