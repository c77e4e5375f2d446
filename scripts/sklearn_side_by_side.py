#!/usr/bin/python3
"""ducksight next to scikit-learn, on the same rows: the figures of the
section "scikit-learn side by side" of docs/performance.md.

Quality (demo_customers, seeds 42 and 7 by default): rows 1..TRAIN train and
the next TEST rows test, the same rows for both sides. ducksight trains
train_perceptron with its defaults and hidden := [] or [16] (through
scripts/side_by_side, a Go program on package engine); scikit-learn fits
LogisticRegression() and MLPClassifier(hidden_layer_sizes=(16,)) on two
preprocessings of the same columns: "demo", the design matrix of
scripts/demo_sklearn.py (its loader and design are reused: numerics
mean-imputed with a missing indicator for income, one-hot plan/region/gender
with NULL gender a level, everything standardised), and "textbook", a
ColumnTransformer that mean-imputes and standardises the numerics and
one-hots the categoricals. customer_id, true_segment, the other targets and
the true probabilities are excluded on both sides. Prints the test AUCs, the
difference to the better scikit-learn figure and the Bayes-optimal AUC of
the test rows (the generator's true probabilities).

Speed: the 1M x 16 DOUBLE table with a logistic BOOLEAN label of
sqlfuncs/train_bench_test.go, plus a 200k-row test table drawn the same way
from other hashes. The Go program (side_by_side serve, driven line by line)
times DuckDB's SELECT sum(c1)+...+sum(c16) and the whole train_perceptron
statement, and writes the rows as .npy files; this script times
StandardScaler().fit_transform plus SGDClassifier(loss='log_loss',
random_state=0).fit on the same rows (loading excluded), with the number of
epochs matched two ways:
  A (headline): train_perceptron with every default (early stopping); then
    SGDClassifier(max_iter=<its epochs_run>, tol=None);
  B: SGDClassifier with every default (its own stopping rule, n_iter_ epochs);
    then train_perceptron(epochs := n_iter_, early_stopping := false).
Each run (--runs) starts a fresh Go process and makes --repeats repeats of:
3 scans, mode A's two fits back to back, mode B's two fits back to back (the
side going first alternating), so that the load of other jobs hits both
sides alike. It prints the medians, every time as a multiple of the run's
median scan, and the median of the repeats' sklearn / ducksight ratios.

Mode A asks train_perceptron for solver := 'adam' explicitly: since lbfgs
became the default for hidden := [] these are Adam's defaults, the ones
the figures of this part were measured with.

L-BFGS (--part lbfgs, not part of "all"): the same tables; the exact solver
on both sides, on the same objective (mean log loss + l2/2 ||w||^2 on
standardised columns, intercept not penalised, l2 = 1e-4 = ducksight's
default, so C = 1/(l2 * n_train)). ducksight times the whole
train_perceptron statement (a) with every default (solver auto = lbfgs,
10% of the rows held out for validation and scored after every
iteration) and (b) with solver := 'lbfgs', l2 := 0.0001,
validation_fraction := 0 (every row trains: the rows scikit-learn fits);
scikit-learn times StandardScaler().fit_transform plus
LogisticRegression(C=1/(l2*n), solver='lbfgs').fit (c) with its default
tol and max_iter and (d) with tol=1e-10, max_iter=10000. Each run starts a
fresh Go process, then makes one warm-up round (the four fits, recorded
apart: a process's first training pays for fresh memory) and --repeats
repeats of the four fits, the side going first alternating. It prints the
medians, the ratios (the median of the repeats' own ratios), both sides'
iterations and test AUC, and each model's objective computed on
scikit-learn's standardised matrix of all the training rows.

Usage (from anywhere; needs go, numpy and scikit-learn, e.g. Debian's
python3-sklearn):
    /usr/bin/python3 scripts/sklearn_side_by_side.py            # quality and speed
    /usr/bin/python3 scripts/sklearn_side_by_side.py --part quality
    /usr/bin/python3 scripts/sklearn_side_by_side.py --part speed --runs 3
    /usr/bin/python3 scripts/sklearn_side_by_side.py --part lbfgs --runs 5 --repeats 5 --json FILE
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import types
import warnings

import numpy as np
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import roc_auc_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in scripts/
import demo_sklearn  # noqa: E402  (the loader and design matrix of the demo yardstick)

LABELS = (("churned", "p_churned"), ("purchased_next_30d", "p_purchased_next_30d"))
# The claims checked: ducksight's test AUC >= scikit-learn's minus these margins.
MARGIN = {"[]": 0.01, "[16]": 0.015}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def helper(exe, *args):
    out = subprocess.run([exe, *map(str, args)], check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout)


def load_str():
    return "load average %.2f %.2f %.2f" % os.getloadavg()


# ---------------------------------------------------------------- quality

def quality(exe, seeds, ntrain, ntest, mlp_seed):
    results = []
    for seed in seeds:
        log(f"quality: seed {seed}: ducksight ({load_str()})")
        ds = helper(exe, "quality", "-seed", seed, "-train", ntrain, "-test", ntest)
        log(f"quality: seed {seed}: scikit-learn")
        rows = demo_sklearn.load(types.SimpleNamespace(csv=None, seed=seed, train=ntrain, test=ntest))
        tr, te = rows[:ntrain], rows[ntrain:ntrain + ntest]
        Xtr, names, imean = demo_sklearn.design(tr)
        Xte, _, _ = demo_sklearn.design(te, imean)
        sc = StandardScaler().fit(Xtr)
        Xtr, Xte = sc.transform(Xtr), sc.transform(Xte)
        tb = textbook_pipeline()
        Ttr = tb.fit_transform(textbook_frame(tr))
        Tte = tb.transform(textbook_frame(te))
        for (label, ptrue), dsl in zip(LABELS, ds["labels"]):
            assert dsl["label"] == label
            ytr = np.array([r[label] == "true" for r in tr], dtype=int)
            yte = np.array([r[label] == "true" for r in te], dtype=int)
            bayes = roc_auc_score(yte, np.array([float(r[ptrue]) for r in te]))
            # Same test rows: the Go side computed its Bayes AUC and base rate
            # from the generator directly.
            if abs(bayes - dsl["bayes_auc"]) > 1e-6 or abs(yte.mean() - dsl["rate_test"]) > 1e-9:
                sys.exit(f"seed {seed} {label}: the two sides' test rows differ "
                         f"(Bayes AUC {bayes} vs {dsl['bayes_auc']}, rate {yte.mean()} vs {dsl['rate_test']})")
            sk, secs, n_iter = {}, {}, {}
            for pipe, (A, B) in (("demo", (Xtr, Xte)), ("textbook", (Ttr, Tte))):
                t0 = time.perf_counter()
                lr = LogisticRegression(max_iter=2000).fit(A, ytr)
                t1 = time.perf_counter()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    mlp = MLPClassifier(hidden_layer_sizes=(16,), random_state=mlp_seed).fit(A, ytr)
                t2 = time.perf_counter()
                sk[pipe] = {"[]": roc_auc_score(yte, lr.predict_proba(B)[:, 1]),
                            "[16]": roc_auc_score(yte, mlp.predict_proba(B)[:, 1])}
                secs[pipe] = {"[]": t1 - t0, "[16]": t2 - t1}
                n_iter[pipe] = mlp.n_iter_
            results.append({"seed": seed, "label": label, "bayes": bayes, "ducksight": dsl["test_auc"],
                            "sklearn": sk, "ds_models": dsl["models"], "train_sql": dsl["train_sql"],
                            "sk_seconds": secs, "mlp_n_iter": n_iter,
                            "features": len(names)})
            log(f"  {label}: bayes {bayes:.4f}; ducksight {dsl['test_auc']}; scikit-learn {sk}")
    return results


def textbook_frame(rows):
    """The raw columns for textbook_pipeline: numerics (NaN for NULL income,
    email_opt_in as 0/1), then the categoricals (NULL gender as "NULL")."""
    num = np.array([[float(r[c]) if r[c] != "" else np.nan for c in TEXTBOOK_NUMERIC[:-1]]
                    + [1.0 if r["email_opt_in"] == "true" else 0.0] for r in rows], dtype=object)
    cat = np.array([[r[c] or "NULL" for c in demo_sklearn.CATEGORICAL] for r in rows], dtype=object)
    return np.concatenate([num, cat], axis=1)


TEXTBOOK_NUMERIC = demo_sklearn.NUMERIC + ["income", "email_opt_in"]


def textbook_pipeline():
    """scikit-learn's textbook preprocessing: mean-impute and standardise the
    numerics, one-hot the categoricals (not scaled, no missing indicator)."""
    k = len(TEXTBOOK_NUMERIC)
    return ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()), list(range(k))),
        ("cat", OneHotEncoder(handle_unknown="ignore"), list(range(k, k + len(demo_sklearn.CATEGORICAL)))),
    ])


def print_quality(res, ntrain, ntest, mlp_seed):
    print(f"\n### Quality: test AUC on demo_customers (train rows 1..{ntrain}, test the next {ntest})\n")
    print("scikit-learn: LogisticRegression(max_iter=2000) for hidden [], "
          f"MLPClassifier(hidden_layer_sizes=(16,), random_state={mlp_seed}) for [16]; "
          "*demo* = the design of scripts/demo_sklearn.py, *textbook* = ColumnTransformer(mean-impute + "
          "StandardScaler on numerics, OneHotEncoder on categoricals). The claim is checked against the "
          "better of the two.\n")
    print("| seed | label | Bayes-optimal | hidden | ducksight | sklearn demo | sklearn textbook "
          "| ducksight − best sklearn | claim | met |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in res:
        for h in ("[]", "[16]"):
            best = max(r["sklearn"]["demo"][h], r["sklearn"]["textbook"][h])
            d = r["ducksight"][h] - best
            ok = "yes" if d >= -MARGIN[h] else "**no**"
            print(f"| {r['seed']} | {r['label']} | {r['bayes']:.4f} | {h} | {r['ducksight'][h]:.4f} "
                  f"| {r['sklearn']['demo'][h]:.4f} | {r['sklearn']['textbook'][h]:.4f} | {d:+.4f} "
                  f"| ≥ −{MARGIN[h]} | {ok} |")
    print("\nIncidental (not a benchmark; other jobs were running): ducksight epochs_run (early stopping) and "
          "wall seconds; scikit-learn fit seconds (demo design) and MLP n_iter_:\n")
    print("| seed | label | ducksight [] | ducksight [16] | LogisticRegression | MLP (16,) |")
    print("|---|---|---|---|---|---|")
    for r in res:
        m, t = r["ds_models"], r["sk_seconds"]["demo"]
        print(f"| {r['seed']} | {r['label']} | {m['[]']['epochs_run']} epochs, {m['[]']['wall_seconds']:.2f} s "
              f"| {m['[16]']['epochs_run']} epochs, {m['[16]']['wall_seconds']:.2f} s "
              f"| {t['[]']:.2f} s | {r['mlp_n_iter']['demo']} iterations, {t['[16]']:.1f} s |")


# ---------------------------------------------------------------- speed

class Helper:
    """scripts/side_by_side serve: the DuckDB side, one command per line."""

    def __init__(self, exe, *args):
        self.p = subprocess.Popen([exe, "serve", *map(str, args)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, cwd=ROOT)
        self.ready = self.read()

    def read(self):
        line = self.p.stdout.readline()
        if not line:
            sys.exit(f"side_by_side serve exited with status {self.p.wait()}")
        return json.loads(line)

    def ask(self, cmd):
        self.p.stdin.write(cmd + "\n")
        self.p.stdin.flush()
        return self.read()

    def close(self):
        self.p.stdin.close()
        if self.p.wait() != 0:
            sys.exit(f"side_by_side serve exited with status {self.p.returncode}")


def scaled_fit(X, y, model):
    """Times StandardScaler().fit_transform + model.fit (convergence warnings
    silenced); returns wall and CPU seconds, the fitted model and scaler."""
    c0, t0 = time.process_time(), time.perf_counter()
    sc = StandardScaler()
    Xs = sc.fit_transform(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m = model.fit(Xs, y)
    return time.perf_counter() - t0, time.process_time() - c0, m, sc


def sgd_fit(X, y, **kw):
    """Times StandardScaler().fit_transform + SGDClassifier(loss='log_loss', **kw).fit."""
    return scaled_fit(X, y, SGDClassifier(loss="log_loss", random_state=0, **kw))


def start_run(exe, tmp, ntest, data):
    """A fresh Go process serving the tables, and the tables as numpy arrays
    (written and loaded by the first run, then reused)."""
    h = Helper(exe, "-dir", tmp, "-test", ntest, *(["-write"] if data is None else []))
    if data is None:
        data = [np.load(os.path.join(tmp, f)) for f in ("train_X.npy", "train_y.npy", "test_X.npy", "test_y.npy")]
    return h, data


def speed(exe, runs, repeats, ntest, tmp):
    """Each run: a fresh Go process; each repeat: 3 scans, then mode A's two
    fits back to back, then mode B's, the side going first alternating."""
    data = None
    out = []
    for run in range(1, runs + 1):
        log(f"speed run {run}: building the tables ({load_str()})")
        h, data = start_run(exe, tmp, ntest, data)
        X, y, Xt, yt = data
        res = {"run": run, "scans": [], "load": [],
               "A": {"ducksight": [], "sklearn": [], "ducksight_cpu": [], "sklearn_cpu": []},
               "B": {"ducksight": [], "sklearn": [], "ducksight_cpu": [], "sklearn_cpu": []}}
        fits = {}
        for rep in range(repeats):
            res["load"].append(os.getloadavg()[0])
            res["scans"] += [h.ask("scan")["seconds"] for _ in range(3)]
            first = ("ducksight", "sklearn") if rep % 2 == 0 else ("sklearn", "ducksight")
            for mode, order in (("A", first), ("B", first[::-1])):
                for side in order:
                    if side == "ducksight":
                        epochs = 0 if mode == "A" else fits["B", "sklearn"][2].n_iter_
                        r = h.ask(f"train {epochs}")
                        if ("A", "ducksight") in fits and mode == "A":
                            assert r["model"]["epochs_run"] == fits["A", "ducksight"]["model"]["epochs_run"]
                        fits[mode, side] = r
                        t, cpu = r["model"]["wall_seconds"], r["model"]["cpu_seconds"]
                    elif mode == "A":
                        epochs = fits["A", "ducksight"]["model"]["epochs_run"]
                        fits[mode, side] = sgd_fit(X, y, max_iter=epochs, tol=None)
                        t, cpu = fits[mode, side][:2]
                    else:
                        fits[mode, side] = sgd_fit(X, y)
                        t, cpu = fits[mode, side][:2]
                    res[mode][side].append(t)
                    res[mode][side + "_cpu"].append(cpu)
                    log(f"  run {run} repeat {rep + 1} {mode} {side}: {t:.2f} s")
        res["load"].append(os.getloadavg()[0])
        h.close()
        for mode in "AB":
            d = fits[mode, "ducksight"]
            _, _, m, sc = fits[mode, "sklearn"]
            res[mode]["epochs"] = d["model"]["epochs_run"]
            res[mode]["sklearn_n_iter"] = int(m.n_iter_)
            res[mode]["ducksight_auc"] = d["test_auc"]
            res[mode]["sklearn_auc"] = roc_auc_score(yt, m.decision_function(sc.transform(Xt)))
            res[mode]["train_sql"] = d["train_sql"]
            res[mode]["ratios"] = [s / t for s, t in zip(res[mode]["sklearn"], res[mode]["ducksight"])]
            res[mode]["cpu_ratios"] = [s / t for s, t in zip(res[mode]["sklearn_cpu"], res[mode]["ducksight_cpu"])]
        res["scan"] = statistics.median(res["scans"])
        out.append(res)
    return out


def print_speed(res, repeats):
    print("\n### Speed: 1M x 16 DOUBLE, logistic label; test AUC on 200k other rows\n")
    print(f"Each run is a fresh Go process; in each of its {repeats} repeats the two sides' fits ran back to back "
          "(the side going first alternating), after 3 DuckDB scans. Times are medians over the repeats; "
          "`scan` is the median `SELECT sum(c1)+...+sum(c16)` over the training table in that run, "
          "×scan = time / scan; sklearn / ducksight is the median of the repeats' ratios of wall times, "
          "CPU ratio the same for CPU time (user + system, all threads of each process).\n")
    print("| run | load avg | match | epochs | scan | ducksight | ×scan | AUC | "
          "scikit-learn | ×scan | AUC | **sklearn / ducksight** | CPU ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in res:
        for mode, name in (("A", "A: ducksight solver := 'adam', its defaults; sklearn max_iter = epochs_run, tol=None"),
                           ("B", "B: sklearn defaults (n_iter_); ducksight epochs := n_iter_, no early stopping")):
            m = r[mode]
            assert m["sklearn_n_iter"] == m["epochs"], (mode, m["sklearn_n_iter"], m["epochs"])
            dt, st = statistics.median(m["ducksight"]), statistics.median(m["sklearn"])
            print(f"| {r['run']} | {min(r['load']):.1f}–{max(r['load']):.1f} | {name} | {m['epochs']} "
                  f"| {1000 * r['scan']:.1f} ms | {dt:.2f} s | {dt / r['scan']:.0f}x | {m['ducksight_auc']:.5f} "
                  f"| {st:.2f} s | {st / r['scan']:.0f}x | {m['sklearn_auc']:.5f} "
                  f"| **{statistics.median(m['ratios']):.1f}x** | {statistics.median(m['cpu_ratios']):.1f}x |")
    print("\nEvery time (seconds, in repeat order):\n")
    for r in res:
        for mode in "AB":
            m = r[mode]
            print(f"- run {r['run']} {mode}: ducksight {fmt(m['ducksight'])} (CPU {fmt(m['ducksight_cpu'])}); "
                  f"scikit-learn {fmt(m['sklearn'])} (CPU {fmt(m['sklearn_cpu'])}); ratios {fmt(m['ratios'], 1)}")
        print(f"- run {r['run']} scans: {fmt(r['scans'], 4)}")
    for mode in "AB":
        v = [statistics.median(r[mode]["ratios"]) for r in res]
        print(f"\nsklearn / ducksight, mode {mode}, over the runs: median {statistics.median(v):.1f}x "
              f"(runs {', '.join(f'{x:.1f}x' for x in v)})", end="")
    print()


# ---------------------------------------------------------------- lbfgs

L2 = 1e-4  # ducksight's default l2; scikit-learn's C = 1 / (L2 * n_train)
# The four fits of a repeat: ducksight's (trainargs arguments) and
# scikit-learn's (LogisticRegression keywords besides C).
LBFGS_FITS = {
    "ds_default": "",
    "ds_all_rows": f"solver := 'lbfgs', l2 := {L2}, validation_fraction := 0",
    "sk_default": {},
    "sk_tight": {"tol": 1e-10, "max_iter": 10000},
}
# Ratios reported: (scikit-learn fit, ducksight fit).
LBFGS_RATIOS = (("sk_default", "ds_all_rows"), ("sk_default", "ds_default"), ("sk_tight", "ds_all_rows"))


def lr_fit(X, y, **kw):
    """Times StandardScaler().fit_transform + LogisticRegression(C=1/(L2*n), solver='lbfgs', **kw).fit."""
    return scaled_fit(X, y, LogisticRegression(C=1 / (L2 * len(y)), solver="lbfgs", **kw))


def objective(Xs, y, w, b):
    """Mean log loss + L2/2 ||w||^2 of the linear model (w, b) on Xs."""
    z = Xs @ w + b
    # log(1 + exp(-z)) for y = 1, log(1 + exp(z)) for y = 0, stably.
    s = np.where(y > 0.5, -z, z)
    return float(np.mean(np.logaddexp(0, s)) + L2 / 2 * np.dot(w, w))


def ds_in_sklearn_space(coef, sc):
    """ducksight's weights (on its own standardisation) as weights on
    scikit-learn's standardised columns: raw coefficients w/std, intercept
    b - sum(w*mean/std), then rescaled by the scaler's scale_ and mean_."""
    ins = coef["inputs"]
    assert [c["name"] for c in ins] == [f"c{k}" for k in range(1, 17)], [c["name"] for c in ins]
    raw = np.array([c["weight"] / c["std"] for c in ins])
    b = coef["bias"] - sum(c["weight"] * c["mean"] / c["std"] for c in ins)
    return raw * sc.scale_, b + float(np.dot(raw, sc.mean_))


def lbfgs(exe, runs, repeats, ntest, tmp):
    """Each run: a fresh Go process, a warm-up round of the four fits, then
    repeats of the four fits, the side going first alternating."""
    data = None
    out = []
    for run in range(1, runs + 1):
        log(f"lbfgs run {run}: building the tables ({load_str()})")
        h, data = start_run(exe, tmp, ntest, data)
        X, y, Xt, yt = data
        res = {"run": run, "load": [], "warmup": {},
               "fits": {k: {"wall": [], "cpu": []} | ({"solver": []} if k.startswith("ds_") else {}) for k in LBFGS_FITS}}
        last = {}
        for rep in range(repeats + 1):  # round 0 is the warm-up
            res["load"].append(os.getloadavg()[0])
            ds_first = rep % 2 == 0
            order = [("ds_all_rows", "sk_default"), ("ds_default", "sk_tight")]
            seq = [f for pair in order for f in (pair if ds_first else pair[::-1])]
            for name in seq:
                if name.startswith("ds_"):
                    r = h.ask("trainargs " + LBFGS_FITS[name])
                    t, cpu = r["model"]["wall_seconds"], r["model"]["cpu_seconds"]
                    solver = sum(r["iteration_seconds"])  # the solver loop, validation scoring included
                    if name in last:  # deterministic: the same model every time
                        assert r["model"]["train_loss"] == last[name]["model"]["train_loss"], name
                    last[name] = r
                else:
                    t, cpu, m, sc = lr_fit(X, y, **LBFGS_FITS[name])
                    last[name] = (m, sc)
                if rep == 0:
                    res["warmup"][name] = {"wall": t, "cpu": cpu} | ({"solver": solver} if name.startswith("ds_") else {})
                else:
                    res["fits"][name]["wall"].append(t)
                    res["fits"][name]["cpu"].append(cpu)
                    if name.startswith("ds_"):
                        res["fits"][name]["solver"].append(solver)
                log(f"  run {run} {'warm-up' if rep == 0 else f'repeat {rep}'} {name}: {t:.2f} s (CPU {cpu:.2f} s)")
        res["load"].append(os.getloadavg()[0])
        h.close()
        # The models (the same in every repeat): iterations, test AUC, objective.
        sc_all = StandardScaler().fit(X)
        Xs = sc_all.transform(X)
        for name, f in res["fits"].items():
            if name.startswith("ds_"):
                r = last[name]
                w, b = ds_in_sklearn_space(r["coefficients"], sc_all)
                f.update(iterations=r["model"]["epochs_run"], test_auc=r["test_auc"], rows=r["model"]["rows_used"],
                         gradient_norm=r["model"]["gradient_norm"], notes=r["model"]["notes"], train_sql=r["train_sql"],
                         iteration_seconds=r["iteration_seconds"])
            else:
                m, sc = last[name]
                w, b = m.coef_[0] / sc.scale_ * sc_all.scale_, float(m.intercept_[0])
                f.update(iterations=int(m.n_iter_[0]), test_auc=roc_auc_score(yt, m.decision_function(sc.transform(Xt))),
                         rows=len(y), call=f"LogisticRegression(C=1/({L2}*{len(y)}), solver='lbfgs'"
                         + "".join(f", {k}={v!r}" for k, v in LBFGS_FITS[name].items()) + ")")
            f["objective"] = objective(Xs, y, w, b)
            f["coef"] = [float(v) for v in w] + [float(b)]
        for sk, ds in LBFGS_RATIOS:
            res[f"{sk}/{ds}"] = {
                "wall": [a / b for a, b in zip(res["fits"][sk]["wall"], res["fits"][ds]["wall"])],
                "cpu": [a / b for a, b in zip(res["fits"][sk]["cpu"], res["fits"][ds]["cpu"])]}
        out.append(res)
    return out


LBFGS_NAMES = {
    "ds_default": "ducksight, defaults (lbfgs, 90% of the rows)",
    "ds_all_rows": "ducksight, lbfgs, l2 1e-4, validation_fraction 0",
    "sk_default": "sklearn LogisticRegression, default tol/max_iter",
    "sk_tight": "sklearn LogisticRegression, tol=1e-10, max_iter=10000",
}


def print_lbfgs(res, repeats):
    med = statistics.median
    print("\n### L-BFGS: 1M x 16 DOUBLE, logistic label; test AUC on 200k other rows\n")
    print(f"Each run is a fresh Go process: one warm-up round of the four fits, then {repeats} repeats of them "
          "(the side going first alternating). Wall and CPU (user + system, all threads) seconds are medians over "
          "the repeats; objective = mean log loss + l2/2 ||w||^2 on scikit-learn's standardisation of all 1M "
          "training rows.\n")
    print("| run | load avg | fit | rows | iterations | wall | CPU | warm-up wall | test AUC | objective |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in res:
        for name, f in r["fits"].items():
            print(f"| {r['run']} | {min(r['load']):.1f}–{max(r['load']):.1f} | {LBFGS_NAMES[name]} | {f['rows']} "
                  f"| {f['iterations']} | {med(f['wall']):.2f} s | {med(f['cpu']):.2f} s "
                  f"| {r['warmup'][name]['wall']:.2f} s | {f['test_auc']:.5f} | {f['objective']:.12f} |")
    print("\n| ratio (sklearn / ducksight) | " + " | ".join(f"run {r['run']}" for r in res) + " | median of runs |")
    print("|---|" + "---|" * (len(res) + 1))
    for sk, ds in LBFGS_RATIOS:
        for kind in ("wall", "cpu"):
            v = [med(r[f"{sk}/{ds}"][kind]) for r in res]
            print(f"| {sk} / {ds}, {kind} | " + " | ".join(f"{x:.2f}x" for x in v) + f" | **{med(v):.2f}x** |")
    print("\nEvery time (seconds, in repeat order); for ducksight also its solver loop within the statement (the sum "
          "of training_info's seconds: the L-BFGS iterations and the validation scoring after each):\n")
    for r in res:
        for name, f in r["fits"].items():
            w = r["warmup"][name]
            extra = (f"; solver loop {fmt(f['solver'])}" if "solver" in f else "") + f"; warm-up wall {w['wall']:.2f}"
            extra += f", solver loop {w['solver']:.2f}" if "solver" in w else ""
            print(f"- run {r['run']} {name}: wall {fmt(f['wall'])}, CPU {fmt(f['cpu'])}{extra}")
        for sk, ds in LBFGS_RATIOS:
            print(f"- run {r['run']} {sk}/{ds} wall ratios {fmt(r[f'{sk}/{ds}']['wall'])}")
    f0 = res[0]["fits"]
    d = max(abs(a - b) for a, b in zip(f0["ds_all_rows"]["coef"], f0["sk_tight"]["coef"]))
    print(f"\nLargest coefficient difference, ducksight (all rows) vs sklearn tol=1e-10, on sklearn's standardisation: {d:.2e}")
    for name in f0:
        if name.startswith("ds_"):
            print(f"- {name}: {f0[name]['train_sql']}; notes: {f0[name]['notes']}")


def fmt(xs, nd=2):
    return "[" + ", ".join(f"{x:.{nd}f}" for x in xs) + "]"


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
    return (f"{datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores ({cpu}), "
            f"{platform.system()} {platform.machine()}, {go}, Python {platform.python_version()}, "
            f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, commit {head}"
            f"{' with local changes' if dirty else ''}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--part", choices=["quality", "speed", "lbfgs", "all"], default="all",
                    help="all = quality and speed")
    ap.add_argument("--seeds", default="42,7", help="demo_customers seeds for quality")
    ap.add_argument("--train", type=int, default=100000, help="quality: training rows")
    ap.add_argument("--test", type=int, default=50000, help="quality: test rows")
    ap.add_argument("--mlp-seed", type=int, default=0, help="MLPClassifier random_state")
    ap.add_argument("--runs", type=int, default=3, help="speed: runs of the whole comparison")
    ap.add_argument("--repeats", type=int, default=3, help="speed, lbfgs: fits per side per run (median)")
    ap.add_argument("--speed-test", type=int, default=200000, help="speed, lbfgs: test rows")
    ap.add_argument("--json", help="also write every figure to this JSON file")
    args = ap.parse_args()
    os.chdir(ROOT)  # demo_sklearn.load runs `go run ./scripts/demo_csv`

    with tempfile.TemporaryDirectory(prefix="sklearn_side_by_side.") as tmp:
        exe = os.path.join(tmp, "side_by_side")
        log("building: go build -tags duckdb_arrow ./scripts/side_by_side")
        subprocess.run(["go", "build", "-tags", "duckdb_arrow", "-o", exe, "./scripts/side_by_side"], check=True, cwd=ROOT)
        where = machine()
        print(f"Machine: {where}.")
        print(f"Command: /usr/bin/python3 scripts/sklearn_side_by_side.py {' '.join(sys.argv[1:])}".rstrip())
        everything = {"machine": where}
        if args.part in ("quality", "all"):
            seeds = [int(s) for s in args.seeds.split(",")]
            q = quality(exe, seeds, args.train, args.test, args.mlp_seed)
            print_quality(q, args.train, args.test, args.mlp_seed)
            everything["quality"] = q
            sys.stdout.flush()
        if args.part in ("speed", "all"):
            s = speed(exe, args.runs, args.repeats, args.speed_test, tmp)
            print_speed(s, args.repeats)
            everything["speed"] = s
        if args.part == "lbfgs":
            s = lbfgs(exe, args.runs, args.repeats, args.speed_test, tmp)
            print_lbfgs(s, args.repeats)
            everything["lbfgs"] = s
        if args.json:
            with open(args.json, "w") as f:
                json.dump(everything, f, indent=1)


if __name__ == "__main__":
    main()
