/*
 * test_residual_options.c — the cnn stage's residual item takes the
 * batchnorm options (`batchnorm: false`, `momentum`) beside the layer
 * word batchnorm, in either order, and the model file records them; a
 * second layer in one item is still an error.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const plugin_path[] = {"--plugin-path", BLOBS_PLUGIN_DIR, NULL};

static char *pipeline(const char *layers)
{
    static char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "pipeline: res\n"
             "seed: 3\n"
             "stages:\n"
             "  - id: blobs\n"
             "    plugin: tblobs\n"
             "    params: {classes: 3, rows: 300, height: 8, width: 8}\n"
             "    outputs: {images: x, labels: labels, split: split}\n"
             "  - id: model\n"
             "    plugin: cnn\n"
             "    inputs: {x: x, y: labels, split: split}\n"
             "    params: {head: multiclass, epochs: 1, layers: %s}\n"
             "    outputs: {proba: proba}\n",
             layers);
    return yaml;
}

Test(residual_options, momentum_and_batchnorm_false_reach_the_model_file)
{
    pipe_test_pipeline p = pipe_test_pipeline_run(
        "run", pipeline("[{residual: 4, momentum: 0.9}, {batchnorm: false, residual: 4}, flatten]"),
        NULL, plugin_path);
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    char *model = pipe_test_pipeline_output(&p, "model.safetensors");
    cr_assert(strstr(model + 8, "residual channels=4 kernel=3x3 stride=1x1 act=relu alpha=0.01 "
                                "l2=0 norm=1 momentum=0.9 eps=0.001; residual channels=4 "
                                "kernel=3x3 stride=1x1 act=relu alpha=0.01 l2=0 norm=0 "
                                "momentum=0.99"),
              "%.600s", model + 8);
    free(model);
    pipe_test_pipeline_free(&p);
}

Test(residual_options, two_layers_in_one_item_are_an_error)
{
    pipe_test_pipeline p = pipe_test_pipeline_run(
        "run", pipeline("[{residual: 4, dense: 8}, flatten]"), NULL, plugin_path);
    cr_assert_eq(p.r.status, 2);
    cr_assert(strstr(p.r.err, "p.yaml:11:52: stage 'model': parameter 'layers': layer 1 "
                              "(residual): one layer per item: residual and dense are both layers"),
              "%s", p.r.err);
    pipe_test_pipeline_free(&p);
}
