"""SciPy's special functions as primitives: erf, erfc, lgamma (gammaln), digamma, logit,
xlogy, xlog1py (expit is `sigmoid`, in elementwise.py); logsumexp.

Values are SciPy's; each gradient is its formula in PyTorch's `derivatives.yaml` (digamma's
is SciPy's polygamma(1, x); xlogy's in x is 0 where x is 0, xlog1py's is not).
"""

import math

import numpy as np
import scipy.special

from . import primitive

SLOPE = 2 / math.sqrt(math.pi)


@primitive("ErfBackward0")
def erf(x):
    return scipy.special.erf(x), lambda g: (g * SLOPE * np.exp(-np.square(x)),)


@primitive("ErfcBackward0")
def erfc(x):
    return scipy.special.erfc(x), lambda g: (-g * SLOPE * np.exp(-np.square(x)),)


@primitive("LgammaBackward0")
def lgamma(x):
    return scipy.special.gammaln(x), lambda g: (g * scipy.special.digamma(x),)


@primitive("DigammaBackward0")
def digamma(x):
    return scipy.special.digamma(x), lambda g: (g * scipy.special.polygamma(1, x),)


@primitive("LogitBackward0")
def logit(x):
    return scipy.special.logit(x), lambda g: (g / (x * (1 - x)),)


@primitive("XlogyBackward0")
def xlogy(x, y):
    def vjp(g):
        return g * scipy.special.xlogy(np.not_equal(x, 0), y), g * x / y

    return scipy.special.xlogy(x, y), vjp


@primitive("SpecialXlog1pyBackward0")
def xlog1py(x, y):
    def vjp(g):
        return g * np.log1p(y), g * x / (1 + y)

    return scipy.special.xlog1py(x, y), vjp


@primitive("LogsumexpBackward0")
def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over `axis` (all elements for None); the gradient of an element is the
    output's gradient times exp(x - result), that is, the softmax along the axis."""
    y = scipy.special.logsumexp(x, axis=axis, keepdims=True)

    def vjp(g):
        kept = g if keepdims or axis is None else np.expand_dims(g, axis)
        return (kept * np.exp(x - y),)

    return (y if keepdims else np.squeeze(y, axis=axis)), vjp
