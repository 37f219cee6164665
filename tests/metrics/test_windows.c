/*
 * test_windows.c — pipe_metrics' window counts (windows.c) on rows worked
 * out by hand: closed windows, overlapping windows, NaN in none, and the
 * errors.
 */
#include "windows.h"

#include <criterion/criterion.h>
#include <math.h>

Test(windows, closed_and_overlapping_windows)
{
    double mass[6] = {1, 2, 2.5, 3, NAN, 4}, cls[6] = {0, 1, 1, 0, 1, 1};
    double bounds[4] = {2, 3, 2.5, 10}; /* [2, 3] and [2.5, 10] share 2.5 and 3 */
    int64_t counts[4];
    char err[128];
    cr_assert_eq(pipe_metrics_window_counts(mass, cls, 6, bounds, 4, 2, counts, err, sizeof err),
                 0);
    /* [2, 3]: rows 1 (1), 2 (1), 3 (0); [2.5, 10]: rows 2 (1), 3 (0), 5 (1). */
    cr_assert(counts[0] == 1 && counts[1] == 2, "%lld %lld", (long long)counts[0],
              (long long)counts[1]);
    cr_assert(counts[2] == 1 && counts[3] == 2, "%lld %lld", (long long)counts[2],
              (long long)counts[3]);
}

Test(windows, bad_bounds_and_classes_are_named)
{
    char err[128];
    double odd[3] = {1, 2, 3}, reversed[2] = {2, 1}, inf[2] = {0, INFINITY};
    cr_assert_eq(pipe_metrics_check_windows(odd, 3, err, sizeof err), -1);
    cr_assert_str_eq(err, "expected pairs [lo, hi, lo, hi, ...], found 3 values");
    cr_assert_eq(pipe_metrics_check_windows(reversed, 2, err, sizeof err), -1);
    cr_assert_str_eq(err, "window 1 is [2, 1]: expected finite lo < hi");
    cr_assert_eq(pipe_metrics_check_windows(inf, 2, err, sizeof err), -1);
    cr_assert_str_eq(err, "window 1 is [0, inf]: expected finite lo < hi");
    cr_assert_eq(pipe_metrics_check_windows(odd, 2, err, sizeof err), 0);
    double mass[2] = {1, 2}, cls[2] = {0, 1.5}, bounds[2] = {0, 5};
    int64_t counts[2];
    cr_assert_eq(pipe_metrics_window_counts(mass, cls, 2, bounds, 2, 2, counts, err, sizeof err),
                 -1);
    cr_assert_str_eq(err, "row 1 has class 1.5 (expected 0 to 1)");
}
