"""Undo logs of the arrays a loop writes in place, for its reverse sweep.

An array written in place inside a loop keeps an undo log: `log_write(log, a, index)` keeps the
values `a[index] = ...` is about to overwrite (and where they were), `log_mark(log)` says
where a trip starts, and `undo_to(log, a, mark)` puts them back, newest first. Where they were
is a position in the array's memory, which holds the elements in C order or in Fortran order
(`np.copy(x.T)` keeps x.T's order): a view that is neither is refused.
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.core.errors import TypingError
from numba.extending import overload, register_jitable
from numba.np.numpy_support import as_dtype

from .tapes import _copy_start


def undo_log(array, capacity):
    """An empty undo log for writes into `array`: (values, positions, [count])."""
    return (np.empty(max(capacity, 16), np.asarray(array).dtype), np.empty(max(capacity, 16),
            np.int64), np.zeros(1, np.int64))


@overload(undo_log)
def _undo_log(array, capacity):
    _require_contiguous(array)
    dtype = as_dtype(array.dtype)
    return lambda array, capacity: (np.empty(max(capacity, 16), dtype),
                                    np.empty(max(capacity, 16), np.int64), np.zeros(1, np.int64))


def _require_contiguous(array) -> None:
    if not isinstance(array, types.Array) or array.layout not in ("C", "F"):
        raise TypingError("astgrad: inside a loop, write into a contiguous array (one made "
                          "by np.zeros, np.empty, .copy(), ...), not into a view")


def _memory(array):
    """The elements of a C- or Fortran-contiguous array in their memory's order, a view."""
    return array.reshape(array.size) if array.flags.c_contiguous else array.T.reshape(array.size)


@overload(_memory)
def _memory_compiled(array):
    if array.layout == "F":
        return lambda array: array.T.reshape(array.size)
    return lambda array: array.reshape(array.size)


def _numbering(array):
    """Each element's position in `_memory(array)`, as an array of the array's shape."""
    return np.arange(array.size).reshape(array.shape, order="C" if array.flags.c_contiguous
                                         else "F")


@overload(_numbering)
def _numbering_compiled(array):
    if array.layout == "F":
        return lambda array: np.arange(array.size).reshape(array.shape[::-1]).T
    return lambda array: np.arange(array.size).reshape(array.shape)


def log_write(log, array, index):
    """Keep the values `array[index] = ...` is about to overwrite; the log, perhaps grown."""
    if not (array.flags.c_contiguous or array.flags.f_contiguous):
        raise ValueError("astgrad: inside a loop, write into a contiguous array, not a view")
    positions = _numbering(array)[index].ravel()
    values, where, count = log
    end = count[0] + positions.size
    if end > values.size:
        size = max(2 * values.size, end)
        values = np.concatenate([values, np.empty(size - values.size, values.dtype)])
        where = np.concatenate([where, np.empty(size - where.size, where.dtype)])
    values[count[0]:end] = _memory(array)[positions]
    where[count[0]:end] = positions
    count[0] = end
    return values, where, count


@register_jitable
def _element_position(array, index):
    offset = 0
    for d in range(array.ndim):
        offset += (index[d] % array.shape[d]) * (array.strides[d] // array.itemsize)
    return np.full(1, offset, np.int64)


@register_jitable
def _region_positions(array, index):
    view = array[index]
    start = (view.ctypes.data - array.ctypes.data) // array.itemsize
    out = np.empty(view.size, np.int64)
    k = 0
    for position in np.ndindex(view.shape):
        offset = start
        for d in range(view.ndim):
            offset += position[d] * (view.strides[d] // array.itemsize)
        out[k] = offset
        k += 1
    return out


@register_jitable
def _log_values(log, array, positions):
    """Into the log, the values of `array` at `positions` (flat), grown if need be."""
    values, where, count = log
    end = count[0] + positions.size
    if end > values.size:
        size = max(2 * values.size, end)
        grown_values, grown_where = np.empty(size, values.dtype), np.empty(size, np.int64)
        _copy_start(values, grown_values, count[0])
        _copy_start(where, grown_where, count[0])
        values, where = grown_values, grown_where
    flat = _memory(array)
    for i in range(positions.size):
        values[count[0] + i] = flat[positions[i]]
        where[count[0] + i] = positions[i]
    count[0] = end
    return values, where, count


@register_jitable
def _picked_positions(array, index):
    return _numbering(array)[index].ravel()


@overload(log_write)
def _log_write(log, array, index):
    _require_contiguous(array)
    if isinstance(index, types.BaseTuple) and len(index) == array.ndim and all(
            isinstance(i, types.Integer) for i in index):
        return lambda log, array, index: _log_values(log, array, _element_position(array, index))
    if isinstance(index, types.BaseTuple) and any(isinstance(i, types.Array) for i in index):
        # an integer array or a mask picks elements a view cannot show
        return lambda log, array, index: _log_values(log, array, _picked_positions(array, index))
    return lambda log, array, index: _log_values(log, array, _region_positions(array, index))


@register_jitable
def log_mark(log):
    """Where the log stands: what `undo_to` goes back to."""
    return log[2][0]


@register_jitable
def undo_to(log, array, mark):
    """Put back the values overwritten since `mark`, newest first."""
    values, where, count = log
    mark = int(mark)  # marks are kept on a tape of numbers
    flat = _memory(array)
    for i in range(count[0] - 1, mark - 1, -1):
        flat[where[i]] = values[i]
    count[0] = mark
