"""np.average with `weights` (of the operand's shape, or 1-D along `axis`), `axis` (one int or
None) and `keepdims`, and the adjoints of the operand and of the weights.

numba's np.average takes no `axis`; generated code calls these. Compiled, each is loops over
the operand seen as (before, along, after) around the axis, with the weights of each element
beside it (`_weight_lines`).
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.extending import overload, register_jitable
from numba.np.numpy_support import as_dtype
from numba.np.unsafe.ndarray import to_fixed_tuple

from ..shapes import of_second, of_third
from .facts import helper
from .reductions import _per_line, _static, reduce_mean, reduce_sum, unreduce
from .scans import _with_length
from .statistics import _line_total, _on_lines


def average(a, axis=None, weights=None, keepdims=False):
    """np.average(a, axis, weights, keepdims), compilable by numba."""
    return np.average(a, axis=axis, weights=weights, keepdims=keepdims)


def _spread(weights, a, axis):
    """The weights of a's elements: `weights` itself, or 1-D weights along `axis` broadcast."""
    if np.ndim(weights) == np.ndim(a):
        return np.asarray(weights)
    shape = [1] * np.ndim(a)
    shape[axis] = -1
    return np.broadcast_to(np.reshape(weights, shape), np.shape(a))


def _weight_lines(weights, a):
    """Compiled `_spread`, as lines (before, along, after) beside a's."""
    if weights.ndim == a.ndim:
        return register_jitable(lambda weights, v, axis: np.ascontiguousarray(weights).reshape(
            v.shape))

    def along(weights, v, axis):
        out = np.empty(v.shape, v.dtype)
        for i in range(v.shape[0]):
            for j in range(v.shape[1]):
                for k in range(v.shape[2]):
                    out[i, j, k] = weights[j]
        return out

    return register_jitable(along)


@overload(average, prefer_literal=True)
def _average(a, axis=None, weights=None, keepdims=False):
    keep = bool(_static(keepdims, "keepdims"))
    if weights is None or isinstance(weights, (types.NoneType, types.Omitted)):
        return lambda a, axis=None, weights=None, keepdims=False: reduce_mean(a, axis, keep)
    weigh, ndim = _weight_lines(weights, a), a.ndim

    def averages(a, axis, weights):
        """The average of each line, as (before, 1, after)."""
        v, _ = _on_lines(a, axis)
        w = weigh(weights, v, axis)
        out = np.empty((v.shape[0], 1, v.shape[2]), v.dtype)
        for i in range(v.shape[0]):
            for k in range(v.shape[2]):
                total, scale = 0.0, 0.0
                for j in range(v.shape[1]):
                    total += v[i, j, k] * w[i, j, k]
                    scale += w[i, j, k]
                out[i, 0, k] = total / scale
        return out

    lines_of = register_jitable(averages)
    if _static(axis, "axis") is None:  # one line: its one value, in the shape asked for
        ones = (1,) * ndim
        return lambda a, axis=None, weights=None, keepdims=False: reduce_sum(
            lines_of(a, axis, weights).reshape(ones), None, keep)

    def impl(a, axis=None, weights=None, keepdims=False):
        lines = lines_of(a, axis, weights).reshape(
            to_fixed_tuple(_with_length(a.shape, axis, 1), ndim))
        return reduce_sum(lines, axis, keep)  # (a sum over one element: its shape)

    return impl


@helper(allocates=True, shape=of_second)
def average_adjoint(g, a, weights=None, axis=None, keepdims=False):
    """The adjoint of `a` in np.average(a, axis, weights): `g` times each element's share of
    its line's weights."""
    if weights is None:
        return unreduce(g, a, axis, keepdims) * (np.size(g) / np.size(a))
    spread = _spread(weights, a, axis)
    return unreduce(g, a, axis, keepdims) * spread / np.sum(spread, axis=axis, keepdims=True)


@overload(average_adjoint, prefer_literal=True)
def _average_adjoint(g, a, weights=None, axis=None, keepdims=False):
    keep = bool(_static(keepdims, "keepdims"))
    if weights is None or isinstance(weights, (types.NoneType, types.Omitted)):
        kind = as_dtype(a.dtype).type  # (a float32 share stays float32, as in NumPy)
        return lambda g, a, weights=None, axis=None, keepdims=False: unreduce(
            g, a, axis, keep) * kind(np.size(g) / a.size)
    weigh, read_g = _weight_lines(weights, a), _per_line(g)

    def impl(g, a, weights=None, axis=None, keepdims=False):
        v, out = _on_lines(a, axis)
        w, shares = weigh(weights, v, axis), read_g(g, v.shape[0], v.shape[2])
        for i in range(v.shape[0]):
            for k in range(v.shape[2]):
                scale = _line_total(w, i, k)
                for j in range(v.shape[1]):
                    out[i, j, k] = shares[i, k] * w[i, j, k] / scale
        return out.reshape(a.shape)

    return impl


@helper(allocates=True, shape=of_third)
def weights_adjoint(g, a, weights, ans, axis=None, keepdims=False):
    """The adjoint of the weights in ans = np.average(a, axis, weights): `g` times (a - ans)
    over the line's total weight, summed along the other axes for 1-D weights."""
    spread = _spread(weights, a, axis)
    full = unreduce(g, a, axis, keepdims) * (a - unreduce(ans, a, axis, keepdims)) / np.sum(
        spread, axis=axis, keepdims=True)
    if np.ndim(weights) == np.ndim(a):
        return full
    return np.sum(np.moveaxis(full, axis, -1).reshape(-1, np.shape(a)[axis]), axis=0)


@overload(weights_adjoint, prefer_literal=True)
def _weights_adjoint(g, a, weights, ans, axis=None, keepdims=False):
    weigh, read_g, read_ans = _weight_lines(weights, a), _per_line(g), _per_line(ans)
    whole = weights.ndim == a.ndim

    def impl(g, a, weights, ans, axis=None, keepdims=False):
        v, out = _on_lines(a, axis)
        w = weigh(weights, v, axis)
        shares, means = read_g(g, v.shape[0], v.shape[2]), read_ans(ans, v.shape[0], v.shape[2])
        for i in range(v.shape[0]):
            for k in range(v.shape[2]):
                scale = _line_total(w, i, k)
                for j in range(v.shape[1]):
                    out[i, j, k] = shares[i, k] * (v[i, j, k] - means[i, k]) / scale
        if whole:
            return out.reshape(weights.shape)
        along = np.zeros(v.shape[1], v.dtype)  # 1-D weights: summed over the other axes
        for i in range(v.shape[0]):
            for j in range(v.shape[1]):
                for k in range(v.shape[2]):
                    along[j] += out[i, j, k]
        return along

    return impl
