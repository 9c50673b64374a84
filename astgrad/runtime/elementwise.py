"""NumPy's elementwise functions that numba does not compile, written so that it does.

Each is the NumPy function as Python and, compiled, an overload for numbers and arrays that
broadcasts as NumPy does and keeps NumPy's result dtype; a rule names it as the `forward`
that generated code calls instead of the NumPy function.
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.extending import overload, register_jitable
from numba.np.numpy_support import as_dtype


def heaviside(x1, x2):
    """np.heaviside(x1, x2): 0 where x1 < 0, 1 where x1 > 0, x2 where x1 == 0, NaN at NaN."""
    return np.heaviside(x1, x2)


@overload(heaviside)
def _heaviside(x1, x2):
    kind = np.result_type(*(as_dtype(getattr(t, "dtype", t)) for t in (x1, x2))).type

    @register_jitable
    def step(a, b):
        if a != a:
            return kind(a)
        return kind(0.0) if a < 0 else kind(1.0) if a > 0 else kind(b)

    if not isinstance(x1, types.Array) and not isinstance(x2, types.Array):
        return lambda x1, x2: step(x1, x2)

    def arrays(x1, x2):
        a, b = np.broadcast_arrays(np.asarray(x1), np.asarray(x2))
        out = np.empty(a.shape, kind)
        for index in np.ndindex(a.shape):
            out[index] = step(a[index], b[index])
        return out

    return arrays
