/*
 * test_stage_errors.c — what the plotter stage says when a pipeline is
 * wrong: a port the kind needs is not mapped, a mapped port is not used,
 * `part` without a split, a file name that is not a PNG, too many names,
 * a missing column (all before running, exit 2, with file:line:column);
 * NaN values, mismatched lengths, empty tensors and labels that are not
 * 0/1 (at run time, exit 1, naming the port and tensor). No image is left
 * behind by a failed stage.
 */
#include "stage_util.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Run a pipeline of the fixture (with `fix_params`) and one plotter stage
 * `p` whose params and inputs are given (flow style, on lines 10 and 11
 * of the file). */
static pipe_test_result run_plot(const char *fix_params, const char *params, const char *inputs,
                                 char *out, size_t size)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "pipeline: bad\nseed: 1\nstages:\n%s"
             "  - id: p\n"
             "    plugin: plotter\n"
             "    params: %s\n"
             "    inputs: %s\n",
             stage_fixture(fix_params), params, inputs);
    return stage_run_yaml(yaml, out, size);
}

/* stderr must be exactly `want` (one line). */
static void assert_error(const pipe_test_result *r, int status, const char *want)
{
    cr_assert_eq(r->status, status, "exit %d, stderr: %s", r->status, r->err);
    char line[2048];
    snprintf(line, sizeof line, "%s\n", want);
    cr_assert(strstr(r->err, line) != NULL, "expected\n%s\ngot\n%s", want, r->err);
}

static void assert_validation(const pipe_test_result *r, int line, int col, const char *msg)
{
    char want[2048];
    snprintf(want, sizeof want, "%s:%d:%d: stage 'p': %s", stage_last_pipeline(), line, col, msg);
    assert_error(r, 2, want);
}

/* A pipeline error found before running: the plotter params and inputs,
 * and where (line 10, column) and what the message says. */
typedef struct validation_case {
    const char *params, *inputs;
    int column;
    const char *message;
} validation_case;

static const validation_case validation_cases[] = {
    {"{kind: roc}", "{score: score}", 20,
     "parameter 'kind': is 'roc', which needs the input 'label', but it is not mapped (add "
     "inputs: {label: <tensor>})"},
    {"{kind: pred_vs_true}", "{pred: pred, true: true, score: score}", 20,
     "parameter 'kind': is 'pred_vs_true', which does not use the input 'score' (mapped to "
     "tensor 'score'); remove the mapping or choose another kind"},
    {"{kind: pred_vs_true, part: test}", "{pred: pred, true: true}", 40,
     "parameter 'part': is 'test' but the input 'split' is not mapped (add inputs: {split: "
     "<tensor>}, or write part: all)"},
    {"{kind: pred_vs_true, file: plot.pdf}", "{pred: pred, true: true}", 40,
     "parameter 'file': expected a name ending in .png, found \"plot.pdf\""},
    {"{kind: roc, names: [a, b]}", "{score: score, label: label}", 32,
     "parameter 'names': gives 2 names for 1 mapped score input (score, score2, ...)"},
    {"{kind: correlation, columns: [M]}", "{table: table}", 42,
     "parameter 'columns': names 1 column; a correlation matrix needs at least 2 (or [] for "
     "all)"},
    {"{kind: score_vs_mass, window: [100, 80]}", "{score: score, table: table}", 43,
     "parameter 'window': expected [low, high] with low < high, or []"},
    {"{kind: roc, window: [80, 100]}", "{score: score, label: label}", 33,
     "parameter 'window': is only used by kind 'score_vs_mass' (kind is 'roc')"},
    {"{kind: score_hist, threshold: 0.5}", "{score: score, label: label, threshold: threshold}", 43,
     "parameter 'threshold': is given, but the input 'threshold' (tensor 'threshold') gives the "
     "threshold too; keep one of them"},
};

Test(stage_errors, pipeline_errors_found_before_running)
{
    for (size_t i = 0; i < sizeof validation_cases / sizeof validation_cases[0]; i++) {
        const validation_case *c = &validation_cases[i];
        pipe_test_result r = run_plot("{}", c->params, c->inputs, NULL, 0);
        assert_validation(&r, 10, c->column, c->message);
        pipe_test_result_free(&r);
    }
}

Test(stage_errors, a_missing_column)
{
    pipe_test_result r =
        run_plot("{}", "{kind: mass_spectrum, column: Mass}", "{table: table}", NULL, 0);
    cr_assert_eq(r.status, 1, "%s", r.err);
    char want[2048];
    snprintf(want, sizeof want,
             "%s:10:43: stage 'p': parameter 'column': table input 'table' (tensor 'table') has "
             "no column 'Mass'; its columns are: M, pt1, E1",
             stage_last_pipeline());
    assert_error(&r, 1, want);
    pipe_test_result_free(&r);
}

/* The stage failed without leaving an image. */
static void assert_no_png(const char *out, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", out, name);
    cr_assert_neq(access(path, F_OK), 0, "%s must not exist", path);
}

/* Bad data found at run time: the fixture's params, the plotter's params
 * and inputs, the message, and the file that must not be written. */
typedef struct run_case {
    const char *fixture, *params, *inputs, *message, *file;
} run_case;

static const run_case run_cases[] = {
    {"{nan_row: 17}", "{kind: pred_vs_true}", "{pred: pred, true: true}",
     "stage 'p': input 'pred' (tensor 'pred') holds 1 NaN or infinite value, the first at row "
     "17 (counting from 0); clean them before plotting",
     "pred_vs_true.png"},
    {"{short_true: true}", "{kind: error_hist}", "{pred: pred, true: true}",
     "stage 'p': input 'true' (tensor 'true') has 999 rows but input 'pred' (tensor 'pred') has "
     "1000; they must have one row per event",
     "error_hist.png"},
    {"{rows: 0}", "{kind: error_vs_true}", "{pred: pred, true: true}",
     "stage 'p': input 'pred' (tensor 'pred') is empty: there is nothing to plot",
     "error_vs_true.png"},
    {"{}", "{kind: confusion}", "{score: score, label: true}",
     "stage 'p': kind 'confusion': labels must be 0 or 1, but label 1 (of 1000) is 2",
     "confusion.png"},
    {"{}", "{kind: score_hist}", "{score: score, label: label, threshold: pred}",
     "stage 'p': input 'threshold' (tensor 'pred') must hold one value, found 1000",
     "score_hist.png"},
    /* the best epoch the model stage `fix` recorded reaches the drawing */
    {"{best_epoch: 25}", "{kind: loss_curve, model: fix}", "{history: history}",
     "stage 'p': kind 'loss_curve': the best epoch 25 is not in the history (epochs 1 to 20)",
     "loss_curve.png"},
};

Test(stage_errors, bad_data_stops_the_stage)
{
    for (size_t i = 0; i < sizeof run_cases / sizeof run_cases[0]; i++) {
        const run_case *c = &run_cases[i];
        char out[4096];
        pipe_test_result r = run_plot(c->fixture, c->params, c->inputs, out, sizeof out);
        assert_error(&r, 1, c->message);
        assert_no_png(out, c->file);
        pipe_test_result_free(&r);
    }
}
