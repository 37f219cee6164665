/*
 * select_core.h — pipe_select: the work of the `select` stage without the
 * SDK context, so tests call it directly. New columns from expressions
 * (`define`, in order: each may use the table's columns and the defines
 * before it), then cuts (`where`, in order) keeping the rows where every
 * cut is true, with the row counts after each cut (the cut flow). A row
 * split given with the table is cut with the same rows, so the two stay
 * aligned.
 */
#ifndef PIPE_SELECT_CORE_H
#define PIPE_SELECT_CORE_H

#include "expr.h"

#include <pipe/pipe.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What to do: parsed expressions, borrowed. */
typedef struct pipe_select_spec {
    size_t n_defines;
    const char *const *define_names;
    pipe_expr *const *defines;
    size_t n_cuts;
    pipe_expr *const *cuts; /* each of type PIPE_EXPR_BOOLEAN */
} pipe_select_spec;

/* What it did. The caller owns (releases / frees) table, split and after. */
typedef struct pipe_select_result {
    pipe_tensor *table; /* the input's columns, then the defines */
    pipe_tensor *split; /* the kept rows of the split, when one was given */
    int64_t rows_in;
    int64_t *after; /* n_cuts counts: rows left after cut k (and all before it) */
} pipe_select_result;

/* Which expression failed and why. `define` is nonzero for define
 * `index`, zero for cut `index`; error.column is 0 when the problem is not
 * inside the expression (e.g. a define naming an existing column). */
typedef struct pipe_select_failure {
    int define;
    size_t index;
    pipe_expr_error error;
} pipe_select_failure;

/* Apply `spec` to `table` (an f64 table with column names) and the
 * optional `split` (u8, one entry per row, or NULL). Returns 0, or -1 with
 * *fail filled (and nothing to free in *out). */
int pipe_select_apply(const pipe_tensor *table, const pipe_tensor *split,
                      const pipe_select_spec *spec, pipe_select_result *out,
                      pipe_select_failure *fail);

/* Release what a successful pipe_select_apply() returned. */
void pipe_select_result_free(pipe_select_result *r);

#ifdef __cplusplus
}
#endif
#endif /* PIPE_SELECT_CORE_H */
