/*
 * csv.h — pipe_csv: fast loading of numeric CSV files with a header line
 * into f64 tables (rank-2 tensors with column names).
 *
 * The reader takes the whole file in one read, parses numbers with its own
 * correctly rounding parser (pipe_csv_parse_double) and allocates nothing
 * per field. It accepts the CMS dielectron files as published: header names
 * are trimmed ("px1 " is column "px1"), blank fields become NaN, lines may
 * end in CRLF, fields may be quoted with "" as an escaped quote.
 *
 * Link the static library `pipe_csv` and include "csv.h".
 */
#ifndef PIPE_CSV_H
#define PIPE_CSV_H

#include <pipe/pipe.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How to read a file. A zeroed struct (or a NULL pointer) means: all
 * columns, malformed rows are errors, ',' as delimiter, all rows, one
 * thread. */
typedef struct pipe_csv_options {
    const char *const
        *columns; /* select these columns by (trimmed) name, in this order; NULL = all */
    size_t n_columns;
    int skip_bad_rows; /* 0: a malformed row is an error; 1: skip it and count it */
    char delimiter;    /* 0 means ',' */
    int64_t max_rows;  /* stop after this many good rows; 0 = all */
    int threads;       /* parse on up to 2 threads (files over 1 MB without quotes); 0 = 1 */
    int column_counts; /* nonzero: report the blank and non-finite fields per column */
    /* Read only byte range `part` of `parts` of the rows after the header,
     * cut at line ends (one process of several reading its share); line
     * numbers in messages stay those of the file. 0 or 1 parts: all rows.
     * Ignored (all rows are read) in a file with a quote, where a line end
     * may be inside a field, and with max_rows. */
    int part, parts;
} pipe_csv_options;

/* What a read did: rows loaded, malformed rows skipped, the 1-based line
 * of the first skipped row (0 when none) and its error message. When the
 * read failed because options->columns[i] is missing from the header or
 * selected twice, bad_column is i (else -1).
 *
 * Values are read as written, so the table may hold NaN and infinities:
 * blank_fields counts the blank fields read as NaN, non_finite the values
 * that are not finite ("inf", "nan", or a literal such as 1e999 beyond
 * the range of a double), and the first_non_finite_* fields locate the
 * first of those in the file (1-based line and column, the table column,
 * and the message "name:line:column: column 'E1': expected a finite
 * number, found 'inf'"). With options->column_counts, the two counts per
 * table column are in blank_per_column[n_columns] and
 * non_finite_per_column[n_columns] (malloc'd: free them with
 * pipe_csv_report_free); otherwise those are NULL. Rows skipped as
 * malformed count in none of these. */
typedef struct pipe_csv_report {
    int64_t rows, skipped_rows;
    int64_t first_bad_line;
    char first_bad_error[256];
    int64_t bad_column;
    int64_t blank_fields, non_finite;
    int64_t first_non_finite_line, first_non_finite_column, first_non_finite_field;
    char first_non_finite_error[256];
    int64_t n_columns;
    int64_t *blank_per_column, *non_finite_per_column;
    int threads; /* the threads the rows were parsed on (1 or 2) */
    int parts;   /* the rows were cut into this many parts (1: all were read) */
} pipe_csv_report;

/* Free the per-column counts of a report (and set them to NULL). */
void pipe_csv_report_free(pipe_csv_report *report);

/* Load a CSV file with a header into a new f64 rank-2 tensor with column
 * names (one reference, the caller owns it). `opt` and `report` may be
 * NULL. On error returns NULL and writes "path:line:column: message" into
 * err (or "path: message" when there is no position). */
pipe_tensor *pipe_csv_read(const char *path, const pipe_csv_options *opt, pipe_csv_report *report,
                           char *err, size_t err_size);

/* The same on text already in memory (`name` is used in messages). */
pipe_tensor *pipe_csv_read_buffer(const char *name, const char *text, size_t size,
                                  const pipe_csv_options *opt, pipe_csv_report *report, char *err,
                                  size_t err_size);

/* The delimiter named by `text` as a pipeline writes it: one character
 * (not a quote or a line end), or "tab" / "\\t" for a tab. Returns 0 when
 * `text` names none. */
char pipe_csv_delimiter(const char *text);

/* Check a stage's "delimiter" parameter with pipe_csv_delimiter: 0, or
 * the stage's parameter error (what was expected, what was found). */
int pipe_csv_check_delimiter_param(pipe_ctx *ctx);

/* Parse one decimal number in [s, end): optional sign ('+' or '-'),
 * digits with an optional '.', an optional exponent, or "inf",
 * "infinity", "nan" (any case). Rounds to nearest like strtod for any
 * number of significant digits. Returns a pointer just past the number,
 * or NULL when [s, end) does not start with one. */
const char *pipe_csv_parse_double(const char *s, const char *end, double *out);

#ifdef __cplusplus
}
#endif
#endif /* PIPE_CSV_H */
