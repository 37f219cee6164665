/*
 * table_write.h — pipe_write: writing tensors as CSV (tables, with a
 * header of column names) and as NumPy .npy files (any tensor), and
 * formatting doubles so that reading them back gives the same values.
 *
 * Link the static library `pipe_write` and include "table_write.h". The
 * writer stage (writer.c) is a thin adapter over these functions.
 */
#ifndef PIPE_TABLE_WRITE_H
#define PIPE_TABLE_WRITE_H

#include <pipe/pipe.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest text pipe_write_format_double writes, with its NUL. */
#define PIPE_WRITE_NUMBER_MAX 32

/* Write v into buf (PIPE_WRITE_NUMBER_MAX bytes). precision 0: the
 * shortest of %.15g, %.16g, %.17g that reads back as exactly v;
 * 1..17: %.<precision>g, but integers below 1e15 in full (as the CMS
 * files write run and event numbers). NaN is written as "" (a blank field), infinities
 * as "inf" and "-inf". Returns the length. */
int pipe_write_format_double(char *buf, double v, int precision);
/* The same for a float: the shortest of %.6g .. %.9g that reads back as
 * exactly v when precision is 0. */
int pipe_write_format_float(char *buf, float v, int precision);

/* How to write a CSV file. A zeroed struct means: ',' as delimiter, a
 * header line, shortest round-trip numbers, all columns. */
typedef struct pipe_write_csv_options {
    char delimiter;             /* 0 means ',' */
    int no_header;              /* nonzero: no header line */
    int precision;              /* see pipe_write_format_double */
    const char *const *columns; /* write these columns, in this order; NULL: all */
    size_t n_columns;
    const char *name; /* header of a rank-1 tensor (its tensor name); NULL: "value" */
} pipe_write_csv_options;

/* Write t (rank 1: one column; rank 2: a table) as CSV to f. The header
 * has the column names (column_1, column_2... when t has none); names
 * that hold the delimiter, a quote, a line end or surrounding blanks are
 * quoted. Returns 0, or -1 with a message in err (err_size > 0) ("no
 * column 'x' ..." or a write error). */
int pipe_write_csv(FILE *f, const pipe_tensor *t, const pipe_write_csv_options *opt, char *err,
                   size_t err_size);

/* Write t as a NumPy .npy file, format version 1.0: magic, header dict
 * with descr ('<f8', '<f4', '<i8', '<i4', '|u1'), fortran_order False and
 * the shape, padded so the data starts at a multiple of 64 bytes, then
 * the elements in C order. Returns 0, or -1 with a message in err. */
int pipe_write_npy(FILE *f, const pipe_tensor *t, char *err, size_t err_size);

/* The .npy header (everything before the data) for t into buf; returns
 * its length, or -1 when buf is too small. */
long pipe_write_npy_header(const pipe_tensor *t, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif /* PIPE_TABLE_WRITE_H */
