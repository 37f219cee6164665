/*
 * nn_safetensors.c — writing and reading safetensors files (see nn_io.h
 * for the layout). The reader checks every rule of the format it relies
 * on and names the file and the offending entry when one is broken.
 */
#include "nn_internal.h"
#include "nn_io.h"
#include "nn_json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The format's cap on the header, against hostile files. */
#define ST_MAX_HEADER (100u << 20)

struct pipe_nn_st_file {
    unsigned char *bytes;
    size_t size;
    pipe_nn_st_tensor *tensors;
    size_t n, cap;
    pipe_nn_st_meta *meta;
    size_t n_meta, cap_meta;
};

static int little_endian(void)
{
    const uint16_t one = 1;
    return *(const unsigned char *)&one == 1;
}

static size_t dtype_size(pipe_nn_st_dtype d)
{
    return d == PIPE_NN_ST_F64 ? 8 : 4;
}

int64_t pipe_nn_st_count(const pipe_nn_st_tensor *t)
{
    int64_t count = 1;
    for (int i = 0; i < t->rank; i++)
        count *= t->shape[i];
    return count;
}

double pipe_nn_st_get(const pipe_nn_st_tensor *t, int64_t i)
{
    const unsigned char *p = (const unsigned char *)t->data + i * (int64_t)dtype_size(t->dtype);
    if (t->dtype == PIPE_NN_ST_F64) {
        double v;
        memcpy(&v, p, sizeof v);
        return v;
    }
    float v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* ------------------------------------------------------------------ */
/* Writing                                                              */
/* ------------------------------------------------------------------ */

static int check_names(const pipe_nn_st_tensor *t, size_t n, char *err, size_t err_size)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(t[i].name, "__metadata__") == 0 || !t[i].name[0])
            return nn_fail(err, err_size, "invalid tensor name '%s'", t[i].name);
        if (t[i].rank < 0 || t[i].rank > 4)
            return nn_fail(err, err_size, "tensor '%s': rank %d is not in [0, 4]", t[i].name,
                           t[i].rank);
        for (size_t k = 0; k < i; k++)
            if (strcmp(t[i].name, t[k].name) == 0)
                return nn_fail(err, err_size, "tensor name '%s' used twice", t[i].name);
    }
    return 0;
}

static void header_text(nn_buf *h, const pipe_nn_st_tensor *t, size_t n,
                        const pipe_nn_st_meta *meta, size_t n_meta)
{
    nn_buf_add(h, "{");
    if (n_meta) {
        nn_buf_add(h, "\"__metadata__\":{");
        for (size_t i = 0; i < n_meta; i++) {
            nn_buf_add(h, i ? "," : "");
            nn_buf_add_string(h, meta[i].key);
            nn_buf_add(h, ":");
            nn_buf_add_string(h, meta[i].value);
        }
        nn_buf_add(h, n ? "}," : "}");
    }
    int64_t offset = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t bytes = pipe_nn_st_count(&t[i]) * (int64_t)dtype_size(t[i].dtype);
        nn_buf_add(h, i ? "," : "");
        nn_buf_add_string(h, t[i].name);
        nn_buf_addf(h, ":{\"dtype\":\"%s\",\"shape\":[",
                    t[i].dtype == PIPE_NN_ST_F64 ? "F64" : "F32");
        for (int k = 0; k < t[i].rank; k++)
            nn_buf_addf(h, "%s%lld", k ? "," : "", (long long)t[i].shape[k]);
        nn_buf_addf(h, "],\"data_offsets\":[%lld,%lld]}", (long long)offset,
                    (long long)(offset + bytes));
        offset += bytes;
    }
    nn_buf_add(h, "}");
    while (h->len % 8)
        nn_buf_add(h, " ");
}

int pipe_nn_st_write(FILE *f, const pipe_nn_st_tensor *tensors, size_t n,
                     const pipe_nn_st_meta *meta, size_t n_meta, char *err, size_t err_size)
{
    if (!little_endian())
        return nn_fail(err, err_size, "safetensors files are little-endian; this host is not");
    if (check_names(tensors, n, err, err_size) != 0)
        return -1;
    nn_buf h = {0};
    header_text(&h, tensors, n, meta, n_meta);
    if (h.failed) {
        nn_buf_free(&h);
        return nn_fail(err, err_size, "out of memory");
    }
    unsigned char len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)((uint64_t)h.len >> (8 * i));
    int ok = fwrite(len, 1, 8, f) == 8 && fwrite(h.data, 1, h.len, f) == h.len;
    for (size_t i = 0; ok && i < n; i++) {
        size_t bytes = (size_t)pipe_nn_st_count(&tensors[i]) * dtype_size(tensors[i].dtype);
        ok = fwrite(tensors[i].data, 1, bytes, f) == bytes;
    }
    nn_buf_free(&h);
    return ok ? 0 : nn_fail(err, err_size, "write failed: %s", strerror(errno));
}

/* ------------------------------------------------------------------ */
/* Reading                                                              */
/* ------------------------------------------------------------------ */

void pipe_nn_st_free(pipe_nn_st_file *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++)
        free((char *)f->tensors[i].name);
    for (size_t i = 0; i < f->n_meta; i++) {
        free((char *)f->meta[i].key);
        free((char *)f->meta[i].value);
    }
    free(f->tensors);
    free(f->meta);
    free(f->bytes);
    free(f);
}

/* Read the whole file. */
static int slurp(pipe_nn_st_file *f, const char *path, char *err, size_t err_size)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return nn_fail(err, err_size, "cannot open '%s': %s", path, strerror(errno));
    size_t cap = 1 << 16;
    f->bytes = malloc(cap);
    while (f->bytes) {
        f->size += fread(f->bytes + f->size, 1, cap - f->size, in);
        if (f->size < cap)
            break;
        unsigned char *more = realloc(f->bytes, cap *= 2);
        if (!more)
            free(f->bytes);
        f->bytes = more;
    }
    int failed = ferror(in);
    fclose(in);
    if (!f->bytes)
        return nn_fail(err, err_size, "'%s': out of memory", path);
    if (failed)
        return nn_fail(err, err_size, "cannot read '%s'", path);
    return 0;
}

/* "__metadata__": {"key": "value", ...} */
static int parse_meta(nn_json *j, pipe_nn_st_file *f)
{
    if (nn_json_expect(j, '{') != 0)
        return -1;
    if (nn_json_accept(j, '}'))
        return 0;
    do {
        if (f->n_meta == f->cap_meta) {
            f->cap_meta = f->cap_meta ? 2 * f->cap_meta : 8;
            pipe_nn_st_meta *m = realloc(f->meta, f->cap_meta * sizeof *m);
            if (!m)
                return nn_json_fail(j, "out of memory");
            f->meta = m;
        }
        pipe_nn_st_meta *m = &f->meta[f->n_meta];
        m->key = nn_json_string(j);
        m->value = NULL;
        f->n_meta++;
        if (!m->key || nn_json_expect(j, ':') != 0)
            return -1;
        if (!nn_json_next_is(j, '"'))
            return nn_json_fail(j, "metadata values must be strings");
        if (!(m->value = nn_json_string(j)))
            return -1;
    } while (nn_json_accept(j, ','));
    return nn_json_expect(j, '}');
}

/* [n, n, ...] with at most `max` items; returns the count or -1. */
static int parse_uint_list(nn_json *j, int64_t *v, int max)
{
    int count = 0;
    if (nn_json_expect(j, '[') != 0)
        return -1;
    if (nn_json_accept(j, ']'))
        return 0;
    do {
        if (count == max)
            return nn_json_fail(j, "too many items in list");
        if (nn_json_uint(j, &v[count++]) != 0)
            return -1;
    } while (nn_json_accept(j, ','));
    return nn_json_expect(j, ']') == 0 ? count : -1;
}

static int parse_dtype(nn_json *j, pipe_nn_st_tensor *t)
{
    char *d = nn_json_string(j);
    if (!d)
        return -1;
    int ok = 1;
    if (strcmp(d, "F32") == 0)
        t->dtype = PIPE_NN_ST_F32;
    else if (strcmp(d, "F64") == 0)
        t->dtype = PIPE_NN_ST_F64;
    else
        ok = 0;
    free(d);
    return ok ? 0 : nn_json_fail(j, "unsupported dtype (expected F32 or F64)");
}

/* {"dtype": ..., "shape": [...], "data_offsets": [b, e]} */
static int parse_tensor(nn_json *j, pipe_nn_st_tensor *t, int64_t range[2])
{
    int seen = 0;
    if (nn_json_expect(j, '{') != 0)
        return -1;
    do {
        char *key = nn_json_string(j);
        int rc = !key || nn_json_expect(j, ':') != 0 ? -1 : 0, bit = 0;
        if (rc == 0) {
            bit = strcmp(key, "dtype") == 0          ? 1
                  : strcmp(key, "shape") == 0        ? 2
                  : strcmp(key, "data_offsets") == 0 ? 4
                                                     : 0;
            if (!bit || (seen & bit))
                rc = nn_json_fail(j, "unknown or repeated key in tensor entry");
            seen |= bit;
        }
        if (rc == 0 && bit == 1)
            rc = parse_dtype(j, t);
        else if (rc == 0 && bit == 2)
            rc = (t->rank = parse_uint_list(j, t->shape, 4)) < 0 ? -1 : 0;
        else if (rc == 0 && bit == 4 && parse_uint_list(j, range, 2) != 2)
            rc = nn_json_fail(j, "data_offsets must be [begin, end]");
        free(key);
        if (rc != 0)
            return -1;
    } while (nn_json_accept(j, ','));
    if (seen != 7)
        return nn_json_fail(j, "tensor entry lacks dtype, shape or data_offsets");
    return nn_json_expect(j, '}');
}

static int add_tensor(nn_json *j, pipe_nn_st_file *f, char *name, int64_t (**ranges)[2])
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->tensors[i].name, name) == 0) {
            free(name);
            return nn_json_fail(j, "tensor name used twice");
        }
    if (f->n == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 16;
        pipe_nn_st_tensor *t = realloc(f->tensors, f->cap * sizeof *t);
        int64_t(*r)[2] = realloc(*ranges, f->cap * sizeof *r);
        if (t)
            f->tensors = t;
        if (r)
            *ranges = r;
        if (!t || !r) {
            free(name);
            return nn_json_fail(j, "out of memory");
        }
    }
    pipe_nn_st_tensor *t = &f->tensors[f->n++];
    memset(t, 0, sizeof *t);
    t->name = name;
    return parse_tensor(j, t, (*ranges)[f->n - 1]);
}

static int parse_header(nn_json *j, pipe_nn_st_file *f, int64_t (**ranges)[2])
{
    int have_meta = 0;
    if (nn_json_expect(j, '{') != 0)
        return -1;
    if (!nn_json_accept(j, '}')) {
        do {
            char *key = nn_json_string(j);
            if (!key || nn_json_expect(j, ':') != 0) {
                free(key);
                return -1;
            }
            if (strcmp(key, "__metadata__") == 0) {
                free(key);
                if (have_meta++ || parse_meta(j, f) != 0)
                    return nn_json_fail(j, "bad or repeated __metadata__");
            } else if (add_tensor(j, f, key, ranges) != 0) {
                return -1;
            }
        } while (nn_json_accept(j, ','));
        if (nn_json_expect(j, '}') != 0)
            return -1;
    }
    return nn_json_at_end(j) ? 0 : nn_json_fail(j, "text after the header object");
}

/* Check the byte ranges: sizes match shapes, no holes, no overlaps. */
static int check_ranges(pipe_nn_st_file *f, int64_t (*r)[2], size_t data_size, char *err,
                        size_t err_size)
{
    size_t *order = malloc((f->n ? f->n : 1) * sizeof *order);
    if (!order)
        return nn_fail(err, err_size, "out of memory");
    for (size_t i = 0; i < f->n; i++) {
        int64_t want = pipe_nn_st_count(&f->tensors[i]) * (int64_t)dtype_size(f->tensors[i].dtype);
        if (r[i][1] < r[i][0] || r[i][1] - r[i][0] != want || (size_t)r[i][1] > data_size) {
            free(order);
            return nn_fail(err, err_size,
                           "tensor '%s': data_offsets [%lld, %lld] do not hold "
                           "its %lld bytes within the %zu bytes of data",
                           f->tensors[i].name, (long long)r[i][0], (long long)r[i][1],
                           (long long)want, data_size);
        }
        order[i] = i;
    }
    /* Insertion sort by start offset: a model has tens of tensors. */
    for (size_t i = 1; i < f->n; i++)
        for (size_t k = i; k > 0 && r[order[k]][0] < r[order[k - 1]][0]; k--) {
            size_t t = order[k];
            order[k] = order[k - 1];
            order[k - 1] = t;
        }
    int64_t at = 0;
    for (size_t i = 0; i < f->n && at >= 0; i++)
        at = r[order[i]][0] == at ? r[order[i]][1] : -1;
    free(order);
    if (at != (int64_t)data_size)
        return nn_fail(err, err_size, "the tensors' data_offsets leave holes or overlap");
    return 0;
}

pipe_nn_st_file *pipe_nn_st_read(const char *path, char *err, size_t err_size)
{
    pipe_nn_st_file *f = calloc(1, sizeof *f);
    int64_t(*ranges)[2] = NULL;
    char why[200] = "";
    int rc = f ? slurp(f, path, err, err_size) : nn_fail(err, err_size, "out of memory");
    if (rc == 0) {
        uint64_t n = 0;
        for (int i = 0; f->size >= 8 && i < 8; i++)
            n |= (uint64_t)f->bytes[i] << (8 * i);
        if (f->size < 8 || n > ST_MAX_HEADER || n > f->size - 8 || n < 2) {
            rc = nn_fail(why, sizeof why, "the header length is missing or out of range");
        } else {
            nn_json j = {.start = (char *)f->bytes + 8,
                         .p = (char *)f->bytes + 8,
                         .end = (char *)f->bytes + 8 + n};
            rc = parse_header(&j, f, &ranges);
            if (rc != 0)
                snprintf(why, sizeof why, "%s", j.err);
            else
                rc = check_ranges(f, ranges, f->size - 8 - n, why, sizeof why);
            for (size_t i = 0; rc == 0 && i < f->n; i++)
                f->tensors[i].data = f->bytes + 8 + n + ranges[i][0];
        }
        if (rc != 0)
            nn_fail(err, err_size, "'%s' is not a valid safetensors file: %s", path, why);
    }
    free(ranges);
    if (rc != 0) {
        pipe_nn_st_free(f);
        return NULL;
    }
    return f;
}

size_t pipe_nn_st_tensor_count(const pipe_nn_st_file *f)
{
    return f->n;
}

const pipe_nn_st_tensor *pipe_nn_st_tensor_at(const pipe_nn_st_file *f, size_t i)
{
    return i < f->n ? &f->tensors[i] : NULL;
}

const pipe_nn_st_tensor *pipe_nn_st_find(const pipe_nn_st_file *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->tensors[i].name, name) == 0)
            return &f->tensors[i];
    return NULL;
}

const char *pipe_nn_st_meta_get(const pipe_nn_st_file *f, const char *key)
{
    for (size_t i = 0; i < f->n_meta; i++)
        if (strcmp(f->meta[i].key, key) == 0)
            return f->meta[i].value;
    return NULL;
}
