#!/usr/bin/python3
"""Yardstick for the demo customer generator (engine/demo).

Trains LogisticRegression and MLPClassifier(hidden_layer_sizes=(16,)) on the
`churned` label of demo_customers and prints their held-out AUCs next to the
Bayes-optimal AUC (the AUC of the true churn probability the generator dumps).
Also reports the same for purchased_next_30d, and how well KMeans(5) on the
standardized log1p behavioural features recovers true_segment (adjusted Rand
index, and accuracy under the best matching of clusters to segments).

Features: numerics standardized; plan, region and gender one-hot (gender NULL
is its own category); income imputed with the training mean plus a missing
indicator. customer_id, true_segment, the labels and the true-probability
columns are excluded.

Usage (from the repository root):
    /usr/bin/python3 scripts/demo_sklearn.py --seed 42
    /usr/bin/python3 scripts/demo_sklearn.py --csv demo.csv
Without --csv the rows are made with `go run ./scripts/demo_csv`.
Needs numpy and scikit-learn (Debian: apt-get install -y python3-sklearn).
"""
import argparse
import csv
import io
import subprocess
import sys
import time

import numpy as np
from sklearn.cluster import KMeans
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import adjusted_rand_score, confusion_matrix, roc_auc_score
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

NUMERIC = ["age", "tenure_months", "monthly_spend", "visits_30d", "support_calls",
           "days_since_last_purchase", "orders_12m", "revenue_12m"]
CATEGORICAL = {
    "plan": ["basic", "plus", "premium"],
    "region": ["north", "south", "east", "west", "central"],
    "gender": ["female", "male", "other", ""],
}


def load(args):
    if args.csv:
        text = open(args.csv, newline="").read()
    else:
        n = args.train + args.test
        out = subprocess.run(["go", "run", "./scripts/demo_csv", "-n", str(n), "-seed", str(args.seed)],
                             check=True, capture_output=True, text=True)
        text = out.stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    return rows


def design(rows, income_mean=None):
    n = len(rows)
    cols = []
    names = []
    for c in NUMERIC:
        cols.append(np.array([float(r[c]) for r in rows]))
        names.append(c)
    cols.append(np.array([1.0 if r["email_opt_in"] == "true" else 0.0 for r in rows]))
    names.append("email_opt_in")
    inc = np.array([float(r["income"]) if r["income"] != "" else np.nan for r in rows])
    miss = np.isnan(inc)
    if income_mean is None:
        income_mean = float(np.nanmean(inc))
    cols.append(np.where(miss, income_mean, inc))
    names.append("income")
    cols.append(miss.astype(float))
    names.append("income_missing")
    for c, levels in CATEGORICAL.items():
        for lv in levels:
            cols.append(np.array([1.0 if r[c] == lv else 0.0 for r in rows]))
            names.append(f"{c}={lv or 'NULL'}")
    X = np.column_stack(cols)
    assert X.shape == (n, len(names))
    return X, names, income_mean


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--train", type=int, default=100000)
    ap.add_argument("--test", type=int, default=50000)
    ap.add_argument("--csv", help="read rows from this CSV (scripts/demo_csv output) instead of running go")
    ap.add_argument("--mlp-seed", type=int, default=0)
    args = ap.parse_args()

    rows = load(args)
    if len(rows) < args.train + args.test:
        sys.exit(f"need {args.train + args.test} rows, got {len(rows)}")
    tr, te = rows[:args.train], rows[args.train:args.train + args.test]
    Xtr, names, imean = design(tr)
    Xte, _, _ = design(te, imean)
    sc = StandardScaler().fit(Xtr)
    Xtr, Xte = sc.transform(Xtr), sc.transform(Xte)

    src = args.csv or f"seed={args.seed}"
    print(f"{src} train={len(tr)} test={len(te)} features={len(names)}")
    for label, ptrue in (("churned", "p_churned"), ("purchased_next_30d", "p_purchased_next_30d")):
        ytr = np.array([r[label] == "true" for r in tr], dtype=int)
        yte = np.array([r[label] == "true" for r in te], dtype=int)
        pte = np.array([float(r[ptrue]) for r in te])
        bayes = roc_auc_score(yte, pte)
        t0 = time.time()
        lr = LogisticRegression(max_iter=2000).fit(Xtr, ytr)
        lr_auc = roc_auc_score(yte, lr.predict_proba(Xte)[:, 1])
        t1 = time.time()
        mlp = MLPClassifier(hidden_layer_sizes=(16,), max_iter=200,
                            random_state=args.mlp_seed).fit(Xtr, ytr)
        mlp_auc = roc_auc_score(yte, mlp.predict_proba(Xte)[:, 1])
        t2 = time.time()
        print(f"{label}: rate_train={ytr.mean():.4f} rate_test={yte.mean():.4f} "
              f"bayes_auc={bayes:.4f} logreg_auc={lr_auc:.4f} mlp16_auc={mlp_auc:.4f} "
              f"mlp-logreg={mlp_auc - lr_auc:+.4f} bayes-logreg={bayes - lr_auc:+.4f} "
              f"(fit {t1 - t0:.1f}s / {t2 - t1:.1f}s)")
        sys.stdout.flush()

    behav = ["tenure_months", "monthly_spend", "visits_30d", "support_calls",
             "days_since_last_purchase", "orders_12m", "revenue_12m"]
    Z = np.log1p(np.column_stack([np.array([float(r[c]) for r in tr]) for c in behav]))
    Z = StandardScaler().fit_transform(Z)
    seg = np.array([int(r["true_segment"]) for r in tr]) - 1
    lab = KMeans(n_clusters=5, n_init=5, random_state=0).fit_predict(Z)
    cm = confusion_matrix(seg, lab)
    acc = max_matching(cm) / len(seg)
    print(f"true_segment: kmeans5 on log1p behavioural features ARI={adjusted_rand_score(seg, lab):.3f} "
          f"matched_accuracy={acc:.3f} (largest segment share {np.bincount(seg).max() / len(seg):.3f})")


def max_matching(cm):
    """Largest trace over permutations of the columns of a small square matrix."""
    import itertools
    k = cm.shape[0]
    return max(sum(cm[i, p[i]] for i in range(k)) for p in itertools.permutations(range(k)))


if __name__ == "__main__":
    main()
