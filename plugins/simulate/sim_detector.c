/*
 * sim_detector.c — the detector of pipe_sim: what becomes of a true
 * electron in a CMS-like tracker and electromagnetic calorimeter.
 *
 * The energy is measured with sigma/E = a/sqrt(E) (+) b and an overall
 * scale; the direction with small Gaussian errors in eta and phi. The
 * momentum is the measured energy along the measured direction, with the
 * electron mass, so E, p, pt, eta and phi agree with each other as in the
 * CMS file. Electrons outside |eta| < eta_max, below pt_min, or lost in
 * the barrel-endcap gap (with probability 1 - crack_efficiency) are not
 * reconstructed.
 */
#include "sim_internal.h"

#include <math.h>

/* The barrel-endcap transition of the CMS ECAL, in |eta|. */
#define GAP_LOW 1.4442
#define GAP_HIGH 1.566

int sim_detect(const pipe_sim_config *cfg, const sim_particle *truth, sim_random *rng,
               sim_electron *out)
{
    if (!(truth->pt > 0))
        return 0;
    double a = cfg->res_stochastic, b = cfg->res_constant;
    double rel = sqrt(a * a / truth->e + b * b);
    double e = cfg->energy_scale * truth->e * (1.0 + rel * sim_normal(rng));
    if (e <= 2 * SIM_ELECTRON_MASS)
        return 0;
    double eta = truth->eta + cfg->sigma_eta * sim_normal(rng);
    double phi = truth->phi + cfg->sigma_phi * sim_normal(rng);
    double abs_eta = fabs(eta);
    if (abs_eta >= cfg->eta_max)
        return 0;
    if (abs_eta > GAP_LOW && abs_eta < GAP_HIGH && sim_uniform(rng) >= cfg->crack_efficiency)
        return 0;
    double p = sqrt(e * e - SIM_ELECTRON_MASS * SIM_ELECTRON_MASS), sh, ch;
    sim_sinh_cosh(eta, &sh, &ch);
    double pt = p / ch;
    if (pt <= cfg->pt_min)
        return 0;
    out->phi = sim_wrap_phi(phi);
    out->e = e;
    out->pt = pt;
    out->eta = eta;
    out->px = pt * cos(out->phi);
    out->py = pt * sin(out->phi);
    out->pz = pt * sh;
    out->q = truth->q;
    return 1;
}

double sim_measured_mass(const sim_electron *a, const sim_electron *b)
{
    sim_p4 pa = {a->e, a->px, a->py, a->pz}, pb = {b->e, b->px, b->py, b->pz};
    return sim_pair_mass(&pa, &pb);
}
