"""lse: LogSumExp of a vector by the max trick, as GradBench's `lse` eval specifies
(evals/lse/README.md): a = max(x); a + log(sum(exp(x - a))). The gradient is wrt x."""

from __future__ import annotations

import numpy as np

TITLE = "lse (n=10,000)"
WRT = (0,)


def arguments():
    return (np.random.default_rng(0).normal(size=10_000),)


def small_arguments():
    return (np.random.default_rng(1).normal(size=7),)


def lse(x):
    a = np.max(x)
    return a + np.log(np.sum(np.exp(x - a)))


def reference(xp):
    """The same function for autograd.numpy, jax.numpy or torch."""
    def lse(x):
        a = xp.max(x)
        return a + xp.log(xp.sum(xp.exp(x - a)))

    return lse


PRIMAL = lse
