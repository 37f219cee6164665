/*
 * calo_internal.h — what the files of pipe_calo share: the working grid of
 * one candidate (larger than the window so that the 0.3 isolation cone
 * fits), the random draws the physics needs (from pipe_rng only), and the
 * physics of one candidate (calo_event.c).
 */
#ifndef PIPE_CALO_INTERNAL_H
#define PIPE_CALO_INTERNAL_H

#include "calo.h"

/* Side of the working grid: the window, or enough crystals for the cone. */
#define CALO_GRID_MIN 38

/* One candidate's deposits: ECAL crystals (ET, GeV) and HCAL towers. */
typedef struct calo_grid {
    float *ecal;
    int h, w;
    float *hcal; /* th x tw towers, or NULL */
    int th, tw;
    double row, col; /* the candidate's impact point, crystal units */
    double eta;      /* the candidate's eta */
} calo_grid;

/* What one candidate turned out to be. */
typedef struct calo_truth {
    double et;  /* true ET of the candidate, GeV */
    int source; /* CALO_COL_SOURCE codes */
    int pileup; /* interactions in the crossing */
    int64_t soft, jet;
} calo_truth;

/* ---- random draws (calo_event.c) ---- */
double calo_exponential(pipe_rng *rng);
/* Gamma(shape, 1), Marsaglia and Tsang. */
double calo_gamma(pipe_rng *rng, double shape);
/* Poisson(mean) by products of uniforms (mean below a few hundred). */
int calo_poisson(pipe_rng *rng, double mean);

/* Throw one candidate of class `label` into the (zeroed) grid. */
void calo_event(const calo_config *cfg, pipe_rng *rng, int label, calo_grid *g, calo_truth *t);

#endif
