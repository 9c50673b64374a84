"""SciPy's special functions, written so that numba compiles them (numba has no
scipy.special): erf, erfc, gammaln, digamma and its derivative trigamma, expit, logit, xlogy,
xlog1py, logsumexp, softmax and log_softmax.

As Python each is SciPy's own function (trigamma is scipy.special.polygamma(1, x)). Compiled,
a function of numbers is a scalar kernel (math.erf, math.lgamma, series for digamma and
trigamma) applied to a number or to each element of an array; dtypes follow SciPy's (float32
stays float32, integers become float64). Generated code calls these where the user called
SciPy's; the two modes check each other.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, types
from numba.core.errors import TypingError
from numba.extending import overload, register_jitable

from ..shapes import of_second, same, weighted_reduced
from .elementwise import compiled_binary, compiled_unary
from .facts import helper
from .reductions import _reduction, unreduce


def _scipy():
    """scipy.special, imported when a helper first runs as Python: `import astgrad` does not
    pay the tenth of a second it takes."""
    import scipy.special
    return scipy.special


# -- scalar kernels ----------------------------------------------------------------------------


@register_jitable
def _digamma(x):
    """ψ(x): the recurrence ψ(x) = ψ(x + 1) - 1/x up to 6, then the asymptotic series; below
    0 the reflection ψ(x) = ψ(1 - x) - π / tan(πx). -inf at 0 and NaN at the other poles, as
    SciPy."""
    if x != x or x == math.inf:
        return x
    if x == 0.0:
        return -math.inf
    result = 0.0
    if x < 0.0:
        if x == math.floor(x):
            return math.nan
        result = -math.pi / math.tan(math.pi * x)
        x = 1.0 - x
    while x < 6.0:
        result -= 1.0 / x
        x += 1.0
    f = 1.0 / (x * x)
    series = f * (-1.0 / 12 + f * (1.0 / 120 + f * (-1.0 / 252 + f * (1.0 / 240 + f * (
        -1.0 / 132 + f * (691.0 / 32760 + f * (-1.0 / 12)))))))
    return result + math.log(x) - 0.5 / x + series


@register_jitable
def _trigamma(x):
    """ψ'(x), the derivative of digamma: the recurrence ψ'(x) = ψ'(x + 1) + 1/x² up to 6,
    then the asymptotic series; below 0 the reflection ψ'(x) = π² / sin²(πx) - ψ'(1 - x).
    inf at the poles, as SciPy."""
    if x != x:
        return x
    if x == math.inf:
        return 0.0
    reflected, sign = 0.0, 1.0
    if x <= 0.0:
        if x == math.floor(x):
            return math.inf
        s = math.sin(math.pi * x)
        reflected, sign, x = math.pi * math.pi / (s * s), -1.0, 1.0 - x
    result = 0.0
    while x < 6.0:
        result += 1.0 / (x * x)
        x += 1.0
    f = 1.0 / (x * x)
    series = f * (1.0 / 6 + f * (-1.0 / 30 + f * (1.0 / 42 + f * (-1.0 / 30 + f * (
        5.0 / 66 + f * (-691.0 / 2730 + f * 7.0 / 6))))))
    return reflected + sign * (result + 1.0 / x + 0.5 * f + series / x)


@register_jitable
def _expit(x):
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@register_jitable
def _logit(x):
    return math.log(x / (1.0 - x))


@register_jitable
def _xlogy(x, y):
    return 0.0 if x == 0.0 and y == y else x * math.log(y)


@register_jitable
def _xlog1py(x, y):
    return 0.0 if x == 0.0 and y == y else x * math.log1p(y)


# -- elementwise helpers -----------------------------------------------------------------------

@helper(elementwise=True)
def erf(x):
    """scipy.special.erf(x), compilable by numba."""
    return _scipy().erf(x)


@helper(elementwise=True)
def erfc(x):
    """scipy.special.erfc(x), compilable by numba."""
    return _scipy().erfc(x)


@helper(elementwise=True)
def gammaln(x):
    """scipy.special.gammaln(x): log |Γ(x)|, compilable by numba."""
    return _scipy().gammaln(x)


@helper(elementwise=True)
def digamma(x):
    """scipy.special.digamma(x), compilable by numba."""
    return _scipy().digamma(x)


@helper(elementwise=True)
def trigamma(x):
    """scipy.special.polygamma(1, x): the derivative of digamma, compilable by numba."""
    return _scipy().polygamma(1, x)


@helper(elementwise=True)
def expit(x):
    """scipy.special.expit(x): 1 / (1 + exp(-x)), compilable by numba."""
    return _scipy().expit(x)


@helper(elementwise=True)
def logit(x):
    """scipy.special.logit(x): log(x / (1 - x)), compilable by numba."""
    return _scipy().logit(x)


@helper(elementwise=True)
def xlogy(x, y):
    """scipy.special.xlogy(x, y): x log(y), 0 where x is 0, compilable by numba."""
    return _scipy().xlogy(x, y)


@helper(elementwise=True)
def xlog1py(x, y):
    """scipy.special.xlog1py(x, y): x log(1 + y), 0 where x is 0, compilable by numba."""
    return _scipy().xlog1py(x, y)


compiled_unary(erf, register_jitable(lambda x: math.erf(x)))
compiled_unary(erfc, register_jitable(lambda x: math.erfc(x)))
compiled_unary(gammaln, register_jitable(lambda x: math.lgamma(x)))
compiled_unary(digamma, _digamma)
compiled_unary(trigamma, _trigamma)
compiled_unary(expit, _expit)
compiled_unary(logit, _logit)
compiled_binary(xlogy, _xlogy)
compiled_binary(xlog1py, _xlog1py)


# -- log-sum-exp, softmax ----------------------------------------------------------------------


def _whole(a):
    top = np.max(a)
    top = top if np.isfinite(top) else 0.0
    return np.log(np.sum(np.exp(a - top))) + top


def _along(v):
    out = np.empty((v.shape[0], v.shape[2]), v.dtype)
    for i in range(v.shape[0]):
        for k in range(v.shape[2]):
            top = -np.inf
            for j in range(v.shape[1]):
                top = max(top, v[i, j, k])
            top = top if np.isfinite(top) else 0.0
            total = 0.0
            for j in range(v.shape[1]):
                total += np.exp(v[i, j, k] - top)
            out[i, k] = np.log(total) + top
    return out


def _reduce_logsumexp(a, axis=None, keepdims=False):
    return _scipy().logsumexp(a, axis=axis, keepdims=keepdims)


overload(_reduce_logsumexp, prefer_literal=True)(_reduction(njit(_whole), njit(_along)))


@helper(allocates=True, number=True, shape=weighted_reduced)
def logsumexp(a, axis=None, b=None, keepdims=False):
    """scipy.special.logsumexp(a, axis, b, keepdims) (one axis or None), compilable by
    numba: with weights b, of a + log(b)."""
    return _scipy().logsumexp(a, axis=axis, b=b, keepdims=keepdims)


@overload(logsumexp, prefer_literal=True)
def _logsumexp(a, axis=None, b=None, keepdims=False):
    if _absent(b):
        return lambda a, axis=None, b=None, keepdims=False: _reduce_logsumexp(a, axis, keepdims)
    return lambda a, axis=None, b=None, keepdims=False: _reduce_logsumexp(
        a + np.log(b), axis, keepdims)


@helper(allocates=True, shape=of_second)
def exp_share(g, a, ans, axis=None, keepdims=False):
    """g exp(a - ans), each spread along the axis it was reduced over: the adjoint of `a` in
    ans = logsumexp(a, axis) without weights (with them: times b)."""
    return unreduce(g, a, axis, keepdims) * np.exp(a - unreduce(ans, a, axis, keepdims))


@overload(exp_share, prefer_literal=True)
def _exp_share(g, a, ans, axis=None, keepdims=False):
    return lambda g, a, ans, axis=None, keepdims=False: unreduce(
        g, a, axis, keepdims) * np.exp(a - unreduce(ans, a, axis, keepdims))


@helper(allocates=True, shape=same)
def weighted(share, b):
    """`share` times the weights b, or `share` where there are none."""
    return share if b is None else share * b


@overload(weighted)
def _weighted(share, b):
    if _absent(b):
        return lambda share, b: share
    return lambda share, b: share * b


@helper(allocates=True, shape=same)
def softmax(x, axis=None):
    """scipy.special.softmax(x, axis), compilable by numba."""
    return _scipy().softmax(x, axis=axis)


@overload(softmax, prefer_literal=True)
def _softmax(x, axis=None):
    _require_array(x, "softmax")
    return lambda x, axis=None: np.exp(x - _reduce_logsumexp(x, axis, True))


@helper(allocates=True, shape=same)
def log_softmax(x, axis=None):
    """scipy.special.log_softmax(x, axis), compilable by numba."""
    return _scipy().log_softmax(x, axis=axis)


@overload(log_softmax, prefer_literal=True)
def _log_softmax(x, axis=None):
    _require_array(x, "log_softmax")
    return lambda x, axis=None: x - _reduce_logsumexp(x, axis, True)


def _absent(value_type) -> bool:
    """Is an argument None, or left out (whose default numba may pass as None itself)?"""
    return value_type is None or isinstance(value_type, types.NoneType | types.Omitted)


def _require_array(x, name: str) -> None:
    if not isinstance(x, types.Array):
        raise TypingError(f"astgrad: scipy.special.{name} of {x}: an array is needed")

