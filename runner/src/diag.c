/*
 * diag.c — how the runner reports problems: one line per error, naming
 * the file, line and column, and the stage, followed by what is wrong.
 * Also the few allocation helpers that abort on out-of-memory.
 */
#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* While validation holds messages they are kept here, then printed sorted
 * by line and column (validate.c reports stage by stage, the pipeline's structure
 * first; a reader wants them in the order of the file). The runner
 * validates one pipeline at a time on one thread. */
typedef struct held_diag {
    char *text;
    int line; /* 0: not about a line of the pipeline file (last) */
    int col;
    size_t seq; /* order of arrival, for ties */
    const pipe_run_options *opts;
} held_diag;

static struct {
    int on;
    const char *file; /* the pipeline file whose lines sort */
    held_diag *items;
    size_t n, cap;
} held;

static void emit(const pipe_run_options *opts, const char *msg)
{
    if (opts && opts->diag)
        opts->diag(opts->diag_user, msg);
    else
        fprintf(stderr, "%s\n", msg);
}

static void hold(const pipe_run_options *opts, int line, int col, const char *msg)
{
    if (held.n == held.cap) {
        held.cap = held.cap ? held.cap * 2 : 32;
        held.items = pipe_xrealloc(held.items, held.cap * sizeof *held.items);
    }
    held.items[held.n] = (held_diag){pipe_xstrdup(msg), line, col, held.n, opts};
    held.n++;
}

static int compare_held(const void *a, const void *b)
{
    const held_diag *x = a, *y = b;
    int lx = x->line > 0 ? x->line : 1 << 30, ly = y->line > 0 ? y->line : 1 << 30;
    if (lx != ly)
        return lx < ly ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void pipe_diag_hold(const char *file)
{
    held.on = 1;
    held.file = file;
}

size_t pipe_diag_release(void)
{
    size_t n = held.n;
    if (n > 1)
        qsort(held.items, n, sizeof *held.items, compare_held);
    for (size_t i = 0; i < n; i++) {
        emit(held.items[i].opts, held.items[i].text);
        free(held.items[i].text);
    }
    free(held.items);
    memset(&held, 0, sizeof held);
    return n;
}

static void deliver(const pipe_run_options *opts, const char *file, int line, int col,
                    const char *msg)
{
    int ours = file && line > 0 && held.file && !strcmp(file, held.file);
    if (held.on)
        hold(opts, ours ? line : 0, ours ? col : 0, msg);
    else
        emit(opts, msg);
}

/* "file:line:col: stage 'id': message" into msg. A value given on the
 * command line ("--set dnn.epochs=x", the file name of its YAML text)
 * has no line and column worth showing. */
static void format_diag(char *msg, size_t size, const char *file, int line, int col,
                        const char *stage, const char *fmt, va_list ap)
{
    size_t len = 0;
    if (pipe_mpi_rank() > 0) /* a rank's own message (see pipe_mpi_voice) */
        len += (size_t)snprintf(msg, size, "rank %d: ", pipe_mpi_rank());
    if (file && !strncmp(file, "--set ", 6))
        line = 0;
    if (file && line > 0)
        len += (size_t)snprintf(msg + len, size - len, "%s:%d:%d: ", file, line, col);
    else if (file)
        len += (size_t)snprintf(msg + len, size - len, "%s: ", file);
    if (stage && len < size)
        len += (size_t)snprintf(msg + len, size - len, "stage '%s': ", stage);
    if (len < size)
        vsnprintf(msg + len, size - len, fmt, ap);
}

void pipe_diag_v(const char *file, int line, int col, const char *stage, const char *fmt,
                 va_list ap)
{
    char msg[4096];
    if (!pipe_mpi_speaks())
        return;
    format_diag(msg, sizeof msg, file, line, col, stage, fmt, ap);
    deliver(NULL, file, line, col, msg);
}

void pipe_run_diag_v(const pipe_run_options *opts, const char *file, int line, int col,
                     const char *stage, const char *fmt, va_list ap)
{
    char msg[4096];
    if (!pipe_mpi_speaks())
        return;
    format_diag(msg, sizeof msg, file, line, col, stage, fmt, ap);
    deliver(opts, file, line, col, msg);
}

void pipe_run_diag(const pipe_run_options *opts, const char *file, int line, int col,
                   const char *stage, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pipe_run_diag_v(opts, file, line, col, stage, fmt, ap);
    va_end(ap);
}

void pipe_diag(const char *file, int line, int col, const char *stage, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pipe_diag_v(file, line, col, stage, fmt, ap);
    va_end(ap);
}

static void out_of_memory(void)
{
    fputs("pipe: out of memory\n", stderr);
    abort();
}

void *pipe_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *pipe_xrealloc(void *p, size_t size)
{
    p = realloc(p, size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

char *pipe_xstrdup(const char *s)
{
    char *copy = strdup(s ? s : "");
    if (!copy)
        out_of_memory();
    return copy;
}

char *pipe_strdup_printf(const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = pipe_xcalloc((size_t)len + 1, 1);
    vsnprintf(s, (size_t)len + 1, fmt, ap2);
    va_end(ap2);
    return s;
}
