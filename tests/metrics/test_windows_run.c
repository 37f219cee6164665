/*
 * test_windows_run.c — the metrics stage's kind: windows through `pipe
 * run`: predicted classes counted inside closed mass windows on ten rows
 * worked out by hand (both edges inside, rows just outside in none), the
 * class names from `classes` or class_<k>, and the errors of the kind.
 */
#include "eval_run.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

/* y: the predicted class; alpha: the mass. The J/psi window [2.9, 3.3]
 * holds rows 0-2 (2.9 and 3.3 are inside, 2.89 and 3.31 are not): classes
 * 2, 2, 0. The Z window [80, 100] holds rows 4, 5, 8 (100 inside, 100.5
 * not): classes 0, 3, 2. Row 7 (50) is in neither. */
static const char ROWS[] = "y,alpha,beta\n"
                           "2,2.9,0\n2,3.1,0\n0,3.3,0\n2,3.31,0\n0,85,0\n"
                           "3,100,0\n0,100.5,0\n1,50,0\n2,90,0\n0,2.89,0\n";

static const char windows[] = "    plugin: metrics\n"
                              "    inputs: {pred: y, mass: alpha}\n"
                              "    params: {kind: windows, windows: [2.9, 3.3, 80, 100], "
                              "classes: [DY, Higgs, J/psi, W+jets]}\n";

Test(windows_run, classes_counted_inside_each_window)
{
    pipe_test_pipeline p = metrics_eval_run(
        ROWS, windows,
        "{\"eval.count\": 10,"
        " \"eval.windows.2p9-3p3.count\": 3,"
        " \"eval.windows.2p9-3p3.DY.count\": 1, \"eval.windows.2p9-3p3.Higgs.count\": 0,"
        " \"eval.windows.2p9-3p3.J/psi.count\": 2, \"eval.windows.2p9-3p3.W+jets.count\": 0,"
        " \"eval.windows.2p9-3p3.DY.fraction\": {\"value\": 0.3333333333333333, \"abs\": 1e-15},"
        " \"eval.windows.2p9-3p3.J/psi.fraction\": {\"value\": 0.6666666666666666, \"abs\": 1e-15},"
        " \"eval.windows.2p9-3p3.Higgs.fraction\": 0,"
        " \"eval.windows.80-100.count\": 3,"
        " \"eval.windows.80-100.DY.count\": 1, \"eval.windows.80-100.Higgs.count\": 0,"
        " \"eval.windows.80-100.J/psi.count\": 1, \"eval.windows.80-100.W+jets.count\": 1,"
        " \"eval.windows.80-100.W+jets.fraction\": {\"value\": 0.3333333333333333, \"abs\": "
        "1e-15}}");
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    pipe_test_pipeline_free(&p);
}

Test(windows_run, classes_named_from_the_largest_label_and_empty_windows)
{
    /* No classes: K = 3 + 1, named class_0 .. class_3. The window [10,
     * 20] is empty: its counts are 0 and it has no fractions. */
    pipe_test_pipeline p = metrics_eval_run(
        ROWS,
        "    plugin: metrics\n"
        "    inputs: {pred: y, mass: alpha}\n"
        "    params: {kind: windows, windows: [80, 100, 10, 20]}\n",
        "{\"eval.windows.80-100.class_3.count\": 1,"
        " \"eval.windows.80-100.class_1.fraction\": 0,"
        " \"eval.windows.10-20.count\": 0, \"eval.windows.10-20.class_0.count\": 0}");
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    char *metrics = pipe_test_pipeline_output(&p, "metrics.json");
    cr_assert(strstr(metrics, "\"10-20\": {\n"), "%s", metrics);
    cr_assert_null(strstr(metrics, "class_0\": {\n            \"count\": 0,\n            "
                                   "\"fraction\""),
                   "an empty window has no fractions: %s", metrics);
    free(metrics);
    pipe_test_pipeline_free(&p);
}

Test(windows_run, errors_name_the_parameter_and_the_input)
{
    metrics_eval_fails(ROWS,
                       "    plugin: metrics\n"
                       "    inputs: {pred: y, mass: alpha}\n"
                       "    params: {kind: windows, windows: [2.9, 3.3, 80]}\n",
                       2,
                       "p.yaml:34:38: stage 'eval': parameter 'windows': expected pairs [lo, hi, "
                       "lo, hi, ...], found 3 values");
    metrics_eval_fails(ROWS,
                       "    plugin: metrics\n"
                       "    inputs: {pred: y, mass: alpha}\n"
                       "    params: {kind: windows, windows: [3.3, 2.9]}\n",
                       2,
                       "p.yaml:34:38: stage 'eval': parameter 'windows': window 1 is [3.3, 2.9]: "
                       "expected finite lo < hi");
    metrics_eval_fails(ROWS,
                       "    plugin: metrics\n"
                       "    inputs: {pred: y, mass: alpha, true: y}\n"
                       "    params: {kind: windows, windows: [2.9, 3.3]}\n",
                       2,
                       "stage 'eval': input 'true' is not used with kind: windows (it counts the "
                       "predicted classes of every row of pred)");
    metrics_eval_fails(ROWS,
                       "    plugin: metrics\n"
                       "    inputs: {pred: y}\n"
                       "    params: {kind: windows, windows: [2.9, 3.3]}\n",
                       2,
                       "stage 'eval': kind: windows needs the mass input (the column the windows "
                       "are cut in)");
    metrics_eval_fails(ROWS,
                       "    plugin: metrics\n"
                       "    inputs: {pred: y, true: alpha}\n"
                       "    params: {windows: [2.9, 3.3]}\n",
                       2,
                       "p.yaml:34:23: stage 'eval': parameter 'windows': is only used with kind: "
                       "windows");
    metrics_eval_fails(ROWS,
                       "    plugin: metrics\n"
                       "    inputs: {pred: y}\n"
                       "    params: {kind: regression}\n",
                       2, "stage 'eval': input 'true' is needed (only kind: windows goes without)");
    metrics_eval_fails(ROWS,
                       "    plugin: metrics\n"
                       "    inputs: {pred: y, mass: alpha}\n"
                       "    params: {kind: windows, windows: [2.9, 3.3], classes: [a, b, c]}\n",
                       1, "stage 'eval': input pred ('y'): row 5 has class 3 (expected 0 to 2)");
}
