/*
 * cleaner.h — pipe_cleaner: the logic of the `cleaner` stage as pure
 * functions on f64 tables, so tests call it without the runner.
 *
 * Each row is checked in a fixed order and dropped for the FIRST reason
 * that applies, so every dropped row is counted exactly once:
 *   1. NaN in one of the checked columns,
 *   2. physics check: an electron's energy below its momentum magnitude,
 *   3. physics check: M contradicting the two four-momenta,
 *   4. range cuts, in the order given,
 *   5. charge selection on Q1, Q2.
 * Columns listed in drop_columns are removed after the row checks (so the
 * checks may still use them).
 *
 * Link the static library `pipe_cleaner_core` and include "cleaner.h".
 */
#ifndef PIPE_CLEANER_H
#define PIPE_CLEANER_H

#include <pipe/pipe.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Which pairs the charge selection keeps. */
typedef enum pipe_cleaner_charge {
    PIPE_CLEANER_CHARGE_ANY = 0,  /* no selection */
    PIPE_CLEANER_CHARGE_OPPOSITE, /* Q1 * Q2 < 0 */
    PIPE_CLEANER_CHARGE_SAME,     /* Q1 * Q2 > 0 */
} pipe_cleaner_charge;

/* Which columns a NaN is looked for in. */
typedef enum pipe_cleaner_nan_mode {
    PIPE_CLEANER_NAN_KEPT = 0, /* every column kept in the output */
    PIPE_CLEANER_NAN_NONE,     /* none: NaN rows are kept */
    PIPE_CLEANER_NAN_LIST,     /* the columns named in nan_columns */
} pipe_cleaner_nan_mode;

/* A range cut: keep rows with lo <= column <= hi (NaN is outside). */
typedef struct pipe_cleaner_range {
    const char *column;
    double lo, hi;
} pipe_cleaner_range;

/* Default tolerances of the physics check (see docs/stages/cleaner.md). */
#define PIPE_CLEANER_ENERGY_TOLERANCE 1e-4
#define PIPE_CLEANER_MASS_TOLERANCE 1e-4

/* What to do. Strings and arrays are borrowed. */
typedef struct pipe_cleaner_config {
    pipe_cleaner_nan_mode nan_mode;
    const char *const *nan_columns; /* PIPE_CLEANER_NAN_LIST */
    size_t n_nan_columns;
    const char *const *drop_columns;
    size_t n_drop_columns;
    const pipe_cleaner_range *ranges;
    size_t n_ranges;
    pipe_cleaner_charge charge;
    int physics_check;
    /* Drop a row when E < |p| * (1 - energy_tolerance) for either electron. */
    double energy_tolerance;
    /* Drop a row when |M^2 - m^2| > mass_tolerance * (E1 + E2)^2, with
     * m^2 = (E1 + E2)^2 - |p1 + p2|^2. */
    double mass_tolerance;
} pipe_cleaner_config;

/* How many rows went where. */
typedef struct pipe_cleaner_report {
    int64_t rows_in, rows_out;
    int64_t nan, energy_below_momentum, mass_mismatch, charge;
    int64_t *range; /* caller-owned array of n_ranges counts (may be NULL when none) */
} pipe_cleaner_report;

/*
 * Clean table `in` (f64 rank 2 with column names) according to cfg. Returns
 * a new table (one reference, caller owns it) and fills *report; the caller
 * sets report->range to an array of cfg->n_ranges int64 first. On error
 * (a named column missing, out of memory) returns NULL with the message in
 * err.
 */
pipe_tensor *pipe_cleaner_apply(const pipe_tensor *in, const pipe_cleaner_config *cfg,
                                pipe_cleaner_report *report, char *err, size_t err_size);

/* ---- physics check (physics.c) ---- */

/* Columns the physics check reads, by name. */
extern const char *const pipe_cleaner_physics_names[9];

/* Nonzero when energy E is consistent with momentum (px, py, pz): E is not
 * below |p| by more than the relative tolerance. */
int pipe_cleaner_energy_ok(double e, double px, double py, double pz, double tolerance);

/* Nonzero when mass M agrees with the pair of four-momenta a and b (E, px,
 * py, pz each) within the tolerance on M^2 relative to (E1 + E2)^2. */
int pipe_cleaner_mass_ok(const double a[4], const double b[4], double m, double tolerance);

/* ---- range cuts (ranges.c) ---- */

/*
 * Read the `ranges` parameter, a mapping of column name to [min, max]
 * ({M: [2, 110], pt1: [5, .inf]}). On success returns 0 with a malloc'd
 * array in *out (column names borrowed from `value`). On error returns -1,
 * the message in err and the offending part of `value` in *bad.
 */
int pipe_cleaner_parse_ranges(const pipe_value *value, pipe_cleaner_range **out, size_t *n,
                              const pipe_value **bad, char *err, size_t err_size);

#ifdef __cplusplus
}
#endif
#endif /* PIPE_CLEANER_H */
