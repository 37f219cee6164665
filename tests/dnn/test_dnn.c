/*
 * test_dnn.c — the `dnn` stage through `pipe run` on the real sample (PIPE_DATA):
 * fast variants of the canonical pipelines, train → predict giving the
 * same predictions, repeatable metrics, and the errors a user meets
 * (parameters that do not apply, NaN inputs, a diverging loss, a scaler
 * of another method).
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Run `pipe run FILE --quiet --out DIR` plus extra arguments, on the real
 * sample: the canonical pipelines read the file PIPE_DATA names. */
static pipe_test_result run(const char *file, const char *out, const char *const *extra)
{
    char *sample = pipe_test_shared_file("dielectron_sample.csv");
    setenv("PIPE_DATA", sample, 1);
    free(sample);
    return pipe_test_run_file(file, out, extra);
}

static const char *const fast[] = {"--set", "dnn.epochs=3", NULL};

Test(dnn_run, regression_fast_variant)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    char *out = pipe_test_tmpdir();
    pipe_test_result r = run("pipelines/dnn_regression.yaml", out, fast);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *metrics = pipe_test_read_in(out, "metrics.json");
    cr_assert(metrics);
    /* 14·128+128 + 128·64+64 + 64·32+32 + 32+1 = 12289 */
    cr_assert(strstr(metrics, "\"params\": 12289"), "%s", metrics);
    cr_assert(strstr(metrics, "\"epochs\": 3,"), "%s", metrics);
    cr_assert(strstr(metrics, "\"rows_train\": 1095"), "%s", metrics);
    /* the loss it reports, named with its unit (M in GeV: GeV squared) */
    cr_assert(strstr(metrics, ",\n    \"loss_name\": \"mse\",\n    \"loss_unit\": \"target unit "
                              "squared\",\n"),
              "%s", metrics);
    char *model = pipe_test_read_in(out, "model.safetensors");
    cr_assert(model, "no model.safetensors written");
    char *run_json = pipe_test_read_in(out, "run.json");
    cr_assert(strstr(run_json, "train_seconds"), "training time belongs in run.json");
    cr_assert_null(strstr(metrics, "train_seconds"), "metrics.json must repeat byte for byte");
    free(run_json);
    free(model);
    free(metrics);
    pipe_test_result_free(&r);
    free(out);
}

Test(dnn_run, same_seed_same_metrics)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    char *a = pipe_test_tmpdir(), *b = pipe_test_tmpdir();
    pipe_test_result ra = run("pipelines/dnn_regression.yaml", a, fast);
    pipe_test_result rb = run("pipelines/dnn_regression.yaml", b, fast);
    cr_assert(ra.status == 0 && rb.status == 0, "%s%s", ra.err, rb.err);
    char *ma = pipe_test_read_in(a, "metrics.json"), *mb = pipe_test_read_in(b, "metrics.json");
    cr_assert_str_eq(ma, mb);
    char *pa = pipe_test_read_in(a, "model.safetensors"),
         *pb = pipe_test_read_in(b, "model.safetensors");
    cr_assert(pa && pb);
    free(ma);
    free(mb);
    free(pa);
    free(pb);
    pipe_test_result_free(&ra);
    pipe_test_result_free(&rb);
    free(a);
    free(b);
}

Test(dnn_run, predict_reproduces_the_training_predictions)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    char *train_out = pipe_test_tmpdir(), *pred_out = pipe_test_tmpdir(), model[1024];
    /* The train run writes every row's prediction. */
    const char *const train_args[] = {"--set", "dnn.epochs=2", "--set", "val.part=all", NULL};
    pipe_test_result r = run("pipelines/dnn_regression.yaml", train_out, train_args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    pipe_test_result_free(&r);
    snprintf(model, sizeof model, "predict.model=%s/model.safetensors", train_out);
    const char *const pred_args[] = {"--set", model, NULL};
    r = run("pipelines/predict_mass.yaml", pred_out, pred_args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *trained = pipe_test_read_in(train_out, "predictions_val.csv");
    char *predicted = pipe_test_read_in(pred_out, "predictions.csv");
    cr_assert(trained && predicted);
    cr_assert_str_eq(trained, predicted, "predict mode gives other predictions than training");
    free(trained);
    free(predicted);
    pipe_test_result_free(&r);
    free(train_out);
    free(pred_out);
}

Test(dnn_run, physics_fast_variant)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    char *out = pipe_test_tmpdir();
    pipe_test_result r = run("pipelines/dnn_regression_physics.yaml", out, fast);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *metrics = pipe_test_read_in(out, "metrics.json");
    /* 15 inputs: 15·128+128 + 8256 + 2080 + 33 */
    cr_assert(strstr(metrics, "\"params\": 12417"), "%s", metrics);
    free(metrics);
    pipe_test_result_free(&r);
    free(out);
}

/* Run `file` with the extra arguments; expect `status` and `message` on
 * stderr. */
static void expect_run(const char *file, const char *const *extra, int status, const char *message)
{
    char *out = pipe_test_tmpdir();
    pipe_test_result r = run(file, out, extra);
    cr_assert_eq(r.status, status, "%s", r.err);
    cr_assert(strstr(r.err, message), "expected\n%s\nin\n%s", message, r.err);
    pipe_test_result_free(&r);
    free(out);
}

static void expect_failure(const char *const *sets, int status, const char *message)
{
    expect_run("pipelines/dnn_regression.yaml", sets, status, message);
}

/* Write `yaml` as a pipeline in a new folder, then as expect_run. */
static void expect_yaml(const char *yaml, int status, const char *message)
{
    char *dir = pipe_test_tmpdir();
    char *file = pipe_test_write_file(dir, "pipeline.yaml", yaml);
    expect_run(file, NULL, status, message);
    free(file);
    free(dir);
}

Test(dnn_run, parameters_that_would_be_ignored_are_errors)
{
    const char *const momentum[] = {"--set", "dnn.momentum=0.5", NULL};
    expect_failure(momentum, 2,
                   "--set dnn.momentum=0.5: stage 'dnn': parameter 'momentum': is only used with "
                   "optimizer: sgd (optimizer is adam)\n");
    const char *const bce[] = {"--set", "dnn.loss=bce", NULL};
    expect_failure(bce, 2,
                   "--set dnn.loss=bce: stage 'dnn': parameter 'loss': bce needs probabilities: "
                   "set output_activation: sigmoid (it is linear)\n");
    const char *const step[] = {"--set", "dnn.lr_step=5", NULL};
    expect_failure(step, 2,
                   "--set dnn.lr_step=5: stage 'dnn': parameter 'lr_step': is only used with "
                   "schedule: step (schedule is cosine)\n");
}

Test(dnn_run, scaler_of_another_method_is_refused)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    const char *const sets[] = {"--set", "scale.method=minmax", NULL};
    expect_failure(sets, 1,
                   "pipelines/dnn_regression.yaml:48:5: stage 'dnn': parameter 'scaler_method' "
                   "(default): is standard, but column 'E1' of x 'scaled' has mean ");
}

Test(dnn_run, diverging_loss_names_epoch_and_step)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    const char *const sets[] = {"--set", "dnn.optimizer=sgd", "--set", "dnn.lr=100", NULL};
    expect_failure(sets, 1,
                   "stage 'dnn': loss is NaN at epoch 1, step 3 of 35 (learning rate 100): "
                   "training diverged; lower the learning rate or check the inputs\n");
}

Test(dnn_run, nan_in_a_training_row_is_named)
{
    char *dir = pipe_test_tmpdir();
    free(pipe_test_write_file(dir, "rows.csv", "a,b,y\n1,2,3\n2,3,5\n3,,7\n4,5,9\n"));
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "pipeline: nan_rows\n"
             "stages:\n"
             "  - id: load\n"
             "    plugin: loader\n"
             "    params: {path: %s/rows.csv}\n"
             "  - id: features\n"
             "    plugin: features\n"
             "    params: {target: y}\n"
             "    outputs: {table: inputs, target: y}\n"
             "  - id: dnn\n"
             "    plugin: dnn\n"
             "    inputs: {x: inputs, y: y}\n"
             "    params: {layers: [4], epochs: 2, batch: 2}\n",
             dir);
    expect_yaml(yaml, 1,
                "stage 'dnn': x 'inputs' has a non-finite value (nan) in row 2, column 'b': drop "
                "or fill such rows first (cleaner)\n");
    free(dir);
}

Test(dnn_run, predict_refuses_training_inputs)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    const char *yaml = "pipeline: bad_predict\n"
                       "stages:\n"
                       "  - id: load\n"
                       "    plugin: loader\n"
                       "    params: {path: \"${PIPE_SHARED_DATA}/dielectron_sample.csv\"}\n"
                       "  - id: features\n"
                       "    plugin: features\n"
                       "    params: {target: M}\n"
                       "    outputs: {table: inputs, target: mass}\n"
                       "  - id: dnn\n"
                       "    plugin: dnn\n"
                       "    inputs: {x: inputs, y: mass}\n"
                       "    params: {mode: predict, model: nowhere.safetensors, epochs: 4}\n";
    expect_yaml(yaml, 2,
                "pipeline.yaml:13:65: stage 'dnn': parameter 'epochs': is only used with mode: "
                "train (mode is predict)\n");
}

Test(dnn_run, target_among_all_features_is_refused)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    const char *yaml = "pipeline: leak\n"
                       "stages:\n"
                       "  - id: load\n"
                       "    plugin: loader\n"
                       "    params: {path: \"${PIPE_SHARED_DATA}/dielectron_sample.csv\"}\n"
                       "    outputs: {table: events}\n"
                       "  - id: dnn\n"
                       "    plugin: dnn\n"
                       "    inputs: {x: events, y: events}\n"
                       "    params: {target: M, epochs: 1}\n";
    expect_yaml(yaml, 1,
                "stage 'dnn': parameter 'features' (default): is all, and x 'events' holds the "
                "target column 'M': the network would see the answer; list the features to use\n");
}

/* batchnorm and dropout, one value per hidden layer as in the classifier
 * stage: batchnorm after the first layer only adds its γ and β (128 · 2)
 * and its moving mean and variance, which are not trained, to the 12289
 * parameters of the 14-128-64-32-1 network: 12545. A list of another
 * length, and a word that is not a boolean, are errors at their item. */
Test(dnn_run, batchnorm_and_dropout_per_hidden_layer)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    char *out = pipe_test_tmpdir();
    const char *const sets[] = {"--set", "dnn.epochs=1",
                                "--set", "dnn.batchnorm=[true, no, false]",
                                "--set", "dnn.dropout=[0.1, 0, 0]",
                                NULL};
    pipe_test_result r = run("pipelines/dnn_regression.yaml", out, sets);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *metrics = pipe_test_read_in(out, "metrics.json");
    cr_assert(strstr(metrics, "\"params\": 12545"), "%s", metrics);
    free(metrics);
    pipe_test_result_free(&r);
    free(out);
    const char *const two[] = {"--set", "dnn.dropout=[0.1, 0.2]", NULL};
    expect_failure(
        two, 2,
        "--set dnn.dropout=[0.1, 0.2]: stage 'dnn': parameter 'dropout': has 2 values for 3 "
        "hidden layers: give one value for every layer, or one per layer\n");
    const char *const maybe[] = {"--set", "dnn.batchnorm=[true, maybe, true]", NULL};
    expect_failure(maybe, 2,
                   "stage 'dnn': parameter 'batchnorm': expected true or false, found "
                   "'maybe'\n");
}

/* head: binary: one sigmoid output trained with bce; another loss or an
 * output activation is an error, and so are targets other than 0 and 1
 * (the mass). */
Test(dnn_run, binary_head_rules)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    const char *const mse[] = {"--set", "dnn.head=binary", NULL};
    expect_failure(mse, 2,
                   "stage 'dnn': parameter 'loss': head: binary trains with bce (binary "
                   "cross-entropy), found mse\n");
    const char *const act[] = {"--set", "dnn.head=binary",
                               "--set", "dnn.loss=bce",
                               "--set", "dnn.output_activation=sigmoid",
                               NULL};
    expect_failure(
        act, 2,
        "--set dnn.output_activation=sigmoid: stage 'dnn': parameter 'output_activation': "
        "head: binary ends in a sigmoid; leave output_activation out\n");
    const char *const mass[] = {"--set", "dnn.head=binary", "--set", "dnn.loss=bce", NULL};
    expect_failure(mass, 1, "stage 'dnn': head: binary needs targets 0 or 1; y 'mass' is ");
}

Test(dnn_run, output_names_are_checked_by_validation)
{
    /* before anything runs: the model, the predictions and a plot may not
     * leave the output folder (issue 17) */
    const char *const sets[] = {
        "--set", "dnn.save=../../x.safetensors", "--set", "test.predictions_file=../x.csv",
        "--set", "plot_loss.file=/tmp/loss.png", NULL};
    expect_failure(sets, 2,
                   "--set dnn.save=../../x.safetensors: stage 'dnn': parameter 'save': output "
                   "path '../../x.safetensors' may not hold '..' or end in '.': it must stay "
                   "inside the run's output folder\n"
                   "--set test.predictions_file=../x.csv: stage 'test': parameter "
                   "'predictions_file': output path '../x.csv' may not hold '..' or end in '.': "
                   "it must stay inside the run's output folder\n"
                   "--set plot_loss.file=/tmp/loss.png: stage 'plot_loss': parameter 'file': "
                   "output path '/tmp/loss.png' is absolute; this stage writes only inside the "
                   "run's output folder: give a relative name\n");
}

Test(dnn_run, features_are_checked_against_the_columns_validation_knows)
{
    /* loader columns -> features (adds m_calc, pair_pt; takes M off as
     * the target) -> scaler (keeps the columns) -> dnn: a feature typo is
     * refused before anything runs, at its place in the list */
    static const char yaml[] =
        "pipeline: cols\n"
        "stages:\n"
        "  - id: load\n"
        "    plugin: loader\n"
        "    params: {path: x.csv, columns: [E1, px1, py1, pz1, E2, px2, py2, pz2, M]}\n"
        "  - id: features\n"
        "    plugin: features\n"
        "    inputs: {table: table}\n"
        "    params: {add: [m_calc, pair_pt], target: M}\n"
        "    outputs: {table: inputs, target: mass}\n"
        "  - id: split\n"
        "    plugin: split\n"
        "    inputs: {table: inputs}\n"
        "  - id: scale\n"
        "    plugin: scaler\n"
        "    inputs: {table: inputs, split: split}\n"
        "    outputs: {table: scaled}\n"
        "  - id: dnn\n"
        "    plugin: dnn\n"
        "    inputs: {x: scaled, y: mass, split: split}\n"
        "    params: {features: [E1, m_calc, M, pair_ptt]}\n";
    expect_yaml(yaml, 2,
                "/pipeline.yaml:21:37: stage 'dnn': parameter 'features': input 'x' (tensor "
                "'scaled' from stage 'scale') has no column 'M'\n");
    expect_yaml(yaml, 2,
                "/pipeline.yaml:21:40: stage 'dnn': parameter 'features': input 'x' (tensor "
                "'scaled' from stage 'scale') has no column 'pair_ptt' (did you mean "
                "'pair_pt'?)\n");
}
