/*
 * calo.h — pipe_calo: images of the energy that electron candidates leave
 * in the CMS barrel electromagnetic calorimeter (and, optionally, the
 * hadron calorimeter), for isolated (prompt W/Z electrons) against
 * non-isolated candidates (electrons from b/c decays and hadrons faking
 * electrons inside jets), with underlying event, pile-up, cell noise and
 * zero suppression, and the CMS relative isolation computed from the same
 * cells. Every number is documented in docs/stages/calo.md with its
 * source. Generation is seeded per block of candidates by the global
 * candidate index, so a candidate does not depend on how many come before.
 */
#ifndef PIPE_CALO_H
#define PIPE_CALO_H

#include <pipe/pipe.h>
#include <stddef.h>
#include <stdint.h>

/* Barrel ECAL crystal in eta and phi (CMS, JINST 3 (2008) S08004). */
#define CALO_CRYSTAL 0.0174
/* HCAL tower: 5 x 5 crystals (0.087 x 0.087). */
#define CALO_TOWER_CRYSTALS 5
/* Largest window side, in crystals. */
#define CALO_MAX_SIDE 64
/* Candidates per seeded block. */
#define CALO_BLOCK 256
/* The isolation cone (CMS): 0.07 < dR < 0.3 (ECAL), veto strip |deta| <
 * 1.5 crystals; HCAL towers in 0.15 < dR < 0.3. */
#define CALO_ISO_INNER 0.07
#define CALO_ISO_OUTER 0.3
#define CALO_ISO_STRIP (1.5 * CALO_CRYSTAL)
#define CALO_ISO_HCAL_INNER 0.15

/* What is generated. */
typedef struct calo_config {
    int64_t candidates;
    int height, width;       /* window in crystals (eta x phi) */
    int hcal;                /* second channel: HCAL towers */
    double pileup;           /* mean number of pile-up interactions (Poisson) */
    double ue;               /* underlying event, in minimum-bias interactions */
    double noise;            /* GeV, electronics noise per crystal (energy) */
    double zero_suppression; /* GeV, crystals below it (energy) read 0 */
    double signal_fraction;  /* fraction of isolated candidates */
    double fake_fraction;    /* background: fraction of fake hadrons (rest: b/c electrons) */
    double et_min, et_max;   /* GeV, candidate ET window */
    double eta_max;          /* candidates uniform in |eta| < eta_max */
    double stochastic;       /* ECAL stochastic term a of a / sqrt(E) */
} calo_config;

/* The defaults of docs/stages/calo.md. */
void calo_config_default(calo_config *cfg);
/* Checks what the parameter ranges cannot; on error names the parameter
 * in *param and writes the message. Returns 0 or -1. */
int calo_config_check(const calo_config *cfg, const char **param, char *err, size_t size);

/* Per-candidate table columns. */
enum {
    CALO_COL_ET,     /* measured candidate ET, GeV */
    CALO_COL_ETA,    /* candidate eta */
    CALO_COL_ISO,    /* relative isolation: cone sum ET / ET */
    CALO_COL_ISO_ET, /* the cone sum, GeV */
    CALO_COL_SOURCE, /* 0 prompt, 1 b/c electron, 2 fake hadron */
    CALO_COL_PILEUP, /* pile-up interactions of the crossing */
    CALO_N_COLS
};
extern const char *const calo_columns[CALO_N_COLS];

/* Where to write a block: images (candidates x C x H x W, f32, GeV of
 * ET), labels (1 isolated, 0 not) and the table rows (CALO_N_COLS each). */
typedef struct calo_out {
    float *images;
    double *labels;
    double *table;
} calo_out;

/* Counters over what was generated. */
typedef struct calo_report {
    int64_t soft_particles; /* UE and pile-up particles thrown into the grid */
    int64_t jet_particles;  /* the background jets' other particles */
} calo_report;

/* Generate candidates [first, first + n) of a run whose seed is `seed`
 * into `out` (already offset to candidate `first`). Returns 0, or -1 when
 * out of memory. */
int calo_generate(const calo_config *cfg, uint64_t seed, int64_t first, int64_t n,
                  const calo_out *out, calo_report *rep);

/* ---- the shower profile (closed form) ---- */

/* Lateral EM profile in PbWO4: a core and a tail Gaussian, in crystals. */
typedef struct calo_profile {
    double core_fraction, core_sigma, tail_sigma;
} calo_profile;
extern const calo_profile calo_em_profile;
extern const calo_profile calo_had_profile;

/* Fraction of the energy of a shower centred at (0, 0) inside the
 * rectangle [x0, x1] x [y0, y1] (crystal units): separable, closed form. */
double calo_profile_fraction(const calo_profile *p, double x0, double x1, double y0, double y1);

/* Add `et` (GeV) spread with profile p centred at (row, col) (crystal
 * units; the centre of cell (i, j) is (i + 0.5, j + 0.5)) to the h x w
 * grid, over the cells within `reach` crystals. */
void calo_deposit(float *grid, int h, int w, const calo_profile *p, double row, double col,
                  double et, int reach);

/* ---- isolation ---- */

/* The ECAL cone sum of ET over a grid of h x w crystals around the
 * candidate at (row, col) (crystal units): cells with centre in
 * 0.07 < dR < 0.3 outside the strip |deta| < 1.5 crystals. */
double calo_iso_ecal(const float *grid, int h, int w, double row, double col);
/* The HCAL cone sum over towers (th x tw) in 0.15 < dR < 0.3; tower
 * (i, j) covers crystals [5i, 5i + 5) x [5j, 5j + 5). */
double calo_iso_hcal(const float *towers, int th, int tw, double row, double col);

#endif
