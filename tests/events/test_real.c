/*
 * test_real.c — pipe_events' Drell-Yan -> ee at 7 TeV against the real CMS
 * dielectron events of ../shared/data/dielectron_sample.csv (2010 runs),
 * in the 80-100 GeV window: the Z peak's position and width and the
 * electrons' pT medians, to the precision of the ~100 real pairs. What
 * agrees and what does not is in docs/stages/events.md.
 */
#include "csv.h"
#include "events.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

Test(real, z_peak_and_electron_pt_agree_with_cms_dielectron_events)
{
    char *path = pipe_test_shared_file("dielectron_sample.csv");
    char err[512];
    pipe_tensor *real = pipe_csv_read(path, NULL, NULL, err, sizeof err);
    cr_assert(real, "%s", err);
    ev_config c;
    ev_config_dielectron_2010(&c);
    pipe_tensor *sim = ev_generate(&c, NULL, err, sizeof err);
    cr_assert(sim, "%s", err);
    ev_comparison cmp;
    cr_assert_eq(ev_compare_dielectron(real, sim, &cmp, err, sizeof err), 0, "%s", err);
    const ev_window *r = &cmp.real, *s = &cmp.sim;
    /* The real window holds about a hundred pairs: a median is known to
     * 1.253 sigma / sqrt(n), sigma ~ IQR / 1.349 (Gaussian). Agreement is
     * within 3 of those; the generated sample is 100 times larger. */
    double rn = sqrt((double)r->n);
    double m_err = 1.253 * r->mass_iqr / 1.349 / rn;
    double lead_err = 1.253 * r->lead_iqr / 1.349 / rn,
           trail_err = 1.253 * r->trail_iqr / 1.349 / rn;
    cr_assert(fabs(s->mass_median - r->mass_median) < 3 * m_err,
              "M median %.2f vs real %.2f +- %.2f", s->mass_median, r->mass_median, m_err);
    cr_assert(fabs(s->lead_median - r->lead_median) < 3 * lead_err,
              "lead pT median %.2f vs %.2f +- %.2f", s->lead_median, r->lead_median, lead_err);
    cr_assert(fabs(s->trail_median - r->trail_median) < 3 * trail_err,
              "trail pT median %.2f vs %.2f +- %.2f", s->trail_median, r->trail_median, trail_err);
    /* The mass distributions: the KS distance below its 1 % critical
     * value 1.63 sqrt((n + m) / (n m)). (The pT distributions are not:
     * docs/stages/events.md says why.) */
    double crit = 1.63 * sqrt((double)(r->n + s->n) / ((double)r->n * (double)s->n));
    cr_assert(cmp.ks_mass < crit, "KS mass %.3f, critical %.3f", cmp.ks_mass, crit);
    pipe_tensor_release(sim);
    pipe_tensor_release(real);
    free(path);
}
