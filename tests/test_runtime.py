"""The runtime helpers compiled by numba agree with their plain NumPy versions."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, broadcastable_shapes
from numba import njit

from astgrad import runtime
from astgrad.runtime.training import call_compiled, compiled_address, count_argmax_matches


@njit
def _unbroadcast(g, like):
    return runtime.unbroadcast(g, like)


@njit
def _unreduce_axis(g, like, axis):
    return runtime.unreduce(g, like, axis, False)


@njit
def _unreduce_keepdims(g, like, axis):
    return runtime.unreduce(g, like, axis, True)


@njit
def _share_of_array(g, a, number, larger):
    return runtime.extremum_share(g, a, number, larger)


@njit
def _share_of_number(g, number, b, larger):
    return runtime.extremum_share(g, number, b, larger)


@njit
def _extremum_adjoint_along(g, a, ans, axis, keepdims):
    return runtime.extremum_adjoint(g, a, ans, axis, keepdims)


@njit
def _extremum_adjoint_of_all(g, a, ans):
    return runtime.extremum_adjoint(g, a, ans, None, False)


@njit
def _reduce_max_axis(a, axis):
    return runtime.reduce_max(a, axis=axis)


@njit
def _reduce_mean_keepdims(a, axis):
    return runtime.reduce_mean(a, axis=axis, keepdims=True)


shapes = array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)


def _laid_out(a, layout: str):
    """`a` with the same values, C-ordered, Fortran-ordered, or a strided view."""
    if layout == "F":
        return np.asfortranarray(a)
    if layout == "strided":
        wider = np.zeros(a.shape[:-1] + (2 * a.shape[-1],))
        wider[..., ::2] = a
        return wider[..., ::2]
    return a


@settings(max_examples=50)  # cheap: a compile per rank and layout, not per example
@given(shapes.flatmap(lambda s: st.tuples(st.just(s), broadcastable_shapes(s, min_dims=1))),
       st.integers(0, 2 ** 32 - 1), st.sampled_from(["C", "F", "strided"]))
@example(((3, 2), (3, 1)), 0, "C")  # a column: summed along rows
@example(((3, 2), (1, 2)), 0, "F")  # a row
@example(((3, 2), (1, 1)), 0, "strided")
@example(((3, 2), (2,)), 0, "strided")  # a bias
@example(((3, 2), (1,)), 0, "C")
@example(((4,), (1,)), 0, "strided")
@example(((2, 3, 2), (3, 1)), 0, "F")
def test_unbroadcast_sums_back_to_the_operand_shape(shape_pair, seed, layout):
    result_shape, operand_shape = shape_pair
    result_shape = np.broadcast_shapes(result_shape, operand_shape)
    g = _laid_out(np.random.default_rng(seed).normal(size=result_shape), layout)
    like = np.zeros(operand_shape)
    expected = runtime.unbroadcast(g, like)
    assert np.shape(expected) == operand_shape
    np.testing.assert_allclose(_unbroadcast(g, like), expected)
    # the defining property: <g, broadcast(v)> == <unbroadcast(g), v>
    v = np.random.default_rng(seed + 1).normal(size=operand_shape)
    assert np.isclose(np.sum(g * np.broadcast_to(v, result_shape)), np.sum(expected * v))


@settings(max_examples=40)  # cheap: a compile per rank and layout, not per example
@given(shapes, st.data(), st.sampled_from(["C", "F", "strided"]))
def test_axis_reductions_and_their_adjoint_agree_with_numpy(shape, data, layout):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    a = _laid_out(np.random.default_rng(data.draw(st.integers(0, 1000))).normal(size=shape),
                  layout)
    np.testing.assert_allclose(_reduce_max_axis(a, axis), np.max(a, axis=axis))
    np.testing.assert_allclose(_reduce_mean_keepdims(a, axis),
                               np.mean(a, axis=axis, keepdims=True))
    g = np.sum(a, axis=axis)
    np.testing.assert_allclose(_unreduce_axis(g, a, axis), runtime.unreduce(g, a, axis, False))
    kept = np.max(a, axis=axis, keepdims=True)
    np.testing.assert_allclose(_unreduce_keepdims(kept, a, axis),
                               runtime.unreduce(kept, a, axis, True))


def test_reductions_propagate_nan_like_numpy():
    a = np.array([[1.0, np.nan], [3.0, 2.0]])
    np.testing.assert_array_equal(_reduce_max_axis(a, 1), np.max(a, axis=1))
    np.testing.assert_array_equal(_reduce_max_axis(a, 0), np.max(a, axis=0))


@settings(max_examples=40)  # cheap: a compile per rank and layout, not per example
@given(array_shapes(min_dims=0, max_dims=3, max_side=3), st.integers(0, 2 ** 32 - 1),
       st.sampled_from(["C", "F", "strided"]), st.booleans())
def test_extremum_share_with_a_number_agrees_with_numpy(shape, seed, layout, larger):
    # ties (values equal to the number) share g evenly, NaN counts as chosen, as in PyTorch
    rng = np.random.default_rng(seed)
    a = rng.choice([-1.0, 0.0, 2.0, np.nan], size=shape)
    a = _laid_out(a, layout) if a.ndim else a
    g = rng.normal(size=shape)
    np.testing.assert_array_equal(_share_of_array(g, a, 0.0, larger),
                                  runtime.extremum_share(g, a, 0.0, larger))
    np.testing.assert_array_equal(_share_of_number(g, 0.0, a, larger),
                                  runtime.extremum_share(g, 0.0, a, larger))


@settings(max_examples=40)  # a compile per rank and layout
@given(array_shapes(min_dims=1, max_dims=3, max_side=3), st.integers(0, 2 ** 32 - 1),
       st.sampled_from(["C", "F", "strided"]), st.booleans(), st.booleans())
def test_extremum_adjoint_agrees_with_numpy(shape, seed, layout, keepdims, largest):
    # g shared evenly among the elements attaining the max or min (ties from few values, NaN
    # attaining a NaN result), along each axis (negative too) and over all
    rng = np.random.default_rng(seed)
    a = _laid_out(rng.choice([-1.0, 0.0, 2.0, np.nan], p=[0.4, 0.3, 0.2, 0.1], size=shape),
                  layout)
    reduce = np.max if largest else np.min
    for axis in [*range(a.ndim), -1]:
        ans = reduce(a, axis=axis, keepdims=keepdims)
        g = rng.normal(size=ans.shape)
        np.testing.assert_allclose(_extremum_adjoint_along(g, a, ans, axis, keepdims),
                                   runtime.extremum_adjoint(g, a, ans, axis, keepdims),
                                   rtol=1e-15)
    ans = reduce(a)
    np.testing.assert_allclose(_extremum_adjoint_of_all(1.5, a, ans),
                               runtime.extremum_adjoint(1.5, a, ans), rtol=1e-15)


# -- call_compiled: the training loop's call of the gradient's machine code -------------------


@njit
def _scaled_and_total(a, scale):
    if scale < 0:
        raise ValueError("a negative scale")
    return a * scale, a.sum()


@njit
def _through_the_address(address, a, scale):
    return call_compiled(_scaled_and_total, address, (a, scale))


@settings(max_examples=40)  # cheap: one compile per dtype
@given(st.sampled_from([np.float64, np.float32]), array_shapes(max_dims=2, max_side=4),
       st.floats(0, 10), st.integers(0, 2 ** 32 - 1))
def test_call_compiled_runs_the_version_for_its_argument_types(dtype, shape, scale, seed):
    a = np.random.default_rng(seed).normal(size=shape).astype(dtype)
    address = compiled_address(_scaled_and_total, (a, scale))
    scaled, total = _through_the_address(address, a, scale)  # garbage from another version
    expected = _scaled_and_total(a, scale)
    assert scaled.dtype == expected[0].dtype
    np.testing.assert_array_equal(scaled, expected[0])
    assert total == expected[1]
    in_python = _scaled_and_total.py_func
    assert call_compiled(in_python, 0, (a, scale))[1] == in_python(a, scale)[1]


def test_call_compiled_raises_what_the_function_raises():
    a = np.ones(3)
    address = compiled_address(_scaled_and_total, (a, -1.0))
    with pytest.raises(ValueError, match="a negative scale"):
        _through_the_address(address, a, -1.0)
    assert _through_the_address(address, a, 2.0)[1] == 3.0  # and is called again after it


# -- counts of correct classifications ----------------------------------------------------------

_count_argmax_compiled = njit(lambda scores, one_hot: count_argmax_matches(scores, one_hot))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(1, 5), st.integers(0, 2**32 - 1))
@example(3, 4, 0)
def test_count_argmax_matches_counts_as_numpys_argmax(rows, columns, seed):
    rng = np.random.default_rng(seed)
    scores = rng.integers(-2, 3, size=(rows, columns)).astype(float)  # ties included
    scores[rng.random((rows, columns)) < 0.1] = np.nan
    one_hot = np.eye(columns)[rng.integers(0, columns, rows)]
    expected = int(np.sum(np.argmax(scores, axis=1) == np.argmax(one_hot, axis=1)))
    assert count_argmax_matches(scores, one_hot) == expected
    assert _count_argmax_compiled(scores, one_hot) == expected


@njit
def _add_at(adjoint, index, g):
    runtime.add_at(adjoint, index, g)
    return adjoint


@njit
def _written_part(adjoint, index):
    return runtime.written_part(adjoint, index)


def _indexes(shape):
    """Indexes into an array of `shape` as generated code passes them (tuples of items):
    integer arrays with repeats and negative entries, masks, ints, slices, None."""
    def basic(size):
        return st.one_of(st.integers(-size, size - 1), st.just(slice(None)),
                         st.just(slice(1, None)))

    rows = st.lists(st.integers(-shape[0], shape[0] - 1), min_size=1, max_size=5).map(np.array)
    mask = st.lists(st.booleans(), min_size=shape[0], max_size=shape[0]).map(np.array)
    options = [st.tuples(rows), st.tuples(mask), st.tuples(basic(shape[0])),
               st.tuples(st.just(None), rows)]
    if len(shape) == 2:
        options += [st.tuples(rows, basic(shape[1])), st.tuples(basic(shape[0]), basic(shape[1]))]
    return st.one_of(options)


@given(st.data())
@settings(max_examples=30)
def test_add_at_adds_each_pick(data):
    """Every element an index picks gets the adjoint of each pick: a loop over the picks, one
    at a time, is the reference (a buffered `d[index] += g` adds a repeated pick once)."""
    shape = data.draw(st.sampled_from([(4,), (3, 4)]))
    index = data.draw(_indexes(shape))
    picked = np.zeros(shape)[index]
    g = np.arange(1.0, 1.0 + np.size(picked)).reshape(np.shape(picked))
    g = g[()] if g.ndim == 0 else g  # the adjoint of one element is a number
    expected = np.zeros(shape)
    positions = np.arange(np.prod(shape)).reshape(shape)[index]
    for position, value in zip(np.ravel(positions), np.ravel(g)):
        expected.flat[position] += value
    for add_at in (lambda a, i, v: runtime.add_at(a, i, v) or a, _add_at):
        np.testing.assert_array_equal(add_at(np.zeros(shape), index, g), expected)


@given(st.data())
@settings(max_examples=30)
def test_written_part_keeps_the_last_write(data):
    """The adjoint of what `a[index] = v` wrote is nonzero only where the write was the last
    to that element: a Python loop over the writes in order is the reference."""
    shape = data.draw(st.sampled_from([(4,), (3, 4)]))
    index = data.draw(_indexes(shape))
    adjoint = np.arange(1.0, 1.0 + np.prod(shape)).reshape(shape)
    positions = np.ravel(np.arange(np.prod(shape)).reshape(shape)[index])
    last = {position: k for k, position in enumerate(positions)}
    expected = np.array([adjoint.flat[p] if last[p] == k else 0.0
                         for k, p in enumerate(positions)]).reshape(adjoint[index].shape)
    for written_part in (runtime.written_part, _written_part):
        np.testing.assert_array_equal(written_part(adjoint, index), expected)


@njit
def _cast_like(g, x):
    return runtime.cast_like(g, x)


@pytest.mark.parametrize("g, x", [(np.ones(2), np.ones(3)), (np.ones((3, 1)), np.ones(3)),
                                  (np.ones(2), 1.0), (np.ones(1), np.float32(1.0))])
def test_a_gradient_of_the_wrong_shape_is_refused(g, x):
    """The last thing every gradient goes through: a shape other than the argument's is a bug
    of astgrad's, raised, never returned (compiled, it was broadcast)."""
    from astgrad.errors import GradientShape

    for cast_like in (runtime.cast_like, _cast_like):
        with pytest.raises(GradientShape):
            cast_like(g, x)


def _writes_then_undoes(array, rows, column):
    """Log and make three writes (an element, a region, picked elements), then undo them."""
    log = runtime.undo_log(array, 2)
    mark = runtime.log_mark(log)
    log = runtime.log_write(log, array, (rows[0], column))
    array[rows[0], column] = -1.0
    log = runtime.log_write(log, array, (slice(None), column))
    array[:, column] = -2.0
    log = runtime.log_write(log, array, (rows, column))
    array[rows, column] = -3.0
    runtime.undo_to(log, array, mark)
    return array


_compiled_writes_then_undoes = njit(_writes_then_undoes)


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 4), st.integers(2, 4), st.sampled_from("CF"), st.data())
def test_an_undo_log_puts_back_what_was_written_in_either_memory_order(n, m, order, data):
    # (np.copy(x.T) keeps x.T's Fortran order: a loop may write into such an array)
    rows = np.array(data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=3)))
    column = data.draw(st.integers(-m, m - 1))
    original = np.asarray(np.arange(n * m, dtype=float).reshape(n, m), order=order)
    for undo in (_writes_then_undoes, _compiled_writes_then_undoes):
        array = original.copy(order="K")
        np.testing.assert_array_equal(undo(array, rows, column), original)


def _writes_runs_then_undoes(array, i, j, step):
    """Writes through basic indexes of each kind (runs of elements with a step, a region of
    two axes, an element, a row) into a log with room for one, a mark after the second;
    undone to the mark, then to the start."""
    log = runtime.undo_log(array, 1)
    start = runtime.log_mark(log)
    log = runtime.log_write(log, array, (i, slice(None, None, step)))
    array[i, ::step] = 7
    log = runtime.log_write(log, array, (slice(1, None), j))
    array[1:, j] = 8
    middle, written = runtime.log_mark(log), array.copy()
    log = runtime.log_write(log, array, (slice(None, None, -1), slice(None, 2)))
    array[::-1, :2] = 9
    log = runtime.log_write(log, array, (i, j))
    array[i, j] = 10
    log = runtime.log_write(log, array, (i,))
    array[i] = 11
    runtime.undo_to(log, array, middle)
    at_middle = array.copy()
    runtime.undo_to(log, array, start)
    return written, at_middle, array


_compiled_writes_runs_then_undoes = njit(_writes_runs_then_undoes)


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 4), st.integers(2, 4), st.sampled_from("CF"),
       st.sampled_from([np.float64, np.float32, np.int64]), st.sampled_from([1, 2, -1, -2]),
       st.data())
def test_an_undo_log_puts_back_runs_of_elements(n, m, order, dtype, step, data):
    # compiled, the log of an array of floats is one array and logs a run where it is (an
    # array of ints keeps the log of Python's form)
    i, j = data.draw(st.integers(-n, n - 1)), data.draw(st.integers(-m, m - 1))
    original = np.asarray(np.arange(n * m, dtype=dtype).reshape(n, m), order=order)
    for undo in (_writes_runs_then_undoes, _compiled_writes_runs_then_undoes):
        written, at_middle, array = undo(original.copy(order="K"), i, j, step)
        np.testing.assert_array_equal(at_middle, written)
        np.testing.assert_array_equal(array, original)


def test_an_undo_log_refuses_a_view_in_neither_order():
    with pytest.raises(ValueError, match="write into a contiguous array"):
        _writes_then_undoes(np.ones((4, 4))[::2], np.array([0]), 1)
