/*
 * plugin.c — the `calo` stage: the SDK adapter around pipe_calo (calo.h).
 * Declares the parameters and ports, generates the candidates block by
 * block with progress, and reports what was made (metrics.json) and how
 * fast (run.json).
 */
#include "calo.h"

#include <math.h>
#include <pipe/pipe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const pipe_param_decl calo_params[] = {
    {"candidates", PIPE_PARAM_INT, "20000", 1, 1e8, NULL, "number of electron candidates"},
    {"size", PIPE_PARAM_INT_LIST, "[32, 32]", 4, CALO_MAX_SIDE, NULL,
     "the window in barrel ECAL crystals (0.0174 x 0.0174), [eta, phi]"},
    {"hcal", PIPE_PARAM_BOOL, "false", 0, 0, NULL,
     "a second channel: the HCAL towers (5 x 5 crystals), each tower's ET spread over its "
     "crystals; the window must then be whole towers"},
    {"pileup", PIPE_PARAM_FLOAT, "20", 0, 200, NULL,
     "mean number of pile-up interactions per crossing (Poisson)"},
    {"ue", PIPE_PARAM_FLOAT, "2", 0, 20, NULL,
     "the underlying event of the hard collision, in minimum-bias interactions"},
    {"noise", PIPE_PARAM_FLOAT, "0.04", 1e-6, 10, NULL,
     "GeV: electronics noise per crystal (energy)"},
    {"zero_suppression", PIPE_PARAM_FLOAT, "0.08", 0, 100, NULL,
     "GeV: crystals read below this energy are 0 (0: no suppression, negative noise kept)"},
    {"signal_fraction", PIPE_PARAM_FLOAT, "0.5", 0, 1, NULL,
     "fraction of isolated (prompt) candidates, exactly, evenly spread"},
    {"fake_fraction", PIPE_PARAM_FLOAT, "0.5", 0, 1, NULL,
     "background: fraction of hadrons faking electrons (a jet's leading pi0), the rest "
     "electrons from b and c decays"},
    {"et_min", PIPE_PARAM_FLOAT, "20", 1, 1000, NULL, "GeV: lowest candidate ET"},
    {"et_max", PIPE_PARAM_FLOAT, "100", 1, 1000, NULL, "GeV: highest candidate ET"},
    {"eta_max", PIPE_PARAM_FLOAT, "1.2", 0, 1.2, NULL,
     "candidates uniform in |eta| < eta_max (the window stays in the barrel, |eta| < 1.479)"},
    {"normalize", PIPE_PARAM_CHOICE, "none", 0, 0, "none|et",
     "none: pixels in GeV of ET; et: each image divided by its candidate's measured ET (the "
     "relative scale of the relative isolation, for the networks)"},
    {"stochastic", PIPE_PARAM_FLOAT, "0.028", 0, 1, NULL,
     "ECAL stochastic term a of a / sqrt(E / GeV) (CMS test beam: 2.8 %)"},
};

static const pipe_port_decl calo_outputs[] = {
    {"images", PIPE_DT(PIPE_F32), 4, 0,
     "candidates x C x H x W, ET per crystal in GeV, or over the candidate's ET (normalize: "
     "et); C = 2 with hcal: channel 1 the HCAL"},
    {"label", PIPE_DT(PIPE_F64), 1, 0, "1: isolated (prompt electron), 0: non-isolated"},
    {"table", PIPE_DT(PIPE_F64), 2, 1,
     "one row per candidate: et, eta, iso (relative isolation), iso_et (GeV), source (0 prompt, "
     "1 b/c electron, 2 fake hadron), pileup (interactions)"},
};

static void read_config(const pipe_ctx *ctx, calo_config *cfg)
{
    calo_config_default(cfg);
    cfg->candidates = pipe_param_int(ctx, "candidates");
    if (pipe_param_count(ctx, "size") == 2) {
        cfg->height = (int)pipe_param_int_at(ctx, "size", 0);
        cfg->width = (int)pipe_param_int_at(ctx, "size", 1);
    }
    cfg->hcal = pipe_param_bool(ctx, "hcal");
    cfg->pileup = pipe_param_float(ctx, "pileup");
    cfg->ue = pipe_param_float(ctx, "ue");
    cfg->noise = pipe_param_float(ctx, "noise");
    cfg->zero_suppression = pipe_param_float(ctx, "zero_suppression");
    cfg->signal_fraction = pipe_param_float(ctx, "signal_fraction");
    cfg->fake_fraction = pipe_param_float(ctx, "fake_fraction");
    cfg->et_min = pipe_param_float(ctx, "et_min");
    cfg->et_max = pipe_param_float(ctx, "et_max");
    cfg->eta_max = pipe_param_float(ctx, "eta_max");
    cfg->stochastic = pipe_param_float(ctx, "stochastic");
}

static int calo_check(pipe_ctx *ctx)
{
    if (pipe_param_count(ctx, "size") != 2)
        return pipe_param_error(ctx, "size",
                                "expected [eta crystals, phi crystals], found %zu "
                                "values",
                                pipe_param_count(ctx, "size"));
    calo_config cfg;
    const char *param;
    char err[256];
    read_config(ctx, &cfg);
    if (calo_config_check(&cfg, &param, err, sizeof err) != 0)
        return pipe_param_error(ctx, param, "%s", err);
    return 0;
}

/* Under MPI: (label, isolation, pile-up) of every candidate, gathered in
 * global order on rank 0, so that the means below are summed in the same
 * order as by one process; a new tensor (NULL on the other ranks). */
static pipe_tensor *gather_summary(pipe_ctx *ctx, const double *labels, const double *table,
                                   int64_t n)
{
    pipe_tensor *mine = pipe_tensor_new2(PIPE_F64, n, 3);
    if (!mine)
        abort(); /* the other ranks are in the gather: no way back */
    double *v = mine->data;
    for (int64_t i = 0; i < n; i++) {
        v[3 * i] = labels[i];
        v[3 * i + 1] = table[i * CALO_N_COLS + CALO_COL_ISO];
        v[3 * i + 2] = table[i * CALO_N_COLS + CALO_COL_PILEUP];
    }
    pipe_tensor *all = pipe_gather_rows(ctx, mine, 0);
    pipe_tensor_release(mine);
    return all;
}

/* Means of the isolation per class, and of the pile-up, from the
 * (label, isolation, pile-up) rows of every candidate. Sets the metrics
 * (rank 0's are the run's). */
static void report(pipe_ctx *ctx, const calo_config *cfg, const pipe_tensor *summary,
                   const calo_report *rep)
{
    double iso[2] = {0, 0}, count[2] = {0, 0}, pu = 0;
    const double *v = summary ? summary->data : NULL;
    for (int64_t i = 0; v && i < cfg->candidates; i++) {
        int c = v[3 * i] > 0.5;
        iso[c] += v[3 * i + 1];
        count[c]++;
        pu += v[3 * i + 2];
    }
    pipe_metric(ctx, "candidates", (double)cfg->candidates);
    pipe_metric(ctx, "isolated", count[1]);
    pipe_metric(ctx, "mean_iso.isolated", count[1] ? iso[1] / count[1] : NAN);
    pipe_metric(ctx, "mean_iso.non_isolated", count[0] ? iso[0] / count[0] : NAN);
    pipe_metric(ctx, "mean_pileup", pu / (double)cfg->candidates);
    pipe_metric(ctx, "soft_particles_per_candidate",
                (double)rep->soft_particles / (double)cfg->candidates);
    pipe_metric(ctx, "jet_particles_per_background",
                count[0] ? (double)rep->jet_particles / count[0] : 0);
    pipe_log(ctx, "mean relative isolation: isolated %.4f, non-isolated %.4f; <pile-up> %.2f",
             count[1] ? iso[1] / count[1] : NAN, count[0] ? iso[0] / count[0] : NAN,
             pu / (double)cfg->candidates);
}

static int calo_run(pipe_ctx *ctx, void *state)
{
    (void)state;
    calo_config cfg;
    read_config(ctx, &cfg);
    int channels = cfg.hcal ? 2 : 1;
    int64_t begin, end; /* under MPI each rank makes its block of the candidates */
    pipe_row_block(ctx, cfg.candidates, &begin, &end);
    int64_t mine = end - begin;
    const int64_t shape[4] = {mine, channels, cfg.height, cfg.width};
    pipe_tensor *images = pipe_tensor_new(PIPE_F32, 4, shape);
    pipe_tensor *labels = pipe_tensor_new1(PIPE_F64, mine);
    pipe_tensor *table = pipe_tensor_new2(PIPE_F64, mine, CALO_N_COLS);
    if (!images || !labels || !table ||
        pipe_tensor_set_columns(table, calo_columns, CALO_N_COLS) != 0) {
        pipe_tensor_release(images);
        pipe_tensor_release(labels);
        pipe_tensor_release(table);
        return pipe_error(ctx, "out of memory for %lld candidates", (long long)cfg.candidates);
    }
    uint64_t seed = pipe_rng_u64(pipe_ctx_rng(ctx));
    size_t per_image = (size_t)channels * (size_t)cfg.height * (size_t)cfg.width;
    calo_report rep = {0, 0};
    /* CPU time, not wall: on a shared machine it is the figure that
     * measures the generator (the runner records the stage's wall time) */
    clock_t start = clock();
    int rc = 0;
    for (int64_t first = begin; first < end && rc == 0; first += 16 * CALO_BLOCK) {
        int64_t n = end - first < 16 * CALO_BLOCK ? end - first : 16 * CALO_BLOCK;
        size_t k = (size_t)(first - begin);
        calo_out out = {(float *)images->data + k * per_image, (double *)labels->data + k,
                        (double *)table->data + k * CALO_N_COLS};
        rc = calo_generate(&cfg, seed, first, n, &out, &rep);
        pipe_progress(ctx, first + n - begin, mine, "candidates");
    }
    double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    double failed = rc != 0, counts[2] = {(double)rep.soft_particles, (double)rep.jet_particles};
    pipe_reduce_sum(ctx, &failed, 1); /* every rank stops, or none */
    rc = failed > 0 ? -1 : 0;
    pipe_reduce_sum(ctx, counts, 2);
    rep = (calo_report){(int64_t)counts[0], (int64_t)counts[1]};
    if (rc != 0) {
        pipe_tensor_release(images);
        pipe_tensor_release(labels);
        pipe_tensor_release(table);
        return pipe_error(ctx, "out of memory");
    }
    pipe_info(ctx, "cpu_seconds", seconds);
    pipe_info(ctx, "candidates_per_second", (double)cfg.candidates / seconds);
    pipe_log(ctx, "%lld candidates of %d x %d x %d in %.3f s of CPU (%.0f per second)",
             (long long)cfg.candidates, channels, cfg.height, cfg.width, seconds,
             (double)cfg.candidates / seconds);
    pipe_tensor *summary = gather_summary(ctx, labels->data, table->data, mine);
    report(ctx, &cfg, summary, &rep);
    pipe_tensor_release(summary);
    pipe_set_source(ctx, "simulated, seed %llu", (unsigned long long)pipe_pipeline_seed(ctx));
    if (strcmp(pipe_param_string(ctx, "normalize"), "et") == 0)
        for (int64_t i = 0; i < mine; i++) {
            float *image = (float *)images->data + (size_t)i * per_image;
            double et = ((const double *)table->data)[i * CALO_N_COLS + CALO_COL_ET];
            for (size_t p = 0; p < per_image; p++)
                image[p] = (float)(image[p] / et);
        }
    if (pipe_output_wanted(ctx, "table")) {
        if (pipe_output_rows(ctx, "table", table) != 0) {
            pipe_tensor_release(images);
            pipe_tensor_release(labels);
            return -1;
        }
    } else {
        pipe_tensor_release(table);
    }
    if (pipe_output_rows(ctx, "label", labels) != 0) {
        pipe_tensor_release(images);
        return -1;
    }
    return pipe_output_rows(ctx, "images", images);
}

static const pipe_plugin calo_plugin = {
    PIPE_PLUGIN_ABI,
    .name = "calo",
    .version = "1.0.0",
    .summary = "calorimeter images of isolated and non-isolated electron candidates (CMS barrel)",
    .description =
        "Generates the energy that electron candidates leave around them in a window of CMS "
        "barrel ECAL crystals (0.0174 x 0.0174 in eta x phi), optionally with the HCAL towers "
        "as a second channel. Isolated (label 1): prompt electrons from W/Z-like decays, with "
        "their PbWO4 shower (core and tail, Moliere radius 2.19 cm), bremsstrahlung photons "
        "swept along phi by the 3.8 T field, the underlying event and pile-up. Non-isolated "
        "(label 0): electrons from b/c decays and a jet's leading pi0 faking an electron, each "
        "with the rest of its jet (charged hadrons as MIPs or hadronic deposits, photons, "
        "neutral hadrons, bent by the field). Pile-up: Poisson(pileup) interactions, each "
        "adding soft particles per unit area; cell noise and zero suppression. The table holds "
        "each candidate's measured ET, eta and the CMS relative isolation (ECAL cells in "
        "0.07 < dR < 0.3 outside the |deta| < 1.5 crystal strip, plus HCAL towers in "
        "0.15 < dR < 0.3 with hcal, over ET) from the same cells. Seeded per block of 256 "
        "candidates by the global index. Metrics: candidates, isolated, mean isolation per "
        "class, mean pile-up, particles per candidate; run.json: cpu_seconds and "
        "candidates_per_second (per CPU second). The "
        "physics and its sources: docs/stages/calo.md.",
    .params = calo_params,
    .n_params = PIPE_COUNT(calo_params),
    .outputs = calo_outputs,
    .n_outputs = PIPE_COUNT(calo_outputs),
    .check = calo_check,
    .run = calo_run,
    .rank_aware = 1,
};

PIPE_PLUGIN_DEFINE(calo_plugin)
