/*
 * sim_internal.h — what the files of pipe_sim share and nobody else sees:
 * four-vectors, the true pair of a process, the measured electron, and the
 * functions of the kinematics, process and detector modules. The
 * `events` generator (plugins/events) also includes it, to reuse the
 * kinematics, shapes and electron detector rather than copy them.
 */
#ifndef PIPE_SIM_INTERNAL_H
#define PIPE_SIM_INTERNAL_H

#include "sim.h"

#define SIM_ELECTRON_MASS 0.000511 /* GeV */
#define SIM_PI 3.14159265358979323846

/* A four-vector (E, px, py, pz) in GeV. */
typedef struct sim_p4 {
    double e, px, py, pz;
} sim_p4;

/* A true electron in collider coordinates, before the detector. */
typedef struct sim_particle {
    double pt, eta, phi, e;
    int q; /* charge, +1 or -1 */
} sim_particle;

/* The two true electrons of an event. */
typedef struct sim_truth {
    sim_particle el[2];
} sim_truth;

/* One electron as the detector measured it. */
typedef struct sim_electron {
    double e, px, py, pz, pt, eta, phi;
    int q;
} sim_electron;

/* ---- random numbers (sim_random.c) ------------------------------------ */

/* The stage's pipe_rng with a spare normal. */
typedef struct sim_random {
    pipe_rng *rng;
    double spare;
    int has_spare;
} sim_random;

void sim_random_init(sim_random *r, pipe_rng *rng);
/* Uniform in [0, 1). */
static inline double sim_uniform(sim_random *r)
{
    return pipe_rng_uniform(r->rng);
}
/* Standard normal. */
double sim_normal(sim_random *r);

/* ---- kinematics (sim_kin.c) -------------------------------------------- */

/* A particle of mass m and charge q with the given pt, eta, phi. */
sim_particle sim_particle_from_pt_eta_phi(double pt, double eta, double phi, double m, int q);
/* A particle of charge q with four-momentum p (pt > 0). */
sim_particle sim_particle_from_p4(const sim_p4 *p, int q);
/* The four-vector of a pair of mass m with transverse momentum pt,
 * rapidity y and azimuth phi. */
sim_p4 sim_p4_from_pt_y_phi(double pt, double y, double phi, double m);
/* p boosted by velocity (bx, by, bz) (|b| < 1). */
sim_p4 sim_p4_boost(sim_p4 p, double bx, double by, double bz);
/* Invariant mass of a + b (0 when the square is negative by rounding). */
double sim_pair_mass(const sim_p4 *a, const sim_p4 *b);
/* Decay `parent` (mass m) into two particles of mass m_d emitted at polar
 * angle acos(cos_theta) and azimuth phi in the parent's rest frame (axis:
 * the beam), boosted to the lab. */
void sim_decay(const sim_p4 *parent, double m, double m_d, double cos_theta, double phi, sim_p4 *d1,
               sim_p4 *d2);
/* sinh(x) and cosh(x) from one exponential. */
void sim_sinh_cosh(double x, double *sinh_x, double *cosh_x);
/* phi wrapped into [-pi, pi). */
double sim_wrap_phi(double phi);

/* ---- processes (sim_process.c) ----------------------------------------- */

/* Draw the true pair of one event of process `proc`. `lead_pt_floor` is
 * the trigger threshold the event will face: signal processes draw only
 * pair transverse momenta that can reach it (no bias: the others would
 * fail the trigger anyway). */
void sim_process_draw(pipe_sim_process proc, const pipe_sim_config *cfg, double lead_pt_floor,
                      sim_random *rng, sim_truth *out);

/* Shapes shared with the `events` generator (plugins/events), which links
 * pipe_sim for them. A relativistic Breit-Wigner in s = M^2 (mass m0,
 * width `width`), M in [lo, hi]. */
double sim_draw_relativistic_bw(double m0, double width, double lo, double hi, sim_random *rng);
/* A pair pT from pT / (1 + (pT/p0)^2)^k above pt_lo (k > 1). */
double sim_draw_pair_pt(double p0, double k, double pt_lo, sim_random *rng);
/* cos(theta) from 1 + cos^2(theta) (spin-1 from q-qbar). */
double sim_draw_cos_1_plus_cos2(sim_random *rng);

/* ---- detector (sim_detector.c) ----------------------------------------- */

/* Measure a true electron: energy resolution and scale, angular smearing,
 * acceptance, gap efficiency, pt threshold. Returns 1 and fills *out when
 * the electron is reconstructed, 0 when it is lost. */
int sim_detect(const pipe_sim_config *cfg, const sim_particle *truth, sim_random *rng,
               sim_electron *out);
/* Invariant mass of two measured electrons. */
double sim_measured_mass(const sim_electron *a, const sim_electron *b);

#endif
