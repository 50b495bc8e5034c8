#!/usr/bin/env python3
"""Checks train_classifier.py's backward pass against central finite differences, in float64 (ClassifierRecipeTest
runs it): every parameter tensor, a few entries each, relative error below 1e-6."""
import sys

import numpy as np

import train_classifier as t


def main():
    t.F32 = np.float64  # the layers allocate with F32: run them in float64 for exact differences
    rng = np.random.default_rng(0)
    p = {k: v.astype(np.float64) for k, v in t.init(rng).items()}
    x = rng.random((4, 28, 28))
    y = np.array([1, 3, 5, 7])

    def loss(params):
        logits, _, _ = t.forward(params, x)
        return t.cross_entropy(logits, y)[0]

    logits, _, cache = t.forward(p, x)
    _, d = t.cross_entropy(logits, y)
    g = t.backward(p, cache, d)
    worst = 0.0
    for name in p:
        for _ in range(4):
            i = tuple(int(rng.integers(0, s)) for s in p[name].shape)
            old = p[name][i]
            p[name][i] = old + 1e-5
            plus = loss(p)
            p[name][i] = old - 1e-5
            minus = loss(p)
            p[name][i] = old
            numeric = (plus - minus) / 2e-5
            error = abs(numeric - g[name][i]) / max(1e-7, abs(numeric) + abs(g[name][i]))
            worst = max(worst, error)
            print(f"{name}{list(i)}: numeric {numeric:.8g}, backward {g[name][i]:.8g}, relative error {error:.2e}")
    print(f"worst relative error {worst:.2e}")
    return 0 if worst < 1e-6 else 1


if __name__ == "__main__":
    sys.exit(main())
