/*
 * plot.h — pipe_plot: publication-quality plots of pipeline results.
 *
 * The library draws with cairo into an image surface (antialiased lines,
 * DejaVu Sans through fontconfig) and writes PNG files with libpng,
 * adding tEXt chunks for provenance. It knows nothing of the pipe SDK:
 * every plot kind takes plain arrays of doubles, so that tests and
 * benchmarks can drive it directly; plugins/plotter/plotter.c adapts it
 * to tensors and parameters.
 *
 * Use: create a canvas, draw one plot kind into it, write the PNG, free
 * the canvas. Drawing functions validate what only they can know (a ROC
 * curve needs both classes, a log axis needs positive values) and return
 * -1 with a message in `err`; inputs must otherwise be finite and of the
 * stated lengths (the adapter checks that and names the ports).
 *
 * Link the static library `pipe_plot` and include "plot.h".
 */
#ifndef PIPE_PLOT_H
#define PIPE_PLOT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The pipe version written into every PNG; the build may define it. */
#ifndef PIPE_PLOT_VERSION
#define PIPE_PLOT_VERSION "0.1.0"
#endif

/* The font family every plot asks fontconfig for. */
#define PLOT_FONT_FAMILY "DejaVu Sans"

/* Most series on one set of axes (ROC curves, bar groups). */
#define PLOT_MAX_SERIES 8

/* An error message of the library. */
typedef struct plot_err {
    char text[400];
} plot_err;

/* An image being drawn: a cairo image surface with a white background.
 * `dpi` sets the scale of text and lines (1 pt = dpi / 72 px). */
typedef struct plot_canvas plot_canvas;

/* A new canvas, or NULL (with err set) for a bad size or out of memory. */
plot_canvas *plot_canvas_new(int width, int height, double dpi, plot_err *err);
void plot_canvas_free(plot_canvas *cv);
int plot_canvas_width(const plot_canvas *cv);
int plot_canvas_height(const plot_canvas *cv);
/* A line every plot kind drawn next on this canvas shows under its title
 * (small, grey): what the plot shows, e.g. "simulated, seed 42 · val rows,
 * N = 2000 · model dnn". NULL or "" for none; markup as in titles; cut to
 * 399 bytes. */
void plot_canvas_set_subtitle(plot_canvas *cv, const char *text);
/* The subtitle set last ("" when none). */
const char *plot_canvas_subtitle(const plot_canvas *cv);
/* The RGB value (0xRRGGBB) of pixel (x, y). */
uint32_t plot_canvas_pixel(const plot_canvas *cv, int x, int y);

/* Where data point (x, y) of the axes drawn last (the last panel of a
 * figure) lies in pixels. Returns 0, or -1 when no axes were drawn or a
 * log axis cannot show the point. For tests and image maps. */
int plot_canvas_locate(const plot_canvas *cv, double x, double y, double *px, double *py);

/* One tEXt chunk: keyword (1–79 Latin-1 characters) and text. */
typedef struct plot_png_text {
    const char *key;
    const char *value;
} plot_png_text;

/* Write the canvas as an 8-bit RGB PNG with the given tEXt chunks and a
 * pHYs chunk holding the canvas DPI. No time stamp: the same drawing
 * gives the same bytes. Returns 0, or -1 with err set. */
int plot_png_write(const plot_canvas *cv, FILE *out, const plot_png_text *text, size_t n_text,
                   plot_err *err);

/* Free the font caches cairo and fontconfig keep for the process. Call
 * it only when no canvas exists and no other code in the process uses
 * cairo or fontconfig: a plugin calls it when it is unloaded, so that the
 * caches are not lost (and reported as leaks) with the libraries. */
void plot_library_release(void);

/* The family fontconfig resolves PLOT_FONT_FAMILY to (for a warning
 * when the font package is missing). Writes "" when unknown. */
void plot_font_resolved(char *family, size_t size);

/* How a scatter is drawn: individual translucent markers, or a 2-D
 * density (counts per cell on a log colour scale). AUTO picks density
 * above PLOT_SCATTER_AUTO_LIMIT points. */
typedef enum plot_scatter_mode {
    PLOT_SCATTER_AUTO,
    PLOT_SCATTER_POINTS,
    PLOT_SCATTER_DENSITY,
} plot_scatter_mode;
#define PLOT_SCATTER_AUTO_LIMIT 5000

/* What a ROC plot's axes show: the background efficiency (false positive
 * rate) against the signal efficiency; the signal efficiency against the
 * background rejection 1/ε_B (on a log axis unless log_y is turned off;
 * where ε_B = 0 the rejection is infinite and the curve runs along the
 * top of the axis); or the signal efficiency against 1 − ε_B. */
typedef enum plot_roc_axes {
    PLOT_ROC_STANDARD,
    PLOT_ROC_REJECTION,
    PLOT_ROC_REJECTION_LINEAR,
} plot_roc_axes;

/* Options shared by the plot kinds. Strings are markup: "^{2}" raises,
 * "_{ee}" lowers. NULL or "" means the kind's default. */
typedef struct plot_options {
    const char *title;
    const char *x_label;
    const char *y_label;
    const char *variable; /* the regressed quantity, e.g. "M" */
    const char *unit;     /* its unit, e.g. "GeV" ("" for none) */
    int log_x, log_y;
    int bins;                   /* histogram bins; 0 = the kind's default */
    int label_peaks;            /* mass_spectrum: name the J/ψ, Υ, Z peaks */
    int signed_errors;          /* error_hist, error_vs_true: pred − true, not |pred − true| */
    int density;                /* histograms: normalise to unit area */
    double threshold;           /* confusion: score ≥ threshold is class 1 */
    const char *const *classes; /* names of label values 0, 1, ... */
    size_t n_classes;
    plot_scatter_mode scatter;
    size_t max_images;      /* image_grid: images shown */
    plot_roc_axes roc_axes; /* roc: what the axes show */
    size_t per_class;       /* image_grid: 0, or examples per class, one row per class */
    int rgb;                /* image_grid: compose 3 channels as one colour image */
    int log_z;              /* mean_image: logarithmic colour scale */
    /* score_hist, confusion: what the threshold is, e.g. "tuned threshold"
     * (NULL or "" for "threshold") */
    const char *threshold_name;
    /* loss_curve: the epoch marked "best" on both panels (as the model
     * reported it); 0 means the epoch of the smallest validation loss */
    double best_epoch;
    const char *loss_name; /* loss_curve: e.g. "MSE [GeV^{2}]"; NULL or "" for plain "Loss" */
    /* score_vs_mass: the mass window that defines the label (edges drawn
     * when window_hi > window_lo) */
    double window_lo, window_hi;
    /* score_hist, error_hist, mass_spectrum: a weight per row (the weight
     * input), NULL for 1; the histograms sum weights and the legends say so */
    const double *weight;
} plot_options;

/* Defaults: M in GeV, linear axes, 0.5 threshold, classes
 * "background"/"signal", AUTO scatter, 16 images. */
void plot_options_init(plot_options *o);

/* A named column of values. */
typedef struct plot_vec {
    const double *v;
    size_t n;
    const char *name;
} plot_vec;

/* Training history, one value per epoch. `loss` is required; the other
 * columns may have v == NULL (epoch then counts from 1). */
typedef struct plot_history {
    plot_vec epoch, loss, val_loss, mae, val_mae;
} plot_history;

/* A batch of images, f32 (N, C, H, W) row-major. */
typedef struct plot_images {
    const float *data;
    size_t n, channels, height, width;
} plot_images;

/* ---- regression (plot_regression.c) ---- */
int plot_loss_curve(plot_canvas *cv, const plot_options *o, const plot_history *h, plot_err *err);
int plot_pred_vs_true(plot_canvas *cv, const plot_options *o, const double *pred,
                      const double *truth, size_t n, plot_err *err);
/* Two panels: |pred − true| and |pred − true| / |true| in % (signed
 * with o->signed_errors); rows with true = 0 are left out of the second
 * and counted in its note. */
int plot_error_hist(plot_canvas *cv, const plot_options *o, const double *pred, const double *truth,
                    size_t n, plot_err *err);
int plot_error_vs_true(plot_canvas *cv, const plot_options *o, const double *pred,
                       const double *truth, size_t n, plot_err *err);

/* ---- matrices (plot_matrix.c) ---- */
/* Pearson correlation of n_cols columns of equal length. */
int plot_correlation(plot_canvas *cv, const plot_options *o, const plot_vec *cols, size_t n_cols,
                     plot_err *err);
/* Binary confusion matrix of score ≥ o->threshold against label (0/1). */
int plot_confusion(plot_canvas *cv, const plot_options *o, const double *score, const double *label,
                   size_t n, plot_err *err);
/* K x K confusion matrix of predicted class indices against true ones
 * (both integers 0..k−1, k = o->n_classes ≥ 2, named by o->classes):
 * each cell coloured by the fraction of its true class (row), with the
 * count and that fraction printed. */
int plot_confusion_classes(plot_canvas *cv, const plot_options *o, const double *predicted,
                           const double *label, size_t n, plot_err *err);
/* The confusion matrix's subtitle: "threshold T, accuracy A %", or, when
 * every score is already a class (0 or 1, e.g. a classifier's tuned
 * labels) and the threshold keeps them, "classes as given, accuracy A %". */
void plot_confusion_subtitle(const plot_options *o, const double *score, size_t n,
                             double accuracy_percent, char *buf, size_t size);

/* ---- spectra (plot_spectrum.c) ---- */
/* The spectrum of `mass` (GeV) in logarithmic bins, log–log. */
int plot_mass_spectrum(plot_canvas *cv, const plot_options *o, const double *mass, size_t n,
                       plot_err *err);

/* ---- classifier output (plot_classifier.c) ---- */
/* ROC curves of each score series against the same 0/1 label. */
int plot_roc(plot_canvas *cv, const plot_options *o, const plot_vec *scores, size_t n_scores,
             const double *label, size_t n, plot_err *err);
int plot_score_hist(plot_canvas *cv, const plot_options *o, const double *score,
                    const double *label, size_t n, plot_err *err);

/* Class probabilities: n rows of k ≥ 2 values (row major), class c named
 * o->classes[c] (o->n_classes == k). */
typedef struct plot_proba {
    const double *p;
    size_t n, k;
} plot_proba;

/* One-vs-rest ROC curves of a multi-class model: class c's probability
 * against label == c, one curve per class (k ≤ PLOT_MAX_SERIES) with its
 * AUC; a class without rows (or with all) is named in the legend as
 * having no curve. */
int plot_roc_classes(plot_canvas *cv, const plot_options *o, const plot_proba *proba,
                     const double *label, plot_err *err);
/* One panel per class c: the histogram of P(c) for the rows of each true
 * class, overlaid (scaled to unit sum with o->density). */
int plot_class_hist(plot_canvas *cv, const plot_options *o, const plot_proba *proba,
                    const double *label, plot_err *err);
/* Mean score (± standard deviation) per bin of mass. */
int plot_score_vs_mass(plot_canvas *cv, const plot_options *o, const double *score,
                       const double *mass, size_t n, plot_err *err);

/* ---- comparisons and images (plot_bars.c, plot_images.c) ---- */
/* Grouped bars: one group per metric (metrics[j].name), one bar per
 * model (models[i]); metrics[j].v[i] is the value of model i. */
int plot_bars(plot_canvas *cv, const plot_options *o, const plot_vec *metrics, size_t n_metrics,
              const char *const *models, size_t n_models, plot_err *err);
/* A grid of the first o->max_images images; `labels` may be NULL. With
 * o->per_class > 0, images holds o->n_classes rows of o->per_class slots,
 * class by class, and labels[i] is the slot's class or -1 for an empty
 * slot: one row per class, named on the left. With o->rgb, 3-channel
 * images are shown as colour (values clamped to [0, 1]). */
int plot_image_grid(plot_canvas *cv, const plot_options *o, const plot_images *images,
                    const double *labels, plot_err *err);

/* ---- mean images (plot_mean_image.c) ---- */
/* The mean of the images of each class: labels[i] is image i's class
 * index 0..n_classes-1 (anything else is an error); means receives
 * n_classes images of im's shape, counts the images of each class. */
int plot_class_means(const plot_images *im, const double *labels, size_t n_classes, float *means,
                     size_t *counts, plot_err *err);
/* The means->n class means side by side, named by o->classes, with their
 * image counts; o->log_z for a logarithmic colour scale. */
int plot_mean_image(plot_canvas *cv, const plot_options *o, const plot_images *means,
                    const size_t *counts, plot_err *err);

#ifdef __cplusplus
}
#endif
#endif /* PIPE_PLOT_H */
