/*
 * plotter_provenance.c — the provenance line of every plot: data source,
 * rows and model, from the plotter's parameters and inputs (see
 * plotter_provenance.h).
 */
#include "plotter_provenance.h"

#include <stdio.h>
#include <string.h>

/* The number of rows of the kind's data: the length of its first needed
 * input (a table's rows, an image batch's images). */
static int64_t input_rows(pipe_ctx *ctx, const plotter_kind *kind)
{
    const pipe_tensor *t = kind->needs[0] ? pipe_input(ctx, kind->needs[0]) : NULL;
    return t && t->rank >= 1 ? t->shape[0] : -1;
}

/* Rows of the split equal to part code `code`; -1 on error (reported). */
static int64_t part_rows(pipe_ctx *ctx, int code)
{
    const pipe_tensor *split = pipe_input(ctx, "split");
    if (!split)
        return -1;
    int64_t n = 0, count = pipe_tensor_count(split);
    for (int64_t i = 0; i < count; i++)
        n += pipe_tensor_get(split, i) == (double)code;
    return n;
}

static int read_rows(pipe_ctx *ctx, const plotter_kind *kind, plotter_provenance *p)
{
    const char *part = pipe_param_string(ctx, "part");
    int code = pipe_part_parse(part);
    int64_t n = code >= 0 ? part_rows(ctx, code) : input_rows(ctx, kind);
    if (n < 0)
        return code >= 0 ? -1 : 0; /* a missing input is the kind's error to report */
    if (strcmp(kind->name, "loss_curve") == 0)
        snprintf(p->rows, sizeof p->rows, "%lld epoch%s", (long long)n, n == 1 ? "" : "s");
    else if (strcmp(kind->name, "bars") == 0)
        snprintf(p->rows, sizeof p->rows, "%lld model%s", (long long)n, n == 1 ? "" : "s");
    else
        snprintf(p->rows, sizeof p->rows, "%s rows, N = %lld", part, (long long)n);
    return 0;
}

/* The model: the `model` parameter, else the tensors the kind shows a
 * model's output from (pred, score, score2.., history), comma separated. */
static void read_model(pipe_ctx *ctx, const plotter_kind *kind, plotter_provenance *p)
{
    const char *given = pipe_param_string(ctx, "model");
    if (*given) {
        snprintf(p->model, sizeof p->model, "model %s", given);
        return;
    }
    static const char *const ports[] = {"pred", "history", "score", "score2", "score3", "score4"};
    size_t len = 0;
    for (size_t i = 0; i < sizeof ports / sizeof *ports; i++) {
        const char *tensor =
            plotter_kind_uses(kind, ports[i]) ? pipe_input_name(ctx, ports[i]) : NULL;
        if (!tensor || len >= sizeof p->model)
            continue;
        len += (size_t)snprintf(p->model + len, sizeof p->model - len, "%s%s",
                                len ? ", " : "model output ", tensor);
    }
}

/* The source the runner knows of the first input the kind draws from
 * ("simulated, seed 42", "real data, dielectron.csv"), or NULL. */
static const char *data_source(pipe_ctx *ctx, const plotter_kind *kind)
{
    static const char *const ports[] = {"true",  "pred",   "table",  "score",
                                        "label", "images", "history"};
    for (size_t i = 0; i < sizeof ports / sizeof *ports; i++) {
        const char *s = plotter_kind_uses(kind, ports[i]) ? pipe_input_source(ctx, ports[i]) : NULL;
        if (s)
            return s;
    }
    return NULL;
}

int plotter_provenance_read(pipe_ctx *ctx, const plotter_kind *kind, plotter_provenance *p)
{
    memset(p, 0, sizeof *p);
    const char *source = pipe_param_string(ctx, "source");
    if (!*source)
        source = data_source(ctx, kind);
    if (source && *source)
        snprintf(p->source, sizeof p->source, "%s", source);
    else
        snprintf(p->source, sizeof p->source, "pipeline %s, seed %llu", pipe_pipeline_name(ctx),
                 (unsigned long long)pipe_pipeline_seed(ctx));
    if (read_rows(ctx, kind, p) != 0)
        return -1;
    read_model(ctx, kind, p);
    const char *parts[] = {p->source, p->rows, p->model};
    size_t len = 0;
    for (size_t i = 0; i < 3; i++)
        if (parts[i][0] && len < sizeof p->subtitle)
            len += (size_t)snprintf(p->subtitle + len, sizeof p->subtitle - len, "%s%s",
                                    len ? " · " : "", parts[i]);
    return 0;
}
