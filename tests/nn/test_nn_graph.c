/*
 * test_nn_graph.c — networks as graphs of layers, in double precision
 * (pipe_nn_f64): gradient checks (central differences, nn_grad_check.c)
 * through add and concat with a layer used by several others (so that its
 * gradient is accumulated), global max pooling and relu6; forward values
 * of the merges against their definitions; the graph and shape errors of
 * the shape pass, with their exact messages; a graph model saved and
 * loaded predicts identically.
 */
#include "nn.h"
#include "nn_grad_check.h"
#include "nn_io.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROWS 4

static pipe_nn_layer_spec conv(int channels, int k, pipe_nn_act act)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(PIPE_NN_CONV2D);
    s.channels = channels;
    s.kernel[0] = s.kernel[1] = k;
    s.pad[0] = s.pad[1] = k / 2;
    s.act = act;
    return s;
}

static pipe_nn_layer_spec dense(int units)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(PIPE_NN_DENSE);
    s.units = units;
    return s;
}

/* Set the inputs of a spec: from(&s, 2, (int[]){0, 1}). */
static pipe_nn_layer_spec from(pipe_nn_layer_spec s, int n, const int *idx)
{
    s.n_from = n;
    memcpy(s.from, idx, (size_t)n * sizeof *idx);
    return s;
}

static pipe_nn_layer_spec merge(pipe_nn_layer_kind kind, int n, const int *idx)
{
    return from(pipe_nn_layer_spec_default(kind), n, idx);
}

/* A model over samples chw with random parameters (nonzero biases), a
 * random batch and targets; checks every gradient. */
static void check_graph(const int chw[3], const pipe_nn_layer_spec *specs, int n, const char *what)
{
    pipe_rng rng;
    pipe_rng_seed(&rng, 5);
    pipe_nn_model *m = nn_grad_model(chw, specs, n, ROWS, &rng);
    nn_grad_check_random(m, ROWS, &rng, what);
    pipe_nn_model_free(m);
}

/* Layer 0 feeds layers 1, 2 and 3 (and 2 twice): its gradient is the
 * sum of four contributions. */
Test(nn_graph, add_with_a_layer_used_several_times)
{
    const int chw[3] = {2, 4, 5};
    pipe_nn_layer_spec specs[6] = {
        conv(3, 3, PIPE_NN_TANH),
        conv(3, 3, PIPE_NN_TANH),
        merge(PIPE_NN_ADD, 3, (int[]){0, 1, 0}),
        from(conv(3, 1, PIPE_NN_TANH), 1, (int[]){0}),
        merge(PIPE_NN_ADD, 2, (int[]){2, 3}),
        dense(2),
    };
    check_graph(chw, specs, 6, "add graph, layer 1 used by three layers");
}

Test(nn_graph, concat_of_branches_and_of_the_input)
{
    const int chw[3] = {2, 3, 4};
    pipe_nn_layer_spec specs[6] = {
        conv(3, 3, PIPE_NN_TANH),
        conv(2, 3, PIPE_NN_TANH),
        from(conv(4, 1, PIPE_NN_TANH), 1, (int[]){0}),
        merge(PIPE_NN_CONCAT, 4, (int[]){1, 2, 0, -1}), /* 2 + 4 + 3 + 2 channels */
        conv(2, 3, PIPE_NN_TANH),
        dense(3),
    };
    check_graph(chw, specs, 6, "concat of two branches, their stem and the input");
}

Test(nn_graph, global_max_pooling_and_relu6)
{
    const int chw[3] = {2, 3, 4};
    pipe_nn_layer_spec specs[3] = {conv(3, 3, PIPE_NN_TANH),
                                   pipe_nn_layer_spec_default(PIPE_NN_GLOBAL_MAXPOOL), dense(2)};
    check_graph(chw, specs, 3, "global max pooling");
    /* relu6 after the input added to itself 8 times (standard deviation
     * 8): some units sit above 6, some below 0, some between */
    const int vec[3] = {5, 1, 1};
    pipe_nn_layer_spec d[3] = {merge(PIPE_NN_ADD, 8, (int[]){-1, -1, -1, -1, -1, -1, -1, -1}),
                               dense(16), dense(2)};
    d[1].act = PIPE_NN_RELU6;
    check_graph(vec, d, 3, "relu6");
}

Test(nn_graph, relu6_and_global_max_pooling_values)
{
    char err[200];
    pipe_nn_loss loss = {PIPE_NN_MSE, 1};
    pipe_nn_layer_spec act = pipe_nn_layer_spec_default(PIPE_NN_ACTIVATION);
    act.act = PIPE_NN_RELU6;
    pipe_nn_model *m = pipe_nn_model_new(4, &act, 1, &loss, 1, err, sizeof err);
    cr_assert(m, "%s", err);
    const double x[4] = {-1, 2.5, 6, 7.25};
    const double *y = pipe_nn_model_forward(m, x, 1, 0, NULL);
    cr_assert(y[0] == 0 && y[1] == 2.5 && y[2] == 6 && y[3] == 6);
    pipe_nn_model_free(m);
    const int chw[3] = {2, 2, 2};
    pipe_nn_layer_spec gmp = pipe_nn_layer_spec_default(PIPE_NN_GLOBAL_MAXPOOL);
    m = pipe_nn_model_new_chw(chw, &gmp, 1, &loss, 1, err, sizeof err);
    const double img[8] = {1, -3, 4, 2, -5, -2, -7, -9};
    y = pipe_nn_model_forward(m, img, 1, 0, NULL);
    cr_assert(y[0] == 4 && y[1] == -2, "%g %g", y[0], y[1]);
    pipe_nn_model_free(m);
}

/* add and concat against their definitions, on two samples. */
Test(nn_graph, merge_values)
{
    char err[200];
    pipe_nn_loss loss = {PIPE_NN_MSE, 1};
    const int chw[3] = {3, 1, 1};
    const double x[6] = {1, 2, 3, 4, 5, 6};
    pipe_nn_layer_spec specs[2] = {pipe_nn_layer_spec_default(PIPE_NN_ACTIVATION), /* linear */
                                   merge(PIPE_NN_CONCAT, 3, (int[]){-1, 0, -1})};
    pipe_nn_model *m = pipe_nn_model_new_chw(chw, specs, 2, &loss, 2, err, sizeof err);
    cr_assert(m, "%s", err);
    cr_assert_eq(pipe_nn_model_outputs(m), 9);
    const double *y = pipe_nn_model_forward(m, x, 2, 0, NULL);
    for (int r = 0; r < 2; r++)
        for (int k = 0; k < 9; k++)
            cr_assert_eq(y[r * 9 + k], x[r * 3 + k % 3]);
    pipe_nn_model_free(m);
    specs[1] = merge(PIPE_NN_ADD, 3, (int[]){-1, 0, 0});
    m = pipe_nn_model_new_chw(chw, specs, 2, &loss, 2, err, sizeof err);
    y = pipe_nn_model_forward(m, x, 2, 0, NULL);
    for (int i = 0; i < 6; i++)
        cr_assert_eq(y[i], 3 * x[i]);
    pipe_nn_model_free(m);
}

/* The shape pass's message for specs over chw, and the failing index. */
static void expect_shape_error(const int chw[3], const pipe_nn_layer_spec *specs, int n,
                               int failed_at, const char *message)
{
    char err[300] = "";
    int failed = -5;
    cr_assert_eq(pipe_nn_layer_shapes(chw, specs, n, NULL, &failed, err, sizeof err), -1);
    cr_assert_eq(failed, failed_at, "%s", err);
    cr_assert_str_eq(err, message);
}

Test(nn_graph, shape_pass_errors)
{
    const int chw[3] = {2, 4, 4};
    pipe_nn_layer_spec a[4] = {conv(3, 3, PIPE_NN_RELU), conv(2, 3, PIPE_NN_RELU),
                               merge(PIPE_NN_ADD, 2, (int[]){0, 1}), dense(1)};
    expect_shape_error(chw, a, 4, 2,
                       "add needs inputs of one shape: layer 1 gives 3x4x4, layer 2 gives 2x4x4");
    pipe_nn_layer_spec pool = pipe_nn_layer_spec_default(PIPE_NN_MAXPOOL);
    pipe_nn_layer_spec c[4] = {conv(3, 3, PIPE_NN_RELU), pool,
                               merge(PIPE_NN_CONCAT, 2, (int[]){1, -1}), dense(1)};
    expect_shape_error(chw, c, 4, 2,
                       "concat needs inputs of one height and width: layer 2 gives 3x2x2, the "
                       "input is 2x4x4");
    pipe_nn_layer_spec later[3] = {from(conv(3, 3, PIPE_NN_RELU), 1, (int[]){1}),
                                   conv(3, 3, PIPE_NN_RELU), dense(1)};
    expect_shape_error(chw, later, 3, 0,
                       "takes layer 2, which does not come before it (layers count from 1, 0 is "
                       "the input)");
    pipe_nn_layer_spec lost[3] = {conv(3, 3, PIPE_NN_RELU), from(dense(1), 1, (int[]){-1}),
                                  dense(1)};
    expect_shape_error(chw, lost, 3, 0,
                       "its output (3x4x4) goes nowhere: no later layer takes it, and only the "
                       "last layer is the network's output");
    pipe_nn_layer_spec one[2] = {merge(PIPE_NN_ADD, 1, (int[]){-1}), dense(1)};
    expect_shape_error(chw, one, 2, 0, "merges two or more layers, found 1");
    pipe_nn_layer_spec two[2] = {from(conv(3, 3, PIPE_NN_RELU), 2, (int[]){-1, -1}), dense(1)};
    expect_shape_error(chw, two, 2, 0, "takes one input, found 2");
}

/* Build errors name the layer (1-based) and its kind. */
Test(nn_graph, model_build_error_names_the_layer)
{
    const int chw[3] = {2, 4, 4};
    pipe_nn_layer_spec a[3] = {conv(3, 3, PIPE_NN_RELU), merge(PIPE_NN_ADD, 2, (int[]){0, -1}),
                               dense(1)};
    char err[300];
    pipe_nn_loss loss = {PIPE_NN_MSE, 1};
    cr_assert_null(pipe_nn_model_new_chw(chw, a, 3, &loss, 2, err, sizeof err));
    cr_assert_str_eq(err, "layer 2 (add): add needs inputs of one shape: layer 1 gives 3x4x4, the "
                          "input is 2x4x4");
}

/* The text form keeps the graph: from=... round-trips. */
Test(nn_graph, spec_text_keeps_the_inputs)
{
    pipe_nn_layer_spec s = merge(PIPE_NN_CONCAT, 3, (int[]){4, -1, 0}), back;
    char text[200], err[200];
    pipe_nn_layer_spec_format(&s, text, sizeof text);
    cr_assert_str_eq(text, "concat from=4,-1,0");
    cr_assert_eq(pipe_nn_layer_spec_parse(text, &back, err, sizeof err), 0, "%s", err);
    cr_assert_eq(back.kind, PIPE_NN_CONCAT);
    cr_assert_eq(back.n_from, 3);
    cr_assert(back.from[0] == 4 && back.from[1] == -1 && back.from[2] == 0);
    pipe_nn_layer_spec c = from(conv(8, 1, PIPE_NN_RELU6), 1, (int[]){2});
    pipe_nn_layer_spec_format(&c, text, sizeof text);
    cr_assert_str_eq(text, "conv2d channels=8 kernel=1x1 stride=1x1 pad=0x0 act=relu6 alpha=0.01 "
                           "l2=0 from=2");
}

/* A graph model (float) saved and loaded predicts the same values. */
Test(nn_graph, saved_graph_predicts_identically)
{
    const int chw[3] = {2, 4, 4};
    pipe_nn_layer_spec specs[5] = {conv(3, 3, PIPE_NN_RELU), conv(3, 3, PIPE_NN_RELU6),
                                   merge(PIPE_NN_ADD, 2, (int[]){0, 1}),
                                   merge(PIPE_NN_CONCAT, 2, (int[]){2, -1}), dense(2)};
    char err[300], path[] = "/tmp/nn_graph_XXXXXX";
    pipe_nn_loss loss = {PIPE_NN_MSE, 1};
    pipe_nn_model *m = pipe_nn_model_new_chw(chw, specs, 5, &loss, 3, err, sizeof err);
    cr_assert(m, "%s", err);
    pipe_rng rng;
    pipe_rng_seed(&rng, 3);
    pipe_nn_model_init(m, &rng, PIPE_NN_INIT_HE);
    double x[3 * 32], a[6], b[6];
    for (int i = 0; i < 3 * 32; i++)
        x[i] = pipe_rng_normal(&rng);
    pipe_nn_model_predict(m, x, 3, a);
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "wb");
    cr_assert_eq(pipe_nn_model_save(m, f, NULL, 0, NULL, 0, err, sizeof err), 0, "%s", err);
    fclose(f);
    pipe_nn_st_file *st = pipe_nn_st_read(path, err, sizeof err);
    cr_assert(st, "%s", err);
    cr_assert_str_eq(pipe_nn_st_meta_get(st, "pipe.layers"),
                     "conv2d channels=3 kernel=3x3 stride=1x1 pad=1x1 act=relu alpha=0.01 l2=0; "
                     "conv2d channels=3 kernel=3x3 stride=1x1 pad=1x1 act=relu6 alpha=0.01 l2=0; "
                     "add from=0,1; concat from=2,-1; dense units=2 act=linear alpha=0.01 l2=0");
    pipe_nn_model *back = pipe_nn_model_load(st, 3, err, sizeof err);
    cr_assert(back, "%s", err);
    pipe_nn_model_predict(back, x, 3, b);
    cr_assert_arr_eq(a, b, sizeof a);
    pipe_nn_model_free(back);
    pipe_nn_st_free(st);
    pipe_nn_model_free(m);
    remove(path);
}

/* Softmax alone (under MSE: its own backward) and fused with the
 * categorical cross-entropy, with row weights and smoothed targets that
 * sum to 1 per row. */
Test(nn_graph, softmax_and_categorical_cross_entropy_gradients)
{
    const int vec[3] = {4, 1, 1};
    pipe_nn_layer_spec specs[3] = {dense(6), dense(3), pipe_nn_layer_spec_default(PIPE_NN_SOFTMAX)};
    specs[0].act = PIPE_NN_TANH;
    check_graph(vec, specs, 3, "softmax under mse");
    char err[200];
    pipe_nn_loss cce = {PIPE_NN_CCE, 1};
    pipe_nn_model *m = pipe_nn_model_new(4, specs, 3, &cce, ROWS, err, sizeof err);
    cr_assert(m, "%s", err);
    pipe_rng rng;
    pipe_rng_seed(&rng, 8);
    pipe_nn_model_init(m, &rng, PIPE_NN_INIT_GLOROT);
    double x[ROWS * 4], t[ROWS * 3], w[ROWS] = {1, 0.5, 2, 1.5};
    for (int i = 0; i < ROWS * 4; i++)
        x[i] = pipe_rng_normal(&rng);
    for (int r = 0; r < ROWS; r++) /* class r % 3, smoothed by 0.1 */
        for (int j = 0; j < 3; j++)
            t[r * 3 + j] = (j == r % 3 ? 0.9 : 0) + 0.1 / 3;
    nn_grad_batch b = {x, t, w, ROWS, 1};
    nn_grad_check(m, &b, "softmax fused with cce, weighted, smoothed");
    pipe_nn_model_free(m);
}

/* Logits of ±1e4: the fused loss is the exact log-sum-exp value (here
 * the wrong class leads by 2e4, so the loss is 2e4), the probabilities
 * finite, the gradient p − t. */
Test(nn_graph, softmax_cross_entropy_is_stable_for_huge_logits)
{
    const int vec[3] = {2, 1, 1};
    pipe_nn_layer_spec specs[2] = {pipe_nn_layer_spec_default(PIPE_NN_ACTIVATION),
                                   pipe_nn_layer_spec_default(PIPE_NN_SOFTMAX)};
    char err[200];
    pipe_nn_loss cce = {PIPE_NN_CCE, 1};
    pipe_nn_model *m = pipe_nn_model_new_chw(vec, specs, 2, &cce, 1, err, sizeof err);
    cr_assert(m, "%s", err);
    const double x[2] = {1e4, -1e4}, t[2] = {0, 1};
    const double *p = pipe_nn_model_forward(m, x, 1, 1, NULL);
    cr_assert(p[0] == 1 && p[1] == 0, "%g %g", p[0], p[1]);
    double loss = pipe_nn_model_backward(m, x, t, NULL, 1);
    cr_assert_float_eq(loss, 2e4, 1e-9, "%.17g", loss);
    const double x2[2] = {-1e4, 1e4}, t2[2] = {0, 1};
    pipe_nn_model_forward(m, x2, 1, 1, NULL);
    cr_assert_eq(pipe_nn_model_backward(m, x2, t2, NULL, 1), 0);
    pipe_nn_model_free(m);
}
