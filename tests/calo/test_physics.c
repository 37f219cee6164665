/*
 * test_physics.c — pipe_calo against independent computations: shower
 * containment in 3 x 3 and 5 x 5 crystals against the profile's closed
 * form (and the CMS ECAL TDR's 94 % and 97 %), the isolation of a
 * hand-built grid, the pile-up rate and the cell noise over many
 * candidates, and the seeding per block by the global candidate index.
 */
#include "calo.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Closed form: the fraction of a centred profile in a square of half
 * width a crystals. */
static double square_containment(const calo_profile *p, double a)
{
    double c = erf(a / (p->core_sigma * sqrt(2.0))), t = erf(a / (p->tail_sigma * sqrt(2.0)));
    return p->core_fraction * c * c + (1 - p->core_fraction) * t * t;
}

/* Deposit 100 GeV at the centre of crystal (10, 10) of a 21 x 21 grid and
 * sum the central k x k cells. */
static double deposited(int k)
{
    float grid[21 * 21] = {0};
    calo_deposit(grid, 21, 21, &calo_em_profile, 10.5, 10.5, 100.0, 10);
    double sum = 0;
    for (int i = 10 - k / 2; i <= 10 + k / 2; i++)
        for (int j = 10 - k / 2; j <= 10 + k / 2; j++)
            sum += grid[i * 21 + j];
    return sum / 100.0;
}

Test(shower, containment_3x3_and_5x5_match_the_closed_form)
{
    double c3 = square_containment(&calo_em_profile, 1.5);
    double c5 = square_containment(&calo_em_profile, 2.5);
    cr_assert_float_eq(deposited(3), c3, 1e-5, "3x3: %.6f, closed form %.6f", deposited(3), c3);
    cr_assert_float_eq(deposited(5), c5, 1e-5, "5x5: %.6f, closed form %.6f", deposited(5), c5);
    cr_assert_float_eq(deposited(1), square_containment(&calo_em_profile, 0.5), 1e-5);
    /* the CMS ECAL TDR: 94 % in 3 x 3 and 97 % in 5 x 5 for a central hit */
    cr_assert_float_eq(c3, 0.94, 0.005, "3x3 containment %.4f", c3);
    cr_assert_float_eq(c5, 0.97, 0.01, "5x5 containment %.4f", c5);
    /* the whole grid: everything but the shares below 1 MeV */
    cr_assert_float_eq(deposited(21), 1.0, 1e-3);
}

Test(shower, rectangle_fraction_is_separable_and_off_centre)
{
    /* an impact at a crystal corner: the 2 x 2 crystals around it hold
     * p erf(1/(sc sqrt2))^2 / ... = the product of one-sided CDFs */
    const calo_profile *p = &calo_em_profile;
    double one = calo_profile_fraction(p, 0, 1, 0, 1);
    double core = 0.5 * erf(1 / (p->core_sigma * sqrt(2.0)));
    double tail = 0.5 * erf(1 / (p->tail_sigma * sqrt(2.0)));
    cr_assert_float_eq(one, p->core_fraction * core * core + (1 - p->core_fraction) * tail * tail,
                       1e-12);
    float grid[16 * 16] = {0};
    calo_deposit(grid, 16, 16, p, 8.0, 8.0, 10.0, 8);
    cr_assert_float_eq(grid[8 * 16 + 8], 10 * one, 1e-5);
    cr_assert_float_eq(grid[7 * 16 + 7], 10 * one, 1e-5);
}

Test(isolation, hand_built_grid)
{
    enum { N = 38 };
    float grid[N * N] = {0};
    double row = 19.5, col = 19.5; /* centre of crystal (19, 19) */
    grid[21 * N + 27] = 1.0f;      /* deta 2, dphi 8 crystals: dR 0.144, counted */
    grid[19 * N + 27] = 128.0f;    /* deta 0, dphi 8: the strip (brem), vetoed */
    grid[19 * N + 21] = 2.0f;      /* dphi 2: dR 0.035 < 0.07, inner cone */
    grid[20 * N + 29] = 4.0f;      /* deta 1 crystal: in the strip, vetoed */
    grid[36 * N + 19] = 8.0f;      /* deta 17: dR 0.296, counted */
    grid[32 * N + 32] = 16.0f;     /* 13, 13: dR 0.320, outside */
    grid[23 * N + 19] = 32.0f;     /* deta 4, dR 0.0696 < 0.07: inner cone */
    grid[24 * N + 19] = 64.0f;     /* deta 5, dR 0.087: counted */
    cr_assert_float_eq(calo_iso_ecal(grid, N, N, row, col), 73.0, 1e-9);
    /* HCAL: towers of 5 x 5 crystals; tower (3, 5) centre at (17.5, 27.5):
     * dR = sqrt(2^2 + 8^2) crystals = 0.1435 < 0.15; tower (3, 6): 0.2293 */
    float towers[7 * 7] = {0};
    towers[3 * 7 + 5] = 1.0f;
    towers[3 * 7 + 6] = 2.0f;
    towers[3 * 7 + 3] = 4.0f; /* the candidate's own tower */
    cr_assert_float_eq(calo_iso_hcal(towers, 7, 7, row, col), 2.0, 1e-9);
}

typedef struct sample {
    calo_config cfg;
    float *images;
    double *labels, *table;
    calo_report rep;
} sample;

static sample generate(const calo_config *cfg, uint64_t seed, int64_t first, int64_t n)
{
    sample s = {*cfg, NULL, NULL, NULL, {0, 0}};
    size_t per = (size_t)(cfg->hcal ? 2 : 1) * (size_t)cfg->height * (size_t)cfg->width;
    s.images = malloc((size_t)n * per * sizeof *s.images);
    s.labels = malloc((size_t)n * sizeof *s.labels);
    s.table = malloc((size_t)n * CALO_N_COLS * sizeof *s.table);
    cr_assert(s.images && s.labels && s.table);
    calo_out out = {s.images, s.labels, s.table};
    cr_assert_eq(calo_generate(cfg, seed, first, n, &out, &s.rep), 0);
    return s;
}

static void sample_free(sample *s)
{
    free(s->images);
    free(s->labels);
    free(s->table);
}

Test(pileup, poisson_interactions_and_soft_particle_rate)
{
    calo_config cfg;
    calo_config_default(&cfg);
    cfg.pileup = 30;
    cfg.ue = 2;
    const int64_t n = 4000;
    sample s = generate(&cfg, 7, 0, n);
    double sum = 0, sum2 = 0;
    for (int64_t i = 0; i < n; i++) {
        double pu = s.table[i * CALO_N_COLS + CALO_COL_PILEUP];
        sum += pu;
        sum2 += pu * pu;
    }
    double mean = sum / n, var = sum2 / n - mean * mean;
    cr_assert(fabs(mean - 30) < 4 * sqrt(30.0 / n), "mean pile-up %.3f", mean);
    cr_assert(fabs(var / 30 - 1) < 0.1, "variance %.3f of a Poisson(30)", var);
    /* soft particles: charged and photons, each (N_PU + ue) 5.49 / 2 pi per
     * unit area over the 38 x 38 grid and a 3-crystal margin */
    double area = 44.0 * 44.0 * CALO_CRYSTAL * CALO_CRYSTAL;
    double expected = 2 * (30 + 2) * 5.49 / (2 * M_PI) * area;
    double got = (double)s.rep.soft_particles / n;
    cr_assert(fabs(got - expected) < 4 * sqrt(expected / n) + 0.01 * expected,
              "%.3f soft particles per candidate, expected %.3f", got, expected);
    sample_free(&s);
}

/* Cells far in eta from the candidate (rows 0-3 of the window) hold only
 * noise when there is nothing else: isolated candidates, no pile-up. */
static void corner_noise(double zs, double *mean, double *sd, double *nonzero)
{
    calo_config cfg;
    calo_config_default(&cfg);
    cfg.pileup = 0;
    cfg.ue = 0;
    cfg.signal_fraction = 1;
    cfg.eta_max = 0.01;
    cfg.zero_suppression = zs;
    const int64_t n = 3000;
    sample s = generate(&cfg, 11, 0, n);
    double sum = 0, sum2 = 0, count = 0, nz = 0;
    for (int64_t k = 0; k < n; k++)
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 32; j++) {
                double eta = s.table[k * CALO_N_COLS + CALO_COL_ETA] + (i - 16) * CALO_CRYSTAL;
                double e = s.images[(size_t)k * 1024 + (size_t)i * 32 + j] * cosh(eta);
                sum += e;
                sum2 += e * e;
                nz += e != 0;
                count++;
            }
    *mean = sum / count;
    *sd = sqrt(sum2 / count - *mean * *mean);
    *nonzero = nz / count;
    sample_free(&s);
}

Test(noise, level_and_zero_suppression)
{
    double mean, sd, nonzero;
    corner_noise(0, &mean, &sd, &nonzero);
    cr_assert(fabs(mean) < 4 * 0.04 / sqrt(384000.0), "noise mean %.6f GeV", mean);
    cr_assert_float_eq(sd, 0.04, 0.04 * 0.01, "noise %.5f GeV, expected 0.04", sd);
    /* 80 MeV = 2 sigma: a fraction Q(2) = 0.02275 of noise cells survive */
    corner_noise(0.08, &mean, &sd, &nonzero);
    double q = 0.5 * erfc(2 / sqrt(2.0));
    cr_assert(fabs(nonzero - q) < 4 * sqrt(q / 384000.0), "%.5f of cells above 80 MeV", nonzero);
}

Test(seeding, repeats_and_blocks_by_global_index)
{
    calo_config cfg;
    calo_config_default(&cfg);
    sample a = generate(&cfg, 5, 0, 1000), b = generate(&cfg, 5, 0, 1000);
    sample mid = generate(&cfg, 5, 300, 400), other = generate(&cfg, 6, 0, 1000);
    cr_assert_eq(memcmp(a.images, b.images, 1000 * 1024 * sizeof(float)), 0);
    cr_assert_eq(memcmp(a.table, b.table, 1000 * CALO_N_COLS * sizeof(double)), 0);
    cr_assert_eq(memcmp(a.images + 300 * 1024, mid.images, 400 * 1024 * sizeof(float)), 0);
    cr_assert_eq(memcmp(a.table + 300 * CALO_N_COLS, mid.table, 400 * CALO_N_COLS * sizeof(double)),
                 0);
    cr_assert_eq(memcmp(a.labels + 300, mid.labels, 400 * sizeof(double)), 0);
    cr_assert_neq(memcmp(a.images, other.images, 1000 * 1024 * sizeof(float)), 0);
    double isolated = 0;
    for (int i = 0; i < 1000; i++)
        isolated += a.labels[i];
    cr_assert_eq(isolated, 500);
    sample_free(&a);
    sample_free(&b);
    sample_free(&mid);
    sample_free(&other);
}

Test(physics, isolated_candidates_are_more_isolated)
{
    calo_config cfg;
    calo_config_default(&cfg);
    sample s = generate(&cfg, 3, 0, 2000);
    double iso[2] = {0, 0}, et = 0;
    for (int i = 0; i < 2000; i++) {
        iso[s.labels[i] > 0.5] += s.table[i * CALO_N_COLS + CALO_COL_ISO] / 1000;
        et += s.table[i * CALO_N_COLS + CALO_COL_ET] / 2000;
        double sum = 0;
        for (int p = 0; p < 1024; p++)
            sum += s.images[(size_t)i * 1024 + p];
        cr_assert(sum > 0.5 * s.table[i * CALO_N_COLS + CALO_COL_ET], "candidate %d", i);
    }
    cr_assert(iso[0] > 1.5 * iso[1], "mean iso %.4f (non-isolated) %.4f (isolated)", iso[0],
              iso[1]);
    cr_assert(et > 30 && et < 50, "mean ET %.2f GeV of W/Z electrons", et);
    sample_free(&s);
}
