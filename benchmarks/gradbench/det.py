"""det: the determinant of GradBench's `det` eval (evals/det/README.md) for an 8x8 matrix, in
the non-recursive form its commentary describes: the sum over all 8! permutations p of
sign(p) prod_i A[i, p(i)], the permutations and their signs a table given as arguments. The
gradient is wrt A."""

from __future__ import annotations

import itertools

import numpy as np

TITLE = "det (8x8, Leibniz form, a permutation table)"
WRT = (0,)


def permutations(size):
    table = np.array(list(itertools.permutations(range(size))), dtype=np.int64)
    inversions = sum((table[:, i] > table[:, j]).astype(np.int64)
                     for i in range(size) for j in range(i + 1, size))
    return table, np.where(inversions % 2 == 0, 1.0, -1.0)


def arguments():
    table, signs = permutations(8)
    return np.random.default_rng(0).normal(size=(8, 8)), table, signs


def small_arguments():
    table, signs = permutations(3)
    return np.random.default_rng(1).normal(size=(3, 3)), table, signs


def det(A, table, signs):
    total = 0.0
    for p in range(table.shape[0]):
        term = signs[p]
        for i in range(A.shape[0]):
            term = term * A[i, table[p, i]]
        total = total + term
    return total


def reference(xp):
    """The same sum for autograd.numpy, jax.numpy or torch, over the whole table at once."""
    def det(A, table, signs):
        rows = np.arange(A.shape[0])
        return xp.sum(xp.prod(A[rows, table], axis=1) * signs)

    return det


PRIMAL = det
