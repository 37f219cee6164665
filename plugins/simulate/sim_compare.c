/*
 * sim_compare.c — two-sample statistics between tables of dielectron
 * events: mass-bin fractions, same-sign fraction, and the distributions of
 * pt and |eta| of the leading and trailing electrons, compared with the
 * Kolmogorov-Smirnov distance and the total variation distance.
 */
#include "sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

const double pipe_sim_mass_edges[PIPE_SIM_N_MASS_BINS + 1] = {2, 5, 12, 60, 80, 100, 110};

const char *const pipe_sim_distance_names[PIPE_SIM_N_DISTANCES] = {
    "ks_lead_pt", "ks_trail_pt", "ks_lead_eta", "ks_trail_eta", "tv_mass", "same_sign"};

/* Columns a summary reads, in this order. */
enum { COL_PT1, COL_PT2, COL_ETA1, COL_ETA2, COL_Q1, COL_Q2, COL_M, N_COLS };
static const char *const summary_columns[N_COLS] = {"pt1", "pt2", "eta1", "eta2", "Q1", "Q2", "M"};

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int mass_bin(double m)
{
    for (int b = 0; b < PIPE_SIM_N_MASS_BINS; b++) {
        int last = b == PIPE_SIM_N_MASS_BINS - 1;
        if (m >= pipe_sim_mass_edges[b] &&
            (m < pipe_sim_mass_edges[b + 1] || (last && m <= pipe_sim_mass_edges[b + 1])))
            return b;
    }
    return -1;
}

static int find_columns(const pipe_tensor *t, int64_t col[N_COLS], char *err, size_t err_size)
{
    for (int c = 0; c < N_COLS; c++) {
        col[c] = pipe_tensor_column(t, summary_columns[c]);
        if (col[c] < 0) {
            snprintf(err, err_size, "the table has no column '%s'", summary_columns[c]);
            return -1;
        }
    }
    return 0;
}

static void add_event(pipe_sim_summary *s, const pipe_tensor *t, int64_t row,
                      const int64_t col[N_COLS], int64_t bin_count[])
{
    int64_t ncol = pipe_tensor_cols(t);
    double v[N_COLS];
    for (int c = 0; c < N_COLS; c++)
        v[c] = pipe_tensor_get(t, row * ncol + col[c]);
    int first_leads = v[COL_PT1] >= v[COL_PT2];
    int64_t i = s->n++;
    s->lead_pt[i] = first_leads ? v[COL_PT1] : v[COL_PT2];
    s->trail_pt[i] = first_leads ? v[COL_PT2] : v[COL_PT1];
    s->lead_abs_eta[i] = fabs(first_leads ? v[COL_ETA1] : v[COL_ETA2]);
    s->trail_abs_eta[i] = fabs(first_leads ? v[COL_ETA2] : v[COL_ETA1]);
    s->same_sign += v[COL_Q1] == v[COL_Q2];
    int b = mass_bin(v[COL_M]);
    if (b >= 0)
        bin_count[b]++;
}

int pipe_sim_summarize(const pipe_tensor *table, int64_t begin, int64_t end, int64_t skip_begin,
                       int64_t skip_end, pipe_sim_summary *s, char *err, size_t err_size)
{
    int64_t col[N_COLS];
    *s = (pipe_sim_summary){0};
    if (find_columns(table, col, err, err_size) != 0)
        return -1;
    if (begin < 0 || end > pipe_tensor_rows(table) || begin >= end) {
        snprintf(err, err_size, "rows [%lld, %lld) are not a non-empty range of the %lld rows",
                 (long long)begin, (long long)end, (long long)pipe_tensor_rows(table));
        return -1;
    }
    size_t cap = (size_t)(end - begin);
    double **arrays[4] = {&s->lead_pt, &s->trail_pt, &s->lead_abs_eta, &s->trail_abs_eta};
    for (int a = 0; a < 4; a++) {
        *arrays[a] = malloc(cap * sizeof(double));
        if (!*arrays[a]) {
            pipe_sim_summary_free(s);
            snprintf(err, err_size, "out of memory summarising %zu rows", cap);
            return -1;
        }
    }
    int64_t bin_count[PIPE_SIM_N_MASS_BINS] = {0};
    for (int64_t row = begin; row < end; row++)
        if (row < skip_begin || row >= skip_end)
            add_event(s, table, row, col, bin_count);
    if (s->n == 0) {
        pipe_sim_summary_free(s);
        snprintf(err, err_size, "no rows left to summarise");
        return -1;
    }
    for (int a = 0; a < 4; a++)
        qsort(*arrays[a], (size_t)s->n, sizeof(double), compare_doubles);
    for (int b = 0; b < PIPE_SIM_N_MASS_BINS; b++)
        s->mass_fraction[b] = (double)bin_count[b] / (double)s->n;
    s->same_sign /= (double)s->n;
    return 0;
}

int pipe_sim_mass_summary(const pipe_tensor *table, double fraction[PIPE_SIM_N_MASS_BINS],
                          double *same_sign, char *err, size_t err_size)
{
    int64_t col[N_COLS];
    if (find_columns(table, col, err, err_size) != 0)
        return -1;
    int64_t rows = pipe_tensor_rows(table), ncol = pipe_tensor_cols(table);
    int64_t bin_count[PIPE_SIM_N_MASS_BINS] = {0}, same = 0;
    for (int64_t row = 0; row < rows; row++) {
        int b = mass_bin(pipe_tensor_get(table, row * ncol + col[COL_M]));
        if (b >= 0)
            bin_count[b]++;
        same += pipe_tensor_get(table, row * ncol + col[COL_Q1]) ==
                pipe_tensor_get(table, row * ncol + col[COL_Q2]);
    }
    double n = rows > 0 ? (double)rows : 1.0;
    for (int b = 0; b < PIPE_SIM_N_MASS_BINS; b++)
        fraction[b] = (double)bin_count[b] / n;
    *same_sign = (double)same / n;
    return 0;
}

void pipe_sim_summary_free(pipe_sim_summary *s)
{
    free(s->lead_pt);
    free(s->trail_pt);
    free(s->lead_abs_eta);
    free(s->trail_abs_eta);
    *s = (pipe_sim_summary){0};
}

double pipe_sim_ks(const double *a, int64_t na, const double *b, int64_t nb)
{
    int64_t i = 0, j = 0;
    double d = 0;
    while (i < na && j < nb) {
        double x = a[i] <= b[j] ? a[i] : b[j];
        while (i < na && a[i] <= x)
            i++;
        while (j < nb && b[j] <= x)
            j++;
        double gap = fabs((double)i / (double)na - (double)j / (double)nb);
        if (gap > d)
            d = gap;
    }
    return d;
}

void pipe_sim_distance_compute(const pipe_sim_summary *a, const pipe_sim_summary *b,
                               pipe_sim_distance *d)
{
    d->ks_lead_pt = pipe_sim_ks(a->lead_pt, a->n, b->lead_pt, b->n);
    d->ks_trail_pt = pipe_sim_ks(a->trail_pt, a->n, b->trail_pt, b->n);
    d->ks_lead_eta = pipe_sim_ks(a->lead_abs_eta, a->n, b->lead_abs_eta, b->n);
    d->ks_trail_eta = pipe_sim_ks(a->trail_abs_eta, a->n, b->trail_abs_eta, b->n);
    double tv = 0;
    for (int i = 0; i < PIPE_SIM_N_MASS_BINS; i++)
        tv += fabs(a->mass_fraction[i] - b->mass_fraction[i]);
    d->tv_mass = 0.5 * tv;
    d->same_sign = fabs(a->same_sign - b->same_sign);
}

void pipe_sim_distance_values(const pipe_sim_distance *d, double out[PIPE_SIM_N_DISTANCES])
{
    out[0] = d->ks_lead_pt;
    out[1] = d->ks_trail_pt;
    out[2] = d->ks_lead_eta;
    out[3] = d->ks_trail_eta;
    out[4] = d->tv_mass;
    out[5] = d->same_sign;
}
