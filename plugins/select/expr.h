/*
 * expr.h — pipe_expr: the expressions of the `select` stage ("M > 60 &&
 * Q1 * Q2 < 0", "sqrt(2*pt1*pt2*(1 - cos(phi1 - phi2)))").
 *
 * Two steps. pipe_expr_parse() turns the text into a typed syntax tree
 * without knowing the table (so `pipe validate` can run it): syntax,
 * function names and argument counts, and types (a number where a boolean
 * is needed, or the reverse, is an error). pipe_expr_compile() then binds
 * the column names to a table's columns and emits a small register
 * bytecode; pipe_expr_eval() runs it column-wise over blocks of rows, one
 * vectorisable loop per instruction, with no per-row tree walk.
 *
 * Values are IEEE doubles; booleans are held as 0.0 / 1.0. Errors carry the
 * 1-based column (byte offset) in the expression text where they are.
 */
#ifndef PIPE_EXPR_H
#define PIPE_EXPR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The type of an expression or of one of its parts. */
typedef enum pipe_expr_type {
    PIPE_EXPR_NUMBER,
    PIPE_EXPR_BOOLEAN,
} pipe_expr_type;

/* Where and what: `column` is 1-based in the expression text. */
typedef struct pipe_expr_error {
    int column;
    char message[512];
} pipe_expr_error;

/* A parsed, type-checked expression (owns its tree and a copy of names). */
typedef struct pipe_expr pipe_expr;

/* Parse and type-check `text`. Returns NULL with *err filled on a syntax
 * or type error (or out of memory, column 0). */
pipe_expr *pipe_expr_parse(const char *text, pipe_expr_error *err);
void pipe_expr_free(pipe_expr *e);
/* The type of the whole expression. */
pipe_expr_type pipe_expr_result(const pipe_expr *e);
/* "a number" or "a boolean", for messages. */
const char *pipe_expr_type_name(pipe_expr_type type);

/* A compiled expression bound to a table layout (independent of the
 * expression it came from, which may be freed). */
typedef struct pipe_expr_program pipe_expr_program;

/* Bind the column names of `e` to `columns` (n names, the table's column
 * order) and compile. Returns NULL with *err filled for a name that is not
 * a column ("unknown column 'Mm' (did you mean 'M'?)", at that name). */
pipe_expr_program *pipe_expr_compile(const pipe_expr *e, const char *const *columns, size_t n,
                                     pipe_expr_error *err);
void pipe_expr_program_free(pipe_expr_program *p);
/* Instructions executed per row (the operations counted by the bench). */
size_t pipe_expr_program_ops(const pipe_expr_program *p);

/* Evaluate over `rows` rows of a row-major f64 table (`stride` numbers per
 * row) into out[r * out_stride]. Reads only the columns bound at compile
 * time. Returns 0, or -1 when out of memory. */
int pipe_expr_eval(const pipe_expr_program *p, const double *table, int64_t rows, int64_t stride,
                   double *out, int64_t out_stride);

#ifdef __cplusplus
}
#endif
#endif /* PIPE_EXPR_H */
