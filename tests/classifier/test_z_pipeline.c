/*
 * test_z_pipeline.c — the canonical Z classifier end to end through `pipe
 * run`, in the fast variant CI replays (pipelines/expect/z_classifier.args):
 * trained on simulated events and checked against its expectation file,
 * its models' features free of M and m_calc, the network ahead of logistic
 * regression, the cut and the majority class, its files written; then
 * pipelines/z_classifier_real.yaml applies the saved models to the real
 * CMS sample and is checked against its own expectation file.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_ARGS = 64 };

/* Append the arguments of an .args file (one per line; # comments and
 * blank lines skipped) to args[*n]; the strings stay in *text. */
static void read_args(const char *path, char **text, const char **args, int *n)
{
    *text = pipe_test_read_file(path, NULL);
    cr_assert_not_null(*text, "cannot read %s", path);
    for (char *line = strtok(*text, "\n"); line && *n < MAX_ARGS - 1; line = strtok(NULL, "\n")) {
        while (*line == ' ')
            line++;
        if (*line && *line != '#')
            args[(*n)++] = line;
    }
}

/* The number after the keys found one after the other in a JSON text:
 * objects "test": {, "network": {, "tuned": {, then "accuracy":. */
static double json_number(const char *json, const char *const *keys, size_t n_keys)
{
    const char *at = json;
    for (size_t i = 0; i < n_keys && at; i++) {
        char quoted[128];
        snprintf(quoted, sizeof quoted, "\"%s\":%s", keys[i], i + 1 < n_keys ? " {" : "");
        at = strstr(at, quoted);
        at = at ? at + strlen(quoted) : NULL;
    }
    cr_assert_not_null(at, "no %s... in %s", keys[0], json);
    return strtod(at, NULL);
}

static double tuned_accuracy(const char *json, const char *part, const char *model)
{
    const char *keys[] = {part, model, "tuned", "accuracy"};
    return json_number(json, keys, 4);
}

static double roc_auc(const char *json, const char *part, const char *model)
{
    const char *keys[] = {part, model, "roc_auc"};
    return json_number(json, keys, 3);
}

/* Every "features" string of metrics.json lists names other than M and
 * m_calc. Returns how many were checked. */
static int check_features(const char *json)
{
    int checked = 0;
    for (const char *at = strstr(json, "\"features\": \""); at;
         at = strstr(at + 1, "\"features\": \"")) {
        const char *start = at + strlen("\"features\": \""), *end = strchr(start, '"');
        char names[2048];
        snprintf(names, sizeof names, "%.*s", (int)(end - start), start);
        for (char *name = strtok(names, ","); name; name = strtok(NULL, ","))
            cr_assert(strcmp(name, "M") && strcmp(name, "m_calc"), "a model reads %s", name);
        checked++;
    }
    return checked;
}

/* Run the training pipeline (fast variant) into <dir>/train. */
static pipe_test_result run_training(const char *train_out)
{
    const char *args[MAX_ARGS] = {
        "run",      "pipelines/z_classifier.yaml",       "--quiet", "--out", train_out,
        "--expect", "pipelines/expect/z_classifier.json"};
    int n = 7;
    char *text;
    read_args("pipelines/expect/z_classifier.args", &text, args, &n);
    args[n] = NULL;
    pipe_test_result r = pipe_test_run(args);
    free(text);
    return r;
}

static void check_training(const char *out)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/metrics.json", out);
    char *json = pipe_test_read_file(path, NULL);
    cr_assert_not_null(json);
    cr_assert_eq(check_features(json), 4, "one features list per model");
    double network = tuned_accuracy(json, "test", "network");
    cr_assert(network >= 0.98, "network accuracy %g", network);
    cr_assert(network > tuned_accuracy(json, "test", "logistic") + 0.005);
    cr_assert(network > tuned_accuracy(json, "test", "majority") + 0.03);
    cr_assert(roc_auc(json, "test", "network") > roc_auc(json, "test", "logistic"));
    free(json);
    static const char *const files[] = {"network.safetensors",
                                        "logistic.safetensors",
                                        "cut.safetensors",
                                        "majority.safetensors",
                                        "roc.png",
                                        "confusion.png",
                                        "score_vs_mass.png",
                                        "score_hist.png",
                                        "loss_curve.png",
                                        "comparison.png"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/%s", out, files[i]);
        cr_assert_eq(access(path, R_OK), 0, "no %s", path);
    }
    snprintf(path, sizeof path, "%s/roc_curves.csv", out);
    char *roc = pipe_test_read_file(path, NULL);
    cr_assert_not_null(roc);
    cr_assert_eq(strncmp(roc, "model,threshold,fpr,tpr\n0,inf,0,0\n", 34), 0, "%.80s", roc);
    free(roc);
}

/* Apply the saved models to the real sample. */
static void check_real(const char *train_out, const char *real_out)
{
    static const char *const models[] = {"network", "logistic", "cut", "majority"};
    char sets[4][4300];
    const char *args[MAX_ARGS] = {"run",      "pipelines/z_classifier_real.yaml",
                                  "--out",    real_out,
                                  "--expect", "pipelines/expect/z_classifier_real.json"};
    int n = 6;
    for (int i = 0; i < 4; i++) {
        snprintf(sets[i], sizeof sets[i], "%s.model=%s/%s.safetensors", models[i], train_out,
                 models[i]);
        args[n++] = "--set";
        args[n++] = sets[i];
    }
    args[n] = NULL;
    pipe_test_result r = pipe_test_run(args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "[real] 1288 rows, 101 of class 1;"), "%s", r.err);
    char path[4200];
    snprintf(path, sizeof path, "%s/metrics.json", real_out);
    char *json = pipe_test_read_file(path, NULL);
    double network = tuned_accuracy(json, "real", "network");
    cr_assert(network > tuned_accuracy(json, "real", "logistic") + 0.005);
    cr_assert(network > tuned_accuracy(json, "real", "majority") + 0.03);
    free(json);
    pipe_test_result_free(&r);
}

Test(z_pipeline, fast_variant_on_simulated_then_real_events, .timeout = 600)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    const char *data = getenv("PIPE_DATA") ? getenv("PIPE_DATA") : "data/dielectron.csv";
    if (access(data, R_OK) == 0)
        cr_skip_test("%s is present: the pipeline trains on it, not on the simulation", data);
    char *dir = pipe_test_tmpdir(), train_out[2048], real_out[2048];
    snprintf(train_out, sizeof train_out, "%s/train", dir);
    snprintf(real_out, sizeof real_out, "%s/real", dir);
    pipe_test_result r = run_training(train_out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    pipe_test_result_free(&r);
    check_training(train_out);
    check_real(train_out, real_out);
    free(dir);
}
