/*
 * cli.c — the pipe command line: subcommands, options, help texts and
 * exit codes (0 success, 1 a stage failed, 2 usage or validation error).
 */
#include "cli.h"
#include "sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef PIPE_VERSION
#define PIPE_VERSION "0.0.0"
#endif

static const char usage_main[] =
    "usage: pipe COMMAND [options]\n"
    "\n"
    "Declarative pipelines for machine learning on particle-physics events.\n"
    "\n"
    "commands:\n"
    "  run FILE        validate and run a pipeline; results in output/<pipeline>/\n"
    "  validate FILE   check a pipeline without running it\n"
    "  list            list the stages (plugins) found\n"
    "  inspect STAGE   show a stage's parameters, inputs and outputs\n"
    "  sweep FILE      run every combination of a parameter grid (--grid, sweep:)\n"
    "  diff A B        what changed between two run folders: run, params, metrics\n"
    "\n"
    "options:\n"
    "  --help, -h      show help (also: pipe COMMAND --help)\n"
    "  --version       show the version\n"
    "\n"
    "exit codes: 0 success, 1 a stage failed or expectations not met, 2 usage or\n"
    "validation error.\n";

static const char usage_run[] =
    "usage: pipe run FILE [--set STAGE.PARAM=VALUE ...] [--out DIR] [--threads N]\n"
    "                     [--quiet] [--expect EXPECTED.json] [--plugin-path DIR]\n"
    "                     [--keep-tensors] [--resume]\n"
    "       pipe run --replay output/NAME/run.json [--out DIR] [--quiet]\n"
    "\n"
    "Validate and run the pipeline FILE. Writes metrics.json, run.json and each\n"
    "stage's files to output/<pipeline name>/ (or the file's 'output', or --out).\n"
    "\n"
    "  --set STAGE.PARAM=VALUE  override a parameter (VALUE is YAML: 3, [1, 2], adam)\n"
    "  --out DIR                write results to DIR\n"
    "  --threads N              threads for BLAS and stages (default: the pipeline's\n"
    "                           threads:, else 1)\n"
    "  --quiet                  no logs or progress, only errors\n"
    "  --expect FILE            compare metrics with FILE; exit 1 when any is out of\n"
    "                           tolerance\n"
    "  --plugin-path DIR        search DIR for plugins first (repeatable; also\n"
    "                           PIPE_PLUGIN_PATH=DIR:DIR)\n"
    "  --keep-tensors           keep every tensor until the run ends (by default each\n"
    "                           goes after the last stage that reads it)\n"
    "  --resume                 continue a killed or failed run from its last\n"
    "                           checkpoints (same file, seed, threads and --set);\n"
    "                           without it a run starts over\n"
    "  --replay RUN_JSON        rerun exactly what a run.json recorded: its pipeline\n"
    "                           file, --set arguments, threads and the environment\n"
    "                           variables the file refers to; refused when the\n"
    "                           configuration's hash differs from the recorded one\n"
    "\n"
    "environment:\n"
    "  PIPE_SHARED_DATA         the folder of the real CMS files that pipelines name\n"
    "                           as ${PIPE_SHARED_DATA}/...; when it is not set, pipe\n"
    "                           sets it to ../shared/data if that folder exists\n";

static const char usage_validate[] =
    "usage: pipe validate FILE [--set STAGE.PARAM=VALUE ...] [--plugin-path DIR]\n"
    "\n"
    "Check everything that can be checked without running: YAML structure, that\n"
    "every stage resolves to a plugin, every parameter is known, of the right type\n"
    "and in range, every input tensor is produced by an earlier stage with a\n"
    "compatible dtype, rank and columns, files a stage reads exist and output names\n"
    "stay in the output folder. Every error is reported, sorted by line. Exit 0\n"
    "when valid, 2 otherwise.\n"
    "PIPE_SHARED_DATA defaults to ../shared/data as for 'pipe run'.\n";

static const char usage_list[] =
    "usage: pipe list [--plugin-path DIR]\n\nList every stage plugin in the search path.\n";

static const char usage_inspect[] =
    "usage: pipe inspect STAGE [--plugin-path DIR]\n"
    "\n"
    "Show a stage's summary, parameters (type, default, range or choices, doc),\n"
    "inputs and outputs, from the plugin's own declarations.\n";

typedef struct cli_args {
    const char *command, *file;
    pipe_run_options opts;
    const char **plugin_path;
    size_t n_plugin_path;
    int help;
    const char *replay; /* --replay RUN_JSON */
} cli_args;

/* Report a usage error with the command's usage line (the first line of
 * its help text) and where to read more. */
static int usage_error(const char *usage, const char *fmt, const char *arg)
{
    fprintf(stderr, "pipe: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%.*s\n(see 'pipe --help')\n", (int)strcspn(usage, "\n"), usage);
    return 2;
}

static int parse_threads(const char *text, int *out)
{
    char *end = NULL;
    long n = strtol(text, &end, 10);
    if (end == text || *end || n < 1 || n > 256)
        return -1;
    *out = (int)n;
    return 0;
}

/* Parse the options after the command. Returns 0, or an exit code. */
static int parse_options(cli_args *a, int argc, char **argv, const char *usage)
{
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        int takes_value = !strcmp(arg, "--set") || !strcmp(arg, "--out") ||
                          !strcmp(arg, "--threads") || !strcmp(arg, "--expect") ||
                          !strcmp(arg, "--plugin-path") || !strcmp(arg, "--replay");
        if (takes_value && !next)
            return usage_error(usage, "option %s needs a value", arg);
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
            a->help = 1;
        else if (!strcmp(arg, "--quiet") || !strcmp(arg, "-q"))
            a->opts.quiet = 1;
        else if (!strcmp(arg, "--keep-tensors"))
            a->opts.keep_tensors = 1;
        else if (!strcmp(arg, "--resume"))
            a->opts.resume = 1;
        else if (!strcmp(arg, "--set")) {
            a->opts.overrides =
                pipe_xrealloc(a->opts.overrides, (a->opts.n_overrides + 1) * sizeof(pipe_override));
            if (pipe_override_parse(next, &a->opts.overrides[a->opts.n_overrides]) != 0)
                return 2;
            a->opts.n_overrides++;
        } else if (!strcmp(arg, "--out"))
            a->opts.out_dir = next;
        else if (!strcmp(arg, "--expect"))
            a->opts.expect = next;
        else if (!strcmp(arg, "--replay"))
            a->replay = next;
        else if (!strcmp(arg, "--threads")) {
            if (parse_threads(next, &a->opts.threads) != 0)
                return usage_error(usage,
                                   "--threads expects a whole number from 1 to 256, "
                                   "found '%s'",
                                   next);
        } else if (!strcmp(arg, "--plugin-path")) {
            a->plugin_path = pipe_xrealloc(a->plugin_path, (a->n_plugin_path + 1) * sizeof(char *));
            a->plugin_path[a->n_plugin_path++] = next;
        } else if (arg[0] == '-' && arg[1])
            return usage_error(usage, "unknown option '%s'", arg);
        else if (!a->file)
            a->file = arg;
        else
            return usage_error(usage, "unexpected argument '%s'", arg);
        i += takes_value;
    }
    a->opts.plugin_path = a->plugin_path;
    a->opts.n_plugin_path = a->n_plugin_path;
    return 0;
}

static const char *usage_for(const char *command)
{
    if (!strcmp(command, "run"))
        return usage_run;
    if (!strcmp(command, "validate"))
        return usage_validate;
    if (!strcmp(command, "list"))
        return usage_list;
    if (!strcmp(command, "inspect"))
        return usage_inspect;
    return NULL;
}

/* The run's messages go to stderr, one line each. */
static void diag_to_stderr(void *user, const char *line)
{
    (void)user;
    fprintf(stderr, "%s\n", line);
}

/* The only folder of the real CMS files a user can know without being told:
 * ../shared/data, relative to where pipe runs. PIPE_SHARED_DATA, when set,
 * wins; this is the command's decision, never the library's. */
static void default_shared_data(void)
{
    const char *set = getenv("PIPE_SHARED_DATA");
    struct stat st;
    if ((!set || !*set) && stat("../shared/data", &st) == 0 && S_ISDIR(st.st_mode))
        setenv("PIPE_SHARED_DATA", "../shared/data", 1);
}

static int dispatch_command(cli_args *a, const char *usage);

/* --replay: the recorded file, --set arguments, threads and environment
 * (the command sets the variables; the library never does). Returns 0 or
 * an exit code. */
static int apply_replay(cli_args *a, pipe_replay *r, const char *usage)
{
    char err[2048];
    if (a->file || a->opts.n_overrides)
        return usage_error(usage, "%s: --replay takes the pipeline and its --set from run.json",
                           a->file ? a->file : "--set");
    if (pipe_replay_load(a->replay, r, err, sizeof err) != 0) {
        fprintf(stderr, "pipe: %s\n", err);
        return 2;
    }
    for (size_t i = 0; i < r->n_env; i++)
        if (r->env_values[i])
            setenv(r->env_names[i], r->env_values[i], 1);
        else
            unsetenv(r->env_names[i]);
    a->opts.overrides = pipe_xcalloc(r->n_sets ? r->n_sets : 1, sizeof(pipe_override));
    for (; a->opts.n_overrides < r->n_sets; a->opts.n_overrides++)
        if (pipe_override_parse(r->sets[a->opts.n_overrides],
                                &a->opts.overrides[a->opts.n_overrides]) != 0)
            return 2;
    a->file = r->file;
    a->opts.threads = a->opts.threads ? a->opts.threads : r->threads;
    a->opts.replay_hash = r->hash;
    return 0;
}

static int dispatch(cli_args *a, const char *usage)
{
    pipe_replay replay;
    memset(&replay, 0, sizeof replay);
    int rc = a->replay ? apply_replay(a, &replay, usage) : 0;
    if (rc == 0)
        rc = dispatch_command(a, usage);
    pipe_replay_free(&replay);
    return rc;
}

static int dispatch_command(cli_args *a, const char *usage)
{
    int needs_file = strcmp(a->command, "list") != 0;
    if (needs_file && !a->file)
        return usage_error(usage, "%s: missing argument", a->command);
    if (!needs_file && a->file)
        return usage_error(usage, "unexpected argument '%s'", a->file);
    if (!strcmp(a->command, "run") || !strcmp(a->command, "validate")) {
        a->opts.validate_only = !strcmp(a->command, "validate");
        a->opts.diag = diag_to_stderr;
        default_shared_data();
        /* under mpirun / srun each rank runs the pipeline (mpi.c) */
        if (!a->opts.validate_only && pipe_mpi_init(NULL, NULL) != 0)
            return 1;
        int rc = pipe_run_file(a->file, &a->opts);
        pipe_mpi_finalize();
        return rc;
    }
    pipe_registry reg;
    pipe_registry_init(&reg, a->plugin_path, a->n_plugin_path);
    int rc = !strcmp(a->command, "list") ? pipe_cli_list(&reg) : pipe_cli_inspect(&reg, a->file);
    pipe_registry_free(&reg);
    return rc;
}

int pipe_cli_main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error(usage_main, "%s", "missing command");
    const char *command = argv[1];
    if (!strcmp(command, "--help") || !strcmp(command, "-h") || !strcmp(command, "help")) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (!strcmp(command, "--version")) {
        printf("pipe %s (plugin ABI %d.%d)\n", PIPE_VERSION, PIPE_ABI_MAJOR, PIPE_ABI_MINOR);
        return 0;
    }
    if (!strcmp(command, "sweep") || !strcmp(command, "diff")) {
        default_shared_data();
        /* under mpirun / srun the ranks share a sweep's combinations (sweep.c) */
        if (!strcmp(command, "sweep") && pipe_mpi_init(NULL, NULL) != 0)
            return 1;
        setenv("PIPE_MPI", "0", 1); /* a sweep's runs are processes of their own */
        int rc = !strcmp(command, "sweep") ? pipe_cli_sweep(argc, argv) : pipe_cli_diff(argc, argv);
        pipe_mpi_finalize();
        return rc;
    }
    const char *usage = usage_for(command);
    if (!usage) {
        static const char *const commands[] = {"run",     "validate", "list",
                                               "inspect", "sweep",    "diff"};
        char hint[128];
        fprintf(stderr, "pipe: unknown command '%s'%s\n(see 'pipe --help')\n", command,
                pipe_suggest_text(command, commands, 6, hint, sizeof hint));
        return 2;
    }
    cli_args a;
    memset(&a, 0, sizeof a);
    a.command = command;
    a.opts.threads = 0; /* the pipeline's threads:, else 1 */
    a.opts.argc = argc;
    a.opts.argv = argv;
    int rc = parse_options(&a, argc, argv, usage);
    if (rc == 0 && a.help) {
        fputs(usage, stdout);
    } else if (rc == 0)
        rc = dispatch(&a, usage);
    for (size_t i = 0; i < a.opts.n_overrides; i++)
        pipe_override_free(&a.opts.overrides[i]);
    free(a.opts.overrides);
    free(a.plugin_path);
    return rc;
}
