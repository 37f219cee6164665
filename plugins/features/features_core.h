/*
 * features_core.h — pipe_features: the logic of the `features` stage. Builds a
 * table from chosen input columns plus computed dielectron features, an
 * optional 0/1 label from a window on a column, and an optional target
 * column split off the table.
 *
 * The computed features read the columns E1 px1 py1 pz1 pt1 eta1 phi1 and
 * the same with 2 (only those a feature needs), all in double:
 *   m_calc    sqrt((E1+E2)^2 - |p1+p2|^2); a negative M^2 (rounding of
 *             light pairs) gives 0
 *   pair_E, pair_px, pair_py, pair_pz   components of p1 + p2
 *   pair_pt   sqrt(px^2 + py^2) of the pair
 *   pair_eta  asinh(pz / pt) of the pair (+-inf along the beam, 0 at rest)
 *   pair_phi  atan2(py, px) of the pair
 *   delta_eta eta1 - eta2
 *   delta_phi phi1 - phi2 wrapped into (-pi, pi]
 *   delta_R   sqrt(delta_eta^2 + delta_phi^2)
 *   pt_ratio  pt1 / pt2;  pt_sum  pt1 + pt2;  pt_diff  |pt1 - pt2|
 *   cos_theta cosine of the 3-D angle between p1 and p2 (NaN if one is 0)
 *
 * Link the static library `pipe_features_core` and include "features_core.h".
 */
#ifndef PIPE_FEATURES_CORE_H
#define PIPE_FEATURES_CORE_H

#include <pipe/pipe.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The per-electron quantities a feature may read. */
enum {
    PIPE_FEATURES_E,
    PIPE_FEATURES_PX,
    PIPE_FEATURES_PY,
    PIPE_FEATURES_PZ,
    PIPE_FEATURES_PT,
    PIPE_FEATURES_ETA,
    PIPE_FEATURES_PHI,
    PIPE_FEATURES_N_QUANTITIES
};

/* The quantities of both electrons of one row: q[electron][quantity]. */
typedef struct pipe_features_pair {
    double q[2][PIPE_FEATURES_N_QUANTITIES];
} pipe_features_pair;

/* A computed feature. */
typedef struct pipe_features_def {
    const char *name;
    unsigned needs; /* bit (1 << quantity) for each quantity read */
    double (*compute)(const pipe_features_pair *pair);
} pipe_features_def;

/* The feature called `name`, or NULL. */
const pipe_features_def *pipe_features_find(const char *name);
/* All features, in the order of the list above; *n gets the count. */
const pipe_features_def *pipe_features_list(size_t *n);
/* The column holding `quantity` of electron `electron` (0 or 1), e.g.
 * "px1", written into buf. */
const char *pipe_features_column_name(int quantity, int electron, char *buf, size_t size);

/* phi difference wrapped into (-pi, pi]. */
double pipe_features_wrap_phi(double dphi);

/* A 0/1 label: 1 when lo <= column <= hi (NaN stays NaN). */
typedef struct pipe_features_label {
    const char *column;
    double lo, hi;
    const char *name;
} pipe_features_label;

/* What to build. Strings and arrays are borrowed. */
typedef struct pipe_features_config {
    int all_columns;            /* keep every input column (but the label's and target's) */
    const char *const *columns; /* otherwise: keep these, in this order */
    size_t n_columns;
    const char *const *add; /* computed features, in this order */
    size_t n_add;
    const pipe_features_label *label; /* NULL: none */
    const char *target;               /* NULL: none */
} pipe_features_config;

/*
 * Build the output table (kept columns, computed features, label) and,
 * when cfg->target is set, the target vector (f64 rank 1): the column of
 * that name of the output (or, failing that, of the input). The target
 * column is then removed from the table unless cfg->columns lists it.
 * Returns 0 with new tensors in *table and *target (NULL when no target),
 * or -1 with the reason in err.
 */
int pipe_features_build(const pipe_tensor *in, const pipe_features_config *cfg, pipe_tensor **table,
                        pipe_tensor **target, char *err, size_t err_size);

/* Check feature names: 0, or -1 with "unknown feature 'x' (did you mean
 * 'y'?); known: ..." in err and the index of the bad name in *bad. */
int pipe_features_check_names(const char *const *names, size_t n, size_t *bad, char *err,
                              size_t err_size);

/*
 * Read the `label` parameter: a mapping {column: M, window: [80, 100],
 * name: is_z} (name defaults to "label"). An empty mapping means no label:
 * returns 0 with out->column NULL. On error returns -1 with the message in
 * err and the offending part of `value` in *bad. Strings are borrowed
 * from value.
 */
int pipe_features_parse_label(const pipe_value *value, pipe_features_label *out,
                              const pipe_value **bad, char *err, size_t err_size);

#ifdef __cplusplus
}
#endif
#endif /* PIPE_FEATURES_CORE_H */
