/*
 * test_nn_io.c — model files: save → load → predict gives identical
 * outputs; the written header is checked against the safetensors rules by
 * a small JSON reader written here, independent of the core's; broken
 * files are refused with exact messages; metadata helpers round-trip.
 */
#include "nn.h"
#include "nn_io.h"
#include "nn_train.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* An independent little JSON reader (objects, arrays, strings, numbers) */
/* ------------------------------------------------------------------ */

typedef struct jv {
    char kind; /* 'o' object, 'a' array, 's' string, 'n' number */
    char *str;
    double num;
    int n;
    char **keys;
    struct jv *items;
} jv;

static const char *skip(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
    return p;
}

static const char *parse_value(const char *p, jv *v);

static const char *parse_str(const char *p, char **out)
{
    cr_assert_eq(*p, '"', "expected a string at '%.20s'", p);
    char *s = malloc(strlen(p) + 1);
    int n = 0;
    for (p++; *p != '"'; p++) {
        cr_assert(*p, "unterminated string");
        if (*p == '\\') {
            p++;
            s[n++] = *p == 'n' ? '\n' : *p; /* enough for what we write */
        } else {
            s[n++] = *p;
        }
    }
    s[n] = 0;
    *out = s;
    return p + 1;
}

static const char *parse_items(const char *p, jv *v, char close)
{
    v->n = 0;
    p = skip(p + 1);
    if (*p == close)
        return p + 1;
    for (;;) {
        v->items = realloc(v->items, (size_t)(v->n + 1) * sizeof *v->items);
        v->keys = realloc(v->keys, (size_t)(v->n + 1) * sizeof *v->keys);
        v->keys[v->n] = NULL;
        if (close == '}') {
            p = parse_str(skip(p), &v->keys[v->n]);
            p = skip(p);
            cr_assert_eq(*p, ':');
            p++;
        }
        p = parse_value(skip(p), &v->items[v->n++]);
        p = skip(p);
        if (*p == close)
            return p + 1;
        cr_assert_eq(*p, ',', "expected ',' at '%.20s'", p);
        p++;
    }
}

static const char *parse_value(const char *p, jv *v)
{
    memset(v, 0, sizeof *v);
    p = skip(p);
    if (*p == '{' || *p == '[') {
        v->kind = *p == '{' ? 'o' : 'a';
        return parse_items(p, v, *p == '{' ? '}' : ']');
    }
    if (*p == '"') {
        v->kind = 's';
        return parse_str(p, &v->str);
    }
    char *end;
    v->kind = 'n';
    v->num = strtod(p, &end);
    cr_assert(end != p, "bad JSON at '%.20s'", p);
    return end;
}

static void jv_free(jv *v)
{
    for (int i = 0; i < v->n; i++) {
        free(v->keys[i]);
        jv_free(&v->items[i]);
    }
    free(v->keys);
    free(v->items);
    free(v->str);
}

static const jv *jv_get(const jv *obj, const char *key)
{
    for (int i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return &obj->items[i];
    return NULL;
}

/* ------------------------------------------------------------------ */
/* A model with every kind of layer, trained a little                  */
/* ------------------------------------------------------------------ */

#define N_IN 3
#define ROWS 40

static pipe_nn_model *trained_model(float *x)
{
    pipe_nn_layer_spec s[5];
    s[0] = pipe_nn_layer_spec_default(PIPE_NN_DENSE);
    s[0].units = 8;
    s[0].act = PIPE_NN_RELU;
    s[0].l2 = 0.001;
    s[1] = pipe_nn_layer_spec_default(PIPE_NN_BATCHNORM);
    s[2] = pipe_nn_layer_spec_default(PIPE_NN_DROPOUT);
    s[2].rate = 0.25;
    s[3] = pipe_nn_layer_spec_default(PIPE_NN_DENSE);
    s[3].units = 5;
    s[3].act = PIPE_NN_TANH;
    s[4] = pipe_nn_layer_spec_default(PIPE_NN_DENSE);
    s[4].units = 1;
    pipe_nn_loss loss = {PIPE_NN_HUBER, 0.5};
    char err[256];
    pipe_nn_model *m = pipe_nn_model_new(N_IN, s, 5, &loss, 16, err, sizeof err);
    cr_assert(m, "%s", err);
    pipe_rng rng;
    pipe_rng_seed(&rng, 11);
    pipe_nn_model_init(m, &rng, PIPE_NN_INIT_HE);
    float y[ROWS];
    for (int i = 0; i < ROWS * N_IN; i++)
        x[i] = (float)pipe_rng_normal(&rng);
    for (int i = 0; i < ROWS; i++)
        y[i] = x[i * N_IN] * x[i * N_IN + 1];
    pipe_nn_optim_config oc = pipe_nn_optim_config_default(PIPE_NN_ADAM);
    pipe_nn_optim *o = pipe_nn_optim_new(&oc, m);
    for (int step = 0; step < 30; step++) {
        int start = (step % 2) * 16;
        pipe_nn_model_forward(m, x + start * N_IN, 16, 1, &rng);
        pipe_nn_model_backward(m, x + start * N_IN, y + start, NULL, 16);
        pipe_nn_optim_step(o, m, 0.01);
    }
    pipe_nn_optim_free(o);
    return m;
}

static const double scaler_values[6] = {1.5, -2, 0.25, 3, 4, 0.5};

static char *save_model(pipe_nn_model *m)
{
    char *dir = pipe_test_tmpdir(), path[512];
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    free(dir);
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    pipe_nn_st_tensor extra = {.name = "scaler",
                               .dtype = PIPE_NN_ST_F64,
                               .rank = 2,
                               .shape = {2, 3},
                               .data = scaler_values};
    pipe_nn_st_meta meta[2] = {{"features", "[\"a\", \"b\", \"c\"]"}, {"note", "quote \" here"}};
    char err[256];
    cr_assert_eq(pipe_nn_model_save(m, f, &extra, 1, meta, 2, err, sizeof err), 0, "%s", err);
    fclose(f);
    return strdup(path);
}

Test(nn_io, save_load_predict_is_identical)
{
    float x[ROWS * N_IN];
    pipe_nn_model *m = trained_model(x);
    char *path = save_model(m);
    char err[256];
    pipe_nn_st_file *st = pipe_nn_st_read(path, err, sizeof err);
    cr_assert(st, "%s", err);
    /* The same batch size as the saved model: the same GEMM shapes, so
     * bit-identical predictions. */
    pipe_nn_model *back = pipe_nn_model_load(st, 16, err, sizeof err);
    cr_assert(back, "%s", err);
    double a[ROWS], b[ROWS];
    pipe_nn_model_predict(m, x, ROWS, a);
    pipe_nn_model_predict(back, x, ROWS, b);
    cr_assert_arr_eq(a, b, sizeof a, "predictions differ after save and load");
    /* Another batch size changes the GEMM row count, and some BLAS kernels
     * (OpenBLAS' AVX-512 ones) then sum in another order: equal to float
     * rounding, not bit for bit. */
    pipe_nn_model *chunked = pipe_nn_model_load(st, 7, err, sizeof err);
    cr_assert(chunked, "%s", err);
    pipe_nn_model_predict(chunked, x, ROWS, b);
    for (int i = 0; i < ROWS; i++)
        cr_assert_float_eq(a[i], b[i], 1e-5 * (1 + fabs(a[i])), "row %d: %g against %g", i, a[i],
                           b[i]);
    pipe_nn_model_free(chunked);
    cr_assert_eq(pipe_nn_model_loss(back)->kind, PIPE_NN_HUBER);
    cr_assert_float_eq(pipe_nn_model_loss(back)->delta, 0.5, 0);
    cr_assert_eq(pipe_nn_model_layer_spec(back, 2)->rate, 0.25);
    cr_assert_str_eq(pipe_nn_st_meta_get(st, "note"), "quote \" here");
    const pipe_nn_st_tensor *sc = pipe_nn_st_find(st, "scaler");
    cr_assert(sc && sc->rank == 2 && sc->shape[1] == 3);
    for (int i = 0; i < 6; i++)
        cr_assert_eq(pipe_nn_st_get(sc, i), scaler_values[i]);
    pipe_nn_model_free(back);
    pipe_nn_st_free(st);
    pipe_nn_model_free(m);
    free(path);
}

/* Check one tensor entry against the model's own buffers. */
static void check_entry(const jv *root, const char *name, const int64_t *shape, int rank,
                        const float *values, const unsigned char *data)
{
    const jv *e = jv_get(root, name);
    cr_assert(e && e->kind == 'o' && e->n == 3, "entry '%s' missing or malformed", name);
    cr_assert_str_eq(jv_get(e, "dtype")->str, "F32");
    const jv *sh = jv_get(e, "shape"), *off = jv_get(e, "data_offsets");
    cr_assert_eq(sh->n, rank, "%s", name);
    size_t count = 1;
    for (int k = 0; k < rank; k++) {
        cr_assert_eq((int64_t)sh->items[k].num, shape[k], "%s", name);
        count *= (size_t)shape[k];
    }
    cr_assert_eq(off->n, 2);
    cr_assert_eq((size_t)(off->items[1].num - off->items[0].num), count * sizeof(float));
    cr_assert_arr_eq(data + (size_t)off->items[0].num, values, count * sizeof(float), "%s", name);
}

Test(nn_io, header_follows_the_safetensors_rules)
{
    float x[ROWS * N_IN];
    pipe_nn_model *m = trained_model(x);
    char *path = save_model(m);
    size_t size;
    unsigned char *bytes = (unsigned char *)pipe_test_read_file(path, &size);
    cr_assert(bytes && size > 8);
    uint64_t n = 0;
    for (int i = 7; i >= 0; i--)
        n = n << 8 | bytes[i];
    cr_assert(n % 8 == 0 && 8 + n <= size, "header length %llu", (unsigned long long)n);
    cr_assert_eq(bytes[8], '{');
    char *header = strndup((char *)bytes + 8, n);
    jv root;
    const char *end = parse_value(header, &root);
    cr_assert_str_eq(skip(end), "", "only padding may follow the header object");
    cr_assert_eq(root.kind, 'o');
    const unsigned char *data = bytes + 8 + n;
    /* Every layer tensor, at its offsets, with the model's values. */
    size_t covered = 0;
    float *params = pipe_nn_model_params(m, NULL), *state = pipe_nn_model_state(m, NULL);
    for (int i = 0; i < pipe_nn_model_layer_count(m); i++) {
        pipe_nn_tensor_info info[PIPE_NN_MAX_LAYER_TENSORS];
        int count = pipe_nn_model_layer_tensors(m, i, info);
        for (int k = 0; k < count; k++) {
            char name[64];
            snprintf(name, sizeof name, "layers.%d.%s", i, info[k].name);
            check_entry(&root, name, info[k].shape, info[k].rank,
                        (info[k].is_state ? state : params) + info[k].offset, data);
            covered += (size_t)pipe_nn_tensor_count(&info[k]) * sizeof(float);
        }
    }
    /* Offsets: sorted, they tile the data section exactly. */
    double starts[32], ends[32];
    int n_t = 0;
    for (int i = 0; i < root.n; i++) {
        if (strcmp(root.keys[i], "__metadata__") == 0)
            continue;
        const jv *off = jv_get(&root.items[i], "data_offsets");
        starts[n_t] = off->items[0].num;
        ends[n_t++] = off->items[1].num;
    }
    for (int i = 0; i < n_t; i++)
        for (int k = i + 1; k < n_t; k++)
            if (starts[k] < starts[i]) {
                double t = starts[i], u = ends[i];
                starts[i] = starts[k], ends[i] = ends[k];
                starts[k] = t, ends[k] = u;
            }
    double at = 0;
    for (int i = 0; i < n_t; i++) {
        cr_assert_eq(starts[i], at, "hole or overlap at byte %g", at);
        at = ends[i];
    }
    cr_assert_eq((size_t)at, size - 8 - n, "the data section is not fully indexed");
    cr_assert_eq(covered + 6 * sizeof(double), size - 8 - n);
    /* Metadata: strings only, with the architecture. */
    const jv *meta = jv_get(&root, "__metadata__");
    cr_assert(meta && meta->kind == 'o');
    for (int i = 0; i < meta->n; i++)
        cr_assert_eq(meta->items[i].kind, 's', "metadata '%s' is not a string", meta->keys[i]);
    cr_assert_str_eq(jv_get(meta, "pipe.format")->str, "pipe.nn/2");
    cr_assert_str_eq(jv_get(meta, "pipe.inputs")->str, "3");
    cr_assert_str_eq(jv_get(meta, "pipe.loss")->str, "huber delta=0.5");
    cr_assert_str_eq(jv_get(meta, "pipe.layers")->str,
                     "dense units=8 act=relu alpha=0.01 l2=0.001; batchnorm momentum=0.99 "
                     "eps=0.001; dropout rate=0.25; dense units=5 act=tanh alpha=0.01 l2=0; "
                     "dense units=1 act=linear alpha=0.01 l2=0");
    cr_assert_str_eq(jv_get(jv_get(&root, "scaler"), "dtype")->str, "F64");
    jv_free(&root);
    free(header);
    free(bytes);
    pipe_nn_model_free(m);
    free(path);
}

/* Write raw bytes as a file: a header text, then `data_size` zero bytes. */
static char *raw_file(const char *header, size_t data_size)
{
    char *dir = pipe_test_tmpdir(), path[512];
    snprintf(path, sizeof path, "%s/raw.safetensors", dir);
    free(dir);
    FILE *f = fopen(path, "wb");
    uint64_t n = strlen(header);
    for (int i = 0; i < 8; i++)
        fputc((int)(n >> (8 * i) & 0xff), f);
    fputs(header, f);
    for (size_t i = 0; i < data_size; i++)
        fputc(0, f);
    fclose(f);
    return strdup(path);
}

static void expect_refused(const char *header, size_t data_size, const char *why)
{
    char *path = raw_file(header, data_size), err[512], want[1024];
    cr_assert_null(pipe_nn_st_read(path, err, sizeof err), "accepted: %s", header);
    snprintf(want, sizeof want, "'%s' is not a valid safetensors file: %s", path, why);
    cr_assert_str_eq(err, want);
    free(path);
}

Test(nn_io, broken_files_are_refused)
{
    expect_refused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                   "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}",
                   16, "the tensors' data_offsets leave holes or overlap");
    expect_refused("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8,
                   "tensor 'a': data_offsets [0, 8] do not hold its 12 bytes within the 8 "
                   "bytes of data");
    expect_refused("{\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4,
                   "unsupported dtype (expected F32 or F64) at byte 20 of the header");
    expect_refused("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                   "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                   8, "tensor name used twice at byte 58 of the header");
    expect_refused("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4,
                   "tensor entry lacks dtype, shape or data_offsets at byte 31 of the header");
    expect_refused("{\"a\" 1}", 0, "expected ':' at byte 5 of the header");
    char err[512];
    cr_assert_null(pipe_nn_st_read("/nonexistent/m.safetensors", err, sizeof err));
    cr_assert_str_eq(err, "cannot open '/nonexistent/m.safetensors': No such file or directory");
}

Test(nn_io, header_length_out_of_range)
{
    char *path = raw_file("{}", 0), err[512], want[600];
    FILE *f = fopen(path, "r+b");
    fputc(0x7f, f); /* the length now exceeds the file */
    fclose(f);
    cr_assert_null(pipe_nn_st_read(path, err, sizeof err));
    snprintf(want, sizeof want,
             "'%s' is not a valid safetensors file: the header length is "
             "missing or out of range",
             path);
    cr_assert_str_eq(err, want);
    free(path);
}

Test(nn_io, foreign_safetensors_is_not_a_model)
{
    char *path = raw_file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
    char err[512];
    pipe_nn_st_file *st = pipe_nn_st_read(path, err, sizeof err);
    cr_assert(st, "%s", err);
    cr_assert_null(pipe_nn_model_load(st, 8, err, sizeof err));
    cr_assert_str_eq(err, "not a pipe model: the metadata lacks pipe.format = \"pipe.nn/2\", "
                          "pipe.inputs, pipe.layers or pipe.loss");
    pipe_nn_st_free(st);
    free(path);
}

Test(nn_io, wrong_tensor_shape_is_named)
{
    float k[4] = {1, 2, 3, 4}, b[1] = {0};
    pipe_nn_st_tensor t[2] = {{"layers.0.kernel", PIPE_NN_ST_F32, 2, {4, 1}, k},
                              {"layers.0.bias", PIPE_NN_ST_F32, 1, {1}, b}};
    pipe_nn_st_meta meta[4] = {{"pipe.format", "pipe.nn/1"},
                               {"pipe.inputs", "2"},
                               {"pipe.layers", "dense units=1 act=linear"},
                               {"pipe.loss", "mse"}};
    char *dir = pipe_test_tmpdir(), path[512], err[512];
    snprintf(path, sizeof path, "%s/bad.safetensors", dir);
    FILE *f = fopen(path, "wb");
    cr_assert_eq(pipe_nn_st_write(f, t, 2, meta, 4, err, sizeof err), 0);
    fclose(f);
    pipe_nn_st_file *st = pipe_nn_st_read(path, err, sizeof err);
    cr_assert(st, "%s", err);
    cr_assert_null(pipe_nn_model_load(st, 8, err, sizeof err));
    cr_assert_str_eq(err, "tensor 'layers.0.kernel' should have shape [2, 1]");
    pipe_nn_st_free(st);
    free(dir);
}

Test(nn_io, names_round_trip_through_json)
{
    const char *names[5] = {"px1 ", "quote\"d", "back\\slash", "new\nline", "\xc3\xa9ta"};
    char *text = pipe_nn_names_to_json(names, 5);
    cr_assert_str_eq(text, "[\"px1 \", \"quote\\\"d\", \"back\\\\slash\", \"new\\u000aline\", "
                           "\"\xc3\xa9ta\"]");
    size_t n;
    char **back = pipe_nn_names_from_json(text, &n);
    cr_assert_eq(n, 5);
    for (int i = 0; i < 5; i++)
        cr_assert_str_eq(back[i], names[i]);
    pipe_nn_names_free(back, n);
    free(text);
    cr_assert_null(pipe_nn_names_from_json("[\"a\", 3]", &n));
    cr_assert_eq(n, 0);
}

Test(nn_io, layer_text_round_trip)
{
    pipe_nn_layer_spec s = pipe_nn_layer_spec_default(PIPE_NN_DENSE), back;
    s.units = 64;
    s.act = PIPE_NN_LEAKY_RELU;
    s.alpha = 0.3;
    s.l2 = 1e-4;
    char text[160], err[160];
    pipe_nn_layer_spec_format(&s, text, sizeof text);
    cr_assert_str_eq(text, "dense units=64 act=leaky_relu alpha=0.3 l2=0.0001");
    cr_assert_eq(pipe_nn_layer_spec_parse(text, &back, err, sizeof err), 0, "%s", err);
    cr_assert(back.units == 64 && back.act == PIPE_NN_LEAKY_RELU && back.alpha == 0.3 &&
              back.l2 == 1e-4);
    cr_assert_eq(pipe_nn_layer_spec_parse("dense units=4 rate=0.5", &back, err, sizeof err), -1);
    cr_assert_str_eq(err, "bad field 'rate=0.5' for a dense layer");
    cr_assert_eq(pipe_nn_layer_spec_parse("conv units=4", &back, err, sizeof err), -1);
    cr_assert_str_eq(err, "unknown layer 'conv'");
}
