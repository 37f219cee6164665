/*
 * nn.h — the shared neural-network core of pipe: layers, models, losses.
 *
 * One small library (in the spirit of KANN) used by the `dnn`, `classifier`
 * and `cnn` stages. A model is a stack of layers over one flat parameter
 * buffer and one flat gradient buffer (so optimizers are a single loop),
 * with every work buffer allocated when the model is built: a training
 * step allocates nothing. Matrix work goes through OpenBLAS (cblas).
 *
 * Data layout: a batch is row-major, one sample per row, `n` rows of
 * pipe_nn_model_inputs() reals. A dense kernel is stored (in, out)
 * row-major, as Keras stores it: y = x·W + b.
 *
 * The real type is float. Compiled with PIPE_NN_DOUBLE defined (the
 * library target pipe_nn_f64, used by the gradient-check tests) the same
 * code computes in double.
 *
 * Training (optimizers, schedules, early stopping, the epoch loop) is in
 * nn_train.h; model files (safetensors) in nn_io.h.
 */
#ifndef PIPE_NN_H
#define PIPE_NN_H

#include <pipe/pipe.h>
#include <stddef.h>
#include <stdint.h>

#ifdef PIPE_NN_DOUBLE
typedef double pipe_nn_real;
#else
typedef float pipe_nn_real;
#endif

/* Activation functions. */
typedef enum pipe_nn_act {
    PIPE_NN_LINEAR,
    PIPE_NN_RELU,
    PIPE_NN_LEAKY_RELU, /* x for x > 0, alpha·x otherwise */
    PIPE_NN_TANH,
    PIPE_NN_SIGMOID,
    PIPE_NN_RELU6, /* min(max(x, 0), 6), MobileNetV2's activation */
} pipe_nn_act;

/* "linear|relu|leaky_relu|tanh|sigmoid|relu6": the names, in enum order. */
#define PIPE_NN_ACT_CHOICES "linear|relu|leaky_relu|tanh|sigmoid|relu6"
const char *pipe_nn_act_name(pipe_nn_act act);
/* The activation called `name`, or -1. */
int pipe_nn_act_parse(const char *name);

/* Layer kinds. */
typedef enum pipe_nn_layer_kind {
    PIPE_NN_DENSE,      /* y = act(x·W + b) */
    PIPE_NN_ACTIVATION, /* y = act(x) */
    PIPE_NN_DROPOUT,    /* inverted dropout: training zeroes a fraction `rate` */
    PIPE_NN_BATCHNORM,  /* batch normalisation per feature (per channel) */
    /* Image layers (nn_conv.c, nn_pool.c, nn_residual.c): */
    PIPE_NN_CONV2D,         /* y = act(conv(x, W) + b): channels, kernel, stride, pad */
    PIPE_NN_MAXPOOL,        /* maximum over kernel windows (stride, pad) */
    PIPE_NN_AVGPOOL,        /* mean over kernel windows, padding counted as zeros */
    PIPE_NN_GLOBAL_AVGPOOL, /* mean of each channel: C x H x W -> C x 1 x 1 */
    PIPE_NN_FLATTEN,        /* C x H x W -> (C·H·W) x 1 x 1, values unchanged */
    PIPE_NN_RESIDUAL,       /* ResNet basic block: act(bn(conv(act(bn(conv x)))) + skip) */
    /* Graph layers (nn_merge.c) and one more pooling: */
    PIPE_NN_ADD,            /* element-wise sum of its inputs (same shapes) */
    PIPE_NN_CONCAT,         /* its inputs side by side along the channels */
    PIPE_NN_GLOBAL_MAXPOOL, /* maximum of each channel: C x H x W -> C x 1 x 1 */
    PIPE_NN_SOFTMAX,        /* per sample: exp(xⱼ) / Σₖ exp(xₖ) over all its values */
    PIPE_NN_SHORTCUT,       /* ResNet's skip: x itself when it has `channels` channels and the
                               stride is 1, else a 1×1 convolution with the stride (linear) */
} pipe_nn_layer_kind;

/* The number of layer kinds (the enum's values are 0 .. this − 1). */
#define PIPE_NN_KIND_COUNT (PIPE_NN_SHORTCUT + 1)

/* A layer takes at most this many inputs. */
#define PIPE_NN_MAX_FROM 8

/* What a layer is asked to be. Fields not used by its kind are ignored;
 * pipe_nn_layer_spec_default() gives sensible values for all of them. */
typedef struct pipe_nn_layer_spec {
    pipe_nn_layer_kind kind;
    int units;       /* dense: output features */
    pipe_nn_act act; /* dense, activation */
    double alpha;    /* leaky relu: slope for x < 0 (default 0.01) */
    double l2;       /* dense: λ of the penalty λ·Σw² on the kernel (Keras) */
    double rate;     /* dropout: fraction of units dropped, in [0, 1) */
    double momentum; /* batchnorm: running averages keep this much (0.99) */
    double eps;      /* batchnorm: added to the variance (0.001, as Keras) */
    /* Image layers; pairs are (height, width). */
    int channels;  /* conv2d, residual: output channels */
    int kernel[2]; /* conv2d, residual (odd), pooling: window (default 3x3; pooling 2x2) */
    int stride[2]; /* conv2d, residual, pooling: step (default 1x1; pooling 2x2) */
    int pad[2];    /* conv2d, pooling: zeros added on each side (default 0) */
    int norm;      /* residual: batchnorm after each conv (default 1; momentum, eps) */
    int groups;    /* conv2d: input and output channels in this many groups (0 or 1: one) */
    int depthwise; /* conv2d: one group per input channel (overrides groups) */
    int expand;    /* conv2d with channels 0: expand × the input's channels (0: 1 ×) */
    int optional;  /* add: when the inputs' shapes differ, give the last input alone (a skip
                      that applies only where the shapes allow, as MobileNetV2's) */
    /* The graph: the layers whose outputs this one takes, by index into
     * the model's layers (each smaller than this layer's own index), -1
     * for the model's input. n_from = 0 means the previous layer (the
     * input for the first), so a plain stack leaves these zero. add and
     * concat take two or more; every other kind exactly one. */
    int n_from;
    int from[PIPE_NN_MAX_FROM];
} pipe_nn_layer_spec;

pipe_nn_layer_spec pipe_nn_layer_spec_default(pipe_nn_layer_kind kind);
/* "dense", "activation", "dropout" or "batchnorm"; "conv2d", "maxpool",
 * "avgpool", "global_avgpool", "flatten" or "residual"; "add", "concat"
 * or "global_maxpool". */
const char *pipe_nn_layer_kind_name(pipe_nn_layer_kind kind);
/* Nonzero for the kinds that merge several inputs (add, concat). */
int pipe_nn_layer_is_merge(pipe_nn_layer_kind kind);

/*
 * The shape pass: the output shape (channels, height, width) of each of
 * `n_layers` layers for samples shaped `input_chw`, checked as building
 * the model would, without allocating (the same code: nn_graph.c).
 * Returns 0 (out_chw, when not NULL, gets n_layers shapes), or -1 with
 * *failed the index of the layer that does not fit its inputs and the
 * reason, naming the shapes, in err. Graph errors are reported here too:
 * a `from` that is not an earlier layer, the wrong number of inputs for
 * the kind, and a layer (other than the last) whose output nothing takes.
 */
int pipe_nn_layer_shapes(const int input_chw[3], const pipe_nn_layer_spec *layers, int n_layers,
                         int (*out_chw)[3], int *failed, char *err, size_t err_size);

/* ------------------------------------------------------------------ */
/* Blocks: compositions of layers, expanded into specs (nn_blocks.c)    */
/* ------------------------------------------------------------------ */

typedef enum pipe_nn_block_kind {
    PIPE_NN_BLOCK_BASIC,      /* ResNet basic: conv-bn-act, conv-bn, + shortcut, act */
    PIPE_NN_BLOCK_BOTTLENECK, /* ResNet-50: 1×1 (channels/4), 3×3 (stride), 1×1, + shortcut */
    PIPE_NN_BLOCK_DENSE,      /* DenseNet: `layers` × (bn-act-conv growth, concat) */
    PIPE_NN_BLOCK_TRANSITION, /* DenseNet: bn-act-conv 1×1 channels, 2×2 average pooling */
    PIPE_NN_BLOCK_INCEPTION, /* 1×1 | 1×1→3×3 | 1×1→3×3→3×3 | 3×3 max pool→1×1, concat */
    PIPE_NN_BLOCK_INVERTED, /* MobileNetV2: 1×1 expand, 3×3 depthwise, 1×1 linear, skip */
} pipe_nn_block_kind;

/* A block and its options. Convolutions are followed by batchnorm then
 * the activation when `norm` (else they apply the activation). */
typedef struct pipe_nn_block {
    pipe_nn_block_kind kind;
    int channels; /* basic, bottleneck, transition, inverted: output channels */
    int stride;   /* basic, bottleneck, inverted (1) */
    int kernel;   /* basic, dense: the kernel (3, odd) */
    int expand;   /* inverted: the expansion factor t (6); 1: no expansion layer */
    int layers;   /* dense: layers (4) */
    int growth;   /* dense: channels each layer adds (12) */
    int branch[6]; /* inception: 1×1, 3×3 reduce, 3×3, double 3×3 reduce, double 3×3, pool 1×1 */
    int norm;      /* 1 */
    pipe_nn_act act; /* relu (inverted: relu6) */
    double alpha, l2, momentum, eps;
} pipe_nn_block;

pipe_nn_block pipe_nn_block_default(pipe_nn_block_kind kind);
/* "basic", "bottleneck", "dense_block", "transition", "inception", "inverted_residual". */
const char *pipe_nn_block_kind_name(pipe_nn_block_kind kind);

/*
 * Expand block b into layer specs: `input` is the index of the layer it
 * takes (−1: the model's input; any value, put in the specs' `from` where
 * the block takes its input), `base` the index its first spec will have.
 * With out NULL, only count. Returns the number of specs (at most cap are
 * written), or -1 with the reason in err (an option out of range).
 */
int pipe_nn_block_expand(const pipe_nn_block *b, int input, int base, pipe_nn_layer_spec *out,
                         int cap, char *err, size_t err_size);

/* Losses. Each is the mean over all outputs of the batch (weighted by
 * per-sample weights when given: Σ wᵢ·lossᵢ / rows, as Keras) — except
 * CCE, whose row loss sums over the row's outputs (the classes), as
 * Keras' categorical_crossentropy: Σ wᵢ·(−Σⱼ tᵢⱼ log pᵢⱼ) / rows. */
typedef enum pipe_nn_loss_kind {
    PIPE_NN_MSE,
    PIPE_NN_MAE,
    PIPE_NN_HUBER, /* quadratic within ±delta, linear outside */
    PIPE_NN_BCE,   /* binary cross-entropy on probabilities in (0, 1) */
    PIPE_NN_CCE,   /* categorical cross-entropy −Σⱼ tⱼ·log pⱼ per row, on probabilities */
} pipe_nn_loss_kind;

#define PIPE_NN_LOSS_CHOICES "mse|mae|huber|bce|cce"
const char *pipe_nn_loss_name(pipe_nn_loss_kind kind);
/* The loss's unit: "target unit squared" (mse, huber: a squared error in
 * the target's unit, e.g. GeV² for a mass in GeV), "target unit" (mae),
 * "nats" (the cross-entropies, natural logarithms). */
const char *pipe_nn_loss_unit(pipe_nn_loss_kind kind);
int pipe_nn_loss_parse(const char *name);

typedef struct pipe_nn_loss {
    pipe_nn_loss_kind kind;
    double delta; /* huber threshold (default 1) */
} pipe_nn_loss;

/*
 * The loss of predictions `pred` against targets `y` (n rows of `dim`
 * values each), with optional per-row weights `w` (NULL: all 1). When
 * `grad` is not NULL it receives dLoss/dpred (n·dim values). BCE clips
 * predictions to [1e-7, 1 − 1e-7] as Keras does (zero gradient outside);
 * CCE clips them to [1e-7, 1] the same way.
 */
double pipe_nn_loss_eval(const pipe_nn_loss *loss, const pipe_nn_real *pred, const pipe_nn_real *y,
                         const pipe_nn_real *w, int n, int dim, pipe_nn_real *grad);

/* Weight initialisation of dense kernels (biases start at zero). */
typedef enum pipe_nn_init {
    PIPE_NN_INIT_GLOROT, /* uniform ±sqrt(6 / (fan_in + fan_out)), Keras' default */
    PIPE_NN_INIT_HE,     /* normal, standard deviation sqrt(2 / fan_in) */
} pipe_nn_init;

/* ------------------------------------------------------------------ */
/* Models                                                               */
/* ------------------------------------------------------------------ */

typedef struct pipe_nn_model pipe_nn_model;

/* A run of parameters that an optimizer treats alike: `l2` is the L2
 * penalty coefficient of those parameters (0 for biases and norms) and
 * `decay` is nonzero when decoupled weight decay (AdamW) applies. */
typedef struct pipe_nn_segment {
    size_t offset, count;
    double l2;
    int decay;
} pipe_nn_segment;

/*
 * Build a model taking `n_inputs` features per sample through `n_layers`
 * layers, trained with `loss`, for batches of up to `max_batch` rows.
 * All buffers are allocated here. Returns NULL with a message in `err`
 * when the specification is invalid (a dense layer without units, a
 * dropout rate outside [0, 1), ...) or memory runs out. The parameters
 * are zero until pipe_nn_model_init().
 */
pipe_nn_model *pipe_nn_model_new(int n_inputs, const pipe_nn_layer_spec *layers, int n_layers,
                                 const pipe_nn_loss *loss, int max_batch, char *err,
                                 size_t err_size);
/* The same for samples shaped channels × height × width (images, stored
 * per sample channel after channel); a dense input is (n, 1, 1). */
pipe_nn_model *pipe_nn_model_new_chw(const int input_chw[3], const pipe_nn_layer_spec *layers,
                                     int n_layers, const pipe_nn_loss *loss, int max_batch,
                                     char *err, size_t err_size);
void pipe_nn_model_free(pipe_nn_model *m);

/* The memory pipe_nn_model_new_chw would take, in bytes, found without
 * allocating it (the shape pass): parameters with their gradients, the
 * non-trainable state, and the activations with every work buffer for
 * batches of max_batch rows. */
typedef struct pipe_nn_footprint {
    size_t n_params, n_state; /* reals */
    double params, state, activations;
} pipe_nn_footprint;

/* 0, or -1 with the reason in err (a layer that does not fit). */
int pipe_nn_model_footprint(const int input_chw[3], const pipe_nn_layer_spec *layers, int n_layers,
                            int max_batch, pipe_nn_footprint *f, char *err, size_t err_size);

/* Draw initial weights from `rng` (biases 0, batchnorm γ = 1, β = 0). */
void pipe_nn_model_init(pipe_nn_model *m, pipe_rng *rng, pipe_nn_init init);

int pipe_nn_model_inputs(const pipe_nn_model *m);
int pipe_nn_model_outputs(const pipe_nn_model *m);
int pipe_nn_model_max_batch(const pipe_nn_model *m);
int pipe_nn_model_layer_count(const pipe_nn_model *m);
const pipe_nn_layer_spec *pipe_nn_model_layer_spec(const pipe_nn_model *m, int i);
const pipe_nn_loss *pipe_nn_model_loss(const pipe_nn_model *m);

/* The flat trainable parameters and their gradients (same layout), and
 * the non-trainable state (batchnorm running mean and variance). */
pipe_nn_real *pipe_nn_model_params(pipe_nn_model *m, size_t *count);
pipe_nn_real *pipe_nn_model_grads(pipe_nn_model *m, size_t *count);
pipe_nn_real *pipe_nn_model_state(pipe_nn_model *m, size_t *count);
const pipe_nn_segment *pipe_nn_model_segments(const pipe_nn_model *m, int *count);

/* One named tensor of a layer, as it lies in the model's flat buffers. */
typedef struct pipe_nn_tensor_info {
    const char *name; /* "kernel", "bias", "gamma", "beta", "moving_mean", ... */
    int rank;         /* 1, 2 (a dense kernel: in, out) or 4 (a conv kernel: PyTorch's out,
                         in / groups, kh, kw) */
    int64_t shape[4];
    size_t offset; /* into the parameters, or the state when is_state */
    int is_state;
} pipe_nn_tensor_info;

/* The number of reals of a layer tensor (the product of its shape). */
int64_t pipe_nn_tensor_count(const pipe_nn_tensor_info *info);

#define PIPE_NN_MAX_LAYER_TENSORS 16

/* The tensors of layer i (at most PIPE_NN_MAX_LAYER_TENSORS, state after
 * parameters) into `out`; returns their number. */
int pipe_nn_model_layer_tensors(const pipe_nn_model *m, int i, pipe_nn_tensor_info *out);

/*
 * Forward pass over a batch of n ≤ max_batch rows. `training` enables
 * dropout and batch statistics (and updates batchnorm running averages);
 * `rng` is used only by dropout in training. Returns the output (n rows
 * of pipe_nn_model_outputs() reals), valid until the next forward pass.
 */
const pipe_nn_real *pipe_nn_model_forward(pipe_nn_model *m, const pipe_nn_real *x, int n,
                                          int training, pipe_rng *rng);

/*
 * After a training forward pass over the same x: compute the loss against
 * `y` (optional row weights `w`) and back-propagate, overwriting the
 * gradient buffer with dLoss/dparams. Returns the data loss (without the
 * L2 penalty, which optimizers add; see pipe_nn_model_penalty()).
 * With BCE after a sigmoid dense output the two are fused: the gradient
 * at the pre-activation is (p − y)·w / rows, exact and stable. So are CCE
 * and a softmax last layer (targets summing to 1 per row): the gradient
 * at the logits is (p − t)·w / rows, and the loss is computed from the
 * logits as log-sum-exp, finite for logits of any size.
 */
double pipe_nn_model_backward(pipe_nn_model *m, const pipe_nn_real *x, const pipe_nn_real *y,
                              const pipe_nn_real *w, int n);

/* The L2 penalty Σ λ·Σw² of the current parameters. */
double pipe_nn_model_penalty(const pipe_nn_model *m);

/* Predict n rows (any n) in inference mode, in chunks of max_batch;
 * `out` receives n × outputs doubles. */
void pipe_nn_model_predict(pipe_nn_model *m, const pipe_nn_real *x, int64_t n, double *out);

/* Number of trainable parameters. */
size_t pipe_nn_model_param_count(const pipe_nn_model *m);

/* Set flush-to-zero and denormals-are-zero for the calling thread (tiny
 * values become 0 instead of taking the slow path); returns the previous
 * state for pipe_nn_fpu_restore(). pipe_nn_fit() does this itself. */
unsigned pipe_nn_fpu_flush_denormals(void);
void pipe_nn_fpu_restore(unsigned saved);

#endif
