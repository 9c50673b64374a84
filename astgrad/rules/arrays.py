"""Rules for array operations: reductions, products, shape changes, indexing, array creation.

Each adjoint has the shape of its operand by construction (these rules do not broadcast), so
most are one call to a runtime helper that knows the formula for each operand rank.
"""

import operator

import numpy as np

from ..ir import Attribute, Method
from ..runtime import (
    astype_adjoint,
    check_progress,
    extremum_adjoint,
    loop_bound,
    matmul_adjoint_a,
    matmul_adjoint_b,
    not_shared,
    outer_adjoint_a,
    outer_adjoint_b,
    promoted_dot,
    promoted_matmul,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_sum,
    reshape_like,
    size,
    stop_gradient,
    trace_adjoint,
    transpose_adjoint,
    trip_count,
    unbroadcast,
    unreduce,
)
from .registry import d, rule, zero_derivative


@rule(np.sum, Method("sum"), forward=reduce_sum)
def sum_(ans, a, axis=None, keepdims=False):
    d[a] = unreduce(d[ans], a, axis, keepdims)


@rule(np.mean, Method("mean"), forward=reduce_mean)
def mean(ans, a, axis=None, keepdims=False):
    # times the count, then divided: an int keeps a float32 array float32 in numba, a ratio
    # of ints (a float64 number) would not
    d[a] = unreduce(d[ans], a, axis, keepdims) * size(ans) / size(a)


@rule(np.max, np.amax, Method("max"), forward=reduce_max)
def max_(ans, a, axis=None, keepdims=False):
    d[a] = extremum_adjoint(d[ans], a, ans, axis, keepdims)


@rule(np.min, np.amin, Method("min"), forward=reduce_min)
def min_(ans, a, axis=None, keepdims=False):
    d[a] = extremum_adjoint(d[ans], a, ans, axis, keepdims)


@rule(np.matmul, operator.matmul, forward=promoted_matmul, forward_always=True)
def matmul(ans, a, b):
    d[a] = matmul_adjoint_a(d[ans], a, b)
    d[b] = matmul_adjoint_b(d[ans], a, b)


@rule(np.dot, Method("dot"), forward=promoted_dot, forward_always=True)
def dot(ans, a, b):
    d[a] = matmul_adjoint_a(d[ans], a, b)
    d[b] = matmul_adjoint_b(d[ans], a, b)


@rule(np.outer)
def outer(ans, a, b):
    d[a] = outer_adjoint_a(d[ans], a, b)
    d[b] = outer_adjoint_b(d[ans], a, b)


@rule(np.trace)
def trace(ans, a):
    d[a] = trace_adjoint(d[ans], a)


@rule(np.transpose, Method("transpose"))
def transpose(ans, a, *axes):
    d[a] = transpose_adjoint(d[ans], axes)


@rule(Attribute("T"))
def T(ans, a):
    d[a] = d[ans].T


@rule(np.reshape, np.ravel, Method("reshape"), Method("ravel"), Method("flatten"))
def reshape(ans, a, *shape):
    d[a] = reshape_like(d[ans], a)


@rule(np.copy, np.asarray, np.array, Method("copy"))
def copy(ans, a):
    d[a] = d[ans]


@rule(operator.getitem)
def getitem(ans, a, index):
    d[a][index] += d[ans]


@rule(np.full)
def full(ans, shape, fill_value, dtype=None):
    d[fill_value] = unbroadcast(d[ans], fill_value)


@rule(np.full_like)
def full_like(ans, a, fill_value, dtype=None):
    d[fill_value] = unbroadcast(d[ans], fill_value)


@rule(Method("astype"))
def astype(ans, a, dtype):
    d[a] = astype_adjoint(d[ans], a, dtype)


# Their values do not change when their inputs move a little (np.arange and np.linspace are not
# here: their values move with float endpoints).
zero_derivative(
    np.zeros, np.ones, np.empty, np.zeros_like, np.ones_like, np.empty_like, np.eye,
    np.identity, np.shape, np.ndim, np.size, len, range,
    np.argmax, np.argmin, np.argsort, Method("argmax"), Method("argmin"), Method("argsort"),
    Attribute("shape"), Attribute("ndim"), Attribute("size"), Attribute("dtype"),
    stop_gradient, trip_count, loop_bound, not_shared, check_progress,
)
