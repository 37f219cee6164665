/*
 * sim.h — pipe_sim: a generator of CMS-like dielectron events with the 19
 * columns of the CMS open-data file (record 304), and the two-sample
 * statistics used to compare simulated with real events.
 *
 * The generator draws each event from one process of a mixture (J/psi,
 * psi(2S), Upsilon(1S,2S,3S), Z, Drell-Yan continuum, combinatorial pairs),
 * decays the pair in its rest frame, boosts it to the lab, passes the two
 * electrons through a simple detector (resolution, acceptance, trigger) and
 * writes the measured quantities, rounded like the CMS file. All
 * randomness comes from the pipe_rng handed in: same seed, same events.
 *
 * Link the static library `pipe_sim` and include "sim.h".
 */
#ifndef PIPE_SIM_H
#define PIPE_SIM_H

#include <pipe/pipe.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The tunable constants of the generator, each once:
 * X(name, default, min, max, doc). The stage declares them as float
 * parameters; pipe_sim_config_default() applies the defaults. The defaults
 * are calibrated on the real sample (docs/stages/simulate.md gives the figures).
 */
#define PIPE_SIM_FLOAT_PARAMS(X)                                                                   \
    X(frac_jpsi, 0.008, 0, 1, "share of J/psi -> ee events (weights are normalised to sum 1)")     \
    X(frac_psi2s, 0.001, 0, 1, "share of psi(2S) -> ee events")                                    \
    X(frac_ups1s, 0.005, 0, 1, "share of Upsilon(1S) -> ee events")                                \
    X(frac_ups2s, 0.002, 0, 1, "share of Upsilon(2S) -> ee events")                                \
    X(frac_ups3s, 0.001, 0, 1, "share of Upsilon(3S) -> ee events")                                \
    X(frac_z, 0.060, 0, 1, "share of Z -> ee events (Breit-Wigner, width 2.495 GeV)")              \
    X(frac_dy, 0.060, 0, 1, "share of Drell-Yan continuum events (falling with mass)")             \
    X(frac_comb, 0.863, 0, 1,                                                                      \
      "share of combinatorial pairs (trigger electron + unrelated soft electron, charges "         \
      "independent: half of them are same-sign)")                                                  \
    X(mass_min, 2, 0, 1000, "lowest pair mass kept, GeV (the CMS file: 2)")                        \
    X(mass_max, 110, 0, 14000, "highest pair mass kept, GeV (the CMS file: 110)")                  \
    X(eta_max, 2.5, 0.1, 5, "acceptance |eta| < eta_max for both electrons")                       \
    X(pt_min, 1.0, 0, 100, "reconstruction threshold: both electrons have pt > pt_min, GeV")       \
    X(trigger_pt_early, 12, 0, 200,                                                                \
      "single-electron trigger threshold on the leading pt in the early runs (< 149000), GeV")     \
    X(trigger_pt_late, 17, 0, 200, "the same in the late runs (>= 149000), GeV")                   \
    X(trigger_width, 0.5, 0, 20, "Gaussian width of the trigger turn-on, GeV")                     \
    X(prescaled_fraction, 0.08, 0, 1,                                                              \
      "share of events from prescaled triggers, thresholds uniform in [prescaled_pt, nominal]")    \
    X(prescaled_pt, 2, 0, 200, "lowest leading-pt threshold of the prescaled triggers, GeV")       \
    X(res_stochastic, 0.10, 0, 5,                                                                  \
      "energy resolution stochastic term a in sigma/E = a/sqrt(E/GeV) (+) b")                      \
    X(res_constant, 0.045, 0, 1, "energy resolution constant term b (added in quadrature)")        \
    X(energy_scale, 0.985, 0.5, 1.5, "measured / true energy (2010 ECAL calibration)")             \
    X(sigma_eta, 0.001, 0, 1, "Gaussian smearing of each electron's eta")                          \
    X(sigma_phi, 0.001, 0, 1, "Gaussian smearing of each electron's phi, rad")                     \
    X(crack_efficiency, 0.6, 0, 1,                                                                 \
      "efficiency for electrons in the barrel-endcap gap 1.4442 < |eta| < 1.566")

/* The processes of the mixture, in the order of the frac_* parameters. */
typedef enum pipe_sim_process {
    PIPE_SIM_JPSI,
    PIPE_SIM_PSI2S,
    PIPE_SIM_UPS1S,
    PIPE_SIM_UPS2S,
    PIPE_SIM_UPS3S,
    PIPE_SIM_Z,
    PIPE_SIM_DY,
    PIPE_SIM_COMB,
    PIPE_SIM_N_PROCESSES
} pipe_sim_process;

/* "jpsi", "psi2s", "ups1s", "ups2s", "ups3s", "z", "dy", "comb". */
const char *pipe_sim_process_name(pipe_sim_process p);

#define PIPE_SIM_DECLARE_FIELD(name, def, lo, hi, doc) double name;

/* Everything the generator needs. */
typedef struct pipe_sim_config {
    int64_t events;   /* rows to generate */
    int round_digits; /* significant digits of the written values; 0 = exact */
    PIPE_SIM_FLOAT_PARAMS(PIPE_SIM_DECLARE_FIELD)
} pipe_sim_config;

/* The defaults: 100000 events, 6 digits, the calibrated constants. */
void pipe_sim_config_default(pipe_sim_config *cfg);

/* Check a configuration; returns 0, or -1 with *param set to the name of
 * the offending parameter and a message in err (what was expected, what
 * was found). */
int pipe_sim_config_check(const pipe_sim_config *cfg, const char **param, char *err,
                          size_t err_size);

/* The 19 column names of the CMS file, trimmed: Run, Event, E1, px1, ...,
 * Q2, M. */
#define PIPE_SIM_N_COLUMNS 19
extern const char *const pipe_sim_columns[PIPE_SIM_N_COLUMNS];

/* What a generation did: events per process, and attempts (generated
 * pairs, before acceptance, trigger and mass window) per process. */
typedef struct pipe_sim_report {
    int64_t events[PIPE_SIM_N_PROCESSES];
    int64_t attempts[PIPE_SIM_N_PROCESSES];
} pipe_sim_report;

/*
 * Generate cfg->events events into a new f64 table (rows x 19, column
 * names set; the caller owns the reference). `report` may be NULL.
 * Returns NULL with a message in err when the configuration is invalid,
 * when memory runs out, or when a process cannot pass the cuts (e.g. a
 * trigger threshold above every reachable pt).
 */
pipe_tensor *pipe_sim_generate(const pipe_sim_config *cfg, pipe_rng *rng, pipe_sim_report *report,
                               char *err, size_t err_size);

/* x rounded to `digits` significant decimal digits (as printf "%.*g"
 * would print it); digits <= 0 or x not finite returns x. */
double pipe_sim_round(double x, int digits);

/* ------------------------------------------------------------------ */
/* Comparing samples                                                    */
/* ------------------------------------------------------------------ */

/* The mass bins of the calibration, GeV: [2,5) [5,12) [12,60) [60,80)
 * [80,100) [100,110]. */
#define PIPE_SIM_N_MASS_BINS 6
extern const double pipe_sim_mass_edges[PIPE_SIM_N_MASS_BINS + 1];

/* The distributions compared between two samples of events. The leading
 * electron is the one with the larger pt. Arrays are sorted, n each. */
typedef struct pipe_sim_summary {
    int64_t n;
    double mass_fraction[PIPE_SIM_N_MASS_BINS]; /* of all n events */
    double same_sign;                           /* fraction with Q1 == Q2 */
    double *lead_pt, *trail_pt, *lead_abs_eta, *trail_abs_eta;
} pipe_sim_summary;

/* Summarise rows [begin, end) of a table with the CMS columns, leaving
 * out rows [skip_begin, skip_end) (pass 0, 0 to keep all). Returns 0, or
 * -1 with a message in err (a column missing, no rows, out of memory). */
int pipe_sim_summarize(const pipe_tensor *table, int64_t begin, int64_t end, int64_t skip_begin,
                       int64_t skip_end, pipe_sim_summary *s, char *err, size_t err_size);
void pipe_sim_summary_free(pipe_sim_summary *s);

/* Only the mass-bin fractions and the same-sign fraction of a whole table
 * (no sorting: cheap enough for every run of the stage). Returns 0, or -1
 * with a message in err. */
int pipe_sim_mass_summary(const pipe_tensor *table, double fraction[PIPE_SIM_N_MASS_BINS],
                          double *same_sign, char *err, size_t err_size);

/* Two-sample Kolmogorov-Smirnov distance of two sorted arrays. */
double pipe_sim_ks(const double *a, int64_t na, const double *b, int64_t nb);

/* The distances between two summaries. */
typedef struct pipe_sim_distance {
    double ks_lead_pt, ks_trail_pt, ks_lead_eta, ks_trail_eta;
    double tv_mass;   /* total variation: half the sum of |bin fraction differences| */
    double same_sign; /* |same-sign fraction difference| */
} pipe_sim_distance;

#define PIPE_SIM_N_DISTANCES 6
void pipe_sim_distance_compute(const pipe_sim_summary *a, const pipe_sim_summary *b,
                               pipe_sim_distance *d);
/* The distances as an array, in the order of pipe_sim_distance_names. */
void pipe_sim_distance_values(const pipe_sim_distance *d, double out[PIPE_SIM_N_DISTANCES]);
extern const char *const pipe_sim_distance_names[PIPE_SIM_N_DISTANCES];

/* ------------------------------------------------------------------ */
/* Calibration against real events                                      */
/* ------------------------------------------------------------------ */

/* A new table with the rows of `t` whose energies agree with their
 * momenta (|E - |p|| <= 0.01 + 0.001 |p| for both electrons, E finite):
 * what is left of dielectron_1k_damaged.csv once its damaged E1 values
 * are dropped. NULL when out of memory or a column is missing. */
pipe_tensor *pipe_sim_consistent_rows(const pipe_tensor *t);

/*
 * The comparison of docs/stages/simulate.md. `sample` is the real sample of
 * several runs, cut into n_blocks contiguous blocks (about one run each);
 * `run` is real events of one other run; `sim` is simulated.
 * Distances are in the order of pipe_sim_distance_names.
 */
typedef struct pipe_sim_calibration {
    pipe_sim_summary sample_all, run_all, sim_all;
    double sim_vs_sample[PIPE_SIM_N_DISTANCES]; /* the simulation against the sample */
    double run_vs_sample[PIPE_SIM_N_DISTANCES]; /* another run against the sample */
    double block_vs_rest[PIPE_SIM_N_DISTANCES]; /* mean over blocks: block vs other blocks */
    double block_vs_sim[PIPE_SIM_N_DISTANCES];  /* mean over blocks: block vs simulation */
    double block_vs_rest_max[PIPE_SIM_N_DISTANCES];
    double block_vs_rest_se[PIPE_SIM_N_DISTANCES]; /* standard error of that mean */
} pipe_sim_calibration;

/* Fill *c (free with pipe_sim_calibration_free). Returns 0, or -1 with a
 * message in err. */
int pipe_sim_calibrate(const pipe_tensor *sample, const pipe_tensor *run, const pipe_tensor *sim,
                       int n_blocks, pipe_sim_calibration *c, char *err, size_t err_size);
void pipe_sim_calibration_free(pipe_sim_calibration *c);

#ifdef __cplusplus
}
#endif
#endif /* PIPE_SIM_H */
