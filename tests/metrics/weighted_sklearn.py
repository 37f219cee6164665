"""weighted_sklearn.py — scikit-learn's metrics with sample_weight on the
rows test_weighted.c writes (CSV: pred, y, score, label, weight), printed
one "name value" a line for the test to compare with pipe's:

    /usr/bin/python3 weighted_sklearn.py rows.csv threshold
"""
import sys

import numpy as np
from sklearn import metrics

data = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
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
