#!/usr/bin/python3
"""bench/baseline_sklearn.py - peer baseline (c): scikit-learn's
LogisticRegression (Debian's python3-sklearn; defaults: L2, C=1, lbfgs)
on the very matrix `leadq learn` fits, exported by `leadq-benchtool
export` (matrix.svm, folds.txt): the same 5 folds, then a fit on every
row, as leadq does.

    baseline_sklearn.py DIR

prints "fit_s AUC_MEAN" (fit time of the 5 folds and the final fit; the
loading is not counted)."""
import sys
import time
import warnings

import numpy as np
from sklearn.datasets import load_svmlight_file
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score


def main():
    d = sys.argv[1]
    x, y = load_svmlight_file(f"{d}/matrix.svm")
    folds = np.loadtxt(f"{d}/folds.txt", dtype=int)
    warnings.simplefilter("ignore")
    aucs = []
    t0 = time.monotonic()
    for f in range(5):
        test = folds == f
        m = LogisticRegression(C=1.0, max_iter=1000)
        m.fit(x[~test], y[~test])
        aucs.append(roc_auc_score(y[test], m.predict_proba(x[test])[:, 1]))
    LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
    elapsed = time.monotonic() - t0
    print(f"{elapsed:.3f} {np.mean(aucs):.6f}")


if __name__ == "__main__":
    main()
