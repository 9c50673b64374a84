"""Rules for SciPy's special functions (scipy.special): erf, erfc, gammaln, digamma, expit,
logit, xlogy, xlog1py; logsumexp (one axis or all, weights b), softmax and log_softmax. (Their
math twins, math.erf, math.erfc and math.lgamma, are in elementwise.py.)

The registry imports this module the first time it looks a function up after SciPy is
imported (registry.py), so that `import astgrad` does not import SciPy.

numba compiles none of scipy.special: generated code calls astgrad's versions
(astgrad/runtime/special.py). At the kinks PyTorch's conventions hold: xlogy's derivative in
x is 0 where x is 0 (as its value is), xlog1py's is log1p(y) there too.
"""

import numpy as np
import scipy.special

from .. import shapes
from ..runtime import select, unbroadcast
from ..runtime.reductions import reduce_sum
from ..runtime.special import (
    digamma,
    erf,
    erfc,
    exp_share,
    expit,
    gammaln,
    log_softmax,
    logit,
    logsumexp,
    softmax,
    trigamma,
    weighted,
    xlog1py,
    xlogy,
)
from .registry import rule
from .templates import d


@rule(scipy.special.erf, forward=erf, forward_always=True)
def erf_(ans, x):
    return 1.1283791670955126 * np.exp(-x * x)  # 2 / sqrt(pi) exp(-x²)


@rule(scipy.special.erfc, forward=erfc, forward_always=True)
def erfc_(ans, x):
    return -1.1283791670955126 * np.exp(-x * x)


@rule(scipy.special.gammaln, forward=gammaln, forward_always=True)
def gammaln_(ans, x):
    return digamma(x)


@rule(scipy.special.digamma, forward=digamma, forward_always=True)
def digamma_(ans, x):
    return trigamma(x)


@rule(scipy.special.expit, forward=expit, forward_always=True)
def expit_(ans, x):
    return ans * (1 - ans)


@rule(scipy.special.logit, forward=logit, forward_always=True)
def logit_(ans, x):
    return 1 / (x * (1 - x))


@rule(scipy.special.xlogy, forward=xlogy, forward_always=True)
def xlogy_(ans, x, y):
    return select(x != 0, np.log(y), 0.0), x / y


@rule(scipy.special.xlog1py, forward=xlog1py, forward_always=True)
def xlog1py_(ans, x, y):
    return np.log1p(y), x / (1 + y)  # (PyTorch's: unlike xlogy's, not 0 where x is 0)


@rule(scipy.special.logsumexp, forward=logsumexp, forward_always=True, allocates=True,
      number=True, shape=shapes.weighted_reduced)
def logsumexp_(ans, a, axis=None, b=None, keepdims=False):
    share = exp_share(d[ans], a, ans, axis, keepdims)  # g exp(a - ans), along the axis
    d[a] = weighted(share, b)
    d[b] = unbroadcast(share, b)


@rule(scipy.special.softmax, forward=softmax, forward_always=True, allocates=True,
      shape=shapes.same)
def softmax_(ans, x, axis=None):
    d[x] = ans * (d[ans] - reduce_sum(d[ans] * ans, axis, True))


@rule(scipy.special.log_softmax, forward=log_softmax, forward_always=True, allocates=True,
      shape=shapes.same)
def log_softmax_(ans, x, axis=None):
    d[x] = d[ans] - np.exp(ans) * reduce_sum(d[ans], axis, True)
