/*
 * split.c — pipe_split_assign: shuffle the rows (all of them, or each
 * class separately) with the stage's RNG and deal them out to train, val
 * and test in the counts of counts.c.
 */
#include "split.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Shuffle rows[0..n) and mark the first counts[0] train, the next
 * counts[1] val, the rest test. */
static void deal(pipe_rng *rng, int64_t *rows, int64_t n, const int64_t counts[3], uint8_t *parts)
{
    pipe_rng_shuffle(rng, rows, n);
    for (int64_t i = 0; i < n; i++)
        parts[rows[i]] = i < counts[0]               ? PIPE_PART_TRAIN
                         : i < counts[0] + counts[1] ? PIPE_PART_VAL
                                                     : PIPE_PART_TEST;
}

/* A row and its label, sorted by label then row: each class is then one
 * contiguous run, in an order that does not depend on the sort. */
typedef struct labelled_row {
    double label;
    int64_t row;
} labelled_row;

static int by_label(const void *a, const void *b)
{
    const labelled_row *x = a, *y = b;
    if (x->label != y->label)
        return x->label < y->label ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* Sort the rows by label into sorted[n] (rows[n] gets the row numbers) and
 * count the classes. Returns the class count, or 0 for a NaN label (the
 * row in *nan_row). */
static size_t group_rows(int64_t n, const double *labels, labelled_row *sorted, int64_t *rows,
                         int64_t *nan_row)
{
    for (int64_t i = 0; i < n; i++) {
        if (isnan(labels[i])) {
            *nan_row = i;
            return 0;
        }
        sorted[i] = (labelled_row){labels[i], i};
    }
    qsort(sorted, (size_t)n, sizeof *sorted, by_label);
    size_t n_classes = 0;
    for (int64_t i = 0; i < n; i++) {
        rows[i] = sorted[i].row;
        n_classes += i == 0 || sorted[i].label != sorted[i - 1].label;
    }
    return n_classes;
}

/* Fill the classes (label, size) from the sorted rows. */
static void describe_classes(const labelled_row *sorted, int64_t n, pipe_split_class *classes)
{
    size_t k = 0;
    for (int64_t i = 0; i < n; i++) {
        if (i > 0 && sorted[i].label != sorted[i - 1].label)
            k++;
        classes[k].label = sorted[i].label;
        classes[k].size++;
    }
}

static int out_of_memory(char *err, size_t err_size)
{
    snprintf(err, err_size, "out of memory");
    return -1;
}

/* Describe the n_classes classes of the sorted rows in result, with the
 * counts of each part. Returns 0 or -1 (out of memory). */
static int count_classes(const labelled_row *sorted, int64_t n, size_t n_classes,
                         const double fractions[3], pipe_split_result *result)
{
    result->classes = calloc(n_classes + 1, sizeof *result->classes);
    int64_t *sizes = malloc((n_classes + 1) * sizeof *sizes);
    int64_t *counts = malloc((3 * n_classes + 1) * sizeof *counts);
    int status = -1;
    if (result->classes && sizes && counts) {
        result->n_classes = n_classes;
        describe_classes(sorted, n, result->classes);
        for (size_t k = 0; k < n_classes; k++)
            sizes[k] = result->classes[k].size;
        status = pipe_split_stratified_counts(sizes, n_classes, fractions, counts);
    }
    for (size_t k = 0; status == 0 && k < n_classes; k++)
        for (int p = 0; p < 3; p++) {
            result->classes[k].counts[p] = counts[3 * k + (size_t)p];
            result->counts[p] += counts[3 * k + (size_t)p];
        }
    free(sizes);
    free(counts);
    return status;
}

static int assign_stratified(int64_t n, const double *labels, const double fractions[3],
                             pipe_rng *rng, uint8_t *parts, pipe_split_result *result, char *err,
                             size_t err_size)
{
    labelled_row *sorted = malloc((size_t)(n + 1) * sizeof *sorted);
    int64_t *rows = malloc((size_t)(n + 1) * sizeof *rows);
    int status = -1;
    if (!sorted || !rows) {
        status = out_of_memory(err, err_size);
    } else {
        int64_t nan_row = -1;
        size_t n_classes = group_rows(n, labels, sorted, rows, &nan_row);
        if (nan_row >= 0)
            snprintf(err, err_size,
                     "the label of row %lld is NaN: stratifying needs a class "
                     "label on every row",
                     (long long)nan_row);
        else if (count_classes(sorted, n, n_classes, fractions, result) != 0)
            out_of_memory(err, err_size);
        else
            status = 0;
    }
    int64_t first = 0;
    for (size_t k = 0; status == 0 && k < result->n_classes; k++) {
        const pipe_split_class *c = &result->classes[k];
        deal(rng, rows + first, c->size, c->counts, parts);
        first += c->size;
    }
    free(rows);
    free(sorted);
    return status;
}

int pipe_split_assign(int64_t n, const double *labels, const double fractions[3], pipe_rng *rng,
                      uint8_t *parts, pipe_split_result *result, char *err, size_t err_size)
{
    *result = (pipe_split_result){0};
    if (labels)
        return assign_stratified(n, labels, fractions, rng, parts, result, err, err_size);
    int64_t *rows = malloc((size_t)(n + 1) * sizeof *rows);
    if (!rows)
        return out_of_memory(err, err_size);
    for (int64_t i = 0; i < n; i++)
        rows[i] = i;
    pipe_split_counts(n, fractions, result->counts);
    deal(rng, rows, n, result->counts, parts);
    free(rows);
    return 0;
}

void pipe_split_result_free(pipe_split_result *result)
{
    free(result->classes);
    result->classes = NULL;
    result->n_classes = 0;
}
