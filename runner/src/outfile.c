/*
 * outfile.c — atomic and confined output files. Everything a run writes
 * goes to "<name>.tmp-<pid>" first and is renamed into place once
 * complete, so a killed run never leaves a truncated result under a final
 * name. A relative name is resolved inside the output folder component by
 * component with openat(O_NOFOLLOW | O_DIRECTORY): ".." and symbolic
 * links cannot lead out of it. An absolute name is accepted only when the
 * caller allows it. Either way the final name may only be absent or a
 * regular file: a directory, symlink, device, FIFO or socket is never
 * replaced.
 */
#include "core.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct pipe_file {
    FILE *stream;
    int dirfd;   /* the folder holding the file */
    char *base;  /* final name inside dirfd */
    char *tmp;   /* temporary name inside dirfd */
    char *shown; /* the path for messages */
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

const char *pipe_file_kind_name(unsigned mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISLNK(mode))
        return "a symbolic link";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

int pipe_outpath_check(const char *name, int absolute_ok, char *err, size_t size)
{
    size_t len = strlen(name);
    if (len == 0 || name[len - 1] == '/') {
        snprintf(err, size, "output path '%s' names no file", name);
        return -1;
    }
    if (name[0] == '/') {
        if (absolute_ok)
            return 0;
        snprintf(err, size,
                 "output path '%s' is absolute; this stage writes only inside the run's output "
                 "folder: give a relative name",
                 name);
        return -1;
    }
    for (const char *c = name; *c;) {
        size_t n = strcspn(c, "/");
        if ((n == 2 && c[0] == '.' && c[1] == '.') || (n == 1 && c[0] == '.' && c[1] != '/')) {
            snprintf(err, size,
                     "output path '%s' may not hold '..' or end in '.': it must stay inside the "
                     "run's output folder",
                     name);
            return -1;
        }
        c += n;
        c += *c == '/';
    }
    return 0;
}

/* The open folder that will hold `name` (relative: walked without
 * following links, made when missing); *base is set to the last part. */
static int open_parent(const char *out_dir, const char *name, const char **base, char *err,
                       size_t size)
{
    const char *slash = strrchr(name, '/');
    *base = slash ? slash + 1 : name;
    if (name[0] == '/') {
        char *dir = slash == name ? pipe_xstrdup("/") : pipe_xstrdup(name);
        if (slash != name)
            dir[slash - name] = '\0';
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            snprintf(err, size, "cannot write %s: folder %s: %s", name, dir, strerror(errno));
        free(dir);
        return fd;
    }
    int fd = open(out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, size, "cannot open output folder %s: %s", out_dir, strerror(errno));
        return -1;
    }
    char *copy = pipe_xstrdup(name);
    char *part = copy;
    for (char *next; (next = strchr(part, '/')); part = next + 1) {
        *next = '\0';
        if (*part == '\0' || strcmp(part, ".") == 0)
            continue;
        int sub = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0 && errno == ENOENT && mkdirat(fd, part, 0777) == 0)
            sub = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0) {
            int e = errno;
            snprintf(err, size, "cannot write %s/%s: '%s' %s", out_dir, name, part,
                     e == ELOOP || e == ENOTDIR ? "is a symbolic link or not a folder"
                                                : strerror(e));
            close(fd);
            free(copy);
            return -1;
        }
        close(fd);
        fd = sub;
    }
    free(copy);
    return fd;
}

/* 0 when `base` in `dirfd` is absent or a regular file. */
static int check_target(int dirfd, const char *base, const char *shown, char *err, size_t size)
{
    struct stat st;
    if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISREG(st.st_mode))
        return 0;
    snprintf(err, size, "cannot write %s: it exists and is %s; only a regular file is replaced",
             shown, pipe_file_kind_name(st.st_mode));
    return -1;
}

/* Under MPI only rank 0 writes files: another rank's file is written to
 * /dev/null (dirfd -1), so a stage runs the same code on every rank. */
static pipe_file *discard_open(const char *out_dir, const char *name, char *err, size_t size)
{
    pipe_file *f = pipe_xcalloc(1, sizeof *f);
    f->dirfd = -1;
    f->shown = name[0] == '/' ? pipe_xstrdup(name) : pipe_strdup_printf("%s/%s", out_dir, name);
    f->stream = fopen("/dev/null", "wb");
    if (!f->stream) {
        snprintf(err, size, "cannot open /dev/null: %s", strerror(errno));
        free(f->shown);
        free(f);
        return NULL;
    }
    return f;
}

pipe_file *pipe_outfile_open(const char *out_dir, const char *name, int absolute_ok, char *err,
                             size_t size)
{
    if (pipe_outpath_check(name, absolute_ok, err, size) != 0)
        return NULL;
    if (pipe_mpi_rank() > 0)
        return discard_open(out_dir, name, err, size);
    const char *base;
    int dirfd = open_parent(out_dir, name, &base, err, size);
    if (dirfd < 0)
        return NULL;
    pipe_file *f = pipe_xcalloc(1, sizeof *f);
    f->dirfd = dirfd;
    f->base = pipe_xstrdup(base);
    f->tmp = pipe_strdup_printf("%s.tmp-%ld", base, (long)getpid());
    f->shown = name[0] == '/' ? pipe_xstrdup(name) : pipe_strdup_printf("%s/%s", out_dir, name);
    int fd = -1;
    if (check_target(dirfd, base, f->shown, err, size) == 0) {
        int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
        fd = openat(dirfd, f->tmp, flags, 0666);
        if (fd < 0 && errno == EEXIST && unlinkat(dirfd, f->tmp, 0) == 0)
            fd = openat(dirfd, f->tmp, flags, 0666); /* left by an earlier run of this pid */
        if (fd < 0)
            snprintf(err, size, "cannot write %s.tmp-%ld: %s", f->shown, (long)getpid(),
                     strerror(errno));
    }
    f->stream = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f->stream) {
        if (fd >= 0) {
            close(fd);
            unlinkat(dirfd, f->tmp, 0);
        }
        pipe_file_abort(f);
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
    if (f->dirfd >= 0)
        close(f->dirfd);
    free(f->base);
    free(f->tmp);
    free(f->shown);
    free(f);
}

void pipe_file_abort(pipe_file *f)
{
    if (!f)
        return;
    if (f->stream) {
        fclose(f->stream);
        if (f->dirfd >= 0)
            unlinkat(f->dirfd, f->tmp, 0);
    }
    destroy(f);
}

int pipe_outfile_commit(pipe_file *f, char *err, size_t size)
{
    if (f->dirfd < 0) { /* another rank's file: nothing to keep */
        fclose(f->stream);
        destroy(f);
        return 0;
    }
    int failed = ferror(f->stream) || fflush(f->stream) != 0 || fsync(fileno(f->stream)) != 0;
    int saved = errno;
    failed |= fclose(f->stream) != 0;
    f->stream = NULL;
    if (failed)
        snprintf(err, size, "cannot write %s: %s", f->shown, strerror(saved));
    else if (check_target(f->dirfd, f->base, f->shown, err, size) != 0)
        failed = 1; /* something appeared under the final name meanwhile */
    else if (renameat(f->dirfd, f->tmp, f->dirfd, f->base) != 0) {
        snprintf(err, size, "cannot write %s: %s", f->shown, strerror(errno));
        failed = 1;
    }
    if (failed)
        unlinkat(f->dirfd, f->tmp, 0);
    destroy(f);
    return failed ? -1 : 0;
}
