"""The NumPy functions the tape records, reached through NumPy's own dispatch.

NumPy hands a call with a tensor among its arguments to `Tensor.__array_ufunc__` (NEP 13, for
ufuncs such as `np.exp`) or `Tensor.__array_function__` (NEP 18, for functions such as
`np.sum`). Those look the function up in the two tables filled here: so the transformer's test
corpus, plain NumPy functions, runs on tensors unchanged. A NumPy function missing from the
tables still runs when no gradient is asked of it; with one, it is an error that names it.
"""

import numpy as np
import scipy.special

from ..errors import TapeError
from . import functions
from .ops import arrays, elementwise, linalg, reductions, special
from .tensor import FUNCTIONS, UFUNCS, Tensor, apply, unwrap

UFUNCS.update({
    np.add: elementwise.add, np.subtract: elementwise.subtract,
    np.multiply: elementwise.multiply, np.divide: elementwise.divide,
    np.power: elementwise.power, np.negative: elementwise.negative,
    np.positive: elementwise.positive, np.absolute: elementwise.absolute,
    np.fabs: elementwise.absolute, np.remainder: elementwise.remainder,
    np.floor_divide: elementwise.floor_divide, np.maximum: elementwise.maximum,
    np.minimum: elementwise.minimum, np.exp: elementwise.exp, np.exp2: elementwise.exp2,
    np.expm1: elementwise.expm1, np.log: elementwise.log, np.log2: elementwise.log2,
    np.log10: elementwise.log10, np.log1p: elementwise.log1p, np.sqrt: elementwise.sqrt,
    np.square: elementwise.square, np.reciprocal: elementwise.reciprocal,
    np.sin: elementwise.sin, np.cos: elementwise.cos, np.tan: elementwise.tan,
    np.arcsin: elementwise.arcsin, np.arccos: elementwise.arccos,
    np.arctan: elementwise.arctan, np.arctan2: elementwise.arctan2,
    np.hypot: elementwise.hypot, np.sinh: elementwise.sinh, np.cosh: elementwise.cosh,
    np.tanh: elementwise.tanh, np.sign: elementwise.sign, np.floor: elementwise.floor,
    np.ceil: elementwise.ceil, np.rint: elementwise.rint, np.trunc: elementwise.trunc,
    np.matmul: linalg.matmul, np.logaddexp: elementwise.logaddexp,
    np.logaddexp2: elementwise.logaddexp2, np.cbrt: elementwise.cbrt,
    np.float_power: elementwise.float_power, np.arcsinh: elementwise.arcsinh,
    np.arccosh: elementwise.arccosh, np.arctanh: elementwise.arctanh,
    np.deg2rad: elementwise.deg2rad, np.radians: elementwise.deg2rad,
    np.rad2deg: elementwise.rad2deg, np.degrees: elementwise.rad2deg,
    np.fmax: elementwise.fmax, np.fmin: elementwise.fmin, np.copysign: elementwise.copysign,
    np.conjugate: elementwise.conjugate, np.heaviside: elementwise.heaviside,
    # SciPy's special functions that are ufuncs (logsumexp, softmax are not: no dispatch)
    scipy.special.erf: special.erf, scipy.special.erfc: special.erfc,
    scipy.special.gammaln: special.lgamma, scipy.special.digamma: special.digamma,
    scipy.special.expit: elementwise.sigmoid, scipy.special.logit: special.logit,
    scipy.special.xlogy: special.xlogy, scipy.special.xlog1py: special.xlog1py,
})


def implements(*functions):
    """Register the decorated function as the tensors' version of NumPy's `functions`."""
    def register(implementation):
        for function in functions:
            FUNCTIONS[function] = implementation
        return implementation

    return register


def _refuse_out(out, name: str) -> None:
    if out is not None:
        raise TapeError(f"np.{name}(..., out=) cannot write into a tensor",
                        "assign the result instead: x = ...")


@implements(np.sum)
def _sum(a, axis=None, dtype=None, out=None, keepdims=False, **unsupported):
    _refuse_out(out, "sum")
    return Tensor.sum(a, axis=axis, keepdims=keepdims, dtype=dtype)


@implements(np.mean)
def _mean(a, axis=None, dtype=None, out=None, keepdims=False, **unsupported):
    _refuse_out(out, "mean")
    return Tensor.mean(a, axis=axis, keepdims=keepdims, dtype=dtype)


@implements(np.max, np.amax)
def _max(a, axis=None, out=None, keepdims=False, **unsupported):
    _refuse_out(out, "max")
    return Tensor.amax(a, axis=axis, keepdims=keepdims)


@implements(np.min, np.amin)
def _min(a, axis=None, out=None, keepdims=False, **unsupported):
    _refuse_out(out, "min")
    return Tensor.amin(a, axis=axis, keepdims=keepdims)


@implements(np.prod)
def _prod(a, axis=None, dtype=None, out=None, keepdims=False, **unsupported):
    _refuse_out(out, "prod")
    return Tensor.prod(a, axis=axis, keepdims=keepdims, dtype=dtype)


@implements(np.var)
def _var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **unsupported):
    _refuse_out(out, "var")
    return Tensor.var(a, axis=axis, ddof=ddof, keepdims=keepdims)


@implements(np.std)
def _std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **unsupported):
    _refuse_out(out, "std")
    return Tensor.std(a, axis=axis, ddof=ddof, keepdims=keepdims)


@implements(np.ptp)
def _ptp(a, axis=None, out=None, keepdims=False):
    _refuse_out(out, "ptp")
    return Tensor.amax(a, axis=axis, keepdims=keepdims) - Tensor.amin(a, axis=axis,
                                                                       keepdims=keepdims)


@implements(np.average)
def _average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    if returned:
        raise TapeError("np.average(tensor, returned=True) is not supported",
                        "take the sum of the weights apart: np.sum(weights)")
    if weights is None:
        return np.mean(a, axis=axis, keepdims=keepdims)
    if np.ndim(weights) != np.ndim(a):  # 1-D weights along the axis
        shape = [1] * np.ndim(a)
        shape[axis] = -1
        weights = np.reshape(weights, shape)
    total = np.sum(a * weights, axis=axis, keepdims=keepdims)
    return total / np.sum(weights * np.ones_like(a), axis=axis, keepdims=keepdims)


@implements(np.nansum)
def _nansum(a, axis=None, dtype=None, out=None, keepdims=False, **unsupported):
    _refuse_out(out, "nansum")
    return apply(reductions.nansum, a, axis=axis, keepdims=keepdims)


@implements(np.nanmean)
def _nanmean(a, axis=None, dtype=None, out=None, keepdims=False, **unsupported):
    _refuse_out(out, "nanmean")
    return apply(reductions.nanmean, a, axis=axis, keepdims=keepdims)


@implements(np.cumprod)
def _cumprod(a, axis=None, dtype=None, out=None):
    _refuse_out(out, "cumprod")
    return Tensor.cumprod(a, axis=axis)


@implements(np.diff)
def _diff(a, n=1, axis=-1, prepend=None, append=None):
    if prepend is not None or append is not None:
        raise TapeError("np.diff(tensor, prepend=, append=) is not supported",
                        "concatenate the values first")
    return apply(reductions.diff, a, n=n, axis=axis)


@implements(np.cumsum)
def _cumsum(a, axis=None, dtype=None, out=None):
    _refuse_out(out, "cumsum")
    return Tensor.cumsum(a, axis)


@implements(np.sinc)
def _sinc(x):
    return apply(elementwise.sinc, x)


@implements(np.nan_to_num)
def _nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    if not copy:
        raise TapeError("np.nan_to_num(tensor, copy=False) cannot write into a tensor",
                        "assign the result instead: x = np.nan_to_num(x)")
    return apply(elementwise.nan_to_num, x, nan=nan, posinf=posinf, neginf=neginf)


@implements(np.real)
def _real(val):
    return Tensor.real.fget(val)


@implements(np.imag)
def _imag(val):
    return Tensor.imag.fget(val)


@implements(np.dot)
def _dot(a, b, out=None):
    _refuse_out(out, "dot")
    return apply(linalg.dot, a, b)


@implements(np.outer)
def _outer(a, b, out=None):
    _refuse_out(out, "outer")
    return apply(linalg.outer, a, b)


@implements(np.einsum)
def _einsum(subscripts, *operands, out=None, optimize=False):
    _refuse_out(out, "einsum")
    return functions.einsum(subscripts, *operands)


@implements(np.inner)
def _inner(a, b):
    """The last axes summed: the rows of a and of b, flattened, multiplied as matrices."""
    left, right = np.shape(unwrap(a)), np.shape(unwrap(b))
    if not left or not right:
        return apply(elementwise.multiply, a, b)
    rows = _reshaped(a, (-1, left[-1]))
    columns = apply(arrays.transpose, _reshaped(b, (-1, right[-1])))
    return _reshaped(apply(linalg.matmul, rows, columns), left[:-1] + right[:-1])


@implements(np.tensordot)
def _tensordot(a, b, axes=2):
    """a's last `axes` axes summed with b's first, as a product of matrices."""
    left, right = np.shape(unwrap(a)), np.shape(unwrap(b))
    if not isinstance(axes, int):
        raise TapeError("np.tensordot with pairs of axes is not supported",
                        "transpose the operands so that the summed axes come last in a and "
                        "first in b, and pass their number")
    kept_a, kept_b = left[:len(left) - axes], right[axes:]
    summed = int(np.prod(right[:axes]))
    product = apply(linalg.matmul, _reshaped(a, (int(np.prod(kept_a)), summed)),
                    _reshaped(b, (summed, int(np.prod(kept_b)))))
    return _reshaped(product, kept_a + kept_b)


@implements(np.trace)
def _trace(a):
    return apply(linalg.trace, a)


@implements(np.transpose)
def _transpose(a, axes=None):
    return apply(arrays.transpose, a, axes=axes)


@implements(np.swapaxes)
def _swapaxes(a, axis1, axis2):
    return Tensor.transpose(a, axis1, axis2)


@implements(np.reshape)
def _reshape(a, shape, order="C", **unsupported):
    return apply(arrays.reshape, a, shape=shape)


@implements(np.ravel)
def _ravel(a, order="C"):
    return apply(arrays.reshape, a, shape=(-1,))


@implements(np.squeeze)
def _squeeze(a, axis=None):
    return Tensor.squeeze(a, axis)


@implements(np.expand_dims)
def _expand_dims(a, axis):
    return Tensor.unsqueeze(a, axis)


@implements(np.atleast_2d)
def _atleast_2d(*arrays_):
    if len(arrays_) != 1:
        raise TapeError("np.atleast_2d of several tensors is not supported", "one at a time")
    a = arrays_[0]
    return a if np.ndim(a) >= 2 else apply(arrays.reshape, a, shape=(1, -1))


@implements(np.flip)
def _flip(m, axis=None):
    return apply(arrays.flip, m, axis=axis)


@implements(np.flipud)
def _flipud(m):
    return apply(arrays.flip, m, axis=0)


@implements(np.fliplr)
def _fliplr(m):
    return apply(arrays.flip, m, axis=1)


@implements(np.moveaxis)
def _moveaxis(a, source, destination):
    return apply(arrays.moveaxis, a, source=source, destination=destination)


@implements(np.tril)
def _tril(m, k=0):
    return apply(arrays.tril, m, k=k)


@implements(np.triu)
def _triu(m, k=0):
    return apply(arrays.triu, m, k=k)


@implements(np.broadcast_to)
def _broadcast_to(array, shape, subok=False):
    return apply(arrays.broadcast_to, array, shape=shape)


@implements(np.copy)
def _copy(a, order="K", subok=False):
    return apply(arrays.copy, a)


@implements(np.where)
def _where(condition, *values):
    if not values:
        return tuple(Tensor._wrap(i) for i in np.nonzero(np.asarray(condition)))
    return apply(arrays.where, np.asarray(condition), *values)


@implements(np.clip)
def _clip(a, a_min=None, a_max=None, out=None, **unsupported):
    _refuse_out(out, "clip")
    return apply(arrays.clip, a, a_min, a_max)


@implements(np.round, np.around)
def _round(a, decimals=0, out=None):
    _refuse_out(out, "round")
    if decimals != 0:
        raise TapeError("np.round(tensor, decimals) is not supported", "round to integers")
    return apply(elementwise.rint, a)


@implements(np.concatenate)
def _concatenate(arrays_, axis=0, out=None, **unsupported):
    _refuse_out(out, "concatenate")
    if axis is None:  # each flattened first
        return apply(arrays.concatenate, *(_reshaped(a, (-1,)) for a in arrays_), axis=0)
    return apply(arrays.concatenate, *arrays_, axis=axis)


def _reshaped(a, shape):
    return apply(arrays.reshape, a, shape)


def _joined_as(arrays_, promote, axis: int):
    """The arrays reshaped by `promote(shape)` where it adds axes, then concatenated."""
    return apply(arrays.concatenate, *(_reshaped(a, promote(np.shape(unwrap(a))))
                                       for a in arrays_), axis=axis)


@implements(np.vstack)
def _vstack(tup, **unsupported):
    return _joined_as(tup, lambda s: (1, *s) if len(s) == 1 else s, 0)


@implements(np.hstack)
def _hstack(tup, **unsupported):
    return _joined_as(tup, lambda s: s, 0 if np.ndim(unwrap(tup[0])) == 1 else 1)


@implements(np.column_stack)
def _column_stack(tup):
    return _joined_as(tup, lambda s: (*s, 1) if len(s) == 1 else s, 1)


@implements(np.dstack)
def _dstack(tup):
    return _joined_as(tup, lambda s: (1, *s, 1) if len(s) == 1 else (*s, 1) if len(s) == 2
                      else s, 2)


@implements(np.stack)
def _stack(arrays_, axis=0, out=None, **unsupported):
    _refuse_out(out, "stack")
    return apply(arrays.stack, *arrays_, axis=axis)


@implements(np.zeros_like, np.empty_like)
def _zeros_like(a, dtype=None, **unsupported):
    return Tensor._wrap(np.zeros_like(unwrap(a), dtype=dtype))


@implements(np.ones_like)
def _ones_like(a, dtype=None, **unsupported):
    return Tensor._wrap(np.ones_like(unwrap(a), dtype=dtype))


@implements(np.full_like)
def _full_like(a, fill_value, dtype=None, **unsupported):
    """Differentiable in the fill value: the gradient is the sum over the array."""
    dtype = np.dtype(dtype) if dtype is not None else unwrap(a).dtype
    fill = apply(arrays.astype, fill_value, dtype=dtype)
    return apply(arrays.copy, apply(arrays.broadcast_to, fill, shape=np.shape(unwrap(a))))
