/*
 * plotter_provenance.h — what a plot shows, said on the plot: the data
 * source, the rows (part of the split and their number) and the model,
 * from the plotter's `source`, `part` and `model` parameters and its
 * inputs (and the source the runner passed along with them). The same three texts go into the PNG's
 * tEXt chunks (pipe.source, pipe.rows, pipe.model) and, joined, into the subtitle under the title.
 * Internal to the plotter plugin.
 */
#ifndef PIPE_PLOTTER_PROVENANCE_H
#define PIPE_PLOTTER_PROVENANCE_H

#include "plotter_kinds.h"

typedef struct plotter_provenance {
    char source[256];   /* `source`, the inputs' ("simulated, seed 42"), or "pipeline P, seed N" */
    char rows[128];     /* "val rows, N = 2000", "300 epochs", "2 models" */
    char model[256];    /* the `model` parameter, or the model's tensor(s); "" when none */
    char subtitle[400]; /* the three joined by " · " */
} plotter_provenance;

/* Fill `p` for `kind` from the parameters and the mapped inputs (reads
 * the `split` input when a part is chosen). Returns 0, or -1 with the
 * error reported. */
int plotter_provenance_read(pipe_ctx *ctx, const plotter_kind *kind, plotter_provenance *p);

#endif
