"""gmm: the log-likelihood of a Gaussian mixture with a Wishart prior, GradBench's `gmm` eval
(evals/gmm/README.md, after ADBench): component c has weight alphas[c], mean means[c] and
precision factor Q_c, lower triangular with diagonal exp(icf[c, :d]) and below it icf[c, d:]
column by column. The log-likelihood sums over points the log-sum-exp over components of
alphas[c] + sum(icf[c, :d]) - |Q_c (x_i - means[c])|^2 / 2, minus n log-sum-exp(alphas), plus
the Wishart prior (gamma, m) and constants. The gradient is wrt alphas, means and icf.

Written as loops over components and over Q_c's columns, as the definition reads."""

from __future__ import annotations

import math

import numpy as np
from common import rebound
from scipy.special import multigammaln

TITLE = "gmm (d=10, k=10, n=1000)"
WRT = (0, 1, 2)
GAMMA, M = 1.0, 0


def arguments(d=10, k=10, n=1000):
    rng = np.random.default_rng(0)
    alphas, means = rng.normal(size=k), rng.normal(size=(k, d))
    icf = rng.normal(size=(k, d + d * (d - 1) // 2)) / 4
    x = rng.normal(size=(n, d))
    degrees = d + M + 1
    constant = (-n * d * 0.5 * math.log(2 * math.pi)
                - k * (degrees * d * (math.log(GAMMA) - 0.5 * math.log(2))
                       - multigammaln(0.5 * degrees, d)))
    return alphas, means, icf, x, GAMMA, M, constant


def small_arguments():
    return arguments(d=3, k=2, n=5)


def gmm(alphas, means, icf, x, gamma, m, constant):
    n, d = x.shape
    k = alphas.shape[0]
    diagonals = icf[:, :d]
    main = np.empty((n, k))
    for c in range(k):
        centered = x - means[c]
        transformed = centered * np.exp(diagonals[c])
        below = d
        for j in range(d):
            for i in range(j + 1, d):
                transformed[:, i] += icf[c, below] * centered[:, j]
                below += 1
        main[:, c] = alphas[c] + np.sum(diagonals[c]) - 0.5 * np.sum(transformed ** 2, axis=1)
    return log_likelihood(main, alphas, icf, d, gamma, m, constant)


def log_likelihood(main, alphas, icf, d, gamma, m, constant):
    """From main[i, c], the exponent of component c at point i: the log-sum-exp over
    components summed over points, the weights' normalizer, the prior and the constants."""
    top = np.amax(main, axis=1)
    likelihood = np.sum(top + np.log(np.sum(np.exp(main - top[:, None]), axis=1)))
    top_alpha = np.amax(alphas)
    alphas_lse = top_alpha + np.log(np.sum(np.exp(alphas - top_alpha)))
    diagonals = icf[:, :d]
    prior = (0.5 * gamma * gamma * (np.sum(np.exp(diagonals) ** 2) + np.sum(icf[:, d:] ** 2))
             - m * np.sum(diagonals))
    return constant + likelihood - main.shape[0] * alphas_lse + prior


def reference(xp):
    """The same log-likelihood for autograd.numpy, jax.numpy or torch, vectorized: Q_c's
    entries below the diagonal placed by a constant 0/1 matrix, products by einsum."""
    finish = rebound(log_likelihood, np=xp)

    def gmm(alphas, means, icf, x, gamma, m, constant):
        n, d = x.shape
        k = alphas.shape[0]
        rows, columns = [], []
        for j in range(d):
            for i in range(j + 1, d):
                rows.append(i)
                columns.append(j)
        placement = np.zeros((len(rows), d * d))
        placement[np.arange(len(rows)), np.array(rows) * d + np.array(columns)] = 1.0
        diagonals = icf[:, :d]
        below = xp.reshape(icf[:, d:] @ xp.asarray(placement), (k, d, d))
        centered = x[:, None, :] - means[None, :, :]                      # (n, k, d)
        transformed = (centered * xp.exp(diagonals)[None, :, :]
                       + xp.einsum("kij,nkj->nki", below, centered))
        main = alphas[None, :] + xp.sum(diagonals, axis=1)[None, :] - 0.5 * xp.sum(
            transformed ** 2, axis=2)
        return finish(main, alphas, icf, d, gamma, m, constant)

    return gmm


PRIMAL = gmm
