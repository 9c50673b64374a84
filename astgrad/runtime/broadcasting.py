"""Loops over broadcast operands, for the numba implementations of the adjoint helpers.

NumPy's `np.where` takes numba seconds to compile for each signature; a helper that loops
itself compiles in a fraction of that. Elementwise helpers (`select`) `spread` each operand
to the broadcast shape, flat (a copy only where it is broadcast), and loop once over them.
Reducing helpers (`unbroadcast`) walk a shape in C order a row (the last axis) at a time:
within a row the target moves by a fixed stride (0 if it is broadcast along the row), and
between rows a multi-index over the other axes advances like an odometer, carrying the
target's flat offset along. No division per element. A scalar operand stays itself.
"""

import numpy as np
from numba import types
from numba.extending import overload, register_jitable


class ShapePatternError(ValueError):
    """Raised by a gradient specialized for one pattern of argument shapes
    (astgrad/specialize/) when called with another: the caller falls back to the generic one."""


@register_jitable
def broadcast_shape(ndim, first, second, third):
    """The shape (an integer array of length `ndim`) three shapes broadcast to."""
    shape = np.ones(ndim, np.int64)
    for array_shape in (first, second, third):
        for k in range(len(array_shape)):
            if array_shape[k] != 1:
                shape[ndim - len(array_shape) + k] = array_shape[k]
    return shape


@register_jitable
def strides_into(shape, source_shape):
    """Per axis of `shape`, how far one step along it moves in a C-ordered array of
    `source_shape` broadcast to `shape` (0 along the axes it is broadcast over)."""
    ndim = len(shape)
    lead = ndim - len(source_shape)
    strides = np.zeros(ndim, np.int64)
    stride = 1
    for k in range(ndim - 1, lead - 1, -1):
        if source_shape[k - lead] != 1:
            strides[k] = stride
        stride *= source_shape[k - lead]
    return strides


@register_jitable
def advance(index, shape, offsets, strides):
    """Move the C-order multi-index `index` over all but the last axis of `shape` one row on,
    and the operands' flat `offsets` with it (`strides`: one row per operand)."""
    k = len(shape) - 2
    while k >= 0:
        index[k] += 1
        for j in range(len(offsets)):
            offsets[j] += strides[j, k]
        if index[k] < shape[k]:
            return
        for j in range(len(offsets)):
            offsets[j] -= strides[j, k] * shape[k]
        index[k] = 0
        k -= 1


@register_jitable
def rows_of(shape):
    """How many rows (runs along the last axis) an array of `shape` has, and their length."""
    length = shape[len(shape) - 1] if len(shape) else 1
    return (shape.prod() // length if length else 0), length


def fits(x, shape) -> bool:
    """Whether `x` needs no broadcasting to `shape`: a scalar, or an array of that shape."""
    return np.ndim(x) == 0 or np.shape(x) == tuple(shape)


def shape_of(x):
    """The shape of `x` as an integer array (empty for a scalar)."""
    return np.asarray(np.shape(x), np.int64)


def spread(x, shape):
    """An array broadcast to `shape`, its elements in C order (copied only if broadcast); a
    scalar as it is."""
    if np.ndim(x) == 0:
        return x
    return np.ascontiguousarray(np.broadcast_to(x, shape)).ravel()


def element(values, offset):
    """The element at `offset` of a flat array; a scalar itself."""
    return values[offset] if np.ndim(values) else values


@overload(fits)
def _fits(x, shape):
    if not isinstance(x, types.Array):
        return lambda x, shape: True
    if x.ndim != len(shape):
        return lambda x, shape: False
    return lambda x, shape: x.shape == shape


@overload(shape_of)
def _shape_of(x):
    if isinstance(x, types.Array):
        return lambda x: np.asarray(x.shape, np.int64)
    return lambda x: np.zeros(0, np.int64)


@overload(spread)
def _spread(x, shape):
    if not isinstance(x, types.Array):
        return lambda x, shape: x
    if len(shape) == 0:  # nothing to broadcast to (and numba's broadcast_to fails on `()`)
        return lambda x, shape: np.ascontiguousarray(x).ravel()
    if x.ndim != len(shape):
        return lambda x, shape: np.ascontiguousarray(np.broadcast_to(x, shape)).ravel()

    def impl(x, shape):
        if x.shape == shape:
            return np.ascontiguousarray(x).ravel()
        return np.ascontiguousarray(np.broadcast_to(x, shape)).ravel()

    return impl


@overload(element)
def _element(values, offset):
    if isinstance(values, types.Array):
        return lambda values, offset: values[offset]
    return lambda values, offset: values
