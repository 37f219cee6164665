/*
 * nn_io.h — model files in the safetensors format, readable by PyTorch,
 * NumPy and the `safetensors` Python package:
 *
 *   8 bytes   N, the header length, unsigned little-endian
 *   N bytes   a JSON object: for each tensor "name": {"dtype": "F32",
 *             "shape": [14, 128], "data_offsets": [begin, end]}, and
 *             "__metadata__": {"key": "value", ...} (strings only);
 *             padded with spaces to a multiple of 8 bytes
 *   the rest  the tensors' raw little-endian bytes, row-major, packed
 *             without holes; offsets are relative to this section
 *
 * A model file holds each layer's tensors as "layers.<i>.<name>", i the
 * layer's index in "pipe.layers" (e.g. "layers.0.kernel": a dense kernel
 * [in, out], a conv kernel [out, in / groups, kh, kw] as PyTorch's
 * Conv2d.weight; "layers.0.bias"; a batchnorm's "gamma", "beta",
 * "moving_mean", "moving_variance"), any extra tensors the stage adds (the
 * scaler's parameters), and the architecture in the metadata:
 * "pipe.format" = "pipe.nn/2", "pipe.inputs" = "14" (or "CxHxW" for
 * images), "pipe.layers" = "dense units=128 act=relu alpha=0.01 l2=0.001;
 * ..." (layer i's inputs as " from=j,k" when they are not layer i − 1;
 * −1 is the model's input), "pipe.loss" = "mse delta=1". Format 1 files
 * (conv kernels flattened to [out, in · kh · kw], the same values) still
 * load; another format is refused, naming it.
 */
#ifndef PIPE_NN_IO_H
#define PIPE_NN_IO_H

#include "nn.h"

#include <stdio.h>

typedef enum pipe_nn_st_dtype { PIPE_NN_ST_F32, PIPE_NN_ST_F64 } pipe_nn_st_dtype;

/* One tensor of a safetensors file. `data` points to count × 4 or 8
 * little-endian bytes, not necessarily aligned: read with pipe_nn_st_get. */
typedef struct pipe_nn_st_tensor {
    const char *name;
    pipe_nn_st_dtype dtype;
    int rank; /* 0 to 4 */
    int64_t shape[4];
    const void *data;
} pipe_nn_st_tensor;

typedef struct pipe_nn_st_meta {
    const char *key, *value;
} pipe_nn_st_meta;

/* Element count of a tensor (1 for rank 0). */
int64_t pipe_nn_st_count(const pipe_nn_st_tensor *t);
/* Element i as a double. */
double pipe_nn_st_get(const pipe_nn_st_tensor *t, int64_t i);

/* Write a safetensors file to `f`. Names must be unique and not
 * "__metadata__". Returns 0, or -1 with a message in err. */
int pipe_nn_st_write(FILE *f, const pipe_nn_st_tensor *tensors, size_t n,
                     const pipe_nn_st_meta *meta, size_t n_meta, char *err, size_t err_size);

/* A safetensors file read into memory and checked against the format's
 * rules (header length, JSON syntax, dtypes, shapes matching the byte
 * ranges, ranges covering the data without holes or overlaps). */
typedef struct pipe_nn_st_file pipe_nn_st_file;

/* Returns NULL with a message naming `path` in err on any failure. */
pipe_nn_st_file *pipe_nn_st_read(const char *path, char *err, size_t err_size);
void pipe_nn_st_free(pipe_nn_st_file *f);
size_t pipe_nn_st_tensor_count(const pipe_nn_st_file *f);
const pipe_nn_st_tensor *pipe_nn_st_tensor_at(const pipe_nn_st_file *f, size_t i);
const pipe_nn_st_tensor *pipe_nn_st_find(const pipe_nn_st_file *f, const char *name);
/* A metadata value, or NULL. */
const char *pipe_nn_st_meta_get(const pipe_nn_st_file *f, const char *key);

/*
 * Save a model: its layers' tensors and architecture, plus `extra`
 * tensors and metadata (keys must not start with "pipe."). Returns 0, or
 * -1 with a message in err.
 */
int pipe_nn_model_save(pipe_nn_model *m, FILE *f, const pipe_nn_st_tensor *extra, size_t n_extra,
                       const pipe_nn_st_meta *meta, size_t n_meta, char *err, size_t err_size);

/* Rebuild the model saved in `st`, for batches of up to max_batch rows.
 * Returns NULL with a message in err (a file that is not a pipe model, a
 * missing tensor or one of the wrong shape, ...). */
pipe_nn_model *pipe_nn_model_load(const pipe_nn_st_file *st, int max_batch, char *err,
                                  size_t err_size);

/* The text form of a layer ("dense units=128 act=relu alpha=0.01 l2=0"),
 * as stored in "pipe.layers"; and back. Parsing returns 0 or -1. */
void pipe_nn_layer_spec_format(const pipe_nn_layer_spec *s, char *buf, size_t size);
int pipe_nn_layer_spec_parse(const char *text, pipe_nn_layer_spec *s, char *err, size_t err_size);

/* A list of names as JSON array text ("[\"E1\", \"px1\"]"), for metadata
 * values: malloc'd, NULL when out of memory. */
char *pipe_nn_names_to_json(const char *const *names, size_t n);
/* Parse such a text: a malloc'd array of *n malloc'd names (free them with
 * pipe_nn_names_free), or NULL with *n = 0 when the text is not a JSON
 * array of strings. */
char **pipe_nn_names_from_json(const char *text, size_t *n);
void pipe_nn_names_free(char **names, size_t n);

#endif
