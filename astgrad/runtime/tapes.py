"""What loops keep for their reverse sweep: tapes of values, and undo logs of overwritten elements.

A `for` loop knows its trip count on entry, so its tapes are arrays of that length:
`empty_tape(x, n)` holds n values like x (a float, or an array of x's shape), written
`tape[k] = x` at the start of trip k and read back in the reverse sweep. A `while` loop
grows its tapes as it goes (`grow(tape, k)` before writing slot k).

Undo logs of the arrays loops write in place: undo.py.
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.core.errors import TypingError
from numba.extending import overload, register_jitable
from numba.np.numpy_support import as_dtype

from ..errors import ResidualShapeChanged, ShapeChanged
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


def _compiled_tape(number_dtype):
    """A tape maker's numba version: an array's slots of its shape and dtype, a number's of
    `number_dtype(its numba type)`."""
    def typed(value, n):
        if isinstance(value, types.Array):
            dtype = as_dtype(value.dtype)
            return lambda value, n: np.empty((max(n, 0),) + value.shape, dtype)
        if isinstance(value, _SCALAR):
            dtype = number_dtype(value)
            return lambda value, n: np.empty(max(n, 0), dtype)
        raise TypingError(f"astgrad: a loop cannot keep values of type {value}")
    return typed


overload(empty_tape)(_compiled_tape(lambda number: np.float64))


@helper(allocates=True, loop="tape")
def result_tape(value, n):
    """Room for n values like `value`, of its type (a number's too): what a helper's forward
    half returns for its adjoint, in each trip of a loop (the tape made at its first trip:
    each trip's value has that type, being the same statement's)."""
    if isinstance(value, np.ndarray):
        return np.empty((max(n, 0),) + value.shape, value.dtype)
    return np.empty(max(n, 0), np.asarray(value).dtype)


overload(result_tape)(_compiled_tape(as_dtype))


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
        _copy_flat(value, tape[k].reshape(value.size))
    return array


@register_jitable
def _copy_flat(value, slot):
    """The elements of `value` in C order into the vector `slot`."""
    position = 0
    for element in value.flat:
        slot[position] = element
        position += 1


def keep_result(tape, k, value):
    """`tape[k] = value`, a value a helper returned for its adjoint in trip k of a loop (the
    tape made at its first trip); ResidualShapeChanged if it has another shape than the
    tape's slots."""
    if np.shape(value) != tape.shape[1:]:
        raise ResidualShapeChanged()
    tape[k] = value


@overload(keep_result)
def _keep_result(tape, k, value):
    if not isinstance(value, types.Array):
        def number(tape, k, value):
            tape[k] = value
        return number
    if value.ndim == 0:
        return keep_result

    def array(tape, k, value):
        if value.shape != tape.shape[1:]:
            raise ResidualShapeChanged()
        _copy_flat(value, tape[k].reshape(value.size))

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
