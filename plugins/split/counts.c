/*
 * counts.c — how many rows each part of a split gets: largest-remainder
 * rounding, plain and stratified. See split.h for the rules.
 */
#include "split.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int pipe_split_check_fractions(const double *fractions, size_t n, char *err, size_t err_size)
{
    if (n != 3) {
        snprintf(err, err_size, "expected 3 fractions [train, val, test], found %zu", n);
        return -1;
    }
    double sum = 0;
    for (size_t i = 0; i < 3; i++) {
        if (!(fractions[i] >= 0 && fractions[i] <= 1)) {
            snprintf(err, err_size, "fraction %zu is %g, expected a number in [0, 1]", i + 1,
                     fractions[i]);
            return -1;
        }
        sum += fractions[i];
    }
    if (fabs(sum - 1.0) > PIPE_SPLIT_SUM_TOLERANCE) {
        snprintf(err, err_size, "fractions [%g, %g, %g] sum to %.12g, expected 1 (within %g)",
                 fractions[0], fractions[1], fractions[2], sum, PIPE_SPLIT_SUM_TOLERANCE);
        return -1;
    }
    return 0;
}

/* The fractional part of a quota on a grid of 1e-9, so that remainders
 * equal but for rounding (1288 * 0.7 = 901.5999999999999 and 1288 * 0.2 =
 * 257.6) tie, and ties go to the earlier part as documented. */
static int64_t remainder_key(double quota)
{
    return llround((quota - floor(quota)) * 1e9);
}

void pipe_split_counts(int64_t n, const double fractions[3], int64_t counts[3])
{
    int64_t rest[3];
    int64_t left = n;
    for (int p = 0; p < 3; p++) {
        double quota = (double)n * fractions[p];
        counts[p] = (int64_t)floor(quota);
        rest[p] = remainder_key(quota);
        left -= counts[p];
    }
    /* left is 0, 1 or 2 (3 only if the fractions summed short of 1). */
    while (left > 0) {
        int best = 0;
        for (int p = 1; p < 3; p++)
            if (rest[p] > rest[best])
                best = p;
        counts[best]++;
        rest[best] = -1;
        left--;
    }
}

/* A (class, part) cell and the fractional part of its quota. */
typedef struct cell {
    size_t k;
    int part;
    int64_t rest; /* remainder_key() */
} cell;

static int by_rest_descending(const void *a, const void *b)
{
    const cell *x = a, *y = b;
    if (x->rest != y->rest)
        return x->rest < y->rest ? 1 : -1;
    if (x->k != y->k)
        return x->k < y->k ? -1 : 1;
    return x->part - y->part;
}

/* The rounding state: which cells are rounded up, what classes and parts
 * still need. A cell may be rounded up only when its quota has a fraction. */
typedef struct rounding {
    size_t n_classes;
    const double *rest; /* 3 per class */
    uint8_t *up;        /* 3 per class */
    int64_t *need_class;
    int64_t need_part[3];
} rounding;

static int can_raise(const rounding *r, size_t k, int p)
{
    return r->rest[3 * k + (size_t)p] > 0 && !r->up[3 * k + (size_t)p];
}

/* Find a chain that lets class k0 round one more cell up: k0 raises a cell
 * of part q1; if q1 needs nothing more, some class k lowers its cell of q1
 * and raises one of q2, and so on until a part that still needs a row
 * (an augmenting path; with 3 parts it visits each part at most once).
 * Applies it and returns 1, or returns 0 when there is none. */
static int augment(rounding *r, size_t k0)
{
    int parent[3] = {-1, -1, -1}, queue[3], head = 0, tail = 0;
    size_t via[3];
    for (int q = 0; q < 3; q++)
        if (can_raise(r, k0, q)) {
            parent[q] = 3; /* reached from k0 */
            via[q] = k0;
            queue[tail++] = q;
        }
    while (head < tail && r->need_part[queue[head]] == 0) {
        int p = queue[head++];
        for (size_t k = 0; k < r->n_classes && tail < 3; k++)
            for (int q = 0; q < 3; q++)
                if (parent[q] < 0 && r->up[3 * k + (size_t)p] && can_raise(r, k, q)) {
                    parent[q] = p;
                    via[q] = k;
                    queue[tail++] = q;
                }
    }
    if (head == tail)
        return 0;
    int end = queue[head];
    for (int q = end; q != 3; q = parent[q]) {
        r->up[3 * via[q] + (size_t)q] = 1;
        if (parent[q] != 3)
            r->up[3 * via[q] + (size_t)parent[q]] = 0;
    }
    r->need_class[k0]--;
    r->need_part[end]--;
    return 1;
}

/* Round cells up until every class and part has its count: first greedily
 * by largest remainder, then by augmenting paths (a solution always
 * exists: see docs/stages/split.md). Returns 0, or -1 if none was found. */
static int round_up(rounding *r, cell *cells)
{
    size_t n_cells = 3 * r->n_classes;
    qsort(cells, n_cells, sizeof *cells, by_rest_descending);
    for (size_t i = 0; i < n_cells; i++) {
        size_t k = cells[i].k;
        int p = cells[i].part;
        if (r->need_class[k] > 0 && r->need_part[p] > 0 && can_raise(r, k, p)) {
            r->up[3 * k + (size_t)p] = 1;
            r->need_class[k]--;
            r->need_part[p]--;
        }
    }
    for (size_t k = 0; k < r->n_classes; k++)
        while (r->need_class[k] > 0)
            if (!augment(r, k))
                return -1;
    return 0;
}

int pipe_split_stratified_counts(const int64_t *sizes, size_t n_classes, const double fractions[3],
                                 int64_t *counts)
{
    int64_t total = 0;
    for (size_t k = 0; k < n_classes; k++)
        total += sizes[k];
    rounding r = {.n_classes = n_classes};
    pipe_split_counts(total, fractions, r.need_part);
    cell *cells = malloc((3 * n_classes + 1) * sizeof *cells);
    double *rest = malloc((3 * n_classes + 1) * sizeof *rest);
    r.up = calloc(3 * n_classes + 1, 1);
    r.need_class = malloc((n_classes + 1) * sizeof *r.need_class);
    r.rest = rest;
    int status = cells && rest && r.up && r.need_class ? 0 : -1;
    for (size_t k = 0; status == 0 && k < n_classes; k++) {
        r.need_class[k] = sizes[k];
        for (int p = 0; p < 3; p++) {
            size_t i = 3 * k + (size_t)p;
            double quota = (double)sizes[k] * fractions[p];
            counts[i] = (int64_t)floor(quota);
            rest[i] = quota - (double)counts[i];
            r.need_class[k] -= counts[i];
            r.need_part[p] -= counts[i];
            cells[i] = (cell){k, p, remainder_key(quota)};
        }
    }
    if (status == 0)
        status = round_up(&r, cells);
    for (size_t i = 0; status == 0 && i < 3 * n_classes; i++)
        counts[i] += r.up[i];
    free(cells);
    free(rest);
    free(r.up);
    free(r.need_class);
    return status;
}
