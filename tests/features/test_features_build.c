/*
 * test_features_build.c — pipe_features_build on hand-built tables: kept
 * columns, computed features, the label window, the target split off, and
 * the errors; pipe_features_parse_label on hand-built values.
 */
#include "features_core.h"
#include "table/table.h"

#include <criterion/criterion.h>
#include <math.h>

static const char *const cols[] = {"E1", "px1", "py1", "pz1", "E2", "px2", "py2", "pz2", "M"};

/* Rows of back-to-back electrons along x: M = 2 E. */
static pipe_tensor *pairs(const double *energies, int n)
{
    pipe_tensor *t = pipe_table_new(n, 9, cols, NULL);
    double *d = t->data;
    for (int r = 0; r < n; r++) {
        double e = energies[r], row[9] = {e, e, 0, 0, e, -e, 0, 0, 2 * e};
        for (int c = 0; c < 9; c++)
            d[r * 9 + c] = row[c];
    }
    return t;
}

static double at(const pipe_tensor *t, int64_t r, int64_t c)
{
    return ((const double *)t->data)[r * t->shape[1] + c];
}

Test(features_build, keeps_chosen_columns_then_features_then_label)
{
    double energies[4] = {39.99, 40, 50, 50.01};
    pipe_tensor *in = pairs(energies, 4), *table, *target;
    const char *keep[] = {"E2", "E1"}, *add[] = {"m_calc", "pair_E"};
    pipe_features_label label = {"M", 80, 100, "is_z"};
    pipe_features_config cfg = {
        .columns = keep, .n_columns = 2, .add = add, .n_add = 2, .label = &label};
    char err[512] = "";
    cr_assert_eq(pipe_features_build(in, &cfg, &table, &target, err, sizeof err), 0, "%s", err);
    cr_assert_null(target);
    cr_assert_eq(table->shape[1], 5);
    const char *expected[] = {"E2", "E1", "m_calc", "pair_E", "is_z"};
    for (int c = 0; c < 5; c++)
        cr_assert_str_eq(table->columns[c], expected[c]);
    double is_z[4] = {0, 1, 1, 0};
    for (int r = 0; r < 4; r++) {
        cr_assert_float_eq(at(table, r, 2), 2 * energies[r], 1e-12);
        cr_assert_float_eq(at(table, r, 3), 2 * energies[r], 0);
        cr_assert_float_eq(at(table, r, 4), is_z[r], 0, "row %d: M %g", r, 2 * energies[r]);
    }
    pipe_tensor_release(table);
    pipe_tensor_release(in);
}

Test(features_build, all_columns_leave_out_the_label_source_and_nan_stays_nan)
{
    double energies[2] = {45, NAN};
    pipe_tensor *in = pairs(energies, 2), *table, *target;
    pipe_features_label label = {"M", 80, 100, "is_z"};
    pipe_features_config cfg = {.all_columns = 1, .label = &label};
    char err[512] = "";
    cr_assert_eq(pipe_features_build(in, &cfg, &table, &target, err, sizeof err), 0, "%s", err);
    cr_assert_eq(table->shape[1], 9, "8 columns without M, then is_z");
    cr_assert_eq(pipe_tensor_column(table, "M"), -1);
    cr_assert_str_eq(table->columns[8], "is_z");
    cr_assert_float_eq(at(table, 0, 8), 1.0, 0);
    cr_assert(isnan(at(table, 1, 8)));
    pipe_tensor_release(table);
    /* Listed explicitly, the source column stays. */
    const char *keep[] = {"M"};
    cfg = (pipe_features_config){.columns = keep, .n_columns = 1, .label = &label};
    cr_assert_eq(pipe_features_build(in, &cfg, &table, &target, err, sizeof err), 0, "%s", err);
    cr_assert_eq(table->shape[1], 2);
    cr_assert_str_eq(table->columns[0], "M");
    pipe_tensor_release(table);
    pipe_tensor_release(in);
}

Test(features_build, target_is_split_off)
{
    double energies[3] = {10, 20, 30};
    pipe_tensor *in = pairs(energies, 3), *table, *target;
    const char *add[] = {"m_calc"};
    pipe_features_config cfg = {.all_columns = 1, .add = add, .n_add = 1, .target = "M"};
    char err[512] = "";
    cr_assert_eq(pipe_features_build(in, &cfg, &table, &target, err, sizeof err), 0, "%s", err);
    cr_assert_eq(target->rank, 1);
    cr_assert_eq(target->shape[0], 3);
    for (int r = 0; r < 3; r++)
        cr_assert_float_eq(((double *)target->data)[r], 2 * energies[r], 0);
    cr_assert_eq(table->shape[1], 9, "8 input columns and m_calc, no M");
    cr_assert_eq(pipe_tensor_column(table, "M"), -1);
    pipe_tensor_release(table);
    pipe_tensor_release(target);
    /* A computed feature as target leaves the table; no columns kept. */
    cfg = (pipe_features_config){.add = add, .n_add = 1, .target = "m_calc"};
    cr_assert_eq(pipe_features_build(in, &cfg, &table, &target, err, sizeof err), 0, "%s", err);
    cr_assert_eq(table->shape[1], 0);
    cr_assert_eq(table->shape[0], 3);
    cr_assert_float_eq(((double *)target->data)[2], 60.0, 1e-12);
    pipe_tensor_release(table);
    pipe_tensor_release(target);
    /* Listed in columns, the target also stays in the table. */
    const char *keep[] = {"E1", "M"};
    cfg = (pipe_features_config){.columns = keep, .n_columns = 2, .target = "M"};
    cr_assert_eq(pipe_features_build(in, &cfg, &table, &target, err, sizeof err), 0, "%s", err);
    cr_assert_eq(table->shape[1], 2);
    cr_assert_str_eq(table->columns[1], "M");
    pipe_tensor_release(table);
    pipe_tensor_release(target);
    pipe_tensor_release(in);
}

Test(features_build, errors_name_the_feature_and_column)
{
    double energies[1] = {10};
    pipe_tensor *in = pairs(energies, 1), *table, *target;
    const char *add[] = {"delta_eta"};
    pipe_features_config cfg = {.all_columns = 1, .add = add, .n_add = 1};
    char err[512];
    cr_assert_eq(pipe_features_build(in, &cfg, &table, &target, err, sizeof err), -1);
    cr_assert_str_eq(err, "feature 'delta_eta' needs column 'eta1': no column 'eta1' in the "
                          "table; its columns are E1, px1, py1, pz1, E2, px2, py2, pz2, M");
    const char *twice[] = {"pair_E"};
    const char *keep[] = {"E1", "E1"};
    cfg = (pipe_features_config){.columns = keep, .n_columns = 2, .add = twice, .n_add = 1};
    cr_assert_eq(pipe_features_build(in, &cfg, &table, &target, err, sizeof err), -1);
    cr_assert_str_eq(err, "the output would have two columns called 'E1' (listed twice in "
                          "columns)");
    pipe_features_label label = {"M", 80, 100, "E1"};
    cfg = (pipe_features_config){.all_columns = 1, .label = &label};
    cr_assert_eq(pipe_features_build(in, &cfg, &table, &target, err, sizeof err), -1);
    cr_assert_str_eq(err, "the output would have two columns called 'E1' (the label's name is "
                          "already a column)");
    cfg = (pipe_features_config){.all_columns = 1, .target = "Mass"};
    cr_assert_eq(pipe_features_build(in, &cfg, &table, &target, err, sizeof err), -1);
    cr_assert_str_eq(err, "no column 'Mass' in the table; its columns are E1, px1, py1, pz1, "
                          "E2, px2, py2, pz2, M");
    cr_assert_null(table);
    cr_assert_null(target);
    pipe_tensor_release(in);
}

static pipe_value scalar(const char *text)
{
    return (pipe_value){.kind = PIPE_VALUE_SCALAR, .scalar = text};
}

Test(features_label, parses_and_points_at_errors)
{
    pipe_value window_items[2] = {scalar("80"), scalar("100")};
    pipe_value items[3] = {
        scalar("M"), {.kind = PIPE_VALUE_LIST, .count = 2, .items = window_items}, scalar("is_z")};
    const char *keys[3] = {"column", "window", "name"};
    pipe_value map = {.kind = PIPE_VALUE_MAP, .count = 3, .keys = keys, .items = items};
    pipe_features_label label;
    const pipe_value *bad = NULL;
    char err[256];
    cr_assert_eq(pipe_features_parse_label(&map, &label, &bad, err, sizeof err), 0);
    cr_assert_str_eq(label.column, "M");
    cr_assert(label.lo == 80 && label.hi == 100);
    cr_assert_str_eq(label.name, "is_z");
    map.count = 2; /* no name: "label" */
    cr_assert_eq(pipe_features_parse_label(&map, &label, &bad, err, sizeof err), 0);
    cr_assert_str_eq(label.name, "label");
    window_items[1] = scalar("1OO");
    cr_assert_eq(pipe_features_parse_label(&map, &label, &bad, err, sizeof err), -1);
    cr_assert_eq(bad, &window_items[1]);
    cr_assert_str_eq(err, "window: expected a number for max");
    keys[1] = "windwo";
    cr_assert_eq(pipe_features_parse_label(&map, &label, &bad, err, sizeof err), -1);
    cr_assert_eq(bad, &items[1]);
    cr_assert_str_eq(err, "unknown key 'windwo' (did you mean 'window'?); expected column, "
                          "window and name");
    pipe_value empty = {.kind = PIPE_VALUE_MAP};
    cr_assert_eq(pipe_features_parse_label(&empty, &label, &bad, err, sizeof err), 0);
    cr_assert_null(label.column);
}
