"""np.prod, np.var, np.std, np.ptp, np.nansum and np.nanmean with NumPy's `axis` (one int or
None), `keepdims` and `ddof`, and their adjoints.

numba's own versions take no `axis` (nor `ddof`); generated code calls these. Compiled, each
is loops over its operand seen as (before, along, after) around the axis, as the reductions
of reductions.py are: numba compiles NumPy's broadcasting for seconds, loops in a fraction.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numba.extending import overload, register_jitable
from numba.np.numpy_support import as_dtype

from ..shapes import of_second
from .adjoints import _SCALAR
from .facts import helper
from .reductions import _around, _per_line, _reduction, _static, reduce_sum, unreduce


def _lines(a, axis):
    """The sizes (before, along, after) of `a` around `axis` (None: all of it, along)."""
    return (1, a.size, 1) if axis is None else _around(a.shape, axis % a.ndim)


_lines_compiled = register_jitable(_lines)


@register_jitable
def _on_lines(a, axis):
    """`a` as lines (before, along, after) around `axis`, and an array of that shape for the
    adjoint of each element."""
    v = np.ascontiguousarray(a).reshape(_lines_compiled(a, axis))
    return v, np.empty_like(v)


# -- products ----------------------------------------------------------------------------


def reduce_prod(a, axis=None, keepdims=False):
    """np.prod(a, axis, keepdims), compilable by numba."""
    return np.prod(a, axis=axis, keepdims=keepdims)


def _prod_middle(v):
    out = np.ones((v.shape[0], v.shape[2]), v.dtype)
    for i in range(v.shape[0]):
        for j in range(v.shape[1]):
            for k in range(v.shape[2]):
                out[i, k] *= v[i, j, k]
    return out


overload(reduce_prod, prefer_literal=True)(_reduction(njit(lambda a: np.prod(a)),
                                                      njit(_prod_middle)))


@helper(allocates=True, shape=of_second)
def prod_adjoint(g, a, ans, axis=None, keepdims=False):
    """The adjoint of `a` in ans = np.prod(a, axis): `g` times the product of the other
    elements of its line, as the products before and after each element. No division (ans /
    a, PyTorch's where no element is 0): exact with zeros, and where ans underflows."""
    if np.ndim(a) == 0:
        return g
    sizes = _lines(a, axis)
    v = np.reshape(a, sizes)
    ones = np.ones((sizes[0], 1, sizes[2]), v.dtype)
    before = np.cumprod(np.concatenate([ones, v[:, :-1]], axis=1), axis=1)
    after = np.cumprod(np.concatenate([ones, v[:, :0:-1]], axis=1), axis=1)[:, ::-1]
    return unreduce(g, a, axis, keepdims) * (before * after).reshape(np.shape(a))


@register_jitable
def _prod_kernel(v, g, out):
    before, along, after = v.shape
    for i in range(before):
        for k in range(after):
            running = 1.0
            for j in range(along):  # the product before each element
                out[i, j, k] = running
                running *= v[i, j, k]
            running = 1.0
            for j in range(along - 1, -1, -1):  # times the product after it
                out[i, j, k] *= running * g[i, k]
                running *= v[i, j, k]


@overload(prod_adjoint, prefer_literal=True)
def _prod_adjoint(g, a, ans, axis=None, keepdims=False):
    if isinstance(a, _SCALAR):
        return lambda g, a, ans, axis=None, keepdims=False: g
    read_g = _per_line(g)

    def impl(g, a, ans, axis=None, keepdims=False):
        v, out = _on_lines(a, axis)
        _prod_kernel(v, read_g(g, v.shape[0], v.shape[2]), out)
        return out.reshape(a.shape)

    return impl


# -- spread: variance, standard deviation, peak to peak ------------------------------------


def reduce_var(a, axis=None, ddof=0, keepdims=False):
    """np.var(a, axis, ddof, keepdims), compilable by numba."""
    return np.var(a, axis=axis, ddof=ddof, keepdims=keepdims)


def reduce_std(a, axis=None, ddof=0, keepdims=False):
    """np.std(a, axis, ddof, keepdims), compilable by numba."""
    return np.std(a, axis=axis, ddof=ddof, keepdims=keepdims)


def _squares(a, axis=None, keepdims=False):
    """The sum of the squared deviations from the mean of each line."""
    return np.sum((a - np.mean(a, axis=axis, keepdims=True)) ** 2, axis=axis,
                  keepdims=keepdims)


@register_jitable
def _line_total(v, i, k):
    """The sum of the line v[i, :, k]."""
    total = 0.0
    for j in range(v.shape[1]):
        total += v[i, j, k]
    return total


@register_jitable
def _line_mean(v, i, k):
    """The mean of the line v[i, :, k]."""
    return _line_total(v, i, k) / v.shape[1]


def _squares_middle(v):
    out = np.zeros((v.shape[0], v.shape[2]), v.dtype)
    for i in range(v.shape[0]):
        for k in range(v.shape[2]):
            mean = _line_mean(v, i, k)
            for j in range(v.shape[1]):
                out[i, k] += (v[i, j, k] - mean) ** 2
    return out


overload(_squares, prefer_literal=True)(_reduction(
    njit(lambda a: np.sum((a - np.mean(a)) ** 2)), njit(_squares_middle)))


@register_jitable
def _count(a, axis):
    """How many elements each result of a reduction of `a` along `axis` reduces."""
    return a.size if axis is None else a.shape[axis % a.ndim]


@overload(reduce_var, prefer_literal=True)
def _reduce_var(a, axis=None, ddof=0, keepdims=False):
    keep = bool(_static(keepdims, "keepdims"))
    if isinstance(a, _SCALAR):
        return lambda a, axis=None, ddof=0, keepdims=False: (a - a) / (1 - ddof)
    # in a's dtype: numba divides float32 by an int as float64, NumPy keeps float32
    kind = as_dtype(a.dtype).type
    if _static(axis, "axis") is None and not keep:
        return lambda a, axis=None, ddof=0, keepdims=False: kind(_squares(a, axis, keep) / (
            _count(a, axis) - ddof))
    return lambda a, axis=None, ddof=0, keepdims=False: _squares(a, axis, keep) * kind(
        1.0 / (_count(a, axis) - ddof))


@overload(reduce_std, prefer_literal=True)
def _reduce_std(a, axis=None, ddof=0, keepdims=False):
    return lambda a, axis=None, ddof=0, keepdims=False: np.sqrt(
        reduce_var(a, axis, ddof, keepdims))


@helper(allocates=True, shape=of_second)
def var_adjoint(g, a, axis=None, ddof=0, keepdims=False):
    """The adjoint of `a` in np.var(a, axis, ddof): `g` times 2 (a - mean) / (n - ddof)."""
    if np.ndim(a) == 0:
        return g * 0.0
    scale = 2.0 / (_count(np.asarray(a), axis) - ddof)
    centered = a - np.mean(a, axis=axis, keepdims=True)
    return unreduce(g, a, axis, keepdims) * centered * scale


@register_jitable
def _var_kernel(v, g, ddof, out):
    before, along, after = v.shape
    scale = 2.0 / (along - ddof)
    for i in range(before):
        for k in range(after):
            mean = _line_mean(v, i, k)
            for j in range(along):
                out[i, j, k] = g[i, k] * (v[i, j, k] - mean) * scale


@overload(var_adjoint, prefer_literal=True)
def _var_adjoint(g, a, axis=None, ddof=0, keepdims=False):
    if isinstance(a, _SCALAR):
        return lambda g, a, axis=None, ddof=0, keepdims=False: g * 0.0
    read_g = _per_line(g)

    def impl(g, a, axis=None, ddof=0, keepdims=False):
        v, out = _on_lines(a, axis)
        _var_kernel(v, read_g(g, v.shape[0], v.shape[2]), ddof, out)
        return out.reshape(a.shape)

    return impl


def ptp(a, axis=None, keepdims=False):
    """np.ptp(a, axis, keepdims), compilable by numba: the largest minus the smallest."""
    return np.ptp(a, axis=axis, keepdims=keepdims)


def _ptp_middle(v):
    before, along, after = v.shape
    out = np.empty((before, after), v.dtype)
    for i in range(before):
        for k in range(after):
            top = bottom = v[i, 0, k]
            for j in range(1, along):
                x = v[i, j, k]
                if x != x or (top == top and x > top):
                    top = x  # NaN wins, as in NumPy
                if x != x or (bottom == bottom and x < bottom):
                    bottom = x
            out[i, k] = top - bottom
    return out


overload(ptp, prefer_literal=True)(_reduction(njit(lambda a: np.max(a) - np.min(a)),
                                              njit(_ptp_middle)))


# -- what is not NaN ---------------------------------------------------------------------


def nansum(a, axis=None, keepdims=False):
    """np.nansum(a, axis, keepdims), compilable by numba: NaN counted as 0."""
    return np.nansum(a, axis=axis, keepdims=keepdims)


def nanmean(a, axis=None, keepdims=False):
    """np.nanmean(a, axis, keepdims), compilable by numba: the mean of what is not NaN."""
    return np.nanmean(a, axis=axis, keepdims=keepdims)


def _nan_middle(mean: bool):
    def reduce(v):
        before, along, after = v.shape
        out = np.zeros((before, after), v.dtype)
        for i in range(before):
            for k in range(after):
                count = 0
                for j in range(along):
                    if v[i, j, k] == v[i, j, k]:
                        out[i, k] += v[i, j, k]
                        count += 1
                if mean:
                    out[i, k] /= count  # (none: NaN, as NumPy's, without its warning)
        return out

    return reduce


overload(nansum, prefer_literal=True)(_reduction(njit(lambda a: np.nansum(a)),
                                                 njit(_nan_middle(False))))
overload(nanmean, prefer_literal=True)(_reduction(njit(lambda a: np.nanmean(a)),
                                                  njit(_nan_middle(True))))


@helper(allocates=True, shape=of_second)
def nan_adjoint(g, a, axis=None, keepdims=False, mean=False):
    """The adjoint of `a` in np.nansum (or np.nanmean, `mean`): `g` where `a` is a number
    (divided by how many numbers its line has), times 0 at its NaNs (a NaN `g` stays NaN
    there, as PyTorch's)."""
    numbers = a == a
    share = unreduce(g, a, axis, keepdims)
    if mean:
        share = share / unreduce(reduce_sum(numbers, axis, True), a, axis, True)
    return share * numbers


@register_jitable
def _nan_kernel(v, g, mean, out):
    before, along, after = v.shape
    for i in range(before):
        for k in range(after):
            count = 0
            for j in range(along):
                count += v[i, j, k] == v[i, j, k]
            share = g[i, k] / count if mean else g[i, k]
            for j in range(along):
                out[i, j, k] = share * (v[i, j, k] == v[i, j, k])


@overload(nan_adjoint, prefer_literal=True)
def _nan_adjoint(g, a, axis=None, keepdims=False, mean=False):
    read_g = _per_line(g)

    def impl(g, a, axis=None, keepdims=False, mean=False):
        v, out = _on_lines(a, axis)
        _nan_kernel(v, read_g(g, v.shape[0], v.shape[2]), mean, out)
        return out.reshape(a.shape)

    return impl
