/*
 * ev_detector.c — the CMS-like detector of pipe_events: what becomes of
 * the true particles of an event.
 *
 * Electrons go through pipe_sim's electron detector (ECAL resolution,
 * acceptance |eta| < 2.5, barrel-endcap gap) and an identification
 * efficiency; muons get a pT resolution that grows with |eta| and pT,
 * |eta| < 2.4 and an efficiency. Partons and pile-up jets become jets with
 * the CMS jet energy resolution (noise, stochastic and constant terms, the
 * noise growing with pile-up) within |eta| < 4.7, b-tagged with the
 * efficiency of their flavour within the tracker (|eta| < 2.4). The
 * missing transverse momentum is minus the vector sum of everything
 * measured from the hard collision (leptons, jets, unclustered energy;
 * lost electrons still leave their energy in the calorimeters, lost muons
 * and neutrinos nothing), plus a Gaussian resolution term growing with
 * pile-up. Trigger: one lepton above the single-lepton threshold of its
 * flavour, or two above the double-lepton thresholds.
 * docs/stages/events.md gives the source of every number.
 */
#include "ev_internal.h"

#include <math.h>

/* Muons: |eta| < 2.4, efficiency, relative pT resolution a (+) b pT with
 * a larger a in the endcaps (|eta| > 1.2). */
#define MU_ETA 2.4
#define MU_EFFICIENCY 0.95
#define MU_RES_BARREL 0.010
#define MU_RES_ENDCAP 0.020
#define MU_RES_SLOPE 1.0e-4
/* Electrons: identification efficiency after reconstruction. */
#define E_EFFICIENCY 0.85
/* Leptons below this pT are not reconstructed, GeV. */
#define LEPTON_PT_MIN 5.0
/* Jets: sigma(pT)/pT = sqrt(N^2/pT^2 + S^2/pT + C^2), N^2 = N0^2 + NPU^2 mu. */
#define JET_ETA 4.7
#define JET_N0 2.5
#define JET_NPU 0.6
#define JET_S 0.95
#define JET_C 0.05
/* Jets above this pT (GeV) are clustered (and counted in the MET sum). */
#define JET_CLUSTER_PT 10.0
/* b tagging (CMS CSVv2 medium working point) within the tracker. */
#define BTAG_ETA 2.4
#define BTAG_B 0.68
#define BTAG_C 0.12
#define BTAG_LIGHT 0.011
/* MET resolution per component: sqrt(A^2 + B^2 mu), GeV. */
#define MET_A 6.3
#define MET_B 3.5
/* Double-lepton trigger thresholds, GeV. */
#define DOUBLE_LEAD 17.0
#define DOUBLE_TRAIL 8.0

void ev_detector_init(ev_detector *d, const ev_config *cfg)
{
    pipe_sim_config_default(&d->ecal);
    d->ecal.pt_min = LEPTON_PT_MIN;
    d->ecal.eta_max = 2.5;
    /* The 2010 ECAL calibration of pipe_sim (measured / true 0.985) at 7
     * TeV; the calibrated detector of later years elsewhere. */
    if (cfg->sqrt_s > 7.5)
        d->ecal.energy_scale = 1.0;
    d->met_sigma = sqrt(MET_A * MET_A + MET_B * MET_B * cfg->pileup);
    d->jet_noise = sqrt(JET_N0 * JET_N0 + JET_NPU * JET_NPU * cfg->pileup);
}

static int detect_muon(const ev_object *o, sim_random *rng, ev_reco_object *out)
{
    double pt = ev_pt(&o->p), eta = ev_eta(&o->p);
    if (fabs(eta) >= MU_ETA || sim_uniform(rng) >= MU_EFFICIENCY)
        return 0;
    double a = fabs(eta) < 1.2 ? MU_RES_BARREL : MU_RES_ENDCAP, b = MU_RES_SLOPE * pt;
    /* The tracker measures the curvature: 1/pT is Gaussian. */
    double inv = (1.0 / pt) * (1.0 + sqrt(a * a + b * b) * sim_normal(rng));
    if (inv <= 0 || 1.0 / inv <= LEPTON_PT_MIN)
        return 0;
    *out = (ev_reco_object){1.0 / inv, eta, ev_phi(&o->p), o->q, 13, 0};
    return 1;
}

static int detect_electron(const ev_detector *d, const ev_object *o, sim_random *rng,
                           ev_reco_object *out)
{
    sim_particle truth = sim_particle_from_p4(&o->p, o->q);
    sim_electron e;
    if (!sim_detect(&d->ecal, &truth, rng, &e) || sim_uniform(rng) >= E_EFFICIENCY)
        return 0;
    *out = (ev_reco_object){e.pt, e.eta, e.phi, o->q, 11, 0};
    return 1;
}

static double btag_efficiency(int pdg)
{
    return pdg == 5 ? BTAG_B : pdg == 4 ? BTAG_C : BTAG_LIGHT;
}

/* A jet from a parton: returns its measured pT (0 outside |eta| < 4.7). */
static double measure_jet(const ev_detector *d, const ev_object *o, sim_random *rng, double *eta)
{
    double pt = ev_pt(&o->p);
    *eta = ev_eta(&o->p);
    if (fabs(*eta) >= JET_ETA || pt <= 0)
        return 0;
    double n = d->jet_noise / pt;
    double rel = sqrt(n * n + JET_S * JET_S / pt + JET_C * JET_C);
    return fmax(0.0, pt * (1.0 + rel * sim_normal(rng)));
}

static void keep_jet(const ev_config *cfg, ev_reco *r, double pt, double eta, double phi, int pdg,
                     sim_random *rng)
{
    if (pt <= cfg->jet_pt_min || r->n_jet >= EV_MAX_OBJECTS)
        return;
    int tag = fabs(eta) < BTAG_ETA && sim_uniform(rng) < btag_efficiency(pdg);
    r->jet[r->n_jet++] = (ev_reco_object){pt, eta, phi, 0, pdg, tag};
    r->n_bjet += tag;
    r->ht += pt;
}

static int passes_trigger(const ev_config *cfg, const ev_reco *r)
{
    double lead = 0, trail = 0;
    for (int i = 0; i < r->n_lep; i++) {
        const ev_reco_object *l = &r->lep[i];
        if (l->pt > (l->pdg == 13 ? cfg->trigger_mu : cfg->trigger_e))
            return 1;
        if (l->pt > lead) {
            trail = lead;
            lead = l->pt;
        } else if (l->pt > trail) {
            trail = l->pt;
        }
    }
    return lead > DOUBLE_LEAD && trail > DOUBLE_TRAIL;
}

int ev_detect(const ev_detector *d, const ev_config *cfg, const ev_truth *t, sim_random *rng,
              ev_reco *r)
{
    r->n_lep = r->n_jet = r->n_bjet = 0;
    r->ht = 0;
    double mx = 0, my = 0; /* measured visible sum of the hard collision */
    for (int i = 0; i < t->n; i++) {
        const ev_object *o = &t->obj[i];
        double phi = ev_phi(&o->p), eta, pt;
        switch (o->kind) {
        case EV_LEPTON: {
            ev_reco_object l;
            int found = o->pdg == 13 ? detect_muon(o, rng, &l) : detect_electron(d, o, rng, &l);
            if (found && r->n_lep < EV_MAX_OBJECTS) {
                r->lep[r->n_lep++] = l;
                mx += l.pt * cos(l.phi);
                my += l.pt * sin(l.phi);
            } else if (o->pdg == 11 && fabs(ev_eta(&o->p)) < JET_ETA) {
                mx += o->p.px;
                my += o->p.py;
            }
            break;
        }
        case EV_PARTON:
            pt = measure_jet(d, o, rng, &eta);
            keep_jet(cfg, r, pt, eta, phi, o->pdg, rng);
            if (pt > JET_CLUSTER_PT) {
                mx += pt * cos(phi);
                my += pt * sin(phi);
            } else if (pt > 0) {
                mx += o->p.px;
                my += o->p.py;
            }
            break;
        case EV_SOFT:
            mx += o->p.px;
            my += o->p.py;
            break;
        case EV_PILEUP:
            /* Balanced within its own interaction: part of the MET
             * resolution term, not of the sum. */
            pt = measure_jet(d, o, rng, &eta);
            keep_jet(cfg, r, pt, eta, phi, 21, rng);
            break;
        case EV_NEUTRINO:
        default:
            break;
        }
    }
    double ex = -mx + d->met_sigma * sim_normal(rng), ey = -my + d->met_sigma * sim_normal(rng);
    r->met = sqrt(ex * ex + ey * ey);
    r->met_phi = atan2(ey, ex);
    return r->n_lep > 0 && passes_trigger(cfg, r);
}
