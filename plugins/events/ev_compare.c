/*
 * ev_compare.c — pipe_events against real CMS dielectron events: the
 * pairs of the 80-100 GeV window of a CMS table (columns M, pt1, pt2) and
 * of a generated table (m_ll, lep1_pt, lep2_pt of events with two
 * electrons), their mass and leading / trailing pT medians and widths,
 * and the Kolmogorov-Smirnov distances (pipe_sim's) between them.
 */
#include "ev_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void ev_config_dielectron_2010(ev_config *cfg)
{
    ev_config_default(cfg);
    cfg->events = 40000;
    cfg->n_classes = 1;
    cfg->classes[0] = EV_DY;
    cfg->flavour = EV_FLAVOUR_E;
    cfg->sqrt_s = 7;
    cfg->pileup = 2;     /* 2010 */
    cfg->trigger_e = 17; /* the single-electron threshold of the late 2010 runs */
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile(const double *sorted, int64_t n, double q)
{
    double pos = q * (double)(n - 1);
    int64_t i = (int64_t)pos;
    double f = pos - (double)i;
    return i + 1 < n ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[n - 1];
}

/* The window's pairs of table t: mass, leading and trailing pT. */
static int collect(const pipe_tensor *t, const char *m_col, const char *a_col, const char *b_col,
                   const char *count_col, double *m, double *lead, double *trail, int64_t *n,
                   char *err, size_t err_size)
{
    int64_t cm = pipe_tensor_column(t, m_col), ca = pipe_tensor_column(t, a_col);
    int64_t cb = pipe_tensor_column(t, b_col);
    int64_t cn = count_col ? pipe_tensor_column(t, count_col) : -1;
    if (cm < 0 || ca < 0 || cb < 0 || (count_col && cn < 0)) {
        snprintf(err, err_size, "a table lacks one of the columns %s, %s, %s", m_col, a_col, b_col);
        return -1;
    }
    int64_t cols = pipe_tensor_cols(t), k = 0;
    const double *d = t->data;
    for (int64_t i = 0; i < pipe_tensor_rows(t); i++) {
        const double *r = d + i * cols;
        if (r[cm] < EV_COMPARE_LO || r[cm] > EV_COMPARE_HI || (cn >= 0 && r[cn] < 2))
            continue;
        m[k] = r[cm];
        lead[k] = fmax(r[ca], r[cb]);
        trail[k] = fmin(r[ca], r[cb]);
        k++;
    }
    *n = k;
    if (k < 10) {
        snprintf(err, err_size, "only %lld pairs in %g-%g GeV", (long long)k, EV_COMPARE_LO,
                 EV_COMPARE_HI);
        return -1;
    }
    qsort(m, (size_t)k, sizeof *m, compare_doubles);
    qsort(lead, (size_t)k, sizeof *lead, compare_doubles);
    qsort(trail, (size_t)k, sizeof *trail, compare_doubles);
    return 0;
}

static void summarise(const double *m, const double *lead, const double *trail, int64_t n,
                      ev_window *w)
{
    w->n = n;
    w->mass_median = quantile(m, n, 0.5);
    w->mass_iqr = quantile(m, n, 0.75) - quantile(m, n, 0.25);
    w->lead_median = quantile(lead, n, 0.5);
    w->trail_median = quantile(trail, n, 0.5);
    w->lead_iqr = quantile(lead, n, 0.75) - quantile(lead, n, 0.25);
    w->trail_iqr = quantile(trail, n, 0.75) - quantile(trail, n, 0.25);
}

int ev_compare_dielectron(const pipe_tensor *real, const pipe_tensor *sim, ev_comparison *c,
                          char *err, size_t err_size)
{
    int64_t nr = pipe_tensor_rows(real), ns = pipe_tensor_rows(sim);
    double *buf = malloc(3 * (size_t)(nr + ns) * sizeof *buf);
    if (!buf) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    double *rm = buf, *rl = rm + nr, *rt = rl + nr, *sm = rt + nr, *sl = sm + ns, *st = sl + ns;
    int64_t kr, ks;
    int rc = collect(real, "M", "pt1", "pt2", NULL, rm, rl, rt, &kr, err, err_size);
    if (rc == 0)
        rc = collect(sim, "m_ll", "lep1_pt", "lep2_pt", "n_lep", sm, sl, st, &ks, err, err_size);
    if (rc == 0) {
        summarise(rm, rl, rt, kr, &c->real);
        summarise(sm, sl, st, ks, &c->sim);
        c->ks_mass = pipe_sim_ks(rm, kr, sm, ks);
        c->ks_lead = pipe_sim_ks(rl, kr, sl, ks);
        c->ks_trail = pipe_sim_ks(rt, kr, st, ks);
    }
    free(buf);
    return rc;
}
