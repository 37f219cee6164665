/*
 * ev_sigma.c — the processes of pipe_events by name, and their cross
 * sections times branching fractions at each sqrt(s), per chosen lepton
 * flavours. Sources (docs/stages/events.md): CMS W and Z measurements at
 * 7, 8 and 13 TeV, the LHC Top Working Group's NNLO+NNLL ttbar cross
 * sections, the LHC Higgs Cross Section Working Group's ggF cross
 * sections and Higgs branching fractions, PDG W and Z branching fractions.
 */
#include "ev_internal.h"

#include <math.h>
#include <string.h>

const char *const ev_process_names[EV_N_PROCESSES] = {"dy",          "wjets",         "ttbar",
                                                      "ttbar_ljets", "ttbar_dilep",   "higgs",
                                                      "higgs_zz4l",  "higgs_ww2l2nu", "jpsi"};

const char *ev_process_name(ev_process p)
{
    return p >= 0 && p < EV_N_PROCESSES ? ev_process_names[p] : "?";
}

int ev_process_parse(const char *name)
{
    for (int i = 0; i < EV_N_PROCESSES; i++)
        if (strcmp(ev_process_names[i], name) == 0)
            return i;
    return -1;
}

/* The energies of the tables below, TeV. */
#define N_ENERGIES 4
static const double energies[N_ENERGIES] = {7, 8, 13, 13.6};
/* sigma(W+ -> l nu), sigma(W- -> l nu), sigma(Z -> ll, 60-120 GeV) per
 * flavour, pb: CMS JHEP 10 (2011) 132 (7 TeV), CMS PRL 112 (2014) 191802
 * (8 TeV), CMS-PAS-SMP-15-004 (13 TeV); 13.6 TeV: the 13 TeV values
 * scaled by 1.04 (NNLO energy dependence). */
static const double sigma_wplus[N_ENERGIES] = {6040, 7110, 11370, 11825};
static const double sigma_wminus[N_ENERGIES] = {4260, 5090, 8580, 8923};
static const double sigma_z[N_ENERGIES] = {974, 1150, 1910, 1986};
/* ttbar, pb: Top++ NNLO+NNLL, m_t = 172.5 GeV (LHC Top WG). */
static const double sigma_tt[N_ENERGIES] = {177.3, 252.9, 831.8, 923.6};
/* gg -> H, pb: LHC HXSWG YR3 (7, 8 TeV), YR4 N3LO (13, 13.6 TeV). */
static const double sigma_ggh[N_ENERGIES] = {15.13, 19.27, 48.58, 52.23};
/* Prompt J/psi -> ll with pT > 20 GeV, |y| < 2.4, pb: an order of
 * magnitude read off CMS PLB 780 (2018) 251 (13 TeV) and JHEP 02 (2012)
 * 011 (7 TeV); a factor two uncertain. */
static const double sigma_jpsi20[N_ENERGIES] = {500, 600, 1000, 1050};
/* Branching fractions (PDG 2022; Higgs: LHC HXSWG YR4, m_H = 125 GeV). */
#define BR_W_LNU 0.1086
#define BR_W_HAD 0.6741
#define BR_Z_LL 0.033662
#define BR_H_ZZ 0.02641
#define BR_H_WW 0.2152

static int energy_index(double sqrt_s)
{
    int best = 0;
    for (int i = 1; i < N_ENERGIES; i++)
        if (fabs(energies[i] - sqrt_s) < fabs(energies[best] - sqrt_s))
            best = i;
    return best;
}

void ev_w_charge_sigmas(double sqrt_s, double *plus, double *minus)
{
    int i = energy_index(sqrt_s);
    *plus = sigma_wplus[i];
    *minus = sigma_wminus[i];
}

/* Share of the J/psi pT shape pT / (1 + (pT/p0)^2)^k above x. */
static double jpsi_tail(double x)
{
    return pow(1.0 + (x / EV_JPSI_P0) * (x / EV_JPSI_P0), 1.0 - EV_JPSI_K);
}

double ev_sigma_pb(const ev_config *cfg, ev_process p)
{
    int i = energy_index(cfg->sqrt_s);
    double nf = cfg->flavour == EV_FLAVOUR_BOTH ? 2.0 : 1.0;
    double bl = nf * BR_W_LNU, bz = nf * BR_Z_LL;
    switch (p) {
    case EV_DY:
        return nf * sigma_z[i];
    case EV_WJETS:
        return nf * (sigma_wplus[i] + sigma_wminus[i]);
    case EV_TTBAR_LJETS:
        return sigma_tt[i] * 2 * bl * BR_W_HAD;
    case EV_TTBAR_DILEP:
        return sigma_tt[i] * bl * bl;
    case EV_TTBAR:
        return sigma_tt[i] * (2 * bl * BR_W_HAD + bl * bl);
    case EV_HIGGS_ZZ4L:
        return sigma_ggh[i] * BR_H_ZZ * bz * bz;
    case EV_HIGGS_WW2L2NU:
        return sigma_ggh[i] * BR_H_WW * bl * bl;
    case EV_HIGGS:
        return sigma_ggh[i] * (BR_H_ZZ * bz * bz + BR_H_WW * bl * bl);
    case EV_JPSI:
        return nf * sigma_jpsi20[i] * jpsi_tail(cfg->jpsi_pt_min) / jpsi_tail(20.0);
    default:
        return 0;
    }
}
