"""Where a number becomes a count, an index or a loop decision: Python's checks, also compiled.

Compiled by numba, `int(nan)` is an arbitrary integer (Python raises ValueError), `range(2.5)`
runs two trips (Python raises TypeError), and a `while` loop whose numbers have become NaN or
infinite runs forever. A NaN in the data would then silently give a wrong number or a hang.
These helpers raise instead, with the same exceptions in both modes:

- `to_int`, `floor_int`, `ceil_int`, `trunc_int`, `round_int`: what generated code calls for
  `int(x)`, `math.floor(x)`, `math.ceil(x)`, `math.trunc(x)` and `round(x)`;
- `require_int(n, name, line)`: an argument used as a loop's trip count must be an integer,
  and `loop_bound(n)` a bound the function computes;
- `check_progress(test, seen, line, carried)`: at the test of a `while` loop, raises
  `EndlessLoop` when the loop can never end.
"""

from __future__ import annotations

import functools
import math
import operator

import numpy as np
from numba import types
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
    """What `seen` becomes at this test of the `while` loop at `line`, after checking that the
    loop can still end: raise EndlessLoop(line) when the test holds and the numbers `carried`
    (a tuple) that decide whether the loop goes on are the same as at the last test where one
    of them was NaN or infinite, and one of them still is. The loop then repeats what it did
    since that test, forever (arithmetic stands still there: inf / 2 is inf, NaN stays NaN, and
    nothing else decides). `seen` is (1.0, those numbers), or (0.0, ...) before any such test:
    a tuple, not an array, so that a compiled trip whose numbers are finite writes no memory
    (ten times the check's own cost in a loop of a few operations). Arrays are not watched."""
    if not test or not all(np.ndim(value) == 0 for value in carried):
        return seen
    if all(np.isfinite(value) for value in carried):
        return seen
    if seen[0] and all(value == before or (value != value and before != before)
                       for value, before in zip(carried, seen[1:])):
        raise EndlessLoop(line)
    return (1.0,) + tuple(carried)


@register_jitable
def _same(value, before):
    return value == before or (value != value and before != before)


# Not inline="always": numba then runs its dead-code pass over the caller, which drops an
# unused out-of-bounds read (x[9] on a line whose value is never used) that Python raises on.
# LLVM inlines the call all the same.
@overload(check_progress)
def _check_progress(test, seen, line, carried):
    if not all(isinstance(t, (types.Number, types.Boolean)) for t in carried):
        return lambda test, seen, line, carried: seen
    return _unrolled_check(len(carried))


@functools.cache
def _unrolled_check(count: int):
    """check_progress for `count` numbers, written out one by one: a tuple of numbers of
    several types has no loop over it in numba but literal_unroll, a quarter second to
    compile."""
    finite = " + ".join(f"carried[{i}] * 0.0" for i in range(count))  # NaN unless finite
    same = " and ".join(f"_same(carried[{i}], seen[{i + 1}])" for i in range(count))
    source = (f"def check(test, seen, line, carried):\n"
              f"    if test and not ({finite}) == 0.0:\n"
              f"        if seen[0] != 0.0 and {same}:\n"
              f"            raise EndlessLoop(line)\n"
              f"        return (1.0,) + carried\n"
              f"    return seen\n")
    namespace = {"_same": _same, "EndlessLoop": EndlessLoop}
    exec(source, namespace)
    return namespace["check"]
