/*
 * source.c — where a tensor's data come from ("simulated, seed 42",
 * "real data, dielectron.csv"): a stage names the source of its outputs,
 * or the runner passes on the sources of its inputs, so that a plot at
 * the end of a pipeline can say whether it shows real or simulated
 * events.
 */
#include "core.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pipe_set_source(pipe_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->source, sizeof ctx->source, fmt, ap);
    va_end(ap);
}

const char *pipe_input_source(const pipe_ctx *ctx, const char *port)
{
    const char *name = ctx->checking ? NULL : pipe_input_name(ctx, port);
    return name ? pipe_store_source(&ctx->run->store, name) : NULL;
}

char *pipe_source_of_output(const pipe_ctx *ctx)
{
    if (ctx->source[0])
        return pipe_xstrdup(ctx->source);
    char *joined = NULL;
    for (size_t i = 0; i < ctx->plugin->n_inputs; i++) {
        const char *s = pipe_input_source(ctx, ctx->plugin->inputs[i].name);
        if (!s || (joined && strstr(joined, s)))
            continue;
        char *next = joined ? pipe_strdup_printf("%s + %s", joined, s) : pipe_xstrdup(s);
        free(joined);
        joined = next;
    }
    return joined;
}
