"""Reductions: sum, mean, max and min over axes; softmax, log-softmax and cumsum along one.

The gradient of a reduction is the output gradient spread back over the reduced axes; max and
min share it evenly among tied elements (PyTorch's `amax`), and give it to the NaN elements
when the result is NaN (PyTorch's `max()`; its `amax` gives NaN to every element then).
"""

import numpy as np

from . import primitive


def _axes(x, axis) -> tuple:
    if axis is None:
        return tuple(range(np.ndim(x)))
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return tuple(a % np.ndim(x) for a in axes)


def _kept(g, x, axis, keepdims):
    """The output gradient with the reduced axes restored as size 1."""
    return g if keepdims else np.expand_dims(g, _axes(x, axis))


@primitive("SumBackward0")
def sum(x, axis=None, keepdims=False):  # noqa: A001 (NumPy's name)
    def vjp(g):
        return (np.broadcast_to(_kept(g, x, axis, keepdims), np.shape(x)),)

    return np.sum(x, axis=axis, keepdims=keepdims), vjp


@primitive("MeanBackward0")
def mean(x, axis=None, keepdims=False):
    count = int(np.prod([np.shape(x)[a] for a in _axes(x, axis)]))

    def vjp(g):
        return (np.broadcast_to(_kept(g, x, axis, keepdims) / count, np.shape(x)),)

    return np.mean(x, axis=axis, keepdims=keepdims), vjp


def _extremum(name, reduce):
    @primitive(name)
    def extremum(x, axis=None, keepdims=False):
        y = reduce(x, axis=axis, keepdims=keepdims)

        def vjp(g):
            # a NaN attains a NaN result, as in PyTorch's max() (its amax gives NaN to all)
            kept = _kept(y, x, axis, keepdims)
            hits = np.equal(x, kept) | (np.isnan(x) & np.isnan(kept))
            share = _kept(g, x, axis, keepdims) / np.sum(hits, axis=_axes(x, axis), keepdims=True)
            return (np.where(hits, share, 0.0),)

        return y, vjp

    return extremum


amax = _extremum("AmaxBackward0", np.max)
amin = _extremum("AminBackward0", np.min)


@primitive("SoftmaxBackward0")
def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    y = e / np.sum(e, axis=axis, keepdims=True)
    return y, lambda g: (y * (g - np.sum(g * y, axis=axis, keepdims=True)),)


@primitive("LogSoftmaxBackward0")
def log_softmax(x, axis=-1):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    y = shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    return y, lambda g: (g - np.exp(y) * np.sum(g, axis=axis, keepdims=True),)


@primitive("CumsumBackward0")
def cumsum(x, axis=None):
    """Running sums along `axis` (of all elements in a row, without one); the gradient of an
    element is the output gradient summed from its place to the end."""
    def vjp(g):
        if axis is None:
            return (np.flip(np.cumsum(np.flip(np.ravel(g)))).reshape(np.shape(x)),)
        return (np.flip(np.cumsum(np.flip(g, axis), axis), axis),)

    return np.cumsum(x, axis=axis), vjp
