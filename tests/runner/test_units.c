/*
 * test_units.c — unit tests of the runner's modules: tensors and the
 * store, the RNG, "did you mean", YAML locations, nested metrics JSON,
 * atomic files.
 */
#include "core.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

Test(tensor, shapes_columns_and_access)
{
    int64_t shape[4] = {2, 3, 4, 5};
    pipe_tensor *t = pipe_tensor_new(PIPE_I64, 4, shape);
    cr_assert_eq(pipe_tensor_count(t), 120);
    cr_assert_eq(pipe_tensor_rows(t), 2);
    pipe_tensor_set(t, 119, -7);
    cr_assert_eq(((int64_t *)t->data)[119], -7);
    cr_assert_eq(pipe_tensor_get(t, 0), 0.0);
    pipe_tensor_release(t);
    pipe_tensor *tab = pipe_tensor_new2(PIPE_F32, 2, 2);
    const char *names[] = {"px1", "M"};
    cr_assert_eq(pipe_tensor_set_columns(tab, names, 2), 0);
    cr_assert_eq(pipe_tensor_set_columns(tab, names, 3), -1);
    cr_assert_eq(pipe_tensor_column(tab, "M"), 1);
    cr_assert_eq(pipe_tensor_column(tab, "px1 "), -1);
    cr_assert_null(pipe_tensor_new(PIPE_F64, 5, shape), "rank above 4 is refused");
    cr_assert_null(pipe_tensor_new(PIPE_F64, 0, shape));
    pipe_tensor_release(tab);
}

Test(tensor, dtype_names)
{
    char buf[64];
    cr_assert_str_eq(pipe_dtype_mask_name(PIPE_DT_FLOAT, buf, sizeof buf), "f32 or f64");
    cr_assert_str_eq(pipe_dtype_mask_name(PIPE_DT_ANY, buf, sizeof buf),
                     "f32, f64, i32, i64 or u8");
    cr_assert_eq(pipe_dtype_size(PIPE_U8), 1);
}

Test(store, references_are_owned_and_replaced)
{
    pipe_store s;
    pipe_store_init(&s);
    pipe_tensor *a = pipe_tensor_new1(PIPE_F64, 3);
    pipe_tensor_retain(a); /* the test keeps one reference */
    pipe_store_put(&s, "x", a, "gen");
    cr_assert_eq(pipe_store_get(&s, "x"), a);
    cr_assert_eq(a->refcount, 2);
    cr_assert_str_eq(pipe_store_producer(&s, "x"), "gen");
    pipe_store_put(&s, "x", pipe_tensor_new1(PIPE_F64, 1), "other"); /* replaces, releases a */
    cr_assert_str_eq(pipe_store_producer(&s, "x"), "other");
    cr_assert_eq(a->refcount, 1);
    cr_assert_null(pipe_store_get(&s, "y"));
    pipe_store_free(&s);
    cr_assert_eq(a->refcount, 1);
    pipe_tensor_release(a);
}

Test(rng, repeatable_and_uniform)
{
    pipe_rng a, b;
    pipe_rng_seed(&a, 42);
    pipe_rng_seed(&b, 42);
    for (int i = 0; i < 100; i++)
        cr_assert_eq(pipe_rng_u64(&a), pipe_rng_u64(&b));
    double sum = 0, sq = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        double z = pipe_rng_normal(&a);
        sum += z;
        sq += z * z;
    }
    /* Mean 0 and variance 1 within 5 standard errors. */
    cr_assert(fabs(sum / n) < 5 / sqrt(n));
    cr_assert(fabs(sq / n - 1) < 5 * sqrt(2.0 / n));
    int64_t idx[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    pipe_rng_shuffle(&a, idx, 10);
    int seen[10] = {0};
    for (int i = 0; i < 10; i++)
        seen[idx[i]]++;
    for (int i = 0; i < 10; i++)
        cr_assert_eq(seen[i], 1, "a shuffle is a permutation");
    for (int i = 0; i < 1000; i++)
        cr_assert(pipe_rng_below(&a, 7) < 7);
}

Test(suggest, close_names_only)
{
    const char *names[] = {"method", "columns", "fit_on"};
    cr_assert_str_eq(pipe_suggest("methd", names, 3), "method");
    cr_assert_str_eq(pipe_suggest("colums", names, 3), "columns");
    cr_assert_null(pipe_suggest("zzzzzz", names, 3));
    const char *letters[] = {"a", "b", "xy"};
    cr_assert_null(pipe_suggest("c", letters, 3), "one letter never suggests another");
    cr_assert_str_eq(pipe_suggest("x", letters, 3), "xy");
    cr_assert_str_eq(pipe_suggest("B", letters, 3), "b");
}

Test(yaml, values_keep_locations)
{
    pipe_doc *doc = pipe_yaml_load_string("a: 1\nb:\n  - x\n  - {c: [1, 2]}\n", "t");
    cr_assert(doc);
    const pipe_value *b = pipe_value_get(doc->root, "b");
    cr_assert_eq(b->kind, PIPE_VALUE_LIST);
    cr_assert_eq(b->items[1].line, 4);
    cr_assert_eq(b->items[1].column, 5);
    const pipe_value *c = pipe_value_get(&b->items[1], "c");
    cr_assert_eq(c->count, 2);
    cr_assert_str_eq(c->items[1].scalar, "2");
    cr_assert_eq(doc->root->key_lines[1], 2);
    pipe_doc_free(doc);
}

Test(metrics, nested_json_in_first_seen_order)
{
    pipe_metrics m = {0};
    pipe_metrics_set(&m, "eval", "mae", 0.5, NULL);
    pipe_metrics_set(&m, "eval", "bins.2-5.mae", 0.25, NULL);
    pipe_metrics_set(&m, "eval", "bins.2-5.n", 4, NULL);
    pipe_metrics_set(&m, "eval", "bins.80-100.mae", 1.0 / 3.0, NULL);
    pipe_metrics_set(&m, "clean", "reason", 0, "nan");
    pipe_metrics_set(&m, "eval", "mae", 0.75, NULL); /* replaces */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    pipe_metrics_write_json(f, &m, 0);
    fclose(f);
    cr_assert_str_eq(buf, "{\n"
                          "  \"eval\": {\n"
                          "    \"mae\": 0.75,\n"
                          "    \"bins\": {\n"
                          "      \"2-5\": {\n"
                          "        \"mae\": 0.25,\n"
                          "        \"n\": 4\n"
                          "      },\n"
                          "      \"80-100\": {\n"
                          "        \"mae\": 0.3333333333333333\n"
                          "      }\n"
                          "    }\n"
                          "  },\n"
                          "  \"clean\": {\n"
                          "    \"reason\": \"nan\"\n"
                          "  }\n"
                          "}");
    cr_assert_eq(pipe_metrics_find(&m, "eval.bins.2-5.n")->value, 4);
    cr_assert_null(pipe_metrics_find(&m, "eval.bins"));
    free(buf);
    pipe_metrics_free(&m);
}

Test(outfile, commit_renames_abort_removes)
{
    char *dir = pipe_test_tmpdir();
    char path[4096], err[256];
    snprintf(path, sizeof path, "%s/a/b/result.csv", dir);
    pipe_file *f = pipe_outfile_open(dir, "a/b/result.csv", 0, err, sizeof err);
    cr_assert_not_null(f, "%s", err);
    fputs("x\n", pipe_file_stream(f));
    struct stat st;
    cr_assert(stat(path, &st) != 0, "nothing under the final name before commit");
    cr_assert_eq(pipe_outfile_commit(f, err, sizeof err), 0);
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_size, 2);
    pipe_file *g = pipe_outfile_open(dir, "a/b/result.csv", 0, err, sizeof err);
    fputs("partial", pipe_file_stream(g));
    pipe_file_abort(g);
    char *kept = pipe_test_read_file(path, NULL);
    cr_assert_str_eq(kept, "x\n", "an aborted write leaves the old file intact");
    free(kept);
    free(dir);
}

Test(json, numbers_round_trip)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    pipe_json_number(f, 0.1);
    fputc(' ', f);
    pipe_json_number(f, NAN);
    fputc(' ', f);
    pipe_json_number(f, 1e300);
    fputc(' ', f);
    pipe_json_string(f, "a\"b\n");
    fclose(f);
    cr_assert_str_eq(buf, "0.1 null 1e+300 \"a\\\"b\\n\"");
    free(buf);
}
