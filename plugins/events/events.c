/*
 * events.c — the `events` stage: whole proton-proton events of chosen
 * processes through a CMS-like detector, one table row per event, the
 * process as a 0..K-1 label in the order of the `processes` parameter. A
 * thin adapter: the physics is in pipe_events (events.h); this file
 * declares and reads the parameters, runs the generator and reports the
 * classes, cross sections and acceptances.
 */
#include "events.h"

#include <pipe/pipe.h>
#include <stdio.h>
#include <string.h>

static const pipe_param_decl params[] = {
    {"events", PIPE_PARAM_INT, "10000", 1, 1e9, NULL, "number of events (rows) to generate"},
    {"processes", PIPE_PARAM_STRING_LIST, "[dy, wjets, ttbar]", 0, 0, NULL,
     "the classes, label 0, 1, ...: dy, wjets, ttbar, ttbar_ljets, ttbar_dilep, higgs, "
     "higgs_zz4l, higgs_ww2l2nu, jpsi"},
    {"flavour", PIPE_PARAM_CHOICE, "mu", 0, 0, "mu|e|both", "lepton flavour of every decay"},
    {"sqrt_s", PIPE_PARAM_CHOICE, "13", 0, 0, "7|8|13|13.6",
     "collision energy, TeV (cross sections, rapidity range, triggers)"},
    {"pileup", PIPE_PARAM_FLOAT, "20", 0, 200, NULL,
     "mean number of pile-up interactions (pile-up jets, jet and MET resolution)"},
    {"balanced", PIPE_PARAM_BOOL, "true", 0, 0, NULL,
     "equal counts per class (true), or counts as cross section x acceptance (false)"},
    {"max_leptons", PIPE_PARAM_INT, "4", 1, EV_MAX_LEPTONS, NULL, "lepton slots per row"},
    {"max_jets", PIPE_PARAM_INT, "6", 0, EV_MAX_JETS, NULL, "jet slots per row"},
    {"jet_pt_min", PIPE_PARAM_FLOAT, "30", 10, 500, NULL, "jets reconstructed above this pt, GeV"},
    {"trigger_mu", PIPE_PARAM_FLOAT, "0", 0, 1000, NULL,
     "single-muon trigger threshold, GeV (0: the period's, 24)"},
    {"trigger_e", PIPE_PARAM_FLOAT, "0", 0, 1000, NULL,
     "single-electron trigger threshold, GeV (0: the period's, 27 or 30 at 13.6 TeV)"},
    {"jet_ratio", PIPE_PARAM_FLOAT, "0.2", 0, 0.9, NULL,
     "Berends scaling: sigma(n+1 jets) / sigma(n jets) above jet_pt_min"},
    {"jpsi_pt_min", PIPE_PARAM_FLOAT, "20", 0, 500, NULL, "prompt J/psi generated above this pt"},
};

static const pipe_port_decl outputs[] = {
    {"table", PIPE_DT(PIPE_F64), 2, 0,
     "events x columns: n_lep, n_jet, n_bjet, lep{i}_pt/eta/phi/q/pdg, jet{i}_pt/eta/phi/btag, "
     "met, met_phi, ht, m_ll, mt, label, weight (pb per event)"},
    {"label", PIPE_DT(PIPE_F64), 1, 1, "the label column alone: class index 0..K-1 per event"},
};

/* Read the parameters; with `ctx_errors`, report a bad process name at
 * its list item. Returns 0 or -1. */
static int read_config(pipe_ctx *ctx, ev_config *cfg)
{
    ev_config_default(cfg);
    cfg->events = pipe_param_int(ctx, "events");
    size_t n = pipe_param_count(ctx, "processes");
    const pipe_value *v = pipe_param_value(ctx, "processes");
    if (n < 1 || n > EV_MAX_CLASSES)
        return pipe_param_error(ctx, "processes", "expected 1 to %d processes, found %zu",
                                EV_MAX_CLASSES, n);
    cfg->n_classes = (int)n;
    for (size_t i = 0; i < n; i++) {
        const char *name = pipe_param_string_at(ctx, "processes", i);
        int p = ev_process_parse(name);
        if (p < 0) {
            char hint[96];
            pipe_suggest_text(name, ev_process_names, EV_N_PROCESSES, hint, sizeof hint);
            const pipe_value *item =
                v && v->kind == PIPE_VALUE_LIST && i < v->count ? &v->items[i] : v;
            return pipe_value_error(ctx, "processes", item,
                                    "expected a process (dy, wjets, ttbar, ttbar_ljets, "
                                    "ttbar_dilep, higgs, higgs_zz4l, higgs_ww2l2nu, jpsi), "
                                    "found '%s'%s",
                                    name, hint);
        }
        cfg->classes[i] = (ev_process)p;
    }
    const char *flavour = pipe_param_string(ctx, "flavour");
    cfg->flavour = strcmp(flavour, "e") == 0      ? EV_FLAVOUR_E
                   : strcmp(flavour, "both") == 0 ? EV_FLAVOUR_BOTH
                                                  : EV_FLAVOUR_MU;
    sscanf(pipe_param_string(ctx, "sqrt_s"), "%lf", &cfg->sqrt_s);
    cfg->pileup = pipe_param_float(ctx, "pileup");
    cfg->balanced = pipe_param_bool(ctx, "balanced");
    cfg->max_leptons = (int)pipe_param_int(ctx, "max_leptons");
    cfg->max_jets = (int)pipe_param_int(ctx, "max_jets");
    cfg->jet_pt_min = pipe_param_float(ctx, "jet_pt_min");
    cfg->jet_ratio = pipe_param_float(ctx, "jet_ratio");
    cfg->jpsi_pt_min = pipe_param_float(ctx, "jpsi_pt_min");
    ev_config_triggers(cfg);
    if (pipe_param_float(ctx, "trigger_mu") > 0)
        cfg->trigger_mu = pipe_param_float(ctx, "trigger_mu");
    if (pipe_param_float(ctx, "trigger_e") > 0)
        cfg->trigger_e = pipe_param_float(ctx, "trigger_e");
    const char *param;
    char err[256];
    if (ev_config_check(cfg, &param, err, sizeof err) != 0)
        return pipe_param_error(ctx, param, "%s", err);
    return 0;
}

static int events_check(pipe_ctx *ctx)
{
    ev_config cfg;
    return read_config(ctx, &cfg);
}

static void report_classes(pipe_ctx *ctx, const ev_config *cfg, const ev_report *rep)
{
    char key[96];
    pipe_metric(ctx, "events", (double)cfg->events);
    for (int k = 0; k < cfg->n_classes; k++) {
        const char *name = ev_process_name(cfg->classes[k]);
        snprintf(key, sizeof key, "classes.%d", k);
        pipe_metric_string(ctx, key, name);
        snprintf(key, sizeof key, "class_events.%s", name);
        pipe_metric(ctx, key, (double)rep->events[k]);
        snprintf(key, sizeof key, "sigma_pb.%s", name);
        pipe_metric(ctx, key, rep->sigma_pb[k]);
        snprintf(key, sizeof key, "acceptance.%s", name);
        pipe_metric(ctx, key, (double)rep->events[k] / (double)rep->attempts[k]);
        pipe_log(ctx, "label %d = %s: %lld events, sigma x BR %.4g pb, acceptance %.3f", k, name,
                 (long long)rep->events[k], rep->sigma_pb[k],
                 (double)rep->events[k] / (double)rep->attempts[k]);
    }
}

/* Under MPI: the ranks' counts summed (exact), after learning whether
 * every rank generated its block. Returns 0, or -1 when one failed. */
static int sum_report(pipe_ctx *ctx, const ev_config *cfg, int ok, ev_report *rep)
{
    double v[1 + 2 * EV_MAX_CLASSES] = {ok ? 0 : 1};
    for (int k = 0; k < cfg->n_classes; k++) {
        v[1 + k] = (double)rep->events[k];
        v[1 + EV_MAX_CLASSES + k] = (double)rep->attempts[k];
    }
    pipe_reduce_sum(ctx, v, 1 + 2 * EV_MAX_CLASSES);
    for (int k = 0; k < cfg->n_classes; k++) {
        rep->events[k] = (int64_t)v[1 + k];
        rep->attempts[k] = (int64_t)v[1 + EV_MAX_CLASSES + k];
    }
    return v[0] > 0 ? -1 : 0;
}

static int events_run(pipe_ctx *ctx, void *state)
{
    (void)state;
    ev_config cfg;
    if (read_config(ctx, &cfg) != 0)
        return -1;
    cfg.seed = pipe_rng_u64(pipe_ctx_rng(ctx));
    ev_report rep = {0};
    char err[512];
    double start = pipe_seconds();
    int64_t first, end; /* under MPI each rank makes its block of the events */
    pipe_row_block(ctx, cfg.events, &first, &end);
    pipe_tensor *t = ev_generate_rows(&cfg, first, end - first, &rep, err, sizeof err);
    if (sum_report(ctx, &cfg, t != NULL, &rep) != 0) {
        pipe_tensor_release(t);
        return t ? -1 : pipe_error(ctx, "%s", err);
    }
    ev_set_weights(&cfg, t, &rep); /* from the whole sample's counts */
    double seconds = pipe_seconds() - start;
    pipe_log(ctx, "generated %lld events at %g TeV, pile-up %g, in %.3f s (simulation, not data)",
             (long long)cfg.events, cfg.sqrt_s, cfg.pileup, seconds);
    pipe_info(ctx, "events_per_second", (double)cfg.events / seconds);
    report_classes(ctx, &cfg, &rep);
    pipe_set_source(ctx, "simulated, seed %llu", (unsigned long long)pipe_pipeline_seed(ctx));
    if (pipe_output_wanted(ctx, "label")) {
        pipe_tensor *label = pipe_tensor_new1(PIPE_F64, end - first);
        int64_t c = pipe_tensor_column(t, "label"), cols = pipe_tensor_cols(t);
        if (!label) {
            pipe_tensor_release(t);
            return pipe_error(ctx, "out of memory");
        }
        for (int64_t i = 0; i < end - first; i++)
            ((double *)label->data)[i] = ((const double *)t->data)[i * cols + c];
        if (pipe_output_rows(ctx, "label", label) != 0) {
            pipe_tensor_release(t);
            return -1;
        }
    }
    return pipe_output_rows(ctx, "table", t);
}

static const pipe_plugin events_plugin = {
    PIPE_PLUGIN_ABI,
    .name = "events",
    .version = "1.0.0",
    .summary = "generate whole pp events (DY, W+jets, ttbar, Higgs, J/psi) through a CMS-like "
               "detector",
    .description =
        "Generates proton-proton events of the chosen processes: Drell-Yan Z/gamma* -> ll, W -> "
        "l nu, ttbar (lepton+jets, dilepton), gluon-fusion Higgs (ZZ* -> 4l, WW* -> l nu l nu), "
        "prompt J/psi -> ll, each with initial-state jets (Berends scaling), soft recoil, "
        "underlying-event and pile-up jets. Detector: lepton resolution and acceptance, jet "
        "energy resolution within |eta| < 4.7, b tagging, MET from everything visible with a "
        "pile-up dependent resolution, single- and double-lepton triggers. One row per event, "
        "label = index in `processes`, weight = cross section x acceptance per event (pb). Each "
        "block of 1024 events has its own seeded stream. Numbers and sources: "
        "docs/stages/events.md.",
    .params = params,
    .n_params = PIPE_COUNT(params),
    .outputs = outputs,
    .n_outputs = PIPE_COUNT(outputs),
    .check = events_check,
    .run = events_run,
    .rank_aware = 1,
};

PIPE_PLUGIN_DEFINE(events_plugin)
