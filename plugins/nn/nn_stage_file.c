/*
 * nn_stage_file.c — model files as the stages write and read them
 * (nn_stage.h): the core's model plus the feature names and the scaler's
 * parameters (and the network stages' target, head, class names or
 * threshold), and predict mode's rows: raw x scaled with the saved
 * scaling (by the scaler stage's own code), features picked by name.
 */
#include "nn_stage.h"
#include "scaler.h"
#include "table/table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The metadata of pipe_nn_stage_save beyond the stage's own. */
typedef struct saved_extras {
    pipe_nn_st_meta meta[3];
    size_t n_meta;
    pipe_nn_st_tensor scaler;
    int has_scaler;
    char *json[2]; /* malloc'd name lists */
} saved_extras;

static int describe(pipe_ctx *ctx, const pipe_nn_rows *d, saved_extras *e)
{
    const pipe_tensor *scaler = pipe_input(ctx, "scaler");
    if (d->features) {
        e->json[0] = pipe_nn_names_to_json((const char *const *)d->features, (size_t)d->n_in);
        if (!e->json[0])
            return pipe_error(ctx, "out of memory");
        e->meta[e->n_meta++] = (pipe_nn_st_meta){"features", e->json[0]};
    }
    if (!scaler)
        return 0;
    e->json[1] =
        pipe_nn_names_to_json((const char *const *)scaler->columns, (size_t)scaler->shape[1]);
    if (!e->json[1])
        return pipe_error(ctx, "out of memory");
    e->meta[e->n_meta++] =
        (pipe_nn_st_meta){"scaler.method", pipe_param_string(ctx, "scaler_method")};
    e->meta[e->n_meta++] = (pipe_nn_st_meta){"scaler.columns", e->json[1]};
    e->scaler = (pipe_nn_st_tensor){.name = "scaler",
                                    .dtype = PIPE_NN_ST_F64,
                                    .rank = 2,
                                    .shape = {scaler->shape[0], scaler->shape[1]},
                                    .data = scaler->data};
    e->has_scaler = 1;
    return 0;
}

/* Write the model through an atomic output file. */
static int write_model(pipe_ctx *ctx, pipe_nn_model *m, const char *name, const saved_extras *e,
                       const pipe_nn_st_meta *meta, size_t n_meta)
{
    pipe_nn_st_meta *all = calloc(n_meta + e->n_meta + 1, sizeof *all);
    if (!all)
        return pipe_error(ctx, "out of memory");
    memcpy(all, meta, n_meta * sizeof *meta);
    memcpy(all + n_meta, e->meta, e->n_meta * sizeof *all);
    pipe_file *f = pipe_file_open(ctx, name);
    int rc = f ? 0 : -1;
    char err[256];
    if (f && pipe_nn_model_save(m, pipe_file_stream(f), &e->scaler, (size_t)e->has_scaler, all,
                                n_meta + e->n_meta, err, sizeof err) != 0) {
        pipe_file_abort(f);
        rc = pipe_error(ctx, "cannot save the model to '%s': %s", name, err);
    } else if (f) {
        rc = pipe_file_commit(ctx, f);
    }
    free(all);
    return rc;
}

int pipe_nn_stage_save(pipe_ctx *ctx, pipe_nn_model *m, const pipe_nn_rows *d, const char *name,
                       const pipe_nn_st_meta *meta, size_t n_meta)
{
    saved_extras e = {0};
    int rc = describe(ctx, d, &e);
    if (rc == 0)
        rc = write_model(ctx, m, name, &e, meta, n_meta);
    free(e.json[0]);
    free(e.json[1]);
    return rc;
}

int pipe_nn_stage_save_network(pipe_ctx *ctx, pipe_nn_model *m, const pipe_nn_rows *d,
                               const char *name, const char *stage, const pipe_nn_classes *c,
                               double threshold, const int *image_chw)
{
    const char *target = pipe_param_string(ctx, "target");
    char text[32];
    snprintf(text, sizeof text, "%.17g", threshold);
    pipe_nn_st_meta meta[4] = {{"stage", stage},
                               {"target", target[0] ? target : pipe_input_name(ctx, "y")},
                               {"head", pipe_param_string(ctx, "head")},
                               {"threshold", text}};
    size_t n = c->k || isnan(threshold) ? 3 : 4;
    return pipe_nn_stage_save_classes(ctx, m, d, name, meta, n, c, image_chw);
}

void pipe_nn_saved_free(pipe_nn_saved *s)
{
    pipe_nn_model_free(s->model);
    pipe_nn_names_free(s->features, s->n_features);
    pipe_tensor_release(s->scaler);
    pipe_nn_st_free(s->file);
    memset(s, 0, sizeof *s);
}

/* The saved scaling as a table with column names (s->scaler stays NULL
 * when the model has none). Returns 0, or -1 with the reason in err. */
static int saved_scaler(pipe_nn_saved *s, char *err, size_t err_size)
{
    const pipe_nn_st_tensor *t = pipe_nn_st_find(s->file, "scaler");
    const char *columns = pipe_nn_st_meta_get(s->file, "scaler.columns");
    s->scaler_method = pipe_nn_st_meta_get(s->file, "scaler.method");
    if (!t)
        return 0;
    size_t n = 0;
    char **names = columns ? pipe_nn_names_from_json(columns, &n) : NULL;
    if (!names || t->rank != 2 || t->shape[0] != 2 || (size_t)t->shape[1] != n ||
        !s->scaler_method) {
        pipe_nn_names_free(names, n);
        snprintf(err, err_size,
                 "its scaler tensor lacks scaler.columns or scaler.method, or "
                 "has the wrong shape");
        return -1;
    }
    double *values = malloc((2 * n + 1) * sizeof *values);
    for (size_t i = 0; values && i < 2 * n; i++)
        values[i] = pipe_nn_st_get(t, (int64_t)i);
    s->scaler = values ? pipe_table_new(2, (int64_t)n, (const char *const *)names, values) : NULL;
    free(values);
    pipe_nn_names_free(names, n);
    if (!s->scaler)
        snprintf(err, err_size, "out of memory");
    return s->scaler ? 0 : -1;
}

int pipe_nn_stage_load(pipe_ctx *ctx, const char *path, const char *param, int max_batch,
                       pipe_nn_saved *s)
{
    char err[512];
    memset(s, 0, sizeof *s);
    pipe_input_file(ctx, path); /* run.json: its size and content hash */
    s->file = pipe_nn_st_read(path, err, sizeof err);
    if (!s->file)
        return pipe_param_error(ctx, param, "%s", err);
    s->model = pipe_nn_model_load(s->file, max_batch, err, sizeof err);
    if (!s->model)
        return pipe_param_error(ctx, param, "'%s': %s", path, err);
    const char *features = pipe_nn_st_meta_get(s->file, "features");
    if (features) {
        s->features = pipe_nn_names_from_json(features, &s->n_features);
        if (!s->features || s->n_features != (size_t)pipe_nn_model_inputs(s->model))
            return pipe_param_error(ctx, param,
                                    "'%s': its features metadata does not list %d names", path,
                                    pipe_nn_model_inputs(s->model));
    }
    if (saved_scaler(s, err, sizeof err) != 0)
        return pipe_param_error(ctx, param, "'%s': %s", path, err);
    return 0;
}

/* x scaled with the model's saved scaling: a new table, or NULL after a
 * reported error. */
static pipe_tensor *scale_rows(pipe_ctx *ctx, const pipe_tensor *x, const pipe_nn_saved *s)
{
    char err[1024];
    if (x->dtype != PIPE_F64 || !x->columns) {
        pipe_error(ctx,
                   "the model's saved scaling needs x '%s' as a table with column names "
                   "(or set apply_scaler: false when x is already scaled)",
                   pipe_input_name(ctx, "x"));
        return NULL;
    }
    pipe_scaler_method method =
        strcmp(s->scaler_method, "minmax") == 0 ? PIPE_SCALER_MINMAX : PIPE_SCALER_STANDARD;
    pipe_tensor *scaled = pipe_scaler_apply(x, s->scaler, method, err, sizeof err);
    if (!scaled)
        pipe_error(ctx, "cannot apply the model's saved scaling to x '%s': %s",
                   pipe_input_name(ctx, "x"), err);
    else
        pipe_log(ctx, "scaled %lld columns of x with the model's %s scaling",
                 (long long)s->scaler->shape[1], s->scaler_method);
    return scaled;
}

/* The feature names to read from x: the parameter when given, else the
 * model's own; NULL (all columns) when neither names them. */
static const char **chosen_features(pipe_ctx *ctx, const pipe_nn_saved *s, size_t *n)
{
    int given = pipe_param_given(ctx, "features");
    *n = given ? pipe_param_count(ctx, "features") : s->n_features;
    if (!given && !s->features)
        return NULL;
    const char **names = calloc(*n + 1, sizeof *names);
    for (size_t i = 0; names && i < *n; i++)
        names[i] = given ? pipe_param_string_at(ctx, "features", i) : s->features[i];
    return names;
}

int pipe_nn_stage_predict_rows(pipe_ctx *ctx, const pipe_tensor *x, const pipe_nn_saved *s,
                               pipe_nn_rows *d)
{
    int apply = pipe_param_bool(ctx, "apply_scaler");
    pipe_tensor *scaled = NULL;
    if (apply && s->scaler && !(scaled = scale_rows(ctx, x, s)))
        return -1;
    if (apply && !s->scaler)
        pipe_log(ctx, "the model holds no scaling: x is used as it is");
    size_t n;
    const char **names = chosen_features(ctx, s, &n);
    int rc = pipe_nn_stage_features(ctx, scaled ? scaled : x, names, n, "features", d);
    int want = pipe_nn_model_inputs(s->model);
    if (rc == 0 && d->n_in != want)
        rc = pipe_error(ctx, "the model takes %d features, x '%s' gives %d", want,
                        pipe_input_name(ctx, "x"), d->n_in);
    free(names);
    pipe_tensor_release(scaled);
    return rc;
}

int pipe_nn_stage_check_predict_ports(pipe_ctx *ctx)
{
    static const char *const train_only[] = {"y", "split", "scaler", "weight"};
    int status = 0;
    for (size_t i = 0; i < PIPE_COUNT(train_only); i++)
        if (pipe_input(ctx, train_only[i]))
            status =
                pipe_error(ctx, "input '%s' is only used in mode: train (it is mapped to '%s')",
                           train_only[i], pipe_input_name(ctx, train_only[i]));
    if (pipe_output_wanted(ctx, "history"))
        status = pipe_error(ctx, "output 'history' is only made in mode: train");
    return status;
}
