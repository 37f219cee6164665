/*
 * doc_check.c — reading parameter tables, `pipe inspect` output, commands
 * and pipelines out of documentation text. See doc_check.h.
 */
#include "doc_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void doc_list_push(doc_list *l, const char *text, size_t len)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->items = realloc(l->items, l->cap * sizeof *l->items);
    }
    char *copy = malloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    l->items[l->n++] = copy;
}

void doc_list_free(doc_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static void params_push(doc_params *p, const char *name, size_t name_len, const char *def,
                        size_t def_len)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 16;
        p->items = realloc(p->items, p->cap * sizeof *p->items);
    }
    doc_param *d = &p->items[p->n++];
    d->name = strndup(name, name_len);
    d->def = strndup(def, def_len);
}

void doc_params_free(doc_params *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->items[i].name);
        free(p->items[i].def);
    }
    free(p->items);
    memset(p, 0, sizeof *p);
}

/* The end of the line that starts at s. */
static const char *line_end(const char *s)
{
    const char *e = strchr(s, '\n');
    return e ? e : s + strlen(s);
}

static const char *next_line(const char *s)
{
    const char *e = line_end(s);
    return *e ? e + 1 : e;
}

int doc_inspect_params(const char *inspect, doc_params *out)
{
    const char *s = strstr(inspect, "\nParameters:\n");
    if (!s)
        return -1;
    for (s = next_line(s + 1); *s && strncmp(s, "Inputs:", 7) != 0; s = next_line(s)) {
        /* "  name  type [list]  default X; range ..." or "... required" */
        if (strncmp(s, "  ", 2) != 0 || s[2] == ' ' || s[2] == '(' || s[2] == '\n')
            continue;
        const char *end = line_end(s), *name = s + 2, *p = name;
        while (p < end && *p != ' ')
            p++;
        size_t name_len = (size_t)(p - name);
        while (p < end && *p == ' ')
            p++;
        while (p < end && *p != ' ') /* the type */
            p++;
        if (strncmp(p, " list", 5) == 0)
            p += 5;
        while (p < end && *p == ' ')
            p++;
        const char *def = p;
        size_t def_len = 0;
        if (strncmp(p, "default ", 8) == 0) {
            def = p + 8;
            const char *semi = strstr(def, "; ");
            def_len = (size_t)((semi && semi < end ? semi : end) - def);
        } else if (strncmp(p, "required", 8) == 0)
            def_len = 8;
        params_push(out, name, name_len, def, def_len);
    }
    return 0;
}

/* The text of a table cell without surrounding spaces and backticks, with
 * "\|" unescaped (malloc'd). */
static char *cell_text(const char *start, const char *end)
{
    while (start < end && *start == ' ')
        start++;
    while (end > start && end[-1] == ' ')
        end--;
    if (end - start >= 2 && *start == '`' && end[-1] == '`') {
        start++;
        end--;
    }
    char *text = malloc((size_t)(end - start) + 1), *w = text;
    for (const char *r = start; r < end; r++) {
        if (r[0] == '\\' && r + 1 < end && r[1] == '|')
            continue;
        *w++ = *r;
    }
    *w = '\0';
    return text;
}

/* Where the cell after the one starting at s ends: the next '|' that is not
 * escaped as "\|", or the line's end. */
static const char *cell_end(const char *s, const char *end)
{
    for (; s < end; s++)
        if (*s == '|' && s[-1] != '\\')
            return s;
    return end;
}

int doc_page_params(const char *page, doc_params *out)
{
    const char *s = strstr(page, "\n## Parameters\n");
    if (!s)
        return -1;
    for (s = next_line(s + 1); *s && strncmp(s, "## ", 3) != 0; s = next_line(s)) {
        if (strncmp(s, "| `", 3) != 0)
            continue;
        const char *end = line_end(s);
        const char *c1 = s + 1, *e1 = cell_end(c1, end);
        const char *c2 = e1 + 1, *e2 = cell_end(c2, end);
        const char *c3 = e2 + 1, *e3 = cell_end(c3, end);
        if (e3 >= end)
            continue;
        char *name = cell_text(c1, e1), *def = cell_text(c3, e3);
        params_push(out, name, strlen(name), def, strlen(def));
        free(name);
        free(def);
    }
    return 0;
}

static const doc_param *find_param(const doc_params *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->items[i].name, name) == 0)
            return &p->items[i];
    return NULL;
}

/* Append to a growing message. */
static void append(char **msg, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    size_t old = *msg ? strlen(*msg) : 0;
    int add = vsnprintf(NULL, 0, fmt, ap);
    *msg = realloc(*msg, old + (size_t)add + 1);
    vsnprintf(*msg + old, (size_t)add + 1, fmt, ap2);
    va_end(ap);
    va_end(ap2);
}

char *doc_compare_params(const char *page_name, const doc_params *page, const doc_params *declared)
{
    char *msg = NULL;
    for (size_t i = 0; i < declared->n; i++)
        if (!find_param(page, declared->items[i].name))
            append(&msg, "%s: parameter '%s' is declared but not listed\n", page_name,
                   declared->items[i].name);
    for (size_t i = 0; i < page->n; i++) {
        const doc_param *d = find_param(declared, page->items[i].name);
        if (!d)
            append(&msg, "%s: parameter '%s' is listed but not declared\n", page_name,
                   page->items[i].name);
        else if (strcmp(d->def, page->items[i].def) != 0)
            append(&msg, "%s: parameter '%s': the page gives the default '%s', the stage '%s'\n",
                   page_name, d->name, page->items[i].def, d->def);
    }
    if (!msg && page->n == declared->n)
        for (size_t i = 0; i < page->n; i++)
            if (strcmp(page->items[i].name, declared->items[i].name) != 0) {
                append(&msg, "%s: parameter %zu is '%s' on the page, '%s' in pipe inspect\n",
                       page_name, i + 1, page->items[i].name, declared->items[i].name);
                break;
            }
    if (!msg && page->n != declared->n)
        append(&msg, "%s: %zu parameter rows for %zu declared parameters\n", page_name, page->n,
               declared->n);
    return msg;
}

/* Is the line at s a code fence (``` after optional indentation)? Returns
 * where the fence starts, or NULL. */
static const char *fence_at(const char *s)
{
    while (*s == ' ')
        s++;
    return strncmp(s, "```", 3) == 0 ? s : NULL;
}

static int is_var_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Skip leading spaces and VAR=value assignments; return where the program
 * name starts. */
static const char *skip_assignments(const char *s, const char *end)
{
    for (;;) {
        while (s < end && *s == ' ')
            s++;
        const char *p = s;
        while (p < end && is_var_char(*p))
            p++;
        if (p == s || p >= end || *p != '=')
            return s;
        while (p < end && *p != ' ')
            p++;
        s = p;
    }
}

/* If [s, end) is a pipe command (after assignments), push it. */
static void push_command(doc_list *out, const char *file, int line, const char *s, const char *end)
{
    const char *comment = NULL;
    for (const char *p = s; p + 1 < end; p++)
        if (p[0] == ' ' && p[1] == '#') {
            comment = p;
            break;
        }
    if (comment)
        end = comment;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    const char *prog = skip_assignments(s, end);
    const char *gap = strstr(prog, "   "); /* a synopsis line's description */
    if (gap && gap < end)
        end = gap;
    if (!(end - prog >= 11 && strncmp(prog, "build/pipe ", 11) == 0) &&
        !(end - prog >= 5 && strncmp(prog, "pipe ", 5) == 0))
        return;
    char head[4096];
    int n = snprintf(head, sizeof head, "%s:%d: %.*s", file, line, (int)(end - s), s);
    if (n > 0 && (size_t)n < sizeof head)
        doc_list_push(out, head, (size_t)n);
}

void doc_page_commands(const char *page, const char *file, doc_list *out)
{
    int in_block = 0, line = 1;
    for (const char *s = page; *s; s = next_line(s), line++) {
        const char *end = line_end(s);
        if (fence_at(s)) {
            in_block = !in_block;
            continue;
        }
        if (in_block) {
            const char *part = s;
            for (const char *amp; (amp = strstr(part, "&&")) && amp < end; part = amp + 2)
                push_command(out, file, line, part, amp);
            push_command(out, file, line, part, end);
            continue;
        }
        for (const char *p = s; p < end; p++) /* inline spans `build/pipe ...` */
            if (*p == '`' && strncmp(p + 1, "build/pipe ", 11) == 0) {
                const char *close = memchr(p + 1, '`', (size_t)(end - p - 1));
                if (!close)
                    break;
                push_command(out, file, line, p + 1, close);
                p = close;
            }
    }
}

void doc_page_pipelines(const char *page, const char *file, doc_list *out)
{
    int line = 1, fence = 0, body_line = 0; /* fence: 1 in a yaml block, 2 in another */
    const char *body = NULL;
    for (const char *s = page; *s; s = next_line(s), line++) {
        const char *f = fence_at(s);
        if (!f)
            continue;
        if (!fence) {
            fence = strncmp(f, "```yaml\n", 8) == 0 ? 1 : 2;
            body = next_line(s);
            body_line = line + 1;
            continue;
        }
        if (fence == 1 && strncmp(body, "pipeline:", 9) == 0) {
            char head[4096];
            int n = snprintf(head, sizeof head, "%s:%d:\n", file, body_line);
            size_t len = (size_t)(s - body);
            char *text = malloc((size_t)n + len + 1);
            memcpy(text, head, (size_t)n);
            memcpy(text + n, body, len);
            doc_list_push(out, text, (size_t)n + len);
            free(text);
        }
        fence = 0;
    }
}
