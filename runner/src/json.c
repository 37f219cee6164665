/*
 * json.c — the little JSON writing the runner needs (metrics.json,
 * run.json): strings with escapes, numbers that round-trip, null for
 * values JSON cannot hold, and parameter values.
 */
#include "core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pipe_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(f, "\\%c", *c);
        else if (*c == '\n')
            fputs("\\n", f);
        else if (*c == '\t')
            fputs("\\t", f);
        else if (*c < 0x20)
            fprintf(f, "\\u%04x", *c);
        else
            fputc(*c, f);
    }
    fputc('"', f);
}

void pipe_json_number(FILE *f, double v)
{
    if (!isfinite(v)) {
        fputs("null", f);
        return;
    }
    if (v == floor(v) && fabs(v) < 1e15) {
        fprintf(f, "%.0f", v);
        return;
    }
    char buf[40];
    /* The shortest precision that reads back as the same double. */
    for (int prec = 6; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, f);
}

void pipe_json_indent(FILE *f, int depth)
{
    fputc('\n', f);
    for (int i = 0; i < depth; i++)
        fputs("  ", f);
}

static int is_number(const char *s)
{
    char *end = NULL;
    if (!*s)
        return 0;
    double x = strtod(s, &end);
    return *end == '\0' && isfinite(x);
}

static void write_value(FILE *f, const pipe_value *v)
{
    if (v->kind == PIPE_VALUE_SCALAR) {
        if (is_number(v->scalar))
            fputs(v->scalar, f);
        else
            pipe_json_string(f, v->scalar);
        return;
    }
    fputc(v->kind == PIPE_VALUE_LIST ? '[' : '{', f);
    for (size_t i = 0; i < v->count; i++) {
        if (i)
            fputs(", ", f);
        if (v->kind == PIPE_VALUE_MAP) {
            pipe_json_string(f, v->keys[i]);
            fputs(": ", f);
        }
        write_value(f, &v->items[i]);
    }
    fputc(v->kind == PIPE_VALUE_LIST ? ']' : '}', f);
}

void pipe_param_write_json(FILE *f, const pipe_param_val *v)
{
    switch (v->decl->type) {
    case PIPE_PARAM_INT:
        fprintf(f, "%lld", (long long)v->i);
        return;
    case PIPE_PARAM_FLOAT:
        pipe_json_number(f, v->f);
        return;
    case PIPE_PARAM_BOOL:
        fputs(v->i ? "true" : "false", f);
        return;
    case PIPE_PARAM_STRING:
    case PIPE_PARAM_CHOICE:
        pipe_json_string(f, v->s);
        return;
    case PIPE_PARAM_MAP:
        write_value(f, v->value);
        return;
    default:
        break;
    }
    fputc('[', f);
    for (size_t i = 0; i < v->n; i++) {
        if (i)
            fputs(", ", f);
        if (v->ints)
            fprintf(f, "%lld", (long long)v->ints[i]);
        else if (v->floats)
            pipe_json_number(f, v->floats[i]);
        else
            pipe_json_string(f, v->strings[i]);
    }
    fputc(']', f);
}
