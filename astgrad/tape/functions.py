"""Making tensors, and PyTorch's functions on them: `tensor`, `zeros`, `randn`, `exp`, `cat`...

The random functions draw from one NumPy generator, seeded with 0 when astgrad is imported (so
runs repeat, as PyTorch's do) and reseeded by `manual_seed`.
"""

import numpy as np

from ..errors import TapeError
from ..subscripts import parse
from .ops import arrays, elementwise, linalg, reductions
from .tensor import Tensor, apply, unwrap

float16, float32, float64 = np.float16, np.float32, np.float64
int32, int64, bool_ = np.int32, np.int64, np.bool_
DEFAULT_FLOAT = np.dtype(np.float32)  # PyTorch's default dtype for Python floats

_generator = np.random.default_rng(0)

__all__ = [
    "abs", "acos", "add", "amax", "amin", "arange", "argmax", "argmin", "asin", "atan", "atan2",
    "bool_", "cat", "ceil", "clamp", "clip", "cos", "cosh", "default_generator", "digamma", "div",
    "dot", "einsum", "erf", "erfc", "exp", "expm1", "eye", "flatten", "float16", "float32",
    "float64", "floor", "from_numpy", "full", "hypot", "int32", "int64", "lgamma", "linspace",
    "log", "log1p", "log_softmax", "logit", "logsumexp", "manual_seed", "matmul", "max", "maximum",
    "mean", "min", "minimum", "mm", "mul", "ones", "ones_like", "outer", "permute", "pow", "rand",
    "randn", "relu", "reshape", "round", "sigmoid", "sign", "sin", "sinh", "softmax", "sqrt",
    "square", "squeeze", "stack", "sub", "sum", "t", "tan", "tanh", "tensor", "trace", "transpose",
    "unsqueeze", "where", "xlogy", "zeros", "zeros_like",
]


def tensor(data, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor holding a copy of `data`: Python floats become float32, as in PyTorch.

    >>> x = tensor(2.0, requires_grad=True)
    >>> w = tensor(np.ones(3), dtype=float64)
    """
    numpy_data = isinstance(data, (np.ndarray, np.generic, Tensor))
    value = np.array(unwrap(data), dtype=dtype, copy=True)
    if dtype is None and not numpy_data and value.dtype == np.float64:
        value = value.astype(DEFAULT_FLOAT)
    if value.dtype == object:
        raise TapeError("tensor() needs numbers or nested lists of numbers of one shape")
    return Tensor(value, requires_grad=requires_grad)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor over `array` itself, keeping its dtype (not a copy)."""
    return Tensor(np.asarray(array))


def _shape(size) -> tuple:
    return tuple(size[0]) if len(size) == 1 and not isinstance(size[0], int) else tuple(size)


def zeros(*size, dtype=DEFAULT_FLOAT, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros: `zeros(2, 3)` or `zeros((2, 3))`."""
    return Tensor(np.zeros(_shape(size), dtype=dtype), requires_grad=requires_grad)


def ones(*size, dtype=DEFAULT_FLOAT, requires_grad: bool = False) -> Tensor:
    """A tensor of ones: `ones(2, 3)` or `ones((2, 3))`."""
    return Tensor(np.ones(_shape(size), dtype=dtype), requires_grad=requires_grad)


def full(size, fill_value, dtype=None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.full(size, fill_value, dtype=dtype or DEFAULT_FLOAT),
                  requires_grad=requires_grad)


def zeros_like(x, dtype=None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.zeros_like(unwrap(x), dtype=dtype), requires_grad=requires_grad)


def ones_like(x, dtype=None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.ones_like(unwrap(x), dtype=dtype), requires_grad=requires_grad)


def arange(start, end=None, step=1, dtype=None) -> Tensor:
    """`arange(5)` or `arange(0.0, 1.0, 0.1)`: integers stay int64, floats become float32."""
    value = np.arange(start, end, step) if end is not None else np.arange(start)
    if dtype is None and value.dtype == np.float64:
        value = value.astype(DEFAULT_FLOAT)
    return Tensor(value if dtype is None else value.astype(dtype))


def linspace(start, end, steps: int, dtype=DEFAULT_FLOAT) -> Tensor:
    return Tensor(np.linspace(start, end, steps, dtype=dtype))


def eye(n: int, m: int | None = None, dtype=DEFAULT_FLOAT) -> Tensor:
    return Tensor(np.eye(n, m, dtype=dtype))


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the generator behind rand, randn and the layers' initial weights."""
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def default_generator() -> np.random.Generator:
    return _generator


def rand(*size, generator=None, dtype=DEFAULT_FLOAT, requires_grad: bool = False) -> Tensor:
    """Uniform on [0, 1): `rand(2, 3)`."""
    value = (generator or _generator).random(_shape(size)).astype(dtype)
    return Tensor(value, requires_grad=requires_grad)


def randn(*size, generator=None, dtype=DEFAULT_FLOAT, requires_grad: bool = False) -> Tensor:
    """Standard normal: `randn(2, 3)`."""
    value = (generator or _generator).standard_normal(_shape(size)).astype(dtype)
    return Tensor(value, requires_grad=requires_grad)


# -- PyTorch's functions: the Tensor methods, called as functions ------------------------------

exp, log, log1p, expm1, sqrt, square = (Tensor.exp, Tensor.log, Tensor.log1p, Tensor.expm1,
                                        Tensor.sqrt, Tensor.square)
sin, cos, tan, tanh, sinh, cosh = (Tensor.sin, Tensor.cos, Tensor.tan, Tensor.tanh,
                                   Tensor.sinh, Tensor.cosh)
asin, acos, atan = Tensor.asin, Tensor.acos, Tensor.atan
abs, sign, floor, ceil, round = (Tensor.abs, Tensor.sign, Tensor.floor,  # noqa: A001
                                 Tensor.ceil, Tensor.round)
sigmoid, relu, softmax, log_softmax = (Tensor.sigmoid, Tensor.relu, Tensor.softmax,
                                       Tensor.log_softmax)
sum, mean, max, min, amax, amin = (Tensor.sum, Tensor.mean, Tensor.max,  # noqa: A001
                                   Tensor.min, Tensor.amax, Tensor.amin)
argmax, argmin, trace = Tensor.argmax, Tensor.argmin, Tensor.trace
erf, erfc, lgamma, digamma, logit, xlogy, logsumexp = (
    Tensor.erf, Tensor.erfc, Tensor.lgamma, Tensor.digamma, Tensor.logit, Tensor.xlogy,
    Tensor.logsumexp)
reshape, flatten, squeeze, unsqueeze = (Tensor.reshape, Tensor.flatten, Tensor.squeeze,
                                        Tensor.unsqueeze)
transpose, permute, t, clamp, clip = (Tensor.transpose, Tensor.permute, Tensor.t,
                                      Tensor.clamp, Tensor.clamp)
add, sub, mul, div, pow = (Tensor.__add__, Tensor.__sub__, Tensor.__mul__,  # noqa: A001
                           Tensor.__truediv__, Tensor.__pow__)
matmul, mm, dot, maximum, minimum = (Tensor.matmul, Tensor.mm, Tensor.dot, Tensor.maximum,
                                     Tensor.minimum)


def atan2(y, x) -> Tensor:
    """The angle of the point (x, y), elementwise."""
    return apply(elementwise.arctan2, y, x)


def hypot(x, y) -> Tensor:
    """sqrt(x ** 2 + y ** 2), elementwise."""
    return apply(elementwise.hypot, x, y)


def outer(a, b) -> Tensor:
    return apply(linalg.outer, a, b)


def where(condition, x, y) -> Tensor:
    """`x` where `condition` holds, else `y`; the gradient goes to the one chosen."""
    return apply(arrays.where, np.asarray(unwrap(condition)), x, y)


def cat(tensors, dim: int = 0) -> Tensor:
    """Join tensors along an existing dimension."""
    return apply(arrays.concatenate, *tensors, axis=dim)


def stack(tensors, dim: int = 0) -> Tensor:
    """Join tensors along a new dimension."""
    return apply(arrays.stack, *tensors, axis=dim)


def einsum(equation: str, *operands) -> Tensor:
    """`einsum("ij,jk->ik", a, b)` (or the operands in a list): recorded as what it is made of,
    so that its gradient comes from other primitives' (the transformer's einsum helpers are
    checked against it). Each operand's diagonal is taken by indexing with integer arrays,
    its axes put in one order of all letters (a missing letter an axis of size 1), the
    operands multiplied with broadcasting, the letters not in the output summed away."""
    if len(operands) == 1 and isinstance(operands[0], list | tuple):
        operands = tuple(operands[0])
    terms, output = parse(equation, tuple(np.ndim(unwrap(op)) for op in operands))
    letters = "".join(dict.fromkeys("".join(terms) + output))
    product = None
    for term, operand in zip(terms, operands):
        unique = "".join(dict.fromkeys(term))
        if unique != term:  # a diagonal: index every axis of a letter by the same range
            sizes = dict(zip(term, np.shape(unwrap(operand))))
            ranges = {c: np.arange(sizes[c]).reshape([-1 if u == c else 1 for u in unique])
                      for c in unique}
            operand = apply(arrays.getitem, operand, index=tuple(ranges[c] for c in term))
        order = sorted(range(len(unique)), key=lambda i: letters.index(unique[i]))
        aligned = apply(arrays.transpose, operand, axes=tuple(order))
        shape = [np.shape(unwrap(operand))[unique.index(c)] if c in unique else 1
                 for c in letters]
        aligned = apply(arrays.reshape, aligned, tuple(shape))
        product = aligned if product is None else apply(elementwise.multiply, product, aligned)
    summed = tuple(i for i, c in enumerate(letters) if c not in output)
    total = apply(reductions.sum, product, axis=summed) if summed else product
    kept = [c for c in letters if c in output]
    return apply(arrays.transpose, total, axes=tuple(kept.index(c) for c in output))
