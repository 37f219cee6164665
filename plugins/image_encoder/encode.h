/*
 * encode.h — pipe_image: the logic of the `image_encoder` stage, pure
 * functions from the quantities of dielectron events to images (f32,
 * N × C × H × W, row-major) and back.
 *
 * tabular (the study's scheme): 3 channels of 2 × 3 cells, one row per
 * electron, one cell per quantity:
 *
 *              column 0   column 1   column 2
 *   channel 0   pt_e       E_e        0
 *   channel 1   eta_e      phi_e      0
 *   channel 2   px_e       py_e       pz_e          (row e = 0, 1: electron 1, 2)
 *
 * The cells hold the quantities as given (already standardised, say) or,
 * with a momentum scale s > 0, divided by fixed scales: pt, E, px, py, pz
 * by s, eta by 2.5, phi by pi. Decoding multiplies back: exact to float
 * precision.
 *
 * eta_phi (jet-image style): an n_eta × n_phi grid over |eta| < eta_max and
 * phi in (-pi, pi]; each electron adds pt / s to the cell it falls in (one
 * channel, or one per charge: channel 0 for Q > 0, 1 for Q < 0). An
 * electron outside the eta range goes to the nearest edge row. Decoding
 * gives one deposit per nonzero cell: pt exactly (float precision), eta
 * and phi at the cell centre (within half a cell), the charge when there
 * is one channel per charge; two electrons in one cell (of one channel)
 * come back as one deposit with the sum of their pt.
 *
 * Link the static library `pipe_image_core` and include "encode.h".
 */
#ifndef PIPE_IMAGE_ENCODE_H
#define PIPE_IMAGE_ENCODE_H

#include <stddef.h>
#include <stdint.h>

/* The quantities of the tabular scheme, per electron, in cell order. */
enum {
    PIPE_IMAGE_PT,
    PIPE_IMAGE_E,
    PIPE_IMAGE_ETA,
    PIPE_IMAGE_PHI,
    PIPE_IMAGE_PX,
    PIPE_IMAGE_PY,
    PIPE_IMAGE_PZ,
    PIPE_IMAGE_QUANTITIES
};

#define PIPE_IMAGE_TABULAR_C 3
#define PIPE_IMAGE_TABULAR_H 2
#define PIPE_IMAGE_TABULAR_W 3
#define PIPE_IMAGE_TABULAR_CELLS                                                                   \
    (PIPE_IMAGE_TABULAR_C * PIPE_IMAGE_TABULAR_H * PIPE_IMAGE_TABULAR_W)

/* The 14 column names of the tabular scheme: pt1, E1, eta1, phi1, px1,
 * py1, pz1, then the same for electron 2. */
extern const char *const pipe_image_tabular_columns[2 * PIPE_IMAGE_QUANTITIES];

/* The flat cell index (c·H + e)·W + col of quantity k of electron e. */
int pipe_image_tabular_cell(int k, int e);

/* The divisor of quantity k under fixed scaling with momentum scale s
 * (s for momenta and energies, 2.5 for eta, pi for phi), or 1 when s <= 0
 * (no scaling). */
double pipe_image_tabular_divisor(int k, double s);

/* rows × 14 values (pipe_image_tabular_columns order) to rows images of
 * 3 × 2 × 3; and back (rows × 14 doubles). */
void pipe_image_tabular_encode(const double *values, int64_t rows, double s, float *images);
void pipe_image_tabular_decode(const float *images, int64_t rows, double s, double *values);

/* The eta_phi grid. */
typedef struct pipe_image_grid {
    int n_eta, n_phi;
    double eta_max;
    int charge_channels; /* 1: one channel per charge */
    double pt_scale;     /* a cell holds pt / pt_scale */
} pipe_image_grid;

int pipe_image_grid_channels(const pipe_image_grid *g);
/* The cell row of eta (clamped to the grid; *outside set when clamped)
 * and the cell column of phi (phi in (-pi, pi]; other values wrapped). */
int pipe_image_eta_row(const pipe_image_grid *g, double eta, int *outside);
int pipe_image_phi_col(const pipe_image_grid *g, double phi);
/* The centre of a cell row and column. */
double pipe_image_eta_centre(const pipe_image_grid *g, int row);
double pipe_image_phi_centre(const pipe_image_grid *g, int col);

/* One electron of an event. */
typedef struct pipe_image_electron {
    double pt, eta, phi, q;
} pipe_image_electron;

/* Add the electrons (n of them) of one event to `image` (C × n_eta ×
 * n_phi, zeroed by the caller). Returns how many fell outside the eta
 * range. */
int pipe_image_eta_phi_encode(const pipe_image_grid *g, const pipe_image_electron *e, int n,
                              float *image);

/* The deposits of one image: up to `max` of them into out (pt, eta and
 * phi at the cell centre, q = +1 / -1 per channel with charge channels,
 * else 0), in channel, row, column order. Returns the number found (which
 * may exceed max; only max are written). */
int pipe_image_eta_phi_decode(const pipe_image_grid *g, const float *image,
                              pipe_image_electron *out, int max);

#endif
