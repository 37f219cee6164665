/*
 * csv_header.c — the header line of a CSV file: column names (trimmed,
 * unquoted, a UTF-8 byte order mark skipped, empty names and duplicates
 * given unique names) and the selection of columns by name, with a
 * "did you mean" suggestion (pipe_suggest) when a name is not there.
 */
#include "csv_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A name with its position, for finding duplicates by sorting. */
typedef struct named_index {
    const char *name;
    int64_t index;
} named_index;

static int compare_named(const void *a, const void *b)
{
    const named_index *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* Copy a field's text, undoing "" escapes of a quoted field. */
static char *field_name(const csv_field *f)
{
    size_t n = (size_t)(f->end - f->begin);
    char *name = malloc(n + 1);
    if (!name)
        return NULL;
    size_t len = 0;
    for (const char *p = f->begin; p < f->end; p++) {
        name[len++] = *p;
        if (f->quoted && *p == '"' && p + 1 < f->end && p[1] == '"')
            p++;
    }
    name[len] = '\0';
    return name;
}

/* Append a name to h->names, growing it. Returns 0 or -1. */
static int append_name(csv_header *h, int64_t *capacity, char *name)
{
    if (!name)
        return -1;
    if (h->n_fields == *capacity) {
        int64_t grown = *capacity ? *capacity * 2 : 32;
        char **names = realloc(h->names, (size_t)grown * sizeof *names);
        if (!names) {
            free(name);
            return -1;
        }
        h->names = names;
        *capacity = grown;
    }
    h->names[h->n_fields++] = name;
    return 0;
}

static int scan_names(csv_cursor *c, csv_header *h, const csv_error *e)
{
    int64_t capacity = 0;
    do {
        csv_field f;
        if (csv_scan_field(c, &f, e) != 0)
            return -1;
        if (append_name(h, &capacity, field_name(&f)) != 0)
            return csv_error_here(e, c, f.start, "out of memory reading the header");
    } while (csv_next_field(c));
    csv_end_line(c);
    return 0;
}

/* "base.number", or "column_number" for an empty base (malloc'd). */
static char *numbered_name(const char *base, int64_t number)
{
    size_t n = strlen(base) + 32;
    char *name = malloc(n);
    if (name && base[0])
        snprintf(name, n, "%s.%lld", base, (long long)number);
    else if (name)
        snprintf(name, n, "column_%lld", (long long)number);
    return name;
}

/* Nonzero when `name` is one of the n sorted names. */
static int is_taken(const named_index *sorted, int64_t n, const char *name)
{
    named_index key = {name, -1};
    int64_t lo = 0, hi = n;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (compare_named(&sorted[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(sorted[lo].name, name) == 0;
}

/* New names for the repeats of each name, in *renamed (NULL: keep). The
 * 2nd, 3rd... use of a name becomes name.1, name.2... (as pandas does),
 * skipping names the header already has. */
static int number_repeats(const named_index *sorted, int64_t n, char **renamed)
{
    for (int64_t group = 0, next; group < n; group = next) {
        int64_t number = 0;
        for (next = group + 1; next < n && strcmp(sorted[next].name, sorted[group].name) == 0;
             next++) {
            char *name = NULL;
            do {
                free(name);
                name = numbered_name(sorted[group].name, ++number);
            } while (name && is_taken(sorted, n, name));
            if (!name)
                return -1;
            renamed[sorted[next].index] = name;
        }
    }
    return 0;
}

/* Empty names become column_N (1-based position), then repeated names are
 * numbered. Returns 0 or -1 (out of memory). */
static int make_names_unique(csv_header *h)
{
    int64_t n = h->n_fields;
    for (int64_t i = 0; i < n; i++) {
        if (h->names[i][0] == '\0') {
            char *name = numbered_name("", i + 1);
            if (!name)
                return -1;
            free(h->names[i]);
            h->names[i] = name;
        }
    }
    named_index *sorted = malloc((size_t)(n ? n : 1) * sizeof *sorted);
    char **renamed = calloc((size_t)(n ? n : 1), sizeof *renamed);
    int status = sorted && renamed ? 0 : -1;
    if (status == 0) {
        for (int64_t i = 0; i < n; i++)
            sorted[i] = (named_index){h->names[i], i};
        qsort(sorted, (size_t)n, sizeof *sorted, compare_named);
        status = number_repeats(sorted, n, renamed);
    }
    for (int64_t i = 0; renamed && i < n; i++) {
        if (renamed[i] && status == 0) {
            free(h->names[i]);
            h->names[i] = renamed[i];
        } else {
            free(renamed[i]);
        }
    }
    free(renamed);
    free(sorted);
    return status;
}

static int missing_column(const csv_header *h, const char *wanted_text, size_t length,
                          int64_t header_line, const csv_error *e)
{
    char wanted[256], suggestion[300], list[1024];
    snprintf(wanted, sizeof wanted, "%.*s", (int)length, wanted_text);
    size_t len = 0;
    list[0] = '\0';
    for (int64_t i = 0; i < h->n_fields && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", h->names[i]);
    pipe_suggest_text(wanted, (const char *const *)h->names, (size_t)h->n_fields, suggestion,
                      sizeof suggestion);
    return csv_error_at(e, header_line, 1, "no column '%s' in the header%s; the columns are: %s",
                        wanted, suggestion, list);
}

/* The length of `s` without surrounding spaces and tabs; *begin is set to
 * its first other character. */
static size_t trimmed_length(const char *s, const char **begin)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *begin = s;
    return n;
}

/* The field called `wanted` (trimmed), or h->n_fields. */
static int64_t find_field(const csv_header *h, const char *wanted, size_t n)
{
    int64_t i = 0;
    while (i < h->n_fields && !(strlen(h->names[i]) == n && memcmp(h->names[i], wanted, n) == 0))
        i++;
    return i;
}

static int select_columns(csv_header *h, const char *const *columns, size_t n_columns,
                          int64_t header_line, int64_t *bad_column, const csv_error *e)
{
    int64_t n = columns ? (int64_t)n_columns : h->n_fields;
    h->target = malloc((size_t)(h->n_fields ? h->n_fields : 1) * sizeof *h->target);
    h->source = malloc((size_t)(n ? n : 1) * sizeof *h->source);
    if (!h->target || !h->source)
        return csv_error_at(e, header_line, 1, "out of memory selecting columns");
    for (int64_t i = 0; i < h->n_fields; i++)
        h->target[i] = columns ? -1 : i;
    for (int64_t j = 0; j < n; j++) {
        int64_t i = j;
        if (columns) {
            const char *wanted;
            size_t length = trimmed_length(columns[j], &wanted);
            i = find_field(h, wanted, length);
            if (i == h->n_fields || h->target[i] >= 0)
                *bad_column = j;
            if (i == h->n_fields)
                return missing_column(h, wanted, length, header_line, e);
            if (h->target[i] >= 0)
                return csv_error_at(e, header_line, 1, "column '%.*s' is selected twice",
                                    (int)length, wanted);
        }
        h->target[i] = j;
        h->source[j] = i;
    }
    h->n_selected = n;
    return 0;
}

int csv_header_read(csv_cursor *c, const char *const *columns, size_t n_columns, csv_header *h,
                    int64_t *bad_column, const csv_error *e)
{
    memset(h, 0, sizeof *h);
    if (c->end - c->p >= 3 && memcmp(c->p, "\xEF\xBB\xBF", 3) == 0)
        c->line_start = c->p += 3; /* UTF-8 byte order mark */
    if (c->p >= c->end)
        return csv_error_here(e, c, c->p, "empty file: expected a header line with column names");
    if (csv_at_line_end(c))
        return csv_error_here(e, c, c->p,
                              "expected a header line with column names, found an empty line");
    int64_t header_line = c->line;
    if (scan_names(c, h, e) != 0)
        return -1;
    if (make_names_unique(h) != 0)
        return csv_error_at(e, header_line, 1, "out of memory reading the header");
    return select_columns(h, columns, n_columns, header_line, bad_column, e);
}

void csv_header_free(csv_header *h)
{
    for (int64_t i = 0; i < h->n_fields; i++)
        free(h->names[i]);
    free(h->names);
    free(h->target);
    free(h->source);
    memset(h, 0, sizeof *h);
}
