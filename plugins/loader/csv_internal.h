/*
 * csv_internal.h — what the files of pipe_csv share: a cursor over the
 * text, raw field scanning, the parsed header, row parsing and error
 * formatting. Not part of the public API (see csv.h).
 */
#ifndef PIPE_CSV_INTERNAL_H
#define PIPE_CSV_INTERNAL_H

#include "csv.h"

/* A position in the text, with what error messages need. */
typedef struct csv_cursor {
    const char *p;          /* current position */
    const char *end;        /* end of the text */
    const char *line_start; /* first character of the current line */
    int64_t line;           /* 1-based line number of p */
    char delimiter;
} csv_cursor;

/* 1-based column of `at` on the cursor's current line. */
static inline int64_t csv_column(const csv_cursor *c, const char *at)
{
    return (int64_t)(at - c->line_start) + 1;
}

/* Nonzero when the cursor is at the end of a line (or of the text). */
static inline int csv_at_line_end(const csv_cursor *c)
{
    return c->p >= c->end || *c->p == '\n' ||
           (*c->p == '\r' && (c->p + 1 == c->end || c->p[1] == '\n'));
}

/* One field as written: [begin, end) is its text without surrounding
 * blanks and, when quoted, without the quotes ("" escapes not undone). */
typedef struct csv_field {
    const char *start; /* where the field starts in the line */
    const char *begin, *end;
    int quoted;
} csv_field;

/* Where an error is and what it says; filled by the parsing functions. */
typedef struct csv_error {
    const char *name; /* the file name for messages */
    char *text;
    size_t size;
} csv_error;

/* Write "name:line:column: message" into the error. Returns -1. */
int csv_error_at(const csv_error *e, int64_t line, int64_t column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same at the cursor position `at`. */
int csv_error_here(const csv_error *e, const csv_cursor *c, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Scan the field at the cursor, leaving it at the delimiter or line end
 * after the field. Returns 0, or -1 (with the error written) for an
 * unterminated quote or text after a closing quote. */
int csv_scan_field(csv_cursor *c, csv_field *f, const csv_error *e);
/* After a field: consume a delimiter and return 1, or return 0 at a line
 * end (not consumed). */
static inline int csv_next_field(csv_cursor *c)
{
    if (c->p < c->end && *c->p == c->delimiter) {
        c->p++;
        return 1;
    }
    return 0;
}

/* Consume the line end at the cursor ("\n", "\r\n" or the end). */
static inline void csv_end_line(csv_cursor *c)
{
    if (c->p < c->end && *c->p == '\r')
        c->p++;
    if (c->p < c->end && *c->p == '\n')
        c->p++;
    c->line++;
    c->line_start = c->p;
}
/* Move past the next newline (skipping the rest of a bad row). */
void csv_skip_line(csv_cursor *c);

/* The header line and the selection of columns. */
typedef struct csv_header {
    int64_t n_fields;   /* fields per line in the file */
    char **names;       /* n_fields names: trimmed, unquoted, duplicates renamed */
    int64_t n_selected; /* columns of the table */
    int64_t *target;    /* n_fields: the table column of each field, or -1 */
    int64_t *source;    /* n_selected: the field of each table column */
} csv_header;

/* Parse the header line at the cursor (the cursor moves to the next
 * line) and select the columns (NULL: all). Returns 0, or -1 with the
 * error written (and *bad_column set when a selected column is missing or
 * repeated). Free with csv_header_free() in both cases. */
int csv_header_read(csv_cursor *c, const char *const *columns, size_t n_columns, csv_header *h,
                    int64_t *bad_column, const csv_error *e);
void csv_header_free(csv_header *h);

/* The SIMD path of rows (csv_fast.c). csv_fast_supported() is nonzero
 * when this CPU runs it. csv_fast_rows parses lines from p (a line start)
 * into data, h->n_selected values per row, while every field is a plain
 * number (or, in a column not loaded, plain text), at most max_rows rows.
 * It reads nothing before `begin` (the start of the text it was given).
 * It returns the rows parsed and sets *next to the start of the first
 * line not parsed, which must go through the scalar path (what it wrote
 * into that line's row does not matter). */
int csv_fast_supported(void);
int64_t csv_fast_rows(const char *begin, const char *p, const char *end, const csv_header *h,
                      double *data, int64_t max_rows, char delimiter, const char **next);

/* Rows into a table. */
typedef struct csv_rows {
    double *data;     /* capacity rows of h->n_selected values */
    int64_t capacity; /* rows to read at most */
    int skip_bad_rows;
    int fast;                /* try csv_fast_row first (csv_fast_supported()) */
    pipe_csv_report *report; /* rows, skipped rows, the first bad one, totals */
    int64_t *blank;          /* h->n_selected: blank fields read as NaN, per column */
    int64_t *non_finite;     /* h->n_selected: inf, nan or overflowing values, per column */
    int64_t *saved;          /* 2 * h->n_selected: the two counts before a row that may be
                                skipped */
} csv_rows;

/* Parse rows from the cursor until the end of the text or capacity rows.
 * Returns 0, or -1 with the error written. */
int csv_rows_read(csv_cursor *c, const csv_header *h, csv_rows *rows, const csv_error *e);

/* The rows after the header into a new table named after the selected
 * columns, on up to opt->threads threads. Returns the table, or NULL with
 * the error written. */
pipe_tensor *csv_table_read(csv_cursor *c, const csv_header *h, const pipe_csv_options *opt,
                            pipe_csv_report *report, const csv_error *e);

#endif /* PIPE_CSV_INTERNAL_H */
