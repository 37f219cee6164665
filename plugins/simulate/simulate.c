/*
 * simulate.c — the `simulate` stage: CMS-like dielectron events with the
 * 19 columns of the CMS open-data file, so that every pipeline runs
 * without the download. A thin adapter: the physics is in pipe_sim
 * (sim.h); this file declares the parameters, reads them, runs the
 * generator and reports what it made.
 */
#include "sim.h"

#include <pipe/pipe.h>
#include <stdio.h>

#define FLOAT_PARAM(name, def, lo, hi, doc) {#name, PIPE_PARAM_FLOAT, #def, lo, hi, NULL, doc},

static const pipe_param_decl params[] = {
    {"events", PIPE_PARAM_INT, "100000", 1, 1e9, NULL, "number of events (rows) to generate"},
    {"round_digits", PIPE_PARAM_INT, "6", 0, 17, NULL,
     "significant digits kept in every measured value, like the CMS file (0: exact)"},
    PIPE_SIM_FLOAT_PARAMS(FLOAT_PARAM)};

static const pipe_port_decl outputs[] = {
    {"table", PIPE_DT(PIPE_F64), 2, 0,
     "events x 19 columns: Run, Event, E1, px1, py1, pz1, pt1, eta1, phi1, Q1, E2, ..., Q2, M"},
};

#define READ_FLOAT_PARAM(name, def, lo, hi, doc) cfg->name = pipe_param_float(ctx, #name);

static void read_config(const pipe_ctx *ctx, pipe_sim_config *cfg)
{
    pipe_sim_config_default(cfg);
    cfg->events = pipe_param_int(ctx, "events");
    cfg->round_digits = (int)pipe_param_int(ctx, "round_digits");
    PIPE_SIM_FLOAT_PARAMS(READ_FLOAT_PARAM)
}

static int simulate_check(pipe_ctx *ctx)
{
    pipe_sim_config cfg;
    const char *param;
    char err[256];
    read_config(ctx, &cfg);
    if (pipe_sim_config_check(&cfg, &param, err, sizeof err) != 0)
        return pipe_param_error(ctx, param, "%s", err);
    return 0;
}

/* Metrics: events per process, mass-bin fractions, same-sign fraction. */
static int report_metrics(pipe_ctx *ctx, const pipe_tensor *t, const pipe_sim_report *rep)
{
    double fraction[PIPE_SIM_N_MASS_BINS], same_sign;
    char err[256], key[64];
    if (pipe_sim_mass_summary(t, fraction, &same_sign, err, sizeof err) != 0)
        return pipe_error(ctx, "%s", err);
    pipe_metric(ctx, "events", (double)pipe_tensor_rows(t));
    for (int p = 0; p < PIPE_SIM_N_PROCESSES; p++) {
        snprintf(key, sizeof key, "process_events.%s", pipe_sim_process_name(p));
        pipe_metric(ctx, key, (double)rep->events[p]);
    }
    for (int b = 0; b < PIPE_SIM_N_MASS_BINS; b++) {
        snprintf(key, sizeof key, "mass_fraction.%g-%g", pipe_sim_mass_edges[b],
                 pipe_sim_mass_edges[b + 1]);
        pipe_metric(ctx, key, fraction[b]);
    }
    pipe_metric(ctx, "same_sign_fraction", same_sign);
    pipe_log(ctx,
             "mass bins 2-5/5-12/12-60/60-80/80-100/100-110 GeV: %.3f %.3f %.3f %.3f %.3f %.3f; "
             "same-sign %.3f",
             fraction[0], fraction[1], fraction[2], fraction[3], fraction[4], fraction[5],
             same_sign);
    return 0;
}

static int simulate_run(pipe_ctx *ctx, void *state)
{
    (void)state;
    pipe_sim_config cfg;
    pipe_sim_report rep;
    char err[512];
    read_config(ctx, &cfg);
    double start = pipe_seconds();
    pipe_tensor *t = pipe_sim_generate(&cfg, pipe_ctx_rng(ctx), &rep, err, sizeof err);
    if (!t)
        return pipe_error(ctx, "%s", err);
    pipe_log(ctx,
             "simulated %lld CMS-like dielectron events in %.3f s (not real data: the real "
             "file is record 304 of opendata.cern.ch, put at data/dielectron.csv)",
             (long long)cfg.events, pipe_seconds() - start);
    if (report_metrics(ctx, t, &rep) != 0) {
        pipe_tensor_release(t);
        return -1;
    }
    pipe_set_source(ctx, "simulated, seed %llu", (unsigned long long)pipe_pipeline_seed(ctx));
    return pipe_output(ctx, "table", t);
}

static const pipe_plugin simulate_plugin = {
    PIPE_PLUGIN_ABI,
    .name = "simulate",
    .version = "1.0.0",
    .summary = "generate CMS-like dielectron events (the 19 columns of CMS record 304)",
    .description =
        "Generates dielectron events from physics: a mixture of J/psi, psi(2S), Upsilon(1S,2S,3S), "
        "Z (Breit-Wigner) and Drell-Yan pairs decayed in their rest frame and boosted to the lab, "
        "plus combinatorial pairs (a trigger electron and an unrelated soft electron, half of them "
        "same-sign), through a CMS-like detector: energy resolution a/sqrt(E) (+) b, small angular "
        "smearing, |eta| < eta_max, pt thresholds and the 2010 single-electron triggers. Columns, "
        "units and rounding are those of the CMS file; M is computed from the measured "
        "four-vectors. The defaults are calibrated on real 2010 events (docs/stages/simulate.md). "
        "Runs "
        "repeat exactly for a given pipeline seed.",
    .params = params,
    .n_params = PIPE_COUNT(params),
    .outputs = outputs,
    .n_outputs = PIPE_COUNT(outputs),
    .check = simulate_check,
    .run = simulate_run,
};

PIPE_PLUGIN_DEFINE(simulate_plugin)
