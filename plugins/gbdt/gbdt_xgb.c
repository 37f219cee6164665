/*
 * gbdt_xgb.c — pipe_gbdt on XGBoost's C API (libxgboost): DMatrix from the
 * chosen rows, the booster's parameters, the boosting loop with early
 * stopping on the val rows, predictions, gain importance, and the model as
 * XGBoost JSON with pipe's metadata as attributes.
 */
#include "gbdt_core.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xgboost/c_api.h>

struct pipe_gbdt_model {
    BoosterHandle booster;
    int cols;
    int outputs; /* values per row: 1, or K classes */
};

/* Write "XGBoost: <its last error>" (or a message of ours) into err; -1. */
static int xgb_error(char *err, size_t size, const char *what)
{
    snprintf(err, size, "XGBoost %s failed: %s", what, XGBGetLastError());
    return -1;
}

static int set_param(BoosterHandle b, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int set_param(BoosterHandle b, const char *name, const char *fmt, ...)
{
    char value[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    return XGBoosterSetParam(b, name, value);
}

const char *pipe_gbdt_metric_name(pipe_gbdt_task task)
{
    static const char *const names[] = {"rmse", "logloss", "mlogloss"};
    return names[task];
}

int pipe_gbdt_outputs(const pipe_gbdt_model *m)
{
    return m->outputs;
}

/* The rows idx[0..n) of data as a DMatrix with their labels. */
static DMatrixHandle rows_matrix(const pipe_gbdt_data *d, const int64_t *idx, int64_t n)
{
    float *x = malloc((size_t)(n * d->cols + 1) * sizeof *x),
          *y = malloc((size_t)(n + 1) * sizeof *y), *w = malloc((size_t)(n + 1) * sizeof *w);
    DMatrixHandle m = NULL;
    if (x && y && w) {
        for (int64_t i = 0; i < n; i++) {
            memcpy(x + i * d->cols, d->x + idx[i] * d->cols, (size_t)d->cols * sizeof *x);
            y[i] = d->y[idx[i]];
            w[i] = d->w ? d->w[idx[i]] : 1;
        }
        if (XGDMatrixCreateFromMat(x, (bst_ulong)n, (bst_ulong)d->cols, NAN, &m) != 0 ||
            XGDMatrixSetFloatInfo(m, "label", y, (bst_ulong)n) != 0 ||
            (d->w && XGDMatrixSetFloatInfo(m, "weight", w, (bst_ulong)n) != 0)) {
            if (m)
                XGDMatrixFree(m);
            m = NULL;
        }
    }
    free(x);
    free(y);
    free(w);
    return m;
}

static int set_params(BoosterHandle b, const pipe_gbdt_config *c, double base_score)
{
    static const char *const objectives[] = {"reg:squarederror", "binary:logistic",
                                             "multi:softprob"};
    int rc = XGBoosterSetParam(b, "verbosity", "0");
    rc |= XGBoosterSetParam(b, "booster", "gbtree");
    rc |= XGBoosterSetParam(b, "tree_method", "hist");
    rc |= XGBoosterSetParam(b, "objective", objectives[c->task]);
    if (c->task == PIPE_GBDT_MULTICLASS)
        rc |= set_param(b, "num_class", "%d", c->classes);
    rc |= XGBoosterSetParam(b, "eval_metric", pipe_gbdt_metric_name(c->task));
    rc |= set_param(b, "base_score", "%.17g", base_score);
    rc |= set_param(b, "max_depth", "%d", c->depth);
    rc |= set_param(b, "eta", "%.17g", c->eta);
    rc |= set_param(b, "subsample", "%.17g", c->subsample);
    rc |= set_param(b, "colsample_bytree", "%.17g", c->colsample);
    rc |= set_param(b, "min_child_weight", "%.17g", c->min_child_weight);
    rc |= set_param(b, "alpha", "%.17g", c->l1);
    rc |= set_param(b, "lambda", "%.17g", c->l2);
    rc |= set_param(b, "nthread", "%d", c->threads);
    rc |= set_param(b, "seed", "%d", c->seed);
    return rc;
}

/* Nonzero when y is a class label of task c: 0 or 1 (binary), a whole
 * number in [0, K) (multiclass); any value for regression. */
static int is_label(const pipe_gbdt_config *c, float y)
{
    if (c->task == PIPE_GBDT_BINARY)
        return y == 0 || y == 1;
    if (c->task == PIPE_GBDT_MULTICLASS)
        return y >= 0 && y < c->classes && y == floorf(y);
    return 1;
}

/* The starting prediction: the (weighted) mean target (regression) or
 * 0.5 (the classes' margins start alike). Checks the class labels. */
static int base_score(const pipe_gbdt_config *c, const pipe_gbdt_data *d, double *out, char *err,
                      size_t size)
{
    double sum = 0, weight = 0;
    if (c->task == PIPE_GBDT_MULTICLASS && c->classes < 2) {
        snprintf(err, size, "task multiclass needs at least 2 classes, found %d", c->classes);
        return -1;
    }
    for (int64_t i = 0; i < d->n_train; i++) {
        float y = d->y[d->train[i]];
        if (!is_label(c, y)) {
            if (c->task == PIPE_GBDT_BINARY)
                snprintf(err, size, "task binary needs a target of 0 or 1, found %g at row %lld", y,
                         (long long)d->train[i]);
            else
                snprintf(err, size,
                         "task multiclass with %d classes needs targets 0 to %d, found %g at row "
                         "%lld",
                         c->classes, c->classes - 1, y, (long long)d->train[i]);
            return -1;
        }
        double w = d->w ? d->w[d->train[i]] : 1;
        sum += w * y;
        weight += w;
    }
    *out = c->task == PIPE_GBDT_REGRESSION ? sum / weight : 0.5;
    return 0;
}

/* The metric of the model on rows idx[0..n) (NaN when n is 0). */
static double rows_metric(pipe_gbdt_model *m, pipe_gbdt_task task, const pipe_gbdt_data *d,
                          const int64_t *idx, int64_t n, char *err, size_t size)
{
    if (n == 0)
        return NAN;
    int k = m->outputs;
    float *x = calloc((size_t)(n * d->cols) + 1, sizeof *x);
    double *p = malloc((size_t)(n * k) * sizeof *p), sum = 0, weight = 0;
    int rc = x && p ? 0 : -1;
    for (int64_t i = 0; rc == 0 && i < n; i++)
        memcpy(x + i * d->cols, d->x + idx[i] * d->cols, (size_t)d->cols * sizeof *x);
    if (rc == 0)
        rc = pipe_gbdt_predict(m, x, n, d->cols, p, err, size);
    /* XGBoost's logloss and mlogloss clip probabilities to [1e-15, 1 - 1e-15] alike */
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        double y = d->y[idx[i]], q = task == PIPE_GBDT_MULTICLASS ? p[i * k + (int)y] : p[i];
        double wi = d->w ? d->w[idx[i]] : 1;
        q = task == PIPE_GBDT_REGRESSION ? q : fmin(fmax(q, 1e-15), 1 - 1e-15);
        if (task == PIPE_GBDT_BINARY)
            sum -= wi * (y * log(q) + (1 - y) * log(1 - q));
        else if (task == PIPE_GBDT_MULTICLASS)
            sum -= wi * log(q);
        else
            sum += wi * (q - y) * (q - y);
        weight += wi;
    }
    free(x);
    free(p);
    if (rc != 0)
        return NAN;
    return task == PIPE_GBDT_REGRESSION ? sqrt(sum / weight) : sum / weight;
}

/* The val metric XGBoost printed for this round ("[3]\tval-rmse:0.51"). */
static double parse_eval(const char *text)
{
    const char *colon = text ? strchr(text, ':') : NULL;
    return colon ? strtod(colon + 1, NULL) : NAN;
}

/* Boost up to cfg->trees rounds, stopping early when asked. */
static int boost(pipe_gbdt_model *m, const pipe_gbdt_config *cfg, DMatrixHandle train,
                 DMatrixHandle val, pipe_gbdt_fit *fit, pipe_gbdt_progress progress, void *user,
                 char *err, size_t size)
{
    double best = INFINITY;
    const char *names[] = {"val"};
    fit->best_iteration = 0;
    for (int i = 0; i < cfg->trees; i++) {
        if (XGBoosterUpdateOneIter(m->booster, i, train) != 0)
            return xgb_error(err, size, "training");
        double metric = NAN;
        const char *text = NULL;
        if (val && XGBoosterEvalOneIter(m->booster, i, &val, names, 1, &text) != 0)
            return xgb_error(err, size, "evaluation");
        if (val)
            metric = parse_eval(text);
        fit->rounds = i + 1;
        if (!val || metric < best)
            best = val ? metric : best, fit->best_iteration = i;
        if (progress)
            progress(user, i + 1, cfg->trees, metric);
        if (val && cfg->early_stopping > 0 && i - fit->best_iteration >= cfg->early_stopping)
            break;
    }
    fit->trees = fit->rounds;
    if (val && cfg->early_stopping > 0 && fit->best_iteration + 1 < fit->rounds) {
        BoosterHandle kept = NULL;
        if (XGBoosterSlice(m->booster, 0, fit->best_iteration + 1, 1, &kept) != 0)
            return xgb_error(err, size, "slicing to the best round");
        XGBoosterFree(m->booster);
        m->booster = kept;
        fit->trees = fit->best_iteration + 1;
        if (set_param(kept, "nthread", "%d", cfg->threads) != 0)
            return xgb_error(err, size, "setting nthread");
    }
    return 0;
}

pipe_gbdt_model *pipe_gbdt_train(const pipe_gbdt_config *cfg, const pipe_gbdt_data *data,
                                 pipe_gbdt_fit *fit, pipe_gbdt_progress progress, void *user,
                                 char *err, size_t size)
{
    memset(fit, 0, sizeof *fit);
    if (base_score(cfg, data, &fit->base_score, err, size) != 0)
        return NULL;
    pipe_gbdt_model *m = calloc(1, sizeof *m);
    DMatrixHandle train = rows_matrix(data, data->train, data->n_train);
    DMatrixHandle val = data->n_val ? rows_matrix(data, data->val, data->n_val) : NULL;
    DMatrixHandle both[2] = {train, val};
    int rc = m && train && (val || !data->n_val) ? 0 : xgb_error(err, size, "making the DMatrix");
    if (rc == 0 && XGBoosterCreate(both, val ? 2 : 1, &m->booster) != 0)
        rc = xgb_error(err, size, "creating the booster");
    if (rc == 0 && set_params(m->booster, cfg, fit->base_score) != 0)
        rc = xgb_error(err, size, "setting the parameters");
    if (rc == 0 && data->features &&
        XGBoosterSetStrFeatureInfo(m->booster, "feature_name", (const char **)data->features,
                                   (bst_ulong)data->cols) != 0)
        rc = xgb_error(err, size, "naming the features");
    if (rc == 0) {
        m->cols = data->cols;
        m->outputs = cfg->task == PIPE_GBDT_MULTICLASS ? cfg->classes : 1;
        rc = boost(m, cfg, train, val, fit, progress, user, err, size);
    }
    if (train)
        XGDMatrixFree(train);
    if (val)
        XGDMatrixFree(val);
    if (rc == 0) {
        fit->train_metric = rows_metric(m, cfg->task, data, data->train, data->n_train, err, size);
        fit->val_metric = rows_metric(m, cfg->task, data, data->val, data->n_val, err, size);
        if (isnan(fit->train_metric))
            rc = -1;
    }
    if (rc != 0) {
        pipe_gbdt_free(m);
        return NULL;
    }
    return m;
}

void pipe_gbdt_free(pipe_gbdt_model *m)
{
    if (m && m->booster)
        XGBoosterFree(m->booster);
    free(m);
}

int pipe_gbdt_predict(pipe_gbdt_model *m, const float *x, int64_t rows, int cols, double *out,
                      char *err, size_t size)
{
    if (cols != m->cols) {
        snprintf(err, size, "the model takes %d features, found %d", m->cols, cols);
        return -1;
    }
    DMatrixHandle d = NULL;
    const bst_ulong *shape = NULL;
    bst_ulong dim = 0;
    const float *res = NULL;
    static const char config[] = "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, "
                                 "\"iteration_end\": 0, \"strict_shape\": false}";
    if (XGDMatrixCreateFromMat(x, (bst_ulong)rows, (bst_ulong)cols, NAN, &d) != 0)
        return xgb_error(err, size, "making the DMatrix");
    int rc = XGBoosterPredictFromDMatrix(m->booster, d, config, &shape, &dim, &res);
    if (rc != 0)
        xgb_error(err, size, "prediction");
    bst_ulong total = 1;
    for (bst_ulong i = 0; rc == 0 && i < dim; i++)
        total *= shape[i];
    if (rc == 0 && total != (bst_ulong)(rows * m->outputs)) {
        snprintf(err, size, "XGBoost gave %llu values for %lld rows of %d outputs",
                 (unsigned long long)total, (long long)rows, m->outputs);
        rc = -1;
    }
    for (int64_t i = 0; rc == 0 && i < rows * m->outputs; i++)
        out[i] = res[i];
    XGDMatrixFree(d);
    return rc == 0 ? 0 : -1;
}

/* The index of feature `name` of the model: its own names, else "f<i>". */
static int feature_index(pipe_gbdt_model *m, const char *name)
{
    int n;
    const char *const *names;
    if (pipe_gbdt_features(m, &n, &names) == 0 && names) {
        for (int i = 0; i < n; i++)
            if (strcmp(names[i], name) == 0)
                return i;
        return -1;
    }
    return name[0] == 'f' ? atoi(name + 1) : -1;
}

int pipe_gbdt_importance(pipe_gbdt_model *m, double *out, char *err, size_t size)
{
    bst_ulong n = 0, dim = 0;
    const char **names = NULL;
    const bst_ulong *shape = NULL;
    const float *scores = NULL;
    for (int i = 0; i < m->cols; i++)
        out[i] = 0;
    if (XGBoosterFeatureScore(m->booster, "{\"importance_type\": \"gain\"}", &n, &names, &dim,
                              &shape, &scores) != 0)
        return xgb_error(err, size, "feature importance");
    /* Copy the names: feature_index calls XGBoost again. */
    double sum = 0;
    char **copy = calloc(n + 1, sizeof *copy);
    for (bst_ulong i = 0; copy && i < n; i++)
        copy[i] = strdup(names[i]);
    float *gain = malloc((n + 1) * sizeof *gain);
    if (!copy || !gain) {
        free(copy);
        free(gain);
        snprintf(err, size, "out of memory");
        return -1;
    }
    if (n) /* a model without a split scores no feature (and gives NULL) */
        memcpy(gain, scores, n * sizeof *gain);
    for (bst_ulong i = 0; i < n; i++) {
        int k = copy[i] ? feature_index(m, copy[i]) : -1;
        if (k >= 0 && k < m->cols)
            out[k] = gain[i], sum += gain[i];
        free(copy[i]);
    }
    free(copy);
    free(gain);
    for (int i = 0; sum > 0 && i < m->cols; i++)
        out[i] /= sum;
    return 0;
}

int pipe_gbdt_set_attr(pipe_gbdt_model *m, const char *key, const char *value)
{
    return XGBoosterSetAttr(m->booster, key, value) == 0 ? 0 : -1;
}

const char *pipe_gbdt_get_attr(pipe_gbdt_model *m, const char *key, char *buf, size_t size)
{
    const char *out = NULL;
    int found = 0;
    if (XGBoosterGetAttr(m->booster, key, &out, &found) != 0 || !found)
        return NULL;
    snprintf(buf, size, "%s", out);
    return buf;
}

int pipe_gbdt_features(pipe_gbdt_model *m, int *n, const char *const **names)
{
    bst_ulong len = 0;
    const char **out = NULL;
    *n = m->cols;
    *names = NULL;
    if (XGBoosterGetStrFeatureInfo(m->booster, "feature_name", &len, &out) != 0)
        return -1;
    if (len == (bst_ulong)m->cols && len > 0)
        *names = (const char *const *)out;
    return 0;
}

int pipe_gbdt_save(pipe_gbdt_model *m, const char **json, size_t *len, char *err, size_t size)
{
    bst_ulong n = 0;
    if (XGBoosterSaveModelToBuffer(m->booster, "{\"format\": \"json\"}", &n, json) != 0)
        return xgb_error(err, size, "saving the model");
    *len = (size_t)n;
    return 0;
}

/* The booster's num_class (0 but for multi-class objectives), from its
 * JSON configuration ("num_class":"3" among learner_model_param). */
static int num_class(BoosterHandle b)
{
    bst_ulong n = 0;
    const char *config = NULL, *at;
    if (XGBoosterSaveJsonConfig(b, &n, &config) != 0 || !config ||
        !(at = strstr(config, "\"num_class\":\"")))
        return -1;
    return atoi(at + strlen("\"num_class\":\""));
}

pipe_gbdt_model *pipe_gbdt_load(const char *json, size_t len, int threads, char *err, size_t size)
{
    pipe_gbdt_model *m = calloc(1, sizeof *m);
    bst_ulong cols = 0;
    int rc = m ? 0 : -1;
    if (rc == 0 && XGBoosterCreate(NULL, 0, &m->booster) != 0)
        rc = xgb_error(err, size, "creating the booster");
    if (rc == 0 && XGBoosterLoadModelFromBuffer(m->booster, json, (bst_ulong)len) != 0)
        rc = xgb_error(err, size, "reading the model");
    if (rc == 0 && (set_param(m->booster, "nthread", "%d", threads) != 0 ||
                    XGBoosterGetNumFeature(m->booster, &cols) != 0))
        rc = xgb_error(err, size, "reading the model");
    if (rc != 0) {
        if (!m)
            snprintf(err, size, "out of memory");
        pipe_gbdt_free(m);
        return NULL;
    }
    m->cols = (int)cols;
    m->outputs = num_class(m->booster);
    if (m->outputs < 0) {
        snprintf(err, size, "XGBoost's configuration of the model has no num_class");
        pipe_gbdt_free(m);
        return NULL;
    }
    m->outputs = m->outputs > 1 ? m->outputs : 1;
    return m;
}
