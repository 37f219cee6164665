/*
 * bench_cnn_step.c — how fast the neural-network core trains a CNN: the
 * time of one training step (forward, MSE loss, backward, Adam update) at
 * batch 32 on one thread, for two networks (bench/cnn/torch_step.py
 * builds the same two in PyTorch):
 *
 *   tabular   the study's image, 3 x 2 x 3 (image_encoder scheme tabular):
 *             conv 32 3x3 same relu, conv 64 3x3 same relu, maxpool 2,
 *             flatten, dense 128 relu, dense 1          (the cnn pipelines)
 *   eta_phi   a 2 x 32 x 32 eta-phi image (scheme eta_phi, one channel per
 *             charge): [conv 3x3 same relu, maxpool 2] with 16, 32, 64
 *             channels, flatten, dense 64 relu, dense 1
 *   calo      the electron-isolation study's CNN on 1 x 32 x 32 and
 *             1 x 64 x 64 calorimeter images (pipelines/electron_isolation):
 *             conv 32 5x5 same relu, conv 64 3x3 same relu, maxpool 2,
 *             flatten, dense 1024 (64 x 64; 256 at 32 x 32) relu, dense 1
 *   resnet    a small ResNet on 3 x 64 x 64 event images (the blocks of
 *             compare_cnns): conv 16 3x3 relu, basic blocks 16, 32/2, 64/2
 *             (conv-bn-relu, conv-bn, + shortcut, relu), global average
 *             pooling, dense 1
 *   mobilenet a small MobileNetV2 on 3 x 64 x 64: conv 16 3x3 relu, inverted
 *             residuals 16, 32/2, 64/2 with expansion 4 (1x1-bn-relu6,
 *             depthwise 3x3-bn-relu6, 1x1-bn, + x where the shapes agree),
 *             global average pooling, dense 1
 *
 * Prints best, median and 90th percentile over many single steps; the
 * best and median of each phase (forward, backward with the loss, Adam);
 * and the rate of the step's convolution arithmetic (2 flops per
 * multiply-add of every conv layer, three products per layer: forward,
 * kernel gradient, input gradient) against the core's measured peak: a
 * register-only FMA loop (AVX-512 where the CPU has it, else AVX2 + FMA)
 * and OpenBLAS sgemm on 1024 x 1024 matrices.
 *
 * Usage: bench_cnn_step [steps [tabular|eta_phi|calo|resnet|mobilenet]]
 * (default: 3000 steps, every network; the calo networks take 1/100 of the
 * steps, the 64 x 64 block networks 1/30, at least 10)
 */
#include "bench_timing.h"
#include "nn.h"
#include "nn_train.h"

#include <cblas.h>
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 32
#define MAX_LAYERS 64

/* One network: its name, input shape and layers. */
typedef struct network {
    const char *name;
    int chw[3];
    pipe_nn_layer_spec layers[MAX_LAYERS];
    int n_layers;
} network;

static void add(network *net, pipe_nn_layer_kind kind, int size, pipe_nn_act act)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(kind);
    s.act = act;
    if (kind == PIPE_NN_CONV2D) {
        s.channels = size;
        s.pad[0] = s.pad[1] = 1; /* 3x3 "same" */
    } else if (kind == PIPE_NN_DENSE) {
        s.units = size;
    }
    net->layers[net->n_layers++] = s;
}

static network tabular_network(void)
{
    network net = {.name = "tabular 3x2x3", .chw = {3, 2, 3}};
    add(&net, PIPE_NN_CONV2D, 32, PIPE_NN_RELU);
    add(&net, PIPE_NN_CONV2D, 64, PIPE_NN_RELU);
    add(&net, PIPE_NN_MAXPOOL, 0, PIPE_NN_LINEAR);
    add(&net, PIPE_NN_FLATTEN, 0, PIPE_NN_LINEAR);
    add(&net, PIPE_NN_DENSE, 128, PIPE_NN_RELU);
    add(&net, PIPE_NN_DENSE, 1, PIPE_NN_LINEAR);
    return net;
}

static network eta_phi_network(void)
{
    network net = {.name = "eta_phi 2x32x32", .chw = {2, 32, 32}};
    for (int channels = 16; channels <= 64; channels *= 2) {
        add(&net, PIPE_NN_CONV2D, channels, PIPE_NN_RELU);
        add(&net, PIPE_NN_MAXPOOL, 0, PIPE_NN_LINEAR);
    }
    add(&net, PIPE_NN_FLATTEN, 0, PIPE_NN_LINEAR);
    add(&net, PIPE_NN_DENSE, 64, PIPE_NN_RELU);
    add(&net, PIPE_NN_DENSE, 1, PIPE_NN_LINEAR);
    return net;
}

/* The study's CNN on side x side crystals; the dense layer scales with
 * the pixels (1024 at 64 x 64). */
static network calo_network(int side)
{
    network net = {.name = side == 32 ? "calo 1x32x32" : "calo 1x64x64", .chw = {1, side, side}};
    add(&net, PIPE_NN_CONV2D, 32, PIPE_NN_RELU);
    net.layers[0].kernel[0] = net.layers[0].kernel[1] = 5;
    net.layers[0].pad[0] = net.layers[0].pad[1] = 2;
    add(&net, PIPE_NN_CONV2D, 64, PIPE_NN_RELU);
    add(&net, PIPE_NN_MAXPOOL, 0, PIPE_NN_LINEAR);
    add(&net, PIPE_NN_FLATTEN, 0, PIPE_NN_LINEAR);
    add(&net, PIPE_NN_DENSE, 1024 * side * side / (64 * 64), PIPE_NN_RELU);
    add(&net, PIPE_NN_DENSE, 1, PIPE_NN_LINEAR);
    return net;
}

/* Append block b's layers after the network's last layer. */
static void add_block(network *net, pipe_nn_block_kind kind, int channels, int stride, int expand)
{
    pipe_nn_block b = pipe_nn_block_default(kind);
    b.channels = channels;
    b.stride = stride;
    b.expand = expand;
    char err[200];
    int n = pipe_nn_block_expand(&b, net->n_layers - 1, net->n_layers, net->layers + net->n_layers,
                                 MAX_LAYERS - net->n_layers, err, sizeof err);
    if (n < 0 || net->n_layers + n > MAX_LAYERS) {
        fprintf(stderr, "bench_cnn_step: %s: %s\n", net->name, n < 0 ? err : "too many layers");
        exit(1);
    }
    net->n_layers += n;
}

/* conv 16 3x3 relu, blocks of `kind` with 16, 32/2, 64/2 channels
 * (expansion `expand`), global average pooling, dense 1, on 3 x 64 x 64. */
static network block_network(const char *name, pipe_nn_block_kind kind, int expand)
{
    network net = {.name = name, .chw = {3, 64, 64}};
    add(&net, PIPE_NN_CONV2D, 16, PIPE_NN_RELU);
    add_block(&net, kind, 16, 1, expand);
    add_block(&net, kind, 32, 2, expand);
    add_block(&net, kind, 64, 2, expand);
    add(&net, PIPE_NN_GLOBAL_AVGPOOL, 0, PIPE_NN_LINEAR);
    add(&net, PIPE_NN_DENSE, 1, PIPE_NN_LINEAR);
    return net;
}

/* Multiply-adds of one sample through the network's conv layers (each
 * output value: in/groups · kh · kw of them). */
static double conv_macs(const network *net)
{
    int shapes[MAX_LAYERS][3], failed;
    char err[300];
    if (pipe_nn_layer_shapes(net->chw, net->layers, net->n_layers, shapes, &failed, err,
                             sizeof err) != 0)
        return 0;
    double macs = 0;
    for (int i = 0; i < net->n_layers; i++) {
        const pipe_nn_layer_spec *l = &net->layers[i];
        if (l->kind != PIPE_NN_CONV2D && l->kind != PIPE_NN_SHORTCUT)
            continue;
        int from = l->n_from ? l->from[0] : i - 1;
        int in_c = from < 0 ? net->chw[0] : shapes[from][0];
        if (l->kind == PIPE_NN_SHORTCUT && in_c == shapes[i][0] && l->stride[0] == 1)
            continue; /* the identity */
        int groups = l->depthwise ? in_c : l->groups > 1 ? l->groups : 1;
        int k = l->kind == PIPE_NN_SHORTCUT ? 1 : l->kernel[0] * l->kernel[1];
        macs += (double)shapes[i][0] * shapes[i][1] * shapes[i][2] * (in_c / groups) * k;
    }
    return macs;
}

/* Flops per second of a register-only loop of independent FMAs. */
#define FMA_CHAINS 12
#define FMA_ROUNDS 20000000
__attribute__((target("avx2,fma"))) static double fma_rate_avx2(void)
{
    __m256 acc[FMA_CHAINS], a = _mm256_set1_ps(0.999f), b = _mm256_set1_ps(1e-3f);
    for (int k = 0; k < FMA_CHAINS; k++)
        acc[k] = _mm256_set1_ps((float)k);
    double t0 = bench_now();
    for (int r = 0; r < FMA_ROUNDS; r++)
#pragma GCC unroll 12
        for (int k = 0; k < FMA_CHAINS; k++)
            acc[k] = _mm256_fmadd_ps(acc[k], a, b);
    double dt = bench_now() - t0;
    float sink = 0;
    for (int k = 0; k < FMA_CHAINS; k++)
        sink += _mm256_cvtss_f32(acc[k]);
    return (double)FMA_ROUNDS * FMA_CHAINS * 16 / dt + (sink == 12345 ? 1 : 0);
}

__attribute__((target("avx512f"))) static double fma_rate_avx512(void)
{
    __m512 acc[FMA_CHAINS], a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(1e-3f);
    for (int k = 0; k < FMA_CHAINS; k++)
        acc[k] = _mm512_set1_ps((float)k);
    double t0 = bench_now();
    for (int r = 0; r < FMA_ROUNDS; r++)
#pragma GCC unroll 12
        for (int k = 0; k < FMA_CHAINS; k++)
            acc[k] = _mm512_fmadd_ps(acc[k], a, b);
    double dt = bench_now() - t0;
    float sink = 0;
    for (int k = 0; k < FMA_CHAINS; k++)
        sink += _mm512_reduce_add_ps(acc[k]);
    return (double)FMA_ROUNDS * FMA_CHAINS * 32 / dt + (sink == 12345 ? 1 : 0);
}

/* Best flops per second of sgemm on 1024 x 1024 matrices. */
static double sgemm_rate(void)
{
    const int n = 1024;
    float *a = calloc((size_t)n * n, sizeof *a), *b = calloc((size_t)n * n, sizeof *b);
    float *c = calloc((size_t)n * n, sizeof *c);
    double best = 1e30;
    for (int i = 0; i < n * n; i++)
        a[i] = b[i] = 1e-3f * (float)(i % 97);
    for (int r = 0; r < 5; r++) {
        double t0 = bench_now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 1, c, n);
        double dt = bench_now() - t0;
        best = dt < best ? dt : best;
    }
    free(a);
    free(b);
    free(c);
    return 2.0 * n * n * n / best;
}

static void print_peak(void)
{
    int wide = __builtin_cpu_supports("avx512f");
    double fma = wide ? fma_rate_avx512() : fma_rate_avx2();
    printf("core peak: %s FMA loop %.1f GFLOP/s, OpenBLAS sgemm 1024^3 %.1f GFLOP/s\n",
           wide ? "AVX-512" : "AVX2", fma * 1e-9, sgemm_rate() * 1e-9);
}

/* Best and median of n timings (sorted in place), in microseconds. */
static void print_times(const char *what, double *t, int n)
{
    bench_sort(t, (size_t)n);
    printf("  %-10s best %9.1f us  median %9.1f us\n", what, t[0] * 1e6, t[n / 2] * 1e6);
}

static void bench(const network *net, int steps)
{
    char err[300];
    pipe_nn_loss loss = {PIPE_NN_MSE, 1};
    pipe_nn_model *m =
        pipe_nn_model_new_chw(net->chw, net->layers, net->n_layers, &loss, BATCH, err, sizeof err);
    if (!m) {
        fprintf(stderr, "bench_cnn_step: %s: %s\n", net->name, err);
        exit(1);
    }
    pipe_rng rng;
    pipe_rng_seed(&rng, 42);
    pipe_nn_model_init(m, &rng, PIPE_NN_INIT_HE);
    pipe_nn_optim_config oc = pipe_nn_optim_config_default(PIPE_NN_ADAM);
    pipe_nn_optim *opt = pipe_nn_optim_new(&oc, m);
    int n_in = pipe_nn_model_inputs(m);
    int batches = (1 << 21) / (BATCH * n_in); /* at most 8 MB of inputs, 64 batches at most */
    batches = batches < 4 ? 4 : batches > 64 ? 64 : batches;
    pipe_nn_real *x = malloc((size_t)batches * BATCH * n_in * sizeof *x);
    pipe_nn_real *y = malloc((size_t)batches * BATCH * sizeof *y);
    for (int i = 0; i < batches * BATCH * n_in; i++)
        x[i] = (pipe_nn_real)pipe_rng_normal(&rng);
    for (int i = 0; i < batches * BATCH; i++)
        y[i] = (pipe_nn_real)pipe_rng_normal(&rng);
    double *t = malloc(4 * (size_t)steps * sizeof *t), *phase = t + steps;
    unsigned fpu = pipe_nn_fpu_flush_denormals();
    int warmup = steps / 5;
    for (int s = 0; s < steps + warmup; s++) {
        size_t b = (size_t)(s % batches) * BATCH;
        double t0 = bench_now();
        pipe_nn_model_forward(m, x + b * n_in, BATCH, 1, &rng);
        double t1 = bench_now();
        pipe_nn_model_backward(m, x + b * n_in, y + b, NULL, BATCH);
        double t2 = bench_now();
        pipe_nn_optim_step(opt, m, 1e-3);
        double t3 = bench_now();
        if (s < warmup)
            continue;
        t[s - warmup] = t3 - t0;
        phase[s - warmup] = t1 - t0;
        phase[steps + s - warmup] = t2 - t1;
        phase[2 * steps + s - warmup] = t3 - t2;
    }
    pipe_nn_fpu_restore(fpu);
    bench_sort(t, (size_t)steps);
    printf("%-16s %8zu params  step (batch %d, 1 thread): best %8.1f us  median %8.1f us  "
           "p90 %8.1f us\n",
           net->name, pipe_nn_model_param_count(m), BATCH, t[0] * 1e6, t[steps / 2] * 1e6,
           t[steps * 9 / 10] * 1e6);
    double flops = 3 * 2 * conv_macs(net) * BATCH;
    if (flops > 0)
        printf("  conv arithmetic %.3f GFLOP per step: %.1f GFLOP/s at the best step, %.1f at "
               "the median\n",
               flops * 1e-9, flops / t[0] * 1e-9, flops / t[steps / 2] * 1e-9);
    print_times("forward", phase, steps);
    print_times("backward", phase + steps, steps);
    print_times("optimizer", phase + 2 * steps, steps);
    free(t);
    free(x);
    free(y);
    pipe_nn_optim_free(opt);
    pipe_nn_model_free(m);
}

int main(int argc, char **argv)
{
    int steps = argc > 1 ? atoi(argv[1]) : 3000;
    if (steps < 10)
        steps = 10;
    openblas_set_num_threads(1);
    print_peak();
    network nets[6] = {tabular_network(),
                       eta_phi_network(),
                       calo_network(32),
                       calo_network(64),
                       block_network("resnet 3x64x64", PIPE_NN_BLOCK_BASIC, 0),
                       block_network("mobilenet 3x64x64", PIPE_NN_BLOCK_INVERTED, 4)};
    int divisor[6] = {1, 1, 100, 100, 30, 30};
    for (int i = 0; i < 6; i++)
        if (argc < 3 || strncmp(nets[i].name, argv[2], strlen(argv[2])) == 0)
            bench(&nets[i], steps / divisor[i] > 10 ? steps / divisor[i] : 10);
    return 0;
}
