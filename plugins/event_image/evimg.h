/*
 * evimg.h — pipe_evimg: drawing collision events as pictures in the
 * (eta, phi) plane, the convention of the CMS event-image study: a white
 * picture, muons as red discs, electrons as green discs, jets as blue
 * discs, the missing transverse momentum as a black circle at eta = 0,
 * phi = phi_MET. A disc's radius grows with log pT; phi is periodic (a
 * disc near +-pi wraps to the other edge); eta runs from -eta_max (left)
 * to +eta_max (right), phi from +pi (top) to -pi (bottom). Discs are
 * ellipses in pixels when the eta and phi scales differ: they are circles
 * of radius R in (eta, phi), as Delta R cones are.
 *
 * Two renderers give the same picture: cairo (antialiased paths into an
 * image surface over a buffer the caller owns, then converted) and a
 * direct rasteriser (the coverage of each pixel from its distance to the
 * edge), which is the fast path. A third mode deposits pT in eta-phi
 * cells: channel 0 leptons, 1 jets, 2 MET.
 *
 * Images are f32, channel-planar (3 x H x W), values in [0, 1] for the
 * discs modes, sum of pT / hist_unit for the histogram.
 *
 * Link the static library `pipe_evimg` and include "evimg.h".
 */
#ifndef PIPE_EVIMG_H
#define PIPE_EVIMG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EVIMG_MAX_SIZE 256
#define EVIMG_CHANNELS 3

typedef enum evimg_kind { EVIMG_MUON, EVIMG_ELECTRON, EVIMG_JET, EVIMG_MET } evimg_kind;

/* One object to draw. MET objects are drawn at eta = 0 whatever `eta`. */
typedef struct evimg_object {
    double pt, eta, phi;
    evimg_kind kind;
} evimg_object;

typedef enum evimg_mode { EVIMG_DISCS, EVIMG_HISTOGRAM } evimg_mode;

typedef struct evimg_config {
    int height, width;
    double eta_max;      /* eta from -eta_max to eta_max */
    double radius_base;  /* disc radius at pT = radius_pt, in (eta, phi) units */
    double radius_slope; /* added per e-fold of pT */
    double radius_pt;    /* GeV */
    double radius_min, radius_max;
    double line_width; /* MET circle, pixels */
    double hist_unit;  /* GeV per unit of a histogram cell */
    evimg_mode mode;
} evimg_config;

/* 64 x 64, eta_max 5, radius 0.25 + 0.15 ln(pT / 10 GeV) within [0.1, 0.8],
 * MET line 1.5 px, histogram unit 100 GeV. */
void evimg_config_default(evimg_config *cfg);

/* The radius of an object of transverse momentum pt, (eta, phi) units. */
double evimg_radius(const evimg_config *cfg, double pt);
/* The colour of a kind, RGB in [0, 1]. */
void evimg_color(evimg_kind kind, float rgb[3]);

/* Draw n objects (in order: later ones paint over earlier ones) into
 * `out` (3 x H x W floats), with the direct rasteriser, or the pT
 * histogram when cfg->mode is EVIMG_HISTOGRAM. */
void evimg_draw(const evimg_config *cfg, const evimg_object *obj, int n, float *out);

/* The cairo renderer: a scratch ARGB surface of H x W over `pixels` (H *
 * W uint32, owned by the caller). Returns 0, or -1 when cairo fails. */
int evimg_draw_cairo(const evimg_config *cfg, const evimg_object *obj, int n, uint32_t *pixels,
                     float *out);

#ifdef __cplusplus
}
#endif
#endif /* PIPE_EVIMG_H */
