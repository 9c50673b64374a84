"""Adjoints of products and reshapes: dot and matmul, outer, trace, reshape, transpose;
np.trace of stacks of matrices, which numba lacks.

The adjoint of `a @ b` depends on whether each operand is a scalar, a vector or a matrix; the
generated code calls one helper per operand and the numba version picks the formula when it
compiles, from the operand types.
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.core.errors import TypingError
from numba.extending import overload, register_jitable
from numba.np.numpy_support import as_dtype
from numba.np.unsafe.ndarray import to_fixed_tuple

from .. import shapes
from .adjoints import _SCALAR
from .facts import helper


def _rank(t) -> int:
    return t.ndim if isinstance(t, types.Array) else 0


def dtype_of(g, a):
    """`g` with the dtype of the array `a` (numba's np.dot needs equal dtypes; an adjoint has
    its operand's dtype)."""
    return g


@overload(dtype_of)
def _dtype_of(g, a):
    if isinstance(g, types.Array) and isinstance(a, types.Array) and g.dtype != a.dtype:
        dtype = as_dtype(a.dtype)
        return lambda g, a: g.astype(dtype)
    return lambda g, a: g


def promoted_matmul(a, b):
    """`a @ b`. In numba, operands of two float dtypes are first promoted to one, as NumPy
    does (numba's `@` refuses them; they meet after a float32 array meets a float literal)."""
    return np.matmul(a, b)


def promoted_dot(a, b):
    """`np.dot(a, b)`, with NumPy's promotion of two float dtypes also in numba."""
    return np.dot(a, b)


def _promotion(a, b):
    """The dtype both operands are cast to, or None when numba can multiply them as they are."""
    if not (isinstance(a, types.Array) and isinstance(b, types.Array)) or a.dtype == b.dtype:
        return None
    return np.promote_types(as_dtype(a.dtype), as_dtype(b.dtype))


@overload(promoted_matmul)
def _promoted_matmul(a, b):
    common = _promotion(a, b)
    if common is None:
        return lambda a, b: a @ b
    return lambda a, b: a.astype(common) @ b.astype(common)


@overload(promoted_dot)
def _promoted_dot(a, b):
    common = _promotion(a, b)
    if common is None:
        return lambda a, b: np.dot(a, b)
    return lambda a, b: np.dot(a.astype(common), b.astype(common))


@helper(allocates=True, loop="product_adjoint_a", shape=shapes.of_second)
def matmul_adjoint_a(g, a, b):
    """The adjoint of `a` in `np.dot(a, b)` or `a @ b`, given the result's adjoint `g`."""
    ranks = (np.ndim(a), np.ndim(b))
    if ranks[0] == 0:
        return np.sum(g * b)
    if ranks[1] == 0 or ranks == (1, 1):
        return g * b
    if ranks == (2, 1):
        return np.outer(g, b)
    if ranks == (1, 2):
        return b @ g
    if ranks == (2, 2):
        return g @ b.T
    raise ValueError(_rank_message(ranks))


@helper(allocates=True, loop="product_adjoint_b", shape=shapes.of_third)
def matmul_adjoint_b(g, a, b):
    """The adjoint of `b` in `np.dot(a, b)` or `a @ b`, given the result's adjoint `g`."""
    ranks = (np.ndim(a), np.ndim(b))
    if ranks[1] == 0:
        return np.sum(g * a)
    if ranks[0] == 0 or ranks == (1, 1):
        return g * a
    if ranks == (2, 1):
        return a.T @ g
    if ranks == (1, 2):
        return np.outer(a, g)
    if ranks == (2, 2):
        return a.T @ g
    raise ValueError(_rank_message(ranks))


def _rank_message(ranks) -> str:
    return f"astgrad differentiates products of arrays of up to 2 dimensions, not {ranks}"


@overload(matmul_adjoint_a)
def _matmul_adjoint_a(g, a, b):
    ranks = (_rank(a), _rank(b))
    if ranks[0] == 0:
        return lambda g, a, b: np.sum(g * b)
    if ranks[1] == 0 or ranks == (1, 1):
        return lambda g, a, b: g * b
    if ranks == (2, 1):
        return lambda g, a, b: outer_product(dtype_of(g, a), dtype_of(b, a))
    if ranks == (1, 2):
        return lambda g, a, b: np.dot(dtype_of(b, a), dtype_of(g, a))
    if ranks == (2, 2):
        return lambda g, a, b: np.dot(dtype_of(g, a), dtype_of(b, a).T)
    raise TypingError(_rank_message(ranks))


@overload(matmul_adjoint_b)
def _matmul_adjoint_b(g, a, b):
    ranks = (_rank(a), _rank(b))
    if ranks[1] == 0:
        return lambda g, a, b: np.sum(g * a)
    if ranks[0] == 0 or ranks == (1, 1):
        return lambda g, a, b: g * a
    if ranks == (2, 1):
        return lambda g, a, b: np.dot(dtype_of(a, b).T, dtype_of(g, b))
    if ranks == (1, 2):
        return lambda g, a, b: outer_product(dtype_of(a, b), dtype_of(g, b))
    if ranks == (2, 2):
        return lambda g, a, b: np.dot(dtype_of(a, b).T, dtype_of(g, b))
    raise TypingError(_rank_message(ranks))


@register_jitable
def outer_product(u, v):
    """`np.outer` of two vectors, as a loop: numba compiles numba's `np.outer` (a broadcast
    multiply) in about a second, this in a tenth of that, and it runs as fast."""
    out = np.empty((u.shape[0], v.shape[0]), u.dtype)  # the callers give both one dtype
    for i in range(u.shape[0]):
        for j in range(v.shape[0]):
            out[i, j] = u[i] * v[j]
    return out


@helper(allocates=True)
def outer_adjoint_a(g, a, b):
    """The adjoint of `a` in `np.outer(a, b)` (which flattens its operands)."""
    return (g @ np.ravel(b)).reshape(np.shape(a))


@helper(allocates=True)
def outer_adjoint_b(g, a, b):
    """The adjoint of `b` in `np.outer(a, b)`."""
    return (np.ravel(a) @ g).reshape(np.shape(b))


@overload(outer_adjoint_a)
def _outer_adjoint_a(g, a, b):
    return lambda g, a, b: np.dot(dtype_of(g, a), b.ravel()).reshape(a.shape)


@overload(outer_adjoint_b)
def _outer_adjoint_b(g, a, b):
    return lambda g, a, b: np.dot(a.ravel(), dtype_of(g, b)).reshape(b.shape)


@helper(allocates=True, shape=shapes.trace)
def trace(a):
    """np.trace(a): the diagonal of `a`'s first two axes summed (numba's np.trace takes
    matrices only)."""
    return np.trace(a)


@overload(trace)
def _trace(a):
    if _rank(a) == 2:
        return lambda a: np.trace(a)
    dtype = as_dtype(a.dtype)

    def impl(a):
        out = np.zeros(a.shape[2:], dtype)
        for i in range(min(a.shape[0], a.shape[1])):
            out += a[i, i]
        return out

    return impl


@helper(allocates=True)
def trace_adjoint(g, a):
    """The adjoint of `a` in `np.trace(a)`: `g` on the diagonal of the first two axes, zeros
    elsewhere."""
    out = np.zeros(np.shape(a), np.result_type(g, a, np.float32))
    for i in range(min(np.shape(a)[:2])):
        out[i, i] = g
    return out


@overload(trace_adjoint)
def _trace_adjoint(g, a):
    dtype = as_dtype(a.dtype) if isinstance(a.dtype, types.Float) else np.float64

    def impl(g, a):
        out = np.zeros(a.shape, dtype)
        for i in range(min(a.shape[0], a.shape[1])):
            out[i, i] = g
        return out

    return impl


def reshape_like(g, a):
    """The adjoint `g` of a reshape of `a`, given `a`'s shape back."""
    return np.reshape(g, np.shape(a))


@overload(reshape_like)
def _reshape_like(g, a):
    if isinstance(a, _SCALAR):
        return lambda g, a: np.sum(g)
    return lambda g, a: np.ascontiguousarray(g).reshape(a.shape)


@helper(allocates=True)
def astype_adjoint(g, a, dtype):
    """The adjoint of `a` in `a.astype(dtype)`: `g` for a cast to floats, zero to integers."""
    if np.dtype(dtype).kind == "f":
        return np.asarray(g).astype(np.asarray(a).dtype if np.asarray(a).dtype.kind == "f"
                                    else np.float64)
    return np.zeros(np.shape(a))


@overload(astype_adjoint)
def _astype_adjoint(g, a, dtype):
    target = dtype.dtype if isinstance(dtype, types.DTypeSpec) else getattr(dtype, "key", dtype)
    if isinstance(target, types.Float):
        kind = as_dtype(a.dtype) if isinstance(a.dtype, types.Float) else np.float64
        return lambda g, a, dtype: g.astype(kind)
    return lambda g, a, dtype: np.zeros(a.shape)


def transpose_adjoint(g, axes=None):
    """The adjoint `g` of `np.transpose(a, axes)`: the inverse permutation applied to `g`."""
    if axes is None or len(axes) == 0:
        return np.transpose(g)
    if len(axes) == 1 and isinstance(axes[0], tuple):  # x.transpose((1, 0)) as a method
        axes = axes[0]
    return np.transpose(g, np.argsort(axes))


@overload(transpose_adjoint)
def _transpose_adjoint(g, axes=None):
    if axes is None or isinstance(axes, (types.NoneType, types.Omitted)) or (
            isinstance(axes, types.BaseTuple) and len(axes) == 0):
        return lambda g, axes=None: np.transpose(g)
    if isinstance(axes, types.BaseTuple) and len(axes) == 1 \
            and isinstance(axes[0], types.BaseTuple):
        return lambda g, axes=None: _inverse_transpose(g, axes[0])
    return lambda g, axes=None: _inverse_transpose(g, axes)


def _inverse_transpose(g, axes):
    return np.transpose(g, np.argsort(axes))


@overload(_inverse_transpose)
def _inverse_transpose_numba(g, axes):
    ndim = g.ndim

    def impl(g, axes):
        inverse = np.empty(ndim, np.int64)
        for position in range(ndim):
            inverse[axes[position] % ndim] = position
        return np.transpose(g, to_fixed_tuple(inverse, ndim))

    return impl
