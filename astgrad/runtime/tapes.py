"""What loops keep for their reverse sweep: tapes of values, and undo logs of overwritten elements.

A `for` loop knows its trip count on entry, so its tapes are arrays of that length:
`empty_tape(x, n)` holds n values like x (a float, or an array of x's shape), written
`tape[k] = x` at the start of trip k and read back in the reverse sweep. A `while` loop
grows its tapes as it goes (`grow(tape, k)` before writing slot k).

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

from ..errors import ShapeChanged
from ..shapes import number, of_second
from .adjoints import _SCALAR
from .facts import helper


@helper(number=True, shape=number, dtype="int64")
@register_jitable
def trip_count(start, stop, step):
    """How many trips `for i in range(start, stop, step)` makes."""
    if step > 0:
        return max(0, (stop - start + step - 1) // step)
    return max(0, (start - stop - step - 1) // (-step))


@helper(allocates=True, loop="tape")
def empty_tape(value, n):
    """Room for n values like `value`. Numbers are kept as float64, which holds every int,
    bool and float32 exactly: a number's type may change in a loop (`s = 0`, then
    `s = s + x`), and the tape is made before the loop. `retyped` gives each back its type."""
    if isinstance(value, np.ndarray):
        return np.empty((max(n, 0),) + value.shape, value.dtype)
    return np.empty(max(n, 0), np.float64)


@overload(empty_tape)
def _empty_tape(value, n):
    if isinstance(value, types.Array):
        dtype = as_dtype(value.dtype)
        return lambda value, n: np.empty((max(n, 0),) + value.shape, dtype)
    if isinstance(value, _SCALAR):
        return lambda value, n: np.empty(max(n, 0), np.float64)
    raise TypingError(f"astgrad: a loop cannot keep values of type {value}")


@helper(shape=of_second, view=True, dtype="like")
def retyped(value, like):
    """A value read back from a tape, with the type of `like` (the variable it restores)."""
    if isinstance(like, np.ndarray):
        return value
    return type(like)(value)


@overload(retyped)
def _retyped(value, like):
    if isinstance(like, types.Boolean):
        return lambda value, like: value != 0
    if isinstance(like, types.Integer):
        return lambda value, like: int(value)
    if isinstance(like, types.Float):
        kind = as_dtype(like).type
        return lambda value, like: kind(value)
    return lambda value, like: value


@register_jitable
def grow(tape, k):
    """`tape`, or a copy with twice the room, so that slot k can be written."""
    if k < tape.shape[0]:
        return tape
    bigger = np.empty((max(2 * tape.shape[0], k + 1),) + tape.shape[1:], tape.dtype)
    # (the tape is C-contiguous, as empty_tape made it)
    _copy_start(tape.reshape(tape.size), bigger.reshape(bigger.size), tape.size)
    return bigger


@register_jitable
def _copy_start(source, destination, count):
    """The first `count` elements of the vector `source` into `destination`, element by
    element: numba compiles a store through a slice with the formatting of its error message,
    for seconds."""
    for i in range(count):
        destination[i] = source[i]


def keep(tape, k, value, name, line):
    """`tape[k] = value`, the value of `name` at the start of trip k of the loop at `line`;
    ShapeChanged(name, line) if it has another shape than the tape's slots (than it had when
    the loop started)."""
    if np.shape(value) != tape.shape[1:]:
        raise ShapeChanged(name, line)
    tape[k] = value


@overload(keep)
def _keep(tape, k, value, name, line):
    if not isinstance(value, types.Array):
        def number(tape, k, value, name, line):
            tape[k] = value
        return number
    if value.ndim == 0:
        return keep
    # element by element (as _copy_start): slot k of the C-contiguous tape is flat

    def array(tape, k, value, name, line):
        if value.shape != tape.shape[1:]:
            raise ShapeChanged(name, line)
        slot, position = tape[k].reshape(value.size), 0
        for element in value.flat:
            slot[position] = element
            position += 1
    return array


def same_shape(value, shape, name, line):
    """Raise ShapeChanged(name, line) unless `value` has `shape`: a loop-carried value whose
    shape the reverse sweep takes from another trip must keep it."""
    if np.shape(value) != shape:
        raise ShapeChanged(name, line)


@overload(same_shape)
def _same_shape(value, shape, name, line):
    if not isinstance(value, types.Array):
        return lambda value, shape, name, line: None  # a number's shape never changes

    def impl(value, shape, name, line):
        if value.shape != shape:
            raise ShapeChanged(name, line)

    return impl


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
