/*
 * test_csv_number.c — pipe_csv_parse_double agrees with strtod bit for bit:
 * on every field of the real CMS files, on random doubles printed in many
 * formats, on random digit strings, on numbers next to the midpoint
 * between two doubles, and on known hard cases. Each text is parsed both
 * with plenty of bytes after it (the fast path) and ending the buffer.
 */
#include "csv.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a run of checks found. */
typedef struct tally {
    long checked, failed;
    char first_failure[256];
} tally;

static uint64_t next_random(uint64_t *state) /* splitmix64 */
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static int same_double(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Parse text[0, n) with our parser (ending the buffer, and followed by a
 * comma and more bytes) and with strtod; record a disagreement. */
static void check_span(tally *t, const char *text, size_t n)
{
    char copy[1024], padded[1100];
    if (n >= sizeof copy)
        return;
    memcpy(copy, text, n);
    copy[n] = '\0';
    char *strtod_end;
    double expected = strtod(copy, &strtod_end);
    memcpy(padded, text, n);
    memcpy(padded + n, ",9999999999999999999999999", 27);
    double exact_end, with_more;
    const char *e1 = pipe_csv_parse_double(copy, copy + n, &exact_end);
    const char *e2 = pipe_csv_parse_double(padded, padded + n + 27, &with_more);
    t->checked++;
    int ok = strtod_end == copy + n && e1 == copy + n && e2 == padded + n &&
             same_double(exact_end, expected) && same_double(with_more, expected);
    if (!ok && t->failed++ == 0)
        snprintf(t->first_failure, sizeof t->first_failure,
                 "'%.120s': strtod %.17g (end %td), ours %.17g (end %td) and %.17g (end %td)", copy,
                 expected, strtod_end - copy, exact_end, e1 ? e1 - copy : -1, with_more,
                 e2 ? e2 - padded : -1);
}

static void check(tally *t, const char *text)
{
    check_span(t, text, strlen(text));
}

static void expect_all_agree(const tally *t, long at_least)
{
    cr_assert_geq(t->checked, at_least, "only %ld numbers checked", t->checked);
    cr_assert_eq(t->failed, 0, "%ld of %ld numbers disagree with strtod; the first: %s", t->failed,
                 t->checked, t->first_failure);
}

/* Every field of a CSV file (after its header). */
static void check_file_fields(tally *t, const char *name)
{
    char *path = pipe_test_shared_file(name);
    size_t size;
    char *text = pipe_test_read_file(path, &size);
    cr_assert_not_null(text, "cannot read %s", path);
    const char *p = strchr(text, '\n') + 1;
    while (p < text + size) {
        size_t n = strcspn(p, ",\r\n");
        if (n > 0)
            check_span(t, p, n);
        p += n + 1;
    }
    free(text);
    free(path);
}

Test(number, every_field_of_the_real_files)
{
    tally t = {0};
    check_file_fields(&t, "dielectron_sample.csv");
    check_file_fields(&t, "dielectron_1k_damaged.csv");
    expect_all_agree(&t, 1288 * 19 + 990 * 19);
}

static double random_finite_double(uint64_t *state)
{
    for (;;) {
        uint64_t bits = next_random(state);
        double d;
        memcpy(&d, &bits, sizeof d);
        if (isfinite(d))
            return d;
    }
}

Test(number, random_doubles_in_many_formats)
{
    static const char *const formats[] = {"%.17g", "%.16g", "%.15g", "%.6g",  "%.9e",
                                          "%.3f",  "%.20g", "%.1e",  "%+.12g"};
    uint64_t state = 42;
    tally t = {0};
    char text[512];
    for (int i = 0; i < 60000; i++) {
        double any = random_finite_double(&state);
        double physics = ((double)(next_random(&state) >> 11) / 9007199254740992.0 - 0.5) * 2e3;
        for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
            snprintf(text, sizeof text, formats[f], any);
            check(&t, text);
            snprintf(text, sizeof text, formats[f], physics);
            check(&t, text);
        }
    }
    expect_all_agree(&t, 60000 * 18);
}

/* A random decimal: 1 to 25 digits, a point somewhere or not, a sign, an
 * exponent or not. */
static void random_decimal(uint64_t *state, char *text, size_t size, int max_exponent)
{
    size_t len = 0;
    uint64_t r = next_random(state);
    if (r & 1)
        text[len++] = (r & 2) ? '-' : '+';
    int digits = 1 + (int)((r >> 2) % 25);
    int point = (int)((r >> 8) % (uint64_t)(digits + 2)) - 1; /* -1: none */
    for (int i = 0; i < digits; i++) {
        if (i == point)
            text[len++] = '.';
        text[len++] = (char)('0' + next_random(state) % 10);
    }
    if (point == digits)
        text[len++] = '.';
    if ((r >> 16) & 1)
        len += (size_t)snprintf(text + len, size - len, "e%d",
                                (int)((r >> 20) % (uint64_t)(2 * max_exponent + 1)) - max_exponent);
    text[len] = '\0';
}

Test(number, random_digit_strings)
{
    uint64_t state = 7;
    tally t = {0};
    char text[128];
    for (int i = 0; i < 300000; i++) {
        random_decimal(&state, text, sizeof text, i % 10 == 0 ? 340 : 30);
        check(&t, text);
    }
    expect_all_agree(&t, 300000);
}

Test(number, near_the_midpoint_of_two_doubles)
{
    uint64_t state = 99;
    tally t = {0};
    char text[256];
    for (int i = 0; i < 40000; i++) {
        double d =
            ldexp((double)(next_random(&state) >> 11), (int)(next_random(&state) % 120) - 113);
        long double mid = ((long double)d + (long double)nextafter(d, INFINITY)) / 2;
        static const char *const formats[] = {"%.60Le", "%.16Le", "%.17Le", "%.18Le", "%.19Le"};
        for (int f = 0; f < 5; f++) {
            snprintf(text, sizeof text, formats[f], mid);
            check(&t, text);
        }
    }
    expect_all_agree(&t, 200000);
}

Test(number, hard_cases)
{
    static const char *const cases[] = {
        "9007199254740993",
        "9007199254740992",
        "9007199254740991",
        "18014398509481985",
        "0.1",
        "0.2",
        "0.3",
        "1e23",
        "8.9255e-08",
        "2.2250738585072011e-308",
        "2.2250738585072014e-308",
        "4.9406564584124654e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.7976931348623159e308",
        "1e309",
        "1e-400",
        "123456789012345678901234567890",
        "0.000000000000000000000000000000001",
        "7.038531e-26",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126",
        "3.0517578125e-05",
        "36.1516",
        "-0.694941",
        "394764854",
        "147929",
        "1e0",
        "0e999999",
        "00000.00000",
        "-0.0",
        "1e-22",
        "1e22",
        "9999999999999999999",
        "99999999999999999999",
        "0.9999999999999999999",
        "4503599627370496.5",
        "4503599627370497.5",
        "1.5e-45",
        "123.456e-3",
        "1.e5",
        ".5e-1",
    };
    tally t = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check(&t, cases[i]);
    expect_all_agree(&t, (long)(sizeof cases / sizeof cases[0]));
}

Test(number, what_is_not_a_number)
{
    static const char *const cases[] = {"", "-", "+", ".", "-.", "e5", "abc", "in", "na", "+-1"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double v;
        const char *text = cases[i];
        cr_assert_null(pipe_csv_parse_double(text, text + strlen(text), &v),
                       "'%s' parsed as a number", text);
    }
    double v;
    const char *text = "12e+";
    cr_assert_eq(pipe_csv_parse_double(text, text + 4, &v), text + 2, "'12e+' is 12 then text");
    cr_assert_eq(v, 12.0);
    text = "infinity!";
    cr_assert_eq(pipe_csv_parse_double(text, text + 9, &v), text + 8);
    cr_assert(isinf(v) && v > 0);
}
