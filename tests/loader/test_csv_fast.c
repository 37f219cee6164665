/*
 * test_csv_fast.c — pipe_csv's SIMD row path (csv_fast.c) on texts large
 * enough for it to run: every number form it accepts or refuses reads
 * bit for bit as strtod reads it, on 1 and 2 threads; errors and the rows
 * that leave the path keep their exact line and column; blank and
 * non-finite fields are counted per column and the first non-finite one
 * located; a file that cannot be read blames no column.
 */
#include "csv.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char err[2048];

/* A growing text. */
typedef struct text_buf {
    char *text;
    size_t len, cap;
} text_buf;

static void put(text_buf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->len + n + 1 > b->cap) {
        b->cap = 2 * (b->len + n + 1);
        b->text = realloc(b->text, b->cap);
        cr_assert_not_null(b->text);
    }
    memcpy(b->text + b->len, s, n + 1);
    b->len += n;
}

/* `rows` copies of `line` (with its newline). */
static void put_rows(text_buf *b, const char *line, int rows)
{
    for (int i = 0; i < rows; i++)
        put(b, line);
}

static uint64_t next_random(uint64_t *state)
{
    *state = *state * 6364136223846793005u + 1442695040888963407u;
    return *state >> 33;
}

/* One random number as a CSV file may write it: a sign or none, 0 to 17
 * digits around an optional point, now and then an exponent. */
static void random_number(uint64_t *state, char *out)
{
    static const char *const signs[] = {"", "", "-", "+"};
    char *p = out + sprintf(out, "%s", signs[next_random(state) % 4]);
    int n_int = (int)(next_random(state) % 10), n_fraction = (int)(next_random(state) % 10);
    if (next_random(state) % 8 == 0)
        n_int += 8; /* long ones, over the fast path's 15 digits */
    if (n_int + n_fraction == 0)
        n_int = 1;
    for (int i = 0; i < n_int; i++)
        *p++ = (char)('0' + next_random(state) % 10);
    if (n_fraction > 0 || next_random(state) % 8 == 0)
        *p++ = '.';
    for (int i = 0; i < n_fraction; i++)
        *p++ = (char)('0' + next_random(state) % 10);
    if (next_random(state) % 16 == 0)
        p += sprintf(p, "e%d", (int)(next_random(state) % 40) - 20);
    *p = '\0';
}

static pipe_tensor *load(const text_buf *b, int threads, pipe_csv_report *report)
{
    pipe_csv_options opt = {0};
    opt.threads = threads;
    opt.column_counts = 1;
    pipe_tensor *t = pipe_csv_read_buffer("t.csv", b->text, b->len, &opt, report, err, sizeof err);
    cr_assert_not_null(t, "unexpected error: %s", err);
    return t;
}

/* Every field of the text after the header equals strtod of its text,
 * bit for bit (the sign of zero included); blank fields are NaN. */
static void expect_strtod_everywhere(const pipe_tensor *t, const char *text)
{
    const double *data = t->data;
    const char *p = strchr(text, '\n') + 1;
    int64_t n = 0, cols = t->shape[1];
    while (*p) {
        const char *end = p + strcspn(p, ",\n");
        char field[64];
        snprintf(field, sizeof field, "%.*s", (int)(end - p), p);
        double expected = end == p ? NAN : strtod(field, NULL);
        cr_assert_lt(n, t->shape[0] * cols, "more fields in the text than in the table");
        if (isnan(expected))
            cr_assert(isnan(data[n]), "row %lld col %lld '%s': %.17g, expected NaN",
                      (long long)(n / cols), (long long)(n % cols), field, data[n]);
        else
            cr_assert(memcmp(&data[n], &expected, sizeof expected) == 0,
                      "row %lld col %lld '%s': %.17g, strtod gives %.17g", (long long)(n / cols),
                      (long long)(n % cols), field, data[n], expected);
        n++;
        p = *end ? end + 1 : end;
    }
    cr_assert_eq(n, t->shape[0] * cols);
}

Test(fast, random_number_forms_read_as_strtod_reads_them)
{
    text_buf b = {0};
    uint64_t state = 2026;
    put(&b, "a,b,c,d,e\n");
    for (int r = 0; r < 30000; r++) /* about 1.6 MB: the two-thread path splits it */
        for (int c = 0; c < 5; c++) {
            char number[64];
            random_number(&state, number);
            put(&b, number);
            put(&b, c < 4 ? "," : "\n");
        }
    for (int threads = 1; threads <= 2; threads++) {
        pipe_csv_report report;
        pipe_tensor *t = load(&b, threads, &report);
        cr_assert_eq(t->shape[0], 30000);
        cr_assert_eq(report.threads, threads);
        expect_strtod_everywhere(t, b.text);
        cr_assert_eq(report.blank_fields, 0);
        cr_assert_eq(report.non_finite, 0);
        pipe_csv_report_free(&report);
        pipe_tensor_release(t);
    }
    free(b.text);
}

Test(fast, digit_count_and_form_boundaries)
{
    static const char *const fields[] = {
        "123456789012345",
        "1234567890123456",
        "999999999999999",
        "9999999999999999",
        "0.12345678901234",
        "0.123456789012345",
        "12345678.1234567",
        "1234567.12345678",
        "-0",
        "-0.0",
        "+5.",
        "-.5",
        "000000000000001.5",
        "0000000000000001",
        "5",
        "0",
        "-123456789012345",
        "4503599627370497",
        "0.1",
        "100000000000000.",
    };
    size_t n = sizeof fields / sizeof fields[0];
    text_buf b = {0};
    put(&b, "a,b,c,d\n");
    put_rows(&b, "1,2,3,4\n", 10); /* 16 readable bytes before every field */
    for (size_t i = 0; i < n; i += 4) {
        char line[128];
        snprintf(line, sizeof line, "%s,%s,%s,%s\n", fields[i], fields[i + 1], fields[i + 2],
                 fields[i + 3]);
        put(&b, line);
    }
    put_rows(&b, "1,2,3,4\n", 20); /* the last 80 bytes go through the scalar path */
    pipe_csv_report report;
    pipe_tensor *t = load(&b, 1, &report);
    expect_strtod_everywhere(t, b.text);
    cr_assert(signbit(((const double *)t->data)[10 * 4 + 8]), "-0 lost its sign");
    pipe_csv_report_free(&report);
    pipe_tensor_release(t);
    free(b.text);
}

/* 600 good rows around the line `bad` (line 302 of the file): loading
 * fails with exactly `message`. */
static void expect_error_among_good_rows(const char *bad, const char *message)
{
    text_buf b = {0};
    put(&b, "a,b,c\n");
    put_rows(&b, "1.5,-22.25,3\n", 300);
    put(&b, bad);
    put_rows(&b, "1.5,-22.25,3\n", 300);
    pipe_csv_options opt = {0};
    pipe_tensor *t = pipe_csv_read_buffer("t.csv", b.text, b.len, &opt, NULL, err, sizeof err);
    cr_assert_null(t, "loaded although it should fail with: %s", message);
    cr_assert_str_eq(err, message);
    free(b.text);
}

Test(fast, errors_among_fast_rows_keep_their_location)
{
    expect_error_among_good_rows("1.5,2x,3\n",
                                 "t.csv:302:5: column 'b': expected a number, found '2x'");
    expect_error_among_good_rows("1.5,2\n", "t.csv:302:6: expected 3 fields as in the header, "
                                            "found 2");
    expect_error_among_good_rows("1.5,2,3,4\n", "t.csv:302:9: expected 3 fields as in the "
                                                "header, found 4");
    expect_error_among_good_rows("1.5,2,3.4.5\n",
                                 "t.csv:302:7: column 'c': expected a number, found '3.4.5'");
    expect_error_among_good_rows("1.5,\"2\"x,3\n",
                                 "t.csv:302:8: expected a delimiter ',' or the end of the line "
                                 "after the closing quote, found 'x'");
    expect_error_among_good_rows("-,2,3\n", "t.csv:302:1: column 'a': expected a number, found "
                                            "'-'");
}

Test(fast, rows_that_leave_the_fast_path_read_as_before)
{
    text_buf b = {0};
    put(&b, "a,b,c\n");
    put_rows(&b, "1,2,3\n", 20);
    put(&b, " 4 ,\"5\",6e1\r\n"); /* line 22: blanks, a quote, an exponent, CRLF */
    put(&b, "7,,9\n");            /* line 23: a blank field */
    put(&b, "\n");                /* line 24: a blank line */
    put(&b, "10,11.5,-12\n");
    put_rows(&b, "1,2,3\n", 20);
    pipe_csv_report report;
    pipe_tensor *t = load(&b, 1, &report);
    const double *d = t->data;
    cr_assert_eq(t->shape[0], 43);
    cr_assert_eq(d[20 * 3 + 0], 4.0);
    cr_assert_eq(d[20 * 3 + 1], 5.0);
    cr_assert_eq(d[20 * 3 + 2], 60.0);
    cr_assert_eq(d[21 * 3 + 0], 7.0);
    cr_assert(isnan(d[21 * 3 + 1]));
    cr_assert_eq(d[22 * 3 + 1], 11.5);
    cr_assert_eq(d[22 * 3 + 2], -12.0);
    cr_assert_eq(d[42 * 3 + 2], 3.0);
    cr_assert_eq(report.blank_fields, 1);
    cr_assert_eq(report.blank_per_column[0], 0);
    cr_assert_eq(report.blank_per_column[1], 1);
    cr_assert_eq(report.blank_per_column[2], 0);
    pipe_csv_report_free(&report);
    pipe_tensor_release(t);
    free(b.text);
}

Test(counts, blank_and_non_finite_fields_per_column)
{
    text_buf b = {0};
    put(&b, "a,b,c\n");
    put_rows(&b, "1,2,3\n", 3);
    put(&b, "4,inf,6\n"); /* data row 4, line 5 */
    put(&b, "7,8,1e999\n");
    put(&b, ",-NaN,\n");
    put(&b, "nan,,x\n");             /* skipped: its nan and blank are not counted */
    put_rows(&b, "1,2,3\n", 200000); /* 1.2 MB: on two threads, split in two */
    put(&b, "1,2,-inf\n");
    put_rows(&b, "1,2,3\n", 20);
    for (int threads = 1; threads <= 2; threads++) {
        pipe_csv_options opt = {0};
        opt.skip_bad_rows = 1;
        opt.column_counts = 1;
        opt.threads = threads;
        pipe_csv_report report;
        pipe_tensor *t =
            pipe_csv_read_buffer("t.csv", b.text, b.len, &opt, &report, err, sizeof err);
        cr_assert_not_null(t, "%s", err);
        cr_assert_eq(report.threads, threads);
        cr_assert_eq(report.skipped_rows, 1);
        cr_assert_eq(report.non_finite, 4);
        cr_assert_eq(report.first_non_finite_line, 5);
        cr_assert_eq(report.first_non_finite_column, 3);
        cr_assert_eq(report.first_non_finite_field, 1);
        cr_assert_str_eq(report.first_non_finite_error,
                         "t.csv:5:3: column 'b': expected a finite number, found 'inf'");
        cr_assert_eq(report.non_finite_per_column[0], 0);
        cr_assert_eq(report.non_finite_per_column[1], 2);
        cr_assert_eq(report.non_finite_per_column[2], 2);
        cr_assert_eq(report.blank_fields, 2);
        cr_assert_eq(report.blank_per_column[0], 1);
        cr_assert_eq(report.blank_per_column[1], 0);
        cr_assert_eq(report.blank_per_column[2], 1);
        cr_assert(isinf(((const double *)t->data)[3 * 3 + 1]));
        pipe_csv_report_free(&report);
        cr_assert_null(report.blank_per_column);
        pipe_tensor_release(t);
    }
    free(b.text);
}

Test(counts, without_column_counts_only_the_totals)
{
    pipe_csv_report report;
    const char *text = "a,b\n,inf\n";
    pipe_tensor *t =
        pipe_csv_read_buffer("t.csv", text, strlen(text), NULL, &report, err, sizeof err);
    cr_assert_not_null(t, "%s", err);
    cr_assert_eq(report.blank_fields, 1);
    cr_assert_eq(report.non_finite, 1);
    cr_assert_null(report.blank_per_column);
    cr_assert_null(report.non_finite_per_column);
    pipe_tensor_release(t);
}

Test(counts, a_file_that_cannot_be_read_blames_no_column)
{
    pipe_csv_report report;
    memset(&report, 0x55, sizeof report); /* what a caller's stack may hold */
    cr_assert_null(pipe_csv_read("/", NULL, &report, err, sizeof err));
    cr_assert_str_eq(err, "/: cannot read: Is a directory");
    cr_assert_eq(report.bad_column, -1);
    cr_assert_eq(report.rows, 0);
    cr_assert_null(report.blank_per_column);
}
