/*
 * test_nn_conv.c — the image layers of the neural-network core, in the
 * float build: forward values against direct loops written here
 * (convolution with stride and padding, max and average pooling, global
 * average pooling), the shape pass and its messages, the text form of the
 * specs, and a CNN saved and loaded predicting identically.
 */
#include "nn.h"
#include "nn_io.h"
#include "nn_train.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pipe_nn_layer_spec conv(int channels, int kh, int kw, int sh, int sw, int ph, int pw)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(PIPE_NN_CONV2D);
    s.channels = channels;
    s.kernel[0] = kh, s.kernel[1] = kw;
    s.stride[0] = sh, s.stride[1] = sw;
    s.pad[0] = ph, s.pad[1] = pw;
    return s;
}

static pipe_nn_model *build(const int chw[3], const pipe_nn_layer_spec *specs, int n, int batch)
{
    char err[300];
    pipe_nn_loss loss = {PIPE_NN_MSE, 1};
    pipe_nn_model *m = pipe_nn_model_new_chw(chw, specs, n, &loss, batch, err, sizeof err);
    cr_assert(m, "%s", err);
    pipe_rng rng;
    pipe_rng_seed(&rng, 5);
    pipe_nn_model_init(m, &rng, PIPE_NN_INIT_GLOROT);
    size_t count;
    float *p = pipe_nn_model_params(m, &count);
    for (size_t i = 0; i < count; i++)
        p[i] += (float)(0.1 * pipe_rng_normal(&rng));
    return m;
}

static float *random_input(int n, int size, uint64_t seed)
{
    pipe_rng rng;
    pipe_rng_seed(&rng, seed);
    float *x = malloc((size_t)n * size * sizeof *x);
    for (int i = 0; i < n * size; i++)
        x[i] = (float)pipe_rng_normal(&rng);
    return x;
}

/* out[s][o][oy][ox] = b[o] + Σ w[o][c][i][j] · x[s][c][oy·sh − ph + i][ox·sw − pw + j]. */
static double direct_conv(const float *x, const float *w, const float *b, const int chw[3],
                          const pipe_nn_layer_spec *s, int sample, int o, int oy, int ox)
{
    double sum = b[o];
    int c_in = chw[0], h = chw[1], wd = chw[2], kh = s->kernel[0], kw = s->kernel[1];
    for (int c = 0; c < c_in; c++)
        for (int i = 0; i < kh; i++)
            for (int j = 0; j < kw; j++) {
                int y = oy * s->stride[0] - s->pad[0] + i, xx = ox * s->stride[1] - s->pad[1] + j;
                if (y < 0 || y >= h || xx < 0 || xx >= wd)
                    continue;
                sum += (double)w[((o * c_in + c) * kh + i) * kw + j] *
                       x[((sample * c_in + c) * h + y) * wd + xx];
            }
    return sum;
}

/* One convolution over an input shape, and the output height and width
 * it makes. */
typedef struct conv_case {
    int chw[3];
    pipe_nn_layer_spec spec;
    int hw[2];
} conv_case;

/* Forward a model of the one convolution over 3 samples and compare every
 * output with direct_conv. */
static void expect_direct(const conv_case *t)
{
    const int *chw = t->chw, oh = t->hw[0], ow = t->hw[1];
    const pipe_nn_layer_spec *s = &t->spec;
    pipe_nn_model *m = build(chw, s, 1, 4);
    cr_assert_eq(pipe_nn_model_outputs(m), s->channels * oh * ow);
    float *x = random_input(3, chw[0] * chw[1] * chw[2], 9);
    const float *w = pipe_nn_model_params(m, NULL);
    const float *b = w + (size_t)s->channels * chw[0] * s->kernel[0] * s->kernel[1];
    const float *out = pipe_nn_model_forward(m, x, 3, 0, NULL);
    for (int n = 0; n < 3; n++)
        for (int o = 0; o < s->channels; o++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    double want = direct_conv(x, w, b, chw, s, n, o, oy, ox);
                    double got = out[((n * s->channels + o) * oh + oy) * ow + ox];
                    cr_assert_float_eq(got, want, 1e-5, "%dx%dx%d: sample %d channel %d (%d, %d)",
                                       chw[0], chw[1], chw[2], n, o, oy, ox);
                }
    free(x);
    pipe_nn_model_free(m);
}

/* Every way of computing: im2col (a 3x7x6 image, and a 2x64x64 one large
 * enough that im2col takes the batch a sample at a time: 73728 patch
 * reals per sample, see CHUNK_REALS in nn_conv.c); unrolled with the full
 * matrix (3x2x3, the tabular encoding's size, and 3x3x4); unrolled with
 * shifted kernels, when there are enough input channels (see
 * nn_conv_unrolled.c): 2x3 (by column), 3x2 (by row), stride 2 (kernel
 * rows off the image), padding wider than the window (outputs that see
 * only padding). */
Test(nn_conv, forward_matches_a_direct_convolution)
{
    const conv_case cases[9] = {{{3, 7, 6}, conv(4, 3, 2, 2, 1, 1, 1), {4, 7}},
                                {{3, 7, 6}, conv(2, 1, 1, 1, 1, 0, 0), {7, 6}},
                                {{2, 64, 64}, conv(3, 3, 3, 1, 1, 1, 1), {64, 64}},
                                {{3, 2, 3}, conv(5, 3, 3, 1, 1, 1, 1), {2, 3}},
                                {{3, 3, 4}, conv(3, 3, 2, 2, 1, 1, 0), {2, 3}},
                                {{32, 2, 3}, conv(8, 3, 3, 1, 1, 1, 1), {2, 3}},
                                {{32, 3, 2}, conv(8, 3, 3, 1, 1, 1, 1), {3, 2}},
                                {{32, 3, 4}, conv(5, 3, 3, 2, 2, 1, 1), {2, 2}},
                                {{32, 2, 2}, conv(3, 3, 3, 1, 1, 3, 3), {6, 6}}};
    for (int t = 0; t < 9; t++)
        expect_direct(&cases[t]);
}

Test(nn_conv, pooling_values)
{
    /* One 1x4x4 image 0..15; windows 2x2 stride 2 -> [[5, 7], [13, 15]] and
     * means [[2.5, 4.5], [10.5, 12.5]]; 3x3 stride 2 padding 1 averages with
     * the padding counted as zeros (PyTorch's count_include_pad). */
    const int chw[3] = {1, 4, 4};
    float x[16];
    for (int i = 0; i < 16; i++)
        x[i] = (float)i;
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(PIPE_NN_MAXPOOL);
    pipe_nn_model *m = build(chw, &s, 1, 1);
    const float *out = pipe_nn_model_forward(m, x, 1, 0, NULL);
    const float max_want[4] = {5, 7, 13, 15};
    for (int i = 0; i < 4; i++)
        cr_assert_float_eq(out[i], max_want[i], 0);
    pipe_nn_model_free(m);
    s = pipe_nn_layer_spec_default(PIPE_NN_AVGPOOL);
    m = build(chw, &s, 1, 1);
    out = pipe_nn_model_forward(m, x, 1, 0, NULL);
    const float avg_want[4] = {2.5f, 4.5f, 10.5f, 12.5f};
    for (int i = 0; i < 4; i++)
        cr_assert_float_eq(out[i], avg_want[i], 1e-6);
    pipe_nn_model_free(m);
    s.kernel[0] = s.kernel[1] = 3;
    s.pad[0] = s.pad[1] = 1;
    m = build(chw, &s, 1, 1);
    out = pipe_nn_model_forward(m, x, 1, 0, NULL);
    /* top-left window: rows -1..1, cols -1..1 -> 0+1+4+5 = 10, over 9 */
    cr_assert_float_eq(out[0], 10.0f / 9, 1e-6);
    /* window at (1, 1): rows 1..3, cols 1..3 -> 5+6+7+9+10+11+13+14+15 = 90 */
    cr_assert_float_eq(out[3], 90.0f / 9, 1e-5);
    pipe_nn_model_free(m);
    s = pipe_nn_layer_spec_default(PIPE_NN_GLOBAL_AVGPOOL);
    m = build(chw, &s, 1, 1);
    cr_assert_eq(pipe_nn_model_outputs(m), 1);
    cr_assert_float_eq(pipe_nn_model_forward(m, x, 1, 0, NULL)[0], 7.5f, 1e-6);
    pipe_nn_model_free(m);
}

Test(nn_conv, shape_pass_gives_every_shape)
{
    const int chw[3] = {3, 2, 3};
    pipe_nn_layer_spec specs[5] = {conv(16, 3, 3, 1, 1, 1, 1), conv(32, 3, 3, 1, 1, 1, 1),
                                   pipe_nn_layer_spec_default(PIPE_NN_MAXPOOL),
                                   pipe_nn_layer_spec_default(PIPE_NN_FLATTEN),
                                   pipe_nn_layer_spec_default(PIPE_NN_DENSE)};
    specs[4].units = 64;
    int shapes[5][3], failed;
    char err[200];
    cr_assert_eq(pipe_nn_layer_shapes(chw, specs, 5, shapes, &failed, err, sizeof err), 0, "%s",
                 err);
    const int want[5][3] = {{16, 2, 3}, {32, 2, 3}, {32, 1, 1}, {32, 1, 1}, {64, 1, 1}};
    for (int i = 0; i < 5; i++)
        for (int k = 0; k < 3; k++)
            cr_assert_eq(shapes[i][k], want[i][k], "layer %d dim %d", i, k);
}

Test(nn_conv, shape_pass_names_the_layer_and_the_shapes)
{
    const int chw[3] = {3, 2, 3};
    pipe_nn_layer_spec specs[3] = {conv(8, 3, 3, 1, 1, 0, 0), conv(8, 3, 3, 1, 1, 1, 1),
                                   pipe_nn_layer_spec_default(PIPE_NN_MAXPOOL)};
    int failed;
    char err[300];
    cr_assert_eq(pipe_nn_layer_shapes(chw, specs, 3, NULL, &failed, err, sizeof err), -1);
    cr_assert_eq(failed, 0);
    cr_assert_str_eq(err, "the 3x3 window (stride 1x1, padding 0x0) does not fit the input 3x2x3");
    specs[0].pad[0] = specs[0].pad[1] = 1;
    specs[2].kernel[0] = specs[2].kernel[1] = 3;
    cr_assert_eq(pipe_nn_layer_shapes(chw, specs, 3, NULL, &failed, err, sizeof err), -1);
    cr_assert_eq(failed, 2);
    cr_assert_str_eq(err, "the 3x3 window (stride 2x2, padding 0x0) does not fit the input 8x2x3");
    pipe_nn_layer_spec res = pipe_nn_layer_spec_default(PIPE_NN_RESIDUAL);
    res.channels = 4;
    res.kernel[1] = 2;
    cr_assert_eq(pipe_nn_layer_shapes(chw, &res, 1, NULL, &failed, err, sizeof err), -1);
    cr_assert_str_eq(err, "a residual block keeps the image size, so its kernel must be odd, "
                          "found 3x2");
}

Test(nn_conv, spec_text_round_trips)
{
    pipe_nn_layer_spec specs[6] = {conv(16, 3, 5, 1, 2, 1, 2),
                                   pipe_nn_layer_spec_default(PIPE_NN_MAXPOOL),
                                   pipe_nn_layer_spec_default(PIPE_NN_AVGPOOL),
                                   pipe_nn_layer_spec_default(PIPE_NN_GLOBAL_AVGPOOL),
                                   pipe_nn_layer_spec_default(PIPE_NN_FLATTEN),
                                   pipe_nn_layer_spec_default(PIPE_NN_RESIDUAL)};
    specs[0].act = PIPE_NN_LEAKY_RELU;
    specs[0].l2 = 1e-4;
    specs[5].channels = 32;
    specs[5].norm = 0;
    const char *want[6] = {
        "conv2d channels=16 kernel=3x5 stride=1x2 pad=1x2 act=leaky_relu alpha=0.01 l2=0.0001",
        "maxpool kernel=2x2 stride=2x2 pad=0x0",
        "avgpool kernel=2x2 stride=2x2 pad=0x0",
        "global_avgpool",
        "flatten",
        "residual channels=32 kernel=3x3 stride=1x1 act=relu alpha=0.01 l2=0 norm=0 "
        "momentum=0.99 eps=0.001"};
    for (int i = 0; i < 6; i++) {
        char text[256], err[200], again[256];
        pipe_nn_layer_spec_format(&specs[i], text, sizeof text);
        cr_assert_str_eq(text, want[i]);
        pipe_nn_layer_spec back;
        cr_assert_eq(pipe_nn_layer_spec_parse(text, &back, err, sizeof err), 0, "%s", err);
        pipe_nn_layer_spec_format(&back, again, sizeof again);
        cr_assert_str_eq(again, text);
    }
    pipe_nn_layer_spec s;
    char err[200];
    cr_assert_eq(pipe_nn_layer_spec_parse("maxpool channels=3", &s, err, sizeof err), -1);
    cr_assert_str_eq(err, "bad field 'channels=3' for a maxpool layer");
    cr_assert_eq(pipe_nn_layer_spec_parse("conv2d channels=3 kernel=3y3", &s, err, sizeof err), -1);
    cr_assert_str_eq(err, "'kernel=3y3' is not a size like 3x3");
}

/* The model file at `path` written again at `to` with pipe.format
 * `format`, its rank-4 conv kernels flattened to rank 2 (out, in · kh ·
 * kw) as format 1 stored them. */
static void rewrite_as(const char *path, const char *to, const char *format)
{
    char err[300];
    pipe_nn_st_file *st = pipe_nn_st_read(path, err, sizeof err);
    cr_assert(st, "%s", err);
    size_t n = pipe_nn_st_tensor_count(st);
    pipe_nn_st_tensor *t = calloc(n, sizeof *t);
    for (size_t i = 0; i < n; i++) {
        t[i] = *pipe_nn_st_tensor_at(st, i);
        if (t[i].rank == 4) {
            t[i].shape[1] *= t[i].shape[2] * t[i].shape[3];
            t[i].rank = 2;
        }
    }
    static const char *const keys[] = {"pipe.inputs", "pipe.layers", "pipe.loss"};
    pipe_nn_st_meta meta[4] = {{"pipe.format", format}};
    for (int k = 0; k < 3; k++)
        meta[k + 1] = (pipe_nn_st_meta){keys[k], pipe_nn_st_meta_get(st, keys[k])};
    FILE *f = fopen(to, "wb");
    cr_assert(f);
    cr_assert_eq(pipe_nn_st_write(f, t, n, meta, 4, err, sizeof err), 0, "%s", err);
    fclose(f);
    free(t);
    pipe_nn_st_free(st);
}

/* The predictions of the model file at `path` for x (8 rows, 2 outputs). */
static void predict_file(const char *path, const float *x, double out[16])
{
    char err[300];
    pipe_nn_st_file *st = pipe_nn_st_read(path, err, sizeof err);
    cr_assert(st, "%s", err);
    pipe_nn_model *m = pipe_nn_model_load(st, 8, err, sizeof err);
    cr_assert(m, "%s", err);
    pipe_nn_model_predict(m, x, 8, out);
    pipe_nn_model_free(m);
    pipe_nn_st_free(st);
}

Test(nn_conv, saved_cnn_predicts_identically)
{
    const int chw[3] = {2, 6, 5};
    pipe_nn_layer_spec specs[6] = {conv(4, 3, 3, 1, 1, 1, 1),
                                   pipe_nn_layer_spec_default(PIPE_NN_RESIDUAL),
                                   pipe_nn_layer_spec_default(PIPE_NN_AVGPOOL),
                                   pipe_nn_layer_spec_default(PIPE_NN_BATCHNORM),
                                   pipe_nn_layer_spec_default(PIPE_NN_GLOBAL_AVGPOOL),
                                   pipe_nn_layer_spec_default(PIPE_NN_DENSE)};
    specs[0].act = PIPE_NN_RELU;
    specs[1].channels = 6;
    specs[1].stride[0] = 2;
    specs[5].units = 2;
    pipe_nn_model *m = build(chw, specs, 6, 8);
    float *x = random_input(8, 60, 3);
    pipe_rng rng;
    pipe_rng_seed(&rng, 1);
    pipe_nn_model_forward(m, x, 8, 1, &rng); /* move the batchnorm running averages */
    double before[16], after[16];
    pipe_nn_model_predict(m, x, 8, before);
    char path[512], err[300];
    char *dir = pipe_test_tmpdir();
    snprintf(path, sizeof path, "%s/cnn.safetensors", dir);
    free(dir);
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    cr_assert_eq(pipe_nn_model_save(m, f, NULL, 0, NULL, 0, err, sizeof err), 0, "%s", err);
    fclose(f);
    pipe_nn_st_file *st = pipe_nn_st_read(path, err, sizeof err);
    cr_assert(st, "%s", err);
    cr_assert_str_eq(pipe_nn_st_meta_get(st, "pipe.inputs"), "2x6x5");
    /* conv kernels as PyTorch's Conv2d.weight: (out, in / groups, kh, kw) */
    const pipe_nn_st_tensor *k = pipe_nn_st_find(st, "layers.1.shortcut.kernel");
    cr_assert(k && k->rank == 4 && k->shape[0] == 6 && k->shape[1] == 4 && k->shape[2] == 1 &&
              k->shape[3] == 1);
    k = pipe_nn_st_find(st, "layers.0.kernel");
    cr_assert(k && k->rank == 4 && k->shape[0] == 4 && k->shape[1] == 2 && k->shape[2] == 3 &&
              k->shape[3] == 3);
    k = pipe_nn_st_find(st, "layers.1.conv2.kernel");
    cr_assert(k && k->rank == 4 && k->shape[0] == 6 && k->shape[1] == 6 && k->shape[2] == 3);
    cr_assert_str_eq(pipe_nn_st_meta_get(st, "pipe.format"), "pipe.nn/2");
    cr_assert(pipe_nn_st_find(st, "layers.1.bn2.moving_variance"));
    pipe_nn_model *back = pipe_nn_model_load(st, 8, err, sizeof err);
    cr_assert(back, "%s", err);
    cr_assert_eq(pipe_nn_model_param_count(back), pipe_nn_model_param_count(m));
    pipe_nn_model_predict(back, x, 8, after);
    for (int i = 0; i < 16; i++)
        cr_assert_eq(after[i], before[i], "output %d: %g after loading, %g before", i, after[i],
                     before[i]);
    /* a format-1 file of the same model (kernels of rank 2) still loads */
    char old[600];
    snprintf(old, sizeof old, "%s.v1", path);
    rewrite_as(path, old, "pipe.nn/1");
    predict_file(old, x, after);
    for (int i = 0; i < 16; i++)
        cr_assert_eq(after[i], before[i], "output %d: %g from format 1, %g", i, after[i],
                     before[i]);
    /* a format this pipe does not know is refused by name */
    rewrite_as(path, old, "pipe.nn/3");
    pipe_nn_st_file *future = pipe_nn_st_read(old, err, sizeof err);
    cr_assert(future, "%s", err);
    cr_assert_null(pipe_nn_model_load(future, 8, err, sizeof err));
    cr_assert_str_eq(err, "model file format pipe.nn/3: this pipe reads pipe.nn/1 and pipe.nn/2 (a "
                          "newer pipe wrote it?)");
    pipe_nn_st_free(future);
    pipe_nn_model_free(back);
    pipe_nn_st_free(st);
    pipe_nn_model_free(m);
    free(x);
}

Test(nn_conv, a_small_cnn_learns_a_closed_form_target)
{
    /* target = mean of channel 0 - 2 · mean of channel 1: the ReLU
     * convolution, the pooling and the dense layers can represent it. */
    enum { ROWS = 512 };
    const int chw[3] = {2, 4, 4};
    pipe_nn_layer_spec specs[5] = {
        conv(6, 3, 3, 1, 1, 1, 1), pipe_nn_layer_spec_default(PIPE_NN_AVGPOOL),
        pipe_nn_layer_spec_default(PIPE_NN_FLATTEN), pipe_nn_layer_spec_default(PIPE_NN_DENSE),
        pipe_nn_layer_spec_default(PIPE_NN_DENSE)};
    specs[0].act = PIPE_NN_RELU;
    specs[3].units = 16;
    specs[3].act = PIPE_NN_RELU;
    specs[4].units = 1;
    pipe_nn_model *m = build(chw, specs, 5, 32);
    float *x = random_input(ROWS, 32, 17), y[ROWS];
    for (int r = 0; r < ROWS; r++) {
        double a = 0, b = 0;
        for (int k = 0; k < 16; k++) {
            a += x[r * 32 + k] / 16.0;
            b += x[r * 32 + 16 + k] / 16.0;
        }
        y[r] = (float)(a - 2 * b);
    }
    int64_t rows[ROWS];
    for (int r = 0; r < ROWS; r++)
        rows[r] = r;
    pipe_nn_dataset d = {.x = x, .y = y, .train = rows, .n_train = ROWS};
    pipe_nn_fit_config cfg = {
        .epochs = 300,
        .batch = 32,
        .shuffle = 1,
        .schedule = {.kind = PIPE_NN_SCHED_COSINE, .lr = 0.01, .min_lr = 1e-4, .epochs = 300},
        .metric = PIPE_NN_METRIC_MAE};
    pipe_nn_optim_config oc = pipe_nn_optim_config_default(PIPE_NN_ADAM);
    pipe_nn_optim *opt = pipe_nn_optim_new(&oc, m);
    pipe_rng rng;
    pipe_rng_seed(&rng, 4);
    pipe_nn_fit_result res;
    char err[200];
    cr_assert_eq(pipe_nn_fit(m, opt, &d, &cfg, &rng, NULL, NULL, &res, err, sizeof err), 0, "%s",
                 err);
    double out[ROWS], mse = 0, var = 0, mean = 0;
    pipe_nn_model_predict(m, x, ROWS, out);
    for (int r = 0; r < ROWS; r++)
        mean += y[r] / (double)ROWS;
    for (int r = 0; r < ROWS; r++) {
        mse += (out[r] - y[r]) * (out[r] - y[r]) / ROWS;
        var += (y[r] - mean) * (y[r] - mean) / ROWS;
    }
    cr_assert(mse < 1e-4 * var, "MSE %g against a target variance %g", mse, var);
    pipe_nn_optim_free(opt);
    pipe_nn_model_free(m);
    free(x);
}
