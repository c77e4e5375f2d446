#!/usr/bin/python3
"""Reference numbers for engine/kmeans from scikit-learn.

Golden mode (the default) writes engine/kmeans/testdata/sklearn.json, which
engine/kmeans/sklearn_test.go reads: a small data set (5 overlapping
Gaussian blobs, 400 rows x 3 columns, numpy seed 0) with integer row
weights, fixed initial centroids (rows 0, 1, 2, 3 for k = 4), and what
scikit-learn computes on it:

  * KMeans(init=<those rows>, n_init=1, algorithm="lloyd") with tol 0 and
    1e-2, unweighted and weighted: centroids, inertia, n_iter_, labels;
  * KMeans(n_clusters=5, n_init=10, random_state=0): the best inertia (a
    different random stream than ducksight's, so only the optimum reached
    is compared);
  * silhouette_score, davies_bouldin_score and adjusted_rand_score (against
    the true blobs) of the tol-0 labels; the tolerance _tolerance(X, 1e-4).

Speed mode (--speed) times Lloyd iterations of KMeans on 1M x 16 rows, k = 8
(the shape of BenchmarkLloydIteration), with 1 and 2 threads, and prints
nanoseconds per row per iteration, for docs/performance.md.

Fit mode (--fit) times the whole fit on the same 1M x 16 rows and initial
centroids on both sides (ducksight through go run ./scripts/kmeans_fit).

Usage (needs numpy and scikit-learn, e.g. Debian's python3-sklearn):
    /usr/bin/python3 scripts/kmeans_sklearn.py > engine/kmeans/testdata/sklearn.json
    /usr/bin/python3 scripts/kmeans_sklearn.py --speed
    /usr/bin/python3 scripts/kmeans_sklearn.py --fit
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, davies_bouldin_score, silhouette_score


def golden():
    rng = np.random.default_rng(0)
    n, d, k_true, k = 400, 3, 5, 4
    centres = rng.uniform(-4, 4, size=(k_true, d))
    truth = np.arange(n) % k_true
    x = centres[truth] + 1.5 * rng.standard_normal((n, d))
    w = rng.integers(1, 4, size=n).astype(float)
    init = x[:k].copy()
    out = {
        "sklearn": sklearn.__version__,
        "n": n, "d": d, "k": k,
        "x": x.ravel().tolist(),
        "w": w.tolist(),
        "truth": truth.tolist(),
        "init": init.ravel().tolist(),
        "tolerance_1e-4": float(np.mean(np.var(x, axis=0)) * 1e-4),
        "fits": [],
    }
    for tol in (0.0, 1e-2):
        for weighted in (False, True):
            km = KMeans(n_clusters=k, init=init, n_init=1, max_iter=300, tol=tol, algorithm="lloyd")
            km.fit(x, sample_weight=w if weighted else None)
            out["fits"].append({
                "tol": tol,
                "weighted": weighted,
                "centroids": km.cluster_centers_.ravel().tolist(),
                "inertia": float(km.inertia_),
                "n_iter": int(km.n_iter_),
                "labels": km.labels_.tolist(),
            })
    labels = np.array(out["fits"][0]["labels"])
    out["silhouette"] = float(silhouette_score(x, labels))
    out["davies_bouldin"] = float(davies_bouldin_score(x, labels))
    out["ari_truth"] = float(adjusted_rand_score(truth, labels))
    best = KMeans(n_clusters=k_true, n_init=10, random_state=0, algorithm="lloyd").fit(x)
    out["best_k5_inertia"] = float(best.inertia_)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


def speed():
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(1)
    n, d, k = 1_000_000, 16, 8
    centres = rng.uniform(-10, 10, size=(k, d))
    x = centres[np.arange(n) % k] + 3 * rng.standard_normal((n, d))
    init = x[:k].copy()
    for threads in (1, 2):
        with threadpool_limits(limits=threads):
            best = None
            for _ in range(3):
                km = KMeans(n_clusters=k, init=init, n_init=1, max_iter=10, tol=0, algorithm="lloyd")
                t0 = time.perf_counter()
                km.fit(x)
                dt = time.perf_counter() - t0
                # n_iter_ updates plus the final labelling pass (when not
                # strictly converged) are n_iter_+1 assignment passes.
                per = dt / (km.n_iter_ + 1) / n * 1e9
                best = per if best is None else min(best, per)
            print(f"sklearn {sklearn.__version__} KMeans lloyd, {n} x {d}, k={k}, {threads} thread(s): "
                  f"{best:.1f} ns/row/iteration (best of 3)")


def fit():
    """The whole fit, same rows and initial centroids on both sides: ducksight
    (go run ./scripts/kmeans_fit: engine/kmeans.FitFrom, tol 0) against
    KMeans(init=<first 8 rows>, n_init=1, max_iter=M, tol=0,
    algorithm='lloyd'), medians of 3, scikit-learn with its default threads."""
    import os
    import subprocess
    import tempfile

    iters = 20
    path = os.path.join(tempfile.mkdtemp(), "x.npy")
    out = subprocess.run(["go", "run", "./scripts/kmeans_fit", "-npy", path, "-max-iter", str(iters)],
                         check=True, capture_output=True, text=True).stdout
    ds = json.loads(out)
    x = np.load(path)
    init = x[:8].copy()
    times = []
    for _ in range(3):
        km = KMeans(n_clusters=8, init=init, n_init=1, max_iter=iters, tol=0, algorithm="lloyd")
        t0 = time.perf_counter()
        km.fit(x)
        times.append(time.perf_counter() - t0)
    sk = sorted(times)[1]
    print(f"{x.shape[0]} x {x.shape[1]}, k=8, max_iter={iters}, tol=0, same initial centroids:")
    print(f"  ducksight engine/kmeans FitFrom: {ds['seconds']:.3f} s (median of {ds['all']}), "
          f"{ds['iter']} iterations, inertia {ds['inertia']:.6f}")
    print(f"  scikit-learn {sklearn.__version__} KMeans lloyd: {sk:.3f} s (median of {[round(t, 3) for t in times]}), "
          f"{km.n_iter_} iterations, inertia {km.inertia_:.6f}")
    print(f"  ducksight / scikit-learn: {ds['seconds'] / sk:.2f}x (target <= 1.5x); "
          f"inertia relative difference {abs(ds['inertia'] - km.inertia_) / km.inertia_:.2e}")
    os.remove(path)


if __name__ == "__main__":
    if "--speed" in sys.argv[1:]:
        speed()
    elif "--fit" in sys.argv[1:]:
        fit()
    else:
        golden()
