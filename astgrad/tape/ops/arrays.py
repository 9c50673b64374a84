"""Array primitives: shapes, indexing, selection, joining, copies and casts; flips, moved
axes and the triangles of matrices.

Writing into a tensor (`x[i] = v`) is `setitem`: a new array with the element replaced, whose
gradient flows to the old array (except at `i`) and to `v`. The tensor then holds the new
array; the old one, which earlier operations may have saved, is never changed.
"""

import numpy as np

from . import primitive


@primitive("ViewBackward0")
def reshape(x, shape):
    return np.reshape(x, shape), lambda g: (np.reshape(g, np.shape(x)),)


@primitive("PermuteBackward0")
def transpose(x, axes=None):
    order = tuple(reversed(range(np.ndim(x)))) if axes is None else tuple(axes)
    return np.transpose(x, order), lambda g: (np.transpose(g, np.argsort(order)),)


@primitive("ExpandBackward0")
def broadcast_to(x, shape):
    return np.broadcast_to(x, shape), lambda g: (g,)  # the tape sums g back to x's shape


def _is_basic(index) -> bool:
    """Whether an index selects without arrays, so that no element is picked twice."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(part is None or part is Ellipsis or isinstance(part, (int, np.integer, slice))
               for part in parts)


@primitive("IndexBackward0")
def getitem(x, index):
    def vjp(g):
        dx = np.zeros(np.shape(x), dtype=np.result_type(g))
        if _is_basic(index):
            dx[index] += g
        else:
            np.add.at(dx, index, g)  # an element picked twice gets both gradients
        return (dx,)

    return np.asarray(x)[index], vjp


@primitive("CopySlices")
def setitem(x, value, index):
    out = np.array(x, copy=True)
    out[index] = value

    def vjp(g):
        dx = np.array(g, copy=True)
        dx[index] = 0
        dvalue = g[index]
        if not _is_basic(index):  # an element written twice keeps the last value written
            numbered = np.arange(np.size(dvalue)).reshape(np.shape(dvalue))
            last = np.full(np.shape(x), -1)
            last[index] = numbered  # NumPy itself decides which write of each element stays
            dvalue = np.where(last[index] == numbered, dvalue, 0.0)
        return dx, dvalue

    return out, vjp


@primitive("WhereBackward0")
def where(condition, x, y):
    def vjp(g):
        return None, np.where(condition, g, 0.0), np.where(condition, 0.0, g)

    return np.where(condition, x, y), vjp


@primitive("ClampBackward1")
def clip(x, low=None, high=None):
    out = np.clip(x, low, high)

    def vjp(g):
        inside = np.ones(np.shape(out), dtype=bool)
        if low is not None:
            inside &= np.greater_equal(x, low)
        if high is not None:
            inside &= np.less_equal(x, high)
        # when low > high the value is high: PyTorch gives low no gradient then
        crossed = low is not None and high is not None
        below = None if low is None else np.where(
            np.less(x, low) & (np.less(low, high) if crossed else True), g, 0.0)
        above = None if high is None else np.where(
            np.greater(x, high) | (np.less(high, low) if crossed else False), g, 0.0)
        return np.where(inside, g, 0.0), below, above

    return out, vjp


@primitive("CatBackward0")
def concatenate(*arrays, axis=0):
    ends = np.cumsum([np.shape(a)[axis] for a in arrays])[:-1]
    return np.concatenate(arrays, axis=axis), lambda g: tuple(np.split(g, ends, axis=axis))


@primitive("StackBackward0")
def stack(*arrays, axis=0):
    def vjp(g):
        return tuple(np.take(g, i, axis=axis) for i in range(len(arrays)))

    return np.stack(arrays, axis=axis), vjp


@primitive("CloneBackward0")
def copy(x):
    return np.array(x, copy=True), lambda g: (g,)


@primitive("ToCopyBackward0")
def astype(x, dtype):
    return np.asarray(x).astype(dtype), lambda g: (g,)  # the tape casts g back to x's dtype


@primitive("FlipBackward0")
def flip(x, axis=None):
    return np.flip(x, axis), lambda g: (np.flip(g, axis),)


@primitive("MovedimBackward0")
def moveaxis(x, source, destination):
    return np.moveaxis(x, source, destination), lambda g: (np.moveaxis(g, destination, source),)


def _triangle(name, part):
    @primitive(name)
    def triangle(x, k=0):
        return part(x, k), lambda g: (part(g, k),)  # the kept part's gradient, 0 elsewhere

    return triangle


tril = _triangle("TrilBackward0", np.tril)
triu = _triangle("TriuBackward0", np.triu)
