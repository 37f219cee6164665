/*
 * test_generator.c — unit tests of pipe_sim's generator: the table's
 * shape and names, determinism, the internal consistency of every row
 * (pt, eta, phi, E and M against the four-vectors), the cuts, rounding
 * like the CMS file, and physics checked against closed formulas (mass
 * conservation through the boost, the 1 + cos^2 decay, the resolution).
 */
#include "sim.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { RUN, EVENT, E1, PX1, PY1, PZ1, PT1, ETA1, PHI1, Q1, E2 = 10, M = 18 };
#define ME 0.000511

static pipe_tensor *generate(const pipe_sim_config *cfg, uint64_t seed)
{
    pipe_rng rng;
    char err[512];
    pipe_rng_seed(&rng, seed);
    pipe_tensor *t = pipe_sim_generate(cfg, &rng, NULL, err, sizeof err);
    cr_assert(t, "%s", err);
    return t;
}

static double at(const pipe_tensor *t, int64_t row, int col)
{
    return ((const double *)t->data)[row * PIPE_SIM_N_COLUMNS + col];
}

/* One process only, exact values, a perfect detector, no trigger. */
static void ideal_config(pipe_sim_config *cfg, pipe_sim_process only, int64_t events)
{
    pipe_sim_config_default(cfg);
    cfg->events = events;
    cfg->round_digits = 0;
    double *fractions[] = {&cfg->frac_jpsi,  &cfg->frac_psi2s, &cfg->frac_ups1s, &cfg->frac_ups2s,
                           &cfg->frac_ups3s, &cfg->frac_z,     &cfg->frac_dy,    &cfg->frac_comb};
    for (int p = 0; p < PIPE_SIM_N_PROCESSES; p++)
        *fractions[p] = p == (int)only ? 1.0 : 0.0;
    cfg->res_stochastic = cfg->res_constant = 0;
    cfg->sigma_eta = cfg->sigma_phi = 0;
    cfg->energy_scale = 1;
    cfg->crack_efficiency = 1;
    cfg->trigger_pt_early = cfg->trigger_pt_late = cfg->trigger_width = 0;
    cfg->prescaled_fraction = 0;
    cfg->pt_min = 0;
    cfg->eta_max = 20; /* everything: no acceptance bias on the angles */
}

Test(generator, columns_and_shape)
{
    pipe_sim_config cfg;
    pipe_sim_config_default(&cfg);
    cfg.events = 1000;
    pipe_tensor *t = generate(&cfg, 1);
    const char *want[] = {"Run", "Event", "E1",  "px1", "py1", "pz1",  "pt1",  "eta1", "phi1", "Q1",
                          "E2",  "px2",   "py2", "pz2", "pt2", "eta2", "phi2", "Q2",   "M"};
    cr_assert_eq(t->dtype, PIPE_F64);
    cr_assert_eq(t->rank, 2);
    cr_assert_eq(t->shape[0], 1000);
    cr_assert_eq(t->shape[1], 19);
    for (int c = 0; c < 19; c++)
        cr_assert_str_eq(t->columns[c], want[c]);
    pipe_tensor_release(t);
}

Test(generator, same_seed_same_events_other_seed_other_events)
{
    pipe_sim_config cfg;
    pipe_sim_config_default(&cfg);
    cfg.events = 5000;
    pipe_tensor *a = generate(&cfg, 7), *b = generate(&cfg, 7), *c = generate(&cfg, 8);
    size_t bytes = (size_t)(5000 * 19) * sizeof(double);
    cr_assert(memcmp(a->data, b->data, bytes) == 0);
    cr_assert(memcmp(a->data, c->data, bytes) != 0);
    pipe_tensor_release(a);
    pipe_tensor_release(b);
    pipe_tensor_release(c);
}

/* Every row of an unrounded sample agrees with itself the way the CMS
 * file's rows do, and passes the cuts. */
Test(generator, rows_are_consistent_and_pass_the_cuts)
{
    pipe_sim_config cfg;
    pipe_sim_config_default(&cfg);
    cfg.events = 20000;
    cfg.round_digits = 0;
    pipe_tensor *t = generate(&cfg, 3);
    for (int64_t r = 0; r < cfg.events; r++) {
        double sum[4] = {0};
        for (int k = 0; k < 2; k++) {
            int o = k ? E2 : E1;
            double e = at(t, r, o), px = at(t, r, o + 1), py = at(t, r, o + 2),
                   pz = at(t, r, o + 3), pt = at(t, r, o + 4), eta = at(t, r, o + 5),
                   phi = at(t, r, o + 6), q = at(t, r, o + 7);
            cr_assert_float_eq(pt, hypot(px, py), 1e-12 * pt);
            cr_assert_float_eq(eta, asinh(pz / pt), 1e-12);
            cr_assert_float_eq(phi, atan2(py, px), 1e-12);
            cr_assert_float_eq(e * e, px * px + py * py + pz * pz + ME * ME, 1e-12 * e * e);
            cr_assert(fabs(eta) < cfg.eta_max && pt > cfg.pt_min);
            cr_assert(q == 1 || q == -1);
            sum[0] += e, sum[1] += px, sum[2] += py, sum[3] += pz;
        }
        double m = sqrt(sum[0] * sum[0] - sum[1] * sum[1] - sum[2] * sum[2] - sum[3] * sum[3]);
        cr_assert_float_eq(at(t, r, M), m, 1e-9 * sum[0] * sum[0] / m + 1e-12);
        cr_assert(m >= cfg.mass_min && m <= cfg.mass_max, "M %g", m);
        cr_assert(fmax(at(t, r, PT1), at(t, r, PT1 + 8)) >= cfg.prescaled_pt);
    }
    pipe_tensor_release(t);
}

/* Runs come in blocks of the 2010 runs, event numbers grow within a run. */
Test(generator, runs_and_events)
{
    static const double known[] = {146511, 146644, 146944, 147115, 147754, 147926,
                                   147929, 148029, 148031, 149011, 149181, 149182};
    pipe_sim_config cfg;
    pipe_sim_config_default(&cfg);
    cfg.events = 13000;
    pipe_tensor *t = generate(&cfg, 5);
    int64_t late = 0;
    for (int64_t r = 0; r < cfg.events; r++) {
        double run = at(t, r, RUN);
        int found = 0;
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            found |= run == known[i];
        cr_assert(found, "run %.0f", run);
        late += run >= 149000;
        if (r > 0 && at(t, r - 1, RUN) == run)
            cr_assert_gt(at(t, r, EVENT), at(t, r - 1, EVENT));
        if (r > 0)
            cr_assert_geq(run, at(t, r - 1, RUN));
    }
    /* Late runs: 4 of the 12 blocks of the real sample, a third. */
    cr_assert_float_eq((double)late / (double)cfg.events, 1.0 / 3.0, 1e-3);
    pipe_tensor_release(t);
}

/* pipe_sim_round gives what printf("%.*g") prints, read back, including
 * exact halves (to even, like printf). */
Test(generator, rounding_matches_printf)
{
    pipe_rng rng;
    pipe_rng_seed(&rng, 11);
    char buf[64];
    for (int i = 0; i < 200000; i++) {
        double x = (pipe_rng_uniform(&rng) - 0.5) * pow(10.0, (double)pipe_rng_below(&rng, 24) - 8);
        int digits = 1 + (int)pipe_rng_below(&rng, 17);
        snprintf(buf, sizeof buf, "%.*g", digits, x);
        cr_assert_eq(pipe_sim_round(x, digits), strtod(buf, NULL), "%.17g to %d digits: %s", x,
                     digits, buf);
    }
    cr_assert_eq(pipe_sim_round(0.0, 6), 0.0);
    cr_assert_eq(pipe_sim_round(2.5, 1), 2.0);
    cr_assert_eq(pipe_sim_round(0.125, 2), 0.12);
    cr_assert_eq(pipe_sim_round(0.375, 2), 0.38);
    cr_assert_eq(pipe_sim_round(499985.68493549997, 12), 499985.684935);
    cr_assert_eq(pipe_sim_round(123.4567, 0), 123.4567);
    cr_assert_eq(pipe_sim_round(-98.76549, 4), -98.77);
    cr_assert_eq(pipe_sim_round(366639895.0, 6), 366640000.0);
}

/* With 6 digits the values print as the CMS file's do, and M recomputed
 * from the rounded columns misses the written M by what rounding costs. */
Test(generator, six_digits_like_the_cms_file)
{
    pipe_sim_config cfg;
    pipe_sim_config_default(&cfg);
    cfg.events = 20000;
    pipe_tensor *t = generate(&cfg, 9);
    char buf[64];
    double sum_diff = 0;
    for (int64_t r = 0; r < cfg.events; r++) {
        for (int c = E1; c <= M; c++) {
            snprintf(buf, sizeof buf, "%.6g", at(t, r, c));
            cr_assert_eq(strtod(buf, NULL), at(t, r, c));
        }
        double e = at(t, r, E1) + at(t, r, E2), px = at(t, r, PX1) + at(t, r, PX1 + 8),
               py = at(t, r, PY1) + at(t, r, PY1 + 8), pz = at(t, r, PZ1) + at(t, r, PZ1 + 8);
        sum_diff += fabs(sqrt(fmax(0, e * e - px * px - py * py - pz * pz)) - at(t, r, M));
    }
    /* The real sample: mean |M(formula) - M| = 5.3e-4 GeV (data/README). */
    double mean = sum_diff / (double)cfg.events;
    cr_assert(mean > 1e-4 && mean < 2e-3, "mean |dM| %g", mean);
    pipe_tensor_release(t);
}

/* The boost keeps the pair mass: with a perfect detector every J/psi has
 * the pole mass within its Breit-Wigner window. */
Test(generator, boost_keeps_the_pair_mass)
{
    pipe_sim_config cfg;
    ideal_config(&cfg, PIPE_SIM_JPSI, 5000);
    pipe_tensor *t = generate(&cfg, 2);
    for (int64_t r = 0; r < cfg.events; r++)
        cr_assert(fabs(at(t, r, M) - 3.0969) <= 50 * 9.29e-5 + 1e-9, "M %.6f", at(t, r, M));
    pipe_tensor_release(t);
}

/* <cos^2 theta> in the pair rest frame (beam axis): 2/5 for 1 + cos^2,
 * 1/3 isotropic. */
static double mean_cos2_theta(const pipe_tensor *t)
{
    double sum = 0;
    int64_t n = pipe_tensor_rows(t);
    for (int64_t r = 0; r < n; r++) {
        double e[2], p[2][3];
        for (int k = 0; k < 2; k++) {
            int o = k ? E2 : E1;
            e[k] = at(t, r, o);
            for (int i = 0; i < 3; i++)
                p[k][i] = at(t, r, o + 1 + i);
        }
        double E = e[0] + e[1], b[3], b2 = 0, bp = 0;
        for (int i = 0; i < 3; i++) {
            b[i] = -(p[0][i] + p[1][i]) / E;
            b2 += b[i] * b[i];
            bp += b[i] * p[0][i];
        }
        double gamma = 1 / sqrt(1 - b2), k = (gamma - 1) * bp / b2 + gamma * e[0];
        double rest[3];
        for (int i = 0; i < 3; i++)
            rest[i] = p[0][i] + k * b[i];
        double c = rest[2] / sqrt(rest[0] * rest[0] + rest[1] * rest[1] + rest[2] * rest[2]);
        sum += c * c;
    }
    return sum / (double)n;
}

Test(generator, decay_angles)
{
    pipe_sim_config cfg;
    ideal_config(&cfg, PIPE_SIM_Z, 40000);
    pipe_tensor *z = generate(&cfg, 4);
    /* sd of cos^2 is about 0.3: 0.3 / sqrt(40000) = 0.0015. */
    cr_assert_float_eq(mean_cos2_theta(z), 0.4, 0.006, "Z: %g", mean_cos2_theta(z));
    ideal_config(&cfg, PIPE_SIM_UPS1S, 40000);
    pipe_tensor *u = generate(&cfg, 4);
    cr_assert_float_eq(mean_cos2_theta(u), 1.0 / 3.0, 0.006, "Upsilon: %g", mean_cos2_theta(u));
    pipe_tensor_release(z);
    pipe_tensor_release(u);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Energy resolution b (constant term only) on a J/psi peak: M ~ sqrt(E1 E2)
 * so sigma_M / M = b / sqrt(2); the median is the energy scale. */
Test(generator, energy_resolution_and_scale)
{
    pipe_sim_config cfg;
    ideal_config(&cfg, PIPE_SIM_JPSI, 40000);
    cfg.res_constant = 0.05;
    cfg.energy_scale = 0.98;
    pipe_tensor *t = generate(&cfg, 6);
    double *rel = malloc(sizeof(double) * (size_t)cfg.events);
    for (int64_t r = 0; r < cfg.events; r++)
        rel[r] = at(t, r, M) / 3.0969;
    qsort(rel, (size_t)cfg.events, sizeof(double), compare_doubles);
    double median = rel[cfg.events / 2];
    double sigma = (rel[3 * cfg.events / 4] - rel[cfg.events / 4]) / 1.34898;
    cr_assert_float_eq(median, 0.98, 0.001, "median %g", median);
    cr_assert_float_eq(sigma / median, 0.05 / sqrt(2), 0.0015, "sigma %g", sigma / median);
    free(rel);
    pipe_tensor_release(t);
}

/* Z -> ee is always opposite-sign; combinatorial pairs are same-sign half
 * of the time; the Z peak sits at the pole, half the events within +-G/2. */
Test(generator, charges_and_z_line_shape)
{
    pipe_sim_config cfg;
    ideal_config(&cfg, PIPE_SIM_Z, 20000);
    pipe_tensor *z = generate(&cfg, 8);
    int64_t same = 0, core = 0;
    for (int64_t r = 0; r < cfg.events; r++) {
        same += at(z, r, Q1) == at(z, r, Q1 + 8);
        core += fabs(at(z, r, M) - 91.1876) < 2.4952 / 2;
    }
    cr_assert_eq(same, 0);
    /* Relativistic Breit-Wigner in s for M in [40, 121] GeV, kept up to
     * 110: (pi/2) / (atan(27.80) + atan(29.51) - (atan(27.80) - atan(16.63)))
     * = 0.5154 within a half width of the pole; sd 0.0035. */
    cr_assert_float_eq((double)core / (double)cfg.events, 0.5154, 0.012, "core %lld",
                       (long long)core);
    ideal_config(&cfg, PIPE_SIM_COMB, 20000);
    pipe_tensor *c = generate(&cfg, 8);
    same = 0;
    for (int64_t r = 0; r < cfg.events; r++)
        same += at(c, r, Q1) == at(c, r, Q1 + 8);
    cr_assert_float_eq((double)same / (double)cfg.events, 0.5, 0.011); /* sd 0.0035 */
    pipe_tensor_release(z);
    pipe_tensor_release(c);
}

Test(generator, configuration_errors)
{
    pipe_sim_config cfg;
    const char *param;
    char err[256];
    ideal_config(&cfg, PIPE_SIM_Z, 10);
    cfg.frac_z = 0;
    cr_assert_eq(pipe_sim_config_check(&cfg, &param, err, sizeof err), -1);
    cr_assert_str_eq(param, "frac_comb");
    cr_assert_str_eq(err, "all process fractions (frac_*) are 0; expected at least one > 0");
    pipe_sim_config_default(&cfg);
    cfg.frac_dy = -0.5;
    cr_assert_eq(pipe_sim_config_check(&cfg, &param, err, sizeof err), -1);
    cr_assert_str_eq(param, "frac_dy");
    cr_assert_str_eq(err, "expected a fraction >= 0, found -0.5");
    pipe_sim_config_default(&cfg);
    cfg.mass_min = 60;
    cfg.mass_max = 50;
    cr_assert_eq(pipe_sim_config_check(&cfg, &param, err, sizeof err), -1);
    cr_assert_str_eq(param, "mass_max");
    cr_assert_str_eq(err,
                     "expected mass_max above mass_min, found mass_min 60 GeV, mass_max 50 GeV");
    pipe_sim_config_default(&cfg);
    cr_assert_eq(pipe_sim_config_check(&cfg, &param, err, sizeof err), 0);
}

/* A process that cannot pass the cuts is an error, not an endless loop. */
Test(generator, unreachable_cuts)
{
    pipe_sim_config cfg;
    ideal_config(&cfg, PIPE_SIM_JPSI, 10);
    cfg.mass_min = 50;
    pipe_rng rng;
    char err[512];
    pipe_rng_seed(&rng, 1);
    cr_assert_null(pipe_sim_generate(&cfg, &rng, NULL, err, sizeof err));
    cr_assert_str_eq(err, "process 'jpsi': no pair passed the cuts in 1000000 tries (mass "
                          "window [50, 110] GeV, |eta| < 20, pt > 0 GeV, trigger 0/0 GeV): "
                          "loosen the cuts or set frac_jpsi: 0");
}
