/*
 * test_nn_grouped.c — grouped and depthwise convolutions, in double
 * precision (pipe_nn_f64): gradient checks by central differences on every
 * path of the convolution kernel (im2col on 2x5x6-sized images, unrolled
 * on tiny ones, the direct depthwise kernel, the pointwise 1x1 GEMMs on
 * 16x16 planes); the forward pass against the same groups computed as
 * separate ordinary convolutions on the channel slices (with the kernel
 * rows of each group in PyTorch's order), and the depthwise and pointwise
 * paths against the convolution's definition written out as loops; the
 * shape errors.
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

static pipe_nn_layer_spec conv(int channels, int k, int stride, int groups, int depthwise)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(PIPE_NN_CONV2D);
    s.channels = channels;
    s.kernel[0] = s.kernel[1] = k;
    s.stride[0] = s.stride[1] = stride;
    s.pad[0] = s.pad[1] = k / 2;
    s.groups = groups;
    s.depthwise = depthwise;
    s.act = PIPE_NN_TANH;
    return s;
}

/* [conv 1x1 (so the grouped layer's input gradient is checked), layer,
 * dense 2] on images chw. */
static void check(const int chw[3], pipe_nn_layer_spec layer, const char *what)
{
    pipe_nn_layer_spec out = pipe_nn_layer_spec_default(PIPE_NN_DENSE);
    out.units = 2;
    pipe_nn_layer_spec specs[3] = {conv(chw[0], 1, 1, 1, 0), layer, out};
    pipe_rng rng;
    pipe_rng_seed(&rng, 17);
    pipe_nn_model *m = nn_grad_model(chw, specs, 3, ROWS, &rng);
    nn_grad_check_random(m, ROWS, &rng, what);
    pipe_nn_model_free(m);
}

Test(nn_grouped, gradients_of_grouped_and_depthwise_convolutions)
{
    const int big[3] = {4, 5, 6}, tiny[3] = {4, 2, 3};
    check(big, conv(6, 3, 1, 2, 0), "groups 2, 4 -> 6 channels, im2col");
    check(big, conv(4, 3, 2, 4, 0), "groups 4, stride 2, im2col");
    check(big, conv(8, 3, 1, 0, 1), "depthwise, multiplier 2, im2col");
    check(tiny, conv(6, 3, 1, 2, 0), "groups 2, unrolled");
    check(tiny, conv(4, 3, 1, 0, 1), "depthwise, unrolled");
    check(big, conv(4, 1, 1, 2, 0), "groups 2, 1x1");
    check(big, conv(4, 3, 1, 0, 1), "depthwise, direct");
    check(big, conv(4, 3, 2, 0, 1), "depthwise, direct, stride 2");
    check(big, conv(4, 5, 1, 0, 1), "depthwise, direct, 5x5");
}

Test(nn_grouped, gradients_of_pointwise_convolutions)
{
    const int plane[3] = {3, 16, 16}; /* 256 pixels: the per-sample GEMM path */
    check(plane, conv(5, 1, 1, 1, 0), "1x1 on 16x16, pointwise");
}

/* The convolution's definition: y[s][o][oy][ox] = b[o] + Σ over the input
 * channels c of o's group and the taps (i, j) inside the image of
 * w[o][c − first][i][j] · x[s][c][oy·stride − pad + i][ox·stride − pad + j]. */
static double reference(const int chw[3], const pipe_nn_layer_spec *l, const double *w,
                        const double *x, int s, int o, int oy, int ox)
{
    int groups = l->depthwise ? chw[0] : l->groups > 1 ? l->groups : 1;
    int per_in = chw[0] / groups, per_out = l->channels / groups, k = l->kernel[0];
    int first = o / per_out * per_in;
    double sum = w[(size_t)l->channels * per_in * k * k + o];
    for (int c = 0; c < per_in; c++)
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++) {
                int y = oy * l->stride[0] - l->pad[0] + i, xx = ox * l->stride[1] - l->pad[1] + j;
                if (y < 0 || y >= chw[1] || xx < 0 || xx >= chw[2])
                    continue;
                sum += w[((size_t)o * per_in + c) * k * k + i * k + j] *
                       x[(((size_t)s * chw[0] + first + c) * chw[1] + y) * chw[2] + xx];
            }
    return sum;
}

static void check_forward(const int chw[3], pipe_nn_layer_spec l, const char *what)
{
    l.act = PIPE_NN_LINEAR;
    pipe_rng rng;
    pipe_rng_seed(&rng, 9);
    pipe_nn_model *m = nn_grad_model(chw, &l, 1, ROWS, &rng);
    size_t count;
    const double *w = pipe_nn_model_params(m, &count);
    int n_in = pipe_nn_model_inputs(m);
    double *x = malloc((size_t)ROWS * n_in * sizeof *x);
    for (int i = 0; i < ROWS * n_in; i++)
        x[i] = pipe_rng_normal(&rng);
    const double *y = pipe_nn_model_forward(m, x, ROWS, 0, NULL);
    int oh = (chw[1] + 2 * l.pad[0] - l.kernel[0]) / l.stride[0] + 1;
    int ow = (chw[2] + 2 * l.pad[1] - l.kernel[1]) / l.stride[1] + 1;
    cr_assert_eq(pipe_nn_model_outputs(m), l.channels * oh * ow, "%s", what);
    for (int s = 0; s < ROWS; s++)
        for (int o = 0; o < l.channels; o++)
            for (int p = 0; p < oh * ow; p++) {
                double want = reference(chw, &l, w, x, s, o, p / ow, p % ow);
                cr_assert_float_eq(*y, want, 1e-12,
                                   "%s: sample %d channel %d pixel %d: %.17g, "
                                   "by definition %.17g",
                                   what, s, o, p, *y, want);
                y++;
            }
    free(x);
    pipe_nn_model_free(m);
}

Test(nn_grouped, depthwise_and_pointwise_outputs_by_definition)
{
    const int odd[3] = {3, 7, 6}, plane[3] = {4, 16, 17};
    check_forward(odd, conv(3, 3, 1, 0, 1), "depthwise 3x3");
    check_forward(odd, conv(3, 3, 2, 0, 1), "depthwise 3x3 stride 2");
    check_forward(odd, conv(3, 5, 1, 0, 1), "depthwise 5x5");
    check_forward(plane, conv(6, 1, 1, 1, 0), "pointwise 1x1");
    check_forward(plane, conv(4, 3, 1, 0, 1), "depthwise 3x3 on 16x17");
}

/* A grouped convolution is its groups' ordinary convolutions side by
 * side: output channels [g·O/G, (g+1)·O/G) from input channels
 * [g·C/G, (g+1)·C/G) with kernel rows g·O/G... of the grouped kernel. */
Test(nn_grouped, forward_equals_separate_convolutions_on_channel_slices)
{
    const int chw[3] = {6, 5, 4}, groups = 3, oc = 6;
    pipe_nn_layer_spec g = conv(oc, 3, 1, groups, 0);
    pipe_rng rng;
    pipe_rng_seed(&rng, 2);
    pipe_nn_model *m = nn_grad_model(chw, &g, 1, ROWS, &rng);
    size_t count;
    const double *w = pipe_nn_model_params(m, &count);
    size_t per_group = (size_t)(oc / groups) * (chw[0] / groups) * 9;
    cr_assert_eq(count, per_group * groups + oc);
    double x[ROWS * 120], part_x[ROWS * 40];
    for (int i = 0; i < ROWS * 120; i++)
        x[i] = pipe_rng_normal(&rng);
    const double *y = pipe_nn_model_forward(m, x, ROWS, 0, NULL);
    const int part_chw[3] = {2, 5, 4};
    pipe_nn_layer_spec one = conv(2, 3, 1, 1, 0);
    for (int k = 0; k < groups; k++) {
        pipe_nn_model *p = nn_grad_model(part_chw, &one, 1, ROWS, &rng);
        size_t n;
        double *pw = pipe_nn_model_params(p, &n);
        memcpy(pw, w + k * per_group, per_group * sizeof *pw);
        memcpy(pw + per_group, w + groups * per_group + k * 2, 2 * sizeof *pw);
        for (int s = 0; s < ROWS; s++)
            memcpy(part_x + s * 40, x + s * 120 + k * 40, 40 * sizeof *x);
        const double *py = pipe_nn_model_forward(p, part_x, ROWS, 0, NULL);
        for (int s = 0; s < ROWS; s++)
            for (int i = 0; i < 40; i++)
                cr_assert_float_eq(y[s * 120 + k * 40 + i], py[s * 40 + i], 1e-12,
                                   "group %d sample %d value %d", k, s, i);
        pipe_nn_model_free(p);
    }
    pipe_nn_model_free(m);
}

Test(nn_grouped, groups_must_divide_the_channels)
{
    const int chw[3] = {6, 4, 4};
    char err[300];
    int failed;
    pipe_nn_layer_spec s = conv(8, 3, 1, 4, 0);
    cr_assert_eq(pipe_nn_layer_shapes(chw, &s, 1, NULL, &failed, err, sizeof err), -1);
    cr_assert_str_eq(err, "the 4 groups must divide the input's 6 channels (input 6x4x4) and the "
                          "8 output channels");
    s = conv(8, 3, 1, 0, 1);
    cr_assert_eq(pipe_nn_layer_shapes(chw, &s, 1, NULL, &failed, err, sizeof err), -1);
    cr_assert_str_eq(err, "depthwise: 6 groups must divide the input's 6 channels (input 6x4x4) "
                          "and the 8 output channels");
    char text[200];
    s = conv(12, 3, 1, 0, 1);
    pipe_nn_layer_spec_format(&s, text, sizeof text);
    cr_assert_str_eq(text, "conv2d channels=12 kernel=3x3 stride=1x1 pad=1x1 act=tanh alpha=0.01 "
                           "l2=0 depthwise=1");
    pipe_nn_layer_spec back;
    cr_assert_eq(pipe_nn_layer_spec_parse(text, &back, err, sizeof err), 0, "%s", err);
    cr_assert(back.depthwise == 1 && back.channels == 12);
    s = conv(12, 3, 1, 3, 0);
    pipe_nn_layer_spec_format(&s, text, sizeof text);
    cr_assert(strstr(text, " groups=3"), "%s", text);
}
