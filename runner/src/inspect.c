/*
 * inspect.c — `pipe list` and `pipe inspect STAGE`: the documentation of
 * every stage, printed from the plugins' own declarations (the same ones
 * the validator uses), in the spirit of gst-inspect.
 */
#include "cli.h"
#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *type_name(pipe_param_type t)
{
    static const char *const names[] = {"int",      "float",      "bool",        "string", "choice",
                                        "int list", "float list", "string list", "mapping"};
    return (unsigned)t < PIPE_COUNT(names) ? names[t] : "?";
}

int pipe_cli_list(const pipe_registry *reg_in)
{
    pipe_registry *reg = (pipe_registry *)reg_in;
    size_t n = 0;
    char **paths = pipe_registry_scan(reg, &n);
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        char err[2048];
        const pipe_loaded_plugin *lp = pipe_registry_open(reg, paths[i], err, sizeof err);
        if (lp)
            printf("%-14s %-8s %s\n", lp->desc->name, lp->desc->version ? lp->desc->version : "",
                   lp->desc->summary ? lp->desc->summary : "");
        else {
            fprintf(stderr, "pipe: %s\n", err);
            bad = 1;
        }
        free(paths[i]);
    }
    free(paths);
    if (n == 0) {
        fprintf(stderr, "pipe: no plugins found in the search path:");
        for (size_t i = 0; i < reg->n_dirs; i++)
            fprintf(stderr, " %s", reg->dirs[i]);
        fputc('\n', stderr);
        return 1;
    }
    return bad;
}

/* Print `text` word-wrapped to 80 columns, each line indented by `indent`. */
static void print_wrapped(const char *text, int indent)
{
    const int width = 80 - indent;
    while (*text) {
        int len = (int)strlen(text), cut = len;
        if (len > width) {
            cut = width;
            while (cut > 0 && text[cut] != ' ')
                cut--;
            if (cut == 0)
                cut = width;
        }
        printf("%*s%.*s\n", indent, "", cut, text);
        text += cut;
        while (*text == ' ')
            text++;
    }
}

static void print_param(const pipe_param_decl *d)
{
    printf("  %-16s %-11s", d->name, type_name(d->type));
    if (d->def)
        printf(" default %s", d->def[0] ? d->def : "\"\"");
    else
        printf(" required");
    if (d->type == PIPE_PARAM_CHOICE && d->choices)
        printf("; one of %s", d->choices);
    if (d->min < d->max)
        printf("; range [%g, %g]", d->min, d->max);
    putchar('\n');
    print_wrapped(d->doc ? d->doc : "", 6);
}

static void print_ports(const char *title, const pipe_port_decl *ports, size_t n)
{
    printf("\n%s:\n", title);
    if (n == 0)
        printf("  (none)\n");
    for (size_t i = 0; i < n; i++) {
        char dtypes[64];
        const pipe_port_decl *p = &ports[i];
        printf("  %-16s %s, ", p->name, pipe_dtype_mask_name(p->dtypes, dtypes, sizeof dtypes));
        if (p->rank)
            printf("rank %d", p->rank);
        else
            printf("any rank");
        printf("%s\n", p->optional ? " (optional)" : "");
        print_wrapped(p->doc ? p->doc : "", 6);
    }
}

int pipe_cli_inspect(pipe_registry *reg, const char *name)
{
    char err[2048];
    const pipe_plugin *d = pipe_registry_get(reg, name, err, sizeof err);
    if (!d) {
        fprintf(stderr, "pipe: %s\n", err);
        return 2;
    }
    const char *path = "";
    for (size_t i = 0; i < reg->n_loaded; i++)
        if (reg->loaded[i].desc == d)
            path = reg->loaded[i].path;
    printf("%s %s — %s\n", d->name, d->version ? d->version : "", d->summary ? d->summary : "");
    printf("file: %s (ABI %u.%u)\n", path, d->abi_major, d->abi_minor);
    printf("under MPI: %s\n", pipe_plugin_rank_aware(d)
                                  ? "rank-aware (works on this rank's block of rows)"
                                  : "sees every row on every rank (the runner gathers)");
    if (d->description) {
        putchar('\n');
        print_wrapped(d->description, 0);
    }
    printf("\nParameters:\n");
    if (d->n_params == 0)
        printf("  (none)\n");
    for (size_t i = 0; i < d->n_params; i++)
        print_param(&d->params[i]);
    print_ports("Inputs", d->inputs, d->n_inputs);
    print_ports("Outputs", d->outputs, d->n_outputs);
    return 0;
}
