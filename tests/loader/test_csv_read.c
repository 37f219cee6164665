/*
 * test_csv_read.c — pipe_csv on small texts: what is accepted (trimmed
 * names, NaN for blanks, CRLF, quotes, duplicates, special numbers) and
 * every error with its exact message, line and column.
 */
#include "csv.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char err[2048];

/* Load `text` (named t.csv in messages) with `opt`; fills the report. */
static pipe_tensor *load_opt(const char *text, const pipe_csv_options *opt, pipe_csv_report *report)
{
    err[0] = 'X';
    return pipe_csv_read_buffer("t.csv", text, strlen(text), opt, report, err, sizeof err);
}

/* Load `text` with `opt`; it must succeed. */
static pipe_tensor *load_ok(const char *text, const pipe_csv_options *opt, pipe_csv_report *report)
{
    pipe_tensor *t = load_opt(text, opt, report);
    cr_assert_not_null(t, "unexpected error: %s", err);
    return t;
}

static pipe_tensor *load(const char *text)
{
    pipe_csv_report report;
    pipe_tensor *t = load_opt(text, NULL, &report);
    cr_assert(t != NULL, "unexpected error: %s", err);
    cr_assert_str_eq(err, "");
    return t;
}

/* Loading `text` fails with exactly `message`. */
static void expect_error_opt(const char *text, const pipe_csv_options *opt, const char *message)
{
    pipe_csv_report report;
    pipe_tensor *t = load_opt(text, opt, &report);
    cr_assert_null(t, "loaded %s although it should fail with: %s", text, message);
    cr_assert_str_eq(err, message);
}

static void expect_error(const char *text, const char *message)
{
    expect_error_opt(text, NULL, message);
}

static double at(const pipe_tensor *t, int64_t row, int64_t col)
{
    return ((const double *)t->data)[row * t->shape[1] + col];
}

static void expect_shape(const pipe_tensor *t, int64_t rows, int64_t cols)
{
    cr_assert_eq(t->dtype, PIPE_F64);
    cr_assert_eq(t->rank, 2);
    cr_assert_eq(t->shape[0], rows, "rows %lld, expected %lld", (long long)t->shape[0],
                 (long long)rows);
    cr_assert_eq(t->shape[1], cols, "cols %lld, expected %lld", (long long)t->shape[1],
                 (long long)cols);
}

Test(csv, header_names_are_trimmed)
{
    pipe_tensor *t = load("Run,px1 , E1\t\n1,2,3\n");
    expect_shape(t, 1, 3);
    cr_assert_str_eq(t->columns[0], "Run");
    cr_assert_str_eq(t->columns[1], "px1");
    cr_assert_str_eq(t->columns[2], "E1");
    cr_assert_eq(at(t, 0, 1), 2.0);
    pipe_tensor_release(t);
}

Test(csv, blank_fields_are_nan)
{
    pipe_tensor *t = load("a,b,c\n1,,3\n,2, \n");
    expect_shape(t, 2, 3);
    cr_assert_eq(at(t, 0, 0), 1.0);
    cr_assert(isnan(at(t, 0, 1)));
    cr_assert_eq(at(t, 0, 2), 3.0);
    cr_assert(isnan(at(t, 1, 0)));
    cr_assert_eq(at(t, 1, 1), 2.0);
    cr_assert(isnan(at(t, 1, 2)));
    pipe_tensor_release(t);
}

Test(csv, crlf_and_missing_final_newline)
{
    pipe_tensor *t = load("a,b\r\n1.5,2\r\n3,-4.25");
    expect_shape(t, 2, 2);
    cr_assert_eq(at(t, 0, 0), 1.5);
    cr_assert_eq(at(t, 1, 1), -4.25);
    pipe_tensor_release(t);
    t = load("a,b\r\n1,\r\n");
    expect_shape(t, 1, 2);
    cr_assert(isnan(at(t, 0, 1)));
    pipe_tensor_release(t);
}

Test(csv, quoted_fields_with_escapes)
{
    pipe_tensor *t = load("\"a\",\"say \"\"hi\"\"\",\"c,d\"\n\"1.5\", \" 2 \" ,\"\"\n");
    expect_shape(t, 1, 3);
    cr_assert_str_eq(t->columns[0], "a");
    cr_assert_str_eq(t->columns[1], "say \"hi\"");
    cr_assert_str_eq(t->columns[2], "c,d");
    cr_assert_eq(at(t, 0, 0), 1.5);
    cr_assert_eq(at(t, 0, 1), 2.0);
    cr_assert(isnan(at(t, 0, 2)));
    pipe_tensor_release(t);
}

Test(csv, quoted_newline_in_header_counts_lines)
{
    pipe_tensor *t = load("\"a\nb\",c\n1,2\n");
    cr_assert_str_eq(t->columns[0], "a\nb");
    pipe_tensor_release(t);
    expect_error("\"a\nb\",c\n1,2\n3,x\n", "t.csv:4:3: column 'c': expected a number, found 'x'");
}

Test(csv, too_few_fields)
{
    expect_error("a,b,c\n1,2,3\n4,5\n", "t.csv:3:4: expected 3 fields as in the header, found 2");
    expect_error("a,b,c\r\n1,2,3\r\n4,5\r\n",
                 "t.csv:3:4: expected 3 fields as in the header, found 2");
}

Test(csv, too_many_fields)
{
    expect_error("a,b\n1,2\n1,2,3,4\n", "t.csv:3:5: expected 2 fields as in the header, found 4");
    expect_error("a,b\n1,2,\n", "t.csv:2:5: expected 2 fields as in the header, found 3");
}

Test(csv, text_that_is_not_a_number)
{
    expect_error("a,b\n1,2\n3,abc\n", "t.csv:3:3: column 'b': expected a number, found 'abc'");
    expect_error("a,b\n1, 2x \n", "t.csv:2:4: column 'b': expected a number, found '2x'");
    expect_error("a,b\n1,\"7 7\"\n", "t.csv:2:4: column 'b': expected a number, found '7 7'");
    expect_error("a\n1e\n", "t.csv:2:1: column 'a': expected a number, found '1e'");
    expect_error("a\n--1\n", "t.csv:2:1: column 'a': expected a number, found '--1'");
    expect_error("a\n1.2.3\n", "t.csv:2:1: column 'a': expected a number, found '1.2.3'");
    expect_error("a\n0x10\n", "t.csv:2:1: column 'a': expected a number, found '0x10'");
    expect_error("a\n.\n", "t.csv:2:1: column 'a': expected a number, found '.'");
    expect_error("a;b\n1;2,5\n", "t.csv:2:1: column 'a;b': expected a number, found '1;2'");
}

Test(csv, long_bad_text_is_shortened)
{
    expect_error("a\n1234567890abcdefghijklmnopqrstuvwxyzABCDEFGHIJ\n",
                 "t.csv:2:1: column 'a': expected a number, found "
                 "'1234567890abcdefghijklmnopqrstuvwxyzABCD...'");
}

Test(csv, unterminated_quote)
{
    expect_error("a,b\n1,\"2\n3,4\n",
                 "t.csv:2:3: unterminated quoted field: no closing '\"' before the end of the "
                 "file");
}

Test(csv, text_after_closing_quote)
{
    expect_error("a,b\n1,\"2\"x\n",
                 "t.csv:2:6: expected a delimiter ',' or the end of the line after the closing "
                 "quote, found 'x'");
}

Test(csv, skip_bad_rows_counts_them)
{
    pipe_csv_options opt = {0};
    opt.skip_bad_rows = 1;
    pipe_csv_report report;
    pipe_tensor *t = load_ok("a,b\n1,2\n3,x\n5\n7,8\n9,10,11\n", &opt, &report);
    expect_shape(t, 2, 2);
    cr_assert_eq(at(t, 0, 0), 1.0);
    cr_assert_eq(at(t, 1, 0), 7.0);
    cr_assert_eq(at(t, 1, 1), 8.0);
    cr_assert_eq(report.rows, 2);
    cr_assert_eq(report.skipped_rows, 3);
    cr_assert_eq(report.first_bad_line, 3);
    cr_assert_str_eq(report.first_bad_error, "t.csv:3:3: column 'b': expected a number, found 'x'");
    cr_assert_str_eq(err, "");
    pipe_tensor_release(t);
}

Test(csv, missing_column_suggests_the_closest)
{
    const char *cols[] = {"E1", "pz3"};
    pipe_csv_options opt = {0};
    opt.columns = cols;
    opt.n_columns = 2;
    pipe_csv_report report;
    expect_error_opt("Run,E1,px1 ,pz1\n1,2,3,4\n", &opt,
                     "t.csv:1:1: no column 'pz3' in the header (did you mean 'pz1'?); the "
                     "columns are: Run, E1, px1, pz1");
    cr_assert_null(load_opt("Run,E1,px1 ,pz1\n1,2,3,4\n", &opt, &report));
    cr_assert_eq(report.bad_column, 1);
    cols[1] = "e1 ";
    cols[0] = "Run";
    expect_error_opt("Run,E1\n", &opt,
                     "t.csv:1:1: no column 'e1' in the header (did you mean 'E1'?); the columns "
                     "are: Run, E1");
    cols[1] = "energy";
    expect_error_opt("Run,E1\n", &opt,
                     "t.csv:1:1: no column 'energy' in the header; the columns are: Run, E1");
}

Test(csv, column_selected_twice)
{
    const char *cols[] = {"b", " b"};
    pipe_csv_options opt = {0};
    opt.columns = cols;
    opt.n_columns = 2;
    expect_error_opt("a,b\n1,2\n", &opt, "t.csv:1:1: column 'b' is selected twice");
}

Test(csv, selection_orders_and_skips_text_columns)
{
    const char *cols[] = {"px1", "E1"};
    pipe_csv_options opt = {0};
    opt.columns = cols;
    opt.n_columns = 2;
    pipe_csv_report report;
    pipe_tensor *t = load_ok("name,E1,px1 \nfoo,1.5,-2\n\"bar, baz\",3,4\n", &opt, &report);
    expect_shape(t, 2, 2);
    cr_assert_str_eq(t->columns[0], "px1");
    cr_assert_str_eq(t->columns[1], "E1");
    cr_assert_eq(at(t, 0, 0), -2.0);
    cr_assert_eq(at(t, 0, 1), 1.5);
    cr_assert_eq(at(t, 1, 0), 4.0);
    cr_assert_eq(at(t, 1, 1), 3.0);
    pipe_tensor_release(t);
}

Test(csv, empty_file)
{
    expect_error("", "t.csv:1:1: empty file: expected a header line with column names");
    expect_error("\xEF\xBB\xBF", "t.csv:1:1: empty file: expected a header line with column names");
    expect_error("\n1,2\n",
                 "t.csv:1:1: expected a header line with column names, found an empty line");
}

Test(csv, header_only_is_an_empty_table)
{
    const char *texts[] = {"a,b,c\n", "a,b,c", "a,b,c\r\n", "a,b,c\n\n\n"};
    for (size_t i = 0; i < 4; i++) {
        pipe_tensor *t = load(texts[i]);
        expect_shape(t, 0, 3);
        cr_assert_str_eq(t->columns[2], "c");
        pipe_tensor_release(t);
    }
}

Test(csv, blank_lines_are_not_rows)
{
    pipe_tensor *t = load("a\n1\n\n2\r\n\r\n3\n\n");
    expect_shape(t, 3, 1);
    cr_assert_eq(at(t, 2, 0), 3.0);
    pipe_tensor_release(t);
}

Test(csv, byte_order_mark_is_skipped)
{
    pipe_tensor *t = load("\xEF\xBB\xBF"
                          "a,b\n1,2\n");
    cr_assert_str_eq(t->columns[0], "a");
    pipe_tensor_release(t);
    expect_error("\xEF\xBB\xBF"
                 "a,b\n1,q\n",
                 "t.csv:2:3: column 'b': expected a number, found 'q'");
}

Test(csv, duplicate_and_empty_names_become_unique)
{
    pipe_tensor *t = load("a,b,a,,a,a.1\n1,2,3,4,5,6\n");
    expect_shape(t, 1, 6);
    const char *expected[] = {"a", "b", "a.2", "column_4", "a.3", "a.1"};
    for (int i = 0; i < 6; i++)
        cr_assert_str_eq(t->columns[i], expected[i], "column %d is '%s', expected '%s'", i,
                         t->columns[i], expected[i]);
    cr_assert_eq(pipe_tensor_column(t, "a"), 0);
    cr_assert_eq(at(t, 0, pipe_tensor_column(t, "a.3")), 5.0);
    pipe_tensor_release(t);
}

Test(csv, number_forms)
{
    pipe_tensor *t = load("v\n1e-3\n-0\n+5\n.5\n5.\n1E3\n+1.5e+2\ninf\n-Infinity\nnan\nNaN\n"
                          "-1.25E-2\n007\n0.000123\n");
    expect_shape(t, 14, 1);
    double expected[] = {1e-3,     -0.0,      5,   0.5, 5,       1e3, 150,
                         INFINITY, -INFINITY, NAN, NAN, -0.0125, 7,   0.000123};
    for (int i = 0; i < 14; i++) {
        double v = at(t, i, 0);
        if (isnan(expected[i]))
            cr_assert(isnan(v), "row %d: %g is not NaN", i, v);
        else
            cr_assert_eq(v, expected[i], "row %d: %.17g, expected %.17g", i, v, expected[i]);
    }
    cr_assert(signbit(at(t, 1, 0)), "-0 lost its sign");
    pipe_tensor_release(t);
}

Test(csv, very_long_line)
{
    int n = 60000; /* a 300 KB header and row */
    size_t size = (size_t)n * 16 + 64;
    char *text = malloc(size);
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, size - len, "%sc%d", i ? "," : "", i);
    text[len++] = '\n';
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, size - len, "%s%d.5", i ? "," : "", i);
    text[len] = '\0';
    pipe_tensor *t = load(text);
    expect_shape(t, 1, n);
    cr_assert_str_eq(t->columns[n - 1], "c59999");
    cr_assert_eq(at(t, 0, n - 1), 59999.5);
    pipe_tensor_release(t);
    free(text);
}

Test(csv, delimiters)
{
    pipe_csv_options opt = {0};
    pipe_csv_report report;
    opt.delimiter = ';';
    pipe_tensor *t = load_opt("a;b\n1,5;2\n", &opt, &report);
    cr_assert_null(t);
    cr_assert_str_eq(err, "t.csv:2:1: column 'a': expected a number, found '1,5'");
    opt.delimiter = '\t';
    t = load_ok("a\tb c\n1\t 2\n", &opt, &report);
    cr_assert_str_eq(t->columns[1], "b c");
    cr_assert_eq(at(t, 0, 1), 2.0);
    pipe_tensor_release(t);
    opt.delimiter = '"';
    cr_assert_null(load_opt("a\n", &opt, &report));
    cr_assert_str_eq(err, "t.csv: the delimiter cannot be a quote, a line end or NUL");
}

Test(csv, max_rows)
{
    pipe_csv_options opt = {0};
    opt.max_rows = 2;
    pipe_csv_report report;
    pipe_tensor *t = load_ok("a\n1\n2\n3\nx\n", &opt, &report);
    expect_shape(t, 2, 1);
    cr_assert_eq(at(t, 1, 0), 2.0);
    pipe_tensor_release(t);
}

Test(csv, files_that_cannot_be_read)
{
    char *dir = pipe_test_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/none.csv", dir);
    cr_assert_null(pipe_csv_read(path, NULL, NULL, err, sizeof err));
    char want[1024];
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
    cr_assert_str_eq(err, want);
    cr_assert_null(pipe_csv_read(dir, NULL, NULL, err, sizeof err));
    snprintf(want, sizeof want, "%s: cannot read: Is a directory", dir);
    cr_assert_str_eq(err, want);
    char *empty = pipe_test_write_file(dir, "empty.csv", "");
    cr_assert_null(pipe_csv_read(empty, NULL, NULL, err, sizeof err));
    snprintf(want, sizeof want, "%s:1:1: empty file: expected a header line with column names",
             empty);
    cr_assert_str_eq(err, want);
    free(empty);
    free(dir);
}

/* A text of `rows` rows "i,i/4,-i" (about 20 bytes each). */
static char *numbered_rows(int rows)
{
    size_t size = (size_t)rows * 40 + 16;
    char *text = malloc(size);
    size_t len = (size_t)snprintf(text, size, "i,q,m\n");
    for (int i = 0; i < rows; i++)
        len += (size_t)snprintf(text + len, size - len, "%d,%.2f,-%d\n", i, i / 4.0, i);
    return text;
}

Test(csv, two_threads_give_the_same_table)
{
    int rows = 120000; /* over 1 MB: split in two */
    char *text = numbered_rows(rows);
    pipe_csv_options opt = {0};
    opt.threads = 2;
    pipe_csv_report report;
    pipe_tensor *t = load_ok(text, &opt, &report);
    expect_shape(t, rows, 3);
    for (int i = 0; i < rows; i++) {
        cr_assert_eq(at(t, i, 0), i, "row %d", i);
        cr_assert_eq(at(t, i, 1), i / 4.0, "row %d", i);
        cr_assert_eq(at(t, i, 2), -i, "row %d", i);
    }
    pipe_tensor_release(t);
    free(text);
}

Test(csv, two_threads_report_lines_of_the_second_half)
{
    int rows = 120000;
    char *text = numbered_rows(rows);
    char *bad = strstr(text, "\n100000,");
    memcpy(bad + 1, "1OOOOO", 6); /* line 100002: letters O */
    pipe_csv_options opt = {0};
    opt.threads = 2;
    expect_error_opt(text, &opt, "t.csv:100002:1: column 'i': expected a number, found '1OOOOO'");
    opt.skip_bad_rows = 1;
    memcpy(strstr(text, "\n10,") + 1, "1x", 2); /* line 12, first half */
    pipe_csv_report report;
    pipe_tensor *t = load_ok(text, &opt, &report);
    expect_shape(t, rows - 2, 3);
    cr_assert_eq(report.skipped_rows, 2);
    cr_assert_eq(report.first_bad_line, 12);
    cr_assert_eq(at(t, 10, 0), 11.0); /* the rows after a skipped one move up */
    cr_assert_eq(at(t, 99998, 0), 99999.0);
    cr_assert_eq(at(t, 99999, 0), 100001.0);
    cr_assert_eq(at(t, rows - 3, 0), rows - 1);
    pipe_tensor_release(t);
    free(text);
}
