/*
 * diag.c — how the runner reports problems: one line per error, naming
 * the file, line and column, and the stage, followed by what is wrong.
 * Also the few allocation helpers that abort on out-of-memory.
 */
#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "file:line:col: stage 'id': message" into msg. */
static void format_diag(char *msg, size_t size, const char *file, int line, int col,
                        const char *stage, const char *fmt, va_list ap)
{
    size_t len = 0;
    if (pipe_mpi_rank() > 0) /* a rank's own message (see pipe_mpi_voice) */
        len += (size_t)snprintf(msg, size, "rank %d: ", pipe_mpi_rank());
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
    fprintf(stderr, "%s\n", msg);
}

void pipe_run_diag_v(const pipe_run_options *opts, const char *file, int line, int col,
                     const char *stage, const char *fmt, va_list ap)
{
    char msg[4096];
    if (!pipe_mpi_speaks())
        return;
    format_diag(msg, sizeof msg, file, line, col, stage, fmt, ap);
    if (opts && opts->diag)
        opts->diag(opts->diag_user, msg);
    else
        fprintf(stderr, "%s\n", msg);
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
