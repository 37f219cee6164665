/*
 * gbdt_core.h — pipe_gbdt: gradient-boosted decision trees on XGBoost's C
 * API, without the SDK context, so tests call it directly. Training on
 * chosen train rows with optional early stopping on val rows, prediction,
 * feature importance, and the model as XGBoost's own JSON (feature names
 * and pipe's metadata kept inside it as XGBoost attributes).
 *
 * Rows are float (XGBoost's own precision), row-major, rows x cols.
 */
#ifndef PIPE_GBDT_CORE_H
#define PIPE_GBDT_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pipe_gbdt_task {
    PIPE_GBDT_REGRESSION, /* reg:squarederror, metric rmse */
    PIPE_GBDT_BINARY,     /* binary:logistic, metric logloss, targets 0 or 1 */
    PIPE_GBDT_MULTICLASS, /* multi:softprob, metric mlogloss, targets 0 .. classes - 1 */
} pipe_gbdt_task;

/* What to train. Names follow the stage's parameters. */
typedef struct pipe_gbdt_config {
    pipe_gbdt_task task;
    int trees;               /* boosting rounds (at most) */
    int depth;               /* max_depth */
    double eta;              /* learning rate */
    double subsample;        /* fraction of train rows per tree */
    double colsample;        /* fraction of features per tree */
    double min_child_weight; /* minimum hessian sum in a leaf */
    double l1, l2;           /* alpha and lambda on the leaf weights */
    int early_stopping;      /* stop after this many rounds without a better val metric (0: off) */
    int threads;             /* nthread */
    int seed;                /* XGBoost's seed */
    int classes;             /* multiclass: the number of classes K (>= 2) */
} pipe_gbdt_config;

/* Training data: x (rows x cols) and y (rows), train and val row
 * indexes, optional row weights w (rows, NULL: all 1; XGBoost's instance
 * weights, which its metrics weigh too). */
typedef struct pipe_gbdt_data {
    const float *x, *y;
    int64_t rows;
    int cols;
    const int64_t *train, *val;
    int64_t n_train, n_val;
    const char *const *features; /* cols names, or NULL */
    const float *w;
} pipe_gbdt_data;

/* A trained or loaded model (owns the XGBoost booster). */
typedef struct pipe_gbdt_model pipe_gbdt_model;

/* How training went. */
typedef struct pipe_gbdt_fit {
    int rounds;          /* rounds run */
    int trees;           /* trees kept (best_iteration + 1 with early stopping) */
    int best_iteration;  /* 0-based round of the best val metric (last round without val) */
    double base_score;   /* the starting prediction */
    double train_metric; /* rmse or logloss of the kept model on the train rows */
    double val_metric;   /* the same on the val rows (NaN without val rows) */
} pipe_gbdt_fit;

/* Progress callback: round (1-based) of `total`, with the val metric (NaN
 * without val rows). */
typedef void (*pipe_gbdt_progress)(void *user, int round, int total, double val_metric);

/* "rmse", "logloss" or "mlogloss". */
const char *pipe_gbdt_metric_name(pipe_gbdt_task task);

/* Train. Returns the model, or NULL with a message in err. */
pipe_gbdt_model *pipe_gbdt_train(const pipe_gbdt_config *cfg, const pipe_gbdt_data *data,
                                 pipe_gbdt_fit *fit, pipe_gbdt_progress progress, void *user,
                                 char *err, size_t err_size);
void pipe_gbdt_free(pipe_gbdt_model *m);

/* The values predicted per row: 1, or K for a multiclass model. */
int pipe_gbdt_outputs(const pipe_gbdt_model *m);

/* Predictions for rows x cols floats into out[rows * outputs] (binary:
 * the probability of class 1; multiclass: the K class probabilities of
 * each row). Returns 0 or -1 with err. */
int pipe_gbdt_predict(pipe_gbdt_model *m, const float *x, int64_t rows, int cols, double *out,
                      char *err, size_t err_size);

/* Gain importance of each of the model's cols features (the average gain
 * of the splits on it, divided by the sum over features, as
 * scikit-learn's feature_importances_; 0 for unused features). 0 or -1. */
int pipe_gbdt_importance(pipe_gbdt_model *m, double *out, char *err, size_t err_size);

/* Metadata kept in the model file: string attributes by key. */
int pipe_gbdt_set_attr(pipe_gbdt_model *m, const char *key, const char *value);
/* The attribute `key` (copied into buf), or NULL when absent. */
const char *pipe_gbdt_get_attr(pipe_gbdt_model *m, const char *key, char *buf, size_t size);

/* The model's features: count, and names (NULL when it has none). The
 * names are owned by the model until its next call. */
int pipe_gbdt_features(pipe_gbdt_model *m, int *n, const char *const **names);

/* The model as XGBoost JSON; *json is owned by the model until its next
 * call. 0 or -1 with err. */
int pipe_gbdt_save(pipe_gbdt_model *m, const char **json, size_t *len, char *err, size_t err_size);
/* A model from XGBoost JSON (as pipe_gbdt_save wrote it), with `threads`
 * threads for prediction (its outputs per row from its num_class). NULL
 * with err. */
pipe_gbdt_model *pipe_gbdt_load(const char *json, size_t len, int threads, char *err,
                                size_t err_size);

#ifdef __cplusplus
}
#endif
#endif /* PIPE_GBDT_CORE_H */
