/*
 * registry.c — finding and loading stage plugins. The search path is
 * --plugin-path, then PIPE_PLUGIN_PATH, then the plugin folders next to
 * the pipe executable (<bin>/plugins in a build tree, <bin>/../lib/pipe/
 * plugins when installed). A plugin is <dir>/<name>.so exporting
 * pipe_plugin_entry(); its ABI major must equal the runner's.
 */
#include "core.h"

#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PIPE_INSTALL_PLUGIN_DIR
#define PIPE_INSTALL_PLUGIN_DIR "lib/pipe/plugins"
#endif

static void add_dir(pipe_registry *reg, const char *dir)
{
    if (!dir || !*dir)
        return;
    for (size_t i = 0; i < reg->n_dirs; i++)
        if (strcmp(reg->dirs[i], dir) == 0)
            return;
    reg->dirs = pipe_xrealloc(reg->dirs, (reg->n_dirs + 1) * sizeof *reg->dirs);
    reg->dirs[reg->n_dirs++] = pipe_xstrdup(dir);
}

static void add_path_list(pipe_registry *reg, const char *list)
{
    char *copy = pipe_xstrdup(list), *save = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
        add_dir(reg, dir);
    free(copy);
}

static void add_exe_dirs(pipe_registry *reg)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0)
        return;
    exe[len] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return;
    *slash = '\0';
    char *build = pipe_strdup_printf("%s/plugins", exe);
    char *installed = pipe_strdup_printf("%s/../%s", exe, PIPE_INSTALL_PLUGIN_DIR);
    add_dir(reg, build);
    add_dir(reg, installed);
    free(build);
    free(installed);
}

void pipe_registry_init(pipe_registry *reg, const char *const *extra, size_t n_extra)
{
    memset(reg, 0, sizeof *reg);
    for (size_t i = 0; i < n_extra; i++)
        add_path_list(reg, extra[i]);
    const char *env = getenv("PIPE_PLUGIN_PATH");
    if (env)
        add_path_list(reg, env);
    add_exe_dirs(reg);
}

void pipe_registry_free(pipe_registry *reg)
{
    for (size_t i = 0; i < reg->n_dirs; i++)
        free(reg->dirs[i]);
    for (size_t i = 0; i < reg->n_loaded; i++) {
        free(reg->loaded[i].path);
        pipe_plugin_free((pipe_plugin *)reg->loaded[i].desc);
        /* Plugins stay mapped until exit: tensors they made may still be
         * released later, and sanitizers report leaks with symbols. */
    }
    free(reg->dirs);
    free(reg->loaded);
    memset(reg, 0, sizeof *reg);
}

const pipe_loaded_plugin *pipe_registry_open(pipe_registry *reg, const char *path, char *err,
                                             size_t size)
{
    for (size_t i = 0; i < reg->n_loaded; i++)
        if (strcmp(reg->loaded[i].path, path) == 0)
            return &reg->loaded[i];
    if (pipe_elf_check(path, err, size) != 0)
        return NULL;
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        snprintf(err, size, "cannot load plugin: %s", dlerror());
        return NULL;
    }
    pipe_plugin_entry_fn entry;
    *(void **)&entry = dlsym(handle, PIPE_ENTRY_SYMBOL);
    if (!entry) {
        snprintf(err, size, "%s is not a pipe plugin: it does not export %s()", path,
                 PIPE_ENTRY_SYMBOL);
        dlclose(handle);
        return NULL;
    }
    char why[1024];
    pipe_plugin *desc = pipe_plugin_adopt(entry(), why, sizeof why);
    if (!desc) {
        snprintf(err, size, "%s: %s", path, why);
        dlclose(handle);
        return NULL;
    }
    reg->loaded = pipe_xrealloc(reg->loaded, (reg->n_loaded + 1) * sizeof *reg->loaded);
    pipe_loaded_plugin *lp = &reg->loaded[reg->n_loaded++];
    lp->desc = desc;
    lp->path = pipe_xstrdup(path);
    lp->handle = handle;
    return lp;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* " (did you mean 'scaler'?)" for a plugin file of a close name, or "". */
static const char *suggest_plugin(const pipe_registry *reg, const char *name, char *hint,
                                  size_t size)
{
    size_t n;
    char **paths = pipe_registry_scan(reg, &n);
    const char **names = pipe_xcalloc(n ? n : 1, sizeof *names);
    for (size_t i = 0; i < n; i++) {
        char *base = strrchr(paths[i], '/');
        base = base ? base + 1 : paths[i];
        base[strlen(base) - 3] = '\0'; /* the .so */
        names[i] = base;
    }
    pipe_suggest_text(name, names, n, hint, size);
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    free(names);
    return hint;
}

const pipe_plugin *pipe_registry_get(pipe_registry *reg, const char *name, char *err, size_t size)
{
    for (size_t i = 0; i < reg->n_dirs; i++) {
        char *path = pipe_strdup_printf("%s/%s.so", reg->dirs[i], name);
        if (!is_file(path)) {
            free(path);
            continue;
        }
        const pipe_loaded_plugin *lp = pipe_registry_open(reg, path, err, size);
        free(path);
        if (!lp)
            return NULL;
        if (strcmp(lp->desc->name, name) != 0) {
            snprintf(err, size, "%s declares the stage name '%s', not '%s'", lp->path,
                     lp->desc->name, name);
            return NULL;
        }
        return lp->desc;
    }
    char hint[192];
    size_t len = (size_t)snprintf(err, size, "no plugin '%s'%s in the search path (", name,
                                  suggest_plugin(reg, name, hint, sizeof hint));
    for (size_t i = 0; i < reg->n_dirs && len < size; i++)
        len += (size_t)snprintf(err + len, size - len, "%s%s", i ? ":" : "", reg->dirs[i]);
    if (len < size)
        snprintf(err + len, size - len, "); see 'pipe list'");
    return NULL;
}

static int has_name(char **paths, size_t n, const char *file)
{
    for (size_t i = 0; i < n; i++) {
        const char *base = strrchr(paths[i], '/');
        if (strcmp(base ? base + 1 : paths[i], file) == 0)
            return 1;
    }
    return 0;
}

static int compare_paths(const void *a, const void *b)
{
    const char *pa = strrchr(*(char *const *)a, '/'), *pb = strrchr(*(char *const *)b, '/');
    return strcmp(pa, pb);
}

char **pipe_registry_scan(const pipe_registry *reg, size_t *n)
{
    char **paths = NULL;
    *n = 0;
    for (size_t i = 0; i < reg->n_dirs; i++) {
        DIR *dir = opendir(reg->dirs[i]);
        if (!dir)
            continue;
        struct dirent *e;
        while ((e = readdir(dir))) {
            size_t len = strlen(e->d_name);
            if (len < 4 || strcmp(e->d_name + len - 3, ".so") != 0 ||
                has_name(paths, *n, e->d_name))
                continue;
            paths = pipe_xrealloc(paths, (*n + 1) * sizeof *paths);
            paths[(*n)++] = pipe_strdup_printf("%s/%s", reg->dirs[i], e->d_name);
        }
        closedir(dir);
    }
    if (*n > 1)
        qsort(paths, *n, sizeof *paths, compare_paths);
    return paths;
}
