/*
 * calo_event.c — the physics of one electron candidate in pipe_calo: the
 * candidate's ET and eta (W/Z-like), its shower and bremsstrahlung
 * photons swept along phi by the 3.8 T field, for background the jet
 * around it (b/c electron or a leading pi0 faking an electron, with the
 * jet's charged hadrons, photons and neutral hadrons), and the underlying
 * event and pile-up. Numbers and their sources: docs/stages/calo.md.
 */
#include "calo_internal.h"

#include <math.h>

#define M_W 80.377 /* GeV, PDG */
#define G_W 2.085
#define M_Z 91.1876 /* GeV, PDG */
#define G_Z 2.4952
#define M_PI0 0.135 /* GeV, PDG */
/* Azimuthal bend at the ECAL face, 0.3 B R / 2 with B = 3.8 T, R = 1.29 m:
 * a track of pT turns by BEND / pT radians; below BEND GeV it loops. */
#define BEND 0.735
#define R_ECAL 1.29
/* Charged-hadron MIP energy in 23 cm of PbWO4 (dE/dx 10.1 MeV/cm, PDG). */
#define E_MIP 0.232
/* Probability that a hadron interacts in the crystal: 1 - exp(-23/20.28). */
#define P_INTERACT 0.678
/* Soft particles: charged per interaction dN/deta = 5.49 (CMS, 13 TeV),
 * per unit of eta x phi; <pT> 0.5 GeV (photons: half of a pi0's). */
#define DN_DETA 5.49
#define SOFT_T 0.25
/* Jet fragmentation: transverse momentum to the jet axis j_T, GeV. */
#define JET_JT 0.6
#define JET_MIN 0.3

double calo_exponential(pipe_rng *rng)
{
    return -log(1.0 - pipe_rng_uniform(rng));
}

double calo_gamma(pipe_rng *rng, double shape)
{
    if (shape < 1) /* boost: G(a) = G(a + 1) U^(1/a) */
        return calo_gamma(rng, shape + 1) * pow(1.0 - pipe_rng_uniform(rng), 1.0 / shape);
    double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x = pipe_rng_normal(rng), v = 1 + c * x;
        if (v <= 0)
            continue;
        v = v * v * v;
        double u = pipe_rng_uniform(rng);
        if (log(1.0 - u) < 0.5 * x * x + d - d * v + d * log(v))
            return d * v;
    }
}

int calo_poisson(pipe_rng *rng, double mean)
{
    int k = 0;
    for (double sum = calo_exponential(rng); sum < mean; sum += calo_exponential(rng))
        k++;
    return k;
}

/* Breit-Wigner mass, truncated to +- 10 widths. */
static double breit_wigner(pipe_rng *rng, double m, double g)
{
    double x;
    do
        x = m + 0.5 * g * tan(M_PI * (pipe_rng_uniform(rng) - 0.5));
    while (fabs(x - m) > 10 * g);
    return x;
}

/* A decay electron's ET from a W or a Z (half each): m/2 sin(theta*) with
 * 1 + cos^2(theta*), plus half the boson's pT (Gamma(2, 4 GeV)) along a
 * random direction. Within [et_min, et_max]. */
static double wz_et(const calo_config *cfg, pipe_rng *rng)
{
    for (;;) {
        int w = pipe_rng_uniform(rng) < 0.5;
        double m = w ? breit_wigner(rng, M_W, G_W) : breit_wigner(rng, M_Z, G_Z), c;
        do
            c = 2 * pipe_rng_uniform(rng) - 1;
        while (2 * pipe_rng_uniform(rng) > 1 + c * c);
        double pt_v = 4.0 * calo_gamma(rng, 2.0);
        double et = 0.5 * m * sqrt(1 - c * c) + 0.5 * pt_v * cos(2 * M_PI * pipe_rng_uniform(rng));
        if (et >= cfg->et_min && et <= cfg->et_max)
            return et;
    }
}

static double cell_cosh(const calo_grid *g, double row)
{
    return cosh(g->eta + (row - g->row) * CALO_CRYSTAL);
}

/* An EM shower (photon or electron) of transverse energy et at (row, col). */
static void em(calo_grid *g, double row, double col, double et, int reach)
{
    calo_deposit(g->ecal, g->h, g->w, &calo_em_profile, row, col, et, reach);
}

/* A hadron of pT at (row, col): a MIP or, when it interacts in the
 * crystal, a fraction U(0, 0.6) of its energy as a hadronic shower; the
 * rest goes to its HCAL tower when there is one. */
static void hadron(pipe_rng *rng, calo_grid *g, double row, double col, double pt, int charged)
{
    double ecal = 0;
    if (pipe_rng_uniform(rng) < P_INTERACT) {
        ecal = pt * 0.6 * pipe_rng_uniform(rng);
        calo_deposit(g->ecal, g->h, g->w, &calo_had_profile, row, col, ecal, 6);
    } else if (charged) {
        ecal = fmin(pt, E_MIP * (0.85 + 0.15 * calo_exponential(rng)) / cell_cosh(g, row));
        int i = (int)floor(row), j = (int)floor(col);
        if (i >= 0 && i < g->h && j >= 0 && j < g->w)
            g->ecal[(size_t)i * (size_t)g->w + j] += (float)ecal;
    }
    if (!g->hcal)
        return;
    int ti = (int)floor(row / CALO_TOWER_CRYSTALS), tj = (int)floor(col / CALO_TOWER_CRYSTALS);
    if (ti >= 0 && ti < g->th && tj >= 0 && tj < g->tw)
        g->hcal[(size_t)ti * (size_t)g->tw + tj] += (float)(pt - ecal);
}

/* A charged particle of pT and charge q produced heading for (row, col):
 * it lands bent along phi by q BEND / pT; below BEND GeV it never reaches. */
static void charged_hadron(pipe_rng *rng, calo_grid *g, double row, double col, double pt)
{
    if (pt <= BEND)
        return;
    double q = pipe_rng_uniform(rng) < 0.5 ? -1 : 1;
    hadron(rng, g, row, col + q * asin(BEND / pt) / CALO_CRYSTAL, pt, 1);
}

/* An electron of ET et landing at (row, col) with charge q: it keeps a
 * fraction y of its energy through the tracker's t radiation lengths
 * (Bethe-Heitler: -ln y ~ Gamma(t / ln 2)); the rest leaves as two photons
 * emitted at radii U(0.04, 1.1) m, landing q (BEND / pT) (1 - r / R)^2
 * back along phi. */
static void electron(pipe_rng *rng, calo_grid *g, double row, double col, double et)
{
    double q = pipe_rng_uniform(rng) < 0.5 ? -1 : 1;
    double t = 0.4 + 1.0 * fabs(g->eta); /* CMS tracker material, X0 */
    double y = exp(-calo_gamma(rng, t / M_LN2)), brem = et * (1 - y);
    em(g, row, col, et * y, 6);
    double share = pipe_rng_uniform(rng);
    for (int k = 0; k < 2; k++) {
        double e = brem * (k == 0 ? share : 1 - share);
        if (e < 0.05)
            continue;
        double r = 0.04 + 1.06 * pipe_rng_uniform(rng), x = 1 - r / R_ECAL;
        em(g, row, col + q * BEND / et * x * x / CALO_CRYSTAL, e, 5);
    }
}

/* Underlying event and pile-up: Poisson numbers of charged hadrons and
 * photons per unit area, uniform over the grid and a margin. */
static void soft(const calo_config *cfg, pipe_rng *rng, calo_grid *g, calo_truth *t)
{
    t->pileup = calo_poisson(rng, cfg->pileup);
    const double margin = 3;
    double area = (g->h + 2 * margin) * (g->w + 2 * margin) * CALO_CRYSTAL * CALO_CRYSTAL;
    double mean = (t->pileup + cfg->ue) * DN_DETA / (2 * M_PI) * area;
    for (int kind = 0; kind < 2; kind++) {
        int n = calo_poisson(rng, mean);
        t->soft += n;
        for (int k = 0; k < n; k++) {
            double row = -margin + (g->h + 2 * margin) * pipe_rng_uniform(rng);
            double col = -margin + (g->w + 2 * margin) * pipe_rng_uniform(rng);
            if (kind == 0)
                charged_hadron(rng, g, row, col, SOFT_T * calo_gamma(rng, 2.0));
            else
                em(g, row, col, 0.5 * SOFT_T * calo_gamma(rng, 2.0), 3);
        }
    }
}

/* The rest of a jet carrying (1/z - 1) times the candidate's ET around an
 * axis at (row, col): particles take 1 - sqrt(u) of what is left, down to
 * 0.3 GeV; 60 % charged hadrons, 30 % photons, 10 % neutral hadrons, at
 * j_T / pT (j_T exponential, mean 0.6 GeV) from the axis. */
static void jet(pipe_rng *rng, calo_grid *g, double row, double col, double rest, calo_truth *t)
{
    while (rest > JET_MIN) {
        double pt = rest * (1 - sqrt(pipe_rng_uniform(rng)));
        rest -= pt;
        if (pt < JET_MIN)
            continue;
        t->jet++;
        double dr = JET_JT * calo_exponential(rng) / pt / CALO_CRYSTAL;
        double psi = 2 * M_PI * pipe_rng_uniform(rng);
        double r = row + dr * cos(psi), c = col + dr * sin(psi), kind = pipe_rng_uniform(rng);
        if (kind < 0.6)
            charged_hadron(rng, g, r, c, pt);
        else if (kind < 0.9)
            em(g, r, c, pt, 5);
        else
            hadron(rng, g, r, c, pt, 0);
    }
}

void calo_event(const calo_config *cfg, pipe_rng *rng, int label, calo_grid *g, calo_truth *t)
{
    t->et = wz_et(cfg, rng);
    t->soft = t->jet = 0;
    g->eta = (2 * pipe_rng_uniform(rng) - 1) * cfg->eta_max;
    g->row = g->h / 2 + pipe_rng_uniform(rng);
    g->col = g->w / 2 + pipe_rng_uniform(rng);
    if (label) {
        t->source = 0;
        electron(rng, g, g->row, g->col, t->et);
    } else {
        int fake = pipe_rng_uniform(rng) < cfg->fake_fraction;
        t->source = fake ? 2 : 1;
        /* the candidate's share z of the jet: b/c electrons U(0.2, 0.7),
         * a leading pi0 U(0.4, 0.9) */
        double z = fake ? 0.4 + 0.5 * pipe_rng_uniform(rng) : 0.2 + 0.5 * pipe_rng_uniform(rng);
        if (fake) { /* pi0 -> 2 photons: energy share u, opening m / (pT sqrt(u(1-u))) */
            double u = pipe_rng_uniform(rng), psi = 2 * M_PI * pipe_rng_uniform(rng);
            double open = M_PI0 / (t->et * sqrt(u * (1 - u) + 1e-12)) / CALO_CRYSTAL;
            open = fmin(open, 5.0);
            em(g, g->row + (1 - u) * open * cos(psi), g->col + (1 - u) * open * sin(psi), u * t->et,
               6);
            em(g, g->row - u * open * cos(psi), g->col - u * open * sin(psi), (1 - u) * t->et, 6);
        } else {
            electron(rng, g, g->row, g->col, t->et);
        }
        double dr = JET_JT * calo_exponential(rng) / t->et / CALO_CRYSTAL;
        double psi = 2 * M_PI * pipe_rng_uniform(rng);
        jet(rng, g, g->row + dr * cos(psi), g->col + dr * sin(psi), t->et * (1 / z - 1), t);
    }
    soft(cfg, rng, g, t);
}
