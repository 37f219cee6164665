/*
 * test_select_core.c — pipe_select_apply() on small tables: defines in
 * order (each using the ones before), the cut flow, the split cut with the
 * same rows, and which expression a failure belongs to.
 */
#include "select_core.h"
#include "table/table.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static const char *const cols[] = {"M", "Q1", "Q2"};
/* Six events: M, Q1, Q2. */
static const double values[6][3] = {{91, 1, -1}, {45, -1, 1},  {88, 1, 1},
                                    {70, -1, 1}, {130, 1, -1}, {61, -1, -1}};

static pipe_tensor *events(void)
{
    return pipe_table_new(6, 3, cols, &values[0][0]);
}

/* Parse `n` texts into exprs (asserting they parse). */
static void parse(const char *const *texts, size_t n, pipe_expr **exprs)
{
    for (size_t i = 0; i < n; i++) {
        pipe_expr_error err;
        exprs[i] = pipe_expr_parse(texts[i], &err);
        cr_assert(exprs[i], "%s: %s", texts[i], err.message);
    }
}

static void free_all(pipe_expr **exprs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pipe_expr_free(exprs[i]);
}

Test(select_core, defines_then_cuts_with_the_cut_flow_and_the_split)
{
    static const char *const def_names[] = {"qq", "dm", "dm2"};
    static const char *const def_texts[] = {"Q1 * Q2", "M - 91.1876", "dm * dm + qq"};
    static const char *const cut_texts[] = {"M > 60", "qq < 0", "abs(dm) < 25"};
    pipe_expr *defs[3], *cuts[3];
    parse(def_texts, 3, defs);
    parse(cut_texts, 3, cuts);
    pipe_select_spec spec = {3, def_names, defs, 3, cuts};
    pipe_tensor *t = events(), *split = pipe_tensor_new1(PIPE_U8, 6);
    uint8_t parts[6] = {0, 1, 2, 0, 1, 2};
    memcpy(split->data, parts, 6);
    pipe_select_result r;
    pipe_select_failure fail;
    cr_assert_eq(pipe_select_apply(t, split, &spec, &r, &fail), 0, "%s", fail.error.message);
    /* M > 60: rows 0 2 3 4 5 (5); qq < 0: 0 3 4 (3); |M - 91.19| < 25: 0 3. */
    cr_assert_eq(r.rows_in, 6);
    cr_assert_eq(r.after[0], 5);
    cr_assert_eq(r.after[1], 3);
    cr_assert_eq(r.after[2], 2);
    cr_assert_eq(r.table->shape[0], 2);
    cr_assert_eq(r.table->shape[1], 6);
    cr_assert_str_eq(r.table->columns[3], "qq");
    cr_assert_str_eq(r.table->columns[5], "dm2");
    const double *d = r.table->data;
    cr_assert_eq(d[0], 91);
    cr_assert_eq(d[3], -1);
    cr_assert_float_eq(d[4], 91 - 91.1876, 1e-12);
    cr_assert_float_eq(d[5], (91 - 91.1876) * (91 - 91.1876) - 1, 1e-12);
    cr_assert_eq(d[6], 70);
    cr_assert_float_eq(d[11], (70 - 91.1876) * (70 - 91.1876) - 1, 1e-12);
    /* The split keeps the same rows: parts of rows 0 and 3. */
    cr_assert_eq(r.split->shape[0], 2);
    cr_assert_eq(((uint8_t *)r.split->data)[0], 0);
    cr_assert_eq(((uint8_t *)r.split->data)[1], 0);
    pipe_select_result_free(&r);
    pipe_tensor_release(t);
    pipe_tensor_release(split);
    free_all(defs, 3);
    free_all(cuts, 3);
}

Test(select_core, no_cut_keeps_every_row_and_a_boolean_define_is_zero_or_one)
{
    static const char *const def_names[] = {"os"};
    static const char *const def_texts[] = {"Q1 * Q2 < 0"};
    pipe_expr *defs[1];
    parse(def_texts, 1, defs);
    pipe_select_spec spec = {1, def_names, defs, 0, NULL};
    pipe_tensor *t = events();
    pipe_select_result r;
    pipe_select_failure fail;
    cr_assert_eq(pipe_select_apply(t, NULL, &spec, &r, &fail), 0);
    cr_assert_eq(r.table->shape[0], 6);
    cr_assert_null(r.split);
    static const double os[6] = {1, 1, 0, 1, 1, 0};
    for (int i = 0; i < 6; i++)
        cr_assert_eq(((double *)r.table->data)[i * 4 + 3], os[i], "row %d", i);
    pipe_select_result_free(&r);
    pipe_tensor_release(t);
    free_all(defs, 1);
}

Test(select_core, a_cut_keeping_nothing_gives_an_empty_table)
{
    static const char *const cut_texts[] = {"M > 1000", "M > 0"};
    pipe_expr *cuts[2];
    parse(cut_texts, 2, cuts);
    pipe_select_spec spec = {0, NULL, NULL, 2, cuts};
    pipe_tensor *t = events();
    pipe_select_result r;
    pipe_select_failure fail;
    cr_assert_eq(pipe_select_apply(t, NULL, &spec, &r, &fail), 0);
    cr_assert_eq(r.after[0], 0);
    cr_assert_eq(r.after[1], 0);
    cr_assert_eq(r.table->shape[0], 0);
    cr_assert_eq(r.table->shape[1], 3);
    pipe_select_result_free(&r);
    pipe_tensor_release(t);
    free_all(cuts, 2);
}

/* Apply and expect failure `define`/`index` at `column` with `message`. */
static void apply_fails(const pipe_select_spec *spec, const pipe_tensor *split, int define,
                        size_t index, int column, const char *message)
{
    pipe_tensor *t = events();
    pipe_select_result r;
    pipe_select_failure fail;
    cr_assert_eq(pipe_select_apply(t, split, spec, &r, &fail), -1);
    cr_assert_eq(fail.define, define);
    cr_assert_eq(fail.index, index);
    cr_assert_eq(fail.error.column, column);
    cr_assert_str_eq(fail.error.message, message);
    cr_assert_null(r.table);
    pipe_tensor_release(t);
}

Test(select_core, failures_name_their_expression)
{
    static const char *const def_names[] = {"a", "b", "M"};
    static const char *const def_texts[] = {"M * 2", "a + Q11", "a"};
    static const char *const cut_texts[] = {"a > 0", "b > 0 || x1 > 2"};
    pipe_expr *defs[3], *cuts[2];
    parse(def_texts, 3, defs);
    parse(cut_texts, 2, cuts);
    /* A define may only use the columns and defines before it. */
    pipe_select_spec later = {1, def_names, defs, 0, NULL};
    static const char *const use_later[] = {"b"};
    pipe_expr *early[1];
    parse((const char *const[]){"b * 2"}, 1, early);
    later.define_names = use_later, later.defines = early;
    apply_fails(&later, NULL, 1, 0, 1, "unknown column 'b'");
    pipe_select_spec two = {2, def_names, defs, 0, NULL};
    apply_fails(&two, NULL, 1, 1, 5, "unknown column 'Q11' (did you mean 'Q1'?)");
    pipe_select_spec clash = {3, def_names, defs, 0, NULL};
    apply_fails(&clash, NULL, 1, 2, 0, "'M' is already a column of the table");
    pipe_select_spec cut = {1, def_names, defs, 2, cuts};
    /* b is not defined (one define only), so cut 2 names two unknowns:
     * the first is reported. */
    apply_fails(&cut, NULL, 0, 1, 1, "unknown column 'b'");
    pipe_tensor *short_split = pipe_tensor_new1(PIPE_U8, 5);
    apply_fails(&cut, short_split, 0, 0, 0,
                "the split must be u8 with one entry per row: 6 rows, found u8 of 5 entries");
    pipe_tensor_release(short_split);
    free_all(defs, 3);
    free_all(cuts, 2);
    free_all(early, 1);
}
