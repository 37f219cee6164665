/*
 * outdir.c — the output folder of a run, atomic at the folder level. The
 * stages write into ".<name>.staging-<pid>" next to the final folder; when
 * the run ends, the staging folder is swapped with the previous results in
 * one renameat2(RENAME_EXCHANGE) and the old tree removed, so a reader (or
 * a kill at any moment) sees either the whole previous run or the whole
 * new one, never a mixture. A failed run does not replace a complete one:
 * it is kept as "<name>.failed". Staging folders and "*.tmp-<pid>" files of
 * runs that are no longer alive are removed when the next run begins. A
 * folder pipe did not make this way (not empty, no run.json saying so) is
 * never swapped or removed: the run writes into it in place, file by file.
 */
#include "core.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static int remove_at(int dirfd, const char *name)
{
    if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return -1;
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    DIR *dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(dir)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            rc |= remove_at(fd, e->d_name);
    closedir(dir);
    return rc | unlinkat(dirfd, name, AT_REMOVEDIR);
}

int pipe_rmtree(const char *path)
{
    return remove_at(AT_FDCWD, path);
}

/* The pid in "<prefix><pid>" when `name` has that form and the process is
 * gone, else 0. */
static long dead_pid(const char *name, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(name, prefix, n) != 0 || name[n] == '\0')
        return 0;
    char *end;
    long pid = strtol(name + n, &end, 10);
    if (*end || pid <= 0 || pid == (long)getpid())
        return 0;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH ? pid : 0;
}

/* Remove "*.tmp-<dead pid>" files in `dir` and, when `stage_prefix` is not
 * NULL, "<stage_prefix><dead pid>" folders. */
static void clean_stale(const char *dir, const char *stage_prefix)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *tmp = strstr(e->d_name, ".tmp-");
        while (tmp && strstr(tmp + 1, ".tmp-"))
            tmp = strstr(tmp + 1, ".tmp-");
        if (tmp && dead_pid(tmp, ".tmp-")) {
            char *path = pipe_strdup_printf("%s/%s", dir, e->d_name);
            unlink(path);
            free(path);
        } else if (stage_prefix && dead_pid(e->d_name, stage_prefix)) {
            char *path = pipe_strdup_printf("%s/%s", dir, e->d_name);
            pipe_rmtree(path);
            free(path);
        }
    }
    closedir(d);
}

/* 1 when `dir` can be replaced as a whole: it is empty, or a swapped-in
 * run made it (its run.json says "folder": "swapped"; a folder written in
 * place stays the user's). *ok: it holds a complete run. */
static int replaceable(const char *dir, int *ok)
{
    char *path = pipe_strdup_printf("%s/run.json", dir);
    FILE *f = fopen(path, "rb");
    free(path);
    *ok = 0;
    if (f) {
        char buf[4096];
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = '\0';
        fclose(f);
        *ok = strstr(buf, "\"status\": \"ok\"") != NULL;
        return strstr(buf, "\"folder\": \"swapped\"") != NULL;
    }
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int empty = 1;
    struct dirent *e;
    while (empty && (e = readdir(d)))
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    return empty;
}

/* A file made and removed again: does writing in `dir` work? */
static int probe(const char *dir, char *err, size_t size)
{
    char *path = pipe_strdup_printf("%s/.pipe-probe-%ld", dir, (long)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    int e = errno;
    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
    free(path);
    if (fd < 0)
        snprintf(err, size, "output folder %s is not writable: %s", dir, strerror(e));
    return fd < 0 ? -1 : 0;
}

int pipe_outdir_begin(pipe_outdir *od, const char *final, char *err, size_t size)
{
    memset(od, 0, sizeof *od);
    od->final = pipe_xstrdup(final);
    size_t len = strlen(od->final);
    while (len > 1 && od->final[len - 1] == '/')
        od->final[--len] = '\0';
    const char *slash = strrchr(od->final, '/');
    const char *base = slash ? slash + 1 : od->final;
    char *parent = slash == od->final ? pipe_xstrdup("/")
                   : slash ? pipe_strdup_printf("%.*s", (int)(slash - od->final), od->final)
                           : pipe_xstrdup(".");
    struct stat st;
    int exists = lstat(od->final, &st) == 0;
    int staged = strcmp(base, ".") != 0 && strcmp(base, "..") != 0 && strcmp(base, "/") != 0;
    int rc = 0;
    if (exists && S_ISLNK(st.st_mode)) {
        staged = 0; /* a link to a folder: written through, in place */
        exists = stat(od->final, &st) == 0;
    }
    if (exists && !S_ISDIR(st.st_mode)) {
        snprintf(err, size, "output folder %s exists and is not a folder", od->final);
        rc = -1;
    } else if (pipe_mkdirs(staged ? parent : od->final) != 0) {
        snprintf(err, size, "cannot create output folder %s: %s", od->final, strerror(errno));
        rc = -1;
    } else {
        if (exists)
            clean_stale(od->final, NULL);
        staged = staged && (!exists || replaceable(od->final, &od->previous_ok));
        if (staged) {
            char *prefix = pipe_strdup_printf(".%s.staging-", base);
            clean_stale(parent, prefix);
            od->staging = pipe_strdup_printf("%s/%s%ld", parent, prefix, (long)getpid());
            free(prefix);
            if (mkdir(od->staging, 0777) != 0) {
                snprintf(err, size, "cannot create output folder %s: %s", od->final,
                         strerror(errno));
                rc = -1;
            }
        } else
            rc = probe(od->final, err, size);
    }
    free(parent);
    if (rc != 0)
        pipe_outdir_free(od);
    return rc;
}

const char *pipe_outdir_path(const pipe_outdir *od)
{
    return od->staging ? od->staging : od->final;
}

/* Exchange two existing folders atomically (or, where the file system
 * cannot, with two renames). */
static int swap_in(const char *staging, const char *final)
{
    if (syscall(SYS_renameat2, AT_FDCWD, staging, AT_FDCWD, final, RENAME_EXCHANGE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
    char *old = pipe_strdup_printf("%s.old", staging);
    int rc = rename(final, old) == 0 && rename(staging, final) == 0 && rename(old, staging) == 0;
    free(old);
    return rc ? 0 : -1;
}

int pipe_outdir_finish(pipe_outdir *od, int ok, const char **where, char *err, size_t size)
{
    *where = od->final;
    if (!od->staging)
        return 0;
    const char *target = od->final;
    char *failed = NULL;
    if (!ok && od->previous_ok) {
        failed = pipe_strdup_printf("%s.failed", od->final);
        pipe_rmtree(failed);
        target = failed;
    }
    struct stat st;
    int rc;
    if (lstat(target, &st) == 0)
        rc = swap_in(od->staging, target) == 0 ? pipe_rmtree(od->staging) * 0 : -1;
    else
        rc = rename(od->staging, target);
    if (rc != 0)
        snprintf(err, size, "cannot move the results from %s to %s: %s", od->staging, target,
                 strerror(errno));
    else {
        free(od->staging);
        od->staging = NULL;
        if (failed) {
            free(od->final);
            od->final = failed;
            failed = NULL;
        }
        *where = od->final;
    }
    free(failed);
    return rc == 0 ? 0 : -1;
}

void pipe_outdir_free(pipe_outdir *od)
{
    free(od->final);
    free(od->staging);
    memset(od, 0, sizeof *od);
}
