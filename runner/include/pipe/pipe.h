/*
 * pipe.h — the public plugin SDK of pipe.
 *
 * This is the only header a stage plugin includes. A plugin is a shared
 * object exporting one function, PIPE_ENTRY_SYMBOL ("pipe_plugin_entry"),
 * that returns a pointer to a static pipe_plugin descriptor. The descriptor
 * declares the stage's parameters and its input and output tensor ports;
 * the runner validates pipelines against those declarations before running
 * anything, and `pipe inspect` prints them.
 *
 * Everything a stage needs at run time comes through the pipe_ctx handle:
 * its parameters, the tensor store, a seeded RNG, a logger, a progress
 * reporter, metrics, the output directory and atomic file writing.
 *
 * Compatibility: a plugin built against ABI major M is loaded only by a
 * runner of ABI major M. Minor versions only add fields at the end of the
 * descriptor (its struct_size tells the runner how much of it exists) and
 * add functions.
 */
#ifndef PIPE_PIPE_H
#define PIPE_PIPE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PIPE_ABI_MAJOR 1
#define PIPE_ABI_MINOR 2
#define PIPE_ENTRY_SYMBOL "pipe_plugin_entry"

/* Mark the symbols a plugin exports. */
#define PIPE_EXPORT __attribute__((visibility("default")))
/* The SDK functions libpipe exports; everything else in it is hidden. */
#define PIPE_API __attribute__((visibility("default")))

/* ------------------------------------------------------------------ */
/* Tensors                                                              */
/* ------------------------------------------------------------------ */

typedef enum pipe_dtype {
    PIPE_F32 = 0,
    PIPE_F64 = 1,
    PIPE_I32 = 2,
    PIPE_I64 = 3,
    PIPE_U8 = 4,
} pipe_dtype;

/* Bit masks of dtypes, used in port declarations. */
#define PIPE_DT(d) (1u << (d))
#define PIPE_DT_FLOAT (PIPE_DT(PIPE_F32) | PIPE_DT(PIPE_F64))
#define PIPE_DT_INT (PIPE_DT(PIPE_I32) | PIPE_DT(PIPE_I64) | PIPE_DT(PIPE_U8))
#define PIPE_DT_ANY (PIPE_DT_FLOAT | PIPE_DT_INT)

#define PIPE_MAX_RANK 4

/* Fewer rows than this make a mean, an error or a rate unreliable: the
 * stages warn when a split part, a bin or an evaluated set is that small
 * (ABI 1.2). */
#define PIPE_FEW_ROWS 30

/* Values of a row-split tensor (u8, rank 1, one entry per row). */
enum { PIPE_PART_TRAIN = 0, PIPE_PART_VAL = 1, PIPE_PART_TEST = 2 };
/* Choices of a `part` parameter, and their codes: PIPE_PART_TRAIN, _VAL,
 * _TEST, or -1 for "all" (and for anything else). */
#define PIPE_PART_CHOICES "train|val|test|all"
PIPE_API int pipe_part_parse(const char *name);

/*
 * A contiguous row-major tensor. Tensors are reference counted: a new
 * tensor holds one reference, owned by whoever created it. Publishing a
 * tensor with pipe_put() hands that reference to the store. Inputs
 * obtained with pipe_input() are borrowed: valid until the stage returns;
 * never modify them. Call pipe_tensor_retain() to keep one longer.
 */
typedef struct pipe_tensor {
    pipe_dtype dtype;
    int rank;
    int64_t shape[PIPE_MAX_RANK];
    void *data;     /* shape[0] * ... * shape[rank-1] elements */
    char **columns; /* NULL, or shape[1] column names (rank-2 tables) */
    int refcount;   /* managed by retain / release */
} pipe_tensor;

/* Size in bytes of one element of `dtype`. */
PIPE_API size_t pipe_dtype_size(pipe_dtype dtype);
/* "f32", "f64", "i32", "i64" or "u8". */
PIPE_API const char *pipe_dtype_name(pipe_dtype dtype);
/* Human-readable list of the dtypes in `mask`, e.g. "f32 or f64". */
PIPE_API const char *pipe_dtype_mask_name(unsigned mask, char *buf, size_t size);

/* A new zero-filled tensor with one reference, or NULL when out of memory
 * or when rank/shape are invalid. */
PIPE_API pipe_tensor *pipe_tensor_new(pipe_dtype dtype, int rank, const int64_t *shape);
/* Shorthands for rank 1 and rank 2. */
PIPE_API pipe_tensor *pipe_tensor_new1(pipe_dtype dtype, int64_t n);
PIPE_API pipe_tensor *pipe_tensor_new2(pipe_dtype dtype, int64_t rows, int64_t cols);
PIPE_API void pipe_tensor_retain(pipe_tensor *t);
/* Drop one reference; frees the tensor when none is left. NULL is a no-op. */
PIPE_API void pipe_tensor_release(pipe_tensor *t);

/* Number of elements. */
PIPE_API int64_t pipe_tensor_count(const pipe_tensor *t);
/* Number of rows (shape[0]) and of columns (shape[1], or 1 for rank 1). */
PIPE_API int64_t pipe_tensor_rows(const pipe_tensor *t);
PIPE_API int64_t pipe_tensor_cols(const pipe_tensor *t);
/* Element i (flat index) converted to double, whatever the dtype. */
PIPE_API double pipe_tensor_get(const pipe_tensor *t, int64_t i);
/* Store v, converted to the tensor's dtype, at flat index i. */
PIPE_API void pipe_tensor_set(pipe_tensor *t, int64_t i, double v);

/* Give a rank-2 tensor column names (copied). Returns 0, or -1 on
 * out-of-memory or when n differs from shape[1]. */
PIPE_API int pipe_tensor_set_columns(pipe_tensor *t, const char *const *names, int64_t n);
/* Index of the column called `name`, or -1. */
PIPE_API int64_t pipe_tensor_column(const pipe_tensor *t, const char *name);

/* ------------------------------------------------------------------ */
/* Parameters                                                           */
/* ------------------------------------------------------------------ */

typedef enum pipe_param_type {
    PIPE_PARAM_INT,
    PIPE_PARAM_FLOAT,
    PIPE_PARAM_BOOL,
    PIPE_PARAM_STRING,
    PIPE_PARAM_CHOICE,      /* a string from a fixed list */
    PIPE_PARAM_INT_LIST,    /* [1, 2, 3] */
    PIPE_PARAM_FLOAT_LIST,  /* [0.85, 0.148, 0.002] */
    PIPE_PARAM_STRING_LIST, /* [E1, px1, py1]; a single string is a list of one */
    PIPE_PARAM_MAP,         /* any YAML value; the plugin reads it as a pipe_value */
} pipe_param_type;

/*
 * The declaration of one parameter. `def` is the default written as it
 * would be in YAML ("0.001", "[128, 64, 32]", "adam"); NULL means the
 * parameter is required. For numbers (and each number of a list), `min`
 * and `max` bound the value when min < max. For PIPE_PARAM_CHOICE,
 * `choices` is a "|"-separated list ("standard|minmax").
 */
typedef struct pipe_param_decl {
    const char *name;
    pipe_param_type type;
    const char *def;
    double min, max;
    const char *choices;
    const char *doc;
} pipe_param_decl;

/*
 * The declaration of one tensor port. In the pipeline file a stage maps
 * port names to tensor names (`inputs: {table: events}`); an unmapped
 * port uses its own name as the tensor name. `dtypes` is a PIPE_DT mask;
 * `rank` is 0 for any rank. An optional input may be left out; an
 * optional output is written only when the pipeline maps it.
 */
typedef struct pipe_port_decl {
    const char *name;
    unsigned dtypes;
    int rank;
    int optional;
    const char *doc;
} pipe_port_decl;

/* A YAML value as the plugin sees it (PIPE_PARAM_MAP parameters). */
typedef enum pipe_value_kind {
    PIPE_VALUE_SCALAR,
    PIPE_VALUE_LIST,
    PIPE_VALUE_MAP,
} pipe_value_kind;

typedef struct pipe_value {
    pipe_value_kind kind;
    const char *scalar;           /* SCALAR: the text */
    size_t count;                 /* LIST, MAP: number of items */
    const char **keys;            /* MAP: the keys */
    struct pipe_value *items;     /* LIST, MAP: the items */
    int line, column;             /* where it starts in the pipeline file (1-based) */
    int *key_lines, *key_columns; /* MAP: where each key starts */
} pipe_value;

/* Item `key` of a map value, or NULL. */
PIPE_API const pipe_value *pipe_value_get(const pipe_value *map, const char *key);

/* ------------------------------------------------------------------ */
/* The stage context                                                    */
/* ------------------------------------------------------------------ */

typedef struct pipe_ctx pipe_ctx;

/* Identity of the running stage. */
PIPE_API const char *pipe_stage_id(const pipe_ctx *ctx);
PIPE_API const char *pipe_pipeline_name(const pipe_ctx *ctx);
/* The pipeline's seed (each stage's RNG is already derived from it). */
PIPE_API uint64_t pipe_pipeline_seed(const pipe_ctx *ctx);
/* Thread count of the run (--threads); BLAS is already set to it. */
PIPE_API int pipe_threads(const pipe_ctx *ctx);
/* Rank (0 ... size-1) and size of the run: 1 process, or N under mpirun /
 * srun (see "Several processes" below). */
PIPE_API int pipe_rank(const pipe_ctx *ctx);
PIPE_API int pipe_size(const pipe_ctx *ctx);
/* Nonzero when the run is quiet (--quiet). */
PIPE_API int pipe_quiet(const pipe_ctx *ctx);

/* Parameters, already validated against the declaration (type, range,
 * choices), with defaults applied. Asking for an undeclared name or the
 * wrong type aborts with a message: that is a bug in the plugin. */
PIPE_API int64_t pipe_param_int(const pipe_ctx *ctx, const char *name);
PIPE_API double pipe_param_float(const pipe_ctx *ctx, const char *name);
PIPE_API int pipe_param_bool(const pipe_ctx *ctx, const char *name);
/* STRING or CHOICE. Owned by the runner. */
PIPE_API const char *pipe_param_string(const pipe_ctx *ctx, const char *name);
/* Lists: number of items, and item i. */
PIPE_API size_t pipe_param_count(const pipe_ctx *ctx, const char *name);
PIPE_API int64_t pipe_param_int_at(const pipe_ctx *ctx, const char *name, size_t i);
PIPE_API double pipe_param_float_at(const pipe_ctx *ctx, const char *name, size_t i);
PIPE_API const char *pipe_param_string_at(const pipe_ctx *ctx, const char *name, size_t i);
/* Any parameter as its YAML value, or NULL when absent and without default. */
PIPE_API const pipe_value *pipe_param_value(const pipe_ctx *ctx, const char *name);
/* Nonzero when the pipeline file (or --set) gave the parameter. */
PIPE_API int pipe_param_given(const pipe_ctx *ctx, const char *name);

/* Report an error about parameter `name` (or about `value`, part of it):
 * the message is prefixed with file:line:column, the stage id and the
 * parameter. Returns -1 so that `return pipe_param_error(...)` reads well. */
PIPE_API int pipe_param_error(pipe_ctx *ctx, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
PIPE_API int pipe_value_error(pipe_ctx *ctx, const char *name, const pipe_value *value,
                              const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Report a run-time error of the stage (prefixed with the stage id; in
 * check(), also with the file:line:column of the stage). Returns -1. */
PIPE_API int pipe_error(pipe_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Tensors. pipe_input() returns the tensor mapped to input port `port`
 * (borrowed), or NULL for an optional port left unmapped. pipe_output()
 * publishes `t` under the name mapped to output port `port`, taking over
 * the caller's reference; returns 0, or -1 (with an error reported). */
PIPE_API const pipe_tensor *pipe_input(pipe_ctx *ctx, const char *port);
PIPE_API int pipe_output(pipe_ctx *ctx, const char *port, pipe_tensor *t);
/* Nonzero when output port `port` is wanted by the pipeline (mapped, or
 * not optional). */
PIPE_API int pipe_output_wanted(const pipe_ctx *ctx, const char *port);
/* The tensor name an input (or output) port is mapped to, or NULL for an
 * optional port left unmapped. A port may be both an input and an output
 * of the same name ("table" in, "table" out). */
PIPE_API const char *pipe_input_name(const pipe_ctx *ctx, const char *port);
PIPE_API const char *pipe_output_name(const pipe_ctx *ctx, const char *port);

/* Seeded random numbers: each stage gets its own stream derived from the
 * pipeline seed and the stage id, so runs repeat exactly. */
typedef struct pipe_rng {
    uint64_t s[4];
} pipe_rng;
PIPE_API pipe_rng *pipe_ctx_rng(pipe_ctx *ctx);
PIPE_API void pipe_rng_seed(pipe_rng *rng, uint64_t seed);
PIPE_API uint64_t pipe_rng_u64(pipe_rng *rng);
/* Uniform in [0, 1). */
PIPE_API double pipe_rng_uniform(pipe_rng *rng);
/* Uniform integer in [0, n). */
PIPE_API uint64_t pipe_rng_below(pipe_rng *rng, uint64_t n);
/* Standard normal. */
PIPE_API double pipe_rng_normal(pipe_rng *rng);
/* Shuffle n int64 indices in place (Fisher–Yates). */
PIPE_API void pipe_rng_shuffle(pipe_rng *rng, int64_t *idx, int64_t n);

/* Logging to stderr, prefixed with the stage id; silent with --quiet
 * (warnings are always shown). */
PIPE_API void pipe_log(pipe_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
PIPE_API void pipe_warn(pipe_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Progress: step `done` of `total` with a short status text. On a
 * terminal, one updating line with an ETA; otherwise one line each time
 * another tenth of the work is done; nothing when quiet. */
PIPE_API void pipe_progress(pipe_ctx *ctx, int64_t done, int64_t total, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Metrics for metrics.json, under the stage id. Keys may contain dots to
 * nest ("mass_bins.80-100.mae"). Re-setting a key replaces its value. */
PIPE_API void pipe_metric(pipe_ctx *ctx, const char *key, double value);
PIPE_API void pipe_metric_string(pipe_ctx *ctx, const char *key, const char *value);
/* Figures that differ from run to run (timings, throughput) go to run.json
 * under the stage, never to metrics.json, which must repeat byte for byte. */
PIPE_API void pipe_info(pipe_ctx *ctx, const char *key, double value);
/* Seconds on a monotonic clock (CLOCK_MONOTONIC): the difference of two
 * calls times a piece of work, for pipe_info. */
PIPE_API double pipe_seconds(void);
/* A number an earlier stage of this run recorded under `key`: its metric
 * (pipe_metric) or, when it has none of that key, its info (pipe_info).
 * Returns 1 and sets *value when found, 0 when not (a text metric is not
 * a number). E.g. the metrics stage's model comparison reads a model
 * stage's "params" metric and "train_seconds" info. */
PIPE_API int pipe_recorded(const pipe_ctx *ctx, const char *stage, const char *key, double *value);

/* ------------------------------------------------------------------ */
/* Several processes (MPI)                                              */
/* ------------------------------------------------------------------ */

/*
 * Under mpirun or srun a run is pipe_size() processes, the ranks, each
 * running the same pipeline. A plugin whose descriptor sets `rank_aware`
 * sees row-sharded tables as they are: each rank holds a contiguous block
 * of the global rows (pipe_input_rows), and the plugin combines what the
 * ranks computed with the collectives below. Any other plugin sees every
 * row on every rank (the runner gathers its inputs first), so it works
 * unchanged. Output files and metrics.json are written by rank 0 alone
 * (pipe_file_open on another rank writes nowhere); metrics must therefore
 * be the global figures on rank 0.
 *
 * Logs and warnings are printed by rank 0 only (a rank-aware stage sums
 * what it reports first); errors of a rank-aware stage by the rank that
 * has them, prefixed "rank R:". A stage that fails on any rank stops the
 * run on all of them.
 *
 * Every collective must be called by every rank, the same number of times
 * in the same order, even by a rank with no rows. With one process each
 * leaves its data as it is. Sums are combined in a fixed order (rank 0's
 * values first, then rank 1's, ...), so a result repeats bit for bit for
 * a given number of ranks.
 */

/* Sum `n` doubles (floats) element-wise across the ranks, in place; every
 * rank receives the sums. */
PIPE_API void pipe_reduce_sum(pipe_ctx *ctx, double *values, size_t n);
PIPE_API void pipe_reduce_sum_f32(pipe_ctx *ctx, float *values, size_t n);
/* Element-wise maximum across the ranks, in place (a minimum is the
 * maximum of the negated values). */
PIPE_API void pipe_reduce_max(pipe_ctx *ctx, double *values, size_t n);
/* A left fold over the ranks in rank order, for sums that must come out
 * bit for bit as one process adds them: rank 0 calls step(user, values)
 * on `values` as given and passes the result to rank 1, which calls step
 * on it, and so on; every rank ends with the last rank's values. Each
 * rank's step adds its rows to the running sums, in row order. The steps
 * run one after the other (a chain, not a tree): for light passes such
 * as a scaler's moments. With one process: one call of step. */
PIPE_API void pipe_fold_ranks(pipe_ctx *ctx, double *values, size_t n,
                              void (*step)(void *user, double *values), void *user);
/* Copy rank 0's `bytes` bytes at `data` to every other rank. */
PIPE_API void pipe_broadcast(pipe_ctx *ctx, void *data, size_t bytes);

/* The block [*begin, *end) of `global` rows that this rank holds when rows
 * are split evenly: rank r of N holds rows global·r/N ... global·(r+1)/N.
 * A generator makes exactly these rows and publishes them with
 * pipe_output_rows. */
PIPE_API void pipe_row_block(const pipe_ctx *ctx, int64_t global, int64_t *begin, int64_t *end);
/* For an input of a rank-aware stage: 1 when the tensor is row-sharded
 * (this rank holds rows *offset ... *offset + rows - 1 of *global), 0 when
 * every rank holds all of it (*offset = 0, *global = its rows). Either
 * pointer may be NULL. An input whose rows are not sharded but number
 * exactly the global rows of a sharded input of the same stage is given
 * to the stage as this rank's block of it, so the row-aligned inputs of a
 * stage (a table and its split, predictions and truth) always match. */
PIPE_API int pipe_input_rows(const pipe_ctx *ctx, const char *port, int64_t *offset,
                             int64_t *global);
/* The rows of input `port` that rank `rank` holds: its block's size when
 * the input is row-sharded (as pipe_input_rows sees it on that rank; the
 * blocks lie in rank order, so rank r's offset is the sum over ranks
 * before it), else all rows. -1 for an unmapped port or a bad rank. */
PIPE_API int64_t pipe_input_rank_rows(const pipe_ctx *ctx, const char *port, int rank);
/* Publish this rank's block of rows of a row-sharded output (as
 * pipe_output otherwise: takes the reference). The blocks, in rank order,
 * are the global tensor; they may differ in size (a filter). Returns 0 or
 * -1 (error reported). */
PIPE_API int pipe_output_rows(pipe_ctx *ctx, const char *port, pipe_tensor *t);
/* Every rank's rows of `local` (same dtype, same shape past the rows),
 * one block after the other in rank order, as a new tensor with the
 * columns of `local`: on every rank when `all`, else on rank 0 (NULL on
 * the others). Collective. */
PIPE_API pipe_tensor *pipe_gather_rows(pipe_ctx *ctx, const pipe_tensor *local, int all);

/* Where the data of this stage's outputs come from, for a reader of its
 * results: a generator says "simulated, seed 42", the loader "real data,
 * dielectron.csv". Call it before pipe_output. A stage that says nothing
 * passes on the sources of its inputs (the runner joins distinct ones
 * with " + "). (ABI 1.2) */
PIPE_API void pipe_set_source(pipe_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The source of the tensor on input `port`, or NULL when not known. */
PIPE_API const char *pipe_input_source(const pipe_ctx *ctx, const char *port);

/* Record that the stage reads the file at `path` (a data file, a saved
 * model): run.json lists it with its size and a hash of its content, so
 * that a reader knows exactly which inputs made the results. Call it when
 * the file is opened; nothing happens during check(). (ABI 1.2) */
PIPE_API void pipe_input_file(pipe_ctx *ctx, const char *path);

/* The run's output directory (exists when the stage runs). */
PIPE_API const char *pipe_output_dir(const pipe_ctx *ctx);

/* Atomic output files: write to a temporary name in the output directory,
 * then pipe_file_commit() renames it into place (or pipe_file_abort()
 * removes it). A killed run never leaves a truncated file. */
typedef struct pipe_file pipe_file;
/* `name` is relative to the output directory and stays inside it: a name
 * holding "..", an absolute name, a symbolic link on the way, or a final
 * name that exists and is not a regular file (directory, symlink, device,
 * FIFO, socket) is refused. Folders on the way are made. Returns NULL with
 * an error reported on failure. */
PIPE_API pipe_file *pipe_file_open(pipe_ctx *ctx, const char *name);
/* The same, also accepting an absolute path, for a stage that documents
 * that its parameter may name a file anywhere (the writer). The final name
 * is still never anything but a regular file. */
PIPE_API pipe_file *pipe_file_open_path(pipe_ctx *ctx, const char *path);
/* For check(): the string parameter `name` names an output file that
 * pipe_file_open (absolute_ok 0) or pipe_file_open_path (1) will accept;
 * an empty value passes. Returns 0, or -1 with a parameter error. */
PIPE_API int pipe_check_output_param(pipe_ctx *ctx, const char *name, int absolute_ok);
/* For check(): the string parameter `name` names a file that the stage
 * reads (a saved model): it must exist, and not be a directory. A stage
 * with a `when:` condition is not checked (it may not run). Returns 0, or
 * -1 with a parameter error. */
PIPE_API int pipe_check_input_file_param(pipe_ctx *ctx, const char *name);
PIPE_API FILE *pipe_file_stream(pipe_file *f);
/* Returns 0, or -1 with an error reported (the file is then removed). */
PIPE_API int pipe_file_commit(pipe_ctx *ctx, pipe_file *f);
PIPE_API void pipe_file_abort(pipe_file *f);

/* Checkpoints of a long stage, for `pipe run --resume`. They
 * live outside the output folder, which every run replaces; a complete
 * run removes them. pipe_checkpoint_open() opens the stage's checkpoint
 * for writing, atomically as pipe_file_open (commit with
 * pipe_file_commit: the previous checkpoint stays whole until then);
 * NULL with an error reported. pipe_checkpoint_resume() gives the path
 * of the stage's last checkpoint (malloc'd: free() it) when the run was
 * started with --resume and one exists for this very run (same pipeline
 * file, seed, threads and parameters), else NULL: start from scratch. A
 * stage that resumes must end byte for byte as it would have without the
 * interruption. */
PIPE_API pipe_file *pipe_checkpoint_open(pipe_ctx *ctx);
PIPE_API char *pipe_checkpoint_resume(const pipe_ctx *ctx);

/* ------------------------------------------------------------------ */
/* What validation knows of tables (ABI 1.2; for check())               */
/* ------------------------------------------------------------------ */

/* A port declaration gives a dtype and a rank; a stage whose parameters
 * say more tells validation in check(), so that a later stage's check
 * can refuse a pipeline that could only fail at run time. Outside
 * check() these do nothing (and the getter returns NULL). */

/* The column names the table on input `port` will have, as far as
 * validation knows (an earlier stage declared them), with their count in
 * *n; NULL when they are not known. Valid during this check() only. */
PIPE_API const char *const *pipe_check_input_columns(const pipe_ctx *ctx, const char *port,
                                                     size_t *n);
/* Every name of the string or string-list parameter `param` is a column
 * of the table on input `port`, when its columns are known. Each name
 * that is not is reported at its place in the pipeline file ("input
 * 'table' (tensor 'events' from stage 'load') has no column 'Mm' (did you
 * mean 'M'?)"). Call it only for names that are columns (not `all`).
 * Returns 0, or -1 after reporting. */
PIPE_API int pipe_check_column_param(pipe_ctx *ctx, const char *port, const char *param);
/* The table on output `port` will have these columns, in this order
 * (copied). */
PIPE_API void pipe_check_output_columns(pipe_ctx *ctx, const char *port, const char *const *names,
                                        size_t n);
/* Output `port` (declared with rank 0, any) will have a rank from
 * min_rank to max_rank: a later input of another rank is refused by
 * validation. */
PIPE_API void pipe_check_output_ranks(pipe_ctx *ctx, const char *port, int min_rank, int max_rank);

/* ------------------------------------------------------------------ */
/* "Did you mean"                                                       */
/* ------------------------------------------------------------------ */

/* The candidate closest to `word` (Levenshtein) when close enough to be a
 * likely typo, else NULL. */
PIPE_API const char *pipe_suggest(const char *word, const char *const *candidates, size_t n);
/* Writes " (did you mean 'x'?)" into buf, or "" when nothing is close;
 * returns buf. For messages: "no column '%s'%s". */
PIPE_API const char *pipe_suggest_text(const char *word, const char *const *candidates, size_t n,
                                       char *buf, size_t size);

/* ------------------------------------------------------------------ */
/* The plugin descriptor                                                */
/* ------------------------------------------------------------------ */

typedef struct pipe_plugin {
    uint32_t abi_major;      /* PIPE_ABI_MAJOR */
    uint32_t abi_minor;      /* PIPE_ABI_MINOR */
    uint32_t struct_size;    /* sizeof(pipe_plugin) */
    const char *name;        /* the stage name used in pipelines: "loader" */
    const char *version;     /* the plugin's own version */
    const char *summary;     /* one line for `pipe list` */
    const char *description; /* longer text for `pipe inspect`, or NULL */
    const pipe_param_decl *params;
    size_t n_params;
    const pipe_port_decl *inputs;
    size_t n_inputs;
    const pipe_port_decl *outputs;
    size_t n_outputs;
    /* Optional: deeper checks of the parameters, run by `pipe validate`
     * and before every run, without tensors. Returns 0 or -1 (error
     * reported with pipe_param_error / pipe_value_error). */
    int (*check)(pipe_ctx *ctx);
    /* Optional: prepare per-run state in *state. Returns 0 or -1. */
    int (*init)(pipe_ctx *ctx, void **state);
    /* Required: do the work. Returns 0 or -1 (error reported). */
    int (*run)(pipe_ctx *ctx, void *state);
    /* Optional: release the state (called whenever init succeeded). */
    void (*finish)(pipe_ctx *ctx, void *state);
    /* ABI 1.1: sizeof(pipe_param_decl) and sizeof(pipe_port_decl) as the
     * plugin was built (set by PIPE_PLUGIN_ABI; 0 means ABI 1.0's), so the
     * declarations can grow later. */
    uint32_t param_decl_size, port_decl_size;
    /* Room to grow: always zero. */
    void *reserved[8];
    /* ABI 1.2: nonzero when the stage handles row-sharded inputs itself
     * (see "Several processes"); `pipe inspect` shows it. */
    int rank_aware;
} pipe_plugin;

typedef const pipe_plugin *(*pipe_plugin_entry_fn)(void);

/* The first fields of every descriptor:
 *   static const pipe_plugin plugin = {PIPE_PLUGIN_ABI, .name = "x", ...}; */
#define PIPE_PLUGIN_ABI                                                                            \
    .abi_major = PIPE_ABI_MAJOR, .abi_minor = PIPE_ABI_MINOR, .struct_size = sizeof(pipe_plugin),  \
    .param_decl_size = sizeof(pipe_param_decl), .port_decl_size = sizeof(pipe_port_decl)

/* Declare the entry point of a plugin whose descriptor is `desc`. */
#define PIPE_PLUGIN_DEFINE(desc)                                                                   \
    PIPE_EXPORT const pipe_plugin *pipe_plugin_entry(void);                                        \
    PIPE_EXPORT const pipe_plugin *pipe_plugin_entry(void)                                         \
    {                                                                                              \
        return &(desc);                                                                            \
    }

/* Number of items of a static array, for n_params and friends. */
#define PIPE_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#ifdef __cplusplus
}
#endif
#endif /* PIPE_PIPE_H */
