/*
 * test_write_csv.c — pipe_write as CSV: numbers that read back as the same
 * doubles (and floats), the CMS-like precision, NaN and infinities, the
 * header (names, quoting, rank 1, no names), column selection, dtypes, and
 * a round trip through a file read back with pipe_csv.
 */
#include "csv.h"
#include "table_write.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t next_random(uint64_t *state) /* splitmix64 */
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static double random_double(uint64_t *state)
{
    uint64_t bits = next_random(state);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

static const char *formatted(double v, int precision)
{
    static char buf[PIPE_WRITE_NUMBER_MAX];
    pipe_write_format_double(buf, v, precision);
    return buf;
}

Test(format, shortest_text_reads_back_exactly)
{
    uint64_t state = 3;
    char buf[PIPE_WRITE_NUMBER_MAX];
    for (int i = 0; i < 200000; i++) {
        double v = random_double(&state);
        if (!isfinite(v))
            continue;
        int n = pipe_write_format_double(buf, v, 0);
        cr_assert_eq((size_t)n, strlen(buf));
        double back = strtod(buf, NULL);
        cr_assert(memcmp(&back, &v, sizeof v) == 0, "%.17g written as %s reads back as %.17g", v,
                  buf, back);
    }
}

/* The definition the fast formatting must match: the shortest of %.15g,
 * %.16g, %.17g that strtod reads back as v, or %.<precision>g. */
static void reference_text(char *buf, double v, int precision)
{
    if (precision > 0) {
        snprintf(buf, PIPE_WRITE_NUMBER_MAX, "%.*g", precision, v);
        return;
    }
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, PIPE_WRITE_NUMBER_MAX, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

Test(format, same_text_as_printf)
{
    uint64_t state = 17;
    char ours[PIPE_WRITE_NUMBER_MAX], theirs[PIPE_WRITE_NUMBER_MAX];
    const int precisions[] = {0, 1, 3, 6, 10, 15, 16, 17};
    for (int i = 0; i < 300000; i++) {
        double v = i % 3 ? random_double(&state)
                         : ((double)(next_random(&state) >> 11) / 9007199254740992.0 - 0.5) *
                               pow(10, (double)(i % 40) - 20);
        if (!isfinite(v))
            continue;
        int precision = precisions[i % 8];
        if (precision > 0 && v == trunc(v) && fabs(v) < 1e15)
            continue; /* integers are written in full: see precision_and_special_values */
        pipe_write_format_double(ours, v, precision);
        reference_text(theirs, v, precision);
        cr_assert_str_eq(ours, theirs, "%.17g with precision %d", v, precision);
    }
}

Test(format, shortest_text_of_short_decimals_is_the_decimal)
{
    const char *texts[] = {"36.1516", "-0.694941", "394764854", "0.1", "1e-05",
                           "-1",      "0.0859228", "1.5e+300",  "-0"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        cr_assert_str_eq(formatted(strtod(texts[i], NULL), 0), texts[i]);
    cr_assert_str_eq(formatted(0.1 + 0.2, 0), "0.30000000000000004");
    cr_assert_str_eq(formatted(1.0 / 3.0, 0), "0.3333333333333333");
}

Test(format, precision_and_special_values)
{
    cr_assert_str_eq(formatted(36.15164999, 6), "36.1516");
    cr_assert_str_eq(formatted(-0.00123456789, 6), "-0.00123457");
    cr_assert_str_eq(formatted(394764854.0, 6), "394764854");
    cr_assert_str_eq(formatted(-1.0, 6), "-1");
    cr_assert_str_eq(formatted(1e20, 6), "1e+20");
    cr_assert_str_eq(formatted(2.0 / 3.0, 3), "0.667");
    cr_assert_str_eq(formatted(NAN, 0), "");
    cr_assert_str_eq(formatted(INFINITY, 6), "inf");
    cr_assert_str_eq(formatted(-INFINITY, 0), "-inf");
}

Test(format, floats_read_back_exactly)
{
    uint64_t state = 11;
    char buf[PIPE_WRITE_NUMBER_MAX];
    for (int i = 0; i < 100000; i++) {
        uint32_t bits = (uint32_t)next_random(&state);
        float v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v))
            continue;
        pipe_write_format_float(buf, v, 0);
        float back = strtof(buf, NULL);
        cr_assert(memcmp(&back, &v, sizeof v) == 0, "%.9g written as %s", (double)v, buf);
    }
    pipe_write_format_float(buf, 0.1f, 0);
    cr_assert_str_eq(buf, "0.1");
}

/* Write t as CSV into memory and return the text (malloc'd). */
static char *csv_text(const pipe_tensor *t, const pipe_write_csv_options *opt, int expect_ok)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    char err[512] = "";
    int status = pipe_write_csv(f, t, opt, err, sizeof err);
    fclose(f);
    if (expect_ok) {
        cr_assert_eq(status, 0, "pipe_write_csv failed: %s", err);
        return text;
    }
    cr_assert_eq(status, -1, "pipe_write_csv should fail");
    free(text);
    return strdup(err);
}

/* Writing t gives exactly `expected`. */
static void expect_csv(const pipe_tensor *t, const pipe_write_csv_options *opt,
                       const char *expected)
{
    char *text = csv_text(t, opt, 1);
    cr_assert_str_eq(text, expected);
    free(text);
}

/* Writing t fails with exactly `message`. */
static void expect_csv_error(const pipe_tensor *t, const pipe_write_csv_options *opt,
                             const char *message)
{
    char *err = csv_text(t, opt, 0);
    cr_assert_str_eq(err, message);
    free(err);
}

static pipe_tensor *table(int64_t rows, int64_t cols, const double *values,
                          const char *const *names)
{
    pipe_tensor *t = pipe_tensor_new2(PIPE_F64, rows, cols);
    memcpy(t->data, values, (size_t)(rows * cols) * sizeof(double));
    if (names)
        pipe_tensor_set_columns(t, names, cols);
    return t;
}

Test(csv, header_and_rows)
{
    const double v[] = {1.5, NAN, -2, 0.1, INFINITY, 394764854};
    const char *names[] = {"E1", "px1", "M"};
    pipe_tensor *t = table(2, 3, v, names);
    expect_csv(t, NULL, "E1,px1,M\n1.5,,-2\n0.1,inf,394764854\n");
    pipe_tensor_release(t);
}

Test(csv, names_that_need_quotes)
{
    const double v[] = {1, 2, 3, 4, 5};
    const char *names[] = {"a,b", "say \"hi\"", " padded", "", "plain"};
    pipe_tensor *t = table(1, 5, v, names);
    expect_csv(t, NULL, "\"a,b\",\"say \"\"hi\"\"\",\" padded\",\"\",plain\n1,2,3,4,5\n");
    pipe_write_csv_options opt = {0};
    opt.delimiter = ';';
    expect_csv(t, &opt, "a,b;\"say \"\"hi\"\"\";\" padded\";\"\";plain\n1;2;3;4;5\n");
    pipe_tensor_release(t);
}

Test(csv, unnamed_columns_rank_1_and_no_header)
{
    const double v[] = {1, 2, 3, 4};
    pipe_tensor *t = table(2, 2, v, NULL);
    expect_csv(t, NULL, "column_1,column_2\n1,2\n3,4\n");
    pipe_write_csv_options opt = {0};
    opt.no_header = 1;
    expect_csv(t, &opt, "1,2\n3,4\n");
    pipe_tensor_release(t);
    pipe_tensor *r = pipe_tensor_new1(PIPE_F64, 3);
    ((double *)r->data)[1] = 0.25;
    opt.no_header = 0;
    opt.name = "prediction";
    expect_csv(r, &opt, "prediction\n0\n0.25\n0\n");
    pipe_tensor_release(r);
}

Test(csv, selected_columns_and_errors)
{
    const double v[] = {1, 2, 3, 4, 5, 6};
    const char *names[] = {"a", "b", "c"};
    pipe_tensor *t = table(2, 3, v, names);
    const char *cols[] = {"c", "a"};
    pipe_write_csv_options opt = {0};
    opt.columns = cols;
    opt.n_columns = 2;
    expect_csv(t, &opt, "c,a\n3,1\n6,4\n");
    cols[1] = "z";
    expect_csv_error(t, &opt, "no column 'z' in the tensor (see its column names)");
    pipe_tensor_release(t);
    int64_t shape[3] = {2, 2, 2};
    pipe_tensor *cube = pipe_tensor_new(PIPE_F64, 3, shape);
    expect_csv_error(cube, NULL,
                     "CSV holds tables (rank 1 or 2), found a tensor of rank 3: write it as .npy");
    pipe_tensor_release(cube);
}

Test(csv, every_dtype)
{
    pipe_tensor *t = pipe_tensor_new2(PIPE_I64, 1, 2);
    ((int64_t *)t->data)[0] = INT64_C(9007199254740993);
    ((int64_t *)t->data)[1] = -7;
    expect_csv(t, NULL, "column_1,column_2\n9007199254740993,-7\n");
    pipe_tensor_release(t);
    t = pipe_tensor_new2(PIPE_I32, 1, 1);
    ((int32_t *)t->data)[0] = -2147483647 - 1;
    expect_csv(t, NULL, "column_1\n-2147483648\n");
    pipe_tensor_release(t);
    t = pipe_tensor_new1(PIPE_U8, 2);
    ((uint8_t *)t->data)[0] = 255;
    ((uint8_t *)t->data)[1] = 2;
    expect_csv(t, NULL, "value\n255\n2\n");
    pipe_tensor_release(t);
    t = pipe_tensor_new1(PIPE_F32, 2);
    ((float *)t->data)[0] = 0.1f;
    ((float *)t->data)[1] = 16777217.0f; /* rounds to 16777216 */
    expect_csv(t, NULL, "value\n0.1\n16777216\n");
    pipe_tensor_release(t);
}

Test(csv, round_trip_through_a_file)
{
    int64_t rows = 3000, cols = 5;
    pipe_tensor *t = pipe_tensor_new2(PIPE_F64, rows, cols);
    const char *names[] = {"Run", "E1", "px1", "weird, name", "M"};
    pipe_tensor_set_columns(t, names, cols);
    double *v = t->data;
    uint64_t state = 5;
    for (int64_t i = 0; i < rows * cols; i++) {
        switch (i % 5) {
        case 0:
            v[i] = (double)(next_random(&state) % 1000000);
            break;
        case 1:
            v[i] = random_double(&state);
            break;
        case 2:
            v[i] = ((double)(next_random(&state) >> 11) / 9007199254740992.0 - 0.5) * 200;
            break;
        case 3:
            v[i] = ldexp(1.0, -1074) * (double)(i % 7);
            break; /* subnormals and 0 */
        default:
            v[i] = i % 3 == 0 ? NAN : i % 3 == 1 ? -INFINITY : -0.0;
        }
    }
    char *dir = pipe_test_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/round.csv", dir);
    FILE *f = fopen(path, "w");
    char err[1024];
    cr_assert_eq(pipe_write_csv(f, t, NULL, err, sizeof err), 0, "%s", err);
    fclose(f);
    pipe_csv_report report;
    pipe_tensor *back = pipe_csv_read(path, NULL, &report, err, sizeof err);
    cr_assert_not_null(back, "%s", err);
    cr_assert_eq(back->shape[0], rows);
    cr_assert_eq(back->shape[1], cols);
    for (int64_t c = 0; c < cols; c++)
        cr_assert_str_eq(back->columns[c], names[c]);
    const double *w = back->data;
    for (int64_t i = 0; i < rows * cols; i++) {
        int same = isnan(v[i]) ? isnan(w[i]) != 0 : memcmp(&v[i], &w[i], sizeof v[i]) == 0;
        cr_assert(same, "element %lld: wrote %.17g, read %.17g", (long long)i, v[i], w[i]);
    }
    pipe_tensor_release(back);
    pipe_tensor_release(t);
    free(dir);
}
