/*
 * ev_process.c — the true particles of the processes of pipe_events.
 *
 * Every process is a hard system (a W, a Z/gamma*, a Higgs, a ttbar pair,
 * a J/psi) recoiling against initial-state jets and soft radiation: the
 * jets are drawn first (Berends scaling: n extra jets with probability
 * (1 - R) R^n, pT from a power law), the soft recoil from the pT shape of
 * pipe_sim, and the hard system takes minus their transverse momentum, so
 * that every event balances at generator level. The system's rapidity is
 * Gaussian within the kinematic limit ln(sqrt(s) / M). Decays: V-A for
 * the W ((1 -+ cos)^2 about the quark direction), 1 + cos^2 for the
 * Z/gamma*, isotropic for the Higgs, top and J/psi chains. Pile-up and
 * underlying-event jets come from other interactions and do not balance.
 * docs/stages/events.md gives the source of every number.
 */
#include "ev_internal.h"

#include <math.h>

/* Masses and widths, GeV (PDG 2022). */
#define M_W 80.377
#define G_W 2.085
#define M_Z 91.1876
#define G_Z 2.4952
#define M_H 125.25
#define M_TOP 172.5
#define G_TOP 1.42
#define M_B 4.78
#define M_JPSI 3.0969
/* Drell-Yan generated in 50 < m_ll < 150 GeV; a share of it is the
 * photon's 1/M^2 continuum. */
#define DY_LO 50.0
#define DY_HI 150.0
#define DY_PHOTON_SHARE 0.08
/* Rapidity width of the hard system, as a share of ln(sqrt(s) / M). */
#define Y_WIDTH 0.45
/* W+ are produced more forward than W- (u valence quarks carry more
 * momentum than d): rapidity widths scaled by these. */
#define Y_SCALE_WPLUS 1.06
#define Y_SCALE_WMINUS 0.94
/* Probability that the quark (not the antiquark) moves along the W's
 * rapidity: 1/2 (1 + tanh(QUARK_LEAD |y|)). */
#define QUARK_LEAD 0.6
/* Initial-state jets: generated above GEN_JET_SHARE * jet_pt_min with
 * dN/dpT ~ pT^-(ISR_ALPHA + 1), |eta| Gaussian of width ISR_ETA_SIGMA. */
#define GEN_JET_SHARE 0.8
#define ISR_ALPHA 2.5
#define ISR_ETA_SIGMA 1.8
#define MAX_ISR_JETS 8
/* Soft recoil: pT / (1 + (pT/p0)^2)^k with these p0 (GeV) and k. */
#define SOFT_P0 5.0
#define SOFT_K 3.0
/* Pile-up and underlying-event jets: per interaction above PU_PT GeV,
 * pT ~ pT^-(PU_ALPHA + 1), flat in |eta| < 4.7. */
#define PU_RATE 0.02
#define PU_PT 20.0
#define PU_ALPHA 3.5
#define PU_ETA 4.7
/* ttbar invariant mass above threshold: Gamma(3/2, theta) with theta
 * growing with sqrt(s). */
#define TT_THETA_7 75.0
#define TT_THETA_13 100.0

double ev_pt(const sim_p4 *p)
{
    return sqrt(p->px * p->px + p->py * p->py);
}

double ev_eta(const sim_p4 *p)
{
    double pt = ev_pt(p);
    return pt > 0 ? asinh(p->pz / pt) : (p->pz >= 0 ? 10.0 : -10.0);
}

double ev_phi(const sim_p4 *p)
{
    return atan2(p->py, p->px);
}

static double uniform_phi(sim_random *rng)
{
    return 2 * SIM_PI * sim_uniform(rng) - SIM_PI;
}

/* p (in the rest frame of `parent`, of mass m) in the lab. The boost is
 * written with gamma = E / m and gamma^2 / (gamma + 1) rather than from
 * the velocity, which keeps full precision at large gamma (a J/psi at
 * |y| = 8 has gamma ~ 10^4, where 1 - beta^2 cancels). */
static sim_p4 boost_to_lab(sim_p4 p, const sim_p4 *parent, double m)
{
    double g = parent->e / m, ux = parent->px / m, uy = parent->py / m, uz = parent->pz / m;
    double up = ux * p.px + uy * p.py + uz * p.pz; /* gamma beta . p */
    double k = up / (g + 1.0) + p.e;
    sim_p4 out = {g * p.e + up, p.px + k * ux, p.py + k * uy, p.pz + k * uz};
    return out;
}

void ev_decay_at(const sim_p4 *parent, double m, double m1, double m2, double cos_theta, double phi,
                 sim_p4 *d1, sim_p4 *d2)
{
    double s = m * m, a = s - (m1 + m2) * (m1 + m2), b = s - (m1 - m2) * (m1 - m2);
    double p = a > 0 && b > 0 ? sqrt(a * b) / (2 * m) : 0.0;
    double sn = sqrt(fmax(0.0, 1 - cos_theta * cos_theta));
    sim_p4 r1 = {sqrt(p * p + m1 * m1), p * sn * cos(phi), p * sn * sin(phi), p * cos_theta};
    sim_p4 r2 = {sqrt(p * p + m2 * m2), -r1.px, -r1.py, -r1.pz};
    *d1 = boost_to_lab(r1, parent, m);
    *d2 = boost_to_lab(r2, parent, m);
}

void ev_decay2(const sim_p4 *parent, double m, double m1, double m2, sim_random *rng, sim_p4 *d1,
               sim_p4 *d2)
{
    double c = 2 * sim_uniform(rng) - 1;
    ev_decay_at(parent, m, m1, m2, c, uniform_phi(rng), d1, d2);
}

static void add(ev_truth *t, const sim_p4 *p, ev_kind kind, int q, int pdg)
{
    if (t->n >= EV_MAX_OBJECTS)
        return;
    t->obj[t->n++] = (ev_object){*p, kind, q, pdg};
}

static sim_p4 massless(double pt, double eta, double phi)
{
    double sh, ch;
    sim_sinh_cosh(eta, &sh, &ch);
    sim_p4 p = {pt * ch, pt * cos(phi), pt * sin(phi), pt * sh};
    return p;
}

/* pT from P(pT > x) = (x / lo)^-alpha. */
static double draw_pareto(double lo, double alpha, sim_random *rng)
{
    return lo * pow(1.0 - sim_uniform(rng), -1.0 / alpha);
}

/* Poisson by multiplying uniforms (small means only). */
static int draw_poisson(double mean, sim_random *rng)
{
    double limit = exp(-mean), prod = sim_uniform(rng);
    int n = 0;
    while (prod > limit && n < EV_MAX_OBJECTS) {
        prod *= sim_uniform(rng);
        n++;
    }
    return n;
}

/* The Berends ratio at the generation threshold that gives `ratio` above
 * jet_pt_min: a geometric multiplicity thinned with the probability
 * keep = GEN_JET_SHARE^ISR_ALPHA of a jet being above jet_pt_min stays
 * geometric with ratio keep R / (1 - R + keep R). */
static double generation_ratio(double ratio)
{
    double keep = pow(GEN_JET_SHARE, ISR_ALPHA);
    return ratio / (keep + ratio - ratio * keep);
}

/* Initial-state jets and soft recoil; returns their summed px, py. */
static void add_recoil(ev_truth *t, const ev_config *cfg, sim_random *rng, double *px, double *py)
{
    double r = generation_ratio(cfg->jet_ratio), lo = GEN_JET_SHARE * cfg->jet_pt_min;
    *px = *py = 0;
    for (int j = 0; j < MAX_ISR_JETS && sim_uniform(rng) < r; j++) {
        double eta = ISR_ETA_SIGMA * sim_normal(rng);
        sim_p4 p = massless(draw_pareto(lo, ISR_ALPHA, rng), eta, uniform_phi(rng));
        add(t, &p, EV_PARTON, 0, sim_uniform(rng) < 0.3 ? 1 : 21);
        *px += p.px;
        *py += p.py;
    }
    double kt = sim_draw_pair_pt(SOFT_P0, SOFT_K, 0.0, rng), phi = uniform_phi(rng);
    sim_p4 soft = {kt, kt * cos(phi), kt * sin(phi), 0};
    add(t, &soft, EV_SOFT, 0, 21);
    *px += soft.px;
    *py += soft.py;
}

/* A system of mass m balancing (px, py) with a Gaussian rapidity of width
 * scale * Y_WIDTH * ln(sqrt(s) / m), within the kinematic limit. */
static sim_p4 hard_system(const ev_config *cfg, double m, double px, double py, double scale,
                          sim_random *rng)
{
    double y_max = log(cfg->sqrt_s * 1000.0 / m), y;
    do
        y = scale * Y_WIDTH * y_max * sim_normal(rng);
    while (fabs(y) >= y_max);
    double mt = sqrt(m * m + px * px + py * py), sh, ch;
    sim_sinh_cosh(y, &sh, &ch);
    sim_p4 p = {mt * ch, -px, -py, mt * sh};
    return p;
}

static int lepton_pdg(const ev_config *cfg, sim_random *rng)
{
    if (cfg->flavour == EV_FLAVOUR_MU)
        return 13;
    if (cfg->flavour == EV_FLAVOUR_E)
        return 11;
    return sim_uniform(rng) < 0.5 ? 11 : 13;
}

static double lepton_mass(int pdg)
{
    return pdg == 13 ? EV_MUON_MASS : SIM_ELECTRON_MASS;
}

/* W of charge q -> l nu with V-A angles: the charged lepton of a W- goes
 * along the quark, (1 + cos)^2; of a W+ against it, (1 - cos)^2. */
static void decay_w_va(ev_truth *t, const ev_config *cfg, const sim_p4 *w, double m, int q,
                       double y, sim_random *rng)
{
    double s = sim_uniform(rng) < 0.5 * (1 + tanh(QUARK_LEAD * fabs(y))) ? 1.0 : -1.0;
    if (y < 0)
        s = -s;
    double c = 2 * cbrt(sim_uniform(rng)) - 1; /* (1 + c)^2 */
    if (q > 0)
        c = -c;
    sim_p4 lep, nu;
    ev_decay_at(w, m, 0.0, 0.0, s * c, uniform_phi(rng), &lep, &nu);
    add(t, &lep, EV_LEPTON, q, lepton_pdg(cfg, rng));
    add(t, &nu, EV_NEUTRINO, 0, 0);
}

/* W -> l nu isotropic in its rest frame (W from top or Higgs decays). */
static void decay_w_iso(ev_truth *t, const ev_config *cfg, const sim_p4 *w, double m, int q,
                        sim_random *rng)
{
    sim_p4 lep, nu;
    ev_decay2(w, m, 0.0, 0.0, rng, &lep, &nu);
    add(t, &lep, EV_LEPTON, q, lepton_pdg(cfg, rng));
    add(t, &nu, EV_NEUTRINO, 0, 0);
}

/* Z/gamma* -> l+ l- (spin 1 from q-qbar: 1 + cos^2), or isotropic. */
static void decay_z(ev_truth *t, const ev_config *cfg, const sim_p4 *z, double m, int spin1,
                    sim_random *rng)
{
    int pdg = lepton_pdg(cfg, rng);
    double c = spin1 ? sim_draw_cos_1_plus_cos2(rng) : 2 * sim_uniform(rng) - 1;
    sim_p4 a, b;
    double ml = lepton_mass(pdg);
    ev_decay_at(z, m, ml, ml, c, uniform_phi(rng), &a, &b);
    int q = sim_uniform(rng) < 0.5 ? 1 : -1;
    add(t, &a, EV_LEPTON, q, pdg);
    add(t, &b, EV_LEPTON, -q, pdg);
}

static void draw_w(ev_truth *t, const ev_config *cfg, sim_random *rng)
{
    double sp, sm;
    ev_w_charge_sigmas(cfg->sqrt_s, &sp, &sm);
    int q = sim_uniform(rng) < sp / (sp + sm) ? 1 : -1;
    double px, py;
    add_recoil(t, cfg, rng, &px, &py);
    double m = sim_draw_relativistic_bw(M_W, G_W, 50.0, 150.0, rng);
    sim_p4 w = hard_system(cfg, m, px, py, q > 0 ? Y_SCALE_WPLUS : Y_SCALE_WMINUS, rng);
    double y = 0.5 * log((w.e + w.pz) / (w.e - w.pz));
    decay_w_va(t, cfg, &w, m, q, y, rng);
}

static void draw_dy(ev_truth *t, const ev_config *cfg, sim_random *rng)
{
    double px, py, m;
    add_recoil(t, cfg, rng, &px, &py);
    if (sim_uniform(rng) < DY_PHOTON_SHARE)
        m = 1.0 / (1.0 / DY_LO - sim_uniform(rng) * (1.0 / DY_LO - 1.0 / DY_HI));
    else
        m = sim_draw_relativistic_bw(M_Z, G_Z, DY_LO, DY_HI, rng);
    sim_p4 z = hard_system(cfg, m, px, py, 1.0, rng);
    decay_z(t, cfg, &z, m, 1, rng);
}

static void draw_jpsi(ev_truth *t, const ev_config *cfg, sim_random *rng)
{
    /* gg -> J/psi g: the J/psi recoils against a jet and soft radiation. */
    double pt = sim_draw_pair_pt(EV_JPSI_P0, EV_JPSI_K, cfg->jpsi_pt_min, rng),
           phi = uniform_phi(rng);
    double kt = sim_draw_pair_pt(SOFT_P0, SOFT_K, 0.0, rng), kphi = uniform_phi(rng);
    sim_p4 soft = {kt, kt * cos(kphi), kt * sin(kphi), 0};
    add(t, &soft, EV_SOFT, 0, 21);
    double jx = -pt * cos(phi) - soft.px, jy = -pt * sin(phi) - soft.py;
    sim_p4 jet = massless(sqrt(jx * jx + jy * jy), ISR_ETA_SIGMA * sim_normal(rng), atan2(jy, jx));
    add(t, &jet, EV_PARTON, 0, 21);
    sim_p4 psi = hard_system(cfg, M_JPSI, jx + soft.px, jy + soft.py, 1.0, rng);
    decay_z(t, cfg, &psi, M_JPSI, 0, rng);
}

/* Breit-Wigner density of an off-shell boson (mass m) times the decay
 * momentum of H -> V1 V2, for the accept-reject of the second mass. */
static double offshell_weight(double m, double m0, double w, double m1)
{
    double d = m * m - m0 * m0;
    double s = M_H * M_H, a = s - (m1 + m) * (m1 + m), b = s - (m1 - m) * (m1 - m);
    if (a <= 0 || b <= 0)
        return 0;
    return m / (d * d + m0 * m0 * w * w) * sqrt(a * b);
}

/* H -> V V*: the first boson near its pole, the second off shell. */
static void draw_pair_masses(double m0, double w, double lo2, sim_random *rng, double *m1,
                             double *m2)
{
    *m1 = sim_draw_relativistic_bw(m0, w, 40.0, M_H - lo2, rng);
    double hi = M_H - *m1, top = 0;
    for (int i = 0; i <= 32; i++)
        top = fmax(top, offshell_weight(lo2 + (hi - lo2) * i / 32.0, m0, w, *m1));
    for (;;) {
        double m = lo2 + (hi - lo2) * sim_uniform(rng);
        if (1.05 * top * sim_uniform(rng) < offshell_weight(m, m0, w, *m1)) {
            *m2 = m;
            return;
        }
    }
}

static void draw_higgs(ev_truth *t, const ev_config *cfg, int zz, sim_random *rng)
{
    double px, py, m1, m2;
    add_recoil(t, cfg, rng, &px, &py);
    sim_p4 h = hard_system(cfg, M_H, px, py, 1.0, rng), v1, v2;
    if (zz) {
        draw_pair_masses(M_Z, G_Z, 12.0, rng, &m1, &m2);
        ev_decay2(&h, M_H, m1, m2, rng, &v1, &v2);
        decay_z(t, cfg, &v1, m1, 0, rng);
        decay_z(t, cfg, &v2, m2, 0, rng);
    } else {
        draw_pair_masses(M_W, G_W, 10.0, rng, &m1, &m2);
        ev_decay2(&h, M_H, m1, m2, rng, &v1, &v2);
        decay_w_iso(t, cfg, &v1, m1, 1, rng);
        decay_w_iso(t, cfg, &v2, m2, -1, rng);
    }
}

/* t -> W b, W -> l nu or q q' (half of the hadronic W decays give a c). */
static void decay_top(ev_truth *t, const ev_config *cfg, const sim_p4 *top, double m, int q,
                      int leptonic, sim_random *rng)
{
    double mw = sim_draw_relativistic_bw(M_W, G_W, 50.0, fmin(110.0, m - M_B - 1.0), rng);
    sim_p4 w, b;
    ev_decay2(top, m, mw, M_B, rng, &w, &b);
    add(t, &b, EV_PARTON, 0, 5);
    if (leptonic) {
        decay_w_iso(t, cfg, &w, mw, q, rng);
        return;
    }
    sim_p4 q1, q2;
    ev_decay2(&w, mw, 0.0, 0.0, rng, &q1, &q2);
    add(t, &q1, EV_PARTON, 0, sim_uniform(rng) < 0.5 ? 4 : 2);
    add(t, &q2, EV_PARTON, 0, 1);
}

static void draw_ttbar(ev_truth *t, const ev_config *cfg, int dilepton, sim_random *rng)
{
    double px, py;
    add_recoil(t, cfg, rng, &px, &py);
    double m1 = sim_draw_relativistic_bw(M_TOP, G_TOP, 160.0, 185.0, rng);
    double m2 = sim_draw_relativistic_bw(M_TOP, G_TOP, 160.0, 185.0, rng);
    double theta = cfg->sqrt_s <= 8.5 ? TT_THETA_7 : TT_THETA_13;
    double e = -log(1.0 - sim_uniform(rng)), z = sim_normal(rng);
    double m = m1 + m2 + theta * (e + 0.5 * z * z); /* Gamma(3/2, theta) */
    sim_p4 tt = hard_system(cfg, m, px, py, 1.0, rng), top, antitop;
    ev_decay2(&tt, m, m1, m2, rng, &top, &antitop);
    int first_leptonic = dilepton || sim_uniform(rng) < 0.5;
    decay_top(t, cfg, &top, m1, 1, first_leptonic, rng);
    decay_top(t, cfg, &antitop, m2, -1, dilepton || !first_leptonic, rng);
}

static void add_pileup(ev_truth *t, const ev_config *cfg, sim_random *rng)
{
    int n = draw_poisson((cfg->pileup + 1.0) * PU_RATE, rng);
    for (int i = 0; i < n; i++) {
        double eta = PU_ETA * (2 * sim_uniform(rng) - 1);
        sim_p4 p = massless(draw_pareto(PU_PT, PU_ALPHA, rng), eta, uniform_phi(rng));
        add(t, &p, EV_PILEUP, 0, 21);
    }
}

ev_process ev_resolve(ev_process p, const ev_config *cfg, sim_random *rng)
{
    if (p == EV_TTBAR) {
        double lj = ev_sigma_pb(cfg, EV_TTBAR_LJETS), dl = ev_sigma_pb(cfg, EV_TTBAR_DILEP);
        return sim_uniform(rng) * (lj + dl) < lj ? EV_TTBAR_LJETS : EV_TTBAR_DILEP;
    }
    if (p == EV_HIGGS) {
        double zz = ev_sigma_pb(cfg, EV_HIGGS_ZZ4L), ww = ev_sigma_pb(cfg, EV_HIGGS_WW2L2NU);
        return sim_uniform(rng) * (zz + ww) < zz ? EV_HIGGS_ZZ4L : EV_HIGGS_WW2L2NU;
    }
    return p;
}

void ev_truth_draw(ev_process p, const ev_config *cfg, sim_random *rng, ev_truth *out)
{
    out->n = 0;
    switch (p) {
    case EV_DY:
        draw_dy(out, cfg, rng);
        break;
    case EV_WJETS:
        draw_w(out, cfg, rng);
        break;
    case EV_TTBAR_LJETS:
    case EV_TTBAR_DILEP:
    case EV_TTBAR:
        draw_ttbar(out, cfg, p == EV_TTBAR_DILEP, rng);
        break;
    case EV_HIGGS_ZZ4L:
    case EV_HIGGS_WW2L2NU:
    case EV_HIGGS:
        draw_higgs(out, cfg, p == EV_HIGGS_ZZ4L, rng);
        break;
    case EV_JPSI:
    default:
        draw_jpsi(out, cfg, rng);
        break;
    }
    add_pileup(out, cfg, rng);
}
