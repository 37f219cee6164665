/*
 * test_ranges.c — pipe_cleaner_parse_ranges on hand-built YAML values:
 * good mappings, and errors naming the offending sub-value.
 */
#include "cleaner.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

static pipe_value scalar(const char *text, int line, int column)
{
    return (pipe_value){.kind = PIPE_VALUE_SCALAR, .scalar = text, .line = line, .column = column};
}

static pipe_value list2(pipe_value *items)
{
    return (pipe_value){.kind = PIPE_VALUE_LIST, .count = 2, .items = items};
}

Test(ranges, parses_numbers_and_infinities)
{
    pipe_value m_items[2] = {scalar("2", 3, 10), scalar("110", 3, 13)};
    pipe_value pt_items[2] = {scalar("5.5", 4, 10), scalar(".inf", 4, 15)};
    pipe_value items[2] = {list2(m_items), list2(pt_items)};
    const char *keys[2] = {"M", "pt1"};
    pipe_value map = {.kind = PIPE_VALUE_MAP, .count = 2, .keys = keys, .items = items};
    pipe_cleaner_range *ranges = NULL;
    size_t n = 0;
    const pipe_value *bad = NULL;
    char err[256];
    cr_assert_eq(pipe_cleaner_parse_ranges(&map, &ranges, &n, &bad, err, sizeof err), 0);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(ranges[0].column, "M");
    cr_assert_float_eq(ranges[0].lo, 2.0, 0);
    cr_assert_float_eq(ranges[0].hi, 110.0, 0);
    cr_assert_str_eq(ranges[1].column, "pt1");
    cr_assert_float_eq(ranges[1].lo, 5.5, 0);
    cr_assert(isinf(ranges[1].hi) && ranges[1].hi > 0);
    free(ranges);
}

/* Parse {M: item}: it must fail at `bad_expected` with `message`. */
static void assert_range_error(pipe_value *item, const pipe_value *bad_expected,
                               const char *message)
{
    const char *keys[1] = {"M"};
    pipe_value map = {.kind = PIPE_VALUE_MAP, .count = 1, .keys = keys, .items = item};
    pipe_cleaner_range *ranges = NULL;
    size_t n = 0;
    const pipe_value *bad = NULL;
    char err[256];
    cr_assert_eq(pipe_cleaner_parse_ranges(&map, &ranges, &n, &bad, err, sizeof err), -1);
    cr_assert_eq(bad, bad_expected);
    cr_assert_str_eq(err, message);
    cr_assert_null(ranges);
}

Test(ranges, points_at_a_bad_number)
{
    pipe_value m_items[2] = {scalar("2", 3, 10), scalar("11O", 3, 13)};
    pipe_value item = list2(m_items);
    assert_range_error(&item, &m_items[1], "range of 'M': expected a number for max, found '11O'");
}

Test(ranges, points_at_a_list_of_the_wrong_length)
{
    pipe_value m_items[3] = {scalar("2", 3, 10), scalar("5", 3, 13), scalar("9", 3, 16)};
    pipe_value item = {.kind = PIPE_VALUE_LIST, .count = 3, .items = m_items};
    assert_range_error(&item, &item, "range of 'M': expected [min, max], found a list of 3");
}

Test(ranges, rejects_min_above_max_and_a_scalar)
{
    pipe_value m_items[2] = {scalar("110", 3, 10), scalar("2", 3, 15)};
    pipe_value item = list2(m_items);
    assert_range_error(&item, &item, "range of 'M': min 110 is above max 2");
    pipe_value not_a_map = scalar("M", 2, 5);
    pipe_cleaner_range *ranges = NULL;
    size_t n = 0;
    const pipe_value *bad = NULL;
    char err[256];
    cr_assert_eq(pipe_cleaner_parse_ranges(&not_a_map, &ranges, &n, &bad, err, sizeof err), -1);
    cr_assert_eq(bad, &not_a_map);
    cr_assert_str_eq(err, "expected a mapping of column: [min, max], found a scalar");
}
