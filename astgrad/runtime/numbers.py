"""The float type that numbers written in the code take: NumPy's rule for Python numbers.

In NumPy a Python float is *weak*: `x * 0.5` of a float32 array is float32, and so is
`s + 0.5` of a float32 number. numba types every float literal float64, so the same line
compiled makes a float64 array, and a loop that carries x then fails to compile (its variable
would be float32 on entry, float64 after a trip). Generated code therefore writes a float
literal that meets a value as `_float(0.5)`, where `_float = float_type((x, w, ...))` is the
float type of the function's arguments: plain `float` as Python (NumPy then applies its own
rule), and compiled, float32 when the arguments' float arrays are float32 (or, with no float
arrays, when a float32 number is among them), else float64.
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.extending import overload


def float_type(values: tuple):
    """The type numbers written in the code take beside `values` (a function's arguments)."""
    return float


@overload(float_type)
def _float_type(values):
    members = list(values) if isinstance(values, types.BaseTuple) else []
    arrays = {m.dtype for m in members if isinstance(m, types.Array)
              and isinstance(m.dtype, types.Float)}
    numbers = {m for m in members if isinstance(m, types.Float)}
    single = arrays == {types.float32} or (not arrays and types.float32 in numbers)
    kind = np.float32 if single else np.float64
    return lambda values: kind
