"""NumPy's elementwise functions that numba does not compile, written so that it does.

Each is the NumPy function as Python and, compiled, an overload for numbers and arrays that
broadcasts as NumPy does and keeps NumPy's result dtype; a rule names it as the `forward`
that generated code calls instead of the NumPy function. `compiled_unary` and
`compiled_binary` write that overload from a function of numbers (SciPy's special functions
use them too: special.py).
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.extending import overload, register_jitable
from numba.np.numpy_support import as_dtype


def _float_kind(*numba_types):
    """The result dtype of a function of floats: the operands' float type, float64 for
    integers (NumPy's and SciPy's)."""
    kind = np.result_type(*(as_dtype(getattr(t, "dtype", t)) for t in numba_types))
    return kind.type if kind.kind == "f" else np.float64


def compiled_unary(function, kernel) -> None:
    """Compiled, `function` is `kernel` of a number or of each element of an array."""
    def typing(x):
        kind = _float_kind(x)
        if not isinstance(x, types.Array):
            return lambda x: kind(kernel(x))

        def each(x):
            out = np.empty(x.shape, kind)
            flat, values = out.reshape(out.size), np.ascontiguousarray(x).reshape(x.size)
            for i in range(values.size):
                flat[i] = kernel(values[i])
            return out

        return each

    overload(function)(typing)


def compiled_binary(function, kernel) -> None:
    """Compiled, `function` is `kernel` of two numbers, or of each pair of elements of its
    operands broadcast."""
    def typing(x, y):
        kind = _float_kind(x, y)
        if not isinstance(x, types.Array) and not isinstance(y, types.Array):
            return lambda x, y: kind(kernel(x, y))

        def each(x, y):
            a, b = np.broadcast_arrays(np.asarray(x), np.asarray(y))
            out = np.empty(a.shape, kind)
            for index in np.ndindex(a.shape):
                out[index] = kernel(a[index], b[index])
            return out

        return each

    overload(function)(typing)


def heaviside(x1, x2):
    """np.heaviside(x1, x2): 0 where x1 < 0, 1 where x1 > 0, x2 where x1 == 0, NaN at NaN."""
    return np.heaviside(x1, x2)


@register_jitable
def _step(a, b):
    if a != a:
        return a
    return 0.0 if a < 0 else 1.0 if a > 0 else b


compiled_binary(heaviside, _step)
