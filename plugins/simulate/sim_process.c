/*
 * sim_process.c — the true pairs of the processes of pipe_sim's mixture.
 *
 * Resonances (J/psi, psi(2S), Upsilon(1S,2S,3S), Z) and the Drell-Yan
 * continuum are produced as a pair of mass M with a transverse momentum
 * from dN/dpT ~ pT / (1 + (pT/p0)^2)^k and a Gaussian rapidity, and decay
 * in their rest frame: 1 + cos^2(theta) for the Z and Drell-Yan (spin-1
 * from q-qbar), isotropic for the quarkonia. Masses follow Breit-Wigner
 * shapes (relativistic for the Z); Drell-Yan falls as M^-n.
 *
 * Combinatorial pairs are what dominates the CMS dielectron file below
 * the Z: an electron that fired the single-electron trigger, with a
 * falling spectrum above the threshold, paired with an unrelated soft
 * electron (conversion, heavy-flavour decay, misidentified hadron) of
 * independent charge. Fake and conversion electrons are more frequent in
 * the endcaps (more material in front of the calorimeter): their |eta|
 * density carries a forward excess. Part of the partners recoil against
 * the trigger electron (the away-side jet of a dijet event).
 *
 * The shape constants below were tuned on the real sample (docs/stages/simulate.md).
 */
#include "sim_internal.h"

#include <math.h>

/* Pole masses and widths, GeV (PDG). */
static const double resonance_mass[] = {3.0969, 3.6861, 9.4603, 10.0233, 10.3552, 91.1876};
static const double resonance_width[] = {9.29e-5, 2.94e-4, 5.40e-5, 3.20e-5, 2.03e-5, 2.4952};
/* Narrow resonances are drawn within this many widths of the pole. */
#define NARROW_WINDOW 50.0

/* Pair spectra: p0 = PT0_BASE + PT0_SLOPE * M; k for quarkonia and for
 * the q-qbar processes; rapidity width; Drell-Yan exponent. */
#define PT0_BASE 3.0
#define PT0_SLOPE 0.08
#define PT_POWER_ONIUM 3.0
#define PT_POWER_QQBAR 2.0
#define RAPIDITY_SIGMA 2.0
#define DY_EXPONENT 1.5

/* Combinatorial pairs. The trigger electron's pt above the threshold t
 * is Pareto: t * U^(-1/COMB_TRIGGER_ALPHA). The partner's pt is
 * PARTNER_PT_SHIFT + exp(N(log(PARTNER_PT_SCALE), PARTNER_PT_SIGMA)). */
#define COMB_TRIGGER_ALPHA 2.7
#define PARTNER_PT_SHIFT 1.5
#define PARTNER_PT_SCALE 2.1
#define PARTNER_PT_SIGMA 1.0
/* |eta| density of fake electrons: 1 + excess * Gaussian bump, with a
 * larger excess for the trigger electron than for the soft partner. */
#define FORWARD_EXCESS_TRIGGER 2.3
#define FORWARD_EXCESS_PARTNER 0.8
#define FORWARD_CENTER 2.2
#define FORWARD_WIDTH 0.22
/* Partners in the same jet as the trigger electron (near side): their
 * probability and spread in eta and phi. Partners on the away side: their
 * probability and phi spread. Other partners are uncorrelated, put in
 * the trigger electron's eta hemisphere with probability SAME_HEMISPHERE. */
#define NEAR_PROBABILITY 0.10
#define NEAR_SIGMA 0.4
#define AWAY_PROBABILITY 0.35
#define AWAY_SIGMA 0.45
#define SAME_HEMISPHERE 0.2

static int random_charge(sim_random *rng)
{
    return sim_uniform(rng) < 0.5 ? -1 : 1;
}

/* Non-relativistic Breit-Wigner (Cauchy) in [lo, hi]. */
static double draw_breit_wigner(double m0, double width, double lo, double hi, sim_random *rng)
{
    double g = 0.5 * width;
    double a = atan((lo - m0) / g), b = atan((hi - m0) / g);
    return m0 + g * tan(a + (b - a) * sim_uniform(rng));
}

/* Relativistic Breit-Wigner in s = M^2, M in [lo, hi]. */
double sim_draw_relativistic_bw(double m0, double width, double lo, double hi, sim_random *rng)
{
    double mg = m0 * width;
    double a = atan((lo * lo - m0 * m0) / mg), b = atan((hi * hi - m0 * m0) / mg);
    return sqrt(m0 * m0 + mg * tan(a + (b - a) * sim_uniform(rng)));
}

/* dN/dM ~ M^-n in [lo, hi], n != 1. */
static double draw_power_law(double n, double lo, double hi, sim_random *rng)
{
    double a = pow(lo, 1 - n), b = pow(hi, 1 - n);
    return pow(a + (b - a) * sim_uniform(rng), 1.0 / (1 - n));
}

static double draw_pair_mass(pipe_sim_process proc, const pipe_sim_config *cfg, sim_random *rng)
{
    double lo = fmax(0.9 * cfg->mass_min, 0.5), hi = 1.1 * cfg->mass_max;
    if (proc == PIPE_SIM_DY)
        return draw_power_law(DY_EXPONENT, lo, hi, rng);
    double m0 = resonance_mass[proc], w = resonance_width[proc];
    if (proc == PIPE_SIM_Z)
        return sim_draw_relativistic_bw(m0, w, fmax(lo, 40.0), fmax(hi, 120.0), rng);
    return draw_breit_wigner(m0, w, m0 - NARROW_WINDOW * w, m0 + NARROW_WINDOW * w, rng);
}

/*
 * Pair pT from pT / (1 + (pT/p0)^2)^k above pt_lo: with u = 1 + (pT/p0)^2
 * the tail integral is proportional to u^(1-k), so u^(1-k) is uniform
 * between 0 and its value at pt_lo.
 */
double sim_draw_pair_pt(double p0, double k, double pt_lo, sim_random *rng)
{
    double u_lo = 1.0 + (pt_lo / p0) * (pt_lo / p0);
    double w = pow(u_lo, 1 - k) * (1.0 - sim_uniform(rng));
    return p0 * sqrt(pow(w, 1.0 / (1 - k)) - 1.0);
}

/* cos(theta) from 1 + cos^2: the CDF solves c^3 + 3c = 8u - 4 (Cardano). */
double sim_draw_cos_1_plus_cos2(sim_random *rng)
{
    double q = 4.0 * sim_uniform(rng) - 2.0; /* (8u - 4) / 2 */
    double r = sqrt(q * q + 1.0);
    return cbrt(q + r) + cbrt(q - r);
}

/* The smallest pair pT for which one daughter (massless) can carry a
 * transverse momentum `floor`: (sqrt(M^2 + pT^2) + pT) / 2 >= floor. */
static double pair_pt_needed(double m, double floor)
{
    if (floor <= 0)
        return 0;
    return fmax(0.0, floor - m * m / (4.0 * floor));
}

static void draw_resonance_pair(pipe_sim_process proc, const pipe_sim_config *cfg,
                                double lead_pt_floor, sim_random *rng, sim_truth *out)
{
    int qqbar = proc == PIPE_SIM_Z || proc == PIPE_SIM_DY;
    double m = draw_pair_mass(proc, cfg, rng);
    double p0 = PT0_BASE + PT0_SLOPE * m;
    /* 0.8: leave room for the energy resolution to lift a daughter over. */
    double pt_lo = pair_pt_needed(m, 0.8 * lead_pt_floor);
    double pt = sim_draw_pair_pt(p0, qqbar ? PT_POWER_QQBAR : PT_POWER_ONIUM, pt_lo, rng);
    double y = RAPIDITY_SIGMA * sim_normal(rng);
    sim_p4 pair = sim_p4_from_pt_y_phi(pt, y, 2 * SIM_PI * sim_uniform(rng), m);
    double cos_theta = qqbar ? sim_draw_cos_1_plus_cos2(rng) : 2.0 * sim_uniform(rng) - 1.0;
    sim_p4 electron, positron;
    sim_decay(&pair, m, SIM_ELECTRON_MASS, cos_theta, 2 * SIM_PI * sim_uniform(rng), &electron,
              &positron);
    out->el[0] = sim_particle_from_p4(&electron, -1);
    out->el[1] = sim_particle_from_p4(&positron, 1);
}

/* Signed eta of a fake electron: |eta| in [0, eta_max) from the forward
 * excess shape (accept-reject), random sign. */
static double draw_fake_eta(double eta_max, double excess, sim_random *rng)
{
    double peak = 1.0 + excess;
    for (;;) {
        double a = eta_max * sim_uniform(rng);
        double z = (a - FORWARD_CENTER) / FORWARD_WIDTH;
        if (peak * sim_uniform(rng) < 1.0 + excess * exp(-0.5 * z * z))
            return sim_uniform(rng) < 0.5 ? -a : a;
    }
}

static void draw_combinatorial_pair(const pipe_sim_config *cfg, double lead_pt_floor,
                                    sim_random *rng, sim_truth *out)
{
    double floor = fmax(lead_pt_floor, cfg->pt_min);
    double u = 1.0 - sim_uniform(rng);
    double pt_trig = fmax(floor, 0.1) * pow(u, -1.0 / COMB_TRIGGER_ALPHA);
    double eta_trig = draw_fake_eta(cfg->eta_max, FORWARD_EXCESS_TRIGGER, rng);
    double phi_trig = 2 * SIM_PI * sim_uniform(rng) - SIM_PI;

    double pt_partner =
        PARTNER_PT_SHIFT + PARTNER_PT_SCALE * exp(PARTNER_PT_SIGMA * sim_normal(rng));
    double eta_partner, phi_partner;
    double side = sim_uniform(rng);
    if (side < NEAR_PROBABILITY) {
        eta_partner = eta_trig + NEAR_SIGMA * sim_normal(rng);
        phi_partner = phi_trig + NEAR_SIGMA * sim_normal(rng);
    } else {
        eta_partner = draw_fake_eta(cfg->eta_max, FORWARD_EXCESS_PARTNER, rng);
        if (sim_uniform(rng) < SAME_HEMISPHERE && eta_partner * eta_trig < 0)
            eta_partner = -eta_partner;
        phi_partner = side < NEAR_PROBABILITY + AWAY_PROBABILITY
                          ? phi_trig + SIM_PI + AWAY_SIGMA * sim_normal(rng)
                          : 2 * SIM_PI * sim_uniform(rng);
    }

    out->el[0] = sim_particle_from_pt_eta_phi(pt_trig, eta_trig, phi_trig, SIM_ELECTRON_MASS,
                                              random_charge(rng));
    out->el[1] = sim_particle_from_pt_eta_phi(pt_partner, eta_partner, sim_wrap_phi(phi_partner),
                                              SIM_ELECTRON_MASS, random_charge(rng));
}

void sim_process_draw(pipe_sim_process proc, const pipe_sim_config *cfg, double lead_pt_floor,
                      sim_random *rng, sim_truth *out)
{
    if (proc == PIPE_SIM_COMB)
        draw_combinatorial_pair(cfg, lead_pt_floor, rng, out);
    else
        draw_resonance_pair(proc, cfg, lead_pt_floor, rng, out);
}
