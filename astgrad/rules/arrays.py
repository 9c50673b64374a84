"""Rules for array operations: reductions, shape changes, indexing, array creation.

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
    not_shared,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_sum,
    reshape_like,
    size,
    stop_gradient,
    transpose_adjoint,
    trip_count,
    unbroadcast,
    unreduce,
)
from ..runtime.reductions import cumsum, cumsum_adjoint
from ..shapes import cumulated, filled, flat, number, reduced, reshaped, same, square, transposed
from .registry import declare, rule, zero_derivative
from .templates import d


@rule(np.sum, Method("sum"), forward=reduce_sum, allocates=True,
      number=True, shape=reduced, loop="sum")
def sum_(ans, a, axis=None, keepdims=False):
    d[a] = unreduce(d[ans], a, axis, keepdims)


@rule(np.mean, Method("mean"), forward=reduce_mean, allocates=True,
      number=True, shape=reduced, loop="mean")
def mean(ans, a, axis=None, keepdims=False):
    # times the count, then divided: an int keeps a float32 array float32 in numba, a ratio
    # of ints (a float64 number) would not
    d[a] = unreduce(d[ans], a, axis, keepdims) * size(ans) / size(a)


@rule(np.max, np.amax, Method("max"), forward=reduce_max, allocates=True,
      number=True, shape=reduced, loop="max")
def max_(ans, a, axis=None, keepdims=False):
    d[a] = extremum_adjoint(d[ans], a, ans, axis, keepdims)


@rule(np.min, np.amin, Method("min"), forward=reduce_min, allocates=True,
      number=True, shape=reduced, loop="min")
def min_(ans, a, axis=None, keepdims=False):
    d[a] = extremum_adjoint(d[ans], a, ans, axis, keepdims)


@rule(np.cumsum, Method("cumsum"), forward=cumsum, forward_always=True, allocates=True,
      shape=cumulated)
def cumsum_(ans, a, axis=None):
    d[a] = cumsum_adjoint(d[ans], a, axis)


@rule(np.transpose, Method("transpose"), view=True, shape=transposed)
def transpose(ans, a, *axes):
    d[a] = transpose_adjoint(d[ans], axes)


@rule(Attribute("T"), view=True, shape=transposed)
def T(ans, a):
    d[a] = d[ans].T


@rule(np.reshape, Method("reshape"), view=True, shape=reshaped)
def reshape(ans, a, *shape):
    d[a] = reshape_like(d[ans], a)


@rule(np.ravel, Method("ravel"), view=True, shape=flat)
def ravel(ans, a):
    d[a] = reshape_like(d[ans], a)


@rule(Method("flatten"), allocates=True, shape=flat)
def flatten(ans, a):
    d[a] = reshape_like(d[ans], a)


@rule(np.asarray, view=True, shape=same)
def asarray(ans, a):
    d[a] = d[ans]


@rule(np.copy, Method("copy"), allocates=True, shape=same)
def copy(ans, a):
    d[a] = d[ans]


@rule(operator.getitem, view=True)  # its shape depends on the index's values
def getitem(ans, a, index):
    d[a][index] += d[ans]


@rule(np.full, allocates=True, shape=filled)
def full(ans, shape, fill_value, dtype=None):
    d[fill_value] = unbroadcast(d[ans], fill_value)


@rule(np.full_like, allocates=True, shape=same)
def full_like(ans, a, fill_value, dtype=None):
    d[fill_value] = unbroadcast(d[ans], fill_value)


@rule(Method("astype"), allocates=True, shape=same, dtype="given")
def astype(ans, a, dtype):
    d[a] = astype_adjoint(d[ans], a, dtype)


# Their values do not change when their inputs move a little (np.arange and np.linspace are not
# here: their values move with float endpoints).
zero_derivative(np.zeros, allocates=True, shape=filled, loop="zeros")
zero_derivative(np.ones, allocates=True, shape=filled, loop="ones")
zero_derivative(np.empty, allocates=True, shape=filled, loop="empty")
zero_derivative(np.zeros_like, allocates=True, shape=same, loop="zeros")
zero_derivative(np.ones_like, allocates=True, shape=same, loop="ones")
zero_derivative(np.empty_like, allocates=True, shape=same, loop="empty")
zero_derivative(np.eye, np.identity, allocates=True, shape=square)
zero_derivative(np.argmax, np.argmin, Method("argmax"), Method("argmin"), allocates=True,
                shape=reduced, dtype="int64")
zero_derivative(np.argsort, Method("argsort"), allocates=True, shape=same, dtype="int64")
zero_derivative(np.ndim, np.size, len, Attribute("ndim"), Attribute("size"), number=True,
                shape=number, dtype="int64")
zero_derivative(np.shape, range, Attribute("shape"), Attribute("dtype"))  # not arrays
zero_derivative(stop_gradient, trip_count, loop_bound, not_shared, check_progress)  # helpers

# Views without a derivative rule: writing into one writes into its operand. (numba has no
# np.squeeze, and np.atleast_1d of a number: their rules need helpers.)
declare(np.squeeze, np.atleast_1d, Method("squeeze"), Method("view"), view=True)
