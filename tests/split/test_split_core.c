/*
 * test_split_core.c — largest-remainder counts, stratified counts and the
 * seeded assignment of rows to train / val / test.
 */
#include "split.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

static void assert_counts(int64_t n, double f0, double f1, double f2, int64_t c0, int64_t c1,
                          int64_t c2)
{
    double fractions[3] = {f0, f1, f2};
    int64_t counts[3];
    pipe_split_counts(n, fractions, counts);
    cr_assert(counts[0] == c0 && counts[1] == c1 && counts[2] == c2,
              "n=%lld [%g, %g, %g]: got %lld %lld %lld, expected %lld %lld %lld", (long long)n, f0,
              f1, f2, (long long)counts[0], (long long)counts[1], (long long)counts[2],
              (long long)c0, (long long)c1, (long long)c2);
}

Test(split_counts, largest_remainder)
{
    assert_counts(1000, 0.7, 0.15, 0.15, 700, 150, 150);
    assert_counts(10, 0.8, 0.1, 0.1, 8, 1, 1);
    /* 3.5, 1.75, 1.75: floors 3 1 1, the two rows left go to val and test. */
    assert_counts(7, 0.5, 0.25, 0.25, 3, 2, 2);
    /* 0.5, 0.5, 0: a tie goes to the earlier part. */
    assert_counts(1, 0.5, 0.5, 0, 1, 0, 0);
    /* 3.33.., 3.33.., 3.33..: one row left, to train. */
    assert_counts(10, 1.0 / 3, 1.0 / 3, 1.0 / 3, 4, 3, 3);
    assert_counts(0, 0.8, 0.1, 0.1, 0, 0, 0);
    /* 901.5999999999999, 257.6, 128.8: train and val tie despite rounding. */
    assert_counts(1288, 0.7, 0.2, 0.1, 902, 257, 129);
    assert_counts(5, 0, 0, 1, 0, 0, 5);
}

Test(split_counts, always_sum_to_n_and_stay_within_one_of_the_quota)
{
    double fractions[3] = {0.63, 0.29, 0.08};
    for (int64_t n = 0; n < 2000; n++) {
        int64_t counts[3];
        pipe_split_counts(n, fractions, counts);
        cr_assert_eq(counts[0] + counts[1] + counts[2], n);
        for (int p = 0; p < 3; p++)
            cr_assert_lt(fabs((double)counts[p] - (double)n * fractions[p]), 1.0);
    }
}

Test(split_counts, fraction_errors)
{
    char err[256];
    double good[3] = {0.8, 0.1, 0.1};
    cr_assert_eq(pipe_split_check_fractions(good, 3, err, sizeof err), 0);
    cr_assert_eq(pipe_split_check_fractions(good, 2, err, sizeof err), -1);
    cr_assert_str_eq(err, "expected 3 fractions [train, val, test], found 2");
    double short_sum[3] = {0.8, 0.1, 0.05};
    cr_assert_eq(pipe_split_check_fractions(short_sum, 3, err, sizeof err), -1);
    cr_assert_str_eq(err, "fractions [0.8, 0.1, 0.05] sum to 0.95, expected 1 (within 1e-09)");
    double negative[3] = {1.1, -0.1, 0};
    cr_assert_eq(pipe_split_check_fractions(negative, 3, err, sizeof err), -1);
    cr_assert_str_eq(err, "fraction 1 is 1.1, expected a number in [0, 1]");
    double almost[3] = {0.7, 0.2, 0.1 + 5e-10};
    cr_assert_eq(pipe_split_check_fractions(almost, 3, err, sizeof err), 0, "within 1e-9");
}

Test(split_counts, stratified_worked_example)
{
    /* Classes of 7 and 3 rows, [0.5, 0.25, 0.25]: part totals 5 3 2 (the
     * val/test tie goes to val); class quotas 3.5 1.75 1.75 and 1.5 .75 .75. */
    int64_t sizes[2] = {7, 3}, counts[6];
    double fractions[3] = {0.5, 0.25, 0.25};
    cr_assert_eq(pipe_split_stratified_counts(sizes, 2, fractions, counts), 0);
    int64_t expected[6] = {3, 2, 2, 2, 1, 0};
    for (int i = 0; i < 6; i++)
        cr_assert_eq(counts[i], expected[i], "cell %d: %lld", i, (long long)counts[i]);
}

Test(split_counts, stratified_sums_are_exact_and_cells_near_their_quota)
{
    pipe_rng rng;
    pipe_rng_seed(&rng, 7);
    static const double choices[4][3] = {
        {0.7, 0.2, 0.1}, {0.34, 0.33, 0.33}, {0.5, 0.25, 0.25}, {0.85, 0.148, 0.002}};
    for (int trial = 0; trial < 2000; trial++) {
        const double *fractions = choices[trial % 4];
        size_t k = 1 + pipe_rng_below(&rng, 12);
        int64_t sizes[12], counts[36], total = 0, part[3] = {0, 0, 0}, plain[3];
        for (size_t c = 0; c < k; c++)
            total += sizes[c] = (int64_t)pipe_rng_below(&rng, 40);
        cr_assert_eq(pipe_split_stratified_counts(sizes, k, fractions, counts), 0);
        for (size_t c = 0; c < k; c++) {
            int64_t row_sum = 0;
            for (int p = 0; p < 3; p++) {
                int64_t v = counts[3 * c + (size_t)p];
                row_sum += v;
                part[p] += v;
                cr_assert_lt(fabs((double)v - (double)sizes[c] * fractions[p]), 1.0,
                             "trial %d class %zu part %d", trial, c, p);
            }
            cr_assert_eq(row_sum, sizes[c]);
        }
        pipe_split_counts(total, fractions, plain);
        for (int p = 0; p < 3; p++)
            cr_assert_eq(part[p], plain[p], "trial %d part %d", trial, p);
    }
}

static void count_parts(const uint8_t *parts, int64_t n, int64_t counts[3])
{
    counts[0] = counts[1] = counts[2] = 0;
    for (int64_t i = 0; i < n; i++) {
        cr_assert_lt(parts[i], 3);
        counts[parts[i]]++;
    }
}

Test(split_assign, exact_counts_seeded_and_shuffled)
{
    enum { N = 1000 };
    double fractions[3] = {0.8, 0.1, 0.1};
    uint8_t a[N], b[N], c[N];
    pipe_rng rng;
    pipe_split_result result;
    char err[128];
    pipe_rng_seed(&rng, 42);
    cr_assert_eq(pipe_split_assign(N, NULL, fractions, &rng, a, &result, err, sizeof err), 0);
    cr_assert(result.counts[0] == 800 && result.counts[1] == 100 && result.counts[2] == 100);
    cr_assert_null(result.classes);
    int64_t counts[3];
    count_parts(a, N, counts);
    cr_assert(counts[0] == 800 && counts[1] == 100 && counts[2] == 100);
    pipe_rng_seed(&rng, 42);
    pipe_split_assign(N, NULL, fractions, &rng, b, &result, err, sizeof err);
    cr_assert_eq(memcmp(a, b, N), 0, "the same seed gives the same split");
    pipe_rng_seed(&rng, 43);
    pipe_split_assign(N, NULL, fractions, &rng, c, &result, err, sizeof err);
    cr_assert_neq(memcmp(a, c, N), 0, "another seed gives another split");
    /* Shuffled: the test rows are not a block; the last 100 rows hold about
     * 10 of them (binomial, far from 0 or 100). */
    int64_t tail_test = 0;
    for (int i = N - 100; i < N; i++)
        tail_test += a[i] == PIPE_PART_TEST;
    cr_assert(tail_test > 0 && tail_test < 40, "%lld test rows at the end", (long long)tail_test);
}

Test(split_assign, stratified_keeps_class_proportions)
{
    enum { N = 1000 };
    double labels[N], fractions[3] = {0.8, 0.1, 0.1};
    for (int i = 0; i < N; i++)
        labels[i] = i % 10 == 3 ? 1.0 : 0.0; /* 100 ones, 900 zeros, interleaved */
    uint8_t parts[N];
    pipe_rng rng;
    pipe_rng_seed(&rng, 1);
    pipe_split_result result;
    char err[128];
    cr_assert_eq(pipe_split_assign(N, labels, fractions, &rng, parts, &result, err, sizeof err), 0,
                 "%s", err);
    cr_assert_eq(result.n_classes, 2);
    cr_assert_float_eq(result.classes[0].label, 0.0, 0);
    cr_assert_eq(result.classes[0].size, 900);
    cr_assert(result.classes[0].counts[0] == 720 && result.classes[0].counts[1] == 90 &&
              result.classes[0].counts[2] == 90);
    cr_assert(result.classes[1].counts[0] == 80 && result.classes[1].counts[1] == 10 &&
              result.classes[1].counts[2] == 10);
    int64_t ones[3] = {0, 0, 0};
    for (int i = 0; i < N; i++)
        ones[parts[i]] += labels[i] == 1.0;
    cr_assert(ones[0] == 80 && ones[1] == 10 && ones[2] == 10);
    int64_t counts[3];
    count_parts(parts, N, counts);
    cr_assert(counts[0] == 800 && counts[1] == 100 && counts[2] == 100);
    pipe_split_result_free(&result);
}

Test(split_assign, nan_label_is_an_error)
{
    double labels[4] = {0, 1, NAN, 1}, fractions[3] = {0.5, 0.5, 0};
    uint8_t parts[4];
    pipe_rng rng;
    pipe_rng_seed(&rng, 1);
    pipe_split_result result;
    char err[128];
    cr_assert_eq(pipe_split_assign(4, labels, fractions, &rng, parts, &result, err, sizeof err),
                 -1);
    cr_assert_str_eq(err, "the label of row 2 is NaN: stratifying needs a class label on every "
                          "row");
    pipe_split_result_free(&result);
}
