"""Undo logs of the arrays a loop writes in place, for its reverse sweep.

An array written in place inside a loop keeps an undo log: `log_write(log, a, index)` keeps the
values `a[index] = ...` is about to overwrite (and where they were), `log_mark(log)` says
where a trip starts, and `undo_to(log, a, mark)` puts them back, newest first. Where they were
is a position in the array's memory, which holds the elements in C order or in Fortran order
(`np.copy(x.T)` keeps x.T's order): a view that is neither is refused.

In Python a log is (values, positions, [count]). Compiled, the log of an array of floats is
one float64 array, [count, value, position, value, position, ...], which holds float32 and
float64 values and positions below 2**53 exactly: a log is rebound at every write, and numba
counts the references to each array it rebinds (three arrays took half of lstm's logging
time); a run of elements (an element, a row, a column) is logged where it is, without an
array of its positions.
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
    if isinstance(array.dtype, types.Float):
        return lambda array, capacity: _flat_log(capacity)
    dtype = as_dtype(array.dtype)
    return lambda array, capacity: (np.empty(max(capacity, 16), dtype),
                                    np.empty(max(capacity, 16), np.int64), np.zeros(1, np.int64))


@register_jitable
def _flat_log(capacity):
    log = np.empty(1 + 2 * max(capacity, 16))
    log[0] = 0.0
    return log


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
    basic = isinstance(index, types.BaseTuple) and all(
        isinstance(i, types.Integer | types.SliceType) for i in index)
    picked = isinstance(index, types.BaseTuple) and any(
        isinstance(i, types.Array) for i in index)
    if isinstance(log, types.Array):
        free = sum(isinstance(i, types.SliceType) for i in index) + array.ndim - len(index) \
            if basic else None
        if free is not None and free <= 1:
            return _run_writer(index, array.ndim)
        positions = _picked_positions if picked else _region_positions
        return lambda log, array, index: _flat_log_positions(log, array,
                                                             positions(array, index))
    if basic and len(index) == array.ndim and all(isinstance(i, types.Integer) for i in index):
        return lambda log, array, index: _log_values(log, array, _element_position(array, index))
    if picked:  # an integer array or a mask picks elements a view cannot show
        return lambda log, array, index: _log_values(log, array, _picked_positions(array, index))
    return lambda log, array, index: _log_values(log, array, _region_positions(array, index))


def _run_writer(index: types.BaseTuple, ndim: int):
    """log_write's implementation, for a flat log, of a basic index (ints and slices) whose
    part of the array is one run of elements (an element; a row, a column or a slice of
    one): each element read by its own index (no view of the array made), its position in
    memory from the run's start and step. An int out of range logs nothing: the store after
    it raises."""
    lines = ["def log_run(log, array, index):", "    start, count, step, first, by = 0, 1, 0, 0, 0"]
    at = []  # each axis's index of the run's element k
    for axis in range(ndim):
        stride = f"(array.strides[{axis}] // array.itemsize)"
        if axis < len(index) and isinstance(index[axis], types.Integer):
            lines += [f"    i{axis} = index[{axis}]",
                      f"    i{axis} += array.shape[{axis}] if i{axis} < 0 else 0",
                      f"    if not 0 <= i{axis} < array.shape[{axis}]:",
                      "        return log",
                      f"    start += i{axis} * {stride}"]
            at.append(f"i{axis}")
            continue
        if axis < len(index):  # a slice
            lines.append(f"    first, end, by = index[{axis}].indices(array.shape[{axis}])")
            lines.append("    count = len(range(first, end, by))")
        else:  # the whole axis
            lines.append(f"    first, by, count = 0, 1, array.shape[{axis}]")
        lines += [f"    start += first * {stride}", f"    step = by * {stride}"]
        at.append("first + k * by")
    lines += ["    log = _flat_room(log, count)",
              "    held = int(log[0])",
              "    for k in range(count):",
              f"        log[1 + 2 * (held + k)] = array[{', '.join(at)}]",
              "        log[2 + 2 * (held + k)] = start + k * step",
              "    log[0] = held + count",
              "    return log"]
    namespace = {"_flat_room": _flat_room}
    exec("\n".join(lines), namespace)
    return namespace["log_run"]


@register_jitable
def _flat_room(log, more):
    """The flat log, or a copy with room for `more` values and positions after those it
    holds."""
    held = int(log[0])
    if 1 + 2 * (held + more) <= log.size:
        return log
    grown = np.empty(max(2 * log.size, 1 + 2 * (held + more)))
    _copy_start(log, grown, 1 + 2 * held)
    return grown


@register_jitable
def _flat_log_positions(log, array, positions):
    """Into the flat log, the elements of `array` at the memory `positions`."""
    log = _flat_room(log, positions.size)
    held, flat = int(log[0]), _memory(array)
    for k in range(positions.size):
        log[1 + 2 * (held + k)] = flat[positions[k]]
        log[2 + 2 * (held + k)] = positions[k]
    log[0] = held + positions.size
    return log


def log_mark(log):
    """Where the log stands: what `undo_to` goes back to."""
    return log[2][0]


@overload(log_mark)
def _log_mark(log):
    if isinstance(log, types.Array):
        return lambda log: log[0]
    return lambda log: log[2][0]


def undo_to(log, array, mark):
    """Put back the values overwritten since `mark`, newest first."""
    _undo_to_tuple(log, array, mark)


@overload(undo_to)
def _undo_to(log, array, mark):
    if isinstance(log, types.Array):
        return lambda log, array, mark: _undo_to_flat(log, array, mark)
    return lambda log, array, mark: _undo_to_tuple(log, array, mark)


@register_jitable
def _undo_to_tuple(log, array, mark):
    values, where, count = log
    mark = int(mark)  # marks are kept on a tape of numbers
    flat = _memory(array)
    for i in range(count[0] - 1, mark - 1, -1):
        flat[where[i]] = values[i]
    count[0] = mark


@register_jitable
def _undo_to_flat(log, array, mark):
    mark = int(mark)
    flat = _memory(array)
    for i in range(int(log[0]) - 1, mark - 1, -1):
        flat[int(log[2 + 2 * i])] = log[1 + 2 * i]
    log[0] = mark
