/*
 * test_cnn.c — the `cnn` stage through `pipe run`: the canonical pipelines
 * in a fast variant, repeatable metrics, train → predict giving the same
 * predictions, the classification head, and the errors a user meets (a
 * layer stack that does not fit the images, with the place and the
 * shapes; misspelt layers and options; parameters that do not apply; a
 * model applied to images of another shape); layer graphs (id, from, add,
 * concat) and their errors.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A small training pipeline on simulated events; %s is the cnn stage's
 * extra parameter lines. */
static char *small_pipeline(const char *cnn_params)
{
    static const char *head = "pipeline: small\n"
                              "seed: 7\n"
                              "stages:\n"
                              "  - id: simulate\n"
                              "    plugin: simulate\n"
                              "    params: {events: 3000}\n"
                              "    outputs: {table: events}\n"
                              "  - id: target\n"
                              "    plugin: features\n"
                              "    inputs: {table: events}\n"
                              "    params:\n"
                              "      columns: []\n"
                              "%s"
                              "    outputs: {target: y}\n"
                              "  - id: split\n"
                              "    plugin: split\n"
                              "    inputs: {table: events}\n"
                              "    outputs: {split: split}\n"
                              "  - id: encode\n"
                              "    plugin: image_encoder\n"
                              "    inputs: {table: events}\n"
                              "    params: {normalize: fixed}\n"
                              "    outputs: {images: images}\n"
                              "  - id: cnn\n"
                              "    plugin: cnn\n"
                              "    inputs: {x: images, y: y, split: split}\n"
                              "    params:\n"
                              "      epochs: 2\n"
                              "%s"
                              "    outputs: {pred: pred}\n"
                              "  - id: write\n"
                              "    plugin: writer\n"
                              "    inputs: {table: pred}\n"
                              "    params: {path: pred.csv}\n";
    const char *target =
        (strstr(cnn_params, "head: binary") || strstr(cnn_params, "head: classification"))
            ? "      label: {column: M, window: [60, 120], name: high}\n"
              "      target: high\n"
            : "      target: M\n";
    size_t size = strlen(head) + strlen(target) + strlen(cnn_params) + 16;
    char *yaml = malloc(size);
    snprintf(yaml, size, head, target, cnn_params);
    return yaml;
}

Test(cnn_run, regression_pipeline_fast_variant)
{
    char *out = pipe_test_tmpdir();
    const char *const extra[] = {"--set", "cnn.epochs=2", "--set", "simulate.events=20000", NULL};
    pipe_test_result r = pipe_test_run_file("pipelines/cnn_regression.yaml", out, extra);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *metrics = pipe_test_read_in(out, "metrics.json");
    /* conv 3·9·32+32, conv 32·9·64+64, dense 64·128+128, output 128+1 */
    cr_assert(strstr(metrics, "\"params\": 27841"), "%s", metrics);
    cr_assert(strstr(metrics, "\"epochs\": 2,"), "%s", metrics);
    cr_assert(strstr(metrics, "\"rows_train\": 16000"), "%s", metrics);
    char *run_json = pipe_test_read_in(out, "run.json");
    cr_assert(strstr(run_json, "train_seconds"), "training time belongs in run.json");
    cr_assert_null(strstr(metrics, "train_seconds"), "metrics.json must repeat byte for byte");
    char *model = pipe_test_read_in(out, "model.safetensors"),
         *encoding = pipe_test_read_in(out, "encoding.csv");
    cr_assert(model && encoding);
    /* after the 8-byte header length: the JSON header */
    cr_assert(strstr(model + 8, "\"pipe.inputs\":\"3x2x3\""), "the model records its input shape");
    free(encoding);
    free(model);
    free(run_json);
    free(metrics);
    pipe_test_result_free(&r);
    free(out);
}

Test(cnn_run, comparison_pipeline_fast_variant)
{
    char *out = pipe_test_tmpdir();
    const char *const extra[] = {"--set", "cnn.epochs=1",          "--set", "dnn.epochs=1",
                                 "--set", "simulate.events=10000", NULL};
    pipe_test_result r = pipe_test_run_file("pipelines/dnn_vs_cnn.yaml", out, extra);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *metrics = pipe_test_read_in(out, "metrics.json");
    cr_assert(strstr(metrics, "\"dnn_test\": {") && strstr(metrics, "\"cnn_test\": {"), "%s",
              metrics);
    cr_assert(strstr(metrics, "\"params\": 12289") && strstr(metrics, "\"params\": 27841"), "%s",
              metrics);
    char *png = pipe_test_read_in(out, "cnn_pred_vs_true.png");
    cr_assert(png, "the CNN's pred-vs-true plot is missing");
    free(png);
    free(metrics);
    pipe_test_result_free(&r);
    free(out);
}

Test(cnn_run, same_seed_same_metrics_and_model)
{
    char *yaml = small_pipeline("");
    pipe_test_pipeline a = pipe_test_pipeline_run("run", yaml, NULL, NULL);
    pipe_test_pipeline b = pipe_test_pipeline_run("run", yaml, NULL, NULL);
    cr_assert(a.r.status == 0 && b.r.status == 0, "%s%s", a.r.err, b.r.err);
    char *ma = pipe_test_pipeline_output(&a, "metrics.json");
    char *mb = pipe_test_pipeline_output(&b, "metrics.json");
    cr_assert_str_eq(ma, mb);
    char *pa = pipe_test_pipeline_output(&a, "pred.csv"),
         *pb = pipe_test_pipeline_output(&b, "pred.csv");
    cr_assert_str_eq(pa, pb);
    free(pa);
    free(pb);
    free(ma);
    free(mb);
    pipe_test_pipeline_free(&a);
    pipe_test_pipeline_free(&b);
    free(yaml);
}

Test(cnn_run, predict_reproduces_the_training_predictions)
{
    char *yaml = small_pipeline("      layers: [{residual: 8}, {avgpool: [2, 3]}, {dense: 16}]\n");
    pipe_test_pipeline train = pipe_test_pipeline_run("run", yaml, NULL, NULL);
    cr_assert_eq(train.r.status, 0, "%s", train.r.err);
    char *trained = pipe_test_pipeline_output(&train, "pred.csv");
    /* the same events, predicted by the saved model */
    char predict[3000], model[1024];
    snprintf(model, sizeof model, "%s/model.safetensors", train.out);
    snprintf(predict, sizeof predict,
             "pipeline: again\n"
             "seed: 7\n"
             "stages:\n"
             "  - id: simulate\n"
             "    plugin: simulate\n"
             "    params: {events: 3000}\n"
             "    outputs: {table: events}\n"
             "  - id: encode\n"
             "    plugin: image_encoder\n"
             "    inputs: {table: events}\n"
             "    params: {normalize: fixed}\n"
             "    outputs: {images: images}\n"
             "  - id: cnn\n"
             "    plugin: cnn\n"
             "    inputs: {x: images}\n"
             "    params: {mode: predict, model: \"%s\"}\n"
             "    outputs: {pred: pred}\n"
             "  - id: write\n"
             "    plugin: writer\n"
             "    inputs: {table: pred}\n"
             "    params: {path: pred.csv}\n",
             model);
    pipe_test_pipeline again = pipe_test_pipeline_run("run", predict, NULL, NULL);
    cr_assert_eq(again.r.status, 0, "%s", again.r.err);
    char *predicted = pipe_test_pipeline_output(&again, "pred.csv");
    cr_assert_str_eq(predicted, trained);
    free(predicted);
    free(trained);
    pipe_test_pipeline_free(&again);
    pipe_test_pipeline_free(&train);
    free(yaml);
}

Test(cnn_run, classification_head_gives_probabilities_and_accuracy)
{
    char *yaml = small_pipeline("      head: binary\n"
                                "      layers: [{conv: 8}, global_avgpool, {dense: 8}]\n");
    pipe_test_pipeline p = pipe_test_pipeline_run("run", yaml, NULL, NULL);
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    char *metrics = pipe_test_pipeline_output(&p, "metrics.json");
    cr_assert(strstr(metrics, "\"val_accuracy\": "), "%s", metrics);
    char *pred = pipe_test_pipeline_output(&p, "pred.csv");
    int rows = 0;
    for (char *line = strchr(pred, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
        double v = strtod(line + 1, NULL);
        cr_assert(v > 0 && v < 1, "probability %g", v);
        rows++;
    }
    cr_assert_eq(rows, 3000);
    free(pred);
    free(metrics);
    pipe_test_pipeline_free(&p);
    free(yaml);
}

/* head: classification, the old spelling of head: binary, still works
 * and warns: the same metrics byte for byte. */
Test(cnn_run, old_spelling_of_the_binary_head_warns_and_gives_the_same_metrics)
{
    const char *layers = "      layers: [{conv: 4}, global_avgpool]\n";
    char params[256];
    snprintf(params, sizeof params, "      head: binary\n%s", layers);
    char *yaml = small_pipeline(params);
    pipe_test_pipeline now = pipe_test_pipeline_run("run", yaml, NULL, NULL);
    free(yaml);
    snprintf(params, sizeof params, "      head: classification\n%s", layers);
    yaml = small_pipeline(params);
    pipe_test_pipeline old = pipe_test_pipeline_run("run", yaml, NULL, NULL);
    cr_assert_eq(now.r.status, 0, "%s", now.r.err);
    cr_assert_eq(old.r.status, 0, "%s", old.r.err);
    cr_assert(strstr(old.r.err, "[cnn] warning: head: classification is the old spelling of "
                                "head: binary (it still works; write head: binary)"),
              "%s", old.r.err);
    cr_assert(!strstr(now.r.err, "old spelling"), "%s", now.r.err);
    char *a = pipe_test_pipeline_output(&now, "metrics.json");
    char *b = pipe_test_pipeline_output(&old, "metrics.json");
    cr_assert_str_eq(a, b);
    free(a);
    free(b);
    pipe_test_pipeline_free(&old);
    pipe_test_pipeline_free(&now);
    free(yaml);
}

/* `pipe validate` of the small pipeline with these cnn parameters must
 * fail (exit 2) with each of the NULL-terminated messages. */
static void expect_invalid(const char *cnn_params, const char *const *messages)
{
    char *yaml = small_pipeline(cnn_params);
    pipe_test_pipeline p = pipe_test_pipeline_run("validate", yaml, NULL, NULL);
    cr_assert_eq(p.r.status, 2, "%s", p.r.err);
    for (int i = 0; messages[i]; i++)
        cr_assert(strstr(p.r.err, messages[i]), "expected\n%s\nin\n%s", messages[i], p.r.err);
    pipe_test_pipeline_free(&p);
    free(yaml);
}

Test(cnn_run, stack_that_does_not_fit_names_the_layer_and_the_shapes)
{
    const char *const messages[] = {
        "p.yaml:33:11: stage 'cnn': parameter 'layers': layer 3 (conv2d) does not fit the "
        "images: the 3x3 window (stride 1x1, padding 0x0) does not fit the input 16x1x1; the "
        "images are 3x2x3 (input_shape), the layers before it give 3x2x3 -> conv2d 16x2x3 -> "
        "maxpool 16",
        NULL};
    expect_invalid("      input_shape: [3, 2, 3]\n"
                   "      layers:\n"
                   "        - {conv: 16}\n"
                   "        - {maxpool: 2}\n"
                   "        - {conv: 32, kernel: 3, padding: valid}\n",
                   messages);
}

Test(cnn_run, misspelt_layers_and_options_get_suggestions)
{
    const char *const messages[] = {
        "parameter 'layers': layer 1 (conv): unknown option 'kernal' (did you mean 'kernel'?); "
        "a conv layer takes kernel stride padding activation l2 groups depthwise",
        "layer 2: unknown layer 'maxpol' (did you mean 'maxpool'?)",
        "layer 3 (dense): the unit count must be a whole number >= 1, found 0",
        "layer 4 (maxpool): unknown option 'kernel'; a maxpool layer takes stride padding", NULL};
    expect_invalid("      layers: [{conv: 8, kernal: 3}, maxpol, {dense: 0}, {maxpool: 2, kernel: "
                   "3}]\n",
                   messages);
    /* an empty key is an unknown option too (a fuzzer's find: it read past the words) */
    const char *const empty[] = {"layer 1 (conv): unknown option ''; a conv layer takes kernel "
                                 "stride padding activation l2 groups depthwise",
                                 NULL};
    expect_invalid("      layers: [{conv: 8, \"\": 3}]\n", empty);
}

Test(cnn_run, residual_kernel_and_same_padding_must_be_odd)
{
    const char *const same[] = {"layer 1 (conv): padding same needs an odd kernel, found 2x2",
                                NULL};
    expect_invalid("      input_shape: [3, 2, 3]\n"
                   "      layers: [{conv: 4, kernel: 2, padding: same}]\n",
                   same);
    const char *const residual[] = {"layer 1 (residual) does not fit the images: a residual "
                                    "block keeps the image size, so its kernel must be odd, "
                                    "found 3x2",
                                    NULL};
    expect_invalid("      input_shape: [3, 2, 3]\n"
                   "      layers: [{residual: 4, kernel: [3, 2]}]\n",
                   residual);
}

Test(cnn_run, parameters_that_do_not_apply_are_errors)
{
    const char *const messages[] = {
        "parameter 'momentum': is only used with optimizer: sgd (optimizer is adam)",
        "parameter 'loss': bce needs probabilities: set head: binary", NULL};
    expect_invalid("      momentum: 0.5\n"
                   "      loss: bce\n",
                   messages);
}

Test(cnn_run, images_of_another_shape_than_the_model_are_refused)
{
    char *yaml = small_pipeline("      layers: [{conv: 4}, flatten]\n");
    pipe_test_pipeline train = pipe_test_pipeline_run("run", yaml, NULL, NULL);
    cr_assert_eq(train.r.status, 0, "%s", train.r.err);
    char predict[2000];
    snprintf(predict, sizeof predict,
             "pipeline: other\n"
             "stages:\n"
             "  - id: simulate\n"
             "    plugin: simulate\n"
             "    params: {events: 50}\n"
             "    outputs: {table: events}\n"
             "  - id: encode\n"
             "    plugin: image_encoder\n"
             "    inputs: {table: events}\n"
             "    params: {scheme: eta_phi, grid: [8, 8]}\n"
             "    outputs: {images: images}\n"
             "  - id: cnn\n"
             "    plugin: cnn\n"
             "    inputs: {x: images}\n"
             "    params: {mode: predict, model: \"%s/model.safetensors\"}\n",
             train.out);
    pipe_test_pipeline p = pipe_test_pipeline_run("run", predict, NULL, NULL);
    cr_assert_eq(p.r.status, 1);
    cr_assert(strstr(p.r.err, "takes images of 3x2x3, x 'images' holds images of 1x8x8"), "%s",
              p.r.err);
    pipe_test_pipeline_free(&p);
    pipe_test_pipeline_free(&train);
    free(yaml);
}

/* ---- layer graphs: id, from, add, concat ---- */

Test(cnn_run, graph_errors_name_the_layer_its_place_and_the_shapes)
{
    const char *const cycle[] = {
        "p.yaml:31:34: stage 'cnn': parameter 'layers': layer 1 (conv2d, id a): from 'b' makes a "
        "cycle: layer 2 takes, through the layers between, this layer's output; a layer takes "
        "the images or earlier layers",
        NULL};
    expect_invalid("      input_shape: [3, 2, 3]\n"
                   "      layers:\n"
                   "        - {conv: 8, id: a, from: b}\n"
                   "        - {conv: 8, id: b, from: a}\n"
                   "        - {add: [a, b]}\n",
                   cycle);
    const char *const unknown[] = {
        "p.yaml:33:24: stage 'cnn': parameter 'layers': layer 3 (add): from 'stme' is no layer's "
        "id (did you mean 'stem'?) (the images are 'input')",
        NULL};
    expect_invalid("      input_shape: [3, 2, 3]\n"
                   "      layers:\n"
                   "        - {conv: 8, id: stem}\n"
                   "        - {conv: 8}\n"
                   "        - {add: [stem, stme]}\n",
                   unknown);
    const char *const twice[] = {"p.yaml:31:25: stage 'cnn': parameter 'layers': layer 2 "
                                 "(conv2d, id stem): id 'stem' is already layer 1's",
                                 NULL};
    expect_invalid("      layers:\n"
                   "        - {conv: 8, id: stem}\n"
                   "        - {conv: 8, id: stem}\n",
                   twice);
    const char *const shapes[] = {
        "p.yaml:33:11: stage 'cnn': parameter 'layers': layer 3 (add, id bad) does not fit the "
        "images: add needs inputs of one shape: layer 1 gives 8x2x3, the input is 3x2x3; the "
        "images are 3x2x3 (input_shape), the layers before it give 3x2x3 -> conv2d 8x2x3 -> "
        "conv2d 8x2x3",
        NULL};
    expect_invalid("      input_shape: [3, 2, 3]\n"
                   "      layers:\n"
                   "        - {conv: 8, id: stem}\n"
                   "        - {conv: 8}\n"
                   "        - {add: [stem, input], id: bad}\n",
                   shapes);
    const char *const spatial[] = {
        "p.yaml:33:11: stage 'cnn': parameter 'layers': layer 3 (concat) does not fit the "
        "images: concat needs inputs of one height and width: layer 2 gives 8x1x3, layer 1 "
        "gives 8x2x3",
        NULL};
    expect_invalid("      input_shape: [3, 2, 3]\n"
                   "      layers:\n"
                   "        - {conv: 8, id: stem}\n"
                   "        - {maxpool: [2, 1], id: pool}\n"
                   "        - {concat: [pool, stem]}\n",
                   spatial);
}

Test(cnn_run, depthwise_channels_must_be_a_multiple_of_the_input_channels)
{
    const char *const messages[] = {
        "p.yaml:31:11: stage 'cnn': parameter 'layers': layer 1 (conv2d) does not fit the "
        "images: depthwise: 3 groups must divide the input's 3 channels (input 3x2x3) and the 8 "
        "output channels; the images are 3x2x3 (input_shape), the layers before it give 3x2x3",
        NULL};
    expect_invalid("      input_shape: [3, 2, 3]\n"
                   "      layers:\n"
                   "        - {conv: 8, depthwise: true}\n",
                   messages);
    const char *const zero[] = {"p.yaml:30:29: stage 'cnn': parameter 'layers': layer 1 (conv): "
                                "groups must be a whole number >= 1, found 0",
                                NULL};
    expect_invalid("      layers:\n"
                   "        - {conv: 8, groups: 0}\n",
                   zero);
}

/* A graph with a skip (add), two branches and the images concatenated,
 * and global max pooling trains; its parameter count is that of its
 * layers: conv 3·9·8+8, conv 8·9·8+8, 1x1 conv 8·4+4, conv 8·9·4+4,
 * then 4 + 4 + 3 channels pooled into the output dense 11+1. */
Test(cnn_run, a_layer_graph_trains)
{
    char *yaml = small_pipeline("      layers:\n"
                                "        - {conv: 8, id: stem}\n"
                                "        - {conv: 8, id: branch}\n"
                                "        - {add: [stem, branch], id: sum}\n"
                                "        - {conv: 4, kernel: 1, id: side}\n"
                                "        - {conv: 4, from: sum, id: c5}\n"
                                "        - {concat: [side, c5, input]}\n"
                                "        - global_maxpool\n");
    pipe_test_pipeline p = pipe_test_pipeline_run("run", yaml, NULL, NULL);
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    char *metrics = pipe_test_pipeline_output(&p, "metrics.json");
    cr_assert(strstr(metrics, "\"params\": 1148,"), "%s", metrics);
    free(metrics);
    pipe_test_pipeline_free(&p);
    free(yaml);
}

/* `activation` beside a weighted layer is its option, not a second layer
 * (the model file's architecture says which activation each layer has). */
Test(cnn_run, activation_is_an_option_of_a_conv_item)
{
    char *yaml = small_pipeline("      layers: [{conv: 4, activation: relu6, id: c}, "
                                "{activation: tanh}, {conv: 4, activation: linear}, flatten]\n");
    pipe_test_pipeline p = pipe_test_pipeline_run("run", yaml, NULL, NULL);
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    char *model = pipe_test_pipeline_output(&p, "model.safetensors");
    const char *layers = strstr(model + 8, "\"pipe.layers\":\"");
    cr_assert(layers, "no architecture in the model file");
    const char *want =
        "conv2d channels=4 kernel=3x3 stride=1x1 pad=1x1 act=relu6 alpha=0.01 l2=0; activation "
        "act=tanh alpha=0.01; conv2d channels=4 kernel=3x3 stride=1x1 pad=1x1 act=linear "
        "alpha=0.01 l2=0; flatten; dense";
    cr_assert(strncmp(layers + 15, want, strlen(want)) == 0, "%.300s", layers + 15);
    free(model);
    pipe_test_pipeline_free(&p);
    free(yaml);
}

Test(cnn_run, block_items_are_checked_at_their_place)
{
    const char *const messages[] = {
        "p.yaml:32:11: stage 'cnn': parameter 'layers': layer 2 (bottleneck): a bottleneck's "
        "channels must be a multiple of 4 (its inner width is a quarter), found 10",
        "p.yaml:33:23: stage 'cnn': parameter 'layers': layer 3 (inception): expected 6 channel "
        "counts [1x1, 3x3 reduce, 3x3, double 3x3 reduce, double 3x3, pool projection], found a "
        "list",
        "p.yaml:34:36: stage 'cnn': parameter 'layers': layer 4 (dense_block): unknown option "
        "'growht'; a dense_block block takes growth kernel batchnorm activation l2 id from",
        NULL};
    expect_invalid("      input_shape: [3, 2, 3]\n"
                   "      layers:\n"
                   "        - {conv: 8, id: a}\n"
                   "        - {bottleneck: 10}\n"
                   "        - {inception: [4, 4]}\n"
                   "        - {dense_block: 2, growht: 3}\n",
                   messages);
    const char *const from[] = {
        "p.yaml:32:28: stage 'cnn': parameter 'layers': layer 2 (conv2d, in the basic block of "
        "item 2): from 'zz' is no layer's id (the images are 'input')",
        NULL};
    expect_invalid("      input_shape: [3, 2, 3]\n"
                   "      layers:\n"
                   "        - {conv: 8, id: a}\n"
                   "        - {basic: 8, from: zz}\n",
                   from);
    const char *const shape[] = {
        "p.yaml:33:11: stage 'cnn': parameter 'layers': layer 9 (avgpool, in the transition "
        "block of item 3) does not fit the images: the 2x2 window (stride 2x2, padding 0x0) does "
        "not fit the input 8x1x1",
        NULL};
    expect_invalid("      input_shape: [3, 2, 3]\n"
                   "      layers:\n"
                   "        - {conv: 8, id: a}\n"
                   "        - {transition: 8}\n"
                   "        - {transition: 8}\n",
                   shape);
}
