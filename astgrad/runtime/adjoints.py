"""Helpers for adjoint bookkeeping: typed zeros, broadcasting undone, outputs seeded.

Each helper is written once as plain NumPy (what `jit=False` runs) and given a numba
implementation with `@overload`, which dispatches on whether its arguments are scalars or
arrays. That is what lets one generated source serve floats and arrays of any shape.
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.core.errors import TypingError
from numba.extending import overload, register_jitable
from numba.np.numpy_support import as_dtype
from numba.np.unsafe.ndarray import to_fixed_tuple

from ..errors import GradientShape, IntegerInput, NonScalarOutput, SharedArray
from ..shapes import number, of_second, same
from .broadcasting import (
    advance,
    broadcast_shape,
    element,
    fits,
    rows_of,
    shape_of,
    spread,
    strides_into,
)
from .facts import helper

_SCALAR = (types.Number, types.Boolean)


def _float_dtype(dtype) -> np.dtype:
    """The dtype of an adjoint for values of `dtype`: floats keep theirs, others get float64."""
    dtype = np.dtype(dtype)
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


def _numba_float(numba_type) -> np.dtype:
    return _float_dtype(as_dtype(numba_type))


@helper(allocates=True, shape=same, loop="zeros")
def zeros_like(x):
    """A zero adjoint for `x`: 0.0 for a Python number, a float32 zero for a float32, an array
    of zeros for an array (float64 zeros for integer arrays). The adjoint of a 0-d array is a
    scalar, as arithmetic on it gives (numba would not unify the two in a loop)."""
    if isinstance(x, np.ndarray) and x.ndim == 0:
        return _float_dtype(x.dtype).type(0)
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape, _float_dtype(x.dtype))
    if isinstance(x, np.floating):
        return type(x)(0)
    return 0.0


@overload(zeros_like)
def _zeros_like(x):
    if isinstance(x, types.Array) and x.ndim == 0:
        zero = _numba_float(x.dtype).type(0)
        return lambda x: zero
    if isinstance(x, types.Array):
        dtype = _numba_float(x.dtype)
        return lambda x: np.zeros(x.shape, dtype)
    if isinstance(x, types.Float):
        zero = as_dtype(x).type(0)
        return lambda x: zero
    if isinstance(x, _SCALAR):
        return lambda x: 0.0
    raise TypingError(f"astgrad: cannot differentiate a value of type {x}")


@helper(loop="unbroadcast", shape=of_second)
def unbroadcast(g, like):
    """Sum the adjoint `g` of a broadcast result back to the shape of the operand `like`."""
    shape = np.shape(like)
    if not shape:
        return np.sum(g) if np.ndim(g) else g
    if np.shape(g) == shape:
        return g
    g = np.asarray(g)
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return np.broadcast_to(g, shape).copy() if g.shape != shape else g


@overload(unbroadcast)
def _unbroadcast(g, like):
    if isinstance(like, _SCALAR):
        if isinstance(g, types.Array):
            return lambda g, like: g.sum()
        return lambda g, like: g
    if not isinstance(like, types.Array):
        raise TypingError(f"astgrad: cannot differentiate a value of type {like}")
    if like.ndim == 0:  # the adjoint of a 0-d array is a scalar (see zeros_like)
        return (lambda g, like: g.sum()) if isinstance(g, types.Array) else (lambda g, like: g)
    if not isinstance(g, types.Array):
        return lambda g, like: np.full(like.shape, g)
    if g.ndim < like.ndim:
        return lambda g, like: np.broadcast_to(g, like.shape).copy()
    dtype = as_dtype(g.dtype)
    if g.ndim <= 2:
        return _unbroadcast_vector(dtype) if g.ndim == 1 else _unbroadcast_matrix(dtype)

    def impl(g, like):
        if g.ndim == like.ndim and g.shape == like.shape:
            return g
        source = np.ascontiguousarray(g).ravel()
        shape = np.asarray(g.shape, np.int64)
        strides = strides_into(shape, np.asarray(like.shape, np.int64)).reshape(1, -1)
        out = np.zeros(like.size, dtype)
        index, offset = np.zeros(g.ndim, np.int64), np.zeros(1, np.int64)
        rows, length = rows_of(shape)
        step = strides[0, g.ndim - 1]
        for row in range(rows):  # add each element of g into the one of `like` it came from
            start, target = row * length, offset[0]
            for j in range(length):
                out[target + j * step] += source[start + j]
            advance(index, shape, offset, strides)
        return out.reshape(like.shape)

    return impl


# Vectors and matrices, by far the most common adjoints, get plain loops: numba compiles them
# in a fraction of the time of the general walk over any shape above.


def _unbroadcast_vector(dtype):
    def impl(g, like):
        if g.shape == like.shape:
            return g
        out = np.zeros(1, dtype)  # `like` has shape (1,)
        for value in g:
            out[0] += value
        return out

    return impl


def _unbroadcast_matrix(dtype):
    def impl(g, like):
        if g.ndim == like.ndim and g.shape == like.shape:
            return g
        rows, columns = g.shape
        # where element [i, j] of g lands in `like`, flat: like[i*down + j*across]
        across = 1 if like.shape[-1] != 1 else 0
        down = like.shape[-1] if like.ndim == 2 and like.shape[0] != 1 else 0
        out = np.zeros(like.size, dtype)
        for i in range(rows):
            for j in range(columns):
                out[i * down + j * across] += g[i, j]
        return out.reshape(like.shape)

    return impl


@helper(allocates=True, shape=same)
def output_seed(value):
    """The adjoint of the function's value: 1 of the value's type. The value must be a scalar
    (a number, or an array with one element); anything else raises NonScalarOutput."""
    if isinstance(value, np.ndarray):
        if value.size != 1:
            raise NonScalarOutput(value.shape)
        return np.ones(value.shape, _float_dtype(value.dtype))
    if isinstance(value, np.floating):
        return type(value)(1)
    if isinstance(value, (bool, int, float, np.integer, np.bool_)):
        return 1.0
    raise NonScalarOutput(type(value).__name__)


@overload(output_seed)
def _output_seed(value):
    if isinstance(value, types.Array):
        dtype = _numba_float(value.dtype)

        def impl(value):
            if value.size != 1:
                raise NonScalarOutput(value.shape)
            return np.ones(value.shape, dtype)

        return impl
    if isinstance(value, types.Float):
        one = as_dtype(value).type(1)
        return lambda value: one
    if isinstance(value, _SCALAR):
        return lambda value: 1.0
    name = str(value)

    def impl(value):
        raise NonScalarOutput(name)

    return impl


@helper(view=True, shape=same)  # g itself when of x's dtype
def cast_like(g, x):
    """The gradient `g` in the type of the argument `x` it belongs to (float32 stays float32).
    A gradient of another shape than its argument's is astgrad's bug: GradientShape."""
    if np.shape(g) != np.shape(x):
        raise GradientShape(np.shape(g), np.shape(x))
    if isinstance(x, np.ndarray):
        return np.asarray(g).astype(_float_dtype(x.dtype), copy=False)
    if isinstance(x, np.floating):
        return type(x)(g)
    return float(g)


@overload(cast_like)
def _cast_like(g, x):
    ndim = g.ndim if isinstance(g, types.Array) else 0
    if ndim != (x.ndim if isinstance(x, types.Array) else 0):
        def wrong(g, x):
            raise GradientShape(np.shape(g), np.shape(x))

        return wrong
    if isinstance(x, types.Array):
        dtype = _numba_float(x.dtype)
        if not isinstance(g, types.Array):  # a 0-d argument's gradient is a number
            return lambda g, x: np.full(x.shape, g, dtype)
        cast = as_dtype(g.dtype) != dtype

        def impl(g, x):
            if g.shape != x.shape:
                raise GradientShape(g.shape, x.shape)
            return g.astype(dtype) if cast else g

        return impl
    if isinstance(x, types.Float):
        kind = as_dtype(x).type
        return lambda g, x: kind(g)
    return lambda g, x: float(g)


@helper(allocates=True, shape=same, loop="copy")
def own(g):
    """`g`, copied if it is an array, so that adding into it in place touches nothing else."""
    return g.copy() if isinstance(g, np.ndarray) else g


@overload(own)
def _own(g):
    if isinstance(g, types.Array):
        return lambda g: g.copy()
    return lambda g: g


@helper(number=True, shape=number, dtype="int64")
def size(x):
    """The number of elements of `x`; 1 for a scalar."""
    return np.size(x)


@overload(size)
def _size(x):
    if isinstance(x, types.Array):
        return lambda x: x.size
    return lambda x: 1


@helper(allocates=True, elementwise=True, loop="select")
def select(condition, a, b):
    """`np.where(condition, a, b)` that keeps scalars scalars."""
    if np.ndim(condition) == 0 and np.ndim(a) == 0 and np.ndim(b) == 0:
        return a if condition else b
    return np.where(condition, a, b)


@overload(select)
def _select(condition, a, b):
    operands = (condition, a, b)
    if all(isinstance(t, _SCALAR) for t in operands):
        if isinstance(a, types.Float) and isinstance(b, types.Float) and a != b:
            # a rule's 0.0 (numba's float64) with a float32 derivative: float32, as a
            # Python float with a float32 number in NumPy (a float64 would change the
            # types of the adjoints of a float32 loop from one trip to the next)
            narrow = as_dtype(min(a, b, key=lambda t: t.bitwidth)).type
            return lambda condition, a, b: narrow(a) if condition else narrow(b)
        return lambda condition, a, b: a if condition else b
    # A loop rather than np.where, which numba takes seconds to compile for each signature.
    ndim = max(t.ndim for t in operands if isinstance(t, types.Array))
    # the arrays' dtype: a number (0.0 in a rule) takes it, as a Python float does in NumPy
    arrays = [as_dtype(t.dtype) for t in (a, b) if isinstance(t, types.Array)]
    dtype = np.result_type(*(arrays or [as_dtype(t) for t in (a, b)]))
    widest = next(i for i, t in enumerate(operands) if isinstance(t, types.Array) and
                  t.ndim == ndim)

    def impl(condition, a, b):
        shape = (condition, a, b)[widest].shape
        if not (fits(condition, shape) and fits(a, shape) and fits(b, shape)):
            shape = to_fixed_tuple(broadcast_shape(ndim, shape_of(condition), shape_of(a),
                                                   shape_of(b)), ndim)
        chosen, first, second = spread(condition, shape), spread(a, shape), spread(b, shape)
        out = np.empty(shape, dtype).ravel()
        for i in range(out.size):
            out[i] = element(first, i) if element(chosen, i) else element(second, i)
        return out.reshape(shape)

    return impl


@register_jitable
def extremum_share_scalar(g, x, y, larger):
    """The part of `g` that goes to `x` in max(x, y) (`larger`) or min(x, y), for numbers."""
    if (x < y) if larger else (x > y):
        return 0.0
    return g / 2 if x == y else g


@helper(elementwise=True, loop="share")
def extremum_share(g, a, b, larger):
    """The part of the adjoint `g` of `np.maximum(a, b)` (`larger`) or `np.minimum(a, b)`
    that goes to `a`: all where `a` is chosen, half at a tie, none where `b` is (PyTorch's
    convention; NaN comparisons choose `a`)."""
    loses = np.less(a, b) if larger else np.greater(a, b)
    return select(loses, 0.0, select(np.equal(a, b), g / 2, g))


@overload(extremum_share)
def _extremum_share(g, a, b, larger):
    operands = (g, a, b)
    if all(isinstance(t, _SCALAR) for t in operands):
        return lambda g, a, b, larger: extremum_share_scalar(g, a, b, larger)
    # one loop: a pair of selects and their comparisons take numba seconds to compile
    ndim = max(t.ndim for t in operands if isinstance(t, types.Array))
    dtype = _numba_float(g.dtype if isinstance(g, types.Array) else g)
    if isinstance(g, types.Array) and isinstance(a, _SCALAR) != isinstance(b, _SCALAR):
        return _extremum_share_with_number(dtype, array_first=isinstance(a, types.Array))
    widest = next(i for i, t in enumerate(operands) if isinstance(t, types.Array) and
                  t.ndim == ndim)

    def impl(g, a, b, larger):
        shape = (g, a, b)[widest].shape
        if not (fits(g, shape) and fits(a, shape) and fits(b, shape)):
            shape = to_fixed_tuple(broadcast_shape(ndim, shape_of(g), shape_of(a), shape_of(b)),
                                   ndim)
        adjoint, first, second = spread(g, shape), spread(a, shape), spread(b, shape)
        out = np.empty(shape, dtype).ravel()
        for i in range(out.size):
            out[i] = extremum_share_scalar(element(adjoint, i), element(first, i),
                                           element(second, i), larger)
        return out.reshape(shape)

    return impl


def _extremum_share_with_number(dtype, array_first: bool):
    """`extremum_share` when one of a, b is a number (ReLU's `np.maximum(h, 0.0)`): `g` and
    the array then have the result's shape, and one loop over their elements needs no
    broadcasting, which numba compiles in a fraction of the time of the general loop."""

    def impl(g, a, b, larger):
        array = a if array_first else b
        if g.shape != array.shape:
            raise ValueError("astgrad: an adjoint does not have its value's shape")
        out = np.empty(g.shape, dtype)
        result, adjoint, values = out.ravel(), g.ravel(), array.ravel()  # views if contiguous
        for k in range(result.size):
            if array_first:
                result[k] = extremum_share_scalar(adjoint[k], values[k], b, larger)
            else:
                result[k] = extremum_share_scalar(adjoint[k], a, values[k], larger)
        return out

    return impl


@helper(view=True, shape=same)
def stop_gradient(x):
    """`x` itself, but treated as a constant by the gradient (PyTorch's `detach()`).

    >>> astgrad.grad(lambda a, b: a * stop_gradient(b), wrt=1)  # d/db is 0

    Given a tensor of the tape engine (or of PyTorch), it detaches it, so that a function
    using stop_gradient means the same in every engine.
    """
    detach = getattr(x, "detach", None)
    return detach() if detach is not None else x


@overload(stop_gradient)
def _stop_gradient(x):
    return lambda x: x


def require_float(x):
    """Raise IntegerInput unless `x` is a floating-point number or array."""
    dtype = np.asarray(x).dtype
    if dtype.kind != "f":
        raise IntegerInput(dtype.name)


@overload(require_float)
def _require_float(x):
    kind = x.dtype if isinstance(x, types.Array) else x
    if isinstance(kind, types.Float):
        return lambda x: None
    name = str(kind)

    def impl(x):
        raise IntegerInput(name)

    return impl


def not_shared(value, name, line, written="", picked=0):
    """Raise SharedArray(name, line, written, picked) if `value` is an array: `name += v` (no
    `written`) changes an array another name also refers to; or `name` (empty for a name
    astgrad made), an index of integers of `written` at line `picked`, picked part of it rather
    than a number, and line `line` writes into `written` while `name` is still read. astgrad
    cannot differentiate either."""
    if isinstance(value, np.ndarray):
        raise SharedArray(name, line, written, picked)


@overload(not_shared)
def _not_shared(value, name, line, written="", picked=0):
    if not isinstance(value, types.Array):
        return lambda value, name, line, written="", picked=0: None

    def impl(value, name, line, written="", picked=0):
        raise SharedArray(name, line, written, picked)

    return impl
