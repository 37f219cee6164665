/*
 * test_generator.c — pipe_events from physics: momentum balance of every
 * process at generator level, the Z peak, the W's Jacobian peak and
 * transverse-mass edge, the W+/W- asymmetry, Berends scaling of the jet
 * multiplicity, class counts, and seeds that reproduce a sample however
 * it is cut up.
 */
#include "ev_internal.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static ev_config config(int n, ev_process a, ev_process b)
{
    ev_config c;
    ev_config_default(&c);
    c.events = n;
    c.n_classes = 2;
    c.classes[0] = a;
    c.classes[1] = b;
    return c;
}

static pipe_tensor *generate(const ev_config *c)
{
    char err[256];
    pipe_tensor *t = ev_generate(c, NULL, err, sizeof err);
    cr_assert(t, "%s", err);
    return t;
}

static double cell(const pipe_tensor *t, int64_t row, const char *name)
{
    int64_t c = pipe_tensor_column(t, name);
    cr_assert(c >= 0, "no column %s", name);
    return ((const double *)t->data)[row * pipe_tensor_cols(t) + c];
}

/* A generator stream seeded with `seed` over the pipe_rng *r. */
static sim_random seeded(pipe_rng *r, uint64_t seed)
{
    sim_random rng;
    pipe_rng_seed(r, seed);
    sim_random_init(&rng, r);
    return rng;
}

Test(generator, every_process_balances_in_the_transverse_plane)
{
    ev_config c = config(1, EV_DY, EV_WJETS);
    pipe_rng r;
    sim_random rng = seeded(&r, 7);
    const ev_process all[] = {EV_DY,         EV_WJETS,         EV_TTBAR_LJETS, EV_TTBAR_DILEP,
                              EV_HIGGS_ZZ4L, EV_HIGGS_WW2L2NU, EV_JPSI};
    for (size_t p = 0; p < sizeof all / sizeof all[0]; p++)
        for (int e = 0; e < 500; e++) {
            ev_truth t;
            ev_truth_draw(all[p], &c, &rng, &t);
            double px = 0, py = 0, scale = 0;
            int leptons = 0;
            for (int i = 0; i < t.n; i++) {
                if (t.obj[i].kind == EV_PILEUP)
                    continue;
                px += t.obj[i].p.px;
                py += t.obj[i].p.py;
                scale += ev_pt(&t.obj[i].p);
                leptons += t.obj[i].kind == EV_LEPTON;
            }
            cr_assert(fabs(px) < 1e-9 * scale && fabs(py) < 1e-9 * scale,
                      "%s event %d: visible + invisible sum (%g, %g) GeV", ev_process_name(all[p]),
                      e, px, py);
            int want = all[p] == EV_HIGGS_ZZ4L                          ? 4
                       : all[p] == EV_WJETS || all[p] == EV_TTBAR_LJETS ? 1
                                                                        : 2;
            cr_assert_eq(leptons, want, "%s: %d leptons", ev_process_name(all[p]), leptons);
        }
}

Test(generator, the_z_peak_sits_at_the_z_mass)
{
    ev_config c = config(20000, EV_DY, EV_WJETS);
    pipe_tensor *t = generate(&c);
    /* 0.5 GeV bins of opposite-sign muon pairs, 70-110 GeV. */
    int counts[80] = {0};
    for (int64_t i = 0; i < c.events; i++) {
        double m = cell(t, i, "m_ll");
        if (cell(t, i, "label") == 0 && cell(t, i, "lep1_q") * cell(t, i, "lep2_q") < 0 && m > 70 &&
            m < 110)
            counts[(int)((m - 70) / 0.5)]++;
    }
    int peak = 0;
    for (int b = 1; b < 80; b++)
        peak = counts[b] > counts[peak] ? b : peak;
    double centre = 70 + 0.5 * peak + 0.25;
    /* M_Z = 91.19 GeV (PDG); the muon resolution (1-2 %) widens it
     * symmetrically: the most populated bin is one of the pole's. */
    cr_assert(centre > 90.4 && centre < 92.0, "Z peak at %g GeV", centre);
    pipe_tensor_release(t);
}

/* Generator-level W events: the charged lepton and the neutrino. */
static void w_leptons(const ev_truth *t, const ev_object **lep, const ev_object **nu)
{
    *lep = *nu = NULL;
    for (int i = 0; i < t->n; i++) {
        if (t->obj[i].kind == EV_LEPTON)
            *lep = &t->obj[i];
        if (t->obj[i].kind == EV_NEUTRINO)
            *nu = &t->obj[i];
    }
    cr_assert(*lep && *nu);
}

Test(generator, w_jacobian_peak_and_transverse_mass_edge)
{
    ev_config c = config(1, EV_WJETS, EV_DY);
    pipe_rng r;
    sim_random rng = seeded(&r, 11);
    int mt_bins[60] = {0}, pt_bins[40] = {0}, above = 0, n = 40000, plus = 0;
    for (int e = 0; e < n; e++) {
        ev_truth t;
        const ev_object *l, *v;
        ev_truth_draw(EV_WJETS, &c, &rng, &t);
        w_leptons(&t, &l, &v);
        double pl = ev_pt(&l->p), pv = ev_pt(&v->p);
        double mt = sqrt(fmax(0.0, 2 * (pl * pv - l->p.px * v->p.px - l->p.py * v->p.py)));
        if (mt >= 40 && mt < 100)
            mt_bins[(int)(mt - 40)]++;
        if (pl >= 20 && pl < 60)
            pt_bins[(int)(pl - 20)]++;
        above += mt > 80.377 + 3 * 2.085;
        plus += l->q > 0;
    }
    int mt_peak = 0, pt_peak = 0;
    for (int b = 1; b < 60; b++)
        mt_peak = mt_bins[b] > mt_bins[mt_peak] ? b : mt_peak;
    for (int b = 1; b < 40; b++)
        pt_peak = pt_bins[b] > pt_bins[pt_peak] ? b : pt_peak;
    /* mT <= m_W: the edge is at the W mass (80.4 GeV, PDG), the peak just
     * below it; only the Breit-Wigner tail goes beyond 3 widths (~7 %). */
    cr_assert(40 + mt_peak >= 76 && 40 + mt_peak <= 80, "mT peak at %d GeV", 40 + mt_peak);
    cr_assert((double)above / n < 0.10, "%.3f of mT beyond the edge", (double)above / n);
    /* The lepton pT's Jacobian peak at m_W / 2 = 40.2 GeV, widened by the
     * W's pT. */
    cr_assert(20 + pt_peak >= 36 && 20 + pt_peak <= 41, "lepton pT peak at %d GeV", 20 + pt_peak);
    /* W+ / (W+ + W-) = 11.37 / 19.95 at 13 TeV (CMS-PAS-SMP-15-004). */
    double f = (double)plus / n, want = 11370.0 / 19950.0;
    cr_assert(fabs(f - want) < 4 * sqrt(want * (1 - want) / n), "W+ share %.4f, want %.4f", f,
              want);
}

Test(generator, reconstructed_charge_asymmetry_is_positive_at_7_and_13_tev)
{
    const double energies[] = {7, 13};
    for (int s = 0; s < 2; s++) {
        ev_config c = config(20000, EV_WJETS, EV_DY);
        c.sqrt_s = energies[s];
        ev_config_triggers(&c);
        pipe_tensor *t = generate(&c);
        double plus = 0, minus = 0;
        for (int64_t i = 0; i < c.events; i++)
            if (cell(t, i, "label") == 0 && cell(t, i, "n_lep") == 1) {
                if (cell(t, i, "lep1_q") > 0)
                    plus++;
                else
                    minus++;
            }
        double a = (plus - minus) / (plus + minus), err = 1 / sqrt(plus + minus);
        /* pp has two u valence quarks for one d: more W+ than W-, A > 0
         * (CMS measures 0.15-0.25 in the muon channel). */
        cr_assert(a > 5 * err, "%g TeV: asymmetry %.4f +- %.4f", energies[s], a, err);
        pipe_tensor_release(t);
    }
}

Test(generator, jet_multiplicity_follows_berends_scaling)
{
    ev_config c = config(1, EV_WJETS, EV_DY);
    pipe_rng r;
    sim_random rng = seeded(&r, 5);
    double counts[4] = {0};
    for (int e = 0; e < 60000; e++) {
        ev_truth t;
        ev_truth_draw(EV_WJETS, &c, &rng, &t);
        int n = 0;
        for (int i = 0; i < t.n; i++)
            n += t.obj[i].kind == EV_PARTON && ev_pt(&t.obj[i].p) > c.jet_pt_min;
        if (n < 4)
            counts[n]++;
    }
    /* sigma(n + 1) / sigma(n) = jet_ratio for every n above jet_pt_min. */
    for (int n = 0; n < 2; n++) {
        double ratio = counts[n + 1] / counts[n];
        double err = ratio * sqrt(1 / counts[n + 1] + 1 / counts[n]);
        cr_assert(fabs(ratio - c.jet_ratio) < 4 * err, "N(%d)/N(%d) = %.4f +- %.4f, want %g", n + 1,
                  n, ratio, err, c.jet_ratio);
    }
}

Test(generator, balanced_counts_and_cross_section_counts)
{
    ev_config c = config(9000, EV_DY, EV_WJETS);
    c.n_classes = 3;
    c.classes[2] = EV_TTBAR;
    ev_report rep;
    char err[256];
    pipe_tensor *t = ev_generate(&c, &rep, err, sizeof err);
    cr_assert(t, "%s", err);
    for (int k = 0; k < 3; k++)
        cr_assert_eq(rep.events[k], 3000);
    /* Unbalanced: the W / DY count ratio is sigma x acceptance's, the
     * acceptances measured on the balanced sample (another seed). */
    ev_config u = config(30000, EV_DY, EV_WJETS);
    u.balanced = 0;
    u.seed = 99;
    ev_report ur;
    pipe_tensor *ut = ev_generate(&u, &ur, err, sizeof err);
    cr_assert(ut, "%s", err);
    double acc_dy = (double)rep.events[0] / rep.attempts[0];
    double acc_w = (double)rep.events[1] / rep.attempts[1];
    double want = rep.sigma_pb[1] * acc_w / (rep.sigma_pb[0] * acc_dy);
    double got = (double)ur.events[1] / ur.events[0];
    cr_assert(fabs(got / want - 1) < 0.08, "W/DY %.3f, want %.3f", got, want);
    /* Weights sigma_k / attempts_k: in an unbalanced sample every class
     * is drawn in proportion to its cross section, so both are
     * sigma_total / attempts, up to the attempts' fluctuation. */
    double w_dy = ur.sigma_pb[0] / (double)ur.attempts[0], w_w = ur.sigma_pb[1] / ur.attempts[1];
    cr_assert_float_eq(ur.weight_pb[0], w_dy, 1e-12 * w_dy);
    cr_assert(fabs(w_w / w_dy - 1) < 0.05, "weights %g and %g pb", w_dy, w_w);
    pipe_tensor_release(t);
    pipe_tensor_release(ut);
}

Test(generator, a_sample_does_not_depend_on_how_it_is_cut)
{
    ev_config a = config(3000, EV_DY, EV_WJETS), b = a;
    b.events = 1500;
    pipe_tensor *ta = generate(&a), *tb = generate(&b), *tc = generate(&a);
    int64_t cols = pipe_tensor_cols(ta);
    const double *da = ta->data, *db = tb->data;
    for (int64_t i = 0; i < 1500; i++)
        cr_assert(memcmp(da + i * cols, db + i * cols, (size_t)(cols - 1) * sizeof *da) == 0,
                  "row %lld differs", (long long)i);
    cr_assert(memcmp(ta->data, tc->data, (size_t)(3000 * cols) * sizeof *da) == 0);
    ev_config d = a;
    d.seed = 2;
    pipe_tensor *td = generate(&d);
    cr_assert(memcmp(ta->data, td->data, (size_t)cols * sizeof *da) != 0);
    pipe_tensor_release(ta);
    pipe_tensor_release(tb);
    pipe_tensor_release(tc);
    pipe_tensor_release(td);
}

Test(generator, config_errors_name_the_parameter)
{
    ev_config c = config(10, EV_DY, EV_DY);
    const char *param;
    char err[256];
    cr_assert_eq(ev_config_check(&c, &param, err, sizeof err), -1);
    cr_assert_str_eq(param, "processes");
    cr_assert_str_eq(err, "expected each process once, found 'dy' twice");
}
