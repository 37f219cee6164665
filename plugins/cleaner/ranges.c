/*
 * ranges.c — reading the cleaner's `ranges` parameter, a mapping of column
 * name to [min, max], with errors pointing at the offending sub-value.
 */
#include "cleaner.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Parse a YAML number (also .inf, -.inf, inf, -inf). Returns 0 or -1. */
static int parse_bound(const char *text, double *out)
{
    if (strcasecmp(text, ".inf") == 0 || strcasecmp(text, "+.inf") == 0) {
        *out = INFINITY;
        return 0;
    }
    if (strcasecmp(text, "-.inf") == 0) {
        *out = -INFINITY;
        return 0;
    }
    char *end = NULL;
    errno = 0;
    *out = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || isnan(*out))
        return -1;
    return 0;
}

static const char *kind_name(pipe_value_kind kind)
{
    return kind == PIPE_VALUE_SCALAR ? "a scalar"
           : kind == PIPE_VALUE_LIST ? "a list"
                                     : "a mapping";
}

/* Read one `column: [min, max]` item into *range. */
static int parse_range(const char *column, const pipe_value *item, pipe_cleaner_range *range,
                       const pipe_value **bad, char *err, size_t err_size)
{
    range->column = column;
    if (item->kind != PIPE_VALUE_LIST || item->count != 2) {
        *bad = item;
        if (item->kind == PIPE_VALUE_LIST)
            snprintf(err, err_size, "range of '%s': expected [min, max], found a list of %zu",
                     column, item->count);
        else
            snprintf(err, err_size, "range of '%s': expected [min, max], found %s", column,
                     kind_name(item->kind));
        return -1;
    }
    double bounds[2];
    for (size_t k = 0; k < 2; k++) {
        const pipe_value *v = &item->items[k];
        if (v->kind != PIPE_VALUE_SCALAR || parse_bound(v->scalar, &bounds[k]) != 0) {
            *bad = v;
            snprintf(err, err_size, "range of '%s': expected a number for %s, found %s%s%s", column,
                     k == 0 ? "min" : "max", v->kind == PIPE_VALUE_SCALAR ? "'" : "",
                     v->kind == PIPE_VALUE_SCALAR ? v->scalar : kind_name(v->kind),
                     v->kind == PIPE_VALUE_SCALAR ? "'" : "");
            return -1;
        }
    }
    if (bounds[0] > bounds[1]) {
        *bad = item;
        snprintf(err, err_size, "range of '%s': min %g is above max %g", column, bounds[0],
                 bounds[1]);
        return -1;
    }
    range->lo = bounds[0];
    range->hi = bounds[1];
    return 0;
}

int pipe_cleaner_parse_ranges(const pipe_value *value, pipe_cleaner_range **out, size_t *n,
                              const pipe_value **bad, char *err, size_t err_size)
{
    *out = NULL;
    *n = 0;
    if (value->kind != PIPE_VALUE_MAP) {
        *bad = value;
        snprintf(err, err_size, "expected a mapping of column: [min, max], found %s",
                 kind_name(value->kind));
        return -1;
    }
    pipe_cleaner_range *ranges = calloc(value->count > 0 ? value->count : 1, sizeof *ranges);
    if (!ranges) {
        *bad = value;
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < value->count; i++) {
        if (parse_range(value->keys[i], &value->items[i], &ranges[i], bad, err, err_size) != 0) {
            free(ranges);
            return -1;
        }
    }
    *out = ranges;
    *n = value->count;
    return 0;
}
