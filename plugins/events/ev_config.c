/*
 * ev_config.c — the configuration of pipe_events: defaults, the trigger
 * thresholds of each data-taking period, checks with the offending
 * parameter, and the names of the table's columns.
 */
#include "ev_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ev_config_triggers(ev_config *cfg)
{
    /* CMS single-lepton triggers: HLT_IsoMu24 in 2011, 2012, 2016 and
     * 2022; HLT_Ele27_WP80 (2011, 2012), HLT_Ele27_WPTight (2016),
     * HLT_Ele30_WPTight (2022). */
    cfg->trigger_mu = 24.0;
    cfg->trigger_e = cfg->sqrt_s > 13.3 ? 30.0 : 27.0;
}

void ev_config_default(ev_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->events = 10000;
    cfg->n_classes = 3;
    cfg->classes[0] = EV_DY;
    cfg->classes[1] = EV_WJETS;
    cfg->classes[2] = EV_TTBAR;
    cfg->flavour = EV_FLAVOUR_MU;
    cfg->sqrt_s = 13.0;
    cfg->pileup = 20.0;
    cfg->balanced = 1;
    cfg->max_leptons = 4;
    cfg->max_jets = 6;
    cfg->jet_pt_min = 30.0;
    cfg->jet_ratio = 0.2;
    cfg->jpsi_pt_min = 20.0;
    cfg->seed = 1;
    ev_config_triggers(cfg);
}

static int fail(const char **param, const char *name, char *err, size_t size, const char *text)
{
    *param = name;
    snprintf(err, size, "%s", text);
    return -1;
}

int ev_config_check(const ev_config *cfg, const char **param, char *err, size_t err_size)
{
    char text[256];
    if (cfg->events < 1)
        return fail(param, "events", err, err_size, "expected at least 1 event");
    if (cfg->n_classes < 1 || cfg->n_classes > EV_MAX_CLASSES) {
        snprintf(text, sizeof text, "expected 1 to %d processes, found %d", EV_MAX_CLASSES,
                 cfg->n_classes);
        return fail(param, "processes", err, err_size, text);
    }
    for (int i = 0; i < cfg->n_classes; i++)
        for (int j = 0; j < i; j++)
            if (cfg->classes[i] == cfg->classes[j]) {
                snprintf(text, sizeof text, "expected each process once, found '%s' twice",
                         ev_process_name(cfg->classes[i]));
                return fail(param, "processes", err, err_size, text);
            }
    if (cfg->max_leptons < 1 || cfg->max_leptons > EV_MAX_LEPTONS) {
        snprintf(text, sizeof text, "expected 1 to %d lepton slots, found %d", EV_MAX_LEPTONS,
                 cfg->max_leptons);
        return fail(param, "max_leptons", err, err_size, text);
    }
    if (cfg->max_jets < 0 || cfg->max_jets > EV_MAX_JETS) {
        snprintf(text, sizeof text, "expected 0 to %d jet slots, found %d", EV_MAX_JETS,
                 cfg->max_jets);
        return fail(param, "max_jets", err, err_size, text);
    }
    if (!(cfg->jet_ratio >= 0 && cfg->jet_ratio < 1))
        return fail(param, "jet_ratio", err, err_size, "expected a ratio in [0, 1)");
    return 0;
}

static const char *const lepton_fields[] = {"pt", "eta", "phi", "q", "pdg"};
static const char *const jet_fields[] = {"pt", "eta", "phi", "btag"};
static const char *const head_columns[] = {"n_lep", "n_jet", "n_bjet"};
static const char *const tail_columns[] = {"met", "met_phi", "ht", "m_ll", "mt", "label", "weight"};
#define N_HEAD 3
#define N_TAIL 7

int64_t ev_column_count(const ev_config *cfg)
{
    return N_HEAD + 5 * (int64_t)cfg->max_leptons + 4 * (int64_t)cfg->max_jets + N_TAIL;
}

int ev_column_names(const ev_config *cfg, char **names)
{
    int64_t k = 0, n = ev_column_count(cfg);
    char buf[32];
    for (int i = 0; i < N_HEAD; i++)
        names[k++] = strdup(head_columns[i]);
    for (int l = 1; l <= cfg->max_leptons; l++)
        for (int f = 0; f < 5; f++) {
            snprintf(buf, sizeof buf, "lep%d_%s", l, lepton_fields[f]);
            names[k++] = strdup(buf);
        }
    for (int j = 1; j <= cfg->max_jets; j++)
        for (int f = 0; f < 4; f++) {
            snprintf(buf, sizeof buf, "jet%d_%s", j, jet_fields[f]);
            names[k++] = strdup(buf);
        }
    for (int i = 0; i < N_TAIL; i++)
        names[k++] = strdup(tail_columns[i]);
    for (int64_t i = 0; i < n; i++)
        if (!names[i]) {
            ev_columns_free(names, n);
            return -1;
        }
    return 0;
}

void ev_columns_free(char **names, int64_t n)
{
    for (int64_t i = 0; i < n; i++) {
        free(names[i]);
        names[i] = NULL;
    }
}
