/*
 * nn_spatial.c — what the image layers (conv2d, pooling, global average
 * pooling, flatten, residual) add to the layer specifications: their
 * default windows, their text form in model files ("conv2d channels=16
 * kernel=3x3 stride=1x1 pad=1x1 act=relu alpha=0.01 l2=0", with
 * " groups=2" or " depthwise=1" for grouped convolutions) and its
 * parsing (the shape pass is in nn_graph.c).
 */
#include "nn_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nn_spatial_kind(pipe_nn_layer_kind kind)
{
    return kind >= PIPE_NN_CONV2D && kind <= PIPE_NN_RESIDUAL;
}

void nn_spatial_spec_default(pipe_nn_layer_spec *s)
{
    int pool = s->kind == PIPE_NN_MAXPOOL || s->kind == PIPE_NN_AVGPOOL;
    s->kernel[0] = s->kernel[1] = pool ? 2 : 3;
    s->stride[0] = s->stride[1] = pool ? 2 : 1;
    s->pad[0] = s->pad[1] = 0;
    s->norm = 1;
    if (s->kind == PIPE_NN_RESIDUAL)
        s->act = PIPE_NN_RELU;
}

/* v with 15 significant digits: reads back exactly for every value written
 * as a decimal of up to 15 digits (the YAML values these come from). */
static const char *real_text(double v, char *buf, size_t size)
{
    snprintf(buf, size, "%.15g", v);
    return buf;
}

void nn_spatial_spec_format(const pipe_nn_layer_spec *s, char *buf, size_t size)
{
    char a[32], b[32], c[32], d[32];
    const char *kind = pipe_nn_layer_kind_name(s->kind);
    int len = snprintf(buf, size, "%s", kind);
    if (s->kind == PIPE_NN_GLOBAL_AVGPOOL || s->kind == PIPE_NN_FLATTEN || len < 0 ||
        (size_t)len >= size)
        return;
    if (s->kind != PIPE_NN_MAXPOOL && s->kind != PIPE_NN_AVGPOOL)
        len += snprintf(buf + len, size - (size_t)len, " channels=%d", s->channels);
    if ((size_t)len < size)
        len += snprintf(buf + len, size - (size_t)len, " kernel=%dx%d stride=%dx%d", s->kernel[0],
                        s->kernel[1], s->stride[0], s->stride[1]);
    if ((size_t)len < size && s->kind != PIPE_NN_RESIDUAL)
        len += snprintf(buf + len, size - (size_t)len, " pad=%dx%d", s->pad[0], s->pad[1]);
    if ((size_t)len >= size || s->kind == PIPE_NN_MAXPOOL || s->kind == PIPE_NN_AVGPOOL)
        return;
    len +=
        snprintf(buf + len, size - (size_t)len, " act=%s alpha=%s l2=%s", pipe_nn_act_name(s->act),
                 real_text(s->alpha, a, sizeof a), real_text(s->l2, b, sizeof b));
    if ((size_t)len < size && s->kind == PIPE_NN_RESIDUAL)
        snprintf(buf + len, size - (size_t)len, " norm=%d momentum=%s eps=%s", s->norm,
                 real_text(s->momentum, c, sizeof c), real_text(s->eps, d, sizeof d));
    if ((size_t)len < size && s->kind == PIPE_NN_CONV2D && s->depthwise)
        snprintf(buf + len, size - (size_t)len, " depthwise=1");
    else if ((size_t)len < size && s->kind == PIPE_NN_CONV2D && s->groups > 1)
        snprintf(buf + len, size - (size_t)len, " groups=%d", s->groups);
}

/* "3x5" or "3" (both dimensions) into pair[2]; 0, or -1 when malformed. */
static int parse_pair(const char *value, int lowest, int pair[2])
{
    char *end;
    errno = 0;
    long h = strtol(value, &end, 10), w = h;
    if (end != value && *end == 'x')
        w = strtol(end + 1, &end, 10);
    if (end == value || *end || errno || h < lowest || w < lowest || h > 1 << 20 || w > 1 << 20)
        return -1;
    pair[0] = (int)h;
    pair[1] = (int)w;
    return 0;
}

/* Which keys each kind takes. */
static int takes(pipe_nn_layer_kind kind, const char *key)
{
    int conv = kind == PIPE_NN_CONV2D, res = kind == PIPE_NN_RESIDUAL;
    int pool = kind == PIPE_NN_MAXPOOL || kind == PIPE_NN_AVGPOOL;
    if (!strcmp(key, "kernel") || !strcmp(key, "stride"))
        return conv || res || pool;
    if (!strcmp(key, "pad"))
        return conv || pool;
    if (!strcmp(key, "channels") || !strcmp(key, "act") || !strcmp(key, "alpha") ||
        !strcmp(key, "l2"))
        return conv || res;
    if (!strcmp(key, "groups") || !strcmp(key, "depthwise") || !strcmp(key, "expand"))
        return conv;
    return res && (!strcmp(key, "norm") || !strcmp(key, "momentum") || !strcmp(key, "eps"));
}

int nn_spatial_spec_field(pipe_nn_layer_spec *s, const char *key, const char *value, char *err,
                          size_t err_size)
{
    int pair[2], act;
    char *end;
    if (!takes(s->kind, key))
        return nn_fail(err, err_size, "bad field '%s=%s' for a %s layer", key, value,
                       pipe_nn_layer_kind_name(s->kind));
    if (!strcmp(key, "kernel") || !strcmp(key, "stride") || !strcmp(key, "pad")) {
        if (parse_pair(value, key[0] == 'p' ? 0 : 1, pair) != 0)
            return nn_fail(err, err_size, "'%s=%s' is not a size like 3x3", key, value);
        int *dst = key[0] == 'k' ? s->kernel : key[0] == 's' ? s->stride : s->pad;
        memcpy(dst, pair, sizeof pair);
        return 0;
    }
    if (!strcmp(key, "act")) {
        if ((act = pipe_nn_act_parse(value)) < 0)
            return nn_fail(err, err_size, "unknown activation '%s'", value);
        s->act = (pipe_nn_act)act;
        return 0;
    }
    errno = 0;
    double v = strtod(value, &end);
    if (end == value || *end || errno)
        return nn_fail(err, err_size, "'%s=%s' is not a number", key, value);
    if (!strcmp(key, "channels") || !strcmp(key, "norm") || !strcmp(key, "groups") ||
        !strcmp(key, "depthwise") || !strcmp(key, "expand")) {
        if (v != (int)v || v < 0 || v > 1 << 20)
            return nn_fail(err, err_size, "'%s=%s' is not a count", key, value);
        *(key[0] == 'c'   ? &s->channels
          : key[0] == 'n' ? &s->norm
          : key[0] == 'g' ? &s->groups
          : key[0] == 'e' ? &s->expand
                          : &s->depthwise) = (int)v;
    } else {
        *(!strcmp(key, "alpha") ? &s->alpha
          : !strcmp(key, "l2")  ? &s->l2
          : key[0] == 'm'       ? &s->momentum
                                : &s->eps) = v;
    }
    return 0;
}
