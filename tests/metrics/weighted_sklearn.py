"""weighted_sklearn.py — scikit-learn's metrics with sample_weight on the
rows test_weighted.c writes (CSV: pred, y, score, label, weight; or with
"multiclass": label, weight, then the K class probabilities), printed one
"name value" a line for the test to compare with pipe's:

    /usr/bin/python3 weighted_sklearn.py rows.csv threshold
    /usr/bin/python3 weighted_sklearn.py rows.csv multiclass
"""
import sys

import numpy as np
from sklearn import metrics

data = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
if sys.argv[2] == "multiclass":
    label, w, proba = data[:, 0], data[:, 1], data[:, 2:]
    k = proba.shape[1]
    predicted = proba.argmax(axis=1)
    out = {
        "accuracy": metrics.accuracy_score(label, predicted, sample_weight=w),
        "macro_f1": metrics.f1_score(label, predicted, labels=range(k), average="macro",
                                     sample_weight=w, zero_division=0),
        "weighted_f1": metrics.f1_score(label, predicted, labels=range(k), average="weighted",
                                        sample_weight=w, zero_division=0),
        "log_loss": metrics.log_loss(label, proba, labels=range(k), sample_weight=w),
    }
    for key, v in out.items():
        print("%s %.17g" % (key, v))
    sys.exit(0)
threshold = float(sys.argv[2])
pred, y, score, label, w = data.T
out = {
    "mae": metrics.mean_absolute_error(y, pred, sample_weight=w),
    "mse": metrics.mean_squared_error(y, pred, sample_weight=w),
    "r2": metrics.r2_score(y, pred, sample_weight=w),
}
positive = (score >= threshold).astype(float)
out["accuracy"] = metrics.accuracy_score(label, positive, sample_weight=w)
out["precision"] = metrics.precision_score(label, positive, sample_weight=w, zero_division=0)
out["recall"] = metrics.recall_score(label, positive, sample_weight=w, zero_division=0)
out["f1"] = metrics.f1_score(label, positive, sample_weight=w, zero_division=0)
tn, fp, fn, tp = metrics.confusion_matrix(label, positive, sample_weight=w).ravel()
out.update(tp=tp, fp=fp, tn=tn, fn=fn)
if (w >= 0).all():
    out["roc_auc"] = metrics.roc_auc_score(label, score, sample_weight=w)
for k, v in out.items():
    print("%s %.17g" % (k, v))
