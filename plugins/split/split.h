/*
 * split.h — pipe_split: the logic of the `split` stage. Assigns each of N
 * rows to train, validation or test (PIPE_PART_*) at random from a seeded
 * RNG, with exact counts, optionally stratified by a class label.
 *
 * Counts. The counts of the three parts are N * fraction rounded by the
 * largest-remainder method: each part first gets floor(N * f); the rows
 * left over go one each to the parts with the largest fractional parts
 * (compared to 1e-9, so that rounding noise does not decide; ties go to
 * the earlier part: train, then val, then test). The counts therefore
 * always sum to N and each is within 1 of N * f.
 *
 * Stratified. The part counts are the same as above; each class k of n_k
 * rows gets floor(n_k * f) rows of each part, and the remaining rows go
 * to the (class, part) cells with the largest fractional parts of
 * n_k * f, as long as both the class and the part still need rows. So
 * every class keeps its proportion in every part to within one row, and
 * the part totals equal the unstratified ones.
 *
 * Link the static library `pipe_split_core` and include "split.h".
 */
#ifndef PIPE_SPLIT_H
#define PIPE_SPLIT_H

#include <pipe/pipe.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How far from 1 the fractions may sum. */
#define PIPE_SPLIT_SUM_TOLERANCE 1e-9

/* One class of a stratified split. */
typedef struct pipe_split_class {
    double label;
    int64_t size;
    int64_t counts[3]; /* rows of the class in train, val, test */
} pipe_split_class;

/* What a split did. */
typedef struct pipe_split_result {
    int64_t counts[3];         /* rows in train, val, test */
    pipe_split_class *classes; /* malloc'd, sorted by label; NULL when not stratified */
    size_t n_classes;
} pipe_split_result;

/* Check that there are 3 fractions in [0, 1] summing to 1 within
 * PIPE_SPLIT_SUM_TOLERANCE. Returns 0, or -1 with the reason in err. */
int pipe_split_check_fractions(const double *fractions, size_t n, char *err, size_t err_size);

/* Part counts of n rows by the largest-remainder method. */
void pipe_split_counts(int64_t n, const double fractions[3], int64_t counts[3]);

/* Counts of a stratified split: sizes[k] rows in class k (k < n_classes);
 * writes counts[3 * k + part]. Rows of each class and of each part add up
 * as described at the top of this file. Returns 0, or -1 when out of
 * memory. */
int pipe_split_stratified_counts(const int64_t *sizes, size_t n_classes, const double fractions[3],
                                 int64_t *counts);

/* Assign each of n rows a part in parts[n]. With labels (n values, no NaN)
 * the split is stratified by label value. Returns 0, or -1 with the reason
 * in err (a NaN label, out of memory). Free the result with
 * pipe_split_result_free. */
int pipe_split_assign(int64_t n, const double *labels, const double fractions[3], pipe_rng *rng,
                      uint8_t *parts, pipe_split_result *result, char *err, size_t err_size);

void pipe_split_result_free(pipe_split_result *result);

#ifdef __cplusplus
}
#endif
#endif /* PIPE_SPLIT_H */
