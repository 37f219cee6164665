/*
 * calo_generate.c — pipe_calo's generation loop: the configuration and its
 * checks, seeding per block of CALO_BLOCK candidates by the global index,
 * the readout of each candidate's working grid (electronics noise and the
 * ECAL stochastic term, zero suppression), the isolation from the read-out
 * cells, and the crop to the window written to the images.
 */
#include "calo_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const calo_columns[CALO_N_COLS] = {"et", "eta", "iso", "iso_et", "source", "pileup"};

void calo_config_default(calo_config *cfg)
{
    *cfg = (calo_config){.candidates = 20000,
                         .height = 32,
                         .width = 32,
                         .hcal = 0,
                         .pileup = 20,
                         .ue = 2,
                         .noise = 0.04,
                         .zero_suppression = 0.08,
                         .signal_fraction = 0.5,
                         .fake_fraction = 0.5,
                         .et_min = 20,
                         .et_max = 100,
                         .eta_max = 1.2,
                         .stochastic = 0.028};
}

int calo_config_check(const calo_config *cfg, const char **param, char *err, size_t size)
{
    if (cfg->et_max <= cfg->et_min) {
        *param = "et_max";
        snprintf(err, size, "expected et_max above et_min, found et_min %g GeV, et_max %g GeV",
                 cfg->et_min, cfg->et_max);
        return -1;
    }
    if (cfg->hcal && (cfg->height % CALO_TOWER_CRYSTALS || cfg->width % CALO_TOWER_CRYSTALS)) {
        *param = "hcal";
        snprintf(err, size,
                 "expected a window of whole HCAL towers (%d x %d crystals each) with hcal: "
                 "true, found %d x %d crystals",
                 CALO_TOWER_CRYSTALS, CALO_TOWER_CRYSTALS, cfg->height, cfg->width);
        return -1;
    }
    return 0;
}

static int grid_side(int window, int hcal)
{
    int side = window > CALO_GRID_MIN ? window : CALO_GRID_MIN;
    side += (side - window) % 2; /* the window centred */
    if (hcal)
        while (side % CALO_TOWER_CRYSTALS || (side - window) % (2 * CALO_TOWER_CRYSTALS))
            side += 2;
    return side;
}

/* A standard normal above t (Robert 1995, exponential proposals). */
static double normal_tail(pipe_rng *rng, double t)
{
    double a = 0.5 * (t + sqrt(t * t + 4));
    for (;;) {
        double z = t + calo_exponential(rng) / a;
        if (pipe_rng_uniform(rng) <= exp(-0.5 * (z - a) * (z - a)))
            return z;
    }
}

/* Read out the ECAL grid in place: cells with a deposit get the noise and
 * the stochastic term a sqrt(E) (in energy); empty cells are pure noise,
 * of which only those above the zero suppression threshold survive, drawn
 * directly (geometric gaps, then the normal tail). Below threshold: 0. */
static void readout(const calo_config *cfg, pipe_rng *rng, calo_grid *g)
{
    size_t cells = (size_t)g->h * (size_t)g->w;
    double zs = cfg->zero_suppression, t = zs / cfg->noise;
    for (int i = 0; i < g->h; i++) {
        double ch = cosh(g->eta + (i + 0.5 - g->row) * CALO_CRYSTAL);
        float *line = g->ecal + (size_t)i * (size_t)g->w;
        for (int j = 0; j < g->w; j++) {
            if (line[j] == 0 && zs > 0)
                continue;
            double e = line[j] * ch;
            double sigma = sqrt(cfg->noise * cfg->noise + cfg->stochastic * cfg->stochastic * e);
            e += sigma * pipe_rng_normal(rng);
            line[j] = e >= zs || zs <= 0 ? (float)(e / ch) : -0.0f;
        }
    }
    if (zs <= 0)
        return;
    double q = 0.5 * erfc(t / M_SQRT2), lq = log1p(-q);
    for (size_t c = 0;;) {
        c += (size_t)floor(log(1.0 - pipe_rng_uniform(rng)) / lq);
        if (c >= cells)
            break;
        float *cell = &g->ecal[c];
        if (*cell == 0 && !signbit(*cell)) {
            double ch = cosh(g->eta + ((double)(c / (size_t)g->w) + 0.5 - g->row) * CALO_CRYSTAL);
            *cell = (float)(cfg->noise * normal_tail(rng, t) / ch);
        }
        c++;
    }
    for (size_t c = 0; c < cells; c++)
        g->ecal[c] = g->ecal[c] > 0 ? g->ecal[c] : 0.0f;
}

/* HCAL: 100 % / sqrt(E) on each tower with energy (CMS HCAL). */
static void readout_hcal(pipe_rng *rng, calo_grid *g)
{
    for (int i = 0; i < g->th * g->tw; i++)
        if (g->hcal[i] > 0) {
            double e = g->hcal[i] + sqrt(g->hcal[i]) * pipe_rng_normal(rng);
            g->hcal[i] = e > 0 ? (float)e : 0.0f;
        }
}

static void write_candidate(const calo_config *cfg, pipe_rng *rng, const calo_grid *g,
                            const calo_truth *t, float *image, double *row)
{
    int r0 = (g->h - cfg->height) / 2, c0 = (g->w - cfg->width) / 2;
    for (int i = 0; i < cfg->height; i++)
        memcpy(image + (size_t)i * (size_t)cfg->width,
               g->ecal + (size_t)(i + r0) * (size_t)g->w + c0, (size_t)cfg->width * sizeof *image);
    if (g->hcal) {
        float *h = image + (size_t)cfg->height * (size_t)cfg->width;
        for (int i = 0; i < cfg->height; i++)
            for (int j = 0; j < cfg->width; j++)
                h[(size_t)i * (size_t)cfg->width + j] =
                    g->hcal[(size_t)((i + r0) / CALO_TOWER_CRYSTALS) * (size_t)g->tw +
                            (size_t)((j + c0) / CALO_TOWER_CRYSTALS)] /
                    (float)(CALO_TOWER_CRYSTALS * CALO_TOWER_CRYSTALS);
    }
    double e = t->et * cosh(g->eta), a = cfg->stochastic / sqrt(e), c = 0.003;
    double et = t->et * (1 + sqrt(a * a + c * c) * pipe_rng_normal(rng));
    double iso = calo_iso_ecal(g->ecal, g->h, g->w, g->row, g->col);
    if (g->hcal)
        iso += calo_iso_hcal(g->hcal, g->th, g->tw, g->row, g->col);
    row[CALO_COL_ET] = et;
    row[CALO_COL_ETA] = g->eta;
    row[CALO_COL_ISO] = iso / et;
    row[CALO_COL_ISO_ET] = iso;
    row[CALO_COL_SOURCE] = t->source;
    row[CALO_COL_PILEUP] = t->pileup;
}

/* Candidate i is isolated when floor((i + 1) f) > floor(i f): exactly the
 * fraction f of every run, spread evenly. */
static int label_of(int64_t i, double f)
{
    return floor((double)(i + 1) * f) > floor((double)i * f);
}

int calo_generate(const calo_config *cfg, uint64_t seed, int64_t first, int64_t n,
                  const calo_out *out, calo_report *rep)
{
    calo_grid g = {0};
    g.h = grid_side(cfg->height, cfg->hcal);
    g.w = grid_side(cfg->width, cfg->hcal);
    g.th = g.h / CALO_TOWER_CRYSTALS;
    g.tw = g.w / CALO_TOWER_CRYSTALS;
    size_t cells = (size_t)g.h * (size_t)g.w, towers = (size_t)g.th * (size_t)g.tw;
    g.ecal = malloc(cells * sizeof *g.ecal);
    g.hcal = cfg->hcal ? malloc(towers * sizeof *g.hcal) : NULL;
    if (!g.ecal || (cfg->hcal && !g.hcal)) {
        free(g.ecal);
        free(g.hcal);
        return -1;
    }
    size_t per_image = (size_t)(cfg->hcal ? 2 : 1) * (size_t)cfg->height * (size_t)cfg->width;
    float *scratch = first % CALO_BLOCK ? malloc(per_image * sizeof *scratch) : NULL;
    if (first % CALO_BLOCK && !scratch) {
        free(g.ecal);
        free(g.hcal);
        return -1;
    }
    pipe_rng rng;
    /* from the start of the block of `first`: candidates before it are
     * generated into scratch, so that each repeats whatever `first` is */
    for (int64_t i = first - first % CALO_BLOCK; i < first + n; i++) {
        if (i % CALO_BLOCK == 0)
            pipe_rng_seed(&rng, seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(i / CALO_BLOCK + 1)));
        memset(g.ecal, 0, cells * sizeof *g.ecal);
        if (g.hcal)
            memset(g.hcal, 0, towers * sizeof *g.hcal);
        calo_truth t;
        int label = label_of(i, cfg->signal_fraction);
        calo_event(cfg, &rng, label, &g, &t);
        readout(cfg, &rng, &g);
        if (g.hcal)
            readout_hcal(&rng, &g);
        double skipped[CALO_N_COLS];
        if (i < first) {
            write_candidate(cfg, &rng, &g, &t, scratch, skipped);
            continue;
        }
        size_t k = (size_t)(i - first);
        write_candidate(cfg, &rng, &g, &t, out->images + k * per_image,
                        out->table + k * CALO_N_COLS);
        out->labels[k] = label;
        rep->soft_particles += t.soft;
        rep->jet_particles += t.jet;
    }
    free(scratch);
    free(g.ecal);
    free(g.hcal);
    return 0;
}
