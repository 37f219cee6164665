/*
 * test_nn_blocks.c — the blocks (nn_blocks.c) in double precision: the
 * ResNet basic block composed from the graph's primitives gives the
 * fused residual layer's outputs (same weights, inference and training
 * mode, with and without projection); every block's gradients against
 * central differences, after a convolution so that the input gradient is
 * checked too; the optional skip of the inverted residual; the shortcut
 * and the expanded width in the model file's text.
 */
#include "nn.h"
#include "nn_grad_check.h"
#include "nn_io.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROWS 3
#define MAX_SPECS 64

static pipe_nn_layer_spec conv(int channels)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(PIPE_NN_CONV2D);
    s.channels = channels;
    s.pad[0] = s.pad[1] = 1;
    s.act = PIPE_NN_TANH;
    return s;
}

/* [conv 3x3 (channels), block, extra...]: the specs and their count. */
static int with_block(int channels, const pipe_nn_block *b, pipe_nn_layer_spec *specs)
{
    char err[200];
    specs[0] = conv(channels);
    int n = pipe_nn_block_expand(b, 0, 1, specs + 1, MAX_SPECS - 2, err, sizeof err);
    cr_assert(n > 0, "%s", err);
    return n + 1;
}

static void check_block(const int chw[3], int channels, pipe_nn_block b, const char *what)
{
    pipe_nn_layer_spec specs[MAX_SPECS];
    b.act = PIPE_NN_TANH; /* smooth, for the finite differences */
    int n = with_block(channels, &b, specs);
    specs[n] = pipe_nn_layer_spec_default(PIPE_NN_DENSE);
    specs[n++].units = 2;
    pipe_rng rng;
    pipe_rng_seed(&rng, 23);
    pipe_nn_model *m = nn_grad_model(chw, specs, n, ROWS, &rng);
    nn_grad_check_random(m, ROWS, &rng, what);
    pipe_nn_model_free(m);
}

Test(nn_blocks, gradients_of_every_block)
{
    const int chw[3] = {2, 4, 4};
    pipe_nn_block b = pipe_nn_block_default(PIPE_NN_BLOCK_BASIC);
    b.channels = 3;
    check_block(chw, 3, b, "basic, identity shortcut");
    b.channels = 4;
    b.stride = 2;
    check_block(chw, 3, b, "basic, projection with stride 2");
    b = pipe_nn_block_default(PIPE_NN_BLOCK_BOTTLENECK);
    b.channels = 8;
    check_block(chw, 3, b, "bottleneck, projection");
    b = pipe_nn_block_default(PIPE_NN_BLOCK_DENSE);
    b.layers = 2;
    b.growth = 2;
    check_block(chw, 3, b, "dense block of 2 layers");
    b = pipe_nn_block_default(PIPE_NN_BLOCK_TRANSITION);
    b.channels = 2;
    check_block(chw, 3, b, "transition");
    b = pipe_nn_block_default(PIPE_NN_BLOCK_INCEPTION);
    memcpy(b.branch, (int[]){2, 2, 3, 1, 2, 2}, sizeof b.branch);
    check_block(chw, 3, b, "inception");
    b = pipe_nn_block_default(PIPE_NN_BLOCK_INVERTED);
    b.channels = 3;
    b.expand = 2;
    check_block(chw, 3, b, "inverted residual with its skip");
    b.stride = 2;
    check_block(chw, 3, b, "inverted residual, stride 2, no skip");
    b.norm = 0;
    check_block(chw, 3, b, "inverted residual without batchnorm");
}

/* The fused residual layer's tensors, by name, into the composed model's
 * layers: conv1 → layer 0, bn1 → 1, conv2 → 3, bn2 → 4, shortcut → 5. */
static void copy_fused(pipe_nn_model *fused, pipe_nn_model *graph)
{
    static const struct {
        const char *prefix;
        int layer;
    } map[] = {{"conv1.", 0}, {"bn1.", 1}, {"conv2.", 3}, {"bn2.", 4}, {"shortcut.", 5}};
    pipe_nn_tensor_info from[PIPE_NN_MAX_LAYER_TENSORS], to[PIPE_NN_MAX_LAYER_TENSORS];
    int nf = pipe_nn_model_layer_tensors(fused, 0, from);
    size_t np, ns;
    double *fp = pipe_nn_model_params(fused, &np), *fs = pipe_nn_model_state(fused, &ns);
    double *gp = pipe_nn_model_params(graph, &np), *gs = pipe_nn_model_state(graph, &ns);
    int copied = 0;
    for (int i = 0; i < nf; i++)
        for (size_t k = 0; k < PIPE_COUNT(map); k++) {
            size_t len = strlen(map[k].prefix);
            if (strncmp(from[i].name, map[k].prefix, len) != 0)
                continue;
            int nt = pipe_nn_model_layer_tensors(graph, map[k].layer, to);
            for (int j = 0; j < nt; j++)
                if (strcmp(to[j].name, from[i].name + len) == 0) {
                    size_t count = (size_t)pipe_nn_tensor_count(&from[i]);
                    memcpy((to[j].is_state ? gs : gp) + to[j].offset,
                           (from[i].is_state ? fs : fp) + from[i].offset, count * sizeof *gp);
                    copied++;
                }
        }
    cr_assert_eq(copied, nf, "copied %d of the %d fused tensors", copied, nf);
}

static void compare_with_fused(int in_channels, int channels, int stride)
{
    const int chw[3] = {in_channels, 5, 4};
    pipe_nn_layer_spec fused = pipe_nn_layer_spec_default(PIPE_NN_RESIDUAL);
    fused.channels = channels;
    fused.stride[0] = fused.stride[1] = stride;
    pipe_nn_block b = pipe_nn_block_default(PIPE_NN_BLOCK_BASIC);
    b.channels = channels;
    b.stride = stride;
    pipe_nn_layer_spec specs[MAX_SPECS];
    char err[200];
    int n = pipe_nn_block_expand(&b, -1, 0, specs, MAX_SPECS, err, sizeof err);
    cr_assert_eq(n, 8, "%s", err);
    pipe_rng rng;
    pipe_rng_seed(&rng, 4);
    pipe_nn_model *a = nn_grad_model(chw, &fused, 1, ROWS, &rng);
    pipe_nn_model *g = nn_grad_model(chw, specs, n, ROWS, &rng);
    cr_assert_eq(pipe_nn_model_param_count(a), pipe_nn_model_param_count(g));
    size_t ns;
    double *state = pipe_nn_model_state(a, &ns);
    for (size_t i = 0; i < ns; i++) /* running means anywhere, variances positive */
        state[i] = i % (2 * (size_t)channels) < (size_t)channels ? pipe_rng_normal(&rng)
                                                                 : 0.5 + pipe_rng_uniform(&rng);
    copy_fused(a, g);
    int n_in = pipe_nn_model_inputs(a), n_out = pipe_nn_model_outputs(a);
    cr_assert_eq(n_out, pipe_nn_model_outputs(g));
    double x[ROWS * 5 * 4 * 8];
    for (int i = 0; i < ROWS * n_in; i++)
        x[i] = pipe_rng_normal(&rng);
    for (int training = 0; training < 2; training++) {
        const double *ya = pipe_nn_model_forward(a, x, ROWS, training, NULL);
        const double *yg = pipe_nn_model_forward(g, x, ROWS, training, NULL);
        for (int i = 0; i < ROWS * n_out; i++)
            cr_assert_float_eq(ya[i], yg[i], 1e-12, "%s mode, value %d: fused %.17g, graph %.17g",
                               training ? "training" : "inference", i, ya[i], yg[i]);
    }
    pipe_nn_model_free(a);
    pipe_nn_model_free(g);
}

Test(nn_blocks, the_basic_block_composed_gives_the_fused_outputs)
{
    compare_with_fused(3, 3, 1); /* identity shortcut */
    compare_with_fused(3, 5, 1); /* projection: more channels */
    compare_with_fused(4, 4, 2); /* projection: stride */
}

/* The text of the expanded layers: the shortcut, the optional add, the
 * resolved widths of the inverted residual (2 × 3 = 6 channels). */
Test(nn_blocks, inverted_residual_in_the_model_file)
{
    const int chw[3] = {3, 4, 4};
    pipe_nn_block b = pipe_nn_block_default(PIPE_NN_BLOCK_INVERTED);
    b.channels = 3;
    b.expand = 2;
    b.norm = 0;
    pipe_nn_layer_spec specs[MAX_SPECS];
    char err[200], text[200];
    int n = pipe_nn_block_expand(&b, -1, 0, specs, MAX_SPECS, err, sizeof err);
    cr_assert_eq(n, 4, "%s", err);
    pipe_rng rng;
    pipe_rng_seed(&rng, 1);
    pipe_nn_model *m = nn_grad_model(chw, specs, n, 1, &rng);
    const char *want[4] = {
        "conv2d channels=6 kernel=1x1 stride=1x1 pad=0x0 act=relu6 alpha=0.01 l2=0 from=-1",
        "conv2d channels=6 kernel=3x3 stride=1x1 pad=1x1 act=relu6 alpha=0.01 l2=0 depthwise=1",
        "conv2d channels=3 kernel=1x1 stride=1x1 pad=0x0 act=linear alpha=0.01 l2=0",
        "add optional=1 from=-1,2"};
    for (int i = 0; i < 4; i++) {
        pipe_nn_layer_spec_format(pipe_nn_model_layer_spec(m, i), text, sizeof text);
        cr_assert_str_eq(text, want[i]);
    }
    /* 1x1 3→6 (18 + 6), depthwise 6 (54 + 6), 1x1 6→3 (18 + 3) */
    cr_assert_eq(pipe_nn_model_param_count(m), 105);
    pipe_nn_model_free(m);
    pipe_nn_layer_spec sc = pipe_nn_layer_spec_default(PIPE_NN_SHORTCUT), back;
    sc.channels = 8;
    sc.stride[0] = sc.stride[1] = 2;
    pipe_nn_layer_spec_format(&sc, text, sizeof text);
    cr_assert_str_eq(text, "shortcut channels=8 stride=2x2");
    cr_assert_eq(pipe_nn_layer_spec_parse(text, &back, err, sizeof err), 0, "%s", err);
    cr_assert(back.channels == 8 && back.stride[1] == 2);
}
