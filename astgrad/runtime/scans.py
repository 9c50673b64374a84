"""np.cumprod and np.diff with NumPy's `axis` (and diff's `n`), their adjoints, and np.flip
with its `axis`.

numba's np.cumprod takes no `axis` and its np.diff differences the last axis only; generated
code calls these. Compiled, each is loops over its operand seen as (before, along, after)
around the axis, as cumsum's (reductions.py).
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.extending import overload, register_jitable
from numba.np.unsafe.ndarray import to_fixed_tuple

from ..shapes import of_second
from .adjoints import _SCALAR
from .facts import helper
from .statistics import _on_lines


def cumprod(a, axis=None):
    """np.cumprod(a, axis), compilable by numba."""
    return np.cumprod(a, axis=axis)


@overload(cumprod)
def _cumprod(a, axis=None):
    if isinstance(a, _SCALAR):
        return lambda a, axis=None: np.full(1, a)

    def impl(a, axis=None):
        v, out = _on_lines(a, axis)
        for i in range(v.shape[0]):
            for k in range(v.shape[2]):
                running = 1.0
                for j in range(v.shape[1]):
                    running *= v[i, j, k]
                    out[i, j, k] = running
        return out.reshape(a.size) if axis is None else out.reshape(a.shape)

    return impl


@helper(allocates=True, shape=of_second)
def cumprod_adjoint(g, a, axis=None):
    """The adjoint of `a` in np.cumprod(a, axis): element i gets the product of the elements
    before it times s_i = g_i + a_(i+1) s_(i+1), the adjoints of the products it is in carried
    from the end. No division (PyTorch divides by the element): exact with zeros."""
    if np.ndim(a) == 0:
        return np.sum(g)
    lines = np.reshape(a, (1, -1, 1)) if axis is None else a
    axis_ = 1 if axis is None else axis % np.ndim(a)
    v = np.moveaxis(lines, axis_, 0)
    w = np.moveaxis(np.reshape(g, np.shape(lines)), axis_, 0)
    out = np.empty(v.shape, np.result_type(v, w))
    before = np.ones(v.shape[1:], out.dtype)
    carried = np.zeros(v.shape[1:], out.dtype)
    for j in range(v.shape[0] - 1, -1, -1):
        carried = w[j] + (v[j + 1] * carried if j + 1 < v.shape[0] else 0.0)
        out[j] = carried
    for j in range(v.shape[0]):
        out[j] *= before
        before = before * v[j]
    return np.moveaxis(out, 0, axis_).reshape(np.shape(a))


@overload(cumprod_adjoint)
def _cumprod_adjoint(g, a, axis=None):
    if isinstance(a, _SCALAR):
        return lambda g, a, axis=None: np.sum(g)

    def impl(g, a, axis=None):
        v, out = _on_lines(a, axis)
        w = np.ascontiguousarray(g).reshape(v.shape)
        for i in range(v.shape[0]):
            for k in range(v.shape[2]):
                carried = 0.0
                for j in range(v.shape[1] - 1, -1, -1):
                    carried = w[i, j, k] + (v[i, j + 1, k] * carried
                                            if j + 1 < v.shape[1] else 0.0)
                    out[i, j, k] = carried
                before = 1.0
                for j in range(v.shape[1]):
                    out[i, j, k] *= before
                    before *= v[i, j, k]
        return out.reshape(a.shape)

    return impl


def diff(a, n=1, axis=-1):
    """np.diff(a, n, axis), compilable by numba."""
    return np.diff(a, n=n, axis=axis)


@register_jitable
def _differences(v, n):
    """The n-th differences of the lines of v (before, along, after), along them."""
    for _ in range(n):
        out = np.empty((v.shape[0], v.shape[1] - 1, v.shape[2]), v.dtype)
        for i in range(v.shape[0]):
            for j in range(v.shape[1] - 1):
                for k in range(v.shape[2]):
                    out[i, j, k] = v[i, j + 1, k] - v[i, j, k]
        v = out
    return v


@register_jitable
def _with_length(shape, axis, length):
    """`shape` (as an array) with `length` in place of its size along `axis`."""
    sizes = np.empty(len(shape), np.int64)
    for k in range(len(shape)):
        sizes[k] = length if k == axis % len(shape) else shape[k]
    return sizes


@overload(diff)
def _diff(a, n=1, axis=-1):
    ndim = a.ndim

    def impl(a, n=1, axis=-1):
        v, _ = _on_lines(a, axis)
        out = _differences(v, n)
        return out.reshape(to_fixed_tuple(_with_length(a.shape, axis, out.shape[1]), ndim))

    return impl


@helper(allocates=True, shape=of_second)
def diff_adjoint(g, a, n=1, axis=-1):
    """The adjoint of `a` in np.diff(a, n, axis): each difference's adjoint added to its
    later element and taken from its earlier one, n times."""
    g = np.moveaxis(np.asarray(g), axis, -1)
    for _ in range(n):
        wider = np.zeros(g.shape[:-1] + (g.shape[-1] + 1,), g.dtype)
        wider[..., 1:] += g
        wider[..., :-1] -= g
        g = wider
    return np.moveaxis(g, -1, axis).reshape(np.shape(a))


@overload(diff_adjoint)
def _diff_adjoint(g, a, n=1, axis=-1):
    def impl(g, a, n=1, axis=-1):
        v, _ = _on_lines(a, axis)
        w = np.ascontiguousarray(g).reshape((v.shape[0], v.shape[1] - n, v.shape[2]))
        for _ in range(n):
            wider = np.zeros((w.shape[0], w.shape[1] + 1, w.shape[2]), w.dtype)
            for i in range(w.shape[0]):
                for j in range(w.shape[1]):
                    for k in range(w.shape[2]):
                        wider[i, j + 1, k] += w[i, j, k]
                        wider[i, j, k] -= w[i, j, k]
            w = wider
        return w.reshape(a.shape)

    return impl


def flip(a, axis=None):
    """np.flip(a, axis), compilable by numba (whose np.flip takes no `axis`)."""
    return np.flip(a, axis=axis)


@overload(flip)
def _flip(a, axis=None):
    if axis is None or isinstance(axis, (types.NoneType, types.Omitted)):
        return lambda a, axis=None: np.flip(a)

    def impl(a, axis=None):
        v, out = _on_lines(a, axis)
        for i in range(v.shape[0]):
            for j in range(v.shape[1]):
                for k in range(v.shape[2]):
                    out[i, v.shape[1] - 1 - j, k] = v[i, j, k]
        return out.reshape(a.shape)

    return impl
