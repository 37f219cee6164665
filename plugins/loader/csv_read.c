/*
 * csv_read.c — pipe_csv_read and pipe_csv_read_buffer: the whole file in
 * memory with one read, the options checked, the header, then the rows
 * (csv_table.c).
 */
#include "csv_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void set_error(char *err, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_error(char *err, size_t size, const char *fmt, ...)
{
    if (!err || size == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, size, fmt, ap);
    va_end(ap);
}

/* Read all of fd into a malloc'd buffer (one read for a regular file).
 * Returns the buffer, or NULL with errno set. */
static char *read_all(int fd, size_t *size)
{
    struct stat st;
    size_t capacity = fstat(fd, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size + 1 : 65536;
    size_t used = 0;
    char *buffer = malloc(capacity);
    while (buffer) {
        ssize_t n = read(fd, buffer + used, capacity - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno;
            free(buffer);
            errno = saved;
            return NULL;
        }
        used += (size_t)n;
        if (n == 0) {
            *size = used;
            return buffer;
        }
        if (used == capacity) {
            char *grown = realloc(buffer, capacity * 2);
            if (!grown)
                free(buffer);
            buffer = grown;
            capacity *= 2;
        }
    }
    errno = ENOMEM;
    return NULL;
}

char pipe_csv_delimiter(const char *text)
{
    if (strcmp(text, "tab") == 0 || strcmp(text, "\\t") == 0)
        return '\t';
    if (strlen(text) != 1 || text[0] == '"' || text[0] == '\n' || text[0] == '\r')
        return 0;
    return text[0];
}

int pipe_csv_check_delimiter_param(pipe_ctx *ctx)
{
    const char *delimiter = pipe_param_string(ctx, "delimiter");
    if (pipe_csv_delimiter(delimiter))
        return 0;
    return pipe_param_error(ctx, "delimiter",
                            "expected one character (not a quote or a line end) or \"tab\", "
                            "found \"%s\"",
                            delimiter);
}

/* A report of nothing read yet (no column to blame). */
static void clear_report(pipe_csv_report *report)
{
    memset(report, 0, sizeof *report);
    report->bad_column = -1;
}

static int check_delimiter(char delimiter, const char *name, char *err, size_t err_size)
{
    if (delimiter != '"' && delimiter != '\n' && delimiter != '\r' && delimiter != '\0')
        return 0;
    set_error(err, err_size, "%s: the delimiter cannot be a quote, a line end or NUL", name);
    return -1;
}

/* Where part k of `parts` of the rows [from, end) starts: at the line
 * after the k/parts-th byte. */
static const char *part_start(const char *from, const char *end, int k, int parts)
{
    if (k <= 0)
        return from;
    if (k >= parts)
        return end;
    const char *at = from + (size_t)(end - from) / (size_t)parts * (size_t)k +
                     (size_t)(end - from) % (size_t)parts * (size_t)k / (size_t)parts;
    const char *nl = memchr(at - 1, '\n', (size_t)(end - at + 1));
    return nl ? nl + 1 : end;
}

/* Narrow the cursor (just after the header) to the options' part of the
 * rows, counting the lines before it. Returns the number of parts. */
static int cut_part(csv_cursor *c, const pipe_csv_options *opt)
{
    if (opt->parts <= 1 || opt->max_rows > 0 || memchr(c->p, '"', (size_t)(c->end - c->p)))
        return 1;
    const char *begin = part_start(c->p, c->end, opt->part, opt->parts);
    const char *end = part_start(c->p, c->end, opt->part + 1, opt->parts);
    for (const char *q = c->p; (q = memchr(q, '\n', (size_t)(begin - q))) != NULL; q++)
        c->line++;
    c->p = c->line_start = begin;
    c->end = end;
    return opt->parts;
}

pipe_tensor *pipe_csv_read_buffer(const char *name, const char *text, size_t size,
                                  const pipe_csv_options *opt, pipe_csv_report *report, char *err,
                                  size_t err_size)
{
    static const pipe_csv_options defaults = {0};
    pipe_csv_report local_report;
    char message[512] = "";
    opt = opt ? opt : &defaults;
    report = report ? report : &local_report;
    clear_report(report);
    char delimiter = opt->delimiter ? opt->delimiter : ',';
    if (check_delimiter(delimiter, name, err, err_size) != 0)
        return NULL;
    csv_cursor c = {text, text + size, text, 1, delimiter};
    csv_error e = {name, message, sizeof message};
    csv_header h;
    pipe_tensor *t = NULL;
    if (csv_header_read(&c, opt->columns, opt->n_columns, &h, &report->bad_column, &e) == 0) {
        report->parts = cut_part(&c, opt);
        t = csv_table_read(&c, &h, opt, report, &e);
    }
    csv_header_free(&h);
    set_error(err, err_size, "%s", t ? "" : message);
    return t;
}

/* Map a regular file into memory (no copy: the pages of the file cache
 * are used as they are). Returns NULL when it cannot be mapped. */
static char *map_file(int fd, size_t *size)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
        return NULL;
    void *text = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (text == MAP_FAILED)
        return NULL;
    madvise(text, (size_t)st.st_size, MADV_SEQUENTIAL);
    *size = (size_t)st.st_size;
    return text;
}

pipe_tensor *pipe_csv_read(const char *path, const pipe_csv_options *opt, pipe_csv_report *report,
                           char *err, size_t err_size)
{
    if (report)
        clear_report(report); /* a file that cannot be read blames no column */
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        set_error(err, err_size, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t size = 0;
    char *mapped = map_file(fd, &size);
    char *text = mapped ? mapped : read_all(fd, &size);
    int saved = errno;
    close(fd);
    if (!text) {
        set_error(err, err_size, "%s: cannot read: %s", path, strerror(saved));
        return NULL;
    }
    pipe_tensor *t = pipe_csv_read_buffer(path, text, size, opt, report, err, err_size);
    if (mapped)
        munmap(mapped, size);
    else
        free(text);
    return t;
}
