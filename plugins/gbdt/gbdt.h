/*
 * gbdt.h — what the files of the `gbdt` stage share: the two modes, the
 * outputs common to both, and the metadata keys kept in the model file.
 */
#ifndef PIPE_GBDT_STAGE_H
#define PIPE_GBDT_STAGE_H

#include "gbdt_core.h"
#include "nn_stage.h"

#include <pipe/pipe.h>

/* XGBoost attributes in the model file (learner.attributes). */
#define GBDT_ATTR_STAGE "pipe_stage"         /* "gbdt" */
#define GBDT_ATTR_TASK "pipe_task"           /* "regression" or "binary" */
#define GBDT_ATTR_TARGET "pipe_target"       /* the target's name */
#define GBDT_ATTR_THRESHOLD "pipe_threshold" /* binary: the decision threshold */
#define GBDT_ATTR_CLASSES "pipe_classes"     /* multiclass: the class names, a JSON list */

/* "regression", "binary" or "multiclass", and back (-1 for anything else). */
const char *gbdt_task_name(pipe_gbdt_task task);
int gbdt_task_parse(const char *name);

/* Publish the predictions of every row: "pred" always, and for binary
 * "score", "predicted" (score >= threshold) and "threshold" when wanted.
 * Takes the values (malloc'd, rows of them). 0 or -1 (reported). */
int gbdt_publish(pipe_ctx *ctx, pipe_gbdt_task task, double *pred, int64_t rows, double threshold);

/* Multiclass: publish "proba" (rows × K, the class names as columns) and
 * "predicted" (the most probable class) from the K probabilities of each
 * row (malloc'd, taken), as the network stages' multiclass head. */
int gbdt_publish_classes(pipe_ctx *ctx, double *proba, int64_t rows, const pipe_nn_classes *c);

int gbdt_train(pipe_ctx *ctx);
int gbdt_predict(pipe_ctx *ctx);

#endif /* PIPE_GBDT_STAGE_H */
