"""Reductions with NumPy's `axis` and `keepdims`, np.cumsum with its `axis`, and their
adjoints.

numba's own np.sum has no `keepdims`, and np.mean, np.max and np.min have no `axis`; the
generated code calls these versions instead when a call passes those arguments. `unreduce`
broadcasts a reduced adjoint back to the shape of the reduced operand.
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.core.errors import TypingError
from numba.extending import overload, register_jitable
from numba.np.numpy_support import as_dtype
from numba.np.unsafe.ndarray import to_fixed_tuple

from ..shapes import of_second
from .adjoints import _SCALAR, select
from .facts import helper

_NO_VALUE = object()


def _static(value_type, name: str):
    """The Python value of an argument that must be a compile-time constant (None, a literal)."""
    if not isinstance(value_type, types.Type):  # an omitted argument's Python default
        return value_type
    if isinstance(value_type, types.NoneType):
        return None
    if isinstance(value_type, types.Omitted):
        return value_type.value
    if isinstance(value_type, types.Literal):
        return value_type.literal_value
    if name == "axis" and isinstance(value_type, types.Integer):
        return _NO_VALUE  # a runtime axis: fine, the output's rank does not depend on it
    if name == "axis":
        raise TypingError("astgrad: axis must be one integer or None; reduce over several "
                          "axes one at a time")
    raise TypingError(f"astgrad: {name} must be a constant True or False, not a variable")


def reduce_sum(a, axis=None, keepdims=False):
    """np.sum(a, axis, keepdims), compilable by numba."""
    return np.sum(a, axis=axis, keepdims=keepdims)


def reduce_mean(a, axis=None, keepdims=False):
    """np.mean(a, axis, keepdims), compilable by numba."""
    return np.mean(a, axis=axis, keepdims=keepdims)


def reduce_max(a, axis=None, keepdims=False):
    """np.max(a, axis, keepdims), compilable by numba."""
    return np.max(a, axis=axis, keepdims=keepdims)


def reduce_min(a, axis=None, keepdims=False):
    """np.min(a, axis, keepdims), compilable by numba."""
    return np.min(a, axis=axis, keepdims=keepdims)


def _reduction(whole, along):
    """A numba implementation of a reduction from its whole-array and one-axis versions.

    `whole(a)` reduces everything to a scalar; `along(v)` reduces the middle axis of a
    C-contiguous (pre, n, post) array to (pre, post).
    """

    def typer(a, axis=None, keepdims=False):
        axis_value = _static(axis, "axis")
        keep = bool(_static(keepdims, "keepdims"))
        if isinstance(a, _SCALAR):
            return lambda a, axis=None, keepdims=False: a
        ndim = a.ndim
        if axis_value is None:
            if keep:
                ones = (1,) * ndim
                return lambda a, axis=None, keepdims=False: np.full(ones, whole(a))
            return lambda a, axis=None, keepdims=False: whole(a)
        if ndim == 2:
            return _matrix_reduction(along, keep)
        out_ndim = ndim if keep else ndim - 1

        def impl(a, axis=None, keepdims=False):
            ax = axis % ndim
            pre, post = 1, 1
            for k in range(ndim):
                if k < ax:
                    pre *= a.shape[k]
                elif k > ax:
                    post *= a.shape[k]
            reduced = along(np.ascontiguousarray(a).reshape((pre, a.shape[ax], post)))
            shape = np.empty(max(out_ndim, 1), np.int64)
            j = 0
            for k in range(ndim):
                if k != ax or keep:
                    shape[j] = 1 if k == ax else a.shape[k]
                    j += 1
            if out_ndim == 0:
                return reduced[0, 0]
            return reduced.reshape(to_fixed_tuple(shape, out_ndim))

        return impl

    return typer


def _matrix_reduction(along, keep: bool):
    """`_reduction` along one axis of a matrix: its shapes written out, which numba compiles
    in a fraction of the time of the general case's shape computed in a loop."""

    def impl(a, axis=None, keepdims=False):
        rows, columns = a.shape
        down = axis % 2 == 0
        middle = (1, rows, columns) if down else (rows, columns, 1)
        reduced = along(np.ascontiguousarray(a).reshape(middle))  # (1, columns) or (rows, 1)
        return reduced if keep else reduced.ravel()

    return impl


def sum_middle(v):
    """The sum over the middle axis of a (pre, n, post) array."""
    return v.sum(axis=1)


@overload(sum_middle)
def _sum_middle(v):
    # loops, not v.sum(axis=1): numba takes seconds to compile that (and its error messages)
    dtype = as_dtype(v.dtype) if isinstance(v.dtype, types.Float) else np.int64

    def impl(v):
        out = np.zeros((v.shape[0], v.shape[2]), dtype)
        for i in range(v.shape[0]):
            for k in range(v.shape[1]):
                for j in range(v.shape[2]):
                    out[i, j] += v[i, k, j]
        return out

    return impl


def _extreme_middle(pick_first):
    def reduce(v):
        if v.shape[1] == 0:
            raise ValueError("zero-size array to reduction operation, which has no identity")
        out = v[:, 0, :].copy()
        for i in range(v.shape[0]):
            for j in range(v.shape[2]):
                best = out[i, j]
                for k in range(1, v.shape[1]):
                    x = v[i, k, j]
                    if x != x or (best == best and pick_first(x, best)):
                        best = x  # NaN wins, as in NumPy
                out[i, j] = best
        return out

    return reduce


def _greater(x, y):
    return x > y


def _less(x, y):
    return x < y


def _register_reductions():
    from numba import njit

    pieces = {
        reduce_sum: (lambda a: np.sum(a), lambda v: sum_middle(v)),
        reduce_mean: (lambda a: np.mean(a), lambda v: sum_middle(v) / v.shape[1]),
        reduce_max: (lambda a: np.max(a), _extreme_middle(njit(_greater))),
        reduce_min: (lambda a: np.min(a), _extreme_middle(njit(_less))),
    }
    for python_version, (whole, along) in pieces.items():
        overload(python_version, prefer_literal=True)(_reduction(njit(whole), njit(along)))


_register_reductions()


@helper(allocates=True, loop="unreduce", shape=of_second)
def unreduce(g, like, axis=None, keepdims=False):
    """The adjoint `g` of a reduction of `like`, broadcast back to `like`'s shape (a copy)."""
    shape = np.shape(like)
    if not shape:
        return g
    if axis is not None and not keepdims:
        g = np.expand_dims(g, axis)
    return np.broadcast_to(g, shape).copy()


@overload(unreduce, prefer_literal=True)
def _unreduce(g, like, axis=None, keepdims=False):
    axis_value = _static(axis, "axis")
    keep = bool(_static(keepdims, "keepdims"))
    if isinstance(like, _SCALAR):
        return lambda g, like, axis=None, keepdims=False: g
    if not isinstance(g, types.Array):
        return lambda g, like, axis=None, keepdims=False: np.full(like.shape, g)
    if axis_value is None or keep:
        if axis_value is None and g.ndim != like.ndim:
            return lambda g, like, axis=None, keepdims=False: np.full(like.shape, g.ravel()[0])
        if like.ndim == 2:
            return _matrix_from_row_or_column
        return lambda g, like, axis=None, keepdims=False: np.broadcast_to(g, like.shape).copy()
    ndim = like.ndim
    if ndim == 2:
        return _matrix_from_vector

    def impl(g, like, axis=None, keepdims=False):
        return np.broadcast_to(np.expand_dims(g, axis % ndim), like.shape).copy()

    return impl


# `unreduce` to a matrix, as loops (numba compiles broadcast_to and expand_dims slowly)


def _matrix_from_row_or_column(g, like, axis=None, keepdims=False):
    """`g`, a matrix of one row or one column (or 1 x 1), repeated to `like`'s shape."""
    rows, columns = like.shape
    down, across = int(g.shape[0] != 1), int(g.shape[1] != 1)
    out = np.empty((rows, columns), g.dtype)
    for i in range(rows):
        for j in range(columns):
            out[i, j] = g[i * down, j * across]
    return out


def _matrix_from_vector(g, like, axis=None, keepdims=False):
    """`g`, the adjoint of a reduction along `axis` without keepdims, repeated to `like`'s
    shape: one value per column if the axis was 0, per row if it was 1."""
    rows, columns = like.shape
    per_column = axis % 2 == 0
    out = np.empty((rows, columns), g.dtype)
    for i in range(rows):
        for j in range(columns):
            out[i, j] = g[j] if per_column else g[i]
    return out


@helper(allocates=True, shape=of_second, loop="extremum_adjoint")
def extremum_adjoint(g, a, ans, axis=None, keepdims=False):
    """Adjoint of np.max / np.min: `g` shared evenly among the elements that attain the
    extremum (PyTorch's amax/amin rule; NaN positions count as attaining a NaN result)."""
    if np.ndim(a) == 0:
        return g
    full = unreduce(ans, a, axis, keepdims)
    attained = (a == full) | (np.isnan(a) & np.isnan(full))
    count = unreduce(reduce_sum(attained, axis, True), a, axis, True)
    return select(attained, unreduce(g, a, axis, keepdims) / count, 0.0)


@overload(extremum_adjoint, prefer_literal=True)
def _extremum_adjoint(g, a, ans, axis=None, keepdims=False):
    if isinstance(a, _SCALAR):
        return lambda g, a, ans, axis=None, keepdims=False: g
    dtype = as_dtype(a.dtype) if isinstance(a.dtype, types.Float) else np.float64
    whole = _static(axis, "axis") is None
    # as loops over a seen as (before, along, after) around the axis: NumPy's broadcasting,
    # np.where and a sum of truth values compile in numba for seconds
    top_of = _per_line(ans)
    share_of = _per_line(g)

    def impl(g, a, ans, axis=None, keepdims=False):
        sizes = (1, a.size, 1) if whole else _around(a.shape, axis % a.ndim)
        before, along, after = sizes
        v = np.ascontiguousarray(a).reshape(sizes)
        tops, shares = top_of(ans, before, after), share_of(g, before, after)
        out = np.empty(sizes, dtype)
        for i in range(before):
            for k in range(after):
                top = tops[i, k]
                count = 0
                for j in range(along):
                    count += _attains(v[i, j, k], top)
                share = shares[i, k] / count
                for j in range(along):
                    out[i, j, k] = share if _attains(v[i, j, k], top) else 0.0
        return out.reshape(a.shape)

    return impl


@register_jitable
def _attains(x, top):
    """Whether element x attains the extremum `top` (NaN attains a NaN extremum)."""
    return x == top or (x != x and top != top)


def _per_line(value):
    """The function reading `value` (a reduction's result, or its adjoint: a number, or an
    array of the reduced shape) as one number per line along the axis, (before, after)."""
    if isinstance(value, types.Array):
        return register_jitable(
            lambda value, before, after: np.ascontiguousarray(value).reshape((before, after)))
    return register_jitable(lambda value, before, after: np.full((1, 1), value))


def clip(a, a_min, a_max):
    """np.clip(a, a_min, a_max), compilable by numba for scalars too."""
    return np.clip(a, a_min, a_max)


@overload(clip)
def _clip(a, a_min, a_max):
    if all(isinstance(t, _SCALAR) for t in (a, a_min, a_max)):
        return lambda a, a_min, a_max: min(max(a, a_min), a_max) if a == a else a
    return lambda a, a_min, a_max: np.minimum(np.maximum(a, a_min), a_max)  # broadcasts


def cumsum(a, axis=None):
    """np.cumsum(a, axis), compilable by numba (whose np.cumsum has no `axis`)."""
    return np.cumsum(a, axis=axis)


@helper(allocates=True, shape=of_second)
def cumsum_adjoint(g, a, axis=None):
    """The adjoint of `a` in `np.cumsum(a, axis)`: `g` summed from each place to the end."""
    if np.ndim(a) == 0:
        return np.sum(g)
    if axis is None:
        return np.flip(np.cumsum(np.flip(np.ravel(g)))).reshape(np.shape(a))
    return np.flip(np.cumsum(np.flip(g, axis), axis), axis)


@register_jitable
def _around(shape, axis):
    """The sizes (before, along, after) of `axis` of an array of `shape`."""
    before, after = 1, 1
    for k in range(len(shape)):
        if k < axis:
            before *= shape[k]
        elif k > axis:
            after *= shape[k]
    return before, shape[axis], after


@register_jitable
def _running_sums(v, out, backward):
    """Into `out`, the running sums of `v` (before, along, after) along its middle axis: from
    its start, or `backward` from its end."""
    before, along, after = v.shape
    if along == 0:
        return out
    first = along - 1 if backward else 0
    for i in range(before):
        for k in range(after):
            out[i, first, k] = v[i, first, k]
            total = out[i, first, k]  # in the sums' type
            for step in range(1, along):
                j = along - 1 - step if backward else step
                total += v[i, j, k]
                out[i, j, k] = total
    return out


@overload(cumsum)
def _cumsum(a, axis=None):
    if isinstance(a, _SCALAR):
        return lambda a, axis=None: np.full(1, a)
    dtype = as_dtype(a.dtype) if isinstance(a.dtype, types.Float) else np.int64
    if _static(axis, "axis") is None:
        def whole(a, axis=None):
            flat = np.ascontiguousarray(a).reshape((1, a.size, 1))
            return _running_sums(flat, np.empty(flat.shape, dtype), False).reshape(a.size)
        return whole

    def impl(a, axis=None):
        sizes = _around(a.shape, axis % a.ndim)
        v = np.ascontiguousarray(a).reshape(sizes)
        return _running_sums(v, np.empty(sizes, dtype), False).reshape(a.shape)

    return impl


@overload(cumsum_adjoint)
def _cumsum_adjoint(g, a, axis=None):
    if isinstance(a, _SCALAR):
        return lambda g, a, axis=None: np.sum(g)
    dtype = as_dtype(g.dtype)
    if _static(axis, "axis") is None:
        def whole(g, a, axis=None):
            flat = np.ascontiguousarray(g).reshape((1, g.size, 1))
            return _running_sums(flat, np.empty(flat.shape, dtype), True).reshape(a.shape)
        return whole

    def impl(g, a, axis=None):
        sizes = _around(g.shape, axis % g.ndim)
        v = np.ascontiguousarray(g).reshape(sizes)
        return _running_sums(v, np.empty(sizes, dtype), True).reshape(g.shape)

    return impl
