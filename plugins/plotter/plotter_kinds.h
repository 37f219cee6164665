/*
 * plotter_kinds.h — the plot kinds of the plotter stage: for each value
 * of the `kind` parameter, the input ports it needs and may use, and the
 * function that reads those inputs and draws the plot with pipe_plot.
 * Internal to the plotter plugin.
 */
#ifndef PIPE_PLOTTER_KINDS_H
#define PIPE_PLOTTER_KINDS_H

#include "plot.h"

#include <pipe/pipe.h>

/* Most score inputs of a ROC plot (ports score, score2, ...). */
#define PLOTTER_MAX_SCORES 4

typedef struct plotter_kind plotter_kind;

/* Read the inputs and draw into cv. Returns 0, or -1 with the error
 * reported. */
typedef int (*plotter_render)(pipe_ctx *ctx, const plotter_kind *kind, plot_canvas *cv,
                              const plot_options *o);

/* A plot drawn from two row-aligned vectors (pred and true, score and
 * label, score and mass). */
typedef int (*plotter_pair_plot)(plot_canvas *cv, const plot_options *o, const double *a,
                                 const double *b, size_t n, plot_err *err);

struct plotter_kind {
    const char *name;
    const char *needs[3]; /* input ports that must be mapped (NULL-terminated) */
    const char *uses[6];  /* further input ports it reads when mapped */
    plotter_render render;
    plotter_pair_plot pair; /* for render_pair: the plot and its two ports */
    const char *first, *second;
};

/* Report an error of the plotting library, naming the kind; -1. */
int plotter_failed(pipe_ctx *ctx, const plotter_kind *kind, const plot_err *err);
/* Draw kind->pair from the kind's two vector ports. */
int plotter_render_pair(pipe_ctx *ctx, const plotter_kind *kind, plot_canvas *cv,
                        const plot_options *o);

/* The kinds of a table of class probabilities (plotter_classes.c): roc of
 * one class against the rest, class_hist, and confusion (K x K for a
 * table or class indices, else the binary matrix by plotter_render_pair). */
int plotter_render_roc_classes(pipe_ctx *ctx, const plotter_kind *kind, plot_canvas *cv,
                               const plot_options *o);
int plotter_render_class_hist(pipe_ctx *ctx, const plotter_kind *kind, plot_canvas *cv,
                              const plot_options *o);
int plotter_render_confusion(pipe_ctx *ctx, const plotter_kind *kind, plot_canvas *cv,
                             const plot_options *o);

/* The kind called `name`, or NULL. */
const plotter_kind *plotter_kind_find(const char *name);
/* Whether `kind` reads input `port`. */
int plotter_kind_uses(const plotter_kind *kind, const char *port);
/* The score ports, in order: "score", "score2", ... */
const char *plotter_score_port(size_t i);

#endif
