/*
 * encode.c — pipe_image: events to images and back, for the tabular and
 * eta_phi schemes described in encode.h.
 */
#include "encode.h"

#include <math.h>
#include <string.h>

const char *const pipe_image_tabular_columns[2 * PIPE_IMAGE_QUANTITIES] = {
    "pt1", "E1", "eta1", "phi1", "px1", "py1", "pz1",
    "pt2", "E2", "eta2", "phi2", "px2", "py2", "pz2"};

/* Channel and column of each quantity (its row is the electron). */
static const int cell_channel[PIPE_IMAGE_QUANTITIES] = {0, 0, 1, 1, 2, 2, 2};
static const int cell_column[PIPE_IMAGE_QUANTITIES] = {0, 1, 0, 1, 0, 1, 2};

int pipe_image_tabular_cell(int k, int e)
{
    return (cell_channel[k] * PIPE_IMAGE_TABULAR_H + e) * PIPE_IMAGE_TABULAR_W + cell_column[k];
}

double pipe_image_tabular_divisor(int k, double s)
{
    if (s <= 0)
        return 1;
    if (k == PIPE_IMAGE_ETA)
        return 2.5;
    if (k == PIPE_IMAGE_PHI)
        return M_PI;
    return s;
}

void pipe_image_tabular_encode(const double *values, int64_t rows, double s, float *images)
{
    memset(images, 0, (size_t)rows * PIPE_IMAGE_TABULAR_CELLS * sizeof *images);
    for (int64_t r = 0; r < rows; r++) {
        const double *v = values + r * 2 * PIPE_IMAGE_QUANTITIES;
        float *image = images + r * PIPE_IMAGE_TABULAR_CELLS;
        for (int e = 0; e < 2; e++)
            for (int k = 0; k < PIPE_IMAGE_QUANTITIES; k++)
                image[pipe_image_tabular_cell(k, e)] =
                    (float)(v[e * PIPE_IMAGE_QUANTITIES + k] / pipe_image_tabular_divisor(k, s));
    }
}

void pipe_image_tabular_decode(const float *images, int64_t rows, double s, double *values)
{
    for (int64_t r = 0; r < rows; r++) {
        double *v = values + r * 2 * PIPE_IMAGE_QUANTITIES;
        const float *image = images + r * PIPE_IMAGE_TABULAR_CELLS;
        for (int e = 0; e < 2; e++)
            for (int k = 0; k < PIPE_IMAGE_QUANTITIES; k++)
                v[e * PIPE_IMAGE_QUANTITIES + k] =
                    image[pipe_image_tabular_cell(k, e)] * pipe_image_tabular_divisor(k, s);
    }
}

/* ------------------------------------------------------------------ */
/* eta_phi                                                              */
/* ------------------------------------------------------------------ */

int pipe_image_grid_channels(const pipe_image_grid *g)
{
    return g->charge_channels ? 2 : 1;
}

int pipe_image_eta_row(const pipe_image_grid *g, double eta, int *outside)
{
    double at = (eta + g->eta_max) / (2 * g->eta_max) * g->n_eta;
    int row = (int)floor(at);
    *outside = !(eta > -g->eta_max && eta < g->eta_max);
    if (row < 0)
        return 0;
    return row >= g->n_eta ? g->n_eta - 1 : row;
}

int pipe_image_phi_col(const pipe_image_grid *g, double phi)
{
    /* Cells are (lo, hi]: phi = pi is the last cell, -pi wraps onto it. */
    double turn = 2 * M_PI, at = fmod(phi + M_PI, turn);
    if (at <= 0)
        at += turn;
    int col = (int)ceil(at / turn * g->n_phi) - 1;
    return col < 0 ? 0 : col >= g->n_phi ? g->n_phi - 1 : col;
}

double pipe_image_eta_centre(const pipe_image_grid *g, int row)
{
    return -g->eta_max + (row + 0.5) * (2 * g->eta_max / g->n_eta);
}

double pipe_image_phi_centre(const pipe_image_grid *g, int col)
{
    return -M_PI + (col + 0.5) * (2 * M_PI / g->n_phi);
}

int pipe_image_eta_phi_encode(const pipe_image_grid *g, const pipe_image_electron *e, int n,
                              float *image)
{
    size_t plane = (size_t)g->n_eta * g->n_phi;
    int outside_count = 0;
    for (int i = 0; i < n; i++) {
        int outside, row = pipe_image_eta_row(g, e[i].eta, &outside);
        int channel = g->charge_channels && e[i].q < 0 ? 1 : 0;
        outside_count += outside;
        image[channel * plane + (size_t)row * g->n_phi + pipe_image_phi_col(g, e[i].phi)] +=
            (float)(e[i].pt / g->pt_scale);
    }
    return outside_count;
}

int pipe_image_eta_phi_decode(const pipe_image_grid *g, const float *image,
                              pipe_image_electron *out, int max)
{
    int found = 0, channels = pipe_image_grid_channels(g);
    for (int c = 0; c < channels; c++)
        for (int row = 0; row < g->n_eta; row++)
            for (int col = 0; col < g->n_phi; col++) {
                float v = image[((size_t)c * g->n_eta + row) * g->n_phi + col];
                if (v == 0)
                    continue;
                if (found < max)
                    out[found] = (pipe_image_electron){
                        v * g->pt_scale, pipe_image_eta_centre(g, row),
                        pipe_image_phi_centre(g, col), g->charge_channels ? (c ? -1 : 1) : 0};
                found++;
            }
    return found;
}
