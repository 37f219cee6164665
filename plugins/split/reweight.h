/*
 * reweight.h — pipe_reweight: event weights that make the distribution
 * of two variables (pT, η) flat for each class, as weaver's and ATLAS's
 * preprocessing offer, so that a classifier cannot tell the classes
 * apart by their kinematics alone.
 *
 * The (u, v) plane is cut into bins[0] × bins[1] equal bins spanning the
 * smallest to the largest value of every row (the last bin closed). Class
 * c's histogram H_c sums the rows' starting weights w in each bin. Row r
 * of class c in bin b gets w_r · T_c / H_c(b), where T_c = Σ_b H_c(b) / B_c
 * and B_c is the number of bins holding rows of class c: every such bin
 * then holds the same weight T_c, and the class keeps its total Σ w.
 * Weights must be >= 0 (a histogram of negative weights cannot be
 * inverted); rows of weight 0 keep 0.
 */
#ifndef PIPE_REWEIGHT_H
#define PIPE_REWEIGHT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Flat weights for n rows with variables u and v, class labels (NULL: one
 * class) and starting weights w (NULL: 1), into out (n values). Returns
 * 0, or -1 with the reason in err (a negative or non-finite weight or
 * variable, naming its row; out of memory).
 */
int pipe_reweight_flat(const double *u, const double *v, const double *labels, const double *w,
                       int64_t n, const int bins[2], double *out, char *err, size_t err_size);

#endif
