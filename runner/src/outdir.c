/*
 * outdir.c — the output folder of a run, atomic at the folder level. When
 * a run begins, the previous run's folder is moved aside whole, in one
 * rename, to ".<name>.previous-<pid>", and the stages write into a fresh
 * folder under the final name (so a stage can read back what an earlier
 * stage of the same run wrote there). The final name never holds a
 * mixture of two runs. A complete run removes the previous one at the
 * end; a failed run gives it back, swapped in with one
 * renameat2(RENAME_EXCHANGE), and is itself kept as "<name>.failed"; a
 * killed run's folder is replaced by the previous one when the next run
 * begins (it finds ".<name>.previous-<dead pid>"). "*.tmp-<pid>" files of
 * runs that are no longer alive are removed then too. A
 * folder pipe did not make this way (not empty, no run.json saying so) is
 * never swapped or removed: the run writes into it in place, file by file.
 * A folder is never removed file by file under a name a later run trusts:
 * it is first renamed to ".<name>.trash-<pid>" (in one step), then
 * removed; a dead run's trash is removed when the next run begins.
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

#ifndef RENAME_EXCHANGE /* linux/fs.h */
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

/* Remove the folder `path`: renamed to `trash` first, so that a run killed
 * while removing it leaves only trash, never a half-removed run. */
static void discard(const char *path, const char *trash)
{
    pipe_rmtree(trash); /* an earlier leftover of this pid */
    if (rename(path, trash) == 0)
        pipe_rmtree(trash);
    else
        pipe_rmtree(path);
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

/* Remove "*.tmp-<dead pid>" files in `dir`. With `prefix`, also return
 * (malloc'd) the first "<prefix><dead pid>" entry of `dir`, removing any
 * further one. */
static char *clean_stale(const char *dir, const char *prefix)
{
    char *found = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *tmp = strstr(e->d_name, ".tmp-");
        while (tmp && strstr(tmp + 1, ".tmp-"))
            tmp = strstr(tmp + 1, ".tmp-");
        if (tmp && dead_pid(tmp, ".tmp-")) {
            char *path = pipe_strdup_printf("%s/%s", dir, e->d_name);
            unlink(path);
            free(path);
        } else if (prefix && dead_pid(e->d_name, prefix)) {
            char *path = pipe_strdup_printf("%s/%s", dir, e->d_name);
            if (found)
                pipe_rmtree(path);
            found = found ? (free(path), found) : path;
        }
    }
    closedir(d);
    return found;
}

void pipe_outdir_clean_tmp(const char *dir)
{
    free(clean_stale(dir, NULL));
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

/* A file made and removed again: does writing in `dir` work? Named like
 * the atomic files' temporaries, so a run killed between the two steps
 * leaves a "*.tmp-<pid>" file that the next run removes. */
static int probe(const char *dir, char *err, size_t size)
{
    char *path = pipe_strdup_printf("%s/.pipe-probe.tmp-%ld", dir, (long)getpid());
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

/* A run killed over `final` left the previous run at `previous`: when the
 * killed run had finished (its run.json says ok), keep it and drop the
 * previous one; else put the previous one back when it is a complete run
 * (dropping the killed run's partial folder), or drop it. */
static void restore_killed(const char *final, const char *previous, const char *trash)
{
    int complete = 0, final_ok = 0;
    struct stat st;
    if (lstat(final, &st) == 0 && replaceable(final, &final_ok) && final_ok) {
        discard(previous, trash);
        return;
    }
    replaceable(previous, &complete);
    if (complete && lstat(final, &st) == 0 &&
        syscall(SYS_renameat2, AT_FDCWD, previous, AT_FDCWD, final, RENAME_EXCHANGE) == 0)
        discard(previous, trash);
    else if (!complete || rename(previous, final) != 0)
        discard(previous, trash);
}

/* run.json of a run in progress: the folder is pipe's, not complete. */
static int mark_running(const char *dir, char *err, size_t size)
{
    pipe_file *f = pipe_outfile_open(dir, "run.json", 0, err, size);
    if (!f)
        return -1;
    fputs("{\n  \"status\": \"running\",\n  \"complete\": false,\n  \"folder\": \"swapped\"\n}\n",
          pipe_file_stream(f));
    return pipe_outfile_commit(f, err, size);
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
    int movable = strcmp(base, ".") != 0 && strcmp(base, "..") != 0 && strcmp(base, "/") != 0;
    char *prefix = pipe_strdup_printf(".%s.previous-", base);
    char *trash_prefix = pipe_strdup_printf(".%s.trash-", base);
    od->trash = pipe_strdup_printf("%s/%s%ld", parent, trash_prefix, (long)getpid());
    char *dead_trash = movable ? clean_stale(parent, trash_prefix) : NULL;
    if (dead_trash)
        pipe_rmtree(dead_trash);
    free(dead_trash);
    free(trash_prefix);
    char *killed = movable ? clean_stale(parent, prefix) : NULL;
    if (killed)
        restore_killed(od->final, killed, od->trash);
    free(killed);
    struct stat st;
    int exists = lstat(od->final, &st) == 0, rc = 0;
    if (exists && S_ISLNK(st.st_mode)) {
        movable = 0; /* a link to a folder: written through, in place */
        exists = stat(od->final, &st) == 0;
    }
    if (exists && !S_ISDIR(st.st_mode)) {
        snprintf(err, size, "output folder %s exists and is not a folder", od->final);
        rc = -1;
    } else if (pipe_mkdirs(parent) != 0) {
        snprintf(err, size, "cannot create output folder %s: %s", od->final, strerror(errno));
        rc = -1;
    } else {
        if (exists)
            clean_stale(od->final, NULL);
        if (exists && movable && replaceable(od->final, &od->previous_ok)) {
            od->previous = pipe_strdup_printf("%s/%s%ld", parent, prefix, (long)getpid());
            if (rename(od->final, od->previous) != 0) {
                free(od->previous); /* a mount point, say: written in place */
                od->previous = NULL;
                movable = 0;
            }
        }
        od->swapped = movable && (!exists || od->previous);
        if (rc == 0 && mkdir(od->final, 0777) != 0 && errno != EEXIST) {
            snprintf(err, size, "cannot create output folder %s: %s", od->final, strerror(errno));
            rc = -1;
        }
        if (rc == 0)
            rc = probe(od->final, err, size);
        if (rc == 0 && od->swapped)
            rc = mark_running(od->final, err, size);
        if (rc != 0 && od->previous) { /* put the previous run back */
            rmdir(od->final);
            rename(od->previous, od->final);
        }
    }
    free(prefix);
    free(parent);
    if (rc != 0)
        pipe_outdir_free(od);
    return rc;
}

int pipe_outdir_finish(pipe_outdir *od, int ok, const char **where, char *err, size_t size)
{
    *where = od->final;
    if (!od->previous)
        return 0;
    if (ok || !od->previous_ok) {
        discard(od->previous, od->trash);
        return 0;
    }
    /* Give the complete previous run back; keep this one as .failed. */
    char *failed = pipe_strdup_printf("%s.failed", od->final);
    discard(failed, od->trash);
    int rc = 0;
    if (syscall(SYS_renameat2, AT_FDCWD, od->previous, AT_FDCWD, od->final, RENAME_EXCHANGE) == 0)
        rc = rename(od->previous, failed);
    else
        rc = rename(od->final, failed) == 0 ? rename(od->previous, od->final) : -1;
    if (rc != 0) {
        snprintf(err, size, "cannot give the previous run back to %s: %s", od->final,
                 strerror(errno));
        free(failed);
        return -1;
    }
    free(od->final);
    od->final = failed;
    *where = od->final;
    return 0;
}

void pipe_outdir_free(pipe_outdir *od)
{
    free(od->final);
    free(od->previous);
    free(od->trash);
    memset(od, 0, sizeof *od);
}
