/*
 * csv_field.c — moving through CSV text: scanning one raw field (plain or
 * quoted with "" escapes, possibly spanning lines), delimiters, line ends,
 * and formatting "name:line:column: message" errors.
 */
#include "csv_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int vformat_error(const csv_error *e, int64_t line, int64_t column, const char *fmt,
                         va_list ap)
{
    if (!e->text || e->size == 0)
        return -1;
    int n =
        snprintf(e->text, e->size, "%s:%lld:%lld: ", e->name, (long long)line, (long long)column);
    if (n >= 0 && (size_t)n < e->size)
        vsnprintf(e->text + n, e->size - (size_t)n, fmt, ap);
    return -1;
}

int csv_error_at(const csv_error *e, int64_t line, int64_t column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vformat_error(e, line, column, fmt, ap);
    va_end(ap);
    return -1;
}

int csv_error_here(const csv_error *e, const csv_cursor *c, const char *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vformat_error(e, c->line, csv_column(c, at), fmt, ap);
    va_end(ap);
    return -1;
}

/* Spaces and tabs around a field are not part of it (unless the tab is
 * the delimiter). */
static int is_blank(const csv_cursor *c, char ch)
{
    return (ch == ' ' || ch == '\t') && ch != c->delimiter;
}

/* The rest of a quoted field, the cursor just after the opening quote.
 * Newlines inside the quotes start new lines. */
static int scan_quoted(csv_cursor *c, csv_field *f, const char *quote, const csv_error *e)
{
    int64_t quote_line = c->line;
    int64_t quote_column = csv_column(c, quote);
    f->begin = c->p;
    for (;;) {
        if (c->p >= c->end)
            return csv_error_at(e, quote_line, quote_column,
                                "unterminated quoted field: no closing '\"' before the end of "
                                "the file");
        char ch = *c->p++;
        if (ch == '\n') {
            c->line++;
            c->line_start = c->p;
        } else if (ch == '"') {
            if (c->p < c->end && *c->p == '"') {
                c->p++; /* "" is an escaped quote */
                continue;
            }
            f->end = c->p - 1;
            break;
        }
    }
    while (c->p < c->end && is_blank(c, *c->p))
        c->p++;
    if (!csv_at_line_end(c) && *c->p != c->delimiter)
        return csv_error_here(e, c, c->p,
                              "expected a delimiter '%c' or the end of the line after the "
                              "closing quote, found '%c'",
                              c->delimiter, *c->p);
    return 0;
}

int csv_scan_field(csv_cursor *c, csv_field *f, const csv_error *e)
{
    f->start = c->p;
    f->quoted = 0;
    while (c->p < c->end && is_blank(c, *c->p))
        c->p++;
    if (c->p < c->end && *c->p == '"') {
        f->quoted = 1;
        const char *quote = c->p++;
        return scan_quoted(c, f, quote, e);
    }
    f->begin = c->p;
    while (!csv_at_line_end(c) && *c->p != c->delimiter)
        c->p++;
    f->end = c->p;
    while (f->end > f->begin && is_blank(c, f->end[-1]))
        f->end--;
    return 0;
}

void csv_skip_line(csv_cursor *c)
{
    const char *newline = memchr(c->p, '\n', (size_t)(c->end - c->p));
    c->p = newline ? newline : c->end;
    csv_end_line(c);
}
