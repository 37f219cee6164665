/*
 * core.h — internal structures of the runner shared by its modules: the
 * parsed pipeline, resolved parameters, the store, the plugin registry,
 * metrics and the stage context. Plugins never see this header.
 */
#ifndef PIPE_CORE_H
#define PIPE_CORE_H

#include "pipe/pipe.h"

/* A runner function that the pipe executable, the tests or the fuzzers
 * call: exported from libpipe, but not part of the SDK. */
#define PIPE_INTERNAL __attribute__((visibility("default")))

#include <stdarg.h>
#include <stdint.h>

/* ---- diagnostics (diag.c) ---------------------------------------------- */

/* Print "file:line:col: stage 'id': message" (parts left out when 0/NULL)
 * to stderr. */
void pipe_diag(const char *file, int line, int col, const char *stage, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void pipe_diag_v(const char *file, int line, int col, const char *stage, const char *fmt,
                 va_list ap);
/* Where the messages of a run go: one line each, without its newline. The
 * pipe command passes one that writes to stderr; a program embedding the
 * library passes its own. */
typedef void (*pipe_diag_sink)(void *user, const char *line);
struct pipe_run_options;
/* A message of a run ("file:line:col: stage 'id': message" as pipe_diag)
 * to the run's sink, `opts->diag` (stderr when it is NULL). */
void pipe_run_diag(const struct pipe_run_options *opts, const char *file, int line, int col,
                   const char *stage, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void pipe_run_diag_v(const struct pipe_run_options *opts, const char *file, int line, int col,
                     const char *stage, const char *fmt, va_list ap);
/* Validation holds every message from here on (pipe_diag and
 * pipe_run_diag alike) ... */
PIPE_INTERNAL void pipe_diag_hold(const char *pipeline_file);
/* ... and prints them sorted by line and column of `pipeline_file` (messages about
 * no line of it, such as --set's, last; ties in order of arrival).
 * Returns how many there were. */
PIPE_INTERNAL size_t pipe_diag_release(void);
/* malloc'd printf, aborting on out-of-memory (the runner cannot go on). */
PIPE_INTERNAL char *pipe_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
PIPE_INTERNAL char *pipe_xstrdup(const char *s);
PIPE_INTERNAL void *pipe_xcalloc(size_t n, size_t size);
PIPE_INTERNAL void *pipe_xrealloc(void *p, size_t size);

/* ---- FNV-1a, the runner's one hash (hash.c) ----------------------------- */

#define PIPE_FNV_OFFSET 0xcbf29ce484222325ULL
/* h (PIPE_FNV_OFFSET to start) advanced over n bytes, or a string's bytes
 * without its NUL. */
uint64_t pipe_fnv1a(uint64_t h, const void *data, size_t n);
uint64_t pipe_fnv1a_str(uint64_t h, const char *s);
/* A file's hash (0 when it cannot be opened); its size in *size when given
 * (-1 when it cannot be read). */
uint64_t pipe_fnv1a_file(const char *path, long long *size);

/* ---- string-keyed maps (strmap.c) ------------------------------------- */

/* Borrowed string keys (they must outlive the map) to indices. */
typedef struct pipe_strmap {
    const char **keys;
    size_t *vals;
    size_t cap, n;
} pipe_strmap;

void pipe_strmap_init(pipe_strmap *m);
/* Map `key` to `val`, replacing an earlier value. */
void pipe_strmap_put(pipe_strmap *m, const char *key, size_t val);
/* 1 with *val set when `key` is present, else 0. */
int pipe_strmap_get(const pipe_strmap *m, const char *key, size_t *val);
void pipe_strmap_free(pipe_strmap *m);

/* ---- YAML documents as pipe_value trees (yaml_doc.c, value.c) ---------- */

/* A parsed document: the root value and the storage behind it. */
typedef struct pipe_doc {
    pipe_value *root;
    char *file; /* name used in messages */
} pipe_doc;

/* Parse a YAML file (or, with `text`, a string) into a document. On error
 * prints "file:line:col: message" and returns NULL. */
PIPE_INTERNAL pipe_doc *pipe_yaml_load_file(const char *path);
PIPE_INTERNAL pipe_doc *pipe_yaml_load_string(const char *text, const char *name);
PIPE_INTERNAL void pipe_doc_free(pipe_doc *doc);
void pipe_value_free(pipe_value *v); /* frees the contents, not v itself */
/* "a string", "a list", "a mapping" */
const char *pipe_value_kind_name(pipe_value_kind kind);

/* ---- the pipeline (pipeline.c) ----------------------------------------- */

typedef struct pipe_port_map {
    const char *port;   /* port name */
    const char *tensor; /* tensor name */
    int line, col;
} pipe_port_map;

typedef struct pipe_stage_spec {
    const char *id;
    const char *plugin;
    int line, col;               /* the stage's item in the list */
    int plugin_line, plugin_col; /* the plugin: value */
    const pipe_value *params;    /* the params mapping, or NULL */
    pipe_port_map *inputs, *outputs;
    size_t n_inputs, n_outputs;
    /* when: {exists: PATH} or {missing: PATH}: run only if PATH exists
     * (or is missing). NULL path: always run. */
    const pipe_value *when_path;
    int when_exists;
    /* The stage's item has errors (reported): validation still resolves
     * its plugin and ports, so that later stages see its outputs, but
     * checks no parameters of it. */
    int broken;
} pipe_stage_spec;

typedef struct pipe_pipeline {
    pipe_doc *doc;
    const char *file;
    const char *name;
    const char *description;
    uint64_t seed;
    int threads;        /* threads: of the file, or 0 when it does not say */
    const char *output; /* output directory, or NULL for output/<name> */
    pipe_stage_spec *stages;
    size_t n_stages;
    uint64_t hash; /* FNV-1a of the file's bytes */
} pipe_pipeline;

/* Read and check the structure of a pipeline file. NULL on error
 * (reported). */
PIPE_INTERNAL pipe_pipeline *pipe_pipeline_load(const char *path);
/* The same, but a pipeline with errors in its structure comes back too
 * (with *errors > 0, every one reported), as far as it could be read, so
 * that validation can report the rest in the same go. NULL only when the
 * file is no YAML mapping. */
PIPE_INTERNAL pipe_pipeline *pipe_pipeline_load_all(const char *path, int *errors);
PIPE_INTERNAL void pipe_pipeline_free(pipe_pipeline *p);
const pipe_stage_spec *pipe_pipeline_stage(const pipe_pipeline *p, const char *id);

/* ---- plugins (registry.c) ---------------------------------------------- */

typedef struct pipe_loaded_plugin {
    const pipe_plugin *desc;
    char *path;
    void *handle;
} pipe_loaded_plugin;

typedef struct pipe_registry {
    char **dirs;
    size_t n_dirs;
    pipe_loaded_plugin *loaded;
    size_t n_loaded;
} pipe_registry;

/* Search path: `extra` (from --plugin-path, may be NULL), PIPE_PLUGIN_PATH,
 * then the folders next to the executable. */
PIPE_INTERNAL void pipe_registry_init(pipe_registry *reg, const char *const *extra, size_t n_extra);
PIPE_INTERNAL void pipe_registry_free(pipe_registry *reg);
/* Find and load the plugin called `name`; NULL with the reason in err. */
PIPE_INTERNAL const pipe_plugin *pipe_registry_get(pipe_registry *reg, const char *name, char *err,
                                                   size_t size);
/* Load one .so file by path; NULL with the reason in err. */
PIPE_INTERNAL const pipe_loaded_plugin *pipe_registry_open(pipe_registry *reg, const char *path,
                                                           char *err, size_t size);
/* Names of every plugin file found on the search path (malloc'd array of
 * malloc'd paths, first occurrence of each name). */
PIPE_INTERNAL char **pipe_registry_scan(const pipe_registry *reg, size_t *n);

/* Check a descriptor field by field (plugin_check.c); -1 with the reason. */
int pipe_plugin_check(const pipe_plugin *d, char *err, size_t size);
/* The runner's checked copy of a plugin's descriptor, its declarations
 * read at the sizes the plugin was built with (fields it lacks are zero);
 * NULL with the reason. Free with pipe_plugin_free. */
pipe_plugin *pipe_plugin_adopt(const pipe_plugin *d, char *err, size_t size);
void pipe_plugin_free(pipe_plugin *own);
/* Check that the ELF file at `path` is whole (elf_check.c): its header,
 * program headers and every loadable segment lie inside the file, so that
 * dlopen cannot fault on a truncated file. -1 with the reason. */
int pipe_elf_check(const char *path, char *err, size_t size);

/* ---- parameters (params.c) --------------------------------------------- */

/* One --set override. */
typedef struct pipe_override {
    char *stage, *param;
    pipe_doc *value; /* the value text parsed as YAML */
    int used;
} pipe_override;

/* A resolved parameter value. */
typedef struct pipe_param_val {
    const pipe_param_decl *decl;
    const pipe_value *value; /* from the file, --set or the default */
    pipe_doc *default_doc;   /* owns the default's value when used */
    const char *file;        /* where value came from */
    int given;
    int64_t i;
    double f;
    char *s;
    size_t n;
    int64_t *ints;
    double *floats;
    char **strings;
} pipe_param_val;

/* Resolve and check the parameters of one stage against its plugin's
 * declarations. Returns a malloc'd array of plugin->n_params values, or
 * NULL after reporting every error. */
pipe_param_val *pipe_params_resolve(const pipe_pipeline *p, const pipe_stage_spec *spec,
                                    const pipe_plugin *plugin, pipe_override *ov, size_t n_ov);
void pipe_params_free(pipe_param_val *vals, size_t n);
/* Parse "stage.param=value" into an override; -1 (reported) on bad text. */
PIPE_INTERNAL int pipe_override_parse(const char *text, pipe_override *ov);
PIPE_INTERNAL void pipe_override_free(pipe_override *ov);
/* Expand ${VAR} and ${VAR:-default}: a malloc'd string, or NULL with the
 * unset variable's name in `missing`. */
char *pipe_env_expand(const char *text, char *missing, size_t size);
/* Write the value as JSON (for run.json). */
void pipe_param_write_json(FILE *f, const pipe_param_val *v);

/* ---- MPI (mpi.c) -------------------------------------------------------- */

/* Start MPI when the process was launched by mpirun / srun (else nothing:
 * one rank). 0, or -1 with a message. */
PIPE_INTERNAL int pipe_mpi_init(int *argc, char ***argv);
/* End MPI: afterwards the process is alone (size 1) and keeps its rank. */
PIPE_INTERNAL void pipe_mpi_finalize(void);
/* End every rank of the run with `code` (exit() with one process). */
PIPE_INTERNAL void pipe_mpi_abort(int code) __attribute__((noreturn));
PIPE_INTERNAL int pipe_mpi_rank(void);
PIPE_INTERNAL int pipe_mpi_size(void);
/* Ranks other than 0 print messages only while their voice is on (the
 * messages of a rank-aware stage, which may be its own); returns the
 * previous setting. Rank 0 always speaks. */
int pipe_mpi_voice(int all);
int pipe_mpi_speaks(void);
/* Fixed-order collectives (gather to 0, combine in rank order, broadcast). */
PIPE_INTERNAL void pipe_mpi_sum_f64(double *values, size_t n);
void pipe_mpi_sum_f32(float *values, size_t n);
void pipe_mpi_max_f64(double *values, size_t n);
void pipe_mpi_bcast(void *data, size_t bytes);
/* The chain of pipe_fold_ranks: receive from rank - 1, step, send to
 * rank + 1, then the last rank's values to all. */
void pipe_mpi_fold(double *values, size_t n, void (*step)(void *user, double *values), void *user);
/* Every rank's `value` into all[0 .. size). */
void pipe_mpi_allgather_i64(int64_t value, int64_t *all);
/* counts[r] bytes from each rank r, one after the other, into recv: on
 * every rank (allgatherv) or on rank 0 (gatherv). */
void pipe_mpi_allgatherv(const void *send, const size_t *counts, void *recv);
void pipe_mpi_gatherv(const void *send, const size_t *counts, void *recv);

/* ---- store (store.c) --------------------------------------------------- */

/* How a tensor's rows lie across the ranks. */
typedef struct pipe_shard {
    int sharded;     /* 0: every rank holds all rows */
    int64_t offset;  /* global index of this rank's first row */
    int64_t global;  /* rows of the whole tensor */
    int64_t *counts; /* sharded: the rows of each rank (pipe_mpi_size() of them, owned) */
} pipe_shard;

/* What the store remembers of a tensor after dropping it (for run.json). */
typedef struct pipe_tensor_shape {
    pipe_dtype dtype;
    int rank;
    int64_t shape[PIPE_MAX_RANK];
} pipe_tensor_shape;

typedef struct pipe_store {
    char **names;
    pipe_tensor **tensors;     /* NULL once dropped */
    const char **producers;    /* id of the stage that published each tensor */
    pipe_tensor_shape *shapes; /* dtype and shape of each, kept after a drop */
    pipe_shard *shards;        /* row sharding of each (shapes hold global rows) */
    char **sources;            /* where each one's data come from, or NULL */
    size_t n, cap;
} pipe_store;

PIPE_INTERNAL void pipe_store_init(pipe_store *s);
PIPE_INTERNAL void pipe_store_free(pipe_store *s);
/* Borrowed tensor called `name`, or NULL. */
PIPE_INTERNAL pipe_tensor *pipe_store_get(const pipe_store *s, const char *name);
/* Publish `t` under `name` for stage `producer` (kept, not copied),
 * taking the caller's reference; replaces (and releases) a tensor of the
 * same name. */
PIPE_INTERNAL void pipe_store_put(pipe_store *s, const char *name, pipe_tensor *t,
                                  const char *producer);
/* The id of the stage that published `name`, or NULL. */
PIPE_INTERNAL const char *pipe_store_producer(const pipe_store *s, const char *name);
/* Release the store's reference to `name` (its data goes when no stage
 * holds another); the name, producer and shape stay. 1 if it held one. */
int pipe_store_drop(pipe_store *s, const char *name);
/* The sharding of `name` (not sharded after pipe_store_put), or NULL. */
const pipe_shard *pipe_store_shard(const pipe_store *s, const char *name);
/* Mark `name` as this rank's block of rows at `offset` of `global`;
 * counts[r] are the rows of rank r (copied). */
void pipe_store_set_shard(pipe_store *s, const char *name, int64_t offset, int64_t global,
                          const int64_t *counts);
/* dtype and shape of `name`, held or dropped, or NULL. */
PIPE_INTERNAL const pipe_tensor_shape *pipe_store_shape(const pipe_store *s, const char *name);
/* The source of the data of `name` (copied; NULL or "": not known), and
 * reading it back (NULL when not known). */
void pipe_store_set_source(pipe_store *s, const char *name, const char *source);
const char *pipe_store_source(const pipe_store *s, const char *name);
/* The source of a tensor `ctx`'s stage publishes (source.c): what the
 * stage said (pipe_set_source), else the distinct sources of its inputs
 * joined by " + " (malloc'd; NULL when none is known). */
char *pipe_source_of_output(const pipe_ctx *ctx);

/* ---- tensor lifetimes and resident memory (lifetime.c) ----------------- */

/* For each tensor name of a plan, the last stage that publishes or reads
 * it: after that stage the store can let it go. */
typedef struct pipe_lifetime {
    const char **names; /* borrowed from the pipeline and plugin declarations */
    size_t *last;       /* index of the last stage touching names[i] */
    size_t n;
} pipe_lifetime;

PIPE_INTERNAL void pipe_lifetime_build(pipe_lifetime *lt, const pipe_pipeline *p,
                                       const pipe_plugin *const *pl);
/* Drop from the store every tensor whose last stage is `stage`; returns
 * how many were held. */
PIPE_INTERNAL size_t pipe_lifetime_release(const pipe_lifetime *lt, size_t stage, pipe_store *s);
PIPE_INTERNAL void pipe_lifetime_free(pipe_lifetime *lt);
/* Start a new resident-memory high-water mark (Linux: /proc/self/clear_refs);
 * -1 when the system cannot, and the peak then counts from the process start. */
int pipe_mem_reset_peak(void);
/* The resident-memory high-water mark in bytes (VmHWM, else ru_maxrss). */
long long pipe_mem_peak_bytes(void);

/* ---- metrics (metrics.c) ----------------------------------------------- */

typedef struct pipe_metric_entry {
    char *stage, *key;
    char *text; /* string value, or NULL for a number */
    double value;
} pipe_metric_entry;

typedef struct pipe_metrics {
    pipe_metric_entry *items;
    size_t n, cap;
} pipe_metrics;

PIPE_INTERNAL void pipe_metrics_set(pipe_metrics *m, const char *stage, const char *key,
                                    double value, const char *text);
PIPE_INTERNAL const pipe_metric_entry *pipe_metrics_find(const pipe_metrics *m, const char *path);
/* Write {"stage": {"key": {...nested by dots...}}} with two-space indent. */
PIPE_INTERNAL void pipe_metrics_write_json(FILE *f, const pipe_metrics *m, int indent);
PIPE_INTERNAL void pipe_metrics_free(pipe_metrics *m);

/* ---- JSON output helpers (json.c) -------------------------------------- */

PIPE_INTERNAL void pipe_json_string(FILE *f, const char *s);
PIPE_INTERNAL void pipe_json_number(FILE *f, double v);
void pipe_json_indent(FILE *f, int depth);

/* ---- atomic files (outfile.c) ------------------------------------------ */

/* Open `name` for writing under a temporary name: relative names inside
 * `out_dir` (never leaving it), absolute ones only with `absolute_ok`.
 * NULL with the reason in err. */
PIPE_INTERNAL pipe_file *pipe_outfile_open(const char *out_dir, const char *name, int absolute_ok,
                                           char *err, size_t size);
/* Flush, close and rename into place; -1 with the reason in err. */
PIPE_INTERNAL int pipe_outfile_commit(pipe_file *f, char *err, size_t size);
/* The checks of an output name that need no file system: not empty, no
 * '..', absolute only with `absolute_ok`. 0, or -1 with the reason. */
int pipe_outpath_check(const char *name, int absolute_ok, char *err, size_t size);
/* "a directory", "a symbolic link", "a device", ... for an st_mode. */
const char *pipe_file_kind_name(unsigned mode);
/* Create a directory and its parents; -1 with errno set. */
PIPE_INTERNAL int pipe_mkdirs(const char *path);

/* ---- the output folder of a run (outdir.c) ----------------------------- */

/* A run moves the previous run's folder aside whole and writes a fresh
 * one under the final name; at the end the previous one is removed (run
 * complete) or given back (run failed). A folder pipe did not make (no
 * run.json saying so, not empty) is written in place. */
typedef struct pipe_outdir {
    char *final;     /* the folder the stages write into */
    char *previous;  /* where the previous run waits, or NULL */
    int previous_ok; /* it is a complete run */
    int swapped;     /* the folder holds this run alone (not in place) */
    char *trash;     /* ".<name>.trash-<pid>": a folder is renamed here, then removed */
} pipe_outdir;

/* Put back a run that a killed run had moved aside, move the previous run
 * aside, make the folder and check it is writable, remove what dead runs
 * left. -1 with the reason in err. */
int pipe_outdir_begin(pipe_outdir *od, const char *final, char *err, size_t size);
/* End the run: a complete one (ok) drops the previous run; a failed one
 * gives a complete previous run back and is kept as <final>.failed. Sets
 * *where to the folder now holding this run's files. -1 with the reason
 * in err. */
int pipe_outdir_finish(pipe_outdir *od, int ok, const char **where, char *err, size_t size);
void pipe_outdir_free(pipe_outdir *od);
/* Remove a folder tree without following symbolic links. */
int pipe_rmtree(const char *path);
/* Remove the "*.tmp-<pid>" files of dead runs in `dir`. */
void pipe_outdir_clean_tmp(const char *dir);

/* ---- running (ctx.c, run.c, expect.c) ---------------------------------- */

typedef struct pipe_run_options {
    const char *const *plugin_path;
    size_t n_plugin_path;
    pipe_override *overrides;
    size_t n_overrides;
    const char *out_dir; /* --out, or NULL */
    const char *expect;  /* --expect file, or NULL */
    int threads;         /* --threads, or 0: the pipeline's threads (default 1) */
    int quiet;
    int validate_only;
    int keep_tensors; /* --keep-tensors: hold every tensor until the run ends */
    int resume;       /* --resume: continue from the checkpoints of a killed run */
    /* The run's messages: stage logs and errors, skipped stages, failures,
     * the closing summary (NULL: stderr). The library never sets an
     * environment variable; the CLI decides PIPE_SHARED_DATA. */
    pipe_diag_sink diag;
    void *diag_user;
    /* The command line, for run.json (argc 0: not known). */
    int argc;
    char **argv;
    /* --replay: the configuration hash the run must have, or NULL. */
    const char *replay_hash;
} pipe_run_options;

/* A file a stage read (pipe_input_file), for run.json. */
typedef struct pipe_input_record {
    const char *stage;
    char *path;
    long long bytes; /* -1: could not be read */
    uint64_t hash;   /* FNV-1a of its bytes */
} pipe_input_record;

/* Shared by every stage of one run. */
typedef struct pipe_run_state {
    const pipe_pipeline *pipeline;
    const pipe_run_options *opts;
    int threads; /* --threads, else the pipeline's threads:, else 1 */
    pipe_store store;
    pipe_metrics metrics;
    pipe_metrics info; /* run-to-run figures for run.json */
    char *out_dir;
    int progress_tty;
    /* Checkpoints (checkpoint.c): the folder, the run key its manifest
     * must hold, whether the manifest is written, whether this run
     * resumes from the folder's checkpoints. */
    char *ckpt_dir;
    uint64_t ckpt_key;
    int ckpt_manifest, resuming;
    /* provenance (provenance.c) */
    uint64_t config_hash; /* the file and every resolved parameter */
    pipe_input_record *inputs;
    size_t n_inputs;
    const struct pipe_registry *reg; /* the plugins loaded */
} pipe_run_state;

/* ---- what validation knows of each tensor (known.c) -------------------- */

typedef struct pipe_known {
    const char *name, *stage; /* borrowed from the pipeline or a declaration */
    unsigned dtypes;
    int rank_min, rank_max; /* 0, 0: any rank */
    char **columns;         /* the table's column names, or NULL: not known */
    size_t n_columns;
} pipe_known;

typedef struct pipe_known_table {
    pipe_known *items;
    size_t n, cap;
    pipe_strmap latest; /* tensor name -> index of its latest producer */
} pipe_known_table;

/* A stage's ports during its check(): the entries of its inputs (as they
 * were before the stage) and of its outputs, -1 where none. */
typedef struct pipe_check_view {
    pipe_known_table *table;
    long *inputs, *outputs; /* one per declared port */
} pipe_check_view;

pipe_known *pipe_known_add(pipe_known_table *t, const char *name, const char *stage,
                           unsigned dtypes, int rank);
/* Index of the latest producer of `name`, or -1. */
long pipe_known_find(const pipe_known_table *t, const char *name);
/* Up to `cap` tensor names known so far, for "did you mean". */
size_t pipe_known_names(const pipe_known_table *t, const char **names, size_t cap);
void pipe_known_free(pipe_known_table *t);

/* The handle a stage sees. */
struct pipe_ctx {
    pipe_run_state *run;
    const pipe_stage_spec *spec;
    const pipe_plugin *plugin;
    pipe_param_val *params;
    pipe_rng rng;
    int checking;          /* inside check(): no tensors */
    pipe_check_view *view; /* inside check(): what validation knows */
    char source[256];      /* pipe_set_source: where the outputs' data come from */
    /* Rank-aware stages under MPI (shard.c): per input port, this rank's
     * block of a tensor held whole (or NULL); per output port, published
     * with pipe_output_rows. */
    pipe_tensor **local_inputs;
    pipe_shard block; /* the rows the local inputs are */
    unsigned char *rows_outputs;
    double progress_start, progress_last;
    int progress_decile;
};

/* The validated plan of a pipeline: one plugin and parameter set per stage. */
typedef struct pipe_plan {
    size_t n;
    const pipe_plugin **plugins;
    pipe_param_val **params;
} pipe_plan;

/* Validate run->pipeline against the plugins' declarations (validate.c).
 * Reports every error found; returns 0 or -1. */
PIPE_INTERNAL int pipe_plan_build(pipe_plan *plan, pipe_run_state *run, pipe_registry *reg);
PIPE_INTERNAL void pipe_plan_free(pipe_plan *plan);

/* ---- checkpoints (checkpoint.c) ---------------------------------------- */

/* Before the output folder is made: the checkpoint folder beside `final`
 * and the run key; without --resume, an earlier run's checkpoints are
 * removed; with it, they must be of this run (else -1 with the reason in
 * err, and the run is refused). */
int pipe_ckpt_begin(pipe_run_state *run, const pipe_plan *plan, const char *final, char *err,
                    size_t size);
/* After the run: a complete run (ok) removes its checkpoints; a failed
 * one keeps them and says so. */
void pipe_ckpt_finish(pipe_run_state *run, int ok);

void pipe_ctx_init(pipe_ctx *ctx, pipe_run_state *run, const pipe_stage_spec *spec,
                   const pipe_plugin *plugin, pipe_param_val *params);
/* Every input port the stage will read (required, or optional and
 * mapped) holds a tensor of the declared dtype and rank; -1 after
 * reporting each one that does not (stage_io.c). */
int pipe_stage_inputs_ready(pipe_ctx *ctx);

/* Rows across ranks around one stage's run (shard.c). Before: a plugin
 * that is not rank-aware gets every sharded input gathered whole; a
 * rank-aware one gets row-aligned inputs as this rank's block. After: the
 * outputs published with pipe_output_rows get their offsets. Collective;
 * pipe_shard_after returns 0 or -1 (error reported). */
void pipe_shard_before(pipe_ctx *ctx);
int pipe_shard_after(pipe_ctx *ctx);
/* Release what pipe_shard_before made for the stage. */
void pipe_shard_free(pipe_ctx *ctx);
/* Nonzero when the plugin declares itself rank-aware (descriptor 1.2). */
PIPE_INTERNAL int pipe_plugin_rank_aware(const pipe_plugin *pl);

/* ---- provenance (provenance.c) ---------------------------------------- */

/* FNV-1a over the file's bytes (p->hash) and every stage's id and
 * resolved parameters: what --set and ${VAR} change, it changes. */
uint64_t pipe_config_hash(const pipe_pipeline *p, const pipe_plan *plan);
/* The provenance members of run.json, each starting with ",\n  ". */
void pipe_provenance_write(FILE *f, const pipe_run_state *run);
void pipe_inputs_free(pipe_run_state *run);

/* ---- replay (replay.c) ------------------------------------------------- */

/* What `pipe run --replay RUN_JSON` repeats: the pipeline file, the --set
 * arguments, the thread count, the environment the file refers to, and
 * the configuration hash the rerun must have. */
typedef struct pipe_replay {
    char *file;
    char **sets;
    size_t n_sets;
    int threads;
    char **env_names, **env_values; /* a NULL value: unset */
    size_t n_env;
    char *hash;
} pipe_replay;

/* Read a run.json; -1 with the reason in err. */
PIPE_INTERNAL int pipe_replay_load(const char *run_json, pipe_replay *r, char *err, size_t size);
PIPE_INTERNAL void pipe_replay_free(pipe_replay *r);

/* Validate (and unless validate_only, run) the pipeline at `path`.
 * Returns the process exit code: 0 ok, 1 a stage failed or expectations
 * not met, 2 usage or validation error. */
PIPE_INTERNAL int pipe_run_file(const char *path, const pipe_run_options *opts);
/* Check the run's metrics against an expectation file; prints every
 * metric out of tolerance. Returns 0 when all hold, 1 otherwise, 2 when
 * the file itself is bad. */
PIPE_INTERNAL int pipe_expect_check(const char *path, const pipe_metrics *m);

#endif
