/*
 * plotter_classes.c — the plot kinds of a multi-class model, whose score
 * input is an N x K table of class probabilities: its class names
 * (`classes`, else the table's columns), one-vs-rest ROC curves, per-class
 * histograms, and the K x K confusion matrix of the argmax or of class
 * indices. See plotter_kinds.h.
 */
#include "metrics_core.h"
#include "plotter_inputs.h"
#include "plotter_kinds.h"

#include <stdio.h>
#include <stdlib.h>

/* ---- multi-class kinds: a table of class probabilities ---- */

/* A model's class probabilities and the names of its classes. */
typedef struct proba_input {
    plot_proba proba;
    double *values, *label; /* malloc'd */
    const char **names;     /* malloc'd, k pointers then room for class_<i> */
    plot_options o;         /* the stage's, with the class names */
} proba_input;

enum { CLASS_NAME = 32 };

/* The k class names: `classes` when given (one per column), else the
 * table's column names, else class_0, class_1, ... */
static const char **proba_names(pipe_ctx *ctx, const char *port, size_t k)
{
    const pipe_tensor *t = pipe_input(ctx, port);
    size_t given = pipe_param_given(ctx, "classes") ? pipe_param_count(ctx, "classes") : 0;
    if (given && given != k) {
        pipe_param_error(ctx, "classes",
                         "names %zu classes but input '%s' (tensor '%s') has %zu columns, one "
                         "per class",
                         given, port, pipe_input_name(ctx, port), k);
        return NULL;
    }
    const char **names = malloc(k * (sizeof *names + CLASS_NAME));
    char *fallback = names ? (char *)(names + k) : NULL;
    for (size_t c = 0; names && c < k; c++) {
        snprintf(fallback + c * CLASS_NAME, CLASS_NAME, "class_%zu", c);
        names[c] = given        ? pipe_param_string_at(ctx, "classes", c)
                   : t->columns ? t->columns[c]
                                : fallback + c * CLASS_NAME;
    }
    if (!names)
        pipe_error(ctx, "out of memory");
    return names;
}

static void proba_free(proba_input *in)
{
    free(in->values), free(in->label), free(in->names);
    in->values = in->label = NULL;
    in->names = NULL;
}

/* Read the `score` table and the `label` of the kept rows. */
static int proba_read(pipe_ctx *ctx, const plot_options *o, plotter_rows *rows, proba_input *in)
{
    *in = (proba_input){.o = *o};
    int64_t k = 0;
    in->values = plotter_matrix(ctx, "score", rows, &k);
    in->label = in->values ? plotter_vector(ctx, "label", rows) : NULL;
    in->names = in->label ? proba_names(ctx, "score", (size_t)k) : NULL;
    if (!in->names) {
        proba_free(in);
        return -1;
    }
    in->proba = (plot_proba){in->values, (size_t)rows->kept, (size_t)k};
    in->o.classes = in->names;
    in->o.n_classes = (size_t)k;
    return 0;
}

/* The argmax class of each row. */
static void argmax_rows(const plot_proba *p, double *out)
{
    for (size_t i = 0; i < p->n; i++)
        out[i] = (double)pipe_metrics_argmax(p->p + i * p->k, (int64_t)p->k);
}

/* A plot of a probability table and its labels. */
typedef int (*proba_plot)(plot_canvas *cv, const plot_options *o, const plot_proba *proba,
                          const double *label, plot_err *err);

/* Read the score table and labels of the kept rows and draw `plot`. */
static int draw_proba(pipe_ctx *ctx, const plotter_kind *kind, plot_canvas *cv,
                      const plot_options *o, proba_plot plot)
{
    plotter_rows rows;
    proba_input in;
    if (plotter_rows_init(ctx, &rows))
        return -1;
    int rc = proba_read(ctx, o, &rows, &in);
    plot_err err;
    if (rc == 0 && plot(cv, &in.o, &in.proba, in.label, &err) != 0)
        rc = plotter_failed(ctx, kind, &err);
    proba_free(&in);
    plotter_rows_free(&rows);
    return rc;
}

/* roc with a table: one class against the rest. */
int plotter_render_roc_classes(pipe_ctx *ctx, const plotter_kind *kind, plot_canvas *cv,
                               const plot_options *o)
{
    for (size_t i = 1; i < PLOTTER_MAX_SCORES; i++)
        if (pipe_input_name(ctx, plotter_score_port(i)))
            return pipe_error(ctx,
                              "input 'score' (tensor '%s') is a table of class probabilities: "
                              "its ROC curves are one class against the rest, of one model; "
                              "remove the mapping of '%s'",
                              pipe_input_name(ctx, "score"), plotter_score_port(i));
    return draw_proba(ctx, kind, cv, o, plot_roc_classes);
}

int plotter_render_class_hist(pipe_ctx *ctx, const plotter_kind *kind, plot_canvas *cv,
                              const plot_options *o)
{
    if (!plotter_is_table(ctx, "score"))
        return pipe_error(ctx,
                          "input 'score' (tensor '%s') must be a table of class probabilities "
                          "(N x K, K >= 2) for kind 'class_hist'; for one score use score_hist",
                          pipe_input_name(ctx, "score"));
    return draw_proba(ctx, kind, cv, o, plot_class_hist);
}

/* confusion: K x K from a probability table (argmax) or from class
 * indices when `classes` names more than 2; else the binary matrix of a
 * score at the threshold. */
int plotter_render_confusion(pipe_ctx *ctx, const plotter_kind *kind, plot_canvas *cv,
                             const plot_options *o)
{
    int table = plotter_is_table(ctx, "score");
    if (!table && o->n_classes <= 2)
        return plotter_render_pair(ctx, kind, cv, o);
    plotter_rows rows;
    if (plotter_rows_init(ctx, &rows))
        return -1;
    proba_input in = {.o = *o};
    int rc = table ? proba_read(ctx, o, &rows, &in) : 0;
    double *predicted = rc == 0 ? (table ? malloc((size_t)rows.kept * sizeof *predicted)
                                         : plotter_vector(ctx, "score", &rows))
                                : NULL;
    double *label = predicted && !table ? plotter_vector(ctx, "label", &rows) : in.label;
    if (rc == 0 && !predicted && table)
        rc = pipe_error(ctx, "out of memory");
    rc = rc == 0 && predicted && label ? 0 : -1;
    if (rc == 0 && table)
        argmax_rows(&in.proba, predicted);
    plot_err err;
    if (rc == 0 && plot_confusion_classes(cv, &in.o, predicted, label, (size_t)rows.kept, &err))
        rc = plotter_failed(ctx, kind, &err);
    if (!table)
        free(label);
    free(predicted);
    proba_free(&in);
    plotter_rows_free(&rows);
    return rc;
}
