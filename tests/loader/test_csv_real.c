/*
 * test_csv_real.c — pipe_csv on the real CMS files as published: shape,
 * column names (the header's "px1 " is px1), the first row against its
 * text, every value against strtod of its field, and the damaged file's
 * blank E1 fields as NaN at exactly the rows where the text is blank.
 */
#include "csv.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const CMS_COLUMNS[19] = {"Run",  "Event", "E1",   "px1", "py1", "pz1", "pt1",
                                            "eta1", "phi1",  "Q1",   "E2",  "px2", "py2", "pz2",
                                            "pt2",  "eta2",  "phi2", "Q2",  "M"};

static pipe_tensor *load_shared(const char *name, const pipe_csv_options *opt, char **text)
{
    char *path = pipe_test_shared_file(name);
    char err[1024];
    pipe_csv_report report;
    pipe_tensor *t = pipe_csv_read(path, opt, &report, err, sizeof err);
    cr_assert_not_null(t, "%s", err);
    cr_assert_eq(report.skipped_rows, 0);
    cr_assert_eq(report.rows, t->shape[0]);
    *text = pipe_test_read_file(path, NULL);
    free(path);
    return t;
}

static double at(const pipe_tensor *t, int64_t row, int64_t col)
{
    return ((const double *)t->data)[row * t->shape[1] + col];
}

/* Field `col` of line `line` (1-based, header = 1) of text, by splitting
 * at commas: an independent reading. Returns its length; *start set. */
static size_t raw_field(const char *text, int line, int col, const char **start)
{
    const char *p = text;
    for (int l = 1; l < line; l++)
        p = strchr(p, '\n') + 1;
    for (int c = 0; c < col; c++)
        p = strchr(p, ',') + 1;
    *start = p;
    return strcspn(p, ",\r\n");
}

/* Every value of t equals strtod of its field in the text, or is NaN
 * where the field is blank. Returns the number of blank fields. */
static int expect_table_matches_text(const pipe_tensor *t, const char *text)
{
    int blanks = 0;
    const char *line = strchr(text, '\n') + 1;
    for (int64_t r = 0; r < t->shape[0]; r++) {
        const char *p = line;
        for (int64_t c = 0; c < t->shape[1]; c++) {
            size_t n = strcspn(p, ",\r\n");
            char field[64];
            snprintf(field, sizeof field, "%.*s", (int)n, p);
            double v = at(t, r, c);
            if (n == 0) {
                blanks++;
                cr_assert(isnan(v), "row %lld col %lld: blank field read as %g", (long long)r,
                          (long long)c, v);
            } else {
                cr_assert_eq(v, strtod(field, NULL), "row %lld col %lld: '%s' read as %.17g",
                             (long long)r, (long long)c, field, v);
            }
            p += n + 1;
        }
        line = strchr(line, '\n') + 1;
    }
    return blanks;
}

Test(real, sample_shape_names_and_first_row)
{
    char *text;
    pipe_tensor *t = load_shared("dielectron_sample.csv", NULL, &text);
    cr_assert_eq(t->shape[0], 1288);
    cr_assert_eq(t->shape[1], 19);
    for (int c = 0; c < 19; c++)
        cr_assert_str_eq(t->columns[c], CMS_COLUMNS[c]);
    /* 147929,394764854,36.1516,9.02905,-15.2428,-31.5131,17.7163,-1.34008,-1.03602,-1,
       105.135,-12.1421,19.3593,-102.622,22.852,-2.20733,2.13098,-1,44.0819 */
    const double first[19] = {147929,   394764854, 36.1516, 9.02905, -15.2428, -31.5131, 17.7163,
                              -1.34008, -1.03602,  -1,      105.135, -12.1421, 19.3593,  -102.622,
                              22.852,   -2.20733,  2.13098, -1,      44.0819};
    for (int c = 0; c < 19; c++)
        cr_assert_eq(at(t, 0, c), first[c], "column %s: %.17g, expected %.17g", CMS_COLUMNS[c],
                     at(t, 0, c), first[c]);
    const char *last_m;
    size_t n = raw_field(text, 1289, 18, &last_m);
    cr_assert_eq(n, 7);
    cr_assert_eq(strncmp(last_m, "10.8014", 7), 0);
    cr_assert_eq(at(t, 1287, 18), 10.8014);
    cr_assert_eq(expect_table_matches_text(t, text), 0);
    pipe_tensor_release(t);
    free(text);
}

Test(real, damaged_file_blank_e1_is_nan_at_the_right_rows)
{
    char *text;
    pipe_tensor *t = load_shared("dielectron_1k_damaged.csv", NULL, &text);
    cr_assert_eq(t->shape[0], 1000);
    cr_assert_eq(t->shape[1], 19);
    int64_t e1 = pipe_tensor_column(t, "E1");
    cr_assert_eq(e1, 2);
    int blank_rows = 0;
    for (int64_t r = 0; r < 1000; r++) {
        const char *field;
        int blank = raw_field(text, (int)r + 2, 2, &field) == 0;
        blank_rows += blank;
        cr_assert_eq(isnan(at(t, r, e1)) != 0, blank, "row %lld (line %lld): E1 = %g", (long long)r,
                     (long long)r + 2, at(t, r, e1));
    }
    cr_assert_eq(blank_rows, 9, "the damaged file has 9 blank E1 fields, found %d", blank_rows);
    cr_assert(isnan(at(t, 0, e1))); /* line 2 */
    cr_assert(isnan(at(t, 9, e1))); /* line 11 */
    const char *field;
    raw_field(text, 3, 2, &field);
    cr_assert_eq(at(t, 1, e1), strtod(field, NULL)); /* line 3 is intact */
    cr_assert_eq(expect_table_matches_text(t, text), 9);
    pipe_tensor_release(t);
    free(text);
}

Test(real, selected_columns_of_the_sample)
{
    const char *cols[] = {"M", "px1", "E1"};
    pipe_csv_options opt = {0};
    opt.columns = cols;
    opt.n_columns = 3;
    char *text;
    pipe_tensor *t = load_shared("dielectron_sample.csv", &opt, &text);
    cr_assert_eq(t->shape[0], 1288);
    cr_assert_eq(t->shape[1], 3);
    cr_assert_str_eq(t->columns[0], "M");
    cr_assert_str_eq(t->columns[1], "px1");
    cr_assert_eq(at(t, 0, 0), 44.0819);
    cr_assert_eq(at(t, 0, 1), 9.02905);
    cr_assert_eq(at(t, 0, 2), 36.1516);
    pipe_tensor_release(t);
    free(text);
}
