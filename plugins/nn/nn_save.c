/*
 * nn_save.c — a model to a safetensors file and back: the layers' tensors
 * under "layers.<i>.<name>", the architecture as text in the metadata
 * (see nn_io.h), and the text form of a layer specification. Files of
 * format 1 (conv kernels flattened to rank 2, (out, in · kh · kw): the
 * same values in the same order) still load.
 */
#include "nn_internal.h"
#include "nn_io.h"
#include "nn_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FORMAT_TAG "pipe.nn/2"
#define FORMAT_TAG_1 "pipe.nn/1" /* conv kernels as rank 2 */

/* Where a layer tensor's values are. */
static nn_real *tensor_data(pipe_nn_model *m, const pipe_nn_tensor_info *info)
{
    return (info->is_state ? m->state : m->params) + info->offset;
}

/* The shortest "%g" text of v that reads back exactly. */
static void format_real(char *buf, size_t size, double v)
{
    for (int digits = 6; digits <= 17; digits++) {
        snprintf(buf, size, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

void pipe_nn_layer_spec_format(const pipe_nn_layer_spec *s, char *buf, size_t size)
{
    char a[32], b[32];
    switch (s->kind) {
    case PIPE_NN_DENSE:
        format_real(a, sizeof a, s->alpha);
        format_real(b, sizeof b, s->l2);
        snprintf(buf, size, "dense units=%d act=%s alpha=%s l2=%s", s->units,
                 pipe_nn_act_name(s->act), a, b);
        break;
    case PIPE_NN_ACTIVATION:
        format_real(a, sizeof a, s->alpha);
        snprintf(buf, size, "activation act=%s alpha=%s", pipe_nn_act_name(s->act), a);
        break;
    case PIPE_NN_DROPOUT:
        format_real(a, sizeof a, s->rate);
        snprintf(buf, size, "dropout rate=%s", a);
        break;
    case PIPE_NN_BATCHNORM:
        format_real(a, sizeof a, s->momentum);
        format_real(b, sizeof b, s->eps);
        snprintf(buf, size, "batchnorm momentum=%s eps=%s", a, b);
        break;
    case PIPE_NN_CONV2D:
    case PIPE_NN_MAXPOOL:
    case PIPE_NN_AVGPOOL:
    case PIPE_NN_GLOBAL_AVGPOOL:
    case PIPE_NN_FLATTEN:
    case PIPE_NN_RESIDUAL:
        nn_spatial_spec_format(s, buf, size); /* nn_spatial.c */
        break;
    case PIPE_NN_SHORTCUT:
        snprintf(buf, size, "shortcut channels=%d stride=%dx%d", s->channels, s->stride[0],
                 s->stride[1]);
        break;
    case PIPE_NN_ADD:
        snprintf(buf, size, "add%s", s->optional ? " optional=1" : "");
        break;
    case PIPE_NN_CONCAT:
    case PIPE_NN_GLOBAL_MAXPOOL:
    case PIPE_NN_SOFTMAX:
        snprintf(buf, size, "%s", pipe_nn_layer_kind_name(s->kind));
        break;
    }
    /* the graph: " from=0,3" when the inputs are not the previous layer */
    size_t len = strlen(buf);
    for (int k = 0; k < s->n_from && len < size; k++)
        len += (size_t)snprintf(buf + len, size - len, "%s%d", k ? "," : " from=", s->from[k]);
}

/* "from=3,-1": the inputs' layer indices. */
static int parse_from(pipe_nn_layer_spec *s, const char *value, char *err, size_t err_size)
{
    const char *p = value;
    s->n_from = 0;
    for (;;) {
        char *end;
        errno = 0;
        long j = strtol(p, &end, 10);
        if (end == p || errno || j < -1 || j > 1 << 20 || s->n_from == PIPE_NN_MAX_FROM)
            return nn_fail(err, err_size, "'from=%s' is not a list of up to %d layer indices",
                           value, PIPE_NN_MAX_FROM);
        s->from[s->n_from++] = (int)j;
        if (*end == 0)
            return 0;
        if (*end != ',')
            return nn_fail(err, err_size, "'from=%s' is not a list of layer indices", value);
        p = end + 1;
    }
}

/* Apply one "key=value" to the spec. */
static int spec_field(pipe_nn_layer_spec *s, const char *key, const char *value, char *err,
                      size_t err_size)
{
    if (nn_spatial_kind(s->kind))
        return nn_spatial_spec_field(s, key, value, err, err_size); /* nn_spatial.c */
    if (s->kind == PIPE_NN_SHORTCUT && (!strcmp(key, "channels") || !strcmp(key, "stride"))) {
        pipe_nn_layer_spec conv = *s; /* the two fields read as a convolution's */
        conv.kind = PIPE_NN_CONV2D;
        if (nn_spatial_spec_field(&conv, key, value, err, err_size) != 0)
            return -1;
        s->channels = conv.channels;
        memcpy(s->stride, conv.stride, sizeof s->stride);
        return 0;
    }
    if (s->kind == PIPE_NN_ADD && !strcmp(key, "optional") &&
        (!strcmp(value, "0") || !strcmp(value, "1"))) {
        s->optional = value[0] == '1';
        return 0;
    }
    char *end;
    errno = 0;
    if (strcmp(key, "act") == 0) {
        int act = pipe_nn_act_parse(value);
        if (act < 0)
            return nn_fail(err, err_size, "unknown activation '%s'", value);
        s->act = (pipe_nn_act)act;
        return 0;
    }
    double v = strtod(value, &end);
    if (end == value || *end || errno)
        return nn_fail(err, err_size, "'%s=%s' is not a number", key, value);
    if (strcmp(key, "units") == 0 && s->kind == PIPE_NN_DENSE && v >= 1 && v <= 1e9 && v == (int)v)
        s->units = (int)v;
    else if (strcmp(key, "alpha") == 0 && s->kind <= PIPE_NN_ACTIVATION)
        s->alpha = v;
    else if (strcmp(key, "l2") == 0 && s->kind == PIPE_NN_DENSE)
        s->l2 = v;
    else if (strcmp(key, "rate") == 0 && s->kind == PIPE_NN_DROPOUT)
        s->rate = v;
    else if (strcmp(key, "momentum") == 0 && s->kind == PIPE_NN_BATCHNORM)
        s->momentum = v;
    else if (strcmp(key, "eps") == 0 && s->kind == PIPE_NN_BATCHNORM)
        s->eps = v;
    else
        return nn_fail(err, err_size, "bad field '%s=%s' for a %s layer", key, value,
                       pipe_nn_layer_kind_name(s->kind));
    return 0;
}

int pipe_nn_layer_spec_parse(const char *text, pipe_nn_layer_spec *s, char *err, size_t err_size)
{
    char copy[256], *save = NULL;
    if (strlen(text) >= sizeof copy)
        return nn_fail(err, err_size, "layer description too long");
    strcpy(copy, text);
    char *word = strtok_r(copy, " \t", &save);
    int kind = -1;
    for (int k = 0; word && k < PIPE_NN_KIND_COUNT; k++)
        if (strcmp(word, pipe_nn_layer_kind_name((pipe_nn_layer_kind)k)) == 0)
            kind = k;
    if (kind < 0)
        return nn_fail(err, err_size, "unknown layer '%s'", word ? word : "");
    *s = pipe_nn_layer_spec_default((pipe_nn_layer_kind)kind);
    while ((word = strtok_r(NULL, " \t", &save))) {
        char *eq = strchr(word, '=');
        if (!eq)
            return nn_fail(err, err_size, "expected key=value, found '%s'", word);
        *eq = 0;
        if (strcmp(word, "from") == 0 ? parse_from(s, eq + 1, err, err_size) != 0
                                      : spec_field(s, word, eq + 1, err, err_size) != 0)
            return -1;
    }
    if (kind == PIPE_NN_DENSE && s->units < 1)
        return nn_fail(err, err_size, "a dense layer needs units=N");
    return 0;
}

/* ------------------------------------------------------------------ */
/* Saving                                                               */
/* ------------------------------------------------------------------ */

/* The architecture's metadata values; owned by the caller's buffers. */
static void architecture(pipe_nn_model *m, nn_buf *layers, char *inputs, size_t in_size, char *loss,
                         size_t loss_size)
{
    for (int i = 0; i < m->n_layers; i++) {
        char one[160];
        pipe_nn_layer_spec_format(&m->layers[i].spec, one, sizeof one);
        nn_buf_add(layers, i ? "; " : "");
        nn_buf_add(layers, one);
    }
    char delta[32];
    format_real(delta, sizeof delta, m->loss.delta);
    const int *chw = m->input_chw;
    if (chw[1] == 1 && chw[2] == 1)
        snprintf(inputs, in_size, "%d", chw[0]);
    else
        snprintf(inputs, in_size, "%dx%dx%d", chw[0], chw[1], chw[2]);
    snprintf(loss, loss_size, "%s delta=%s", pipe_nn_loss_name(m->loss.kind), delta);
}

int pipe_nn_model_save(pipe_nn_model *m, FILE *f, const pipe_nn_st_tensor *extra, size_t n_extra,
                       const pipe_nn_st_meta *meta, size_t n_meta, char *err, size_t err_size)
{
    for (size_t i = 0; i < n_meta; i++)
        if (strncmp(meta[i].key, "pipe.", 5) == 0)
            return nn_fail(err, err_size, "metadata key '%s' is reserved", meta[i].key);
    size_t cap = (size_t)m->n_layers * PIPE_NN_MAX_LAYER_TENSORS + n_extra;
    pipe_nn_st_tensor *t = calloc(cap ? cap : 1, sizeof *t);
    char(*names)[48] = calloc(cap ? cap : 1, sizeof *names);
    pipe_nn_st_meta *all_meta = calloc(n_meta + 4, sizeof *all_meta);
    nn_buf layers = {0};
    char inputs[24], loss[64];
    int rc = -1;
    if (!t || !names || !all_meta) {
        nn_fail(err, err_size, "out of memory");
        goto done;
    }
    size_t n = 0;
    for (int i = 0; i < m->n_layers; i++) {
        pipe_nn_tensor_info info[PIPE_NN_MAX_LAYER_TENSORS];
        int count = pipe_nn_model_layer_tensors(m, i, info);
        for (int k = 0; k < count; k++, n++) {
            snprintf(names[n], sizeof names[n], "layers.%d.%s", i, info[k].name);
            t[n] = (pipe_nn_st_tensor){
                .name = names[n],
                .dtype = sizeof(nn_real) == 8 ? PIPE_NN_ST_F64 : PIPE_NN_ST_F32,
                .rank = info[k].rank,
                .shape = {info[k].shape[0], info[k].shape[1], info[k].shape[2], info[k].shape[3]},
                .data = tensor_data(m, &info[k])};
        }
    }
    for (size_t i = 0; i < n_extra; i++)
        t[n++] = extra[i];
    architecture(m, &layers, inputs, sizeof inputs, loss, sizeof loss);
    all_meta[0] = (pipe_nn_st_meta){"pipe.format", FORMAT_TAG};
    all_meta[1] = (pipe_nn_st_meta){"pipe.inputs", inputs};
    all_meta[2] = (pipe_nn_st_meta){"pipe.layers", layers.data ? layers.data : ""};
    all_meta[3] = (pipe_nn_st_meta){"pipe.loss", loss};
    for (size_t i = 0; i < n_meta; i++)
        all_meta[4 + i] = meta[i];
    rc = layers.failed ? nn_fail(err, err_size, "out of memory")
                       : pipe_nn_st_write(f, t, n, all_meta, n_meta + 4, err, err_size);
done:
    nn_buf_free(&layers);
    free(t);
    free(names);
    free(all_meta);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Loading                                                              */
/* ------------------------------------------------------------------ */

/* Parse "pipe.layers" into a malloc'd array of specs. */
static pipe_nn_layer_spec *parse_layers(const char *text, int *count, char *err, size_t err_size)
{
    int n = 1;
    for (const char *c = text; *c; c++)
        n += *c == ';';
    pipe_nn_layer_spec *specs = calloc((size_t)n, sizeof *specs);
    char *copy = strdup(text), *save = NULL;
    if (!specs || !copy) {
        free(specs);
        free(copy);
        nn_fail(err, err_size, "out of memory");
        return NULL;
    }
    *count = 0;
    for (char *part = strtok_r(copy, ";", &save); part; part = strtok_r(NULL, ";", &save)) {
        char why[160];
        if (pipe_nn_layer_spec_parse(part, &specs[*count], why, sizeof why) != 0) {
            nn_fail(err, err_size, "layer %d: %s", *count + 1, why);
            free(specs);
            specs = NULL;
            break;
        }
        ++*count;
    }
    free(copy);
    return specs;
}

static int parse_loss(const char *text, pipe_nn_loss *loss, char *err, size_t err_size)
{
    char name[16] = "";
    double delta = 1;
    if (sscanf(text, "%15s delta=%lf", name, &delta) < 1 || pipe_nn_loss_parse(name) < 0)
        return nn_fail(err, err_size, "unknown loss '%s'", text);
    loss->kind = (pipe_nn_loss_kind)pipe_nn_loss_parse(name);
    loss->delta = delta;
    return 0;
}

/* "[8, 4, 3, 3]" into buf. */
static void shape_text(int rank, const int64_t *shape, char *buf, size_t size)
{
    size_t len = (size_t)snprintf(buf, size, "[");
    for (int k = 0; k < rank && len < size; k++)
        len +=
            (size_t)snprintf(buf + len, size - len, "%s%lld", k ? ", " : "", (long long)shape[k]);
    if (len < size)
        snprintf(buf + len, size - len, "]");
}

/* Check that a file tensor has the shape the model expects; a format-1
 * file (v1) holds conv kernels as (out, in · kh · kw). */
static int check_shape(const pipe_nn_st_tensor *t, const pipe_nn_tensor_info *info, int v1,
                       const char *name, char *err, size_t err_size)
{
    int same = t->rank == info->rank;
    for (int k = 0; same && k < info->rank; k++)
        same = t->shape[k] == info->shape[k];
    if (same)
        return 0;
    if (v1 && info->rank == 4 && t->rank == 2 && t->shape[0] == info->shape[0] &&
        t->shape[1] == info->shape[1] * info->shape[2] * info->shape[3])
        return 0;
    char want[96];
    shape_text(info->rank, info->shape, want, sizeof want);
    return nn_fail(err, err_size, "tensor '%s' should have shape %s", name, want);
}

/* Copy each layer tensor of the file into the model, checking shapes. */
static int load_tensors(pipe_nn_model *m, const pipe_nn_st_file *st, int v1, char *err,
                        size_t err_size)
{
    for (int i = 0; i < m->n_layers; i++) {
        pipe_nn_tensor_info info[PIPE_NN_MAX_LAYER_TENSORS];
        int count = pipe_nn_model_layer_tensors(m, i, info);
        for (int k = 0; k < count; k++) {
            char name[48];
            snprintf(name, sizeof name, "layers.%d.%s", i, info[k].name);
            const pipe_nn_st_tensor *t = pipe_nn_st_find(st, name);
            if (!t)
                return nn_fail(err, err_size, "tensor '%s' is missing", name);
            if (check_shape(t, &info[k], v1, name, err, err_size) != 0)
                return -1;
            nn_real *dst = tensor_data(m, &info[k]);
            for (int64_t e = 0; e < pipe_nn_st_count(t); e++)
                dst[e] = (nn_real)pipe_nn_st_get(t, e);
        }
    }
    return 0;
}

pipe_nn_model *pipe_nn_model_load(const pipe_nn_st_file *st, int max_batch, char *err,
                                  size_t err_size)
{
    const char *format = pipe_nn_st_meta_get(st, "pipe.format");
    const char *inputs = pipe_nn_st_meta_get(st, "pipe.inputs");
    const char *layers = pipe_nn_st_meta_get(st, "pipe.layers");
    const char *loss_text = pipe_nn_st_meta_get(st, "pipe.loss");
    if (format && strncmp(format, "pipe.nn/", 8) == 0 && strcmp(format, FORMAT_TAG) != 0 &&
        strcmp(format, FORMAT_TAG_1) != 0) {
        nn_fail(err, err_size,
                "model file format %s: this pipe reads %s and %s (a newer pipe wrote it?)", format,
                FORMAT_TAG_1, FORMAT_TAG);
        return NULL;
    }
    if (!format || strncmp(format, "pipe.nn/", 8) != 0 || !inputs || !layers || !loss_text) {
        nn_fail(err, err_size,
                "not a pipe model: the metadata lacks pipe.format = \"%s\", "
                "pipe.inputs, pipe.layers or pipe.loss",
                FORMAT_TAG);
        return NULL;
    }
    int chw[3] = {0, 1, 1}, n_layers = 0, used = 0;
    int fields = sscanf(inputs, "%dx%dx%d%n", &chw[0], &chw[1], &chw[2], &used);
    pipe_nn_loss loss;
    if (fields == 1)
        sscanf(inputs, "%d%n", &chw[0], &used);
    if ((fields != 1 && fields != 3) || inputs[used] || chw[0] < 1 || chw[1] < 1 || chw[2] < 1 ||
        (int64_t)chw[0] * chw[1] * chw[2] > 1 << 28) {
        nn_fail(err, err_size, "pipe.inputs = \"%s\" is not a count or CxHxW shape", inputs);
        return NULL;
    }
    if (parse_loss(loss_text, &loss, err, err_size) != 0)
        return NULL;
    pipe_nn_layer_spec *specs = parse_layers(layers, &n_layers, err, err_size);
    if (!specs)
        return NULL;
    pipe_nn_model *m = pipe_nn_model_new_chw(chw, specs, n_layers, &loss, max_batch, err, err_size);
    free(specs);
    if (m && load_tensors(m, st, strcmp(format, FORMAT_TAG_1) == 0, err, err_size) != 0) {
        pipe_nn_model_free(m);
        m = NULL;
    }
    return m;
}
