/*
 * csv_rows.c — the data lines of a CSV file into a table of doubles.
 *
 * The common case (an unquoted number directly followed by the delimiter
 * or the line end) is handled inline; blanks, quotes, empty fields (NaN)
 * and errors go through the slower general path. Fields of columns that
 * are not selected are only scanned, never parsed.
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

/* The general path of a numeric field: blanks around it, quotes, empty
 * fields (NaN) and the errors. */
static int parse_field_slowly(csv_cursor *c, const csv_header *h, int64_t field, double *value,
                              const csv_error *e)
{
    int64_t line = c->line;
    const char *line_start = c->line_start;
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
        return 0;
    }
    if (pipe_csv_parse_double(begin, end, value) == end)
        return 0;
    return not_a_number(h, field, &f, line, line_start, e);
}

static int parse_number_field(csv_cursor *c, const csv_header *h, int64_t field, double *value,
                              const csv_error *e)
{
    const char *stop = csv_parse_number(c->p, c->end, value);
    if (stop && is_field_end(c, stop)) {
        c->p = stop;
        return 0;
    }
    return parse_field_slowly(c, h, field, value, e);
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
static int parse_row(csv_cursor *c, const csv_header *h, double *row, const csv_error *e)
{
    int64_t field = 0;
    do {
        if (field == h->n_fields)
            return too_many_fields(c, h, e);
        int64_t target = h->target[field];
        if (target >= 0) {
            if (parse_number_field(c, h, field, &row[target], e) != 0)
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

/* Count a skipped row, keeping the first one's line and message. */
static void note_skipped(csv_rows *rows, int64_t line, const csv_error *e)
{
    pipe_csv_report *report = rows->report;
    if (report->skipped_rows++ == 0) {
        report->first_bad_line = line;
        if (e->text)
            snprintf(report->first_bad_error, sizeof report->first_bad_error, "%s", e->text);
    }
}

int csv_rows_read(csv_cursor *c, const csv_header *h, csv_rows *rows, const csv_error *e)
{
    int64_t n = 0;
    while (c->p < c->end && n < rows->capacity) {
        if (csv_at_line_end(c)) {
            csv_end_line(c); /* blank lines are not rows */
            continue;
        }
        int64_t line = c->line;
        if (parse_row(c, h, rows->data + n * h->n_selected, e) == 0) {
            n++;
            continue;
        }
        if (!rows->skip_bad_rows)
            return -1;
        note_skipped(rows, line, e);
        csv_skip_line(c);
    }
    rows->report->rows = n;
    return 0;
}
