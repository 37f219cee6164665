/*
 * sweep.c — `pipe sweep FILE --grid STAGE.PARAM=[...] -j N`: every
 * combination of the grid is one `pipe run` of this same executable (fork
 * and exec, with --set and --out), up to N at a time, each in its own
 * folder under <output>/sweep/; then the sweep table (sweep.csv,
 * sweep.json: parameters, metrics, status, seconds) and the best
 * combination of the chosen metric. Under mpirun / srun rank r runs the
 * combinations k with k mod size = r (each rank -j N at a time), the
 * statuses and times are summed across the ranks, and rank 0 writes the
 * table (the run folders must be on a filesystem every rank sees). With
 * N > 1 each run's output is
 * captured in an anonymous file and printed as one block when the run ends,
 * so the lines of runs going on at the same time never interleave.
 */
#include "sweep.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage_sweep[] =
    "usage: pipe sweep FILE [--grid STAGE.PARAM=[V1,V2,...] ...] [-j N]\n"
    "                       [--metric STAGE.KEY] [--minimize | --maximize] [--out DIR]\n"
    "                       [--set STAGE.PARAM=VALUE ...] [--threads N] [--plugin-path DIR]\n"
    "\n"
    "Run the pipeline FILE once per combination of the grid (the --grid\n"
    "arguments and FILE's sweep: block; --grid wins for the same parameter),\n"
    "each as 'pipe run' in <output>/sweep/<combination>/, N at a time (default\n"
    "the block's jobs:, else 1). Writes <output>/sweep/sweep.csv and sweep.json\n"
    "(parameters, metrics, status, seconds) and names the best combination of\n"
    "--metric (or the block's metric:), smallest unless --maximize. A failing\n"
    "combination is reported and the others go on. Exit 0 when all succeeded,\n"
    "1 when any failed, 2 on a usage or grid error.\n";

typedef pipe_sweep_run sweep_run;

typedef struct sweep_opts {
    const char *file, *metric, *out;
    int jobs, maximize, goal_given;
    const char **forward; /* --set / --threads / --plugin-path and values */
    size_t n_forward;
} sweep_opts;

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "pipe: ");
    fprintf(stderr, msg, arg);
    fprintf(stderr, "\n%.*s\n(see 'pipe sweep --help')\n", (int)strcspn(usage_sweep, "\n"),
            usage_sweep);
    return 2;
}

/* Options; --grid arguments are left in `grids` (argv indices) for later. */
static int parse_args(sweep_opts *o, int argc, char **argv, int *grids, size_t *n_grids)
{
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        int value = !strcmp(a, "--grid") || !strcmp(a, "-j") || !strcmp(a, "--jobs") ||
                    !strcmp(a, "--metric") || !strcmp(a, "--out") || !strcmp(a, "--set") ||
                    !strcmp(a, "--threads") || !strcmp(a, "--plugin-path");
        if (value && !next)
            return usage_error("option %s needs a value", a);
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage_sweep, stdout);
            return 0;
        } else if (!strcmp(a, "--grid"))
            grids[(*n_grids)++] = i + 1;
        else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
            char *end = NULL;
            long n = strtol(next, &end, 10);
            if (end == next || *end || n < 1 || n > 64)
                return usage_error("-j expects a whole number from 1 to 64, found '%s'", next);
            o->jobs = (int)n;
        } else if (!strcmp(a, "--metric"))
            o->metric = next;
        else if (!strcmp(a, "--minimize") || !strcmp(a, "--maximize")) {
            o->maximize = !strcmp(a, "--maximize");
            o->goal_given = 1;
        } else if (!strcmp(a, "--out"))
            o->out = next;
        else if (value) { /* --set, --threads, --plugin-path: for every run */
            o->forward[o->n_forward++] = a;
            o->forward[o->n_forward++] = next;
        } else if (a[0] == '-' && a[1])
            return usage_error("unknown option '%s'", a);
        else if (!o->file)
            o->file = a;
        else
            return usage_error("unexpected argument '%s'", a);
        i += value;
    }
    if (!o->file)
        return usage_error("%s", "sweep: missing argument");
    return -1; /* go on */
}

/* The folder and the --set arguments of every combination. */
static sweep_run *plan_runs(const pipe_sweep_grid *g, const char *base, size_t n)
{
    sweep_run *runs = pipe_xcalloc(n, sizeof *runs);
    size_t *idx = pipe_xcalloc(g->n + 1, sizeof *idx);
    for (size_t k = 0; k < n; k++) {
        pipe_sweep_combination(g, k, idx);
        runs[k].name = pipe_sweep_name(g, idx);
        for (size_t j = 0; j < k; j++) /* two values with the same label */
            if (!strcmp(runs[j].name, runs[k].name)) {
                char *again = pipe_strdup_printf("%s~%zu", runs[k].name, k + 1);
                free(runs[k].name);
                runs[k].name = again;
                break;
            }
        runs[k].dir = pipe_strdup_printf("%s/%s", base, runs[k].name);
        runs[k].sets = pipe_xcalloc(g->n + 1, sizeof(char *));
        for (size_t a = 0; a < g->n; a++) {
            char *text = pipe_sweep_value_text(&g->axes[a].values->items[idx[a]]);
            runs[k].sets[a] =
                pipe_strdup_printf("%s.%s=%s", g->axes[a].stage, g->axes[a].param, text);
            free(text);
        }
        runs[k].status = -1;
    }
    free(idx);
    return runs;
}

/* fork + exec of this executable: pipe run FILE --quiet --out DIR ... */
static pid_t start_run(const sweep_opts *o, const pipe_sweep_grid *g, sweep_run *r)
{
    size_t n = 0;
    const char **argv = pipe_xcalloc(8 + o->n_forward + 2 * g->n, sizeof *argv);
    argv[n++] = "pipe";
    argv[n++] = "run";
    argv[n++] = o->file;
    argv[n++] = "--quiet";
    argv[n++] = "--out";
    argv[n++] = r->dir;
    for (size_t i = 0; i < o->n_forward; i++)
        argv[n++] = o->forward[i];
    for (size_t a = 0; a < g->n; a++) {
        argv[n++] = "--set";
        argv[n++] = r->sets[a];
    }
    argv[n] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (r->log) {
            dup2(fileno(r->log), STDOUT_FILENO);
            dup2(fileno(r->log), STDERR_FILENO);
        }
        execv("/proc/self/exe", (char *const *)argv);
        fprintf(stderr, "pipe sweep: cannot run /proc/self/exe: %s\n", strerror(errno));
        _exit(127);
    }
    free(argv);
    return pid;
}

static void load_metrics(sweep_run *r)
{
    char *path = pipe_strdup_printf("%s/metrics.json", r->dir);
    r->metrics = pipe_yaml_load_file(path);
    free(path);
}

/* Print what a captured run wrote, each line under the run's name. */
static void print_log(sweep_run *r)
{
    if (!r->log)
        return;
    fflush(r->log);
    rewind(r->log);
    char line[4096];
    int at_start = 1;
    while (fgets(line, sizeof line, r->log)) {
        if (at_start)
            fprintf(stderr, "  %s | ", r->name);
        fputs(line, stderr);
        at_start = strchr(line, '\n') != NULL;
    }
    if (!at_start)
        fputc('\n', stderr);
    fclose(r->log);
    r->log = NULL;
}

/* Run this rank's combinations, `jobs` at a time. */
static void run_mine(const sweep_opts *o, const pipe_sweep_grid *g, sweep_run *runs, size_t n)
{
    size_t rank = (size_t)pipe_mpi_rank(), size = (size_t)pipe_mpi_size();
    size_t mine = n / size + (rank < n % size), next = rank, done = 0, running = 0;
    while (done < mine) {
        while (running < (size_t)o->jobs && next < n) {
            sweep_run *r = &runs[next];
            next += size;
            r->start = pipe_seconds();
            r->log = o->jobs > 1 ? tmpfile() : NULL;
            r->pid = start_run(o, g, r);
            if (r->pid < 0) {
                fprintf(stderr, "pipe sweep: cannot start %s: %s\n", r->name, strerror(errno));
                r->status = 127;
                print_log(r);
                done++;
                continue;
            }
            running++;
        }
        int st = 0;
        pid_t pid = waitpid(-1, &st, 0);
        if (pid < 0)
            break; /* no children left: cannot happen with running > 0 */
        for (size_t k = 0; k < n; k++) {
            sweep_run *r = &runs[k];
            if (r->pid != pid || r->status != -1)
                continue;
            r->seconds = pipe_seconds() - r->start;
            r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            running--, done++;
            fprintf(stderr, "pipe sweep: [%zu/%zu] %s: %s (exit %d) in %.2f s\n", done, mine,
                    r->name, r->status == 0 ? "ok" : "FAILED", r->status, r->seconds);
            print_log(r);
        }
    }
}

/* Run every combination (this rank's share, then every rank's statuses
 * and times summed over the ranks); rank 0 reads the metrics of those
 * that succeeded. Returns how many failed. */
static size_t run_all(const sweep_opts *o, const pipe_sweep_grid *g, sweep_run *runs, size_t n)
{
    run_mine(o, g, runs, n);
    double *shared = pipe_xcalloc(2 * n + 1, sizeof *shared); /* status, seconds per run */
    for (size_t k = 0; k < n; k++)
        if (runs[k].status != -1) {
            shared[2 * k] = runs[k].status;
            shared[2 * k + 1] = runs[k].seconds;
        }
    pipe_mpi_sum_f64(shared, 2 * n);
    pipe_mpi_finalize(); /* the rest (table, plot run in this process) is rank 0's alone */
    size_t failed = 0;
    for (size_t k = 0; k < n; k++) {
        runs[k].status = (int)shared[2 * k];
        runs[k].seconds = shared[2 * k + 1];
        failed += runs[k].status != 0;
        if (runs[k].status == 0 && pipe_mpi_rank() == 0)
            load_metrics(&runs[k]);
    }
    free(shared);
    return failed;
}

/* Does the --set text "stage.param=value" name a parameter of the grid? */
static int set_on_grid(const pipe_sweep_grid *g, const char *set)
{
    size_t key = strcspn(set, "=");
    for (size_t a = 0; a < g->n; a++) {
        size_t ls = strlen(g->axes[a].stage), lp = strlen(g->axes[a].param);
        if (key == ls + 1 + lp && !strncmp(set, g->axes[a].stage, ls) && set[ls] == '.' &&
            !strncmp(set + ls + 1, g->axes[a].param, lp))
            return 1;
    }
    return 0;
}

int pipe_cli_sweep(int argc, char **argv)
{
    sweep_opts o;
    memset(&o, 0, sizeof o);
    o.forward = pipe_xcalloc((size_t)argc, sizeof *o.forward);
    int *grids = pipe_xcalloc((size_t)argc, sizeof *grids);
    size_t n_grids = 0;
    int rc = parse_args(&o, argc, argv, grids, &n_grids);
    pipe_pipeline *p = NULL;
    if (rc < 0) {
        pipe_diag_hold(o.file); /* sorted by line, as validate reports */
        p = pipe_pipeline_load(o.file);
        pipe_diag_release();
    }
    pipe_sweep_grid g;
    memset(&g, 0, sizeof g);
    if (rc < 0 && !p)
        rc = 2;
    if (rc < 0 && pipe_sweep_grid_from_file(&g, p) != 0)
        rc = 2;
    for (size_t i = 0; rc < 0 && i < n_grids; i++)
        if (pipe_sweep_grid_add_arg(&g, p, argv[grids[i]], grids[i]) != 0)
            rc = 2;
    for (size_t i = 0; rc < 0 && i + 1 < o.n_forward; i += 2)
        if (!strcmp(o.forward[i], "--set") && set_on_grid(&g, o.forward[i + 1]))
            rc = usage_error("--set %s: the parameter is on the grid; give its values there",
                             o.forward[i + 1]);
    if (rc < 0 && g.n == 0)
        rc = usage_error("%s: nothing to sweep: give --grid STAGE.PARAM=[V1,V2,...] or a "
                         "sweep: grid in the file",
                         o.file);
    if (rc < 0) {
        o.jobs = o.jobs ? o.jobs : g.jobs ? g.jobs : 1;
        const char *metric = o.metric ? o.metric : g.metric;
        int maximize = o.goal_given ? o.maximize : g.maximize;
        char *base = o.out       ? pipe_strdup_printf("%s/sweep", o.out)
                     : p->output ? pipe_strdup_printf("%s/sweep", p->output)
                                 : pipe_strdup_printf("output/%s/sweep", p->name);
        size_t n = pipe_sweep_count(&g);
        sweep_run *runs = plan_runs(&g, base, n);
        if (pipe_mkdirs(base) != 0) {
            fprintf(stderr, "pipe sweep: cannot create %s: %s\n", base, strerror(errno));
            rc = 1;
        } else {
            size_t failed = run_all(&o, &g, runs, n);
            const char **paths = pipe_xcalloc(o.n_forward + 1, sizeof *paths);
            size_t n_paths = 0;
            for (size_t i = 0; i + 1 < o.n_forward; i += 2)
                if (!strcmp(o.forward[i], "--plugin-path"))
                    paths[n_paths++] = o.forward[i + 1];
            if (pipe_mpi_rank() == 0)
                rc = pipe_sweep_write_table(&g, base, metric, maximize, runs, n, paths, n_paths) !=
                         0 ||
                     failed;
            else
                rc = 0; /* rank 0's exit code is the sweep's (mpirun ends the job at the
                           first non-zero one) */
            free(paths);
            if (failed && pipe_mpi_rank() == 0)
                fprintf(stderr, "pipe sweep: %zu of %zu combinations failed\n", failed, n);
        }
        for (size_t k = 0; k < n; k++) {
            free(runs[k].name);
            free(runs[k].dir);
            for (size_t a = 0; a < g.n; a++)
                free(runs[k].sets[a]);
            free(runs[k].sets);
            pipe_doc_free(runs[k].metrics);
        }
        free(runs);
        free(base);
    }
    pipe_sweep_grid_free(&g);
    pipe_pipeline_free(p);
    free(grids);
    free(o.forward);
    return rc;
}
