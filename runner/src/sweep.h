/*
 * sweep.h — parameter sweeps: the grid of a sweep (from --grid arguments
 * and the pipeline's sweep: block), its combinations in order, their YAML
 * text for --set and their folder names (sweep_grid.c); running them as
 * child pipe processes and writing the sweep table (sweep.c).
 */
#ifndef PIPE_SWEEP_H
#define PIPE_SWEEP_H

#include "core.h"

/* One parameter of the grid and the values it takes. */
typedef struct pipe_sweep_axis {
    char *stage, *param;
    pipe_doc *doc;            /* owns `values` when it came from --grid, else NULL */
    const pipe_value *values; /* a non-empty list */
} pipe_sweep_axis;

/* The grid and the choices of a sweep: block (NULL / 0 when not given). */
typedef struct pipe_sweep_grid {
    pipe_sweep_axis *axes;
    size_t n;
    const char *metric; /* sweep: metric, borrowed from the pipeline */
    int maximize;       /* sweep: goal: maximize */
    int jobs;           /* sweep: jobs, or 0 */
} pipe_sweep_grid;

/* Read the pipeline's sweep: block (absent: an empty grid). Reports every
 * error with file:line:col; returns 0 or -1. */
PIPE_INTERNAL int pipe_sweep_grid_from_file(pipe_sweep_grid *g, const pipe_pipeline *p);
/* Check the pipeline's sweep: block as pipe_sweep_grid_from_file does
 * (pipe_pipeline_load calls it, so every command sees its errors). */
int pipe_sweep_check(const pipe_pipeline *p);
/* Add (or replace) an axis from the --grid argument `arg`, argv[argno];
 * errors say "argument N:1:COLUMN: ...". Returns 0 or -1. */
PIPE_INTERNAL int pipe_sweep_grid_add_arg(pipe_sweep_grid *g, const pipe_pipeline *p,
                                          const char *arg, int argno);
PIPE_INTERNAL void pipe_sweep_grid_free(pipe_sweep_grid *g);

/* Number of combinations (the product of the axes' lengths; 1 for none). */
PIPE_INTERNAL size_t pipe_sweep_count(const pipe_sweep_grid *g);
/* The value index of each axis in combination k: the last axis varies
 * fastest (as itertools.product). */
PIPE_INTERNAL void pipe_sweep_combination(const pipe_sweep_grid *g, size_t k, size_t *idx);
/* A value as one line of YAML flow text ("0.001", "[128, 64, 32]",
 * "'a b'"), for --set. malloc'd. */
PIPE_INTERNAL char *pipe_sweep_value_text(const pipe_value *v);
/* The folder name of a combination: "lr=0.001,layers=128x64x32" (the
 * parameter's name, or STAGE.PARAM when two axes share it; characters
 * other than letters, digits and ".+-" become '_'; list items joined with
 * 'x'). malloc'd. */
PIPE_INTERNAL char *pipe_sweep_name(const pipe_sweep_grid *g, const size_t *idx);

/* One combination of a sweep: its folder, its --set arguments, how it went. */
typedef struct pipe_sweep_run {
    char *name, *dir;
    char **sets; /* "stage.param=TEXT" per axis */
    int status;  /* exit code; 128 + signal; -1 not started */
    double seconds;
    int pid;
    double start;
    pipe_doc *metrics; /* metrics.json of a run that succeeded, or NULL */
    FILE *log; /* with -j > 1: the run's stdout and stderr, printed as one block when it ends */
} pipe_sweep_run;

/* A nested mapping as flat "a.b.c" keys, each with its value (a scalar or
 * a list); the values are borrowed from the document (sweep_table.c). */
typedef struct pipe_flat {
    char **keys;
    const pipe_value **vals;
    size_t n;
} pipe_flat;

/* Add `v` under `prefix` (NULL at the top): a mapping adds each of its
 * items under "prefix.key", any other value adds itself. */
void pipe_flat_add(pipe_flat *f, const pipe_value *v, const char *prefix);
const pipe_value *pipe_flat_get(const pipe_flat *f, const char *key);
void pipe_flat_free(pipe_flat *f);

/* Write <base>/sweep.csv and sweep.json (sweep_table.c): one row per run with
 * its parameters, every metric any run reported, status and seconds; with a
 * metric, name the best run (smallest, or largest with `maximize`) on
 * stdout and in sweep.json. Returns 0, or -1 (reported) when a file cannot
 * be written or no successful run has the metric. With a metric, also the
 * plot (pipe_sweep_plot), whose failure is reported but not returned. */
int pipe_sweep_write_table(const pipe_sweep_grid *g, const char *base, const char *metric,
                           int maximize, const pipe_sweep_run *runs, size_t n,
                           const char *const *plugin_path, size_t n_plugin_path);

/* Draw <base>/plot/sweep.png (sweep_plot.c): `values[i]` of `metric` for
 * combination `names[i]`, as bars, by running a generated loader → plotter
 * pipeline in-process (the plugins found on `plugin_path` and the default
 * search path). Returns 0, or -1 (reported): more than 8 or no values, or
 * the plot pipeline failed. */
int pipe_sweep_plot(const char *base, const char *metric, int maximize, const char **names,
                    const double *values, size_t n, const char *const *plugin_path,
                    size_t n_plugin_path);

/* pipe sweep and pipe diff (sweep.c, diff.c): argv as given to pipe. */
int pipe_cli_sweep(int argc, char **argv);
int pipe_cli_diff(int argc, char **argv);

#endif
