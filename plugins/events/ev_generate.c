/*
 * ev_generate.c — the event loop of pipe_events: blocks of EV_BLOCK
 * events, each drawn from its own stream seeded by the configuration's
 * seed and the block index (so a sample does not depend on how it is cut
 * up); the class of each event (every K-th in turn when balanced, else
 * drawn by cross section at every attempt, so that counts follow cross
 * section times acceptance); the retries until an event passes the
 * trigger; and the rows of the table.
 */
#include "ev_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Give up when this many events in a row of one class fail the trigger. */
#define MAX_ATTEMPTS 100000

typedef struct ev_loop {
    const ev_config *cfg;
    ev_detector det;
    double cumulative[EV_MAX_CLASSES]; /* cross-section shares, unbalanced */
    ev_report report;
    int64_t columns;
} ev_loop;

static void set_cumulative(ev_loop *loop)
{
    double sum = 0;
    for (int k = 0; k < loop->cfg->n_classes; k++) {
        loop->report.sigma_pb[k] = ev_sigma_pb(loop->cfg, loop->cfg->classes[k]);
        sum += loop->report.sigma_pb[k];
    }
    double acc = 0;
    for (int k = 0; k < loop->cfg->n_classes; k++) {
        acc += loop->report.sigma_pb[k];
        loop->cumulative[k] = acc / sum;
    }
}

static int draw_class(const ev_loop *loop, sim_random *rng)
{
    double u = sim_uniform(rng);
    for (int k = 0; k < loop->cfg->n_classes - 1; k++)
        if (u < loop->cumulative[k])
            return k;
    return loop->cfg->n_classes - 1;
}

/* Sort objects by falling pT (insertion sort: a handful each). */
static void sort_by_pt(ev_reco_object *o, int n)
{
    for (int i = 1; i < n; i++) {
        ev_reco_object x = o[i];
        int j = i - 1;
        for (; j >= 0 && o[j].pt < x.pt; j--)
            o[j + 1] = o[j];
        o[j + 1] = x;
    }
}

static void put_row(const ev_loop *loop, ev_reco *r, int label, double *row)
{
    const ev_config *cfg = loop->cfg;
    sort_by_pt(r->lep, r->n_lep);
    sort_by_pt(r->jet, r->n_jet);
    int64_t k = 0;
    row[k++] = r->n_lep;
    row[k++] = r->n_jet;
    row[k++] = r->n_bjet;
    for (int i = 0; i < cfg->max_leptons; i++, k += 5)
        if (i < r->n_lep) {
            const ev_reco_object *l = &r->lep[i];
            row[k] = l->pt, row[k + 1] = l->eta, row[k + 2] = l->phi;
            row[k + 3] = l->q, row[k + 4] = l->pdg;
        }
    for (int i = 0; i < cfg->max_jets; i++, k += 4)
        if (i < r->n_jet) {
            const ev_reco_object *j = &r->jet[i];
            row[k] = j->pt, row[k + 1] = j->eta, row[k + 2] = j->phi, row[k + 3] = j->btag;
        }
    row[k++] = r->met;
    row[k++] = r->met_phi;
    row[k++] = r->ht;
    double mll = 0;
    if (r->n_lep >= 2) {
        const ev_reco_object *a = &r->lep[0], *b = &r->lep[1];
        mll = sqrt(fmax(0.0, 2 * a->pt * b->pt * (cosh(a->eta - b->eta) - cos(a->phi - b->phi))));
    }
    row[k++] = mll;
    row[k++] = sqrt(fmax(0.0, 2 * r->lep[0].pt * r->met * (1 - cos(r->lep[0].phi - r->met_phi))));
    row[k++] = label;
    row[k] = 0; /* weight: set once every class's acceptance is known */
}

static int generate_event(ev_loop *loop, int64_t index, sim_random *rng, double *row, char *err,
                          size_t err_size)
{
    const ev_config *cfg = loop->cfg;
    int fixed = cfg->balanced ? (int)(index % cfg->n_classes) : -1;
    ev_truth truth;
    ev_reco reco;
    for (int64_t attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        int k = fixed >= 0 ? fixed : draw_class(loop, rng);
        ev_process p = ev_resolve(cfg->classes[k], cfg, rng);
        ev_truth_draw(p, cfg, rng, &truth);
        loop->report.attempts[k]++;
        if (ev_detect(&loop->det, cfg, &truth, rng, &reco)) {
            loop->report.events[k]++;
            put_row(loop, &reco, k, row);
            return 0;
        }
    }
    char who[64] = "";
    if (fixed >= 0)
        snprintf(who, sizeof who, "process '%s': ", ev_process_name(cfg->classes[fixed]));
    snprintf(err, err_size,
             "%sno event passed the trigger in %d tries (muon %g GeV, electron %g GeV, or two "
             "leptons above 17 and 8 GeV): lower the trigger thresholds or jpsi_pt_min",
             who, MAX_ATTEMPTS, cfg->trigger_mu, cfg->trigger_e);
    return -1;
}

/* The seed of block b: the configuration's seed mixed with the index. */
static uint64_t block_seed(uint64_t seed, int64_t b)
{
    return seed ^ (0x9E3779B97F4A7C15ull * (uint64_t)(b + 1));
}

/* Events [first, first + n) into the table's rows 0 .. n-1. A range that
 * starts inside a block draws the block's earlier events too (into
 * `scratch`, not counted), so that each event is the same wherever the
 * range starts. */
static int fill_table(ev_loop *loop, pipe_tensor *t, int64_t first, int64_t n, char *err,
                      size_t err_size)
{
    double *data = t->data, *scratch = malloc((size_t)loop->columns * sizeof *scratch);
    if (!scratch) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    int rc = 0;
    for (int64_t b = first / EV_BLOCK; b * EV_BLOCK < first + n && rc == 0; b++) {
        pipe_rng block;
        sim_random rng;
        pipe_rng_seed(&block, block_seed(loop->cfg->seed, b));
        sim_random_init(&rng, &block);
        int64_t end = (b + 1) * EV_BLOCK < first + n ? (b + 1) * EV_BLOCK : first + n;
        ev_report counted = loop->report;
        for (int64_t i = b * EV_BLOCK; i < end && rc == 0; i++) {
            double *row = i < first ? scratch : data + (i - first) * loop->columns;
            rc = generate_event(loop, i, &rng, row, err, err_size);
            if (i < first)
                loop->report = counted; /* drawn only to reach `first` */
            else
                counted = loop->report;
        }
    }
    free(scratch);
    return rc;
}

void ev_set_weights(const ev_config *cfg, pipe_tensor *t, ev_report *rep)
{
    for (int k = 0; k < cfg->n_classes; k++)
        rep->weight_pb[k] = rep->attempts[k] > 0 ? rep->sigma_pb[k] / (double)rep->attempts[k] : 0;
    double *data = t->data;
    int64_t c = t->shape[1];
    for (int64_t i = 0; i < t->shape[0]; i++)
        data[i * c + c - 1] = rep->weight_pb[(int)data[i * c + c - 2]];
}

pipe_tensor *ev_generate(const ev_config *cfg, ev_report *report, char *err, size_t err_size)
{
    ev_report rep;
    pipe_tensor *t = ev_generate_rows(cfg, 0, cfg->events, &rep, err, err_size);
    if (t)
        ev_set_weights(cfg, t, &rep);
    if (t && report)
        *report = rep;
    return t;
}

pipe_tensor *ev_generate_rows(const ev_config *cfg, int64_t first, int64_t n, ev_report *report,
                              char *err, size_t err_size)
{
    const char *param;
    char message[256];
    if (ev_config_check(cfg, &param, message, sizeof message) != 0) {
        snprintf(err, err_size, "%s: %s", param, message);
        return NULL;
    }
    ev_loop loop = {.cfg = cfg, .columns = ev_column_count(cfg)};
    ev_detector_init(&loop.det, cfg);
    set_cumulative(&loop);
    char **names = calloc((size_t)loop.columns, sizeof *names);
    pipe_tensor *t = pipe_tensor_new2(PIPE_F64, n, loop.columns);
    int named = names && ev_column_names(cfg, names) == 0;
    if (!t || !named || pipe_tensor_set_columns(t, (const char *const *)names, loop.columns) != 0) {
        if (named)
            ev_columns_free(names, loop.columns);
        free(names);
        pipe_tensor_release(t);
        snprintf(err, err_size, "out of memory for %lld events", (long long)cfg->events);
        return NULL;
    }
    ev_columns_free(names, loop.columns);
    free(names);
    if (fill_table(&loop, t, first, n, err, err_size) != 0) {
        pipe_tensor_release(t);
        return NULL;
    }
    *report = loop.report;
    return t;
}
