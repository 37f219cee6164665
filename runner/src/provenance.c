/*
 * provenance.c — what run.json records so that a reader can trace a run
 * and `pipe run --replay` can repeat it: the hash of the effective
 * configuration (the file's bytes and every stage's resolved parameters,
 * so --set and ${VAR} count), the command line and its --set arguments,
 * the environment variables the file refers to, every input file a stage
 * read (size and content hash), every plugin's path and version, the CPU
 * model and the thread count.
 */
#include "core.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

uint64_t pipe_config_hash(const pipe_pipeline *p, const pipe_plan *plan)
{
    uint64_t h = p->hash;
    for (size_t i = 0; i < plan->n; i++) {
        const pipe_plugin *pl = plan->plugins[i];
        h = pipe_fnv1a(h, p->stages[i].id, strlen(p->stages[i].id) + 1);
        for (size_t k = 0; pl && plan->params[i] && k < pl->n_params; k++) {
            char *text = NULL;
            size_t len = 0;
            FILE *f = open_memstream(&text, &len);
            if (!f)
                continue;
            fprintf(f, "%s=", pl->params[k].name);
            pipe_param_write_json(f, &plan->params[i][k]);
            fclose(f);
            h = pipe_fnv1a(h, text, len + 1);
            free(text);
        }
    }
    return h;
}

void pipe_input_file(pipe_ctx *ctx, const char *path)
{
    pipe_run_state *run = ctx->run;
    if (ctx->checking || !path)
        return;
    run->inputs = pipe_xrealloc(run->inputs, (run->n_inputs + 1) * sizeof *run->inputs);
    pipe_input_record *r = &run->inputs[run->n_inputs++];
    r->stage = ctx->spec->id;
    r->path = pipe_xstrdup(path);
    r->hash = pipe_fnv1a_file(path, &r->bytes);
}

void pipe_inputs_free(pipe_run_state *run)
{
    for (size_t i = 0; i < run->n_inputs; i++)
        free(run->inputs[i].path);
    free(run->inputs);
    run->inputs = NULL;
    run->n_inputs = 0;
}

/* The "model name" line of /proc/cpuinfo, or "unknown". */
static void cpu_model(char *buf, size_t size)
{
    snprintf(buf, size, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) != 0 || !colon)
            continue;
        colon += 1 + strspn(colon + 1, " \t");
        colon[strcspn(colon, "\n")] = '\0';
        snprintf(buf, size, "%s", colon);
        break;
    }
    fclose(f);
}

/* The whole file as a string, or NULL. */
static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *text = NULL;
    size_t len = 0, cap = 0, n;
    char buf[4096];
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (len + n + 1 > cap)
            text = pipe_xrealloc(text, cap = 2 * (len + n + 1));
        memcpy(text + len, buf, n);
        len += n;
    }
    fclose(f);
    if (text)
        text[len] = '\0';
    return text;
}

/* "NAME": "value" of each ${NAME} (or ${NAME:-default}) in the file,
 * once each; unset ones as null. */
static void write_env(FILE *f, const char *path)
{
    char *text = read_text(path);
    char names[64][128];
    size_t n_names = 0;
    fputs("{", f);
    for (const char *s = text ? strstr(text, "${") : NULL; s && n_names < 64;
         s = strstr(s + 2, "${")) {
        size_t n = 0;
        while (n < 127 && (isalnum((unsigned char)s[2 + n]) || s[2 + n] == '_'))
            n++;
        snprintf(names[n_names], sizeof names[n_names], "%.*s", (int)n, s + 2);
        size_t j = 0;
        while (j < n_names && strcmp(names[j], names[n_names]) != 0)
            j++;
        if (!n || j < n_names)
            continue;
        const char *value = getenv(names[n_names]);
        fputs(n_names ? ", " : "", f);
        pipe_json_string(f, names[n_names]);
        fputs(": ", f);
        if (value)
            pipe_json_string(f, value);
        else
            fputs("null", f);
        n_names++;
    }
    fputs("}", f);
    free(text);
}

static void write_command(FILE *f, const pipe_run_options *o)
{
    fputs("[", f);
    for (int i = 0; i < o->argc; i++) {
        fputs(i ? ", " : "", f);
        pipe_json_string(f, o->argv[i]);
    }
    fputs("],\n  \"set\": [", f);
    for (size_t i = 0; i < o->n_overrides; i++) {
        fputs(i ? ", " : "", f);
        pipe_json_string(f, o->overrides[i].value->file + strlen("--set "));
    }
    fputs("]", f);
}

static void write_inputs(FILE *f, const pipe_run_state *run)
{
    fputs("[", f);
    for (size_t i = 0; i < run->n_inputs; i++) {
        const pipe_input_record *r = &run->inputs[i];
        fputs(i ? ",\n    " : "\n    ", f);
        fputs("{\"stage\": ", f);
        pipe_json_string(f, r->stage);
        fputs(", \"path\": ", f);
        pipe_json_string(f, r->path);
        fprintf(f, ", \"bytes\": %lld, \"hash\": \"fnv1a64:%016llx\"}", r->bytes,
                (unsigned long long)r->hash);
    }
    fputs(run->n_inputs ? "\n  ]" : "]", f);
}

static void write_plugins(FILE *f, const pipe_registry *reg)
{
    fputs("[", f);
    for (size_t i = 0; reg && i < reg->n_loaded; i++) {
        const pipe_loaded_plugin *lp = &reg->loaded[i];
        fputs(i ? ",\n    " : "\n    ", f);
        fputs("{\"name\": ", f);
        pipe_json_string(f, lp->desc->name);
        fputs(", \"version\": ", f);
        pipe_json_string(f, lp->desc->version ? lp->desc->version : "");
        fputs(", \"path\": ", f);
        pipe_json_string(f, lp->path);
        fputs("}", f);
    }
    fputs(reg && reg->n_loaded ? "\n  ]" : "]", f);
}

void pipe_provenance_write(FILE *f, const pipe_run_state *run)
{
    char cpu[256];
    cpu_model(cpu, sizeof cpu);
    fprintf(f, ",\n  \"file_hash\": \"fnv1a64:%016llx\",\n  \"command\": ",
            (unsigned long long)run->pipeline->hash);
    write_command(f, run->opts);
    fputs(",\n  \"environment\": ", f);
    write_env(f, run->pipeline->file);
    fputs(",\n  \"cpu\": ", f);
    pipe_json_string(f, cpu);
    fputs(",\n  \"input_files\": ", f);
    write_inputs(f, run);
    fputs(",\n  \"plugins\": ", f);
    write_plugins(f, run->reg);
}
