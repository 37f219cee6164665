/*
 * stage_io.c — a stage's tensor ports at run time: which tensor name a
 * port is mapped to, borrowing inputs from the store and publishing
 * outputs into it, with the declared dtype and rank enforced.
 */
#include "core.h"

#include <stdlib.h>
#include <string.h>

static const pipe_port_decl *find_decl(const pipe_port_decl *decls, size_t n, const char *port)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(decls[i].name, port) == 0)
            return &decls[i];
    return NULL;
}

static const char *mapped(const pipe_port_map *maps, size_t n, const char *port)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(maps[i].port, port) == 0)
            return maps[i].tensor;
    return NULL;
}

/* The tensor name of a port: its mapping, else its own name unless the
 * port is optional; NULL for an undeclared port. */
static const char *port_name(const pipe_port_decl *decls, size_t n_decls, const pipe_port_map *maps,
                             size_t n_maps, const char *port)
{
    const pipe_port_decl *d = find_decl(decls, n_decls, port);
    const char *name = mapped(maps, n_maps, port);
    if (!d)
        return NULL;
    return name ? name : d->optional ? NULL : d->name;
}

const char *pipe_input_name(const pipe_ctx *ctx, const char *port)
{
    return port_name(ctx->plugin->inputs, ctx->plugin->n_inputs, ctx->spec->inputs,
                     ctx->spec->n_inputs, port);
}

const char *pipe_output_name(const pipe_ctx *ctx, const char *port)
{
    return port_name(ctx->plugin->outputs, ctx->plugin->n_outputs, ctx->spec->outputs,
                     ctx->spec->n_outputs, port);
}

int pipe_output_wanted(const pipe_ctx *ctx, const char *port)
{
    return pipe_output_name(ctx, port) != NULL;
}

/* Does `t` fit the declaration? Writes the reason into buf when not. */
static int fits(const pipe_tensor *t, const pipe_port_decl *d, char *buf, size_t size)
{
    char want[64];
    if (!(d->dtypes & PIPE_DT(t->dtype))) {
        snprintf(buf, size, "is %s, expected %s", pipe_dtype_name(t->dtype),
                 pipe_dtype_mask_name(d->dtypes, want, sizeof want));
        return 0;
    }
    if (d->rank && t->rank != d->rank) {
        snprintf(buf, size, "has rank %d, expected rank %d", t->rank, d->rank);
        return 0;
    }
    return 1;
}

const pipe_tensor *pipe_input(pipe_ctx *ctx, const char *port)
{
    const pipe_port_decl *d = find_decl(ctx->plugin->inputs, ctx->plugin->n_inputs, port);
    if (!d || ctx->checking)
        return NULL;
    const char *name = pipe_input_name(ctx, port);
    if (!name)
        return NULL;
    const pipe_tensor *t = pipe_store_get(&ctx->run->store, name);
    if (ctx->local_inputs && ctx->local_inputs[d - ctx->plugin->inputs])
        t = ctx->local_inputs[d - ctx->plugin->inputs]; /* this rank's block (shard.c) */
    char why[128];
    if (!t) {
        pipe_error(ctx, "input '%s': no tensor '%s' in the store", port, name);
        return NULL;
    }
    if (!fits(t, d, why, sizeof why)) {
        pipe_error(ctx, "input '%s': tensor '%s' %s", port, name, why);
        return NULL;
    }
    return t;
}

int pipe_output(pipe_ctx *ctx, const char *port, pipe_tensor *t)
{
    const pipe_port_decl *d = find_decl(ctx->plugin->outputs, ctx->plugin->n_outputs, port);
    if (!t) {
        return pipe_error(ctx, "output '%s': no tensor given (out of memory?)", port);
    }
    if (!d) {
        pipe_tensor_release(t);
        return pipe_error(ctx, "output '%s' is not declared by plugin '%s'", port,
                          ctx->plugin->name);
    }
    char why[128];
    if (!fits(t, d, why, sizeof why)) {
        pipe_tensor_release(t);
        return pipe_error(ctx, "output '%s' %s (plugin bug)", port, why);
    }
    const char *name = pipe_output_name(ctx, port);
    if (!name) {
        pipe_tensor_release(t); /* optional output nobody asked for */
        return 0;
    }
    char *source = pipe_source_of_output(ctx); /* before an input of this name goes */
    pipe_store_put(&ctx->run->store, name, t, ctx->spec->id);
    pipe_store_set_source(&ctx->run->store, name, source);
    free(source);
    return 0;
}

int pipe_stage_inputs_ready(pipe_ctx *ctx)
{
    int missing = 0;
    for (size_t i = 0; i < ctx->plugin->n_inputs; i++) {
        const char *port = ctx->plugin->inputs[i].name;
        if (pipe_input_name(ctx, port) && !pipe_input(ctx, port))
            missing++; /* reported by pipe_input */
    }
    return missing ? -1 : 0;
}
