"""The runtime helpers compiled by numba agree with their plain NumPy versions."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, broadcastable_shapes
from numba import njit

from astgrad import runtime


@njit
def _unbroadcast(g, like):
    return runtime.unbroadcast(g, like)


@njit
def _unreduce_axis(g, like, axis):
    return runtime.unreduce(g, like, axis, False)


@njit
def _reduce_max_axis(a, axis):
    return runtime.reduce_max(a, axis=axis)


@njit
def _reduce_mean_keepdims(a, axis):
    return runtime.reduce_mean(a, axis=axis, keepdims=True)


shapes = array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)


@given(shapes.flatmap(lambda s: st.tuples(st.just(s), broadcastable_shapes(s, min_dims=1))),
       st.integers(0, 2 ** 32 - 1))
def test_unbroadcast_sums_back_to_the_operand_shape(shape_pair, seed):
    result_shape, operand_shape = shape_pair
    result_shape = np.broadcast_shapes(result_shape, operand_shape)
    g = np.random.default_rng(seed).normal(size=result_shape)
    like = np.zeros(operand_shape)
    expected = runtime.unbroadcast(g, like)
    assert np.shape(expected) == operand_shape
    np.testing.assert_allclose(_unbroadcast(g, like), expected)
    # the defining property: <g, broadcast(v)> == <unbroadcast(g), v>
    v = np.random.default_rng(seed + 1).normal(size=operand_shape)
    assert np.isclose(np.sum(g * np.broadcast_to(v, result_shape)), np.sum(expected * v))


@given(shapes, st.data())
def test_axis_reductions_and_their_adjoint_agree_with_numpy(shape, data):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    a = np.random.default_rng(data.draw(st.integers(0, 1000))).normal(size=shape)
    np.testing.assert_allclose(_reduce_max_axis(a, axis), np.max(a, axis=axis))
    np.testing.assert_allclose(_reduce_mean_keepdims(a, axis),
                               np.mean(a, axis=axis, keepdims=True))
    g = np.sum(a, axis=axis)
    np.testing.assert_allclose(_unreduce_axis(g, a, axis), runtime.unreduce(g, a, axis, False))


def test_reductions_propagate_nan_like_numpy():
    a = np.array([[1.0, np.nan], [3.0, 2.0]])
    np.testing.assert_array_equal(_reduce_max_axis(a, 1), np.max(a, axis=1))
    np.testing.assert_array_equal(_reduce_max_axis(a, 0), np.max(a, axis=0))
