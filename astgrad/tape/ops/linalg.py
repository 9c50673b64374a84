"""Products of arrays: matmul (and `@`), dot, outer, trace.

`matmul` follows NumPy's rules: a 1-D operand is a row (on the left) or a column (on the
right), leading dimensions broadcast as batches, and the tape sums a batch gradient back.
"""

import numpy as np

from . import primitive
from .elementwise import multiply


@primitive("MmBackward0")
def matmul(a, b):
    a, b = np.asarray(a), np.asarray(b)
    row, column = a.ndim == 1, b.ndim == 1
    a2, b2 = (a[np.newaxis] if row else a), (b[:, np.newaxis] if column else b)

    def vjp(g):
        g2 = np.expand_dims(g, -1) if column else g
        g2 = np.expand_dims(g2, -2) if row else g2
        da = g2 @ np.swapaxes(b2, -1, -2)
        db = np.swapaxes(a2, -1, -2) @ g2
        return (da[..., 0, :] if row else da), (db[..., 0] if column else db)

    return np.matmul(a, b), vjp


@primitive("DotBackward0")
def dot(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim == 0 or b.ndim == 0:
        return multiply.forward(a, b)
    if a.ndim > 2 or b.ndim > 2:
        raise ValueError("dot of arrays with more than two dimensions is not supported: use "
                         "matmul, whose batch rules are NumPy's")
    return matmul.forward(a, b)


@primitive("OuterBackward0")
def outer(a, b):
    a, b = np.asarray(a), np.asarray(b)

    def vjp(g):
        return (g @ b.ravel()).reshape(a.shape), (a.ravel() @ g).reshape(b.shape)

    return np.outer(a, b), vjp


@primitive("TraceBackward0")
def trace(a):
    """The diagonal of the first two axes summed; its gradient is g on that diagonal."""
    a = np.asarray(a)
    if a.ndim < 2:
        raise ValueError(f"trace needs a matrix or a stack of them, not shape {a.shape}")
    diagonal = np.eye(*a.shape[:2], dtype=a.dtype).reshape(a.shape[:2] + (1,) * (a.ndim - 2))
    return np.trace(a), lambda g: (diagonal * g,)
