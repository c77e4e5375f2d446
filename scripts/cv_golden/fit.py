#!/usr/bin/python3
"""The golden of cross_validate: scikit-learn's metrics of ducksight's
per-fold predictions, and scikit-learn's logistic regression on the same
folds.

Reads the JSON that `go test -tags duckdb_arrow ./engine -run
TestCrossValidateMatchesScikitLearn -cv.export FILE` writes (l2, the rows x
and labels y, each row's fold, ducksight's P(positive) per row, and its
fold rows, mean and std), and writes it back with a "sklearn" object:

- folds, mean, std: roc_auc_score, average_precision_score, log_loss,
  accuracy_score (at 0.5) and brier_score_loss of ducksight's predictions
  on each fold's rows; their mean and standard deviation (ddof=1);
- lr_auc: cross_val_score(Pipeline(StandardScaler, LogisticRegression(
  C = 1/(l2 * n), tol=1e-10)), scoring='roc_auc') on the same folds
  (PredefinedSplit), n the fold's training rows: C is the l2 ducksight's
  objective (mean log loss + l2/2 * ||w||^2) maps to.

Usage: /usr/bin/python3 scripts/cv_golden/fit.py IN.json engine/testdata/cv_golden.json
A yardstick only: no test runs Python.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (accuracy_score, average_precision_score, brier_score_loss, log_loss,
                             roc_auc_score)
from sklearn.model_selection import PredefinedSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def main():
    src, dst = sys.argv[1], sys.argv[2]
    d = json.load(open(src))
    x = np.array(d["x"], dtype=np.float64)
    y = np.array(d["y"], dtype=np.float64)
    p = np.array(d["p"], dtype=np.float64)
    fold = np.array(d["fold"])
    l2 = float(d["l2"])
    k = int(fold.max())

    measures = {
        "roc_auc": lambda yt, pt: roc_auc_score(yt, pt),
        "pr_auc": lambda yt, pt: average_precision_score(yt, pt),
        "log_loss": lambda yt, pt: log_loss(yt, pt, labels=[0, 1]),
        "accuracy": lambda yt, pt: accuracy_score(yt, (pt >= 0.5).astype(np.float64)),
        "brier": lambda yt, pt: brier_score_loss(yt, pt),
    }
    folds = {m: [float(f(y[fold == i], p[fold == i])) for i in range(1, k + 1)] for m, f in measures.items()}
    mean = {m: float(np.mean(v)) for m, v in folds.items()}
    std = {m: float(np.std(v, ddof=1)) for m, v in folds.items()}

    # cross_val_score on the same folds, at each fold's C: one fold at a
    # time (C depends on the fold's training rows), each scored as
    # cross_val_score scores it.
    lr_auc, iters = [], []
    split = PredefinedSplit(fold - 1)
    for i, (train, test) in enumerate(split.split()):
        c = 1.0 / (l2 * len(train))
        model = make_pipeline(StandardScaler(), LogisticRegression(C=c, tol=1e-10, max_iter=100000))
        model.fit(x[train], y[train])
        lr_auc.append(float(roc_auc_score(y[test], model.predict_proba(x[test])[:, 1])))
        iters.append(int(model[-1].n_iter_[0]))

    d["sklearn"] = {
        "folds": folds, "mean": mean, "std": std, "lr_auc": lr_auc,
        "version": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}; "
                   f"LogisticRegression(C=1/(l2*n), tol=1e-10, solver='lbfgs') iterations {iters}",
    }
    with open(dst, "w") as f:
        json.dump(d, f, separators=(",", ":"))
        f.write("\n")
    worst = max(abs(a - b) for m in folds for a, b in zip(folds[m], d["folds"][m]))
    worst = max([worst] + [abs(mean[m] - d["mean"][m]) for m in mean] + [abs(std[m] - d["std"][m]) for m in std])
    print(d["sklearn"]["version"])
    print("largest difference of a fold, mean or std measure from ducksight's:", worst)
    print("ROC AUC per fold, ducksight:", d["folds"]["roc_auc"])
    print("ROC AUC per fold, LogisticRegression:", lr_auc)
    print("largest difference:", max(abs(a - b) for a, b in zip(lr_auc, d["folds"]["roc_auc"])))


if __name__ == "__main__":
    main()
