/*
 * test_features_run.c — the features stage through `pipe run` on the real
 * sample: all computed features, the Z label counted by a classification
 * metrics stage, and the errors found before running.
 */
#include "stage_run.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static const char *const pipeline_text =
    "pipeline: features_test\n"
    "stages:\n"
    "  - id: load\n"
    "    plugin: loader\n"
    "    params: {path: \"${PIPE_SHARED_DATA}/dielectron_sample.csv\"}\n"
    "  - id: all\n"
    "    plugin: features\n"
    "    params:\n"
    "      add: [m_calc, pair_pt, pair_eta, pair_phi, pair_E, pair_px, pair_py, pair_pz,\n"
    "            delta_eta, delta_phi, delta_R, pt_ratio, pt_sum, pt_diff, cos_theta]\n"
    "      label: {column: M, window: [80, 100], name: is_z}\n"
    "      target: is_z\n"
    "    outputs: {table: features, target: is_z}\n"
    "  - id: again\n"
    "    plugin: features\n"
    "    params:\n"
    "      columns: []\n"
    "      label: {column: M, window: [80, 100]}\n"
    "    outputs: {table: label_table}\n"
    "  - id: count\n"
    "    plugin: metrics\n"
    "    inputs: {pred: label_table, true: is_z}\n"
    "    params: {kind: classification}\n";

Test(features_run, all_features_and_the_z_label)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    /* 19 columns - M (the label's source) + 15 features; is_z is the
     * target. 101 rows have 80 <= M <= 100 (counted with awk). */
    pipe_test_result r = stage_run(pipeline_text,
                                   "{\"all.columns\": 33, \"again.columns\": 1,"
                                   " \"count.confusion.tp\": 101, \"count.confusion.tn\": 1187,"
                                   " \"count.accuracy\": 1, \"count.roc_auc\": 1}",
                                   NULL, NULL, 0);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "[all] 1288 rows x 33 columns, target is_z\n"), "%s", r.err);
    pipe_test_result_free(&r);
}

Test(features_run, unknown_feature_points_at_the_list_item)
{
    stage_run_fails("  - id: f\n"
                    "    plugin: features\n"
                    "    params:\n"
                    "      add: [m_calc, delta_phl]\n",
                    NULL, 2,
                    "/p.yaml:9:21: stage 'f': parameter 'add': unknown feature "
                    "'delta_phl' (did you mean 'delta_phi'?); known: m_calc,");
}

Test(features_run, target_needs_its_output_mapped)
{
    stage_run_fails("  - id: f\n"
                    "    plugin: features\n"
                    "    params: {target: M}\n",
                    NULL, 2,
                    "/p.yaml:8:22: stage 'f': parameter 'target': is 'M' but the target "
                    "output is not mapped: add outputs: {target: <tensor name>} to the stage");
}

Test(features_run, label_errors_point_inside_the_mapping)
{
    stage_run_fails("  - id: f\n"
                    "    plugin: features\n"
                    "    params:\n"
                    "      label: {column: M, window: [80, hundred]}\n",
                    NULL, 2,
                    "/p.yaml:9:39: stage 'f': parameter 'label': window: expected a number "
                    "for max");
}
