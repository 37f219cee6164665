/*
 * test_scaler_run.c — the scaler stage through `pipe run`: a scaling
 * fitted on the training rows, saved through the params output and
 * re-applied by a second scaler, gives the same table; and the errors.
 */
#include "stage_run.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static const char *const pipeline_text =
    "pipeline: scaler_test\n"
    "stages:\n"
    "  - id: load\n"
    "    plugin: loader\n"
    "    params: {path: \"${PIPE_SHARED_DATA}/dielectron_sample.csv\"}\n"
    "    outputs: {table: events}\n"
    "  - id: split\n"
    "    plugin: split\n"
    "    inputs: {table: events}\n"
    "  - id: fit\n"
    "    plugin: scaler\n"
    "    inputs: {table: events, split: split}\n"
    "    params: {columns: [E1, M], method: standard}\n"
    "    outputs: {table: fitted, params: scaling}\n"
    "  - id: reuse\n"
    "    plugin: scaler\n"
    "    inputs: {table: events, params: scaling}\n"
    "    params: {method: standard}\n"
    "    outputs: {table: reused}\n"
    "  - id: m_fitted\n"
    "    plugin: features\n"
    "    inputs: {table: fitted}\n"
    "    params: {columns: [], target: M}\n"
    "    outputs: {table: rest1, target: y1}\n"
    "  - id: m_reused\n"
    "    plugin: features\n"
    "    inputs: {table: reused}\n"
    "    params: {columns: [], target: M}\n"
    "    outputs: {table: rest2, target: y2}\n"
    "  - id: compare\n"
    "    plugin: metrics\n"
    "    inputs: {pred: y1, true: y2}\n"
    "    params: {part: all}\n";

Test(scaler_run, saved_scaling_reapplies_exactly)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    pipe_test_result r = stage_run(
        pipeline_text, "{\"compare.mae\": 0, \"compare.count\": 1288, \"fit.columns\": 2}", NULL,
        NULL, 0);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "[fit] fitted standard scaling of 2 columns on the training rows\n"),
              "%s", r.err);
    cr_assert(strstr(r.err, "[reuse] applying the saved scaling 'scaling' (2 columns)\n"), "%s",
              r.err);
    pipe_test_result_free(&r);
}

Test(scaler_run, fit_on_train_needs_a_split)
{
    stage_run_fails("  - id: scale\n"
                    "    plugin: scaler\n"
                    "    params: {columns: [E1, Mass]}\n",
                    NULL, 2,
                    "/p.yaml:6:5: stage 'scale': parameter 'fit_on' (default): train needs "
                    "the split input (map inputs: {split: ...}), or write fit_on: all");
}

Test(scaler_run, unknown_column)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    stage_run_fails("  - id: scale\n"
                    "    plugin: scaler\n"
                    "    params: {columns: [E1, Mass], fit_on: all}\n",
                    NULL, 1,
                    "/p.yaml:8:23: stage 'scale': parameter 'columns': no column 'Mass' in "
                    "the table");
}
