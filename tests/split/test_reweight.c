/*
 * test_reweight.c — flat reweighting (reweight.h) against counts worked
 * out by hand: two classes on a 2 × 2 grid, each occupied bin of a class
 * ending with the same weight and each class with its total; starting
 * weights carried; weight 0 kept; negative and non-finite values refused
 * with their row.
 */
#include "reweight.h"

#include <criterion/criterion.h>
#include <math.h>

Test(reweight, every_occupied_bin_of_a_class_weighs_the_same)
{
    /* u in {0, 1}, v in {0, 1}: bins (u, v). Class 0: three rows in (0,
     * 0), one in (1, 1): total 4 over 2 bins, T = 2, so 2/3 each and 2.
     * Class 1: one row in each of (0, 1), (1, 0): T = 1, weights 1. */
    double u[6] = {0, 0, 0, 1, 0, 1}, v[6] = {0, 0, 0, 1, 1, 0};
    double labels[6] = {0, 0, 0, 0, 1, 1}, out[6];
    int bins[2] = {2, 2};
    char err[256];
    cr_assert_eq(pipe_reweight_flat(u, v, labels, NULL, 6, bins, out, err, sizeof err), 0, "%s",
                 err);
    double want[6] = {2.0 / 3, 2.0 / 3, 2.0 / 3, 2, 1, 1};
    for (int r = 0; r < 6; r++)
        cr_assert_float_eq(out[r], want[r], 1e-15, "row %d: %g", r, out[r]);
}

Test(reweight, starting_weights_are_carried_and_zero_stays_zero)
{
    /* One class. Bin (0, 0): weights 1 and 3 (sum 4); bin (1, 1): 2 and
     * 0 (sum 2). T = 6 / 2 = 3: rows get 3/4, 9/4, 3, 0. */
    double u[4] = {0, 0, 1, 1}, v[4] = {0, 0, 1, 1}, w[4] = {1, 3, 2, 0}, out[4];
    int bins[2] = {2, 2};
    char err[256];
    cr_assert_eq(pipe_reweight_flat(u, v, NULL, w, 4, bins, out, err, sizeof err), 0, "%s", err);
    double want[4] = {0.75, 2.25, 3, 0};
    for (int r = 0; r < 4; r++)
        cr_assert_float_eq(out[r], want[r], 1e-15, "row %d: %g", r, out[r]);
}

Test(reweight, negative_weights_and_nan_are_refused)
{
    double u[3] = {0, 1, 2}, v[3] = {0, 1, 2}, w[3] = {1, -0.5, 1}, out[3];
    int bins[2] = {2, 2};
    char err[256];
    cr_assert_eq(pipe_reweight_flat(u, v, NULL, w, 3, bins, out, err, sizeof err), -1);
    cr_assert_str_eq(err, "row 1: the variables must be finite and the weight finite and >= 0 "
                          "(flat reweighting divides by a histogram of weights), found 1, 1, "
                          "weight -0.5");
    v[2] = NAN;
    w[1] = 1;
    cr_assert_eq(pipe_reweight_flat(u, v, NULL, w, 3, bins, out, err, sizeof err), -1);
    cr_assert_str_eq(err, "row 2: the variables must be finite and the weight finite and >= 0 "
                          "(flat reweighting divides by a histogram of weights), found 2, nan, "
                          "weight 1");
}
