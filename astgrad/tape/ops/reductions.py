"""Reductions: sum, mean, max and min over axes; softmax, log-softmax and cumsum along one;
prod, var, std (`ddof`), nansum and nanmean; cumprod and diff (`n`) along one.

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


@primitive("ProdBackward0")
def prod(x, axis=None, keepdims=False):
    """The product over `axis`; the gradient of an element is the product of the others on
    its line, multiplied out (not PyTorch's product / element: exact with zeros, and where
    the product underflows)."""
    y = np.prod(x, axis=axis, keepdims=keepdims)

    def vjp(g):
        lines = np.moveaxis(np.reshape(x, (-1, 1)) if axis is None else x, 0 if axis is None
                            else axis, -1)
        others = np.stack([np.prod(np.delete(lines, j, axis=-1), axis=-1)
                           for j in range(lines.shape[-1])], axis=-1)
        others = np.moveaxis(others, -1, 0 if axis is None else axis)
        return (np.reshape(_kept(g, x, axis, keepdims) * others, np.shape(x)),)

    return y, vjp


def _spread(name, root):
    @primitive(name)
    def spread(x, axis=None, ddof=0, keepdims=False):
        count = int(np.prod([np.shape(x)[a] for a in _axes(x, axis)]))
        y = np.var(x, axis=axis, ddof=ddof, keepdims=keepdims)
        y = np.sqrt(y) if root else y

        def vjp(g):
            slope = 2 * (x - np.mean(x, axis=axis, keepdims=True)) / (count - ddof)
            if root:  # d sqrt(v) = dv / (2 sqrt(v)): NaN for a constant line (PyTorch)
                with np.errstate(divide="ignore", invalid="ignore"):
                    g = g / (2 * y)
            return (_kept(g, x, axis, keepdims) * slope,)

        return y, vjp

    return spread


var = _spread("VarBackward0", root=False)
std = _spread("StdBackward0", root=True)


@primitive("NansumBackward0")
def nansum(x, axis=None, keepdims=False):
    def vjp(g):
        return (_kept(g, x, axis, keepdims) * ~np.isnan(x),)  # (NaN * 0: NaN, as PyTorch)

    return np.nansum(x, axis=axis, keepdims=keepdims), vjp


@primitive("NanmeanBackward0")
def nanmean(x, axis=None, keepdims=False):
    numbers = np.sum(~np.isnan(x), axis=axis, keepdims=True)

    def vjp(g):
        return (_kept(g, x, axis, keepdims) / numbers * ~np.isnan(x),)

    return np.nanmean(x, axis=axis, keepdims=keepdims), vjp


@primitive("CumprodBackward0")
def cumprod(x, axis=None):
    """Running products along `axis` (of all elements in a row, without one); an element's
    gradient is the sum over the products it is in of their gradients times the other
    factors, multiplied out (exact with zeros)."""
    flat = axis is None
    lines = np.moveaxis(np.reshape(x, -1) if flat else x, 0 if flat else axis, -1)
    y = np.cumprod(lines, axis=-1)

    def vjp(g):
        g = np.moveaxis(np.reshape(g, -1) if flat else g, 0 if flat else axis, -1)
        n = lines.shape[-1]
        out = np.zeros(lines.shape, np.result_type(lines, g))
        for i in range(n):
            for j in range(i, n):  # product j holds element i: the others in it
                others = np.prod(np.delete(lines[..., :j + 1], i, axis=-1), axis=-1)
                out[..., i] += g[..., j] * others
        return (np.reshape(np.moveaxis(out, -1, 0 if flat else axis), np.shape(x)),)

    return (np.reshape(y, -1) if flat else np.moveaxis(y, -1, axis)), vjp


@primitive("DiffBackward0")
def diff(x, n=1, axis=-1):
    """The n-th differences along `axis`: a linear map, whose gradient is its transpose."""
    def vjp(g):
        for _ in range(n):
            g = np.moveaxis(g, axis, -1)
            padded = np.concatenate([np.zeros(g.shape[:-1] + (1,)), g], axis=-1) - \
                np.concatenate([g, np.zeros(g.shape[:-1] + (1,))], axis=-1)
            g = np.moveaxis(padded, -1, axis)
        return (g,)

    return np.diff(x, n=n, axis=axis), vjp
