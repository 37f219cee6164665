/*
 * outfile.c — atomic output files: everything a run writes goes to
 * "<name>.tmp-<pid>" first and is renamed into place once complete, so a
 * killed run never leaves a truncated result.
 */
#include "core.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct pipe_file {
    FILE *stream;
    char *path, *tmp;
};

int pipe_mkdirs(const char *path)
{
    char *copy = pipe_xstrdup(path);
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
            free(copy);
            return -1;
        }
        *p = '/';
    }
    int rc = mkdir(copy, 0777) != 0 && errno != EEXIST ? -1 : 0;
    free(copy);
    return rc;
}

pipe_file *pipe_outfile_open(const char *path, char *err, size_t size)
{
    pipe_file *f = pipe_xcalloc(1, sizeof *f);
    f->path = pipe_xstrdup(path);
    f->tmp = pipe_strdup_printf("%s.tmp-%ld", path, (long)getpid());
    f->stream = fopen(f->tmp, "wb");
    if (!f->stream) {
        snprintf(err, size, "cannot write %s: %s", f->tmp, strerror(errno));
        free(f->path);
        free(f->tmp);
        free(f);
        return NULL;
    }
    return f;
}

FILE *pipe_file_stream(pipe_file *f)
{
    return f->stream;
}

static void destroy(pipe_file *f)
{
    free(f->path);
    free(f->tmp);
    free(f);
}

void pipe_file_abort(pipe_file *f)
{
    if (!f)
        return;
    if (f->stream)
        fclose(f->stream);
    unlink(f->tmp);
    destroy(f);
}

int pipe_outfile_commit(pipe_file *f, char *err, size_t size)
{
    int failed = ferror(f->stream) || fflush(f->stream) != 0 || fsync(fileno(f->stream)) != 0;
    int saved = errno;
    failed |= fclose(f->stream) != 0;
    f->stream = NULL;
    if (!failed && rename(f->tmp, f->path) == 0) {
        destroy(f);
        return 0;
    }
    snprintf(err, size, "cannot write %s: %s", f->path, strerror(failed ? saved : errno));
    unlink(f->tmp);
    destroy(f);
    return -1;
}
