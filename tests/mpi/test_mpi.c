/*
 * test_mpi.c — the canonical pipelines under mpirun with N = 1, 2, 3
 * ranks against the same pipeline run as one plain process:
 *  - every metric of a data stage (loading, cleaning, features, split,
 *    scaling, the baselines, the metrics of the analytic mass) is the
 *    same text bit for bit, and N = 1 repeats everything bit for bit;
 *  - the metrics of a trained model agree within the tolerance stated per
 *    study (the gradient of each global batch is summed over the ranks in
 *    another order; dropout masks and batch-norm statistics are drawn per
 *    rank's block of the batch);
 *  - two runs at the same N write byte-identical metrics.json;
 *  - run.json records the number of ranks.
 * The studies run at test size (fewer events and epochs than the CI fast
 * variants of pipelines/expect) to keep the whole file under a minute.
 */
#include "core.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* metrics.json flattened to "stage.key" → the number's text. */
typedef struct flat {
    size_t n;
    char *keys[1024], *vals[1024];
} flat;

static void flatten(const pipe_value *v, const char *prefix, flat *f)
{
    if (v->kind != PIPE_VALUE_MAP) {
        cr_assert(f->n < 1024, "too many metrics");
        f->keys[f->n] = strdup(prefix);
        f->vals[f->n++] = strdup(v->kind == PIPE_VALUE_SCALAR ? v->scalar : "(list)");
        return;
    }
    for (size_t i = 0; i < v->count; i++) {
        char key[512];
        snprintf(key, sizeof key, "%s%s%s", prefix, prefix[0] ? "." : "", v->keys[i]);
        flatten(&v->items[i], key, f);
    }
}

static flat *metrics_of(const char *out)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/metrics.json", out);
    pipe_doc *doc = pipe_yaml_load_file(path);
    cr_assert(doc, "cannot read %s", path);
    flat *f = calloc(1, sizeof *f);
    flatten(doc->root, "", f);
    pipe_doc_free(doc);
    return f;
}

static void flat_free(flat *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->keys[i]);
        free(f->vals[i]);
    }
    free(f);
}

static const char *flat_get(const flat *f, const char *key)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->keys[i], key) == 0)
            return f->vals[i];
    return NULL;
}

/* A trained-model metric compared within `abs`; abs < 0: within three
 * standard errors of the difference of two networks' figures on the same
 * rows (statistical(), below). */
typedef struct tolerance {
    const char *key;
    double abs;
} tolerance;

static double number_of(const flat *f, const char *key)
{
    const char *v = flat_get(f, key);
    cr_assert(v, "no metric %s", key);
    return strtod(v, NULL);
}

/* Three standard errors of the difference of two independent estimates
 * of the figure `key` (value v in one process) of the Z network: an AUC
 * with the test rows' positives and negatives (Hanley & McNeil 1982), an
 * accuracy binomially over the test (or validation) rows. */
static double statistical(const flat *one, const char *key, double v)
{
    double pos =
        number_of(one, "test.network.confusion.tp") + number_of(one, "test.network.confusion.fn");
    double neg =
        number_of(one, "test.network.confusion.tn") + number_of(one, "test.network.confusion.fp");
    double var;
    if (strstr(key, "roc_auc")) {
        double q1 = v / (2 - v), q2 = 2 * v * v / (1 + v);
        var = (v * (1 - v) + (pos - 1) * (q1 - v * v) + (neg - 1) * (q2 - v * v)) / (pos * neg);
    } else {
        double n = strstr(key, "val") ? number_of(one, "network.rows_val") : pos + neg;
        var = v * (1 - v) / n;
    }
    return 3 * sqrt(2 * var);
}

typedef struct study {
    const char *name;         /* pipelines/<name>.yaml */
    const char *const *args;  /* the test-size variant, NULL-terminated */
    const char *const *model; /* prefixes of the trained-model metrics */
    double rel;               /* > 0: every model metric within this relative error */
    const tolerance *tols;    /* else these, each within its abs (the others: present) */
} study;

static int is_model(const study *s, const char *key)
{
    for (size_t i = 0; s->model && s->model[i]; i++)
        if (strncmp(key, s->model[i], strlen(s->model[i])) == 0)
            return 1;
    return 0;
}

/* Run the study plain (ranks 0) or under mpirun; returns the out folder. */
static char *run_at(const study *s, int ranks, const char *tag)
{
    char *dir = pipe_test_tmpdir();
    char *out = malloc(strlen(dir) + 64), yaml[256];
    sprintf(out, "%s/%s-%s", dir, s->name, tag);
    snprintf(yaml, sizeof yaml, "pipelines/%s.yaml", s->name);
    const char *args[32] = {"run", yaml, "--quiet", "--out", out};
    size_t n = 5;
    for (size_t i = 0; s->args && s->args[i]; i++)
        args[n++] = s->args[i];
    args[n] = NULL;
    pipe_test_result r = ranks ? pipe_test_run_mpi(ranks, args) : pipe_test_run(args);
    cr_assert_eq(r.status, 0, "%s at %d ranks failed:\n%s", s->name, ranks, r.err);
    pipe_test_result_free(&r);
    free(dir);
    return out;
}

static void compare(const study *s, const flat *one, const flat *many, int ranks)
{
    cr_assert_eq(many->n, one->n, "%s: %zu metrics at %d ranks, %zu in one process", s->name,
                 many->n, ranks, one->n);
    for (size_t i = 0; i < one->n; i++) {
        const char *key = one->keys[i], *a = one->vals[i], *b = flat_get(many, key);
        cr_assert(b, "%s: metric %s missing at %d ranks", s->name, key, ranks);
        if (ranks == 1 || !is_model(s, key)) {
            cr_assert_str_eq(b, a, "%s: %s is %s at %d ranks, %s in one process", s->name, key, b,
                             ranks, a);
            continue;
        }
        double x = strtod(a, NULL), y = strtod(b, NULL), tol = -1;
        if (s->rel > 0)
            tol = s->rel * fabs(x);
        for (size_t t = 0; s->tols && s->tols[t].key; t++)
            if (strcmp(s->tols[t].key, key) == 0)
                tol = s->tols[t].abs >= 0 ? s->tols[t].abs : statistical(one, key, x);
        if (tol >= 0)
            cr_assert(fabs(x - y) <= tol,
                      "%s: %s is %s at %d ranks, %s in one process (tolerance %g)", s->name, key, b,
                      ranks, a, tol);
    }
}

static void check_ranks_recorded(const char *out, int ranks)
{
    char *run = pipe_test_read_in(out, "run.json");
    char want[32];
    snprintf(want, sizeof want, "\"ranks\": %d,", ranks);
    cr_assert(run && strstr(run, want), "run.json of %s lacks %s", out, want);
    free(run);
}

static void check_study(const study *s)
{
    char *plain = run_at(s, 0, "plain");
    flat *one = metrics_of(plain);
    cr_assert_gt(one->n, 0);
    check_ranks_recorded(plain, 1);
    for (int ranks = 1; ranks <= 3; ranks++) {
        char tag[16];
        snprintf(tag, sizeof tag, "np%d", ranks);
        char *out = run_at(s, ranks, tag);
        flat *many = metrics_of(out);
        compare(s, one, many, ranks);
        check_ranks_recorded(out, ranks);
        if (ranks >= 2) { /* the same N again: the same bytes */
            snprintf(tag, sizeof tag, "np%d-again", ranks);
            char *again = run_at(s, ranks, tag);
            char *m1 = pipe_test_read_in(out, "metrics.json");
            char *m2 = pipe_test_read_in(again, "metrics.json");
            cr_assert_str_eq(m2, m1, "%s: two runs at %d ranks differ", s->name, ranks);
            free(m1);
            free(m2);
            free(again);
        }
        flat_free(many);
        free(out);
    }
    flat_free(one);
    free(plain);
}

Test(mpi, analytic_mass_identical_for_any_ranks)
{
    free(pipe_test_shared_file("dielectron_sample.csv"));
    study s = {.name = "analytic_mass"};
    check_study(&s);
}

/* No dropout, no batch norm: the ranks' sums differ from one process's
 * by rounding only, well under 1e-5 relative after three epochs. */
Test(mpi, dnn_regression_within_rounding)
{
    static const char *const args[] = {"--set", "simulate.events=6000", "--set", "dnn.epochs=3",
                                       NULL};
    static const char *const model[] = {"dnn.", "test.", "val.", NULL};
    study s = {.name = "dnn_regression", .args = args, .model = model, .rel = 1e-5};
    check_study(&s);
}

/* Dropout masks (drawn per rank) and batch-norm statistics (over each
 * rank's block of the batch of 256) make a different network of the same
 * quality: its test AUC and accuracy and its validation accuracy within
 * three standard errors of the difference of two networks on these rows
 * (about 0.055 for the AUC and 0.028 for the accuracy here), its size
 * exactly, every other model metric present; the data stages, the
 * logistic regression, the cut and the majority class bit for bit. */
Test(mpi, z_classifier_same_quality)
{
    static const char *const args[] = {"--set", "simulate.events=5000", "--set", "network.epochs=3",
                                       NULL};
    static const char *const model[] = {"network.", "test.network.", "write_roc.", NULL};
    static const tolerance tols[] = {{"test.network.roc_auc", -1},  {"network.val_accuracy", -1},
                                     {"test.network.accuracy", -1}, {"network.params", 0},
                                     {"network.epochs", 0},         {"network.rows_train", 0},
                                     {"network.rows_val", 0},       {NULL, 0}};
    study s = {.name = "z_classifier", .args = args, .model = model, .tols = tols};
    check_study(&s);
}

/* `pipe inspect` tells whether a stage is rank-aware. */
Test(mpi, inspect_shows_rank_awareness)
{
    const char *aware[] = {"inspect", "loader", NULL};
    pipe_test_result r = pipe_test_run(aware);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\nunder MPI: rank-aware (works on this rank's block of rows)\n"), "%s",
              r.out);
    pipe_test_result_free(&r);
    const char *gathered[] = {"inspect", "metrics", NULL};
    r = pipe_test_run(gathered);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\nunder MPI: sees every row on every rank (the runner gathers)\n"),
              "%s", r.out);
    pipe_test_result_free(&r);
}
