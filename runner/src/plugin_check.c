/*
 * plugin_check.c — a plugin's descriptor checked field by field before the
 * runner uses any of it: ABI and sizes, the stage name, the run function,
 * and every parameter and port declaration (non-NULL arrays for non-zero
 * counts, names, types, ranges, choices, dtypes, ranks, no duplicates), so
 * that a malformed plugin is refused with a message instead of being
 * dereferenced. The declarations are read at the size the plugin was built
 * with (param_decl_size, port_decl_size) into the runner's own copy, so
 * that the structs can grow: a field the plugin does not know reads as
 * zero, one the runner does not know is ignored.
 */
#include "core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Declarations a descriptor may hold at most, the longest name, and the
 * largest declaration struct a plugin may say it was built with. */
#define MAX_DECLS 4096
#define MAX_NAME 128
#define MAX_DECL_SIZE 4096

/* The declaration structs of ABI 1.0 (their size when a plugin says 0). */
#define PARAM_DECL_1_0 (offsetof(pipe_param_decl, doc) + sizeof(const char *))
#define PORT_DECL_1_0 (offsetof(pipe_port_decl, doc) + sizeof(const char *))

static int valid_name(const char *s)
{
    if (!s || !*s || strnlen(s, MAX_NAME + 1) > MAX_NAME)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-'))
            return 0;
    return 1;
}

/* A list of `n` items at `items`: present when n > 0, and not huge. */
static int check_array(const void *items, size_t n, const char *what, char *err, size_t size)
{
    if (n > MAX_DECLS) {
        snprintf(err, size, "malformed plugin descriptor: n_%s is %zu (at most %d)", what, n,
                 MAX_DECLS);
        return -1;
    }
    if (n > 0 && !items) {
        snprintf(err, size, "malformed plugin descriptor: %s is NULL but n_%s is %zu", what, what,
                 n);
        return -1;
    }
    return 0;
}

static int check_params(const pipe_plugin *d, char *err, size_t size)
{
    if (check_array(d->params, d->n_params, "params", err, size) != 0)
        return -1;
    for (size_t i = 0; i < d->n_params; i++) {
        const pipe_param_decl *p = &d->params[i];
        const char *bad = NULL;
        if (!valid_name(p->name))
            bad = "a name of letters, digits, '_' or '-'";
        else if ((unsigned)p->type > PIPE_PARAM_MAP)
            bad = "a known type";
        else if (p->type == PIPE_PARAM_CHOICE && (!p->choices || !*p->choices))
            bad = "its choices";
        else if (isnan(p->min) || isnan(p->max))
            bad = "a range without NaN";
        for (size_t j = 0; !bad && j < i; j++)
            if (strcmp(d->params[j].name, p->name) == 0)
                bad = "a name no other parameter has";
        if (bad) {
            snprintf(err, size, "malformed plugin descriptor: parameter %zu (%s) lacks %s", i,
                     p->name && strnlen(p->name, MAX_NAME + 1) <= MAX_NAME ? p->name : "no name",
                     bad);
            return -1;
        }
    }
    return 0;
}

static int check_ports(const pipe_port_decl *ports, size_t n, const char *what, char *err,
                       size_t size)
{
    if (check_array(ports, n, what, err, size) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const pipe_port_decl *p = &ports[i];
        const char *bad = NULL;
        if (!valid_name(p->name))
            bad = "a name of letters, digits, '_' or '-'";
        else if (!p->dtypes || (p->dtypes & ~(unsigned)PIPE_DT_ANY))
            bad = "a dtype mask of known dtypes";
        else if (p->rank < 0 || p->rank > PIPE_MAX_RANK)
            bad = "a rank from 0 (any) to 4";
        for (size_t j = 0; !bad && j < i; j++)
            if (strcmp(ports[j].name, p->name) == 0)
                bad = "a name no other port has";
        if (bad) {
            snprintf(err, size, "malformed plugin descriptor: %s port %zu (%s) lacks %s", what, i,
                     p->name && strnlen(p->name, MAX_NAME + 1) <= MAX_NAME ? p->name : "no name",
                     bad);
            return -1;
        }
    }
    return 0;
}

/* The descriptor's own fields, before any declaration is read. */
static int check_head(const pipe_plugin *d, char *err, size_t size)
{
    if (!d) {
        snprintf(err, size, "pipe_plugin_entry() returned no descriptor");
        return -1;
    }
    if (d->abi_major != PIPE_ABI_MAJOR) {
        snprintf(err, size,
                 "built for pipe ABI %u.%u, but this runner speaks ABI %d.x: rebuild the plugin "
                 "against this SDK",
                 d->abi_major, d->abi_minor, PIPE_ABI_MAJOR);
        return -1;
    }
    if (d->struct_size < offsetof(pipe_plugin, finish) + sizeof d->finish || !d->name || !d->run) {
        snprintf(err, size, "malformed plugin descriptor (size %u, name or run missing)",
                 d->struct_size);
        return -1;
    }
    if (!valid_name(d->name)) {
        snprintf(err, size,
                 "malformed plugin descriptor: the stage name must be 1 to %d letters, digits, "
                 "'_' or '-'",
                 MAX_NAME);
        return -1;
    }
    return 0;
}

int pipe_plugin_check(const pipe_plugin *d, char *err, size_t size)
{
    if (check_head(d, err, size) != 0 || check_params(d, err, size) != 0 ||
        check_ports(d->inputs, d->n_inputs, "inputs", err, size) != 0 ||
        check_ports(d->outputs, d->n_outputs, "outputs", err, size) != 0)
        return -1;
    return 0;
}

/* `n` declarations of `stride` bytes at `items` into a runner-sized copy
 * (elem bytes each; what the plugin lacks stays zero). */
static void *copy_decls(const void *items, size_t n, size_t stride, size_t elem)
{
    unsigned char *out = pipe_xcalloc(n ? n : 1, elem);
    size_t keep = stride < elem ? stride : elem;
    for (size_t i = 0; i < n; i++)
        memcpy(out + i * elem, (const unsigned char *)items + i * stride, keep);
    return out;
}

/* The size a plugin says its declarations have: 0 means ABI 1.0's. */
static int decl_size(uint32_t said, size_t v1_0, const char *what, size_t *out, char *err,
                     size_t size)
{
    *out = said ? said : v1_0;
    if (*out < v1_0 || *out > MAX_DECL_SIZE) {
        snprintf(err, size,
                 "malformed plugin descriptor: %s declarations of %u bytes (ABI 1.0's are %zu)",
                 what, said, v1_0);
        return -1;
    }
    return 0;
}

pipe_plugin *pipe_plugin_adopt(const pipe_plugin *d, char *err, size_t size)
{
    if (check_head(d, err, size) != 0)
        return NULL;
    size_t head = d->struct_size < sizeof(pipe_plugin) ? d->struct_size : sizeof(pipe_plugin);
    pipe_plugin *own = pipe_xcalloc(1, sizeof *own);
    memcpy(own, d, head);
    int has_sizes = head >= offsetof(pipe_plugin, port_decl_size) + sizeof(uint32_t);
    size_t param_size, port_size;
    if (decl_size(has_sizes ? d->param_decl_size : 0, PARAM_DECL_1_0, "parameter", &param_size, err,
                  size) != 0 ||
        decl_size(has_sizes ? d->port_decl_size : 0, PORT_DECL_1_0, "port", &port_size, err,
                  size) != 0 ||
        check_array(d->params, d->n_params, "params", err, size) != 0 ||
        check_array(d->inputs, d->n_inputs, "inputs", err, size) != 0 ||
        check_array(d->outputs, d->n_outputs, "outputs", err, size) != 0) {
        free(own);
        return NULL;
    }
    own->params = copy_decls(d->params, d->n_params, param_size, sizeof(pipe_param_decl));
    own->inputs = copy_decls(d->inputs, d->n_inputs, port_size, sizeof(pipe_port_decl));
    own->outputs = copy_decls(d->outputs, d->n_outputs, port_size, sizeof(pipe_port_decl));
    own->param_decl_size = sizeof(pipe_param_decl);
    own->port_decl_size = sizeof(pipe_port_decl);
    if (pipe_plugin_check(own, err, size) != 0) {
        pipe_plugin_free(own);
        return NULL;
    }
    return own;
}

void pipe_plugin_free(pipe_plugin *own)
{
    if (!own)
        return;
    free((void *)own->params);
    free((void *)own->inputs);
    free((void *)own->outputs);
    free(own);
}
