"""llsq: the linear least squares objective of GradBench's `llsq` eval
(evals/llsq/README.md): y(x) = 1/2 sum_i (s_i - sum_j x_j t_i^j)^2 with
t_i = -1 + 2 i / (n - 1) and s_i = sign(t_i). The gradient is wrt x (m terms)."""

from __future__ import annotations

import numpy as np

TITLE = "llsq (m=32, n=2048)"
WRT = (0,)


def arguments():
    return np.random.default_rng(0).normal(size=32) / 8, 2048


def small_arguments():
    return np.random.default_rng(1).normal(size=4), 9


def llsq(x, n):
    t = -1.0 + np.arange(n) * (2.0 / (n - 1))
    residual = np.sign(t)
    power = np.ones(n)
    for j in range(x.shape[0]):
        residual = residual - x[j] * power
        power = power * t
    return 0.5 * np.sum(residual ** 2)


def reference(xp):
    """The same sum for autograd.numpy, jax.numpy or torch; t and s are computed by NumPy."""
    def llsq(x, n):
        t = -1.0 + np.arange(n) * (2.0 / (n - 1))
        residual, t = xp.asarray(np.sign(t)), xp.asarray(t)
        power = xp.asarray(np.ones(n))
        for j in range(x.shape[0]):
            residual = residual - x[j] * power
            power = power * t
        return 0.5 * xp.sum(residual ** 2)

    return llsq


PRIMAL = llsq
