"""kmeans: the cost of GradBench's `kmeans` eval (evals/kmeans/README.md), the sum over
points of the squared distance to the nearest centroid, written by broadcasting to (n, k, d)
and a min over the centroids. The gradient is wrt the centroids (the eval's `dir` needs
Hessians too, which wait for forward mode)."""

from __future__ import annotations

import numpy as np

TITLE = "kmeans (k=10, n=1000, d=8)"
WRT = (1,)


def arguments():
    rng = np.random.default_rng(0)
    return rng.normal(size=(1000, 8)), rng.normal(size=(10, 8))


def small_arguments():
    rng = np.random.default_rng(1)
    return rng.normal(size=(6, 2)), rng.normal(size=(3, 2))


def kmeans(points, centroids):
    difference = points[:, None, :] - centroids[None, :, :]
    return np.sum(np.min(np.sum(difference ** 2, axis=2), axis=1))


def reference(xp):
    """The same cost for autograd.numpy, jax.numpy or torch."""
    def kmeans(points, centroids):
        difference = points[:, None, :] - centroids[None, :, :]
        return xp.sum(xp.amin(xp.sum(difference ** 2, axis=2), axis=1))

    return kmeans


PRIMAL = kmeans
