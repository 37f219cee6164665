/*
 * plotfix.c — a test stage that publishes synthetic tensors with known
 * values for the plotter's end-to-end tests: true masses on a ramp from
 * 2 to 110 GeV, predictions equal to them (plus optional noise, a NaN, a
 * missing row), a training history, classifier scores and labels
 * (label 1 inside 80–100 GeV), a table with named columns, a metrics
 * table (one row per model), images and a row split (rows 8 and 9 of
 * every ten are validation and test).
 */
#include <math.h>
#include <pipe/pipe.h>
#include <string.h>

static const pipe_param_decl fix_params[] = {
    {"rows", PIPE_PARAM_INT, "1000", 0, 1e7, NULL, "events"},
    {"noise", PIPE_PARAM_FLOAT, "0", 0, 100, NULL, "Gaussian noise (GeV) added to pred"},
    {"nan_row", PIPE_PARAM_INT, "-1", -1, 1e7, NULL, "row of pred set to NaN (-1: none)"},
    {"short_true", PIPE_PARAM_BOOL, "false", 0, 0, NULL, "true has one row less than pred"},
    {"epochs", PIPE_PARAM_INT, "20", 0, 10000, NULL, "rows of the history"},
    {"loss", PIPE_PARAM_FLOAT, "0", 0, 0, NULL, "constant loss when nonzero, else 10/epoch"},
    {"best_epoch", PIPE_PARAM_INT, "0", 0, 10000, NULL,
     "recorded as the metric best_epoch when nonzero (as a model stage does)"},
    {"source", PIPE_PARAM_STRING, "", 0, 0, NULL,
     "the source of the outputs' data, as a generator or the loader says it (\"\": none)"},
};

static const pipe_port_decl fix_outputs[] = {
    {"pred", PIPE_DT(PIPE_F64), 1, 1, "predicted M"},
    {"true", PIPE_DT(PIPE_F64), 1, 1, "true M"},
    {"history", PIPE_DT(PIPE_F64), 2, 1, "epoch, loss, val_loss, mae, val_mae"},
    {"score", PIPE_DT(PIPE_F64), 1, 1, "a good classifier"},
    {"score2", PIPE_DT(PIPE_F32), 1, 1, "a weaker classifier"},
    {"label", PIPE_DT(PIPE_U8), 1, 1, "1 inside 80-100 GeV"},
    {"table", PIPE_DT(PIPE_F64), 2, 1, "columns M, pt1, E1"},
    {"metrics", PIPE_DT(PIPE_F64), 2, 1, "2 models x columns MAE, RMSE"},
    {"images", PIPE_DT(PIPE_F32), 4, 1, "rows x 1 x 8 x 8"},
    {"split", PIPE_DT(PIPE_U8), 1, 1, "8 train, 1 val, 1 test of every ten rows"},
    {"proba", PIPE_DT(PIPE_F64), 2, 1,
     "a 3-class model: softmax probabilities, columns DY, W, top"},
    {"class3", PIPE_DT(PIPE_U8), 1, 1, "its true class, row % 3"},
    {"predicted3", PIPE_DT(PIPE_F64), 1, 1, "its predicted class, the argmax of proba"},
    {"threshold", PIPE_DT(PIPE_F64), 1, 1, "a tuned threshold of score: one value, 0.343"},
};

static double true_mass(int64_t i, int64_t n)
{
    return n > 1 ? 2.0 + 108.0 * (double)i / (double)(n - 1) : 50.0;
}

static int publish(pipe_ctx *ctx, const char *port, pipe_tensor *t)
{
    if (!pipe_output_wanted(ctx, port)) {
        pipe_tensor_release(t);
        return 0;
    }
    if (pipe_param_string(ctx, "source")[0])
        pipe_set_source(ctx, "%s", pipe_param_string(ctx, "source"));
    return pipe_output(ctx, port, t);
}

static int publish_regression(pipe_ctx *ctx, int64_t n)
{
    pipe_tensor *pred = pipe_tensor_new1(PIPE_F64, n);
    pipe_tensor *truth = pipe_tensor_new1(PIPE_F64, pipe_param_bool(ctx, "short_true") ? n - 1 : n);
    double noise = pipe_param_float(ctx, "noise");
    for (int64_t i = 0; i < n; i++) {
        double m = true_mass(i, n);
        pipe_tensor_set(pred, i, m + noise * pipe_rng_normal(pipe_ctx_rng(ctx)));
        if (i < truth->shape[0])
            pipe_tensor_set(truth, i, m);
    }
    if (pipe_param_int(ctx, "nan_row") >= 0 && pipe_param_int(ctx, "nan_row") < n)
        pipe_tensor_set(pred, pipe_param_int(ctx, "nan_row"), NAN);
    return publish(ctx, "pred", pred) || publish(ctx, "true", truth);
}

static int publish_history(pipe_ctx *ctx)
{
    int64_t epochs = pipe_param_int(ctx, "epochs");
    double constant = pipe_param_float(ctx, "loss");
    pipe_tensor *h = pipe_tensor_new2(PIPE_F64, epochs, 5);
    static const char *const names[] = {"epoch", "loss", "val_loss", "mae", "val_mae"};
    pipe_tensor_set_columns(h, names, 5);
    for (int64_t e = 0; e < epochs; e++) {
        double loss = constant != 0 ? constant : 10.0 / (double)(e + 1);
        double row[5] = {(double)(e + 1), loss, loss * 1.2 + 0.1, sqrt(loss), sqrt(loss * 1.2)};
        for (int c = 0; c < 5; c++)
            pipe_tensor_set(h, e * 5 + c, row[c]);
    }
    if (pipe_param_int(ctx, "best_epoch") > 0)
        pipe_metric(ctx, "best_epoch", (double)pipe_param_int(ctx, "best_epoch"));
    return publish(ctx, "history", h);
}

static int publish_classifier(pipe_ctx *ctx, int64_t n)
{
    pipe_tensor *score = pipe_tensor_new1(PIPE_F64, n), *score2 = pipe_tensor_new1(PIPE_F32, n);
    pipe_tensor *label = pipe_tensor_new1(PIPE_U8, n), *split = pipe_tensor_new1(PIPE_U8, n);
    for (int64_t i = 0; i < n; i++) {
        double m = true_mass(i, n);
        int z = m >= 80 && m <= 100;
        double g = pipe_rng_normal(pipe_ctx_rng(ctx));
        pipe_tensor_set(label, i, z);
        pipe_tensor_set(score, i, 1 / (1 + exp(-(z ? 3 : -3) - g)));
        pipe_tensor_set(score2, i, 1 / (1 + exp(-(z ? 1 : -1) - 2 * g)));
        pipe_tensor_set(split, i,
                        i % 10 < 8    ? PIPE_PART_TRAIN
                        : i % 10 == 8 ? PIPE_PART_VAL
                                      : PIPE_PART_TEST);
    }
    pipe_tensor *threshold = pipe_tensor_new1(PIPE_F64, 1);
    pipe_tensor_set(threshold, 0, 0.343);
    return publish(ctx, "threshold", threshold) || publish(ctx, "score", score) ||
           publish(ctx, "score2", score2) || publish(ctx, "label", label) ||
           publish(ctx, "split", split);
}

static int publish_tables(pipe_ctx *ctx, int64_t n)
{
    pipe_tensor *table = pipe_tensor_new2(PIPE_F64, n, 3);
    static const char *const names[] = {"M", "pt1", "E1"};
    pipe_tensor_set_columns(table, names, 3);
    for (int64_t i = 0; i < n; i++) {
        double m = true_mass(i, n), pt = 20 + 10 * pipe_rng_normal(pipe_ctx_rng(ctx));
        double row[3] = {m, pt, 2 * pt + m / 4};
        for (int c = 0; c < 3; c++)
            pipe_tensor_set(table, i * 3 + c, row[c]);
    }
    pipe_tensor *metrics = pipe_tensor_new2(PIPE_F64, 2, 2);
    static const char *const metric_names[] = {"MAE", "RMSE"};
    pipe_tensor_set_columns(metrics, metric_names, 2);
    static const double values[4] = {0.5, 0.8, 0.9, 1.3};
    for (int k = 0; k < 4; k++)
        pipe_tensor_set(metrics, k, values[k]);
    return publish(ctx, "table", table) || publish(ctx, "metrics", metrics);
}

static int publish_images(pipe_ctx *ctx, int64_t n)
{
    int64_t shape[4] = {n, 1, 8, 8};
    pipe_tensor *images = pipe_tensor_new(PIPE_F32, 4, shape);
    for (int64_t i = 0; i < n * 64; i++) /* image i: a bright pixel at (i % 8, i % 8) */
        pipe_tensor_set(images, i, (i % 64) == (i / 64 % 8) * 9 ? 1.0 : 0.0);
    return publish(ctx, "images", images);
}

/* Softmax of logits 2 for the true class (row % 3) plus unit noise. */
static int publish_classes(pipe_ctx *ctx, int64_t n)
{
    pipe_tensor *proba = pipe_tensor_new2(PIPE_F64, n, 3), *cls = pipe_tensor_new1(PIPE_U8, n);
    pipe_tensor *predicted = pipe_tensor_new1(PIPE_F64, n);
    static const char *const names[] = {"DY", "W", "top"};
    pipe_tensor_set_columns(proba, names, 3);
    for (int64_t i = 0; i < n; i++) {
        double e[3], sum = 0;
        for (int c = 0; c < 3; c++)
            sum += e[c] = exp(2.0 * (c == i % 3) + pipe_rng_normal(pipe_ctx_rng(ctx)));
        int best = 0;
        for (int c = 0; c < 3; c++) {
            pipe_tensor_set(proba, i * 3 + c, e[c] / sum);
            best = e[c] > e[best] ? c : best;
        }
        pipe_tensor_set(cls, i, (double)(i % 3));
        pipe_tensor_set(predicted, i, best);
    }
    return publish(ctx, "proba", proba) || publish(ctx, "class3", cls) ||
           publish(ctx, "predicted3", predicted);
}

static int fix_run(pipe_ctx *ctx, void *state)
{
    (void)state;
    int64_t n = pipe_param_int(ctx, "rows");
    if (publish_regression(ctx, n) || publish_history(ctx) || publish_classifier(ctx, n) ||
        publish_tables(ctx, n) || publish_images(ctx, n) || publish_classes(ctx, n))
        return -1;
    return 0;
}

static const pipe_plugin fix_plugin = {
    .abi_major = PIPE_ABI_MAJOR,
    .abi_minor = PIPE_ABI_MINOR,
    .struct_size = sizeof(pipe_plugin),
    .name = "plotfix",
    .version = "1.0.0",
    .summary = "synthetic tensors for the plotter tests",
    .params = fix_params,
    .n_params = PIPE_COUNT(fix_params),
    .outputs = fix_outputs,
    .n_outputs = PIPE_COUNT(fix_outputs),
    .run = fix_run,
};

PIPE_PLUGIN_DEFINE(fix_plugin)
