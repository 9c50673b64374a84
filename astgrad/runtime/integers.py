"""Where a number becomes a count, an index or a loop decision: Python's checks, also compiled.

Compiled by numba, `int(nan)` is an arbitrary integer (Python raises ValueError), `range(2.5)`
runs two trips (Python raises TypeError), and a `while` loop whose numbers have become NaN or
infinite runs forever. A NaN in the data would then silently give a wrong number or a hang.
These helpers raise instead, with the same exceptions in both modes:

- `to_int`, `floor_int`, `ceil_int`, `trunc_int`, `round_int`: what generated code calls for
  `int(x)`, `math.floor(x)`, `math.ceil(x)`, `math.trunc(x)` and `round(x)`;
- `require_int(n, name, line)`: an argument used as a loop's trip count must be an integer,
  and `loop_bound(n)` a bound the function computes;
- `check_progress(test, seen, line, *carried)`: the test of a `while` loop, which raises
  `EndlessLoop` when the loop can never end.
"""

from __future__ import annotations

import math
import operator

import numpy as np
from numba import literal_unroll, types
from numba.core.errors import TypingError
from numba.extending import overload, register_jitable

from ..errors import EndlessLoop, IntegerExpected
from ..shapes import number
from .facts import helper

_INT64_BOUND = 2.0 ** 63  # |x| below this converts to an int64 exactly


@register_jitable
def _convertible(x):
    """Raise as Python's int(x) does when the float x has no integer value (or none numba
    can hold)."""
    if x != x:
        raise ValueError("cannot convert float NaN to integer")
    if x == np.inf or x == -np.inf:
        raise OverflowError("cannot convert float infinity to integer")
    if not -_INT64_BOUND <= x < _INT64_BOUND:
        raise OverflowError("the integer is too large for a 64-bit integer")


def _checked(python_function, name: str):
    """`python_function(x)` (an int), refusing in compiled code what Python refuses."""

    def convert(x):
        return python_function(x)

    convert.__name__ = convert.__qualname__ = name
    convert.__doc__ = f"{python_function.__name__}(x), with Python's errors also when compiled."

    @overload(convert)
    def _convert(x):
        if isinstance(x, types.Float):
            def impl(x):
                _convertible(x)
                return python_function(x)

            return impl
        return lambda x: python_function(x)

    return convert


to_int = _checked(int, "to_int")
floor_int = _checked(math.floor, "floor_int")
ceil_int = _checked(math.ceil, "ceil_int")
trunc_int = _checked(math.trunc, "trunc_int")


def round_int(x, ndigits=None):
    """round(x) (an int) or round(x, ndigits), with Python's errors also when compiled."""
    return round(x) if ndigits is None else round(x, ndigits)


@overload(round_int)
def _round_int(x, ndigits=None):
    if ndigits is not None and not isinstance(ndigits, (types.NoneType, types.Omitted)):
        return lambda x, ndigits=None: round(x, ndigits)  # a float: NaN stays NaN
    if isinstance(x, types.Float):
        def impl(x, ndigits=None):
            _convertible(x)
            return round(x)

        return impl
    return lambda x, ndigits=None: round(x)


def require_int(n, name, line):
    """Raise IntegerExpected(name, line) unless `n` is an integer: the argument `name` is the
    trip count of the loop at `line`, and range() takes only integers."""
    if not isinstance(n, (int, np.integer)):
        raise IntegerExpected(name, line)


@overload(require_int)
def _require_int(n, name, line):
    if isinstance(n, (types.Integer, types.Boolean)):
        return lambda n, name, line: None

    def impl(n, name, line):
        raise IntegerExpected(name, line)

    return impl


@helper(number=True, shape=number, dtype="int64")
def loop_bound(n):
    """`n`, a bound of range() computed in the function: an integer, as Python's range()
    requires (numba would run range(2.5) for two trips; this refuses it when compiling, and
    astgrad then reports Python's error on the loop's line)."""
    return operator.index(n)


@overload(loop_bound)
def _loop_bound(n):
    if isinstance(n, (types.Integer, types.Boolean)):
        return lambda n: n
    raise TypingError(f"range() takes integers, and a bound of this loop is {n}")


def check_progress(test, seen, line, carried):
    """`test`, the value of the test of the `while` loop at `line`, after checking that the loop
    can still end: raise EndlessLoop(line) when the test holds, each of the numbers `carried`
    (a tuple) that decide whether the loop goes on is what it was at the previous test, and one
    of them is NaN or infinite (arithmetic stands still there: inf / 2 is inf, and NaN stays
    NaN). The next trip would then do the same again, forever. `seen` (zeros, one more than
    there are carried numbers) keeps the values of the previous test. Arrays are not watched."""
    if test and all(np.ndim(value) == 0 for value in carried) and _repeats(seen, carried):
        raise EndlessLoop(line)
    return test


@register_jitable
def _repeats(seen, numbers):
    """Whether `numbers` (of one type: a tuple, or an array of floats) are those `seen` kept
    at the previous test, one of them NaN or infinite; `seen` keeps them for the next test."""
    finite = True
    for value in numbers:
        finite = finite and np.isfinite(value)
    if finite:  # the common case, and cheap: finite numbers cannot repeat a NaN or infinity
        seen[0] = 0.0
        return False
    same = seen[0] != 0  # the previous test kept its numbers: they had a NaN or infinity
    for position in range(len(numbers)):
        value, before = numbers[position], seen[position + 1]
        same = same and (value == before or (value != value and before != before))
        seen[position + 1] = value
    seen[0] = 1.0
    return same


@register_jitable
def _floats(carried):
    """The numbers of a tuple of several types, as an array of floats."""
    out, position = np.empty(len(carried)), 0
    for value in literal_unroll(carried):
        out[position] = value  # (a bool too, which numba's float() refuses)
        position += 1
    return out


# Not inline="always": numba then runs its dead-code pass over the caller, which drops an
# unused out-of-bounds read (x[9] on a line whose value is never used) that Python raises on.
# LLVM inlines the call all the same (a 100000-trip loop costs the same, 4.5 ms, either way).
@overload(check_progress)
def _check_progress(test, seen, line, carried):
    if not all(isinstance(t, (types.Number, types.Boolean)) for t in carried):
        return lambda test, seen, line, carried: test

    if isinstance(carried, types.UniTuple):  # (literal_unroll compiles for a quarter second)
        def uniform(test, seen, line, carried):
            if test and _repeats(seen, carried):
                raise EndlessLoop(line)
            return test
        return uniform

    def impl(test, seen, line, carried):
        if test and _repeats(seen, _floats(carried)):
            raise EndlessLoop(line)
        return test

    return impl
