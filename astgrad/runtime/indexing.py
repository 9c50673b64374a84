"""Adjoints of indexing with integer arrays, where one element may be picked more than once.

`y = x[idx]` with `idx = [0, 2, 2]` reads x[2] twice, so both adjoints add into it: `add_at`
(NumPy's `np.add.at`; `d[idx] += g` would add only one of them, since NumPy buffers it).
`a[idx] = v` with `idx = [0, 1, 1, 3]` writes a[1] twice and the last write wins, so only the
value written last reaches the result: `written_part` gives the adjoint of what was written,
zero where a later write of the same store overwrote it.

An index is a tuple of its items (ints, slices, None, Ellipsis, arrays), as generated code
passes it. Without an array among them no element is picked twice, and both helpers are the
plain indexing they stand for.
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.extending import overload

from .adjoints import own


def _picks_arrays(index: tuple) -> bool:
    return not all(item is None or item is Ellipsis or isinstance(item, (int, np.integer, slice))
                   for item in index)


def add_at(adjoint, index, g):
    """Add `g` into `adjoint[index]` in place, once for every time the index picks an element."""
    if _picks_arrays(index):
        np.add.at(adjoint, index, g)
    else:
        adjoint[index] += g


def written_part(adjoint, index):
    """The adjoint of the values `a[index] = v` wrote: `adjoint[index]`, except where a later
    write of the same store overwrote the element (NumPy keeps the last value): there 0."""
    part = adjoint[index]
    if not _picks_arrays(index):
        return own(part)
    order = np.arange(part.size).reshape(part.shape)
    writer = np.full(np.shape(adjoint), -1, np.int64)
    writer[index] = order  # NumPy's own rule decides which write of each element is kept
    return np.where(writer[index] == order, part, 0).astype(part.dtype)


def _has_array(index) -> bool:
    return isinstance(index, types.BaseTuple) and any(
        isinstance(item, types.Array) for item in index)


@overload(add_at)
def _add_at(adjoint, index, g):
    if not _has_array(index):
        def basic(adjoint, index, g):
            adjoint[index] += g

        return basic

    def impl(adjoint, index, g):
        # where each picked element lies in the adjoint, flat (the adjoint is an array of the
        # gradient's own, C-contiguous)
        positions = np.arange(adjoint.size).reshape(adjoint.shape)[index]
        values = np.ascontiguousarray(np.broadcast_to(g, positions.shape)).ravel()
        flat, picked = adjoint.reshape(adjoint.size), positions.ravel()
        for k in range(picked.size):
            flat[picked[k]] += values[k]

    return impl


@overload(written_part)
def _written_part(adjoint, index):
    if not _has_array(index):
        return lambda adjoint, index: own(adjoint[index])

    def impl(adjoint, index):
        part = adjoint[index].copy()
        order = np.arange(part.size).reshape(part.shape)
        writer = np.full(adjoint.shape, -1, np.int64)
        writer[index] = order
        kept, values = writer[index].ravel(), part.reshape(part.size)
        for k in range(values.size):
            if kept[k] != k:
                values[k] = 0
        return part

    return impl
