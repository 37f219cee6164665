/*
 * nn_stage_export.c — parameter "export" of the network stages: the
 * trained model written as ONNX (nn_onnx.h) through an atomic output
 * file, with the scaler input folded in as the first nodes, so that the
 * file takes the raw columns, and the feature names, the scaling and the
 * stage's own metadata (target, head, classes, ...) in its
 * metadata_props.
 */
#include "nn_onnx.h"
#include "nn_stage.h"
#include "scaler.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The scaling of each of d's features from the "scaler" input (features
 * it does not scale: offset 0, divisor 1) into offset and divisor (n_in
 * each). Returns 1 when there is one to fold, 0 when not, -1 (reported). */
static int folded_scaling(pipe_ctx *ctx, const pipe_nn_rows *d, double *offset, double *divisor)
{
    const pipe_tensor *scaler = pipe_input(ctx, "scaler");
    if (!scaler)
        return 0;
    if (!d->features || !scaler->columns)
        return pipe_error(ctx,
                          "export: the scaler input '%s' can only be folded into the ONNX "
                          "model when x is a table with column names",
                          pipe_input_name(ctx, "scaler"));
    pipe_scaler_method method = strcmp(pipe_param_string(ctx, "scaler_method"), "minmax") == 0
                                    ? PIPE_SCALER_MINMAX
                                    : PIPE_SCALER_STANDARD;
    int64_t n_cols = scaler->shape[1];
    for (int j = 0; j < d->n_in; j++) {
        double half;
        offset[j] = 0;
        divisor[j] = 1;
        for (int64_t c = 0; c < n_cols; c++)
            if (strcmp(scaler->columns[c], d->features[j]) == 0)
                pipe_scaler_column_transform(scaler->data, n_cols, c, method, &offset[j],
                                             &divisor[j], &half);
    }
    return 1;
}

/* Metadata: the stage's, then the features (or the image shape, into
 * shape) and the scaling folded in; *json is the features' list. */
static pipe_nn_st_meta *export_meta(pipe_ctx *ctx, const pipe_nn_rows *d, const pipe_nn_export *e,
                                    int scaled, char *shape, size_t *n, char **json)
{
    pipe_nn_st_meta *all = calloc(e->n_meta + 3, sizeof *all);
    if (!all)
        return NULL;
    memcpy(all, e->meta, e->n_meta * sizeof *all);
    *n = e->n_meta;
    if (e->image_chw) {
        snprintf(shape, 64, "%dx%dx%d", e->image_chw[0], e->image_chw[1], e->image_chw[2]);
        all[(*n)++] = (pipe_nn_st_meta){"input_shape", shape};
    } else if (d->features) {
        *json = pipe_nn_names_to_json((const char *const *)d->features, (size_t)d->n_in);
        if (!*json) {
            free(all);
            return NULL;
        }
        all[(*n)++] = (pipe_nn_st_meta){"features", *json};
    }
    if (scaled)
        all[(*n)++] = (pipe_nn_st_meta){"scaler", pipe_param_string(ctx, "scaler_method")};
    return all;
}

/* The ONNX file through an atomic output file. */
static int write_onnx(pipe_ctx *ctx, const pipe_nn_model *m, const char *name,
                      const pipe_nn_onnx_options *o)
{
    pipe_file *f = pipe_file_open(ctx, name);
    if (!f)
        return -1;
    char err[256];
    if (pipe_nn_onnx_write(m, pipe_file_stream(f), o, err, sizeof err) != 0) {
        pipe_file_abort(f);
        return pipe_param_error(ctx, "export", "cannot write '%s': %s", name, err);
    }
    if (pipe_file_commit(ctx, f) != 0)
        return -1;
    pipe_log(ctx, "exported the model as ONNX to %s", name);
    return 0;
}

int pipe_nn_stage_export(pipe_ctx *ctx, const pipe_nn_model *m, const pipe_nn_rows *d,
                         const pipe_nn_export *e)
{
    const char *name = pipe_param_string(ctx, "export");
    if (!name[0])
        return 0;
    double *scaling = malloc(2 * ((size_t)d->n_in + 1) * sizeof *scaling);
    if (!scaling)
        return pipe_error(ctx, "out of memory");
    double *offset = scaling, *divisor = scaling + d->n_in + 1;
    int scaled = e->image_chw ? 0 : folded_scaling(ctx, d, offset, divisor);
    char shape[64], *json = NULL;
    size_t n_meta = 0;
    pipe_nn_st_meta *meta =
        scaled < 0 ? NULL : export_meta(ctx, d, e, scaled, shape, &n_meta, &json);
    int rc = scaled < 0 ? -1 : meta ? 0 : pipe_error(ctx, "out of memory");
    pipe_nn_onnx_options o = {.images = e->image_chw != NULL,
                              .offset = scaled > 0 ? offset : NULL,
                              .divisor = divisor,
                              .output = e->multiclass ? "proba" : "y",
                              .argmax = e->multiclass ? "predicted" : NULL,
                              .meta = meta,
                              .n_meta = n_meta};
    if (rc == 0)
        rc = write_onnx(ctx, m, name, &o);
    free(meta);
    free(json);
    free(scaling);
    return rc;
}
