/*
 * csv_rows.c — the data lines of a CSV file into a table of doubles.
 *
 * A line of plain numbers goes through the SIMD path (csv_fast.c) when
 * the CPU has it. Otherwise, field by field, the common case (an unquoted
 * number directly followed by the delimiter or the line end) is handled
 * inline; blanks, quotes, empty fields (NaN) and errors go through the
 * slower general path. Fields of columns that are not selected are only
 * scanned, never parsed. Blank fields and non-finite values are counted
 * per column, and the first non-finite value located.
 */
#include "csv_internal.h"
#include "csv_number.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Longest piece of a bad field quoted in an error message. */
#define MAX_QUOTED_TEXT 40

static int is_field_end(const csv_cursor *c, const char *p)
{
    return p < c->end &&
           (*p == c->delimiter || *p == '\n' || (*p == '\r' && (p + 1 == c->end || p[1] == '\n')));
}

static int not_a_number(const csv_header *h, int64_t field, const csv_field *f, int64_t line,
                        const char *line_start, const csv_error *e)
{
    int length = (int)(f->end - f->begin);
    int shown = length > MAX_QUOTED_TEXT ? MAX_QUOTED_TEXT : length;
    return csv_error_at(e, line, (int64_t)(f->begin - line_start) + 1,
                        "column '%s': expected a number, found '%.*s%s'", h->names[field], shown,
                        f->begin, shown < length ? "..." : "");
}

/* Count a value that is not finite (inf, nan, or a literal such as 1e999
 * that overflows) and locate the first one. */
static void note_non_finite(const csv_header *h, int64_t field, csv_rows *rows, int64_t target,
                            const char *begin, const char *end, int64_t line,
                            const char *line_start, const csv_error *e)
{
    rows->non_finite[target]++;
    pipe_csv_report *report = rows->report;
    if (report->non_finite++ > 0)
        return;
    int length = (int)(end - begin);
    int shown = length > MAX_QUOTED_TEXT ? MAX_QUOTED_TEXT : length;
    report->first_non_finite_line = line;
    report->first_non_finite_column = (int64_t)(begin - line_start) + 1;
    report->first_non_finite_field = target;
    snprintf(report->first_non_finite_error, sizeof report->first_non_finite_error,
             "%s:%lld:%lld: column '%s': expected a finite number, found '%.*s%s'", e->name,
             (long long)line, (long long)report->first_non_finite_column, h->names[field], shown,
             begin, shown < length ? "..." : "");
}

/* The general path of a numeric field: blanks around it, quotes, empty
 * fields (NaN, counted) and the errors. */
static int parse_field_slowly(csv_cursor *c, const csv_header *h, int64_t field, csv_rows *rows,
                              double *value, const csv_error *e)
{
    int64_t line = c->line;
    const char *line_start = c->line_start;
    int64_t target = h->target[field];
    csv_field f;
    if (csv_scan_field(c, &f, e) != 0)
        return -1;
    const char *begin = f.begin, *end = f.end;
    while (begin < end && (*begin == ' ' || *begin == '\t'))
        begin++; /* blanks inside quotes */
    while (end > begin && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    if (begin == end) {
        *value = NAN;
        rows->blank[target]++;
        rows->report->blank_fields++;
        return 0;
    }
    if (pipe_csv_parse_double(begin, end, value) == end) {
        if (!isfinite(*value))
            note_non_finite(h, field, rows, target, begin, end, line, line_start, e);
        return 0;
    }
    return not_a_number(h, field, &f, line, line_start, e);
}

static int parse_number_field(csv_cursor *c, const csv_header *h, int64_t field, csv_rows *rows,
                              double *value, const csv_error *e)
{
    const char *stop = csv_parse_number(c->p, c->end, value);
    if (stop && is_field_end(c, stop)) {
        if (__builtin_expect(!isfinite(*value), 0))
            note_non_finite(h, field, rows, h->target[field], c->p, stop, c->line, c->line_start,
                            e);
        c->p = stop;
        return 0;
    }
    return parse_field_slowly(c, h, field, rows, value, e);
}

/* Error for a line with more fields than the header; the cursor is at the
 * first extra field. */
static int too_many_fields(csv_cursor *c, const csv_header *h, const csv_error *e)
{
    const char *extra = c->p;
    int64_t found = h->n_fields;
    csv_cursor probe = *c;
    csv_error quiet = {e->name, NULL, 0};
    csv_field f;
    do
        found++;
    while (csv_scan_field(&probe, &f, &quiet) == 0 && csv_next_field(&probe));
    return csv_error_here(e, c, extra, "expected %lld fields as in the header, found %lld",
                          (long long)h->n_fields, (long long)found);
}

/* One line into row[0 .. n_selected). Returns 0, or -1 with the error
 * written (the cursor then stays inside the line). */
static int parse_row(csv_cursor *c, const csv_header *h, csv_rows *rows, double *row,
                     const csv_error *e)
{
    int64_t field = 0;
    do {
        if (field == h->n_fields)
            return too_many_fields(c, h, e);
        int64_t target = h->target[field];
        if (target >= 0) {
            if (parse_number_field(c, h, field, rows, &row[target], e) != 0)
                return -1;
        } else {
            csv_field skipped;
            if (csv_scan_field(c, &skipped, e) != 0)
                return -1;
        }
        field++;
    } while (csv_next_field(c));
    if (field < h->n_fields)
        return csv_error_here(e, c, c->p, "expected %lld fields as in the header, found %lld",
                              (long long)h->n_fields, (long long)field);
    csv_end_line(c);
    return 0;
}

/* Count a skipped row, keeping the first one's line and message; the
 * blank and non-finite fields it held before its error are not counted. */
static void note_skipped(csv_rows *rows, int64_t n_columns, int64_t line, const csv_error *e)
{
    pipe_csv_report *report = rows->report;
    for (int64_t j = 0; j < n_columns; j++) {
        report->blank_fields -= rows->blank[j] - rows->saved[j];
        report->non_finite -= rows->non_finite[j] - rows->saved[n_columns + j];
    }
    memcpy(rows->blank, rows->saved, (size_t)n_columns * sizeof *rows->blank);
    memcpy(rows->non_finite, rows->saved + n_columns, (size_t)n_columns * sizeof *rows->blank);
    if (report->skipped_rows++ == 0) {
        report->first_bad_line = line;
        if (e->text)
            snprintf(report->first_bad_error, sizeof report->first_bad_error, "%s", e->text);
    }
}

int csv_rows_read(csv_cursor *c, const csv_header *h, csv_rows *rows, const csv_error *e)
{
    const char *begin = c->line_start; /* readable from here */
    int64_t n = 0;
    while (c->p < c->end && n < rows->capacity) {
        double *row = rows->data + n * h->n_selected;
        const char *next;
        int64_t fast = rows->fast ? csv_fast_rows(begin, c->p, c->end, h, row, rows->capacity - n,
                                                  c->delimiter, &next)
                                  : 0;
        if (fast > 0) {
            c->p = c->line_start = next;
            c->line += fast;
            n += fast;
            continue;
        }
        if (csv_at_line_end(c)) {
            csv_end_line(c); /* blank lines are not rows */
            continue;
        }
        int64_t line = c->line;
        size_t counts = (size_t)h->n_selected * sizeof *rows->saved;
        if (rows->skip_bad_rows) {
            memcpy(rows->saved, rows->blank, counts);
            memcpy(rows->saved + h->n_selected, rows->non_finite, counts);
        }
        if (parse_row(c, h, rows, row, e) == 0) {
            n++;
            continue;
        }
        if (!rows->skip_bad_rows)
            return -1;
        note_skipped(rows, h->n_selected, line, e);
        csv_skip_line(c);
    }
    rows->report->rows = n;
    return 0;
}
