#!/usr/bin/python3
"""ducksight's boosted trees next to XGBoost 1.7 hist and scikit-learn, on
the same rows: the quality and speed bars of train_boosted_trees (see
README.md beside this script for the datasets and the protocol).

Quality: every task is a train/test split written by the Go side
(trees_side_by_side quality) from one DuckDB database, so both sides read
exactly the same rows and the same column types: demo_customers churn (rows
1..100,000 train, the next 50,000 test, seeds 42 and 7) and five public
customer datasets of the R package modeldata (5 seeded 75/25 splits each).
Columns DuckDB reads as VARCHAR or BOOLEAN are given to XGBoost as pandas
category dtype with enable_categorical=True (NULL stays missing); numbers as
float64 with NaN for NULL. The side by side fits
  XGBClassifier(tree_method='hist', n_estimators=300, learning_rate=0.1,
                max_depth=6, min_child_weight=1, reg_lambda=1, gamma=0,
                max_bin=255, subsample=1, colsample_bytree=1, n_jobs=1)
and ducksight's train_boosted_trees with the same hyper-parameters (no early
stopping, no validation rows); for reference also XGBoost's defaults and
scikit-learn's HistGradientBoostingClassifier with the matched settings.
Before train_boosted_trees exists the ducksight columns say "n/a" and the
XGBoost figures are the targets.

Speed: the 1M x 16 DOUBLE table of sqlfuncs/train_bench_test.go; XGBoost
hist (100 trees, depth 6, learning rate 0.1, 255 bins, n_jobs=2) fit on the
rows already in numpy, and predict_proba over the same 1M rows, alternated
with the whole train_boosted_trees statement and SELECT sum(probability)
FROM predict(...) (trees_side_by_side serve), every time also as a multiple
of DuckDB's SELECT sum(c1)+...+sum(c16) in the same run.

Logistic (--part logistic, not part of "all"): the same tasks with
train_perceptron(hidden := []) by default (lbfgs), with solver := 'adam'
(the default before) and with lbfgs on every row, against
LogisticRegression(solver='lbfgs') at C = 1/(l2 n) and at C = 1 on
ducksight's design matrix rebuilt in Python (README.md, "The logistic part").

Tune (--part tune, not part of "all"): tune(kind := 'auto', time_budget :=
120) against the best of three tuned yardsticks, on demo churn and on every
public dataset of at least 4,000 rows (3 seeded splits each):
LogisticRegressionCV and a GridSearchCV over MLPClassifier on ducksight's
design matrix, and a GridSearchCV over XGBoost (README.md, "The tune part").

Usage (from anywhere; needs go, Rscript with r-cran-modeldata, and
python3-xgboost, python3-pandas, python3-sklearn from Debian):
    /usr/bin/python3 scripts/trees_side_by_side/xgb_side_by_side.py
    /usr/bin/python3 scripts/trees_side_by_side/xgb_side_by_side.py --part quality --datasets mlc_churn,wa_churn
    /usr/bin/python3 scripts/trees_side_by_side/xgb_side_by_side.py --part speed --runs 1 --repeats 3
    /usr/bin/python3 scripts/trees_side_by_side/xgb_side_by_side.py --part logistic
    /usr/bin/python3 scripts/trees_side_by_side/xgb_side_by_side.py --part tune --tune-budget 10 --seeds '' --datasets mlc_churn --splits 1
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import pandas as pd
import sklearn
import xgboost as xgb
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CATEGORICAL_TYPES = ("VARCHAR", "BOOLEAN")  # and ENUM(...)
# The bars: ducksight's test AUC >= XGBoost's minus these margins (demo per
# seed, public datasets on the mean of the splits).
MARGIN = {"demo": 0.005, "public": 0.01}
THREADS = 2  # the speed comparison's threads, both sides
# The quality fits' threads (XGBoost's n_jobs, scikit-learn's OpenMP): one,
# so that other jobs on the machine do not make OpenMP's spinning threads
# crawl (a 5,000-row HistGradientBoosting fit took 166 s with 2 threads
# under a load average of 9, 2 s with one); the models do not depend on it.
QUALITY_THREADS = 1

# The matched hyper-parameters (ducksight's defaults, which the issue
# compares with XGBoost): no subsampling, no early stopping.
XGB_MATCHED = dict(tree_method="hist", n_estimators=300, learning_rate=0.1, max_depth=6, min_child_weight=1,
                   reg_lambda=1.0, gamma=0.0, max_bin=255, subsample=1.0, colsample_bytree=1.0)
# train_perceptron's default l2 (training.DefaultL2): the objective
# mean log loss + l2/2 ||w||^2 is LogisticRegression's at C = 1/(l2 * n).
DUCKSIGHT_L2 = 1e-4
# The logistic part's ducksight models (main.go's model table).
LOGISTIC_MODELS = "logistic,logistic_adam,logistic_all"
SUBSETS = 5  # random 90% subsets of the training rows for LogisticRegression
INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")
# The tune part (issue 14's quality bar): tune's test AUC >= the best of
# the three tuned yardsticks minus TUNE_MARGIN, on demo churn (per seed) and
# on the mean of TUNE_SPLITS splits of every public dataset of at least
# TUNE_MIN_ROWS rows. Every search ranks by ROC AUC, as tune does.
TUNE_MODELS = "tune"
TUNE_MARGIN = 0.005
TUNE_SPLITS = 3
TUNE_MIN_ROWS = 4000
MLP_GRID = {"hidden_layer_sizes": [(16,), (32,), (32, 16)], "alpha": [1e-4, 1e-3]}
XGB_GRID = {"max_depth": [3, 6], "learning_rate": [0.05, 0.1]}
XGB_TUNE = dict(tree_method="hist", n_estimators=300)
XGB_SPEED = dict(tree_method="hist", n_estimators=100, learning_rate=0.1, max_depth=6, min_child_weight=1,
                 reg_lambda=1.0, max_bin=255)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def load_str():
    return "load average %.2f %.2f %.2f" % os.getloadavg()


# ---------------------------------------------------------------- quality

def frames(task):
    """The task's train and test feature frames and 0/1 labels, with the
    categorical columns as pandas category dtype over the training levels."""
    cols = {c["name"]: c["type"] for c in task["columns"]}
    feats = [c for c in cols if c != task["label"] and c not in task["exclude"]]
    read = dict(keep_default_na=False, na_values=[""], dtype={c: (str if is_cat(t) else float) for c, t in cols.items()})
    tr, te = pd.read_csv(task["train_csv"], **read), pd.read_csv(task["test_csv"], **read)
    pos = task.get("positive") or "true"
    ytr = (tr[task["label"]] == pos).astype(int).to_numpy()
    yte = (te[task["label"]] == pos).astype(int).to_numpy()
    Xtr, Xte = tr[feats].copy(), te[feats].copy()
    cats = [c for c in feats if is_cat(cols[c])]
    for c in cats:
        levels = sorted(Xtr[c].dropna().unique())
        Xtr[c] = pd.Categorical(Xtr[c], categories=levels)
        Xte[c] = pd.Categorical(Xte[c], categories=levels)  # an unseen level is missing here
    assert len(Xtr) == task["train_rows"] and len(Xte) == task["test_rows"], task["name"]
    assert abs(yte.mean() - task["rate_test"]) < 1e-9, (task["name"], yte.mean(), task["rate_test"])
    return Xtr, ytr, Xte, yte, feats, cats


def is_cat(t):
    return t in CATEGORICAL_TYPES or t.startswith("ENUM")


def fit_xgb(params, Xtr, ytr, Xte, yte):
    c0, t0 = time.process_time(), time.perf_counter()
    m = xgb.XGBClassifier(enable_categorical=True, n_jobs=QUALITY_THREADS, random_state=0, **params).fit(Xtr, ytr)
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"auc": roc_auc_score(yte, m.predict_proba(Xte)[:, 1]), "seconds": secs, "cpu_seconds": cpu,
            "trees": m.get_booster().num_boosted_rounds()}


def fit_xgb_es(Xtr, ytr, Xte, yte):
    """XGBoost matched, but the way train_boosted_trees's defaults train:
    10% of the training rows (seeded, uniform) held out, early stopping
    after 20 rounds without a better validation log loss, the best round
    kept (XGBoost's validation rows are not ducksight's: a reference)."""
    val = np.random.default_rng(0).random(len(ytr)) < 0.1
    m = xgb.XGBClassifier(enable_categorical=True, n_jobs=QUALITY_THREADS, random_state=0, early_stopping_rounds=20,
                          eval_metric="logloss", **XGB_MATCHED)
    m.fit(Xtr[~val], ytr[~val], eval_set=[(Xtr[val], ytr[val])], verbose=False)
    return {"auc": roc_auc_score(yte, m.predict_proba(Xte)[:, 1]), "best_iteration": int(m.best_iteration)}


def fit_hgb(Xtr, ytr, Xte, yte, cats):
    """HistGradientBoostingClassifier with the matched settings; categoricals
    as their category codes (missing as NaN), declared categorical."""
    def codes(X):
        X = X.copy()
        for c in cats:
            X[c] = X[c].cat.codes.astype(float).replace(-1.0, np.nan)
        return X.to_numpy(dtype=float)
    mask = [c in cats for c in Xtr.columns]
    t0 = time.perf_counter()
    with threadpool_limits(QUALITY_THREADS, "openmp"):
        m = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.1, max_depth=6, max_leaf_nodes=None,
                                           min_samples_leaf=1, l2_regularization=1.0, max_bins=255,
                                           early_stopping=False, categorical_features=mask or None,
                                           random_state=0).fit(codes(Xtr), ytr)
        secs = time.perf_counter() - t0
        p = m.predict_proba(codes(Xte))[:, 1]
    return {"auc": roc_auc_score(yte, p), "seconds": secs}


def design(task):
    """The task's train and test design matrices built as ducksight's
    preprocessing builds them (engine/features, Fitter.Finish and
    ColumnEncoding): numbers standardised with the training mean and sample
    standard deviation, NULL as the mean (0) plus an is-NULL input when the
    column had NULLs in training; BOOLEAN as 0/1 (not standardised), NULL
    as the training share of true plus an is-NULL input; VARCHAR and ENUM
    one-hot over the 100 most frequent training levels (ties by text), an
    'other' input when there are more, a NULL input when the column had
    NULLs, a level unseen in training all zeros. Constant and all-NULL
    columns are dropped, and integer or text columns unique on every
    training row (identifier-like). Returns Xtr, ytr, Xte, yte, the input
    names and the dropped columns."""
    cols = {c["name"]: c["type"] for c in task["columns"]}
    feats = [c for c in cols if c != task["label"] and c not in task["exclude"]]
    read = dict(keep_default_na=False, na_values=[""],
                dtype={c: (str if is_cat(t) or t == "BOOLEAN" else float) for c, t in cols.items()})
    tr, te = pd.read_csv(task["train_csv"], **read), pd.read_csv(task["test_csv"], **read)
    pos = task.get("positive") or "true"
    ytr = (tr[task["label"]] == pos).astype(int).to_numpy()
    yte = (te[task["label"]] == pos).astype(int).to_numpy()
    outs_tr, outs_te, names, dropped = [], [], [], []
    n = len(tr)
    for c in feats:
        t, a, b = cols[c], tr[c], te[c]
        nulls = int(a.isna().sum())
        if t == "BOOLEAN":
            a = a.map({"true": 1.0, "false": 0.0})
            b = b.map({"true": 1.0, "false": 0.0})
        if is_cat(t) and t != "BOOLEAN":
            counts = a.dropna().value_counts()
            if len(counts) == 0:
                dropped.append((c, "all NULL"))
                continue
            if len(counts) < 2 and nulls == 0:
                dropped.append((c, "constant"))
                continue
            if nulls == 0 and len(counts) == n:
                dropped.append((c, "identifier-like"))
                continue
            order = sorted(counts.items(), key=lambda lc: (-lc[1], lc[0].encode()))
            levels = [lc[0] for lc in order[:100]]
            others = {lc[0] for lc in order[100:]}
            for frame, out in ((a, outs_tr), (b, outs_te)):
                block = [(frame == lv).to_numpy(float) for lv in levels]
                if others:
                    block.append(frame.isin(others).to_numpy(float))
                if nulls:
                    block.append(frame.isna().to_numpy(float))
                out.extend(block)
            names += [f"{c}={lv}" for lv in levels] + ([f"{c}=other"] if others else []) + ([f"{c}=NULL"] if nulls else [])
            continue
        v = a.dropna()
        if len(v) == 0:
            dropped.append((c, "all NULL"))
            continue
        if v.min() == v.max():
            dropped.append((c, "constant"))
            continue
        if t in INTEGER_TYPES and nulls == 0 and v.nunique() == n:
            dropped.append((c, "identifier-like"))
            continue
        mean = v.mean()
        std = 1.0 if t == "BOOLEAN" else v.std(ddof=1)
        shift = 0.0 if t == "BOOLEAN" else mean
        for frame, out in ((a, outs_tr), (b, outs_te)):
            out.append(((frame.fillna(mean) - shift) / std).to_numpy(float))
            if nulls:
                out.append(frame.isna().to_numpy(float))
        names += [c] + ([f"{c}=NULL"] if nulls else [])
    assert len(tr) == task["train_rows"] and len(te) == task["test_rows"], task["name"]
    return np.column_stack(outs_tr), ytr, np.column_stack(outs_te), yte, names, dropped


def log_loss_mean(y, p):
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))


def fit_lr(C, Xtr, ytr, Xte, yte):
    """LogisticRegression(C, solver='lbfgs') on the design matrix; the
    objective in ducksight's terms (mean log loss + l2/2 ||w||^2 with
    l2 = 1/(C n)) and the test probabilities."""
    t0 = time.perf_counter()
    m = LogisticRegression(C=C, solver="lbfgs", max_iter=100000, tol=1e-10).fit(Xtr, ytr)
    secs = time.perf_counter() - t0
    loss = log_loss_mean(ytr, m.predict_proba(Xtr)[:, 1])
    w = m.coef_.ravel()
    p = m.predict_proba(Xte)[:, 1]
    return {"C": C, "auc": roc_auc_score(yte, p), "iterations": int(m.n_iter_[0]), "seconds": secs,
            "train_loss": loss, "objective": loss + float(w @ w) / (2 * C * len(ytr))}, p


def logistic_fits(t):
    """The logistic part of one task: the sklearn fits on ducksight's
    design, and how close ducksight's models are to them."""
    Xtr, ytr, Xte, yte, names, dropped = design(t)
    t["lr_inputs"], t["lr_dropped"] = len(names), dropped
    key = pd.read_csv(t["test_csv"], usecols=[t["key"]])[t["key"]].to_numpy()
    t["sk_mapped"], p_mapped = fit_lr(1 / (DUCKSIGHT_L2 * len(ytr)), Xtr, ytr, Xte, yte)
    t["sk_c1"], _ = fit_lr(1.0, Xtr, ytr, Xte, yte)
    # What holding out 10% of the rows costs by itself: the mapped fit on
    # random 90% subsets (not ducksight's hash split, which Python cannot
    # reproduce), C = 1/(l2 * rows fitted).
    t["sk_sub90"] = []
    for seed in range(SUBSETS):
        keep = np.random.default_rng(seed).random(len(ytr)) >= 0.1
        r, _ = fit_lr(1 / (DUCKSIGHT_L2 * keep.sum()), Xtr[keep], ytr[keep], Xte, yte)
        t["sk_sub90"].append(r["auc"])
    for name, r in t["ducksight"].items():
        if not r["available"]:
            continue
        want = t.get("positive") or "true"
        assert r["row"]["positive"] == want, (t["name"], name, r["row"]["positive"], want)
        assert r["row"]["inputs"] == len(names), (t["name"], name, r["row"]["inputs"], len(names), names)
        if r.get("pred_csv"):
            d = pd.read_csv(r["pred_csv"]).set_index("key")["probability"].reindex(key).to_numpy()
            assert not np.isnan(d).any(), (t["name"], name)
            assert abs(roc_auc_score(yte, d) - r["test_auc"]) < 1e-12, (t["name"], name)
            r["max_abs_diff_sk_mapped"] = float(np.max(np.abs(d - p_mapped)))


def quality(exe, args, data_dir, tmp):
    out = os.path.join(tmp, "tasks")
    os.makedirs(out, exist_ok=True)
    log(f"quality: ducksight side ({load_str()})")
    logistic = args.part == "logistic"
    cmd = [exe, "quality", "-out", out, "-data", data_dir, "-seeds", args.seeds, "-splits", str(args.splits),
           "-models", args.models, "-tune-budget", str(args.tune_budget)] + (["-predictions"] if logistic else [])
    if args.tune_args:
        cmd += ["-tune-args", args.tune_args]
    if args.tune_trials_test:
        cmd += ["-tune-trials-test"]
    if args.datasets:
        cmd += ["-datasets", args.datasets]
    if args.exclude:
        cmd += ["-exclude", args.exclude]
    p = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    tasks = json.loads(p.stdout)["tasks"]
    log(f"quality: Python side ({load_str()})")
    for t in tasks:
        if args.part == "tune":
            tune_fits(t)
            continue
        if logistic:
            logistic_fits(t)
            ds = t["ducksight"]
            log(f"  {t['name']}: sklearn LR C=1/(l2 n) {t['sk_mapped']['auc']:.4f} ({t['sk_mapped']['iterations']} it), "
                f"C=1 {t['sk_c1']['auc']:.4f}; ducksight "
                + ", ".join(f"{k} {v['test_auc']:.4f}" if v["available"] else f"{k} n/a" for k, v in ds.items()))
            continue
        Xtr, ytr, Xte, yte, feats, cats = frames(t)
        t["features"], t["categorical"] = feats, cats
        t["xgb"] = fit_xgb(XGB_MATCHED, Xtr, ytr, Xte, yte)
        t["xgb_default"] = fit_xgb(dict(tree_method="hist"), Xtr, ytr, Xte, yte)
        t["hgb"] = fit_hgb(Xtr, ytr, Xte, yte, cats)
        t["xgb_es"] = fit_xgb_es(Xtr, ytr, Xte, yte)
        ds = t["ducksight"]
        log(f"  {t['name']}: xgb {t['xgb']['auc']:.4f} ({t['xgb']['seconds']:.1f} s), xgb defaults "
            f"{t['xgb_default']['auc']:.4f}, hgb {t['hgb']['auc']:.4f}, xgb early stopping {t['xgb_es']['auc']:.4f}; ducksight "
            + ", ".join(f"{k} {v['test_auc']:.4f}" if v["available"] else f"{k} n/a" for k, v in ds.items()))
    return tasks


def auc_of(t, model):
    r = t["ducksight"].get(model)
    return r["test_auc"] if r and r["available"] and not r.get("error") else None


def f4(x, sign=False):
    if x is None:
        return "n/a"
    return f"{x:+.4f}" if sign else f"{x:.4f}"


def met(d, margin):
    if d is None:
        return "pending"
    return "yes" if d >= -margin else "**no**"


def print_quality(tasks):
    demo = [t for t in tasks if t["dataset"] == "demo_customers"]
    public = [t for t in tasks if t["dataset"] != "demo_customers"]
    if demo:
        print("\n### demo_customers churn: rows 1..100,000 train, 100,001..150,000 test\n")
        print("Matched hyper-parameters (300 trees, learning rate 0.1, depth 6, min_child_weight 1, lambda 1, "
              "gamma 0, 255 bins, no subsampling, no early stopping). Bar: ducksight trees ≥ XGBoost − "
              f"{MARGIN['demo']}.\n")
        print("| seed | Bayes-optimal | XGBoost hist | ducksight trees | ducksight − XGBoost | met | "
              "sklearn HistGB | XGBoost defaults |")
        print("|---|---|---|---|---|---|---|---|")
        for t in demo:
            d = auc_of(t, "trees")
            diff = None if d is None else d - t["xgb"]["auc"]
            print(f"| {t['seed']} | {t['bayes_auc']:.4f} | {t['xgb']['auc']:.4f} | {f4(d)} | {f4(diff, True)} "
                  f"| {met(diff, MARGIN['demo'])} | {t['hgb']['auc']:.4f} | {t['xgb_default']['auc']:.4f} |")
        print("\nDefault settings: bar ducksight trees (train_boosted_trees defaults) ≥ the MLP [16] "
              "(train_perceptron defaults, hidden := [16]) and ≥ Bayes-optimal − 0.01.\n")
        print("XGBoost early stopping (reference): XGBoost matched trained as train_boosted_trees's defaults train "
              "(10% validation rows, patience 20 rounds on the log loss, best round kept).\n")
        print("| seed | Bayes-optimal | Bayes − 0.01 | MLP [16] | ducksight trees defaults | ≥ MLP | ≥ Bayes − 0.01 "
              "| XGBoost early stopping (rounds) |")
        print("|---|---|---|---|---|---|---|---|")
        for t in demo:
            d, mlp = auc_of(t, "trees_default"), auc_of(t, "mlp16")
            ok1 = "pending" if d is None or mlp is None else ("yes" if d >= mlp else "**no**")
            ok2 = "pending" if d is None else ("yes" if d >= t["bayes_auc"] - 0.01 else "**no**")
            print(f"| {t['seed']} | {t['bayes_auc']:.4f} | {t['bayes_auc'] - 0.01:.4f} | {f4(mlp)} | {f4(d)} "
                  f"| {ok1} | {ok2} | {t['xgb_es']['auc']:.4f} ({t['xgb_es']['best_iteration'] + 1}) |")
    if public:
        print("\n### Public customer datasets (modeldata 1.1.0): mean test AUC over the seeded 75/25 splits\n")
        print(f"Matched hyper-parameters as above. Bar: mean ducksight trees ≥ mean XGBoost − {MARGIN['public']}.\n")
        print("| dataset | rows train / test | positive share (test) | splits | XGBoost hist | ducksight trees "
              "| ducksight − XGBoost | met | sklearn HistGB | XGBoost defaults | ducksight trees defaults "
              "| ducksight MLP [16] | XGBoost early stopping |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for name in dict.fromkeys(t["dataset"] for t in public):
            ts = [t for t in public if t["dataset"] == name]
            mean = lambda xs: None if any(x is None for x in xs) else statistics.mean(xs)  # noqa: E731
            x = mean([t["xgb"]["auc"] for t in ts])
            d = mean([auc_of(t, "trees") for t in ts])
            diff = None if d is None else d - x
            print(f"| {name} | {ts[0]['train_rows']} / {ts[0]['test_rows']} "
                  f"| {statistics.mean(t['rate_test'] for t in ts):.3f} | {len(ts)} | {x:.4f} | {f4(d)} "
                  f"| {f4(diff, True)} | {met(diff, MARGIN['public'])} | {mean([t['hgb']['auc'] for t in ts]):.4f} "
                  f"| {mean([t['xgb_default']['auc'] for t in ts]):.4f} "
                  f"| {f4(mean([auc_of(t, 'trees_default') for t in ts]))} | {f4(mean([auc_of(t, 'mlp16') for t in ts]))} "
                  f"| {mean([t['xgb_es']['auc'] for t in ts]):.4f} |")
        print("\nEvery split (test AUC; XGBoost hist matched / ducksight trees matched):\n")
        for name in dict.fromkeys(t["dataset"] for t in public):
            ts = [t for t in public if t["dataset"] == name]
            print(f"- {name}: " + "; ".join(f"split {t['seed']}: {t['xgb']['auc']:.4f} / {f4(auc_of(t, 'trees'))}"
                                            for t in ts))
    print(f"\nXGBoost fit seconds (matched, n_jobs={QUALITY_THREADS}; incidental, other jobs running): "
          + ", ".join(f"{t['name']} {t['xgb']['seconds']:.1f}" for t in tasks))


def print_logistic(tasks):
    print("\n### The logistic model: train_perceptron(hidden := []) against scikit-learn's LogisticRegression\n")
    print("Test AUC, mean over each dataset's tasks (demo_customers: its seeds; public datasets: the seeded 75/25 "
          "splits). ducksight: `logistic` = train_perceptron(..., hidden := []) with every default (solver auto = "
          "lbfgs, 10% of the training rows held out), `logistic_adam` = the same with solver := 'adam' (the default "
          "before: early stopping on the held-out rows), `logistic_all` = solver := 'lbfgs', validation_fraction := 0 "
          f"(every training row, as scikit-learn). scikit-learn: LogisticRegression(solver='lbfgs', tol=1e-10) on "
          f"ducksight's design matrix rebuilt in Python, at C = 1/(l2 n) with l2 = {DUCKSIGHT_L2} (ducksight's "
          "default) and n the training rows, and at its default C = 1; \"sklearn, 90%\" is the C=1/(l2 n) fit on "
          f"random 90% subsets of the training rows (mean of {SUBSETS} subsets per task), what holding out "
          "validation rows costs by itself.\n")
    print("| dataset | tasks | rows train / test | positive share (test) | ducksight lbfgs (default) | ducksight adam "
          "(before) | ducksight lbfgs, all rows | sklearn C=1/(l2 n) | sklearn C=1 | lbfgs − sklearn C=1/(l2 n) "
          "| adam − sklearn C=1/(l2 n) | lbfgs − sklearn C=1 | adam − sklearn C=1 | all rows − sklearn C=1/(l2 n) "
          "| sklearn, 90% − sklearn C=1/(l2 n) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    mean = lambda xs: None if any(x is None for x in xs) else statistics.mean(xs)  # noqa: E731
    for name in dict.fromkeys(t["dataset"] for t in tasks):
        ts = [t for t in tasks if t["dataset"] == name]
        lb, ad, al = (mean([auc_of(t, m) for t in ts]) for m in ("logistic", "logistic_adam", "logistic_all"))
        sm, s1 = mean([t["sk_mapped"]["auc"] for t in ts]), mean([t["sk_c1"]["auc"] for t in ts])
        s9 = mean([statistics.mean(t["sk_sub90"]) for t in ts])
        d = lambda a, b: None if a is None else a - b  # noqa: E731
        print(f"| {name} | {len(ts)} | {ts[0]['train_rows']} / {ts[0]['test_rows']} "
              f"| {statistics.mean(t['rate_test'] for t in ts):.3f} | {f4(lb)} | {f4(ad)} | {f4(al)} | {sm:.4f} "
              f"| {s1:.4f} | {f4(d(lb, sm), True)} | {f4(d(ad, sm), True)} | {f4(d(lb, s1), True)} "
              f"| {f4(d(ad, s1), True)} | {f4(d(al, sm), True)} | {f4(d(s9, sm), True)} |")
    print("\nThe same model? Per task: inputs (ducksight's `inputs` = the Python design's width, asserted), "
          "iterations (ducksight lbfgs default / all rows / sklearn C=1/(l2 n)), mean training log loss of "
          "`logistic_all` minus scikit-learn's at C=1/(l2 n) (same rows, same objective), and the largest "
          "|probability difference| on the test rows of `logistic_all` and `logistic` against scikit-learn's "
          "C=1/(l2 n):\n")
    print("| task | inputs | iterations | train loss all rows − sklearn | max abs p diff, all rows | max abs p diff, default |")
    print("|---|---|---|---|---|---|")
    for t in tasks:
        ds = t["ducksight"]
        it = lambda m: str(ds[m]["row"]["epochs_run"]) if m in ds and ds[m]["available"] else "n/a"  # noqa: E731
        pd_ = lambda m: (f"{ds[m]['max_abs_diff_sk_mapped']:.1e}" if m in ds and "max_abs_diff_sk_mapped" in ds[m]  # noqa: E731
                         else "n/a")
        dl = (f"{ds['logistic_all']['row']['train_loss'] - t['sk_mapped']['train_loss']:+.1e}"
              if "logistic_all" in ds and ds["logistic_all"]["available"] else "n/a")
        print(f"| {t['name']} | {t['lr_inputs']} | {it('logistic')} / {it('logistic_all')} / "
              f"{t['sk_mapped']['iterations']} | {dl} | {pd_('logistic_all')} | {pd_('logistic')} |")
    print("\nEvery task (test AUC; ducksight lbfgs / adam / lbfgs all rows / sklearn C=1/(l2 n) / sklearn C=1):\n")
    for name in dict.fromkeys(t["dataset"] for t in tasks):
        ts = [t for t in tasks if t["dataset"] == name]
        print(f"- {name}: " + "; ".join(
            f"{t['seed']}: " + " / ".join(f4(auc_of(t, m)) for m in ("logistic", "logistic_adam", "logistic_all"))
            + f" / {t['sk_mapped']['auc']:.4f} / {t['sk_c1']['auc']:.4f}" for t in ts))
    print(f"\nsklearn C=1/(l2 n) on random 90% subsets, every task (min–max of the {SUBSETS} subsets):\n")
    for name in dict.fromkeys(t["dataset"] for t in tasks):
        ts = [t for t in tasks if t["dataset"] == name]
        print(f"- {name}: " + "; ".join(f"{t['seed']}: {min(t['sk_sub90']):.4f}–{max(t['sk_sub90']):.4f}" for t in ts))


# ---------------------------------------------------------------- tune

def timed(fit):
    """Runs fit() on one thread (BLAS and OpenMP) without convergence
    warnings; returns its result and the wall seconds."""
    t0 = time.perf_counter()
    with threadpool_limits(QUALITY_THREADS), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        r = fit()
    return r, time.perf_counter() - t0


def grid_result(g, Xte, yte, secs):
    return {"auc": roc_auc_score(yte, g.predict_proba(Xte)[:, 1]), "best_params": g.best_params_,
            "cv_auc": float(g.best_score_), "seconds": secs,
            "cv": [{"params": p, "auc": float(a)} for p, a in zip(g.cv_results_["params"], g.cv_results_["mean_test_score"])]}


def tune_fits(t):
    """The three yardsticks of tune on one task, each tuned by
    cross-validated ROC AUC on the training rows and scored on the test rows:
    LogisticRegressionCV (its default 10 Cs, 5 folds) and GridSearchCV over
    MLPClassifier (MLP_GRID, early stopping, 3 folds) on ducksight's design
    matrix, GridSearchCV over XGBoost hist (XGB_GRID, 300 trees, 3 folds) on
    the categorical frames of the trees part."""
    Xtr, ytr, Xte, yte, names, _ = design(t)
    t["lr_inputs"] = len(names)
    lr, secs = timed(lambda: LogisticRegressionCV(cv=5, scoring="roc_auc", max_iter=100000).fit(Xtr, ytr))
    t["lrcv"] = {"auc": roc_auc_score(yte, lr.predict_proba(Xte)[:, 1]), "best_params": {"C": float(lr.C_[0])},
                 "cv_auc": float(lr.scores_[1].mean(axis=0).max()), "seconds": secs}
    log(f"  {t['name']}: LogisticRegressionCV {t['lrcv']['auc']:.4f} (C {lr.C_[0]:.3g}, {secs:.1f} s)")
    mlp = GridSearchCV(MLPClassifier(early_stopping=True, random_state=0), MLP_GRID, cv=3, scoring="roc_auc")
    g, secs = timed(lambda: mlp.fit(Xtr, ytr))
    t["mlp_grid"] = grid_result(g, Xte, yte, secs)
    log(f"  {t['name']}: MLP grid {t['mlp_grid']['auc']:.4f} ({g.best_params_}, {secs:.1f} s)")
    Xtr, ytr, Xte, yte, feats, cats = frames(t)
    t["features"], t["categorical"] = feats, cats
    xg = GridSearchCV(xgb.XGBClassifier(enable_categorical=True, n_jobs=QUALITY_THREADS, random_state=0, **XGB_TUNE),
                      XGB_GRID, cv=3, scoring="roc_auc")
    g, secs = timed(lambda: xg.fit(Xtr, ytr))
    t["xgb_grid"] = grid_result(g, Xte, yte, secs)
    log(f"  {t['name']}: XGBoost grid {t['xgb_grid']['auc']:.4f} ({g.best_params_}, {secs:.1f} s)")
    r = t["ducksight"].get("tune")
    if auc_of(t, "tune") is not None:
        log(f"  {t['name']}: tune {r['test_auc']:.4f} ({r['winning_kind']} won, {trial_counts(r)})")


YARDSTICKS = (("lrcv", "LogisticRegressionCV"), ("mlp_grid", "MLP grid"), ("xgb_grid", "XGBoost grid"))


def trial_counts(r):
    """How many of a tune run's trials completed, were stopped early and
    were skipped by the time budget."""
    st = [x["status"] for x in r["trials"]]
    return (f"{sum(s in ('best', 'completed') for s in st)} completed, {st.count('stopped early')} stopped early, "
            f"{st.count('skipped: time budget')} skipped")


def best_trial(r):
    return next(x for x in r["trials"] if x["status"] == "best")


def tune_seconds(t):
    r = t["ducksight"].get("tune")
    return f"{r['wall_seconds']:.0f}" if auc_of(t, "tune") is not None else "n/a"


def print_tune(tasks, budget, extra=""):
    """The tune part's tables: per dataset (demo per seed) tune's test AUC
    against the best of the three yardsticks, then every task's trials."""
    print(f"\n### tune(kind := 'auto', time_budget := {budget:g}{', ' + extra if extra else ''}) against "
          "LogisticRegressionCV, an MLP grid and an XGBoost grid\n")
    print("Test AUC. Public datasets: mean over the seeded 75/25 splits (tasks: how many; where tune failed on a "
          "split, every column is over the splits it ran); demo_customers churn: per seed (rows 1..100,000 train, "
          f"the next 50,000 test). Bar: tune ≥ the best of the three − {TUNE_MARGIN}.\n")
    print("| dataset | tasks | rows train / test | LogisticRegressionCV | MLP grid | XGBoost grid | best of three "
          "| tune | tune − best | met | tune's winning kinds | trials completed / stopped early / skipped |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    groups = []
    for t in tasks:
        if t["dataset"] == "demo_customers":
            groups.append((f"demo_customers seed {t['seed']}", [t]))
    for name in dict.fromkeys(t["dataset"] for t in tasks if t["dataset"] != "demo_customers"):
        groups.append((name, [t for t in tasks if t["dataset"] == name]))
    mean = lambda xs: None if any(x is None for x in xs) else statistics.mean(xs)  # noqa: E731
    for name, ts in groups:
        ran = [t for t in ts if auc_of(t, "tune") is not None]
        if ran and len(ran) < len(ts):
            # tune failed on some splits: every column over the splits it ran
            name += f" (tune failed on split {', '.join(str(t['seed']) for t in ts if t not in ran)})"
            ts = ran
        ys = [statistics.mean(t[k]["auc"] for t in ts) for k, _ in YARDSTICKS]
        best = max(ys)
        tu = mean([auc_of(t, "tune") for t in ts])
        diff = None if tu is None else tu - best
        runs = [t["ducksight"]["tune"] for t in ran]
        kinds = ", ".join(r["winning_kind"] for r in runs) or "n/a"
        counts = " · ".join(trial_counts(r).replace(" completed, ", " / ").replace(" stopped early, ", " / ")
                            .replace(" skipped", "") for r in runs) or "n/a"
        print(f"| {name} | {len(ts)} | {ts[0]['train_rows']} / {ts[0]['test_rows']} | "
              + " | ".join(f"{y:.4f}" for y in ys)
              + f" | {best:.4f} | {f4(tu)} | {f4(diff, True)} "
              f"| {'**no**: tune failed' if not ran and any(t['ducksight'].get('tune', {}).get('error') for t in ts) else met(diff, TUNE_MARGIN)} "
              f"| {kinds} | {counts} |")
    print("\nEvery task (test AUC; LogisticRegressionCV / MLP grid / XGBoost grid / tune), with the yardsticks' "
          "chosen settings and tune's best trial:\n")
    for t in tasks:
        r = t["ducksight"].get("tune")
        bt = best_trial(r) if auc_of(t, "tune") is not None else None
        tune_s = f"failed: {r['error']}" if r and r.get("error") else "n/a" if bt is None else (
            f"{r['test_auc']:.4f} (trial {bt['trial']} {bt['kind']} {bt['params']}, {'validation' if bt['metric_std'] is None else 'cross-validated'} AUC {bt['metric']:.4f}; "
            f"{trial_counts(r)}; {r['wall_seconds']:.0f} s, load average {r.get('load_avg', '?')} at its start)")
        print(f"- {t['name']}: {t['lrcv']['auc']:.4f} (C {t['lrcv']['best_params']['C']:.3g}) / "
              f"{t['mlp_grid']['auc']:.4f} ({t['mlp_grid']['best_params']}) / "
              f"{t['xgb_grid']['auc']:.4f} ({t['xgb_grid']['best_params']}) / {tune_s}")
    alone = [t for t in tasks if auc_of(t, "tune") is not None
             and any("test_auc_alone" in x for x in t["ducksight"]["tune"]["trials"])]
    if alone:
        print("\nEvery trial's configuration trained alone (--tune-trials-test), test AUC: tune's choice, the best "
              "trial on the test rows (its status and tune's metric for it), and the best trial that halving stopped:\n")
        print("| task | tune's choice | best trial on test | its status | its tune metric (choice's) | best stopped early |")
        print("|---|---|---|---|---|---|")
        for t in alone:
            trs = [x for x in t["ducksight"]["tune"]["trials"] if "test_auc_alone" in x]
            ch, top = best_trial(t["ducksight"]["tune"]), max(trs, key=lambda x: x["test_auc_alone"])
            st = [x for x in trs if x["status"] == "stopped early"]
            sx = max(st, key=lambda x: x["test_auc_alone"]) if st else None
            tm = lambda x: "-" if x["metric"] is None else f"{x['metric']:.4f}"  # noqa: E731
            print(f"| {t['name']} | trial {ch['trial']} {ch['kind']}: {ch['test_auc_alone']:.4f} | trial {top['trial']} "
                  f"{top['kind']}: {top['test_auc_alone']:.4f} | {top['status']} | {tm(top)} ({tm(ch)}) | "
                  + ("none" if sx is None else f"trial {sx['trial']} {sx['kind']}: {sx['test_auc_alone']:.4f}") + " |")
    print("\nSeconds (LogisticRegressionCV / MLP grid / XGBoost grid, one thread each; tune's whole statement): "
          + "; ".join(f"{t['name']} {t['lrcv']['seconds']:.0f} / {t['mlp_grid']['seconds']:.0f} / "
                      f"{t['xgb_grid']['seconds']:.0f}; {tune_seconds(t)}"
                      for t in tasks))


# ---------------------------------------------------------------- speed

class Helper:
    """trees_side_by_side serve: the DuckDB side, one command per line."""

    def __init__(self, exe, *args):
        self.p = subprocess.Popen([exe, "serve", *map(str, args)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, cwd=ROOT)
        self.ready = self.read()

    def read(self):
        line = self.p.stdout.readline()
        if not line:
            sys.exit(f"trees_side_by_side serve exited with status {self.p.wait()}")
        return json.loads(line)

    def ask(self, cmd):
        self.p.stdin.write(cmd + "\n")
        self.p.stdin.flush()
        return self.read()

    def close(self):
        self.p.stdin.close()
        if self.p.wait() != 0:
            sys.exit(f"trees_side_by_side serve exited with status {self.p.returncode}")


def xgb_speed(X, y):
    c0, t0 = time.process_time(), time.perf_counter()
    m = xgb.XGBClassifier(n_jobs=THREADS, random_state=0, **XGB_SPEED).fit(X, y)
    fit, fit_cpu = time.perf_counter() - t0, time.process_time() - c0
    c0, t0 = time.process_time(), time.perf_counter()
    p = m.predict_proba(X)[:, 1]
    s = float(p.sum())
    pred, pred_cpu = time.perf_counter() - t0, time.process_time() - c0
    return m, {"fit": fit, "fit_cpu": fit_cpu, "predict": pred, "predict_cpu": pred_cpu, "sum": s}


def speed(exe, runs, repeats, tmp, duckdb_threads):
    data, out = None, []
    for run in range(1, runs + 1):
        log(f"speed run {run}: building the tables ({load_str()})")
        h = Helper(exe, "-dir", tmp, "-threads", duckdb_threads, *(["-write"] if data is None else []))
        if data is None:
            data = [np.load(os.path.join(tmp, f)) for f in ("train_X.npy", "train_y.npy", "test_X.npy", "test_y.npy")]
        X, y, Xt, yt = data
        res = {"run": run, "available": h.ready["available"], "duckdb_threads": duckdb_threads,
               "scans": [], "load": [], "xgb": [], "ducksight": []}
        m = None
        for rep in range(repeats):
            res["load"].append(os.getloadavg()[0])
            res["scans"] += [h.ask("scan")["seconds"] for _ in range(3)]
            order = ("ducksight", "xgb") if rep % 2 == 0 else ("xgb", "ducksight")
            for side in order:
                if side == "xgb":
                    m, r = xgb_speed(X, y)
                    res["xgb"].append(r)
                    log(f"  run {run} repeat {rep + 1} xgb: fit {r['fit']:.2f} s, predict_proba {r['predict']:.2f} s")
                elif res["available"]:
                    t = h.ask(f"trees {XGB_SPEED['n_estimators']}")
                    p = h.ask("predict")
                    res["ducksight"].append({"fit": t["seconds"], "fit_cpu": t["cpu_seconds"], "test_auc": t["test_auc"],
                                             "predict": p["seconds"], "predict_cpu": p["cpu_seconds"], "sql": t["sql"]})
                    log(f"  run {run} repeat {rep + 1} ducksight: train {t['seconds']:.2f} s, predict {p['seconds']:.2f} s")
        res["load"].append(os.getloadavg()[0])
        if not res["available"]:
            res["ducksight_sql"] = h.ask(f"trees {XGB_SPEED['n_estimators']}")["sql"]
        h.close()
        res["xgb_test_auc"] = roc_auc_score(yt, m.predict_proba(Xt)[:, 1])
        res["xgb_params"] = {k: v for k, v in m.get_xgb_params().items() if v is not None}
        res["scan"] = statistics.median(res["scans"])
        out.append(res)
    return out


def print_speed(res, repeats):
    print("\n### Speed: 1M x 16 DOUBLE, logistic label (sqlfuncs/train_bench_test.go); test AUC on 200k other rows\n")
    print(f"XGBoost {xgb.__version__} hist: {XGB_SPEED['n_estimators']} trees, depth 6, learning rate 0.1, 255 bins, "
          f"n_jobs={THREADS}, data already in numpy; predict_proba over the same 1M rows. ducksight: the whole "
          f"train_boosted_trees statement (DuckDB threads {res[0]['duckdb_threads']}; the kernels use {THREADS} "
          "goroutines either way) and SELECT sum(probability) FROM predict(...) over the "
          f"same table. Medians of {repeats} repeats per run (the side going first alternating); "
          "×scan = time / the run's median DuckDB SELECT sum(c1)+...+sum(c16).\n")
    print("The machine is shared: under load XGBoost's OpenMP threads spin and its times scatter, so the fit "
          "is given as median and minimum, and the ratios are the medians of the repeats' own ratios (the two "
          "sides of a repeat ran back to back).\n")
    print("| run | load avg | scan | XGBoost fit median (min) | ×scan | CPU s | XGBoost predict_proba median (min) "
          "| ×scan | XGBoost test AUC | ducksight train | ducksight / XGBoost (bar ≤ 1.5) | ducksight predict "
          "| ducksight / XGBoost (bar ≤ 1.5) | ducksight test AUC |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in res:
        med = lambda side, k: statistics.median(x[k] for x in r[side])  # noqa: E731
        low = lambda side, k: min(x[k] for x in r[side])  # noqa: E731
        xf, xp = med("xgb", "fit"), med("xgb", "predict")
        cells = ["n/a"] * 5
        if r["ducksight"]:
            ratio = lambda k: statistics.median(d[k] / x[k] for d, x in zip(r["ducksight"], r["xgb"]))  # noqa: E731
            cells = [f"{med('ducksight', 'fit'):.2f} s ({low('ducksight', 'fit'):.2f})", f"**{ratio('fit'):.2f}x**",
                     f"{med('ducksight', 'predict'):.3f} s ({low('ducksight', 'predict'):.3f})",
                     f"**{ratio('predict'):.2f}x**", f"{r['ducksight'][-1]['test_auc']:.5f}"]
        print(f"| {r['run']} | {min(r['load']):.1f}–{max(r['load']):.1f} | {1000 * r['scan']:.1f} ms "
              f"| {xf:.2f} s ({low('xgb', 'fit'):.2f}) | {xf / r['scan']:.0f}x | {med('xgb', 'fit_cpu'):.2f} "
              f"| {xp:.3f} s ({low('xgb', 'predict'):.3f}) | {xp / r['scan']:.1f}x "
              f"| {r['xgb_test_auc']:.5f} | " + " | ".join(cells) + " |")
    print("\nEvery time (seconds, in repeat order):\n")
    for r in res:
        print(f"- run {r['run']}: XGBoost fit {fmt(x['fit'] for x in r['xgb'])} (CPU {fmt(x['fit_cpu'] for x in r['xgb'])}), "
              f"predict_proba {fmt((x['predict'] for x in r['xgb']), 3)}; scans {fmt(r['scans'], 4)}")
        if r["ducksight"]:
            print(f"- run {r['run']}: ducksight train {fmt(x['fit'] for x in r['ducksight'])} "
                  f"(CPU {fmt(x['fit_cpu'] for x in r['ducksight'])}), predict {fmt((x['predict'] for x in r['ducksight']), 3)}")
        else:
            print(f"- run {r['run']}: ducksight: train_boosted_trees is not in this build; the statement timed will be "
                  f"`{r['ducksight_sql']}`")


def fmt(xs, nd=2):
    return "[" + ", ".join(f"{x:.{nd}f}" for x in xs) + "]"


# ---------------------------------------------------------------- main

def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    go = subprocess.run(["go", "version"], capture_output=True, text=True).stdout.strip()
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True, cwd=ROOT).stdout.strip()
    return (f"{datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}, {os.cpu_count()} cores "
            f"({cpu}), {platform.system()} {platform.machine()}, {go}, Python {platform.python_version()}, "
            f"XGBoost {xgb.__version__}, scikit-learn {sklearn.__version__}, pandas {pd.__version__}, "
            f"numpy {np.__version__}, OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(unset)')}, "
            f"commit {head}{' with local changes' if dirty else ''}")


def extract(data_dir):
    """Runs extract_modeldata.R into data_dir; returns its summary lines and
    each CSV's MD5."""
    subprocess.run(["Rscript", os.path.join(HERE, "extract_modeldata.R"), data_dir], check=True)
    info = open(os.path.join(data_dir, "modeldata.txt")).read().splitlines()
    md5 = {f: hashlib.md5(open(os.path.join(data_dir, f), "rb").read()).hexdigest()
           for f in sorted(os.listdir(data_dir)) if f.endswith(".csv")}
    return info, md5


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--part", choices=["quality", "speed", "logistic", "tune", "all"], default="all",
                    help="all = quality and speed; logistic (not in all): the logistic models against "
                         "LogisticRegression on the quality part's tasks; tune (not in all): tune against "
                         "LogisticRegressionCV, an MLP grid and an XGBoost grid")
    ap.add_argument("--seeds", default="42,7", help="demo_customers seeds (empty: none)")
    ap.add_argument("--splits", type=int, help=f"seeded splits per public dataset (default 5; --part tune {TUNE_SPLITS})")
    ap.add_argument("--datasets", default="", help="public datasets, comma-separated (default all; --part tune: "
                    f"those of at least {TUNE_MIN_ROWS} rows)")
    ap.add_argument("--tune-budget", type=float, default=120, help="tune: time_budget of the tune model (seconds)")
    ap.add_argument("--tune-args", default="", help="tune: more named arguments of the tune model, as SQL, for "
                    "experiments (\"folds := 5\"); the bar's protocol gives none")
    ap.add_argument("--tune-trials-test", action="store_true",
                    help="tune: also train every trial's configuration alone and report its test AUC")
    ap.add_argument("--tables-from", help="print the tables of the part from this --json file of an earlier run "
                    "(no fit, no build)")
    ap.add_argument("--exclude", default="", help="more columns to leave out, as dataset.column, comma-separated")
    ap.add_argument("--models", help="ducksight models per task (default trees,trees_default,mlp16; "
                    f"with --part logistic {LOGISTIC_MODELS})")
    ap.add_argument("--runs", type=int, default=1, help="speed: fresh Go processes")
    ap.add_argument("--repeats", type=int, default=3, help="speed: fits per side per run (median)")
    ap.add_argument("--duckdb-threads", type=int, default=THREADS,
                    help="speed: DuckDB's threads setting on the ducksight side (1 avoids DuckDB's client thread "
                         "busy-waiting while a worker thread runs the statement; see README)")
    ap.add_argument("--json", help="also write every figure to this JSON file")
    args = ap.parse_args()
    if args.models is None:
        args.models = {"logistic": LOGISTIC_MODELS, "tune": TUNE_MODELS}.get(args.part, "trees,trees_default,mlp16")
    if args.splits is None:
        args.splits = TUNE_SPLITS if args.part == "tune" else 5
    if args.tables_from:
        everything = json.load(open(args.tables_from))
        print(f"Machine: {everything['machine']}.")
        print("Command: /usr/bin/python3 scripts/trees_side_by_side/xgb_side_by_side.py "
              f"{shlex.join(everything['argv'])}".rstrip())
        q = everything["quality"]
        {"tune": lambda: print_tune(q, everything.get("tune_budget", 120), everything.get("tune_args", "")),
         "logistic": lambda: print_logistic(q)}.get(args.part, lambda: print_quality(q))()
        return

    with tempfile.TemporaryDirectory(prefix="trees_side_by_side.") as tmp:
        exe = os.path.join(tmp, "trees_side_by_side")
        log("building: go build -tags duckdb_arrow ./scripts/trees_side_by_side")
        subprocess.run(["go", "build", "-tags", "duckdb_arrow", "-o", exe, "./scripts/trees_side_by_side"],
                       check=True, cwd=ROOT)
        where = machine()
        print(f"Machine: {where}.")
        print(f"Command: /usr/bin/python3 scripts/trees_side_by_side/xgb_side_by_side.py {shlex.join(sys.argv[1:])}".rstrip())
        everything = {"machine": where, "argv": sys.argv[1:], "tune_budget": args.tune_budget, "tune_args": args.tune_args}
        if args.part in ("quality", "logistic", "tune", "all"):
            data_dir = os.path.join(tmp, "modeldata")
            info, md5 = extract(data_dir)
            print("Data: " + "; ".join(info) + ". MD5 of the extracted CSV files: "
                  + ", ".join(f"{f} {h}" for f, h in md5.items()) + ".")
            if args.part == "tune" and not args.datasets:
                # "name: N rows, M columns" lines of modeldata.txt
                args.datasets = ",".join(line.split(":")[0] for line in info[1:]
                                         if int(line.split(": ")[1].split()[0]) >= TUNE_MIN_ROWS)
            everything["load_before"] = os.getloadavg()
            q = quality(exe, args, data_dir, tmp)
            everything["load_after"] = os.getloadavg()
            print(f"Load average before the run {fmt(everything['load_before'])}, after {fmt(everything['load_after'])}.")
            if args.part == "tune":
                print_tune(q, args.tune_budget, args.tune_args)
            elif args.part == "logistic":
                print_logistic(q)
            else:
                print_quality(q)
            everything["quality"] = q
            everything["data"] = {"info": info, "md5": md5}
            sys.stdout.flush()
        if args.part in ("speed", "all"):
            s = speed(exe, args.runs, args.repeats, tmp, args.duckdb_threads)
            print_speed(s, args.repeats)
            everything["speed"] = s
        if args.json:
            with open(args.json, "w") as f:
                json.dump(everything, f, indent=1, default=str)


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    main()
