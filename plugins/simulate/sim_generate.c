/*
 * sim_generate.c — the event loop of pipe_sim: runs and their triggers,
 * the choice of process, the retries until a pair passes detector,
 * trigger and mass window, and the rows of the CMS table.
 *
 * Runs: the events are split into contiguous blocks of the 2010 runs that
 * the real files here come from. Early runs (< 149000) triggered on a
 * leading electron above trigger_pt_early, late runs above
 * trigger_pt_late; a share prescaled_fraction of the attempts faces a
 * lower threshold, uniform between prescaled_pt and the nominal one (the
 * prescaled low-threshold triggers of 2010).
 */
#include "sim_internal.h"

#include <math.h>
#include <stdio.h>

const char *const pipe_sim_columns[PIPE_SIM_N_COLUMNS] = {
    "Run", "Event", "E1",  "px1", "py1", "pz1",  "pt1",  "eta1", "phi1", "Q1",
    "E2",  "px2",   "py2", "pz2", "pt2", "eta2", "phi2", "Q2",   "M"};

typedef struct sim_run {
    int64_t run, first_event;
    double weight;
} sim_run;

/* The runs of the real files here. The weights give the late runs a third
 * of the events, as in the CMS file: 4 of the 12 blocks of the sample,
 * spread evenly over the file, come from late runs. */
#define LATE_RUN 149000
#define EARLY (8.0 / 9.0)
static const sim_run runs[] = {
    {146511, 313178952, EARLY}, {146644, 250724604, EARLY}, {146944, 341944587, EARLY},
    {147115, 9500362, EARLY},   {147754, 293526344, EARLY}, {147926, 255997684, EARLY},
    {147929, 298415045, EARLY}, {148029, 235286410, EARLY}, {148031, 169780831, EARLY},
    {149011, 360130425, 1},     {149181, 81523572, 2},      {149182, 301926318, 1},
};
#define N_RUNS (sizeof(runs) / sizeof(runs[0]))
/* Event numbers grow by 1 + a uniform integer below this within a run. */
#define EVENT_GAP 2000
/* The CMS file lists the higher-pt electron first in 54 % of events. */
#define LEAD_FIRST 0.54
/* Give up on a process after this many pairs in a row fail the cuts. */
#define MAX_ATTEMPTS 1000000

/* Everything the loop carries from event to event. */
typedef struct sim_loop {
    const pipe_sim_config *cfg;
    sim_random *rng;
    double cumulative[PIPE_SIM_N_PROCESSES]; /* normalised cumulative fractions */
    pipe_sim_report report;
} sim_loop;

static void set_cumulative(sim_loop *loop)
{
    const pipe_sim_config *c = loop->cfg;
    const double w[PIPE_SIM_N_PROCESSES] = {c->frac_jpsi,  c->frac_psi2s, c->frac_ups1s,
                                            c->frac_ups2s, c->frac_ups3s, c->frac_z,
                                            c->frac_dy,    c->frac_comb};
    double sum = 0;
    for (int i = 0; i < PIPE_SIM_N_PROCESSES; i++)
        sum += w[i];
    double acc = 0;
    for (int i = 0; i < PIPE_SIM_N_PROCESSES; i++) {
        acc += w[i];
        loop->cumulative[i] = acc / sum;
    }
}

static pipe_sim_process choose_process(sim_loop *loop)
{
    double u = sim_uniform(loop->rng);
    for (int i = 0; i < PIPE_SIM_N_PROCESSES - 1; i++)
        if (u < loop->cumulative[i])
            return (pipe_sim_process)i;
    return PIPE_SIM_COMB;
}

/* The leading-pt threshold one attempt of an event in `run` faces. */
static double draw_trigger(const sim_loop *loop, int64_t run)
{
    const pipe_sim_config *c = loop->cfg;
    double nominal = run >= LATE_RUN ? c->trigger_pt_late : c->trigger_pt_early;
    if (sim_uniform(loop->rng) < c->prescaled_fraction)
        return c->prescaled_pt + (nominal - c->prescaled_pt) * sim_uniform(loop->rng);
    return nominal + c->trigger_width * sim_normal(loop->rng);
}

/* One try: draw a pair and pass it through detector, trigger and window. */
static int try_event(sim_loop *loop, pipe_sim_process proc, int64_t run, sim_electron el[2],
                     double *mass)
{
    double trigger = draw_trigger(loop, run);
    sim_truth truth;
    sim_process_draw(proc, loop->cfg, trigger, loop->rng, &truth);
    loop->report.attempts[proc]++;
    for (int i = 0; i < 2; i++)
        if (!sim_detect(loop->cfg, &truth.el[i], loop->rng, &el[i]))
            return 0;
    if (fmax(el[0].pt, el[1].pt) < trigger)
        return 0;
    *mass = sim_measured_mass(&el[0], &el[1]);
    return *mass >= loop->cfg->mass_min && *mass <= loop->cfg->mass_max;
}

static void put_electron(double *row, const sim_electron *e, int digits)
{
    const double v[8] = {e->e, e->px, e->py, e->pz, e->pt, e->eta, e->phi, (double)e->q};
    for (int i = 0; i < 7; i++)
        row[i] = pipe_sim_round(v[i], digits);
    row[7] = v[7];
}

static void put_row(sim_loop *loop, double *row, int64_t run, int64_t event,
                    const sim_electron el[2], double mass)
{
    int lead = el[0].pt >= el[1].pt ? 0 : 1;
    int first = sim_uniform(loop->rng) < LEAD_FIRST ? lead : 1 - lead;
    int digits = loop->cfg->round_digits;
    row[0] = (double)run;
    row[1] = (double)event;
    put_electron(row + 2, &el[first], digits);
    put_electron(row + 10, &el[1 - first], digits);
    row[18] = pipe_sim_round(mass, digits);
}

static int generate_event(sim_loop *loop, double *row, int64_t run, int64_t event, char *err,
                          size_t err_size)
{
    pipe_sim_process proc = choose_process(loop);
    sim_electron el[2];
    double mass;
    for (int64_t attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        if (try_event(loop, proc, run, el, &mass)) {
            loop->report.events[proc]++;
            put_row(loop, row, run, event, el, mass);
            return 0;
        }
    }
    snprintf(err, err_size,
             "process '%s': no pair passed the cuts in %d tries (mass window [%g, %g] GeV, "
             "|eta| < %g, pt > %g GeV, trigger %g/%g GeV): loosen the cuts or set frac_%s: 0",
             pipe_sim_process_name(proc), MAX_ATTEMPTS, loop->cfg->mass_min, loop->cfg->mass_max,
             loop->cfg->eta_max, loop->cfg->pt_min, loop->cfg->trigger_pt_early,
             loop->cfg->trigger_pt_late, pipe_sim_process_name(proc));
    return -1;
}

/* Events of run block r: the share of the run weights up to r. */
static int64_t block_end(int64_t events, size_t r)
{
    double total = 0, upto = 0;
    for (size_t i = 0; i < N_RUNS; i++) {
        total += runs[i].weight;
        if (i <= r)
            upto += runs[i].weight;
    }
    return (int64_t)llround((double)events * upto / total);
}

static int fill_table(sim_loop *loop, pipe_tensor *t, char *err, size_t err_size)
{
    double *data = t->data;
    int64_t row = 0;
    for (size_t r = 0; r < N_RUNS; r++) {
        int64_t end = block_end(loop->cfg->events, r);
        int64_t event = runs[r].first_event;
        for (; row < end; row++) {
            event += 1 + (int64_t)pipe_rng_below(loop->rng->rng, EVENT_GAP);
            if (generate_event(loop, data + row * PIPE_SIM_N_COLUMNS, runs[r].run, event, err,
                               err_size) != 0)
                return -1;
        }
    }
    return 0;
}

pipe_tensor *pipe_sim_generate(const pipe_sim_config *cfg, pipe_rng *rng, pipe_sim_report *report,
                               char *err, size_t err_size)
{
    const char *param;
    char message[256];
    if (pipe_sim_config_check(cfg, &param, message, sizeof message) != 0) {
        snprintf(err, err_size, "%s: %s", param, message);
        return NULL;
    }
    pipe_tensor *t = pipe_tensor_new2(PIPE_F64, cfg->events, PIPE_SIM_N_COLUMNS);
    if (!t || pipe_tensor_set_columns(t, pipe_sim_columns, PIPE_SIM_N_COLUMNS) != 0) {
        pipe_tensor_release(t);
        snprintf(err, err_size, "out of memory for %lld events", (long long)cfg->events);
        return NULL;
    }
    sim_random random;
    sim_random_init(&random, rng);
    sim_loop loop = {.cfg = cfg, .rng = &random};
    set_cumulative(&loop);
    if (fill_table(&loop, t, err, err_size) != 0) {
        pipe_tensor_release(t);
        return NULL;
    }
    if (report)
        *report = loop.report;
    return t;
}
