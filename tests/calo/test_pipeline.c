/*
 * test_pipeline.c — the canonical pipelines of the calorimeter study run
 * end to end, tiny (a few hundred candidates, one epoch): every model is
 * scored on the test rows, the plots and ROC curves are written, and the
 * plotter's mean_image kind reports a missing class list at its place.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Test(pipeline, electron_isolation_tiny)
{
    const char *const extra[] = {"--plugin-path",
                                 PIPE_PLUGIN_BUILD_DIR,
                                 "--set",
                                 "calo.candidates=600",
                                 "--set",
                                 "cnn.epochs=1",
                                 "--set",
                                 "ann.epochs=1",
                                 NULL};
    char *dir = pipe_test_tmpdir();
    pipe_test_result r = pipe_test_run_file("pipelines/electron_isolation.yaml", dir, extra);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *m = pipe_test_read_in(dir, "metrics.json");
    cr_assert(m);
    const char *keys[] = {
        "\"cnn\": {\n      \"roc_auc\": ", "\"ann\": {\n      \"roc_auc\": ",
        "\"isolation\": {\n      \"roc_auc\": ", "\"logistic\": {\n      \"roc_auc\": "};
    for (size_t i = 0; i < 4; i++)
        cr_assert(strstr(m, keys[i]), "no %s in %s", keys[i], m);
    const char *files[] = {"roc.png", "cnn_output.png", "example_images.png", "mean_images.png",
                           "roc_curves.csv"};
    for (size_t i = 0; i < 5; i++) {
        char *f = pipe_test_read_in(dir, files[i]);
        cr_assert(f, "no %s", files[i]);
        free(f);
    }
    free(m);
    free(dir);
    pipe_test_result_free(&r);
}

Test(pipeline, mean_image_needs_classes)
{
    const char *const extra[] = {"--plugin-path", PIPE_PLUGIN_BUILD_DIR, NULL};
    pipe_test_pipeline p = pipe_test_pipeline_run("validate",
                                                  "pipeline: bad\n"
                                                  "stages:\n"
                                                  "  - id: calo\n"
                                                  "    plugin: calo\n"
                                                  "  - id: mean\n"
                                                  "    plugin: plotter\n"
                                                  "    inputs: {images: images, label: label}\n"
                                                  "    params: {kind: mean_image, classes: []}\n",
                                                  NULL, extra);
    char want[4096];
    snprintf(want, sizeof want,
             "%s:8:41: stage 'mean': parameter 'classes': names no class; mean_image averages "
             "the images of each class (label 0, 1, ...)\n",
             p.yaml);
    cr_assert_neq(p.r.status, 0);
    cr_assert_str_eq(p.r.err, want);
    pipe_test_pipeline_free(&p);
}
