/*
 * ev_internal.h — what the files of pipe_events share and nobody else
 * sees: the true particles of an event, the reconstructed objects, and the
 * functions of the process, detector and table modules. Four-vectors,
 * the Breit-Wigner and pT shapes, the 1 + cos^2 angle and the electron
 * detector come from pipe_sim (plugins/simulate); the decays are here,
 * with unequal daughter masses and a boost that stays exact at large
 * gamma.
 */
#ifndef PIPE_EV_INTERNAL_H
#define PIPE_EV_INTERNAL_H

#include "events.h"
#include "sim_internal.h"

#define EV_MUON_MASS 0.1056584 /* GeV, PDG */
#define EV_MAX_OBJECTS 64
/* The prompt J/psi pT shape pT / (1 + (pT/p0)^2)^k: p0 (GeV) and k. */
#define EV_JPSI_P0 6.0
#define EV_JPSI_K 3.0

/* What a true particle is, for the detector. */
typedef enum ev_kind {
    EV_LEPTON,   /* e or mu from the hard process (pdg 11 or 13) */
    EV_NEUTRINO, /* invisible */
    EV_PARTON,   /* a quark or gluon that makes a jet (pdg 1-5, 21) */
    EV_SOFT,     /* unclustered recoil of the hard process (intrinsic kT, soft radiation) */
    EV_PILEUP    /* a jet of another interaction, or of the underlying event */
} ev_kind;

typedef struct ev_object {
    sim_p4 p;
    ev_kind kind;
    int q;   /* lepton charge */
    int pdg; /* 11, 13 for leptons; parton flavour 1-5 or 21 */
} ev_object;

/* The true particles of one event. Objects of the hard process (all but
 * EV_PILEUP) balance in the transverse plane. */
typedef struct ev_truth {
    int n;
    ev_object obj[EV_MAX_OBJECTS];
} ev_truth;

/* One reconstructed lepton or jet. */
typedef struct ev_reco_object {
    double pt, eta, phi;
    int q, pdg, btag;
} ev_reco_object;

typedef struct ev_reco {
    int n_lep, n_jet, n_bjet;
    ev_reco_object lep[EV_MAX_OBJECTS], jet[EV_MAX_OBJECTS];
    double met, met_phi, ht;
} ev_reco;

/* ---- processes (ev_process.c) ----------------------------------------- */

/* Draw the true particles of one event of process p (EV_TTBAR and
 * EV_HIGGS already resolved into their decay modes by the caller). */
void ev_truth_draw(ev_process p, const ev_config *cfg, sim_random *rng, ev_truth *out);
/* The decay modes of a mixed process and the probability of the first:
 * EV_TTBAR -> l+jets / dilepton, EV_HIGGS -> ZZ / WW; other processes are
 * returned as they are. */
ev_process ev_resolve(ev_process p, const ev_config *cfg, sim_random *rng);

/* Two-body decay of `parent` (mass m) into masses m1, m2, the first
 * emitted at polar angle acos(cos_theta) (axis: the beam) and azimuth phi
 * in the rest frame, boosted to the lab. */
void ev_decay_at(const sim_p4 *parent, double m, double m1, double m2, double cos_theta, double phi,
                 sim_p4 *d1, sim_p4 *d2);
/* The same, isotropic. */
void ev_decay2(const sim_p4 *parent, double m, double m1, double m2, sim_random *rng, sim_p4 *d1,
               sim_p4 *d2);
/* pt, eta and phi of a four-vector (eta = +-10 along the beam). */
double ev_pt(const sim_p4 *p);
double ev_eta(const sim_p4 *p);
double ev_phi(const sim_p4 *p);

/* ---- cross sections (ev_sigma.c) ---------------------------------------- */

/* sigma(W+ -> l nu) and sigma(W- -> l nu) for one lepton flavour, pb. */
void ev_w_charge_sigmas(double sqrt_s, double *plus, double *minus);

/* ---- detector (ev_detector.c) ------------------------------------------ */

/* The detector's settings derived once from the configuration. */
typedef struct ev_detector {
    pipe_sim_config ecal; /* pipe_sim's electron detector */
    double met_sigma;     /* per component, GeV, at the configured pile-up */
    double jet_noise;     /* noise term N of the jet resolution at that pile-up, GeV */
} ev_detector;

void ev_detector_init(ev_detector *d, const ev_config *cfg);
/* Measure an event; returns 1 when it passes the trigger (and has a
 * lepton), 0 otherwise. */
int ev_detect(const ev_detector *d, const ev_config *cfg, const ev_truth *t, sim_random *rng,
              ev_reco *out);

#endif
