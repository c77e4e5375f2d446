#!/usr/bin/python3
"""The golden of train_perceptron's lbfgs solver: scikit-learn's
LogisticRegression on ducksight's own design matrix.

Reads the JSON that `go test ./engine/training -run
TestLBFGSMatchesScikitLearn -lbfgs.export FILE` writes (l2, input names,
the encoded rows x and labels y), fits LogisticRegression(C = 1/(l2*n),
tol=1e-10) and writes the golden the test compares against: coefficients,
intercept and the objective on ducksight's scale,

    mean log loss + l2/2 * ||w||^2   (the intercept not penalised),

which is scikit-learn's C * sum(log loss) + ||w||^2/2 divided by C*n.

Usage: /usr/bin/python3 scripts/lbfgs_golden/fit.py IN.json engine/training/testdata/lbfgs_golden.json
A yardstick only: no test runs Python.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression


def main():
    src, dst = sys.argv[1], sys.argv[2]
    d = json.load(open(src))
    x, y, l2 = np.array(d["x"], dtype=np.float64), np.array(d["y"], dtype=np.float64), float(d["l2"])
    n = x.shape[0]
    c = 1.0 / (l2 * n)
    # newton-cg: scikit-learn's lbfgs stops on its relative function change
    # (ftol 64 eps) before tol on weakly determined coefficients.
    m = LogisticRegression(C=c, tol=1e-10, max_iter=100000, solver="newton-cg").fit(x, y)
    w, b = m.coef_[0], float(m.intercept_[0])
    z = x @ w + b
    loss = np.mean(np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z))) - y * z)
    obj = float(loss + l2 / 2 * np.dot(w, w))
    out = {
        "l2": l2, "rows": n, "inputs": d["inputs"], "objective": obj,
        "coef": [float(v) for v in w], "intercept": b,
        "sklearn": f"scikit-learn {sklearn.__version__} LogisticRegression(C=1/(l2*n)={c!r}, tol=1e-10, solver='newton-cg'), {int(m.n_iter_[0])} iterations",
    }
    with open(dst, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(out["sklearn"], "objective", obj)


if __name__ == "__main__":
    main()
