/*
 * events.h — pipe_events: a generator of whole proton-proton events
 * (Drell-Yan, W+jets, ttbar, gluon-fusion Higgs, prompt J/psi) through a
 * CMS-like detector, one table row per event: object counts, leptons,
 * jets, missing transverse momentum, the process label and a
 * cross-section weight.
 *
 * Every event is drawn from the stream of its block of EV_BLOCK events,
 * seeded from the configuration's seed and the block index, so a sample
 * is the same however it is cut up (the first n events of a larger
 * sample are the sample of n events). docs/stages/events.md gives the
 * physics and the source of every number.
 *
 * Link the static library `pipe_events` and include "events.h".
 */
#ifndef PIPE_EVENTS_H
#define PIPE_EVENTS_H

#include <pipe/pipe.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Events per seeded block. */
#define EV_BLOCK 1024
/* At most this many classes (processes) in one sample. */
#define EV_MAX_CLASSES 8
/* At most this many leptons and jets written per event. */
#define EV_MAX_LEPTONS 8
#define EV_MAX_JETS 16

/* The processes. "ttbar" is both tt decays with at least one lepton,
 * "higgs" both Higgs decays, mixed by their cross sections. */
typedef enum ev_process {
    EV_DY,          /* Z/gamma* -> ll (+ jets), 50 < m_ll < 150 GeV at generation */
    EV_WJETS,       /* W -> l nu (+ jets) */
    EV_TTBAR,       /* ttbar -> l+jets or dilepton */
    EV_TTBAR_LJETS, /* ttbar -> l nu b b q q' */
    EV_TTBAR_DILEP, /* ttbar -> l nu l nu b b */
    EV_HIGGS,       /* gg -> H -> ZZ* -> 4l or WW* -> l nu l nu */
    EV_HIGGS_ZZ4L,  /* gg -> H -> ZZ* -> 4l */
    EV_HIGGS_WW2L2NU /* gg -> H -> WW* -> l nu l nu */,
    EV_JPSI, /* prompt J/psi -> ll */
    EV_N_PROCESSES
} ev_process;

/* "dy", "wjets", "ttbar", "ttbar_ljets", "ttbar_dilep", "higgs",
 * "higgs_zz4l", "higgs_ww2l2nu", "jpsi". */
const char *ev_process_name(ev_process p);
/* The process called `name`, or -1. */
int ev_process_parse(const char *name);
/* All names, in enum order (for "did you mean"). */
extern const char *const ev_process_names[EV_N_PROCESSES];

typedef enum ev_flavour { EV_FLAVOUR_MU, EV_FLAVOUR_E, EV_FLAVOUR_BOTH } ev_flavour;

/* Everything the generator needs. */
typedef struct ev_config {
    int64_t events;
    int n_classes;
    ev_process classes[EV_MAX_CLASSES]; /* label k is classes[k] */
    ev_flavour flavour;
    double sqrt_s;      /* TeV: 7, 8, 13 or 13.6 */
    double pileup;      /* mean number of pile-up interactions mu */
    int balanced;       /* 1: equal class counts; 0: counts as cross section x acceptance */
    int max_leptons;    /* lepton slots per row */
    int max_jets;       /* jet slots per row */
    double jet_pt_min;  /* reconstructed jets above this pt, GeV */
    double trigger_mu;  /* single-muon trigger threshold, GeV */
    double trigger_e;   /* single-electron trigger threshold, GeV */
    double jet_ratio;   /* Berends scaling: sigma(n+1 jets) / sigma(n jets) */
    double jpsi_pt_min; /* J/psi generated above this pt, GeV */
    uint64_t seed;      /* blocks are seeded from it */
} ev_config;

/* Defaults: 10000 events, classes dy, wjets, ttbar, muons, 13 TeV, mu =
 * 20, balanced, 4 leptons, 6 jets, the thresholds of the docs page. */
void ev_config_default(ev_config *cfg);
/* The √s-dependent trigger thresholds (CMS single-lepton triggers of the
 * period): sets trigger_mu and trigger_e. */
void ev_config_triggers(ev_config *cfg);

/* Check a configuration; returns 0, or -1 with *param set to the name of
 * the offending parameter and a message in err. */
int ev_config_check(const ev_config *cfg, const char **param, char *err, size_t err_size);

/* The table's columns: n_lep, n_jet, n_bjet, then per lepton slot i
 * (1-based) lep{i}_pt, _eta, _phi, _q, _pdg (11 or 13), per jet slot
 * jet{i}_pt, _eta, _phi, _btag, then met, met_phi, ht, label, weight.
 * Empty slots hold zeros; objects are ordered by falling pt. */
int64_t ev_column_count(const ev_config *cfg);
/* Fill names[ev_column_count] (each malloc'd; free with ev_columns_free).
 * Returns 0, or -1 when out of memory. */
int ev_column_names(const ev_config *cfg, char **names);
void ev_columns_free(char **names, int64_t n);

/* What a generation did, per class: kept events, attempts (generated
 * events, before detector and trigger) and the weight of each kept event
 * (pb: the class's cross section times its acceptance, per event). */
typedef struct ev_report {
    int64_t events[EV_MAX_CLASSES];
    int64_t attempts[EV_MAX_CLASSES];
    double sigma_pb[EV_MAX_CLASSES]; /* cross section x branching fraction */
    double weight_pb[EV_MAX_CLASSES];
} ev_report;

/*
 * Generate cfg->events events into a new f64 table (column names set; the
 * caller owns the reference). `report` may be NULL. Returns NULL with a
 * message in err when the configuration is invalid or memory runs out.
 */
pipe_tensor *ev_generate(const ev_config *cfg, ev_report *report, char *err, size_t err_size);
/* The events [first, first + n) of that sample (one process's share of
 * it), without their weights: their rows are the same for any cut, and
 * the report counts only them. */
pipe_tensor *ev_generate_rows(const ev_config *cfg, int64_t first, int64_t n, ev_report *report,
                              char *err, size_t err_size);
/* The weight column of `t` from the report's counts (of the whole sample:
 * sigma x BR / attempts per class), into rep->weight_pb and the rows. */
void ev_set_weights(const ev_config *cfg, pipe_tensor *t, ev_report *rep);

/* Cross section times branching fraction of process p into the chosen
 * lepton flavours at cfg->sqrt_s, pb (docs/stages/events.md). */
double ev_sigma_pb(const ev_config *cfg, ev_process p);

/* ---- comparison with real CMS dielectron events (ev_compare.c) ------ */

/* The mass window of the comparison, GeV. */
#define EV_COMPARE_LO 80.0
#define EV_COMPARE_HI 100.0

/* The pairs of one sample in the window. */
typedef struct ev_window {
    int64_t n;
    double mass_median, mass_iqr;
    double lead_median, lead_iqr, trail_median, trail_iqr;
} ev_window;

typedef struct ev_comparison {
    ev_window real, sim;
    double ks_mass, ks_lead, ks_trail; /* two-sample Kolmogorov-Smirnov distances */
} ev_comparison;

/* The generator set up like the real dielectron sample's 2010 runs:
 * Drell-Yan -> ee only, 7 TeV, pile-up 2, electron trigger 17 GeV, 40000
 * events. */
void ev_config_dielectron_2010(ev_config *cfg);

/* Compare the 80-100 GeV pairs of a CMS dielectron table (M, pt1, pt2)
 * with those of a generated table (m_ll, lep1_pt, lep2_pt, events with
 * n_lep >= 2). Returns 0, or -1 with a message in err. */
int ev_compare_dielectron(const pipe_tensor *real, const pipe_tensor *sim, ev_comparison *c,
                          char *err, size_t err_size);

#ifdef __cplusplus
}
#endif
#endif /* PIPE_EVENTS_H */
