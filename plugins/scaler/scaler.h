/*
 * scaler.h — pipe_scaler: the logic of the `scaler` stage. Fits a
 * per-column scaling on some rows of a table and applies it to all rows,
 * the way scikit-learn's StandardScaler and MinMaxScaler do:
 *
 *   standard: x' = (x - mean) / std, std the population std (ddof = 0);
 *             a constant column gets scale 1 (scikit-learn's test:
 *             var <= n eps var + (n mean eps)^2).
 *   minmax:   x' = (x - min) / (max - min); a range below 10 eps counts
 *             as 1, like scikit-learn.
 *
 * NaN values are left out of the fit and stay NaN when applied. Finite
 * values near DBL_MAX never overflow to inf: the moments are then taken
 * on values divided by the column's largest magnitude, and a difference
 * (x - mean, max - min) that overflows is taken on halves.
 *
 * The fitted scaling is a table of 2 rows with one column per scaled
 * column (same names): rows (mean, scale) for standard, where scale is
 * the std or 1 for a constant column (scikit-learn's scale_), and rows
 * (min, max) for minmax. Saved and given back, it re-applies the scaling.
 *
 * Link the static library `pipe_scaler_core` and include "scaler.h".
 */
#ifndef PIPE_SCALER_H
#define PIPE_SCALER_H

#include <pipe/pipe.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pipe_scaler_method {
    PIPE_SCALER_STANDARD = 0,
    PIPE_SCALER_MINMAX,
} pipe_scaler_method;

/*
 * Fit the scaling of the n_cols columns `cols` of `table` on the rows r
 * with use[r] != 0 (use NULL: every row). Returns the 2 x n_cols scaling
 * table (one reference, caller owns it), or NULL with the reason in err
 * (no rows to fit on, a column with only NaN, out of memory).
 */
pipe_tensor *pipe_scaler_fit(const pipe_tensor *table, const int64_t *cols, int64_t n_cols,
                             const uint8_t *use, pipe_scaler_method method, char *err,
                             size_t err_size);

/* The reductions over the processes that share a table's rows (filled
 * from the SDK's pipe_fold_ranks / pipe_reduce_max by the stage). */
typedef struct pipe_scaler_comm {
    void *user;
    void (*fold)(void *user, double *values, size_t n, void (*step)(void *, double *),
                 void *step_user);
    void (*max)(void *user, double *values, size_t n);
} pipe_scaler_comm;

/*
 * pipe_scaler_fit on a table of which this process holds some rows (and
 * `use` their mask), the processes before it in the fold the rows before
 * them: every process calls it and gets the same scaling, bit for bit the
 * one pipe_scaler_fit makes of the whole table (scaler_shared.c).
 */
pipe_tensor *pipe_scaler_fit_shared(const pipe_tensor *table, const int64_t *cols, int64_t n_cols,
                                    const uint8_t *use, pipe_scaler_method method,
                                    const pipe_scaler_comm *comm, char *err, size_t err_size);

/*
 * Apply a scaling table (from pipe_scaler_fit, or saved) to `table`: each
 * of its columns is found by name and scaled, the other columns are
 * copied. Returns a new table, or NULL with the reason in err (a column
 * missing, a scaling table of the wrong shape, out of memory).
 */
pipe_tensor *pipe_scaler_apply(const pipe_tensor *table, const pipe_tensor *scaling,
                               pipe_scaler_method method, char *err, size_t err_size);

/* What applying column c of a scaling table's data (2 rows of n_cols)
 * computes, x' = (x - offset) / divisor, and half the divisor computed
 * from halves (finite when max - min overflows): the ONNX export of a
 * network folds the same transform into the model. */
void pipe_scaler_column_transform(const double *scaling, int64_t n_cols, int64_t c,
                                  pipe_scaler_method method, double *offset, double *divisor,
                                  double *half);

/* scikit-learn's test for a constant feature from its variance and mean
 * over n samples. */
int pipe_scaler_is_constant(double var, double mean, int64_t n);

#ifdef __cplusplus
}
#endif
#endif /* PIPE_SCALER_H */
