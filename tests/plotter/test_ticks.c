/*
 * test_ticks.c — the tick arithmetic of pipe_plot: Heckbert's nice
 * numbers, nice ranges and bins, linear and logarithmic ticks with their
 * labels, and number formatting.
 */
#include "kinds.h"
#include "ticks.h"

#include <criterion/criterion.h>

#define MINUS "\xE2\x88\x92"

Test(ticks, nice_number_follows_heckbert)
{
    /* round: < 1.5 → 1, < 3 → 2, < 7 → 5, else 10 */
    cr_assert_float_eq(plot_nice_number(1.4, 1), 1.0, 1e-12);
    cr_assert_float_eq(plot_nice_number(2.9, 1), 2.0, 1e-12);
    cr_assert_float_eq(plot_nice_number(40, 1), 50.0, 1e-12);
    cr_assert_float_eq(plot_nice_number(7.5, 1), 10.0, 1e-12);
    /* ceiling: the smallest of 1, 2, 5, 10 (× 10^k) not below x */
    cr_assert_float_eq(plot_nice_number(108, 0), 200.0, 1e-9);
    cr_assert_float_eq(plot_nice_number(2.0, 0), 2.0, 1e-12);
    cr_assert_float_eq(plot_nice_number(2.01, 0), 5.0, 1e-12);
    cr_assert_float_eq(plot_nice_number(0.0021, 0), 0.005, 1e-15);
}

Test(ticks, nice_range_widens_to_whole_steps)
{
    double lo = 2, hi = 110;
    plot_nice_range(&lo, &hi, 6); /* range 200, step nice(40) = 50 */
    cr_assert_float_eq(lo, 0.0, 1e-12);
    cr_assert_float_eq(hi, 150.0, 1e-12);
    lo = hi = 3; /* an empty range is widened first */
    plot_nice_range(&lo, &hi, 5);
    cr_assert(lo < 3 && hi > 3);
}

Test(ticks, linear_ticks_inside_the_range)
{
    plot_ticks t;
    plot_ticks_linear(2, 110, 6, &t);
    cr_assert_eq(t.n_major, 5);
    for (int i = 0; i < 5; i++)
        cr_assert_float_eq(t.major[i], 20.0 * (i + 1), 1e-12);
    cr_assert_str_eq(t.label[0], "20");
    cr_assert_str_eq(t.label[4], "100");
    cr_assert_eq(t.exponent, 0);
    /* minor step 5: multiples of 5 in [2, 110] that are not multiples of 20 */
    cr_assert_eq(t.n_minor, 22 - 5);
}

Test(ticks, linear_labels_have_the_decimals_of_the_step)
{
    plot_ticks t;
    plot_ticks_linear(-1, 1, 5, &t);
    cr_assert_eq(t.n_major, 5);
    cr_assert_str_eq(t.label[0], MINUS "1.0");
    cr_assert_str_eq(t.label[1], MINUS "0.5");
    cr_assert_str_eq(t.label[2], "0.0");
    cr_assert_str_eq(t.label[4], "1.0");
    plot_ticks_linear(0.13, 0.98, 6, &t); /* 0.2 (4 ticks) beats 0.1 (8) on a tie */
    cr_assert_eq(t.n_major, 4);
    cr_assert_str_eq(t.label[0], "0.2");
    cr_assert_str_eq(t.label[3], "0.8");
}

Test(ticks, large_values_share_a_power_of_ten)
{
    plot_ticks t;
    plot_ticks_linear(0, 2.5e6, 6, &t);
    cr_assert_eq(t.exponent, 6);
    cr_assert_eq(t.n_major, 6);
    cr_assert_str_eq(t.label[1], "0.5");
    cr_assert_str_eq(t.label[5], "2.5");
}

Test(ticks, log_ticks_label_decades_and_short_ranges)
{
    plot_ticks t;
    plot_ticks_log(1.94, 113, &t); /* under 2.3 decades: 2 and 5 labelled too */
    const char *want[] = {"2", "5", "10", "20", "50", "100"};
    cr_assert_eq(t.n_major, 6);
    for (int i = 0; i < 6; i++)
        cr_assert_str_eq(t.label[i], want[i]);
    cr_assert_eq(t.n_minor, 12); /* 3,4,6,7,8,9 and 30,40,60,70,80,90 */
}

Test(ticks, log_ticks_use_powers_for_wide_ranges)
{
    plot_ticks t;
    plot_ticks_log(1e-5, 1, &t);
    cr_assert_eq(t.n_major, 6);
    cr_assert_str_eq(t.label[0], "10^{" MINUS "5}");
    cr_assert_str_eq(t.label[3], "10^{" MINUS "2}");
    cr_assert_str_eq(t.label[5], "10^{0}");
    plot_ticks_log(1, 1e12, &t); /* 12 decades: every second one labelled */
    cr_assert_eq(t.n_major, 7);
    cr_assert_str_eq(t.label[1], "10^{2}");
    cr_assert_eq(t.n_minor, 6); /* the odd decades only */
}

Test(ticks, number_formatting)
{
    char buf[64];
    plot_format_fixed(-0.0001, 2, buf, sizeof buf);
    cr_assert_str_eq(buf, "0.00");
    plot_format_fixed(-2.5, 1, buf, sizeof buf);
    cr_assert_str_eq(buf, MINUS "2.5");
    plot_format_sig(0.91234, 3, buf, sizeof buf);
    cr_assert_str_eq(buf, "0.912");
    plot_format_sig(1234.7, 3, buf, sizeof buf);
    cr_assert_str_eq(buf, "1235");
    plot_format_sig(0.5, 3, buf, sizeof buf);
    cr_assert_str_eq(buf, "0.5");
    plot_format_sig(2.5e6, 2, buf, sizeof buf);
    cr_assert_str_eq(buf, "2.5×10^{6}");
    plot_format_sig(5e-4, 3, buf, sizeof buf);
    cr_assert_str_eq(buf, "5×10^{" MINUS "4}");
    plot_format_value(1.0, 3, buf, sizeof buf); /* measured values keep their zeros */
    cr_assert_str_eq(buf, "1.00");
    plot_format_value(5.2e-4, 3, buf, sizeof buf);
    cr_assert_str_eq(buf, "5.20×10^{" MINUS "4}");
    plot_format_sig(1e-7, 2, buf, sizeof buf);
    cr_assert_str_eq(buf, "10^{" MINUS "7}");
}

Test(ticks, nice_bins_round_the_width)
{
    double lo = 0, hi = 3.78;
    size_t bins = 60; /* 0.063 → 0.1 */
    plot_nice_bins(&lo, &hi, &bins);
    cr_assert_float_eq(lo, 0.0, 1e-12);
    cr_assert_float_eq(hi, 3.8, 1e-9);
    cr_assert_eq(bins, 38);
    lo = -3.7, hi = 3.7, bins = 50; /* 0.148 → 0.2 */
    plot_nice_bins(&lo, &hi, &bins);
    cr_assert_float_eq(lo, -3.8, 1e-9);
    cr_assert_float_eq(hi, 3.8, 1e-9);
    cr_assert_eq(bins, 38);
    lo = 0, hi = 1, bins = 40; /* 0.025 is nice already */
    plot_nice_bins(&lo, &hi, &bins);
    cr_assert_eq(bins, 40);
}
