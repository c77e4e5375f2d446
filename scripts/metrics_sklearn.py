#!/usr/bin/python3
"""Reference numbers for engine/metrics from scikit-learn.

Writes engine/metrics/testdata/sklearn.json, which engine/metrics/sklearn_test.go
reads: three fixed data sets drawn from numpy.random.RandomState(20240601)
and what scikit-learn 1.2 (Debian's python3-sklearn 1.2.1) computes on them.

  * binary: 500 rows, labels 0/1, scores rounded to 2 decimals (many ties,
    some exactly on calibration bin edges and on the thresholds), a group
    column a/b/c:
      - at thresholds 0.5 and 0.3: confusion_matrix, accuracy_score,
        precision_score, recall_score, f1_score (default zero_division);
      - log_loss(eps=1e-15), roc_auc_score, average_precision_score,
        brier_score_loss;
      - roc_curve(drop_intermediate=False) and precision_recall_curve;
      - lift tables for 10 and 7 bins, computed with numpy (stable argsort
        of -score, numpy.array_split);
      - calibration_curve(strategy="uniform") for 10 and 7 bins, with the
        bin row counts (numpy.bincount of the same searchsorted bin ids);
      - per-group rates at threshold 0.5 (from confusion_matrix) and
        roc_auc_score, and the gaps against group "a";
  * multiclass: 400 rows, 4 classes, probabilities rounded to 2 decimals (rows
    no longer sum to 1, some are 0, argmax ties), and a 5-class variant in
    which class 4 never occurs: accuracy_score, precision/recall/f1 with
    average="macro" and "weighted", log_loss(eps=1e-15, labels=range(k)),
    confusion_matrix(labels=range(k));
  * regression: 300 rows, 30 zero targets: mean_absolute_error,
    mean_squared_error(squared=False), r2_score; MAPE with numpy over the
    nonzero targets only (ducksight's definition, see RegressionReport), and
    sklearn's mean_absolute_percentage_error on those rows as a cross-check;
    r2_score of a constant target, exact and inexact.

Usage:
    /usr/bin/python3 scripts/metrics_sklearn.py > engine/metrics/testdata/sklearn.json
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    accuracy_score, average_precision_score, brier_score_loss, confusion_matrix,
    f1_score, log_loss, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_error, precision_recall_curve, precision_score, r2_score,
    recall_score, roc_auc_score, roc_curve)

EPS = 1e-15


def fl(a):
    return [float(v) for v in np.asarray(a).ravel()]


def binary(rng):
    n = 500
    latent = rng.normal(size=n)
    y = (latent + rng.normal(scale=1.2, size=n) > 0.3).astype(int)
    p = np.round(1 / (1 + np.exp(-1.3 * latent)), 2)
    p[:5] = [0.0, 1.0, 0.5, 0.3, 0.1]  # edges and thresholds
    group = rng.choice(["a", "b", "c"], size=n, p=[0.5, 0.3, 0.2])
    out = {"y": fl(y), "p": fl(p), "group": group.tolist(), "reports": []}
    for t in (0.5, 0.3):
        pred = (p >= t).astype(int)
        tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
        out["reports"].append({
            "threshold": t, "tp": int(tp), "fp": int(fp), "tn": int(tn), "fn": int(fn),
            "accuracy": accuracy_score(y, pred),
            "precision": precision_score(y, pred),
            "recall": recall_score(y, pred),
            "f1": f1_score(y, pred),
        })
    out["log_loss"] = log_loss(y, p, eps=EPS)
    out["roc_auc"] = roc_auc_score(y, p)
    out["average_precision"] = average_precision_score(y, p)
    out["brier"] = brier_score_loss(y, p)

    fpr, tpr, thr = roc_curve(y, p, drop_intermediate=False)
    out["roc"] = {"thresholds": fl(thr), "tpr": fl(tpr), "fpr": fl(fpr)}
    prec, rec, thr = precision_recall_curve(y, p)
    out["pr"] = {"thresholds": fl(thr), "precision": fl(prec[:-1]), "recall": fl(rec[:-1])}

    order = np.argsort(-p, kind="stable")
    out["lift"] = []
    for bins in (10, 7):
        rate = y.mean()
        cum, rows = 0, []
        for part in np.array_split(order, bins):
            pos = int(y[part].sum())
            cum += pos
            rr = pos / len(part)
            rows.append({"customers": len(part), "positives": pos, "response_rate": rr,
                         "lift": rr / rate, "cumulative_gain": cum / y.sum()})
        out["lift"].append({"bins": bins, "rows": rows})

    out["calibration"] = []
    for bins in (10, 7):
        prob_true, prob_pred = calibration_curve(y, p, n_bins=bins, strategy="uniform")
        edges = np.linspace(0.0, 1.0, bins + 1)
        counts = np.bincount(np.searchsorted(edges[1:-1], p), minlength=bins)
        out["calibration"].append({"bins": bins, "rows": [int(c) for c in counts],
                                   "observed": fl(prob_true), "predicted": fl(prob_pred)})

    t, ref = 0.5, "a"
    groups = {}
    for g in sorted(set(group)):
        m = group == g
        tn, fp, fn, tp = confusion_matrix(y[m], (p[m] >= t).astype(int), labels=[0, 1]).ravel()
        groups[g] = {"rows": int(m.sum()), "positive_rate": (tp + fp) / m.sum(),
                     "tpr": tp / (tp + fn), "fpr": fp / (fp + tn), "precision": tp / (tp + fp),
                     "accuracy": (tp + tn) / m.sum(), "roc_auc": roc_auc_score(y[m], p[m])}
    for g in groups.values():
        r = groups[ref]
        g["dp_ratio"] = g["positive_rate"] / r["positive_rate"]
        g["eo_diff"] = g["tpr"] - r["tpr"]
        g["eodds_diff"] = max(abs(g["tpr"] - r["tpr"]), abs(g["fpr"] - r["fpr"]))
    out["fairness"] = {"threshold": t, "reference": ref,
                       "groups": [dict(name=k, **{kk: (int(vv) if kk == "rows" else float(vv)) for kk, vv in v.items()})
                                  for k, v in sorted(groups.items())]}
    return out


def multiclass(rng, n, k, used):
    y = rng.randint(0, used, size=n)
    logits = rng.normal(size=(n, k))
    logits[np.arange(n), y] += 1.2
    if used < k:
        logits[:, used:] -= 8
    probs = np.exp(logits)
    probs /= probs.sum(axis=1, keepdims=True)
    probs = np.round(probs, 2)
    probs[0] = 0.0  # an all-zero row: clipped, then renormalised
    probs[1, :2] = 0.5
    probs[1, 2:] = 0
    pred = np.argmax(probs, axis=1)
    out = {"k": k, "y": [int(v) for v in y], "probs": fl(probs),
           "accuracy": accuracy_score(y, pred),
           "log_loss": log_loss(y, probs, eps=EPS, labels=list(range(k))),
           "confusion": confusion_matrix(y, pred, labels=list(range(k))).tolist()}
    for avg in ("macro", "weighted"):
        out[avg + "_precision"] = precision_score(y, pred, average=avg)
        out[avg + "_recall"] = recall_score(y, pred, average=avg)
        out[avg + "_f1"] = f1_score(y, pred, average=avg)
    return out


def regression(rng):
    n = 300
    y = np.round(rng.normal(loc=5, scale=10, size=n), 1)
    y[rng.choice(n, size=30, replace=False)] = 0
    pred = y + rng.normal(scale=3, size=n)
    nz = y != 0
    return {"y": fl(y), "pred": fl(pred),
            "mae": mean_absolute_error(y, pred),
            "rmse": mean_squared_error(y, pred, squared=False),
            "r2": r2_score(y, pred),
            "mape_nonzero": float(np.mean(np.abs(pred[nz] - y[nz]) / np.abs(y[nz]))),
            "mape_sklearn_nonzero": mean_absolute_percentage_error(y[nz], pred[nz]),
            "nonzero_rows": int(nz.sum()),
            "r2_constant_exact": r2_score([2.0, 2.0, 2.0], [2.0, 2.0, 2.0]),
            "r2_constant_inexact": r2_score([2.0, 2.0, 2.0], [2.0, 2.5, 2.0])}


def main():
    rng = np.random.RandomState(20240601)
    out = {"sklearn": sklearn.__version__, "numpy": np.__version__,
           "binary": binary(rng),
           "multiclass": [multiclass(rng, 400, 4, 4), multiclass(rng, 300, 5, 4)],
           "regression": regression(rng)}
    json.dump(out, sys.stdout, allow_nan=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
