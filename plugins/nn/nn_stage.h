/*
 * nn_stage.h — what the stages built on the neural-network core (dnn,
 * classifier, cnn) share on the SDK side: input tensors turned into rows
 * for the core (features chosen by name, the split's train and val rows,
 * checks for non-finite values), the scaler's parameters saved with a
 * model and re-applied at predict time, model files that carry the
 * feature names and the scaling.
 *
 * The helpers follow one convention, so that these stages read alike:
 * the rows come on input port "x" (a table, or any rank-2 float tensor),
 * the split on "split", the scaler's params output on "scaler"; the
 * parameters "features" (STRING_LIST, `all` for every column),
 * "scaler_method" (CHOICE standard|minmax) and, in predict mode,
 * "apply_scaler" (BOOL) mean what they mean in `pipe inspect dnn`.
 *
 * The parameters every such stage declares alike (mode, model, save,
 * features, scaler_method, apply_scaler; PIPE_NN_STAGE_*_PARAM), the
 * predict-mode check of train-only ports, and train mode's target.
 *
 * The training side: the training parameters declared once
 * (PIPE_NN_STAGE_TRAIN_PARAMS), checked and read the same way, the fit
 * with progress, history, metrics and timings (pipe_nn_stage_fit), and
 * the predictions for every row.
 *
 * Link the static library `pipe_nn_stage` (it uses the scaler plugin's
 * library to apply saved scalings) and include "nn_stage.h".
 */
#ifndef PIPE_NN_STAGE_H
#define PIPE_NN_STAGE_H

#include "nn.h"
#include "nn_io.h"
#include "nn_threshold.h"
#include "nn_train.h"

#include <pipe/pipe.h>

/* ------------------------------------------------------------------ */
/* The mode and model-file parameters the stages declare alike         */
/* ------------------------------------------------------------------ */

/* pipe_param_decl initializers for the parameters "mode" (train|predict),
 * "model", "save", "features", "scaler_method" and "apply_scaler", to
 * splice into a stage's parameter table; each takes the description
 * `pipe inspect` prints for the stage (and "save" its default file). */
/* clang-format off */
#define PIPE_NN_STAGE_MODE_PARAM(doc)                                                              \
    {"mode", PIPE_PARAM_CHOICE, "train", 0, 0, "train|predict", doc}
#define PIPE_NN_STAGE_MODEL_DOC "predict: path of a model.safetensors written by a train run"
#define PIPE_NN_STAGE_MODEL_PARAM(doc) {"model", PIPE_PARAM_STRING, "", 0, 0, NULL, doc}
#define PIPE_NN_STAGE_SAVE_PARAM(default_file, doc)                                                \
    {"save", PIPE_PARAM_STRING, default_file, 0, 0, NULL, doc}
#define PIPE_NN_STAGE_FEATURES_PARAM(doc)                                                          \
    {"features", PIPE_PARAM_STRING_LIST, "all", 0, 0, NULL, doc}
#define PIPE_NN_STAGE_SCALER_METHOD_PARAM(doc)                                                     \
    {"scaler_method", PIPE_PARAM_CHOICE, "standard", 0, 0, "standard|minmax", doc}
#define PIPE_NN_STAGE_APPLY_SCALER_PARAM                                                           \
    {"apply_scaler", PIPE_PARAM_BOOL, "true", 0, 0, NULL,                                          \
     "predict: scale x with the scaling saved in the model (false: x is already scaled)"}
/* clang-format on */

/* Predict mode reads only x: report every train-only input that is mapped
 * ("y", "split" and, when the stage has them, "scaler" and "weight") and a wanted
 * "history" output. 0 or -1 (all reported). */
int pipe_nn_stage_check_predict_ports(pipe_ctx *ctx);

/* Rows as the core wants them. */
typedef struct pipe_nn_rows {
    int64_t rows;
    int n_in, n_out;
    pipe_nn_real *x;      /* rows × n_in */
    pipe_nn_real *y;      /* rows × n_out, filled by the stage (NULL when predicting) */
    pipe_nn_real *w;      /* optional row weights (class weights), filled by the stage */
    int64_t *train, *val; /* row indexes of the two parts (pipe_nn_stage_split) */
    int64_t n_train, n_val;
    char **features; /* n_in names (malloc'd), or NULL when x has no names */
} pipe_nn_rows;

void pipe_nn_rows_free(pipe_nn_rows *d);

/* The names listed by STRING_LIST parameter `param` (runner-owned
 * strings in a malloc'd array, *n of them), or NULL with *n = 1 when the
 * list is the single word `all`. NULL with *n = 0 after a reported error
 * (out of memory, an empty list). */
const char **pipe_nn_stage_names(pipe_ctx *ctx, const char *param, size_t *n);
/* For check(): every name of `features` (unless `all`) is a column of x,
 * when validation knows x's columns. 0, or -1 reported. */
int pipe_nn_stage_check_feature_names(pipe_ctx *ctx);

/* The feature matrix from x: the columns named in `names` (n of them), or
 * every column when names is NULL. A missing column is reported against
 * parameter `param`, with the table's columns and a "did you mean".
 * Fills rows, n_in, x, features. Returns 0 or -1 (reported). */
int pipe_nn_stage_features(pipe_ctx *ctx, const pipe_tensor *x, const char *const *names, size_t n,
                           const char *param, pipe_nn_rows *d);

/* Train mode's target from input "y" into d->y and d->n_out (d->rows must
 * be set): column "target" (parameter) of a table, or every column of a
 * rank-1 or N×1 tensor. `images` nonzero words the errors for a stage
 * whose rows are images. 0 or -1 (reported: y missing, of another row
 * count, a table without a named column). */
int pipe_nn_stage_target(pipe_ctx *ctx, int images, pipe_nn_rows *d);

/* The train and val rows from the optional "split" input (without it,
 * every row trains and none validates, which is logged). 0 or -1. */
int pipe_nn_stage_split(pipe_ctx *ctx, pipe_nn_rows *d);

/* The port declaration of the optional input "weight", for a stage's
 * inputs. */
/* clang-format off */
#define PIPE_NN_STAGE_WEIGHT_INPUT                                                                 \
    {"weight", PIPE_DT_FLOAT, 0, 1,                                                                \
     "train: an event weight per row of x (rank 1 or N x 1), multiplying each row's loss (e.g. "   \
     "split's weight output)"}
/* clang-format on */

/* Train mode, after the split (and any class weights in d->w): the
 * optional input "weight", one finite number per row, multiplied into
 * d->w (made of 1s when NULL). Negative weights are refused with the
 * reason `refuse_negative` when it is not NULL. Metrics weights.train_sum
 * and weights.train_negative. 0 or -1 (reported, naming the row). */
int pipe_nn_stage_row_weights(pipe_ctx *ctx, pipe_nn_rows *d, const char *refuse_negative);

/* Every x value (and y value, when d->y is set) of the train and val rows
 * must be finite; the first that is not is named with its row and
 * column. 0 or -1 (reported). */
int pipe_nn_stage_check_finite(pipe_ctx *ctx, const pipe_nn_rows *d);

/* Check that the optional "scaler" input matches parameter
 * "scaler_method", judging from the scaled columns of x over the training
 * rows (or all rows, for a scaling fitted on all). 0 or -1 (reported). */
int pipe_nn_stage_check_scaler(pipe_ctx *ctx, const pipe_tensor *x, const pipe_nn_rows *d);

/*
 * Save a trained model to `name` in the output folder, with the feature
 * names of d (when it has them), the optional "scaler" input (tensor
 * "scaler", F64 [2, k]) with its method and columns when it is mapped (a
 * stage without that port, like cnn, saves none), and the stage's own
 * metadata `meta`. Metadata keys written here: "features",
 * "scaler.method", "scaler.columns" (name lists as JSON arrays). Returns
 * 0 or -1 (reported).
 */
int pipe_nn_stage_save(pipe_ctx *ctx, pipe_nn_model *m, const pipe_nn_rows *d, const char *name,
                       const pipe_nn_st_meta *meta, size_t n_meta);

/* Parameter "export" (train mode), for a stage's parameter table. */
/* clang-format off */
#define PIPE_NN_STAGE_EXPORT_PARAM                                                                 \
    {"export", PIPE_PARAM_STRING, "", 0, 0, NULL,                                                  \
     "train: also write the model as ONNX to this file in the run's output folder (e.g. "          \
     "model.onnx; \"\": none), taking raw columns (the scaler input folded in), with a dynamic "   \
     "batch axis and the features and classes in its metadata"}
/* clang-format on */

/* What a stage exports beside the model (nn_stage_export.c). */
typedef struct pipe_nn_export {
    const int *image_chw;        /* images: the input's C, H, W; NULL for rows of features */
    int multiclass;              /* outputs "proba" and "predicted" (the argmax), else "y" */
    const pipe_nn_st_meta *meta; /* the stage's metadata (stage, target, head, classes, ...) */
    size_t n_meta;
} pipe_nn_export;

/*
 * When parameter "export" names a file, write model m there as ONNX
 * (nn_onnx.h): input "x" (batch × features of d, or batch × C × H × W),
 * the "scaler" input (when mapped, with parameter "scaler_method") folded
 * in so the file takes raw columns, and in its metadata the stage's
 * entries, "features" (a JSON list) or "input_shape" ("CxHxW"), and
 * "scaler" (the method folded in). Returns 0 or -1 (reported).
 */
int pipe_nn_stage_export(pipe_ctx *ctx, const pipe_nn_model *m, const pipe_nn_rows *d,
                         const pipe_nn_export *e);

/* A model file read back. */
typedef struct pipe_nn_saved {
    pipe_nn_st_file *file; /* for the stage's own metadata and tensors */
    pipe_nn_model *model;
    char **features; /* the names the model was trained on (NULL if unknown) */
    size_t n_features;
    pipe_tensor *scaler; /* the saved scaling as a table, or NULL */
    const char *scaler_method;
} pipe_nn_saved;

/* Load the model file at `path` for batches of max_batch rows. Returns 0,
 * or -1 with the error reported against parameter `param`. Free with
 * pipe_nn_saved_free (also after a failure). */
int pipe_nn_stage_load(pipe_ctx *ctx, const char *path, const char *param, int max_batch,
                       pipe_nn_saved *s);
void pipe_nn_saved_free(pipe_nn_saved *s);

/* Predict mode's rows: x scaled with the saved scaling (unless parameter
 * "apply_scaler" is false), the features of parameter "features" when
 * given or else the model's own, checked against the model's input count.
 * Returns 0 or -1 (reported). */
int pipe_nn_stage_predict_rows(pipe_ctx *ctx, const pipe_tensor *x, const pipe_nn_saved *s,
                               pipe_nn_rows *d);

/* ------------------------------------------------------------------ */
/* Training parameters, shared by every stage that trains (nn_stage_train.c) */
/* ------------------------------------------------------------------ */

/* The training parameters, as pipe_param_decl initializers to put at the
 * end of a stage's parameter table, with the stage's default epoch count
 * (a string): optimizer, lr, momentum, beta1, beta2, epsilon,
 * weight_decay, schedule, lr_step, lr_factor, lr_patience, min_lr, batch,
 * epochs, shuffle, patience, min_delta, restore_best, checkpoint_every. */
/* clang-format off */
#define PIPE_NN_STAGE_TRAIN_PARAMS(epochs_default)                                                 \
    {"optimizer", PIPE_PARAM_CHOICE, "adam", 0, 0, PIPE_NN_OPTIM_CHOICES,                          \
     "sgd (with momentum), adam, or adamw (decoupled weight decay on kernels)"},                   \
    {"lr", PIPE_PARAM_FLOAT, "0.001", 1e-12, 100, NULL, "initial learning rate"},                  \
    {"momentum", PIPE_PARAM_FLOAT, "0.9", 0, 0.999999, NULL, "sgd: momentum"},                     \
    {"beta1", PIPE_PARAM_FLOAT, "0.9", 0, 0.999999, NULL, "adam, adamw: first-moment decay"},      \
    {"beta2", PIPE_PARAM_FLOAT, "0.999", 0, 0.999999, NULL, "adam, adamw: second-moment decay"},   \
    {"epsilon", PIPE_PARAM_FLOAT, "1e-7", 1e-30, 1, NULL,                                          \
     "adam, adamw: added to sqrt(v) (Keras' epsilon)"},                                            \
    {"weight_decay", PIPE_PARAM_FLOAT, "0.004", 0, 1, NULL,                                        \
     "adamw: decoupled decay w -= lr * weight_decay * w per step, on kernels"},                    \
    {"schedule", PIPE_PARAM_CHOICE, "constant", 0, 0, PIPE_NN_SCHED_CHOICES,                       \
     "learning rate per epoch: constant; step (times lr_factor every lr_step epochs); cosine "     \
     "(down to min_lr at the last epoch); plateau (times lr_factor after lr_patience epochs "      \
     "without a lower validation loss)"},                                                          \
    {"lr_step", PIPE_PARAM_INT, "10", 1, 1e6, NULL, "step: epochs between decays"},                \
    {"lr_factor", PIPE_PARAM_FLOAT, "0.5", 1e-6, 0.999999, NULL, "step, plateau: decay factor"},   \
    {"lr_patience", PIPE_PARAM_INT, "5", 1, 1e6, NULL,                                             \
     "plateau: epochs without improvement before a decay"},                                        \
    {"min_lr", PIPE_PARAM_FLOAT, "0", 0, 100, NULL, "no schedule goes below this"},                \
    {"batch", PIPE_PARAM_INT, "32", 1, 65536, NULL, "rows per training step"},                     \
    {"epochs", PIPE_PARAM_INT, epochs_default, 1, 1e6, NULL,                                       \
     "passes over the training rows (at most)"},                                                   \
    {"shuffle", PIPE_PARAM_BOOL, "true", 0, 0, NULL,                                               \
     "reshuffle the training rows every epoch (seeded by the pipeline)"},                          \
    {"patience", PIPE_PARAM_INT, "0", 0, 1e6, NULL,                                                \
     "early stopping: stop after this many epochs without a lower validation loss (0: never)"},   \
    {"min_delta", PIPE_PARAM_FLOAT, "0", 0, 1e12, NULL,                                            \
     "early stopping and plateau: a decrease smaller than this is no improvement"},                \
    {"restore_best", PIPE_PARAM_BOOL, "true", 0, 0, NULL,                                          \
     "early stopping: end with the weights of the epoch with the lowest validation loss"},         \
    {"checkpoint_every", PIPE_PARAM_INT, "0", -1, 1e6, NULL,                                       \
     "write a checkpoint for pipe run --resume every this many epochs (0: after each epoch "       \
     "that ends 5 s or more after the last checkpoint; -1: never)"}
/* clang-format on */

/* A parameter that only means something when parameter `key` has one of
 * the `|`-separated `values` ("adam|adamw"). */
typedef struct pipe_nn_scope {
    const char *param, *key, *values;
} pipe_nn_scope;

/* Report every given parameter of `scopes` whose key has another value:
 * "is only used with optimizer: sgd (optimizer is adam)". 0 or -1. */
int pipe_nn_stage_check_scopes(pipe_ctx *ctx, const pipe_nn_scope *scopes, size_t n);

/* The same for the training parameters (each only in mode: train, and
 * those of one optimizer or schedule only with it; restore_best and
 * min_delta only with early stopping or the plateau schedule). The stage
 * has a CHOICE parameter "mode" with a value "train". 0 or -1. */
int pipe_nn_stage_check_training(pipe_ctx *ctx);

/* Read the training parameters into an optimizer and a fit
 * configuration (fit->metric is left to the stage: MAE). */
void pipe_nn_stage_read_training(pipe_ctx *ctx, pipe_nn_optim_config *optim,
                                 pipe_nn_fit_config *fit);

/*
 * Train `m` on rows d (x, y, train and val rows) with the optimizer and
 * fit configuration, drawing from the stage's RNG: progress every epoch,
 * the history published on output port "history" when it is wanted (one
 * row per epoch: epoch, loss, val_loss, then the metric and val_metric
 * named after fit->metric, "mae" or "accuracy", then lr), metrics of the
 * epoch whose weights the model keeps (loss, val_loss, the metric and its
 * val_ twin, epochs, best_epoch, stopped_early, params, rows_train,
 * rows_val) and, in run.json, train_seconds and us_per_step. Returns 0,
 * or -1 with the error reported (a loss that turned NaN names the epoch
 * and step).
 */
int pipe_nn_stage_fit(pipe_ctx *ctx, pipe_nn_model *m, const pipe_nn_optim_config *optim,
                      const pipe_nn_fit_config *fit, const pipe_nn_rows *d);

/* The checkpoints of a stage's fit (nn_stage_ckpt.c), for `pipe run
 * --resume`: parameter "checkpoint_every" and the runner's checkpoint
 * file of the stage; `extra` (n_extra doubles, the history) is saved and
 * restored with the fit. Point fit->checkpoint at hooks between begin
 * and end (end frees what begin took). */
typedef struct pipe_nn_stage_ckpt {
    pipe_nn_checkpoint hooks;
    pipe_ctx *ctx;
    pipe_file *file; /* the checkpoint being written */
    char *path;      /* the checkpoint to resume from, or NULL */
} pipe_nn_stage_ckpt;

void pipe_nn_stage_ckpt_begin(pipe_ctx *ctx, pipe_nn_stage_ckpt *c, double *extra, size_t n_extra);
void pipe_nn_stage_ckpt_end(pipe_nn_stage_ckpt *c);

/* ------------------------------------------------------------------ */
/* Memory (nn_stage_memory.c)                                           */
/* ------------------------------------------------------------------ */

/* The bytes this process may still allocate: the smallest of
 * MemAvailable (/proc/meminfo; else the free pages), the RLIMIT_AS limit
 * less the address space in use, and the environment variable
 * PIPE_MEMORY_AVAILABLE (bytes; meant for tests). `source` names which. */
double pipe_nn_memory_available(char *source, size_t size);

/* A network about to be trained: its layers for samples shaped
 * input_chw, batches of up to max_batch rows, the fit, n_outputs, and the
 * rows (NULL in check(), before the data is known). */
typedef struct pipe_nn_memory_plan {
    int input_chw[3];
    const pipe_nn_layer_spec *layers;
    int n_layers, max_batch, n_outputs;
    const pipe_nn_fit_config *fit;
    const pipe_nn_rows *rows;
} pipe_nn_memory_plan;

/* Refuse, against parameter `param`, a training whose estimate (the
 * model's buffers, optimizer moments, the best-epoch copy, the rows the
 * fit copies and the predictions) exceeds what is available, with both
 * figures. Nothing is allocated. 0 or -1 (reported). */
int pipe_nn_stage_check_memory(pipe_ctx *ctx, const char *param, const pipe_nn_memory_plan *p);

/* Predictions of model m for every row of d: a new f64 tensor, rank 1
 * for one output, rows × outputs otherwise; NULL after a reported error. */
pipe_tensor *pipe_nn_stage_predict_all(pipe_ctx *ctx, pipe_nn_model *m, const pipe_nn_rows *d);

/* The same, published as output "pred". 0 or -1 (reported). */
int pipe_nn_stage_publish_predictions(pipe_ctx *ctx, pipe_nn_model *m, const pipe_nn_rows *d);

/* ------------------------------------------------------------------ */
/* One vocabulary: heads, hidden dense layers, the model (nn_stage_dense.c) */
/* ------------------------------------------------------------------ */

/* mode: predict needs parameter "model" (every stage of the core says it
 * here). 0 or -1 (reported). */
int pipe_nn_stage_check_model(pipe_ctx *ctx);

/* The heads, spelled alike in every stage's CHOICE parameter "head"
 * (PIPE_NN_HEAD_CHOICES, or a subset): regression (linear outputs),
 * binary (one sigmoid output, binary cross-entropy) and multiclass (K
 * softmax outputs, categorical cross-entropy). "classification" is the
 * old spelling of binary, kept working: pipe_nn_stage_warn_head warns. */
typedef enum pipe_nn_head {
    PIPE_NN_HEAD_REGRESSION,
    PIPE_NN_HEAD_BINARY,
    PIPE_NN_HEAD_MULTICLASS
} pipe_nn_head;
#define PIPE_NN_HEAD_CHOICES "regression|binary|multiclass|classification"
int pipe_nn_stage_head(const pipe_ctx *ctx);
void pipe_nn_stage_warn_head(pipe_ctx *ctx);

/* head: binary's targets, after pipe_nn_stage_target and _split: one
 * column, 0 or 1 on every finite value of the train and val rows. 0 or
 * -1 (reported, naming the row). */
int pipe_nn_stage_binary_targets(pipe_ctx *ctx, const pipe_nn_rows *d);

/* The hidden dense layers' parameters, the same names, types and
 * meanings in every stage that has them (dnn, classifier), with the
 * stage's defaults (strings): layers (INT_LIST), activation, leaky_alpha,
 * l2, batchnorm (true or false per hidden layer, one value: every layer)
 * and dropout (a rate per hidden layer, one value: every layer). */
/* clang-format off */
#define PIPE_NN_STAGE_DENSE_PARAMS(layers_default, l2_default, batchnorm_default,                  \
                                   dropout_default)                                                \
    {"layers", PIPE_PARAM_INT_LIST, layers_default, 1, 65536, NULL,                                \
     "units of each hidden dense layer (the output layer follows them)"},                          \
    {"activation", PIPE_PARAM_CHOICE, "relu", 0, 0, PIPE_NN_ACT_CHOICES,                           \
     "activation of the hidden layers"},                                                           \
    {"leaky_alpha", PIPE_PARAM_FLOAT, "0.01", 1e-6, 1, NULL,                                       \
     "slope of leaky_relu for negative inputs"},                                                   \
    {"l2", PIPE_PARAM_FLOAT, l2_default, 0, 10, NULL,                                              \
     "L2 penalty l2 * sum(w^2) on every dense layer's kernel, added to the loss (as Keras)"},      \
    {"batchnorm", PIPE_PARAM_STRING_LIST, batchnorm_default, 0, 0, NULL,                           \
     "batch normalisation after each hidden layer's activation, true or false per layer (one "     \
     "value: every layer; Keras' defaults: momentum 0.99, eps 0.001)"},                            \
    {"dropout", PIPE_PARAM_FLOAT_LIST, dropout_default, 0, 0.99, NULL,                             \
     "fraction of units dropped after each hidden layer while training, per layer (one value: "    \
     "every layer)"}
/* clang-format on */

/* batchnorm and dropout hold one value or one per hidden layer, and
 * batchnorm's are true or false; leaky_alpha is given only when
 * activation (or the stage's CHOICE parameter output_activation, when not
 * NULL) is leaky_relu. 0 or -1 (reported at the item). */
int pipe_nn_stage_check_dense(pipe_ctx *ctx, const char *output_activation);

/* A dense layer of `units` units and activation act, with the stage's
 * leaky_alpha and l2. */
pipe_nn_layer_spec pipe_nn_stage_dense(pipe_ctx *ctx, int units, pipe_nn_act act);

/* The hidden layers (each: dense, then batchnorm and dropout when asked)
 * in a malloc'd array with room for `extra` more (the output layers), *n
 * of them filled; NULL after a reported error. Checked parameters only
 * (pipe_nn_stage_check_dense). */
pipe_nn_layer_spec *pipe_nn_stage_dense_layers(pipe_ctx *ctx, int extra, int *n);

/* ------------------------------------------------------------------ */
/* The multi-class head (nn_stage_classes.c)                            */
/* ------------------------------------------------------------------ */

/* The parameters of head: multiclass, for a stage's parameter table:
 * "classes" and "class_weights" (what pipe_nn_stage_class_labels reads),
 * then "label_smoothing" (pipe_nn_stage_class_targets). */
/* clang-format off */
#define PIPE_NN_STAGE_CLASS_LABEL_PARAMS                                                           \
    {"classes", PIPE_PARAM_STRING_LIST, "[]", 0, 0, NULL,                                          \
     "multiclass: the class names, label k being classes[k] ([]: K = largest label + 1, named "    \
     "class_0 ...)"},                                                                              \
    {"class_weights", PIPE_PARAM_STRING_LIST, "[]", 0, 0, NULL,                                    \
     "balanced (n_train / (K * n_k), as scikit-learn) or one weight per class; each row's loss "   \
     "is weighted by its class's ([]: all 1; multi-class only, except classifier: both heads)"}
#define PIPE_NN_STAGE_CLASS_PARAMS                                                                 \
    PIPE_NN_STAGE_CLASS_LABEL_PARAMS,                                                              \
    {"label_smoothing", PIPE_PARAM_FLOAT, "0", 0, 0.999, NULL,                                     \
     "multiclass: train on targets (1 - e) * one_hot + e / K"}
/* clang-format on */

/* The port declarations of the head's outputs, for a stage's outputs
 * (a stage whose "predicted" output serves another head too declares
 * only the proba port, and its own "predicted"). */
/* clang-format off */
#define PIPE_NN_STAGE_PROBA_OUTPUT                                                                 \
    {"proba", PIPE_DT(PIPE_F64), 2, 1,                                                             \
     "multiclass: N x K softmax probabilities, one row per row of x, columns named after the "     \
     "classes"}
#define PIPE_NN_STAGE_CLASS_OUTPUTS                                                                \
    PIPE_NN_STAGE_PROBA_OUTPUT,                                                                    \
    {"predicted", PIPE_DT(PIPE_F64), 1, 1,                                                         \
     "multiclass: the most probable class index per row (0 .. K-1, as a double)"}
/* clang-format on */

/* The classes of a multi-class model: K and their names (malloc'd). */
typedef struct pipe_nn_classes {
    int k;
    char **names;
} pipe_nn_classes;

void pipe_nn_classes_free(pipe_nn_classes *c);

/* Train mode, after pipe_nn_stage_target and pipe_nn_stage_split: the
 * label column in d->y must hold whole numbers 0..K−1 (K from parameter
 * "classes" or the data); d->w gets the rows' class weights (parameter
 * "class_weights"), d->y is left as it is. Fills c. 0 or -1 (reported,
 * naming the row). */
int pipe_nn_stage_class_labels(pipe_ctx *ctx, pipe_nn_rows *d, pipe_nn_classes *c);

/* The same, then the labels become K one-hot targets per row, smoothed by
 * parameter "label_smoothing". */
int pipe_nn_stage_class_targets(pipe_ctx *ctx, pipe_nn_rows *d, pipe_nn_classes *c);

/* Publish `proba` (rows × K probabilities, f64; taken) as output "proba"
 * with the class names as columns, and the argmax of each row as
 * "predicted", each when wanted. 0 or -1 (reported). */
int pipe_nn_stage_publish_proba(pipe_ctx *ctx, pipe_tensor *proba, const pipe_nn_classes *c);

/* The outputs mapped must be the head's: not "pred" for a multiclass
 * model, nor "proba" or "predicted" for another. 0 or -1 (reported). */
int pipe_nn_stage_check_head_ports(pipe_ctx *ctx, int multiclass);

/* The output layer after the logits dense layer of K units: softmax
 * (trained fused with the categorical cross-entropy, loss cce). */
pipe_nn_layer_spec pipe_nn_stage_softmax_head(void);

/* Publish "proba" (N × K, columns the class names) and "predicted" (the
 * argmax) for every row of d, each when wanted. 0 or -1 (reported). */
int pipe_nn_stage_publish_classes(pipe_ctx *ctx, pipe_nn_model *m, const pipe_nn_rows *d,
                                  const pipe_nn_classes *c);

/* A trained model's files: pipe_nn_stage_save to `name` (nothing when it
 * is empty), then pipe_nn_stage_export (when parameter "export" names a
 * file; image_chw as in pipe_nn_export, NULL for rows of features), both
 * with the stage's metadata `meta` and, when c->k > 0, the class names as
 * "classes" (a JSON array). 0 or -1 (reported). */
int pipe_nn_stage_save_classes(pipe_ctx *ctx, pipe_nn_model *m, const pipe_nn_rows *d,
                               const char *name, const pipe_nn_st_meta *meta, size_t n_meta,
                               const pipe_nn_classes *c, const int *image_chw);

/* Predict mode's outputs, for the model `m` read from `file`: with
 * metadata head = multiclass, "proba" and "predicted" named by the saved
 * classes, else "pred"; checked against the outputs mapped. Then the
 * metrics rows and params, and predict_seconds in run.json. 0 or -1
 * (reported). */
int pipe_nn_stage_predict_outputs(pipe_ctx *ctx, const pipe_nn_st_file *file, pipe_nn_model *m,
                                  const pipe_nn_rows *d);

/* Predict mode: the class names a multi-class model file stores (its
 * metadata "classes", written by pipe_nn_stage_save_classes).
 * 0, or -1 reported against parameter "model". */
int pipe_nn_stage_saved_classes(pipe_ctx *ctx, const pipe_nn_st_file *file, const pipe_nn_model *m,
                                pipe_nn_classes *c);

/* ------------------------------------------------------------------ */
/* The binary head's decision threshold (nn_stage_threshold.c)          */
/* ------------------------------------------------------------------ */

/* The port declaration of the binary head's threshold, for a stage's
 * outputs. */
/* clang-format off */
#define PIPE_NN_STAGE_THRESHOLD_OUTPUT                                                             \
    {"threshold", PIPE_DT(PIPE_F64), 1, 1,                                                         \
     "binary head (sigmoid, bce): the decision threshold, one value, for metrics: tuned for "      \
     "accuracy on the val rows (train; 0.5 kept when it is among the best), or the one saved "     \
     "in the model (predict)"}
/* clang-format on */

/*
 * Train mode of a binary head (one sigmoid output, targets 0 or 1): the
 * predictions of every row published as "pred" and, with val rows, the
 * decision threshold that maximises accuracy on them (the classifier's
 * tuning, pipe_nn_tune_threshold, preferring 0.5): metrics "threshold"
 * and "val_accuracy_tuned", output "threshold" when wanted (an error
 * without val rows), *threshold for the model file (NaN without val
 * rows; pipe_nn_stage_save_network keeps it). 0 or -1 (reported).
 */
int pipe_nn_stage_publish_binary(pipe_ctx *ctx, pipe_nn_model *m, const pipe_nn_rows *d,
                                 double *threshold);

/* Predict mode: output "threshold" from the model file's metadata, when it
 * is wanted (a model without one is an error against parameter "model").
 * 0 or -1 (reported). */
int pipe_nn_stage_publish_saved_threshold(pipe_ctx *ctx, const pipe_nn_st_file *file);

/* Output "threshold" is only for a binary head. 0 or -1 (reported). */
int pipe_nn_stage_check_threshold_port(pipe_ctx *ctx, int binary);

/* ------------------------------------------------------------------ */
/* The model file of a network stage (nn_stage_file.c)                 */
/* ------------------------------------------------------------------ */

/* The files of a trained network stage (dnn, cnn): the model file at
 * `name` (none when it is "") and the ONNX export (parameter "export"),
 * through pipe_nn_stage_save_classes, with the metadata "stage" (`stage`),
 * "target" (parameter "target", else the name of input y), "head"
 * (parameter "head") and either "classes" (c's names as JSON, when c has
 * classes) or "threshold" (17 significant digits, when it is not NaN).
 * image_chw as in pipe_nn_export (NULL for rows of features). 0 or -1
 * (reported). */
int pipe_nn_stage_save_network(pipe_ctx *ctx, pipe_nn_model *m, const pipe_nn_rows *d,
                               const char *name, const char *stage, const pipe_nn_classes *c,
                               double threshold, const int *image_chw);

#endif
