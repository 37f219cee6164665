/*
 * classifier.h — what the files of the `classifier` stage share: the
 * parameters (which apply to which kind of model), the rows as the
 * models want them, fitting each kind of model into a network of the
 * shared core (plugins/nn), the model file, and the two modes.
 *
 * Every kind of model ends as a pipe_nn_model whose single output is the
 * score (the probability of class 1): the network itself; logistic
 * regression and the cut as one sigmoid dense unit; the majority class as
 * one linear unit with zero weights. So predict mode and the model file
 * are the same for all of them. With head: multiclass (kinds network and
 * majority) the model has K outputs, the class probabilities, and the
 * core's multi-class head (nn_stage_classes.c) makes the targets, class
 * weights and outputs, as in dnn and cnn. Rows, model files, predict mode's scaling
 * and the network's epoch loop come from the stage helpers of the core
 * (nn_stage.h), shared with the dnn stage.
 *
 * Model file metadata added by this stage: "stage" = "classifier",
 * "kind" (network, logistic, majority or cut), "head" (binary or
 * multiclass), and "threshold" (binary: the decision threshold, 17
 * significant digits) or "classes" (multiclass: the class names).
 */
#ifndef PIPE_CLASSIFIER_H
#define PIPE_CLASSIFIER_H

#include "classifier_core.h"
#include "nn_stage.h"

#include <pipe/pipe.h>

/* Inference batches. */
#define CLS_PREDICT_BATCH 512

typedef enum cls_kind { CLS_NETWORK, CLS_LOGISTIC, CLS_MAJORITY, CLS_CUT } cls_kind;
#define CLS_KIND_CHOICES "network|logistic|majority|cut"

/* The kind called `name` (one of CLS_KIND_CHOICES), or -1. */
int cls_kind_parse(const char *name);
const char *cls_kind_name(cls_kind kind);

/* ---- parameters (cls_params.c) ---- */

/* Check that every given parameter applies to the mode and kind, and
 * the values the runner cannot check alone. 0 or -1 (reported). */
int cls_check_params(pipe_ctx *ctx);

/* Nonzero for head: multiclass. */
int cls_is_multiclass(const pipe_ctx *ctx);

/* head: binary's class weights, from parameter class_weights (or its
 * old spelling class_weight, when given: cls_class_weight_param names
 * the one read): 0 with *balanced set for "balanced", 0 with weights[]
 * filled for none or [] (1, 1) or explicit ones, -1 after a reported
 * error. */
const char *cls_class_weight_param(const pipe_ctx *ctx);
int cls_read_class_weight(pipe_ctx *ctx, double weights[2], int *balanced);

/* The tune parameter: 0 with the objective, 1 for none. */
int cls_read_tune(pipe_ctx *ctx, pipe_nn_objective *objective);

/* Layer specifications of the network from the parameters (hidden
 * layers with batchnorm and dropout, then one sigmoid unit, or for
 * `classes` > 0 the K logits and the softmax); a malloc'd array of *n, or
 * NULL after a reported error. */
pipe_nn_layer_spec *cls_network_layers(pipe_ctx *ctx, int classes, int *n);

/* check(), kind: network, train mode: refuse (against "layers") a
 * network that cannot fit in memory even with the listed features (or
 * one input) and no rows counted. 0 or -1 (reported). */
int cls_check_network_memory(pipe_ctx *ctx);

/* ---- rows (cls_data.c) ---- */

typedef struct cls_data {
    pipe_nn_rows r; /* x, y (the class, 0 or 1; multiclass: one-hot), w, train and val rows */
    double *label;  /* the classes as doubles, r.rows of them */
    double class_weight[2];
    pipe_nn_classes classes; /* head: multiclass (k = 0 for binary) */
} cls_data;

void cls_data_free(cls_data *d);

/* Train mode's rows: the features of x chosen by the features parameter,
 * the classes from input y, the train and val rows of the split, the
 * class weights, with every check. 0 or -1 (reported). */
int cls_data_read(pipe_ctx *ctx, cls_data *d);
/* Keep only column `col` of x (the cut's variable). 0 or -1 (reported). */
int cls_data_keep_column(pipe_ctx *ctx, cls_data *d, int col);

/* ---- fitting (cls_network.c, cls_baselines.c) ---- */

/* Each returns the fitted model, or NULL after a reported error, and
 * reports its own metrics. The cut replaces d's columns by the one it
 * uses. */
pipe_nn_model *cls_fit_network(pipe_ctx *ctx, const cls_data *d);
pipe_nn_model *cls_fit_logistic(pipe_ctx *ctx, const cls_data *d);
pipe_nn_model *cls_fit_majority(pipe_ctx *ctx, const cls_data *d);
pipe_nn_model *cls_fit_cut(pipe_ctx *ctx, cls_data *d);

/* Report where the cut of a fitted cut model lies for `threshold`, in the
 * units of the variable before scaling when the scaler input scaled it. */
void cls_report_cut(pipe_ctx *ctx, pipe_nn_model *m, const cls_data *d, double threshold);

/* ---- modes (cls_train.c, cls_predict.c) ---- */

int cls_train(pipe_ctx *ctx);
int cls_predict(pipe_ctx *ctx);

/* Publish the scores (an f64 vector, taking the reference), and when
 * wanted the predicted classes and the threshold. 0 or -1 (reported). */
int cls_publish(pipe_ctx *ctx, pipe_tensor *score, double threshold);

/* The outputs mapped must be the head's: not score or threshold with
 * head: multiclass, not proba with head: binary. 0 or -1 (reported). */
int cls_check_head_ports(pipe_ctx *ctx, int multiclass);

#endif
