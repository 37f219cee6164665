/*
 * tblobs.c — test plugin: K linearly separable Gaussian blobs, for the
 * multi-class tests of the network stages. Row r has label r mod K and
 * values x = separation · e_{label} + N(0, 1) noise in each of its D =
 * channels · height · width dimensions (e_j: the j-th unit vector), drawn
 * from the stage's RNG. The class means are separation · √2 apart, so for
 * separation 8 the Bayes error is Φ(−4√2) ≈ 1e-8: a model that learns
 * the three half-spaces classifies ≥ 99 % of the rows. Published as
 * images (N × C × H × W, f32) and as a table (N × D, columns x0 ...), with
 * the labels (rank 1) and a split (rows r mod 5 < 3 train, 3 val, 4 test).
 */
#include <pipe/pipe.h>
#include <stdio.h>
#include <stdlib.h>

static const pipe_param_decl params[] = {
    {"rows", PIPE_PARAM_INT, "600", 10, 1e6, NULL, "rows"},
    {"classes", PIPE_PARAM_INT, "3", 2, 64, NULL, "K"},
    {"channels", PIPE_PARAM_INT, "1", 1, 64, NULL, "image channels"},
    {"height", PIPE_PARAM_INT, "4", 1, 64, NULL, "image height"},
    {"width", PIPE_PARAM_INT, "4", 1, 64, NULL, "image width"},
    {"separation", PIPE_PARAM_FLOAT, "8", 0, 100, NULL, "distance of each mean from 0"},
};
static const pipe_port_decl outputs[] = {
    {"images", PIPE_DT(PIPE_F32), 4, 1, "N x C x H x W"},
    {"table", PIPE_DT(PIPE_F64), 2, 1, "N x D, columns x0 ..."},
    {"labels", PIPE_DT(PIPE_F64), 1, 0, "r mod K"},
    {"split", PIPE_DT(PIPE_U8), 1, 0, "60 / 20 / 20"},
};

static int run(pipe_ctx *ctx, void *state)
{
    (void)state;
    int64_t n = pipe_param_int(ctx, "rows");
    int k = (int)pipe_param_int(ctx, "classes");
    int64_t shape[4] = {n, pipe_param_int(ctx, "channels"), pipe_param_int(ctx, "height"),
                        pipe_param_int(ctx, "width")};
    int64_t dim = shape[1] * shape[2] * shape[3];
    double sep = pipe_param_float(ctx, "separation");
    pipe_tensor *images = pipe_tensor_new(PIPE_F32, 4, shape);
    pipe_tensor *table = pipe_tensor_new2(PIPE_F64, n, dim);
    pipe_tensor *labels = pipe_tensor_new1(PIPE_F64, n), *split = pipe_tensor_new1(PIPE_U8, n);
    char **names = calloc((size_t)dim, sizeof *names);
    if (!images || !table || !labels || !split || !names || dim < k)
        return pipe_error(ctx, "out of memory, or fewer dimensions than classes");
    for (int64_t j = 0; j < dim; j++) {
        names[j] = malloc(24);
        snprintf(names[j], 24, "x%lld", (long long)j);
    }
    pipe_tensor_set_columns(table, (const char *const *)names, dim);
    for (int64_t j = 0; j < dim; j++)
        free(names[j]);
    free(names);
    for (int64_t r = 0; r < n; r++) {
        int label = (int)(r % k);
        for (int64_t j = 0; j < dim; j++) {
            double v = (j == label ? sep : 0) + pipe_rng_normal(pipe_ctx_rng(ctx));
            ((float *)images->data)[r * dim + j] = (float)v;
            ((double *)table->data)[r * dim + j] = (float)v;
        }
        ((double *)labels->data)[r] = label;
        ((unsigned char *)split->data)[r] = r % 5 < 3    ? PIPE_PART_TRAIN
                                            : r % 5 == 3 ? PIPE_PART_VAL
                                                         : PIPE_PART_TEST;
    }
    int rc = pipe_output(ctx, "labels", labels) || pipe_output(ctx, "split", split) ? -1 : 0;
    if (rc == 0 && pipe_output_wanted(ctx, "images"))
        rc = pipe_output(ctx, "images", images);
    else
        pipe_tensor_release(images);
    if (rc == 0 && pipe_output_wanted(ctx, "table"))
        rc = pipe_output(ctx, "table", table);
    else
        pipe_tensor_release(table);
    return rc;
}

static const pipe_plugin plugin = {
    PIPE_PLUGIN_ABI,    .name = "tblobs",
    .version = "1.0",   .summary = "test: K Gaussian blobs as images and a table",
    .params = params,   .n_params = PIPE_COUNT(params),
    .outputs = outputs, .n_outputs = PIPE_COUNT(outputs),
    .run = run,
};
PIPE_PLUGIN_DEFINE(plugin)
