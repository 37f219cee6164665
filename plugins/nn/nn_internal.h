/*
 * nn_internal.h — what the files of the neural-network core share and
 * users of nn.h do not see: the layer structure, the table of operations
 * each layer kind implements, the model structure, BLAS spelled for the
 * real type.
 *
 * Adding a layer kind (a convolution, say) means one file with a
 * pipe_nn_layer_ops table and one line in nn_layer_ops_of().
 */
#ifndef PIPE_NN_INTERNAL_H
#define PIPE_NN_INTERNAL_H

#include "nn.h"

#include <cblas.h>

#ifdef PIPE_NN_DOUBLE
#define NN_GEMM cblas_dgemm
#define NN_GEMV cblas_dgemv
#define NN_GER cblas_dger
#define NN_ST_DTYPE "F64"
#define NN_EXP exp
#define NN_TANH tanh
#define NN_SQRT sqrt
#else
#define NN_GEMM cblas_sgemm
#define NN_GEMV cblas_sgemv
#define NN_GER cblas_sger
#define NN_ST_DTYPE "F32"
#define NN_EXP expf
#define NN_TANH tanhf
#define NN_SQRT sqrtf
#endif

typedef pipe_nn_real nn_real;

/* Hot element-wise loops are compiled twice, for AVX2 and for the base
 * instruction set, and the loader picks the one the CPU runs (GCC's
 * function multi-versioning): twice the speed without -march=native. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define NN_HOT __attribute__((target_clones("avx2", "default")))
#else
#define NN_HOT
#endif
typedef struct pipe_nn_layer pipe_nn_layer;

/* The operations of one layer kind. */
typedef struct pipe_nn_layer_ops {
    /* Check the spec against the input shape (in_size, in_chw) and fill
     * out_size, out_chw, n_param, n_kernel, n_state, scratch_per_row and
     * scratch_fixed.
     * Returns 0, or -1 with a message in err. */
    int (*setup)(pipe_nn_layer *l, char *err, size_t err_size);
    /* Initial parameters and state (NULL for a layer with neither). */
    void (*init)(pipe_nn_layer *l, pipe_rng *rng, pipe_nn_init init);
    /* l->out = f(in) over n rows. */
    void (*forward)(pipe_nn_layer *l, const nn_real *in, int n, int training, pipe_rng *rng);
    /* Given dout = dLoss/dout (may be overwritten), fill l->grad and, when
     * din is not NULL, din = dLoss/din. */
    void (*backward)(pipe_nn_layer *l, const nn_real *in, nn_real *dout, nn_real *din, int n);
    /* Named tensors of the layer (see pipe_nn_model_layer_tensors), with
     * offsets within the layer's own parameters or state (NULL: none). */
    int (*tensors)(const pipe_nn_layer *l, pipe_nn_tensor_info *out);
} pipe_nn_layer_ops;

struct pipe_nn_layer {
    const pipe_nn_layer_ops *ops;
    pipe_nn_layer_spec spec;
    int in_size, out_size;     /* reals per sample */
    int in_chw[3], out_chw[3]; /* samples as channels × height × width */
    size_t n_param;            /* trainable reals */
    size_t n_kernel;           /* of which the first n_kernel carry the L2 penalty */
    size_t n_state;            /* non-trainable reals (saved with the model) */
    size_t scratch_per_row, scratch_fixed;
    nn_real *param, *grad, *state; /* views into the model's flat buffers */
    nn_real *out;                  /* max_batch × out_size */
    nn_real *scratch;              /* scratch_fixed, then max_batch × scratch_per_row */
    int dz_given; /* dense, softmax: backward gets dLoss/dz directly (fused with BCE, CCE) */
    /* The graph (nn_graph.c): the inputs' layer indices (-1: the model's
     * input) and shapes; in_chw is that of the first. Before forward and
     * backward the model points ins at the inputs' values and, in
     * backward, dins at where their gradients go (NULL: not needed);
     * din_add[k] nonzero means add into dins[k] instead of overwriting.
     * Single-input kinds use the `in` and `din` arguments instead. */
    int n_in;
    int in_idx[PIPE_NN_MAX_FROM];
    int ins_chw[PIPE_NN_MAX_FROM][3];
    const nn_real *ins[PIPE_NN_MAX_FROM];
    nn_real *dins[PIPE_NN_MAX_FROM];
    int din_add[PIPE_NN_MAX_FROM];
};

struct pipe_nn_model {
    int n_inputs, n_layers, max_batch;
    int input_chw[3]; /* the input sample as channels × height × width */
    pipe_nn_layer *layers;
    pipe_nn_loss loss;
    int fused_bce;
    int fused_cce; /* CCE after a softmax last layer */
    nn_real *params, *grads, *state;
    size_t n_params, n_state;
    pipe_nn_segment *segments;
    int n_segments;
    nn_real *acts;            /* every layer's output, one block */
    nn_real *scratch;         /* every layer's scratch, one block */
    nn_real *grad_a, *grad_b; /* back-propagation ping-pong, max_batch × widest */
    /* Back-propagation over a graph: dLoss/d(output) of each layer. A
     * plain stack (chain) alternates grad_a and grad_b; any other graph
     * gives each layer its own block of node_grads, and a layer feeding
     * several others accumulates (through grad_tmp, max_batch × widest). */
    int chain;
    nn_real **node_grad;       /* n_layers pointers */
    nn_real *node_grads;       /* the blocks (graphs only) */
    nn_real *grad_tmp;         /* graphs only */
    unsigned char *needs_grad; /* layer i or one before it has parameters */
    unsigned char *written;    /* node_grad[i] holds a gradient (backward) */
};

/* The operations of a kind (nn_kinds.c). */
const pipe_nn_layer_ops *nn_layer_ops_of(pipe_nn_layer_kind kind);

extern const pipe_nn_layer_ops nn_dense_ops;
extern const pipe_nn_layer_ops nn_activation_ops;
extern const pipe_nn_layer_ops nn_dropout_ops;
extern const pipe_nn_layer_ops nn_batchnorm_ops;
extern const pipe_nn_layer_ops nn_conv2d_ops;         /* nn_conv.c */
extern const pipe_nn_layer_ops nn_pool_ops;           /* nn_pool.c: max and average */
extern const pipe_nn_layer_ops nn_global_avgpool_ops; /* nn_pool.c */
extern const pipe_nn_layer_ops nn_flatten_ops;        /* nn_pool.c */
extern const pipe_nn_layer_ops nn_residual_ops;       /* nn_residual.c */
extern const pipe_nn_layer_ops nn_add_ops;            /* nn_merge.c */
extern const pipe_nn_layer_ops nn_concat_ops;         /* nn_merge.c */
extern const pipe_nn_layer_ops nn_global_maxpool_ops; /* nn_pool.c */
extern const pipe_nn_layer_ops nn_softmax_ops;        /* nn_act.c */
extern const pipe_nn_layer_ops nn_shortcut_ops;       /* nn_conv2d.c */

/* The categorical cross-entropy of logits z against targets t (n rows of
 * dim), row weights w (NULL: 1): Σ wᵣ·(−Σⱼ tᵣⱼ (zᵣⱼ − logΣₖ exp zᵣₖ)) / n,
 * through log-sum-exp (nn_loss.c). */
double nn_cce_logits(const nn_real *z, const nn_real *t, const nn_real *w, int n, int dim);

/*
 * Resolve the graph and set up every layer of `layers` (whose spec is
 * filled) in order for samples shaped input_chw: ops, inputs and their
 * shapes, sizes. Used by the model and the shape pass alike. Returns 0,
 * or -1 with *failed the layer's index and the reason in err.
 */
int nn_graph_setup(pipe_nn_layer *layers, int n_layers, const int input_chw[3], int *failed,
                   char *err, size_t err_size);

/* The image layers' specs (nn_spatial.c): nonzero for their kinds; their
 * defaults (called by pipe_nn_layer_spec_default), text form, and one
 * "key=value" field of it (0, or -1 with err). */
int nn_spatial_kind(pipe_nn_layer_kind kind);
void nn_spatial_spec_default(pipe_nn_layer_spec *s);
void nn_spatial_spec_format(const pipe_nn_layer_spec *s, char *buf, size_t size);
int nn_spatial_spec_field(pipe_nn_layer_spec *s, const char *key, const char *value, char *err,
                          size_t err_size);

/* Draw `count` kernel weights (nn_dense.c): He, normal with sd
 * sqrt(2 / fan_in), or Glorot, uniform within +-sqrt(6 / (fan_in +
 * fan_out)); one draw of the stream per weight, in order. */
void nn_init_kernel(nn_real *w, size_t count, double fan_in, double fan_out, pipe_rng *rng,
                    pipe_nn_init init);

/* Activations in place over `count` values (nn_act.c). */
void nn_act_forward(pipe_nn_act act, double alpha, nn_real *v, size_t count);
/* d[i] *= act'(y[i]), where y = act(x) is the activation's output. */
void nn_act_backward(pipe_nn_act act, double alpha, const nn_real *y, nn_real *d, size_t count);

/* Σ v[0 .. count), and Σ a[i]·b[i·stride] for i < count, in NN_LANES
 * partial sums (so that they vectorise) added in a fixed order; fewer than
 * NN_LANES values are summed one after the other (nn_vec.c). */
#define NN_LANES 16
nn_real nn_sum(const nn_real *v, size_t count);
nn_real nn_dot(const nn_real *a, const nn_real *b, size_t count, size_t stride);

/* The index of the largest of v[0 .. n) (the first on ties; nn_act.c). */
size_t nn_argmax(const nn_real *v, size_t n);

/* names[i], or "?" when i is out of range (this and the two below:
 * nn_base.c). */
const char *nn_name_of(const char *const *names, size_t n, unsigned i);
/* The index of `name` in names[0..n), or -1. */
int nn_name_find(const char *const *names, size_t n, const char *name);

/* Format into err (snprintf) and return -1. */
int nn_fail(char *err, size_t err_size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
