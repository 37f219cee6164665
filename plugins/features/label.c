/*
 * label.c — reading the `label` parameter of the features stage, a
 * mapping {column: M, window: [80, 100], name: is_z}, with errors pointing
 * at the offending part.
 */
#include "features_core.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const pipe_value *where, const pipe_value **bad, char *err, size_t err_size,
                const char *message)
{
    *bad = where;
    snprintf(err, err_size, "%s", message);
    return -1;
}

static int parse_number(const pipe_value *v, double *out)
{
    if (v->kind != PIPE_VALUE_SCALAR)
        return -1;
    char *end = NULL;
    errno = 0;
    *out = strtod(v->scalar, &end);
    return end == v->scalar || *end != '\0' || errno == ERANGE || isnan(*out) ? -1 : 0;
}

/* Read window: [lo, hi] into out. */
static int parse_window(const pipe_value *window, pipe_features_label *out, const pipe_value **bad,
                        char *err, size_t err_size)
{
    if (window->kind != PIPE_VALUE_LIST || window->count != 2)
        return fail(window, bad, err, err_size, "window: expected [min, max]");
    if (parse_number(&window->items[0], &out->lo) != 0)
        return fail(&window->items[0], bad, err, err_size, "window: expected a number for min");
    if (parse_number(&window->items[1], &out->hi) != 0)
        return fail(&window->items[1], bad, err, err_size, "window: expected a number for max");
    if (out->lo > out->hi) {
        *bad = window;
        snprintf(err, err_size, "window: min %g is above max %g", out->lo, out->hi);
        return -1;
    }
    return 0;
}

/* Reject keys other than column, window and name. */
static int check_keys(const pipe_value *value, const pipe_value **bad, char *err, size_t err_size)
{
    static const char *const known[] = {"column", "window", "name"};
    for (size_t i = 0; i < value->count; i++) {
        const char *key = value->keys[i];
        if (strcmp(key, known[0]) && strcmp(key, known[1]) && strcmp(key, known[2])) {
            char hint[128];
            *bad = &value->items[i];
            snprintf(err, err_size, "unknown key '%s'%s; expected column, window and name", key,
                     pipe_suggest_text(key, known, 3, hint, sizeof hint));
            return -1;
        }
    }
    return 0;
}

int pipe_features_parse_label(const pipe_value *value, pipe_features_label *out,
                              const pipe_value **bad, char *err, size_t err_size)
{
    *out = (pipe_features_label){.name = "label"};
    if (value->kind != PIPE_VALUE_MAP)
        return fail(value, bad, err, err_size,
                    "expected a mapping {column: M, window: [80, 100], name: is_z}");
    if (value->count == 0)
        return 0;
    if (check_keys(value, bad, err, err_size) != 0)
        return -1;
    const pipe_value *column = pipe_value_get(value, "column");
    const pipe_value *window = pipe_value_get(value, "window");
    const pipe_value *name = pipe_value_get(value, "name");
    if (!column || column->kind != PIPE_VALUE_SCALAR || !column->scalar[0])
        return fail(column ? column : value, bad, err, err_size,
                    "column: expected the name of the column the window applies to");
    if (!window)
        return fail(value, bad, err, err_size, "window: missing, expected [min, max]");
    if (name && (name->kind != PIPE_VALUE_SCALAR || !name->scalar[0]))
        return fail(name, bad, err, err_size, "name: expected the name of the label column");
    if (parse_window(window, out, bad, err, err_size) != 0)
        return -1;
    out->column = column->scalar;
    if (name)
        out->name = name->scalar;
    return 0;
}
