"""Specialized gradients (astgrad/specialize/, astgrad.specialized) against the generic ones
they are rewritten from, and the generic ones against the tape engine: values and gradients
agree on drawn shapes (dimensions of 1 included, so that every operand broadcasts somewhere)
and values, run as Python and compiled."""

import ast
import re
import textwrap
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import astgrad
from astgrad import api, stop_gradient, tape
from astgrad.runtime import ShapePatternError
from astgrad.specialize.overwrites import zeros_overwritten
from astgrad.testing import numerical_gradient

from .fuzz import regressions
from .fuzz.differential import for_the_tape
from .strategies import values


def scaled_product(x, y):
    return x * y


def mlp_mse(W1, b1, W2, b2, X, Y):
    h = np.maximum(X @ W1.T + b1, 0.0)
    h = h @ W2.T + b2
    return np.mean((h - Y) ** 2)


def softmax_cross_entropy(W, b, X, Y):
    h = X @ W.T + b
    shifted = h - stop_gradient(np.max(h, axis=1, keepdims=True))
    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(np.sum(Y * log_p, axis=1))


def broadcasts(a, b, c):
    t = np.tanh(a * b - c) + np.exp(-c) / (1.0 + b ** 2)
    u = np.minimum(t, 0.5) * np.sum(a, axis=0) + np.mean(t, axis=1, keepdims=True)
    v = np.max(u, axis=0) - np.min(u, axis=1, keepdims=True) * 2
    return np.sum(v * v) + np.mean(np.log1p(a * a), axis=0).sum()


def logistic(W, b, X, Y):
    h = X @ W.T + b
    log_sigmoid = np.minimum(h, 0.0) - np.log1p(np.exp(-np.abs(h)))
    hinge = np.where(h > 0.5, h, 0.0)  # a comparison and a select in the adjoint
    return np.mean((1.0 - Y) * h - log_sigmoid) + np.sum(hinge ** 2)


def vector_reductions(v, w):
    return np.sum(v * w, axis=0) + np.mean(np.exp(v), axis=0) * np.max(w, axis=0)


def row_vector_products(u, A, B):
    # u @ A sums along A's rows (into the result), u @ B.T along B's rows' elements (into
    # numbers); their adjoints are an outer product and another vector-matrix product
    return np.sum(np.tanh(u @ A) * (u @ B.T))


def transposed_product(X, W, c):
    # A is transposed (its product is then computed transposed) and read as it is
    A = X @ W
    return np.sum(np.tanh(A) * c) + np.sum(A.T @ A) + np.sum(A.T)


def returns_a_transposed_product(X, W):
    A = X @ W  # computed transposed (A.T is read), and returned
    return np.sum(np.tanh(A.T) ** 2), A


def running_sums(W, X):
    # np.cumsum has no loop form: kept as a call, its shape still known to what follows
    return np.mean(np.cumsum(np.tanh(X @ W), axis=1) ** 2)


def rebinds_an_argument(X, W):
    # the loops' sizes come from X as it was given, not from the name rebound
    X = np.tanh(X @ W)
    return np.sum(X * X) + np.sum(X)


PICKS = np.array([1, 0, 0])


def indexes_and_rebinds(x0, x1):
    # found by the fuzzer in CI: a statement kept as it was reads the builtin `slice`, which
    # the specialized module imported from the generic one, where there is none
    v1 = (x0 + x0) * (x0 / np.cosh(x0))
    x0 = np.full((2, 1, 3), -1.0) + v1[1:, 2]
    return np.mean(np.sin(v1[:, PICKS])) + np.sum(v1)


def writes_into_parts(a, b):
    # a store after loops that read the array it writes (they must run first), and adjoints
    # added into parts of arrays (`_da[0] += g`), kept as written
    c = np.copy(a)
    d = np.tanh(a) * b * c
    c[0] = a[-1] * 3.0
    return np.sum(c * d) + np.sum(a[0] * b)


def distances_to_nearest(points, centroids):
    # new axes (x[:, None, :]) broadcast to rank 3, a min along an axis; the adjoint adds
    # into a view with a new axis (`_dc[None, :, :] += g`)
    difference = points[:, None, :] - centroids[None, :, :]
    return np.sum(np.min(np.sum(difference ** 2, axis=2), axis=1))


def shifted_product(x, y):
    # a helper writing slices of a new array (GradBench's ode writes its right-hand side so)
    z = np.empty_like(y)
    z[0] = x[0]
    z[1:] = x[1:] * y[:-1]
    return z


def damped(y):
    # a helper with a loop: specialized as a function of its own (one of straight-line
    # statements is written as those statements where it is called)
    for _ in range(2):
        y = 0.9 * np.tanh(y)
    return y


def steps_of_a_helper(x, y):
    # a loop over calls of helpers, specialized for the shapes of the loop's values; slices
    # with bounds of their own (y[1:], y[:-2]) are shorter dimensions of their arguments'
    for _ in range(3):
        y = y + 0.25 * shifted_product(x, damped(y))
    return np.sum(y[1:] * y[:-1]) + np.sum(y[:-2] ** 2) + y[-1]


def two_stages(x, y):
    # two calls of a helper in a trip (ode's stages): a reversed trip adds into y's adjoint
    # from each, `_dy1 = _dy1 + g`, _dy1 bound anew at the trip's start
    for _ in range(3):
        k1 = shifted_product(x, y)
        k2 = shifted_product(x, y + 0.5 * k1)
        y = y + 0.25 * (k1 + k2)
    return np.sum(y ** 2)


def layers_in_a_loop(W, X):
    # a product and elementwise steps in a loop's body, rows and columns sliced after it
    H = X
    for _ in range(2):
        H = np.tanh(H @ W) + 0.5 * H
    return np.sum(H[:, 1:] ** 2) + np.sum(H[:-1, :] * H[1:, :])


def rows_by_index(A, v):
    # rows picked by a loop's ints (A[i], A[i + 1]), a column by a number (A[:, 0])
    total = 0.0
    for i in range(A.shape[0] - 1):
        total = total + np.sum(np.tanh(A[i] * v) * A[i + 1])
    return total + np.sum(A[:, 0] ** 2)


def gates(x, w):
    # slices bounded by a dimension (b = x.shape[0]; w[b:2 * b], w[3 * b:]), checked on entry
    b = x.shape[0]
    return np.tanh(x * w[:b] + w[b:2 * b]) * (1.0 / (1.0 + np.exp(-w[3 * b:])))


def cells_in_a_loop(x, w, h):
    # a helper slicing by its arguments' sizes, in a loop writing rows (h[k] = ...)
    h = h.copy()
    y = np.zeros_like(x)
    for k in range(h.shape[0]):
        h[k] = gates(x + h[k], w)
        y = y + h[k]
    return np.sum(y * y) + np.sum(h[:, :-1] ** 2)


def squash(v):
    return np.tanh(v) * 2.0


def squashed_in_a_loop(x, w):
    # squash's forward half returns its tanh, which the loop keeps: the nest computing it
    # from h (which the loop carries) writes it into its tape's slot, as a number
    h = x
    for k in range(3):
        y = squash(h * w[k])
        h = h + y
    return np.sum(h)


def stacked_squashes(x, w):
    # the inner loop's trip count is computed in every outer trip (w.shape[0] // 2): its
    # tapes, which each reversed outer trip makes, are made once before the outer loop
    s = 0.0
    for t in range(2):
        h = x * (t + 1.0)
        for k in range(w.shape[0] // 2):
            h = squash(h * w[k]) + h
        s = s + np.sum(h)
    return s


def scaled_by_a_number(a, x):
    # a number times arrays: its adjoint sums arrays to a number, in a loop's total, also
    # inside an expression (`_da = g + unbroadcast(E, a)`)
    return np.sum(np.tanh(a * x) + a) + a * np.log(np.sum(np.exp(x - np.max(x))))


def summed(a, b):
    return np.sum(a + b)


def with_a_loop(a, n):
    for _ in range(n):
        a = a * 0.5
    return np.sum(a)


def shortened_in_a_loop(a, n):
    # a loop-carried value whose shape changes from one trip to the next
    for _ in range(n):
        a = a[1:] * 0.5
    return np.sum(a)


def stores_into_parts(a, b):
    # stores through basic indexes, as loops over the part written: of a new array's or a
    # copy's (c[1:] = ..., a number into a column, a row added into rows) and of the adjoints
    # (`_da[1:] += g`); a view of the array written into (d[1:] = d[:-1], which NumPy reads
    # whole before it writes) is stored as written
    c = np.zeros_like(a)
    c[1:] = a[1:] * a[:-1]
    c[:, 0] = 0.5
    d = np.ones_like(a)
    d[1:] += b * 2.0
    d[1:] = d[:-1]
    e = a.copy()
    e[-1] = b * 3.0
    f = np.zeros((a.shape[0], b.shape[0]))  # a shape of the arguments' sizes
    f[:, -1] = 1.5
    return np.sum(c * d * a) + np.sum(c[:, 1:] ** 2) + np.sum(e * a) + np.sum(f * a)


def columns_by_a_counter(w, x):
    # a counter advanced in nested loops (k += 1 keeps it an int) picks a weight; each trip
    # adds into a column (t[:, i] += ...), its reverse trips restore the counter from a tape
    # (retyped(kept, k), an int too) and loop over the column (GradBench's gmm does so)
    t = x * 2.0
    k = 0
    for j in range(x.shape[1]):
        for i in range(j + 1, x.shape[1]):
            t[:, i] += w[k] * x[:, j]
            k += 1
    return np.sum(t ** 2)


def extrema_of_lines(x, v):
    # np.max and np.min along each axis and of all elements; their adjoints share g among
    # the elements attaining the extremum (ties, and NaN attaining a NaN extremum)
    return np.sum(np.max(x, axis=1) * 3.0) + np.sum(np.min(x, axis=0) ** 2) + np.max(v) \
        + np.min(x) * np.max(v)


def stores_over_a_view(a):
    # c[1:] = w where w is computed from a view of c itself: the store must not join the loop
    # computing w (each element would then read one the loop just wrote)
    c = np.ones_like(a)
    v = c[:-1]
    w = v * 2.0 + a[1:]
    c[1:] = w
    return np.sum(c * a)


def shifted_products(x, w):
    # parts of each argument that overlap (x[1:], x[:-1]): in the helper's adjoint, adds
    # into overlapping parts of one array (`_dx[1:] += ...`, `_dx[:-1] += ...`), which
    # join the loop computing them, as the adjoints of lstm's gates do
    return np.tanh(x[1:] * w[:-1]) * np.sin(x[:-1] + w[1:])


def adds_into_overlapping_parts(x, w):
    return np.sum(shifted_products(x, w) ** 2) + np.sum(shifted_products(w, x))


def squares_after_updates(x, w):
    # gmm's loop: each trip updates t's columns, then writes a column of out from the sums
    # of its rows' squares; the reverse trip needs t (the adjoint of t ** 2 reads it) but not
    # the sums, which it recomputed, its loops being live in every trip
    out = x * 0.0
    for k in range(x.shape[1]):
        t = x * w[k]
        for j in range(1, x.shape[1]):
            t[:, j] += t[:, j - 1] * 0.5
        out[:, k] = np.sum(t ** 2, axis=1)
    return np.sum(np.tanh(out))


def updates_its_own_part(a, x):
    # t[:, i] = t[:, i] * a[i] + ...: the store joins the loop computing its value, which
    # reads each element where it writes it; t[1:] += t[:-1] may not (its loop would read
    # elements it has just written)
    t = x * 2.0
    for i in range(x.shape[1]):
        t[:, i] = t[:, i] * a[i] + x[:, 0]
    t[1:] += t[:-1]
    return np.sum(t ** 2)


def branches_in_and_out_of_a_loop(x, w):
    # each block of a branch written from what is known on entry; after it, a value both
    # blocks bind alike is known, and so is one only a block binds (_t3, the tanh, read by
    # the reverse sweep's block of the same branch); a branch's condition may change in a loop
    y = x * w
    if np.sum(y) > 0.0:
        z = np.tanh(y) * 2.0
    else:
        z = y ** 2
    total = 0.0
    for i in range(3):
        if i % 2 == 0:
            z = z * w
        elif np.sum(z) > 1.0:
            z = z - 0.5
        total = total + np.sum(z * x)
    return total


def halves_while_large(x, w):
    # a while loop: the trip count is the values' (the tapes grow as the trips go)
    y = x * w
    total = 0.0
    while np.sum(y * y) > 0.01:
        y = y * 0.5 + w * 0.01
        total = total + np.sum(np.tanh(y) * x)
    return total + np.sum(y)


def carried_and_temporary(x, w):
    # each trip computes a temporary (its array allocated once, before the loop) and a value
    # carried to the next trip, where it is read after the next value is computed (its array
    # allocated in every trip)
    h = x * 1.0
    total = 0.0
    for _ in range(3):
        t = np.tanh(h * w)
        s = t[1:] * t[:-1]  # (t read elsewhere than where it is written: an array)
        g = h * 0.5 + np.sum(s)
        total = total + np.sum(s ** 2) + np.sum(g * h)
        h = g
    return total


def euler_steps(x):
    # an ODE's right-hand side in a loop (GradBench's ode): the adjoints of its slices add
    # into vectors of zeros, which they cover but for one element
    y = np.zeros_like(x)
    for _ in range(3):
        y = y + 0.1 * shifted_product(x, y + 0.5)
    return np.sum(y * y)


def halved(x):
    return np.sum(x * 0.5)


# each program's argument shapes, from named dimensions
PROGRAMS = {
    mlp_mse: ("hi", "h", "oh", "o", "ni", "no"),
    softmax_cross_entropy: ("oi", "o", "ni", "no"),
    broadcasts: ("nm", "m", "n1"),
    logistic: ("oi", "o", "ni", "no"),
    vector_reductions: ("n", "n"),
    row_vector_products: ("1i", "ih", "hi"),
    transposed_product: ("ni", "ih", "h"),
    running_sums: ("ih", "ni"),
    rebinds_an_argument: ("ni", "ih"),
    writes_into_parts: ("nm", "m"),
    distances_to_nearest: ("ni", "oi"),
    steps_of_a_helper: ("n", "n"),
    layers_in_a_loop: ("ii", "ni"),
    rows_by_index: ("nm", "m"),
    cells_in_a_loop: ("m", "q", "nm"),
    scaled_by_a_number: ("", "nm"),
    stores_into_parts: ("nm", "m"),
    columns_by_a_counter: ("q", "nm"),
    stores_over_a_view: ("nm",),
    adds_into_overlapping_parts: ("n", "n"),
    squares_after_updates: ("nm", "mm"),
    updates_its_own_part: ("m", "nm"),
    carried_and_temporary: ("n", "n"),
    branches_in_and_out_of_a_loop: ("n", "n"),
    halves_while_large: ("n", "n"),
    euler_steps: ("n",),
}


def shapes_of(function, sizes: dict) -> list[tuple]:
    """The argument shapes of a program: a letter is a named size (1 if not given; q is four
    times m), a digit a size."""
    sizes = {"q": 4 * sizes.get("m", 1), **sizes}
    return [tuple(int(d) if d.isdigit() else sizes.get(d, 1) for d in spec)
            for spec in PROGRAMS[function]]


def arguments(draw, function, sizes):
    return [draw(values(shape, -2.0, 2.0)) for shape in shapes_of(function, sizes)]


def assert_same(got, expected):
    (value, grads), (expected_value, expected_grads) = got, expected
    np.testing.assert_allclose(value, expected_value, rtol=1e-12, atol=1e-12)
    for g, e in zip(grads, expected_grads):
        assert np.shape(g) == np.shape(e)
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)


def gradient(function, jit):
    wrt = tuple(range(len(PROGRAMS[function])))
    return astgrad.value_and_grad(function, wrt=wrt, jit=jit)


@settings(max_examples=40, deadline=None)
@given(st.data())
@pytest.mark.parametrize("function", list(PROGRAMS), ids=lambda f: f.__name__)
def test_the_python_version_equals_the_generic_gradient_and_the_tape_engine(function, data):
    sizes = {d: data.draw(st.integers(1, 3), label=d) for d in "hionm"}
    args = arguments(data.draw, function, sizes)
    generic = gradient(function, jit=False)
    fast = astgrad.specialized(generic, args)
    assert fast is not generic  # it was rewritten
    assert_same(fast(*args), generic.compiled(*args))  # (the entry runs a version too)
    wrt = tuple(range(len(args)))
    assert_same(generic.compiled(*args), tape.value_and_grad(function, wrt=wrt)(*args))


# compiled: one pattern per program (each compiles for seconds), values drawn
PATTERNS = {mlp_mse: {"h": 3, "i": 2, "o": 1, "n": 4}, softmax_cross_entropy: {
    "o": 3, "i": 2, "n": 4}, broadcasts: {"n": 3, "m": 2}, logistic: {"o": 1, "i": 3, "n": 4},
    vector_reductions: {"n": 5}, row_vector_products: {"i": 3, "h": 4},
    transposed_product: {"n": 4, "i": 3, "h": 2}, running_sums: {"n": 4, "i": 3, "h": 2},
    rebinds_an_argument: {"n": 4, "i": 3, "h": 2}, writes_into_parts: {"n": 3, "m": 4},
    distances_to_nearest: {"n": 5, "o": 3, "i": 2}, steps_of_a_helper: {"n": 5},
    layers_in_a_loop: {"n": 4, "i": 3}, rows_by_index: {"n": 4, "m": 3},
    cells_in_a_loop: {"n": 3, "m": 2}, scaled_by_a_number: {"n": 3, "m": 4},
    stores_into_parts: {"n": 4, "m": 3}, columns_by_a_counter: {"n": 4, "m": 3},
    stores_over_a_view: {"n": 4, "m": 3}, updates_its_own_part: {"n": 4, "m": 3},
    carried_and_temporary: {"n": 5}, branches_in_and_out_of_a_loop: {"n": 4},
    halves_while_large: {"n": 3}, adds_into_overlapping_parts: {"n": 5},
    squares_after_updates: {"n": 4, "m": 3}, euler_steps: {"n": 4}}


@settings(max_examples=15, deadline=None)
@given(st.data())
@pytest.mark.parametrize("function", list(PROGRAMS), ids=lambda f: f.__name__)
def test_the_compiled_version_equals_the_generic_gradient(function, data):
    args = arguments(data.draw, function, PATTERNS[function])
    generic = gradient(function, jit=True)
    fast = astgrad.specialized(generic, args)
    assert hasattr(fast.compiled, "py_func") and fast is not generic
    assert_same(fast(*args), gradient(function, jit=False).compiled(*args))
    wrt = tuple(range(len(args)))  # and an engine that shares no code with either
    assert_same(fast(*args), tape.value_and_grad(function, wrt=wrt)(*args))


@pytest.mark.parametrize("jit", [False, True])
@pytest.mark.parametrize("function", list(PROGRAMS), ids=lambda f: f.__name__)
def test_specialized_gradients_agree_with_finite_differences_and_the_tape(function, jit):
    # values from a normal distribution: no finite step crosses a kink (ReLU, abs, where)
    rng = np.random.default_rng(7)
    shapes = shapes_of(function, PATTERNS[function])
    wrt = tuple(range(len(shapes)))
    for _ in range(2):
        args = [rng.normal(size=shape) if shape else rng.normal() for shape in shapes]
        fast = astgrad.specialized(gradient(function, jit), args)
        assert fast is not gradient(function, jit)
        value, grads = fast(*args)
        taped = tape.value_and_grad(function, wrt=wrt)(*args)
        assert_same((value, grads), taped)
        for k, g in enumerate(grads):
            np.testing.assert_allclose(g, numerical_gradient(function, args, k), rtol=1e-5,
                                       atol=1e-7, err_msg=f"argument {k}")


@pytest.mark.parametrize("jit", [False, True])
def test_arguments_of_another_pattern_go_to_the_generic_gradient(jit):
    sizes = PATTERNS[softmax_cross_entropy]
    args = [np.ones(s) for s in shapes_of(softmax_cross_entropy, sizes)]
    generic = gradient(softmax_cross_entropy, jit)
    fast = astgrad.specialized(generic, args)
    other = [np.full(s, 0.5) for s in shapes_of(softmax_cross_entropy, {**sizes, "n": 1})]
    with pytest.raises(ShapePatternError):
        fast.compiled(*other)  # what the specialized function itself raises
    assert_same(fast(*other), generic(*other))
    mismatched = [*args[:3], np.ones((4, 5))]  # 5 classes of targets for 3 outputs
    with pytest.raises(astgrad.GradientRuntimeError, match="broadcast") as raised:
        fast(*mismatched)  # the generic gradient's error, on the function's line
    assert raised.value.origin.function == "softmax_cross_entropy"
    empty = [*args[:2], np.ones((0, 2)), np.ones((0, 3))]  # no rows: the mean of none
    with pytest.raises(ShapePatternError):
        fast.compiled(*empty)  # the loops would read rows that are not there
    assert outcome(fast, empty) == outcome(generic, empty)  # a NaN, or Python's 1 / 0


def outcome(function, args):
    """What `function(*args)` gives: the type of its error, or whether its value is NaN."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            return np.isnan(function(*args)[0])
        except astgrad.AstgradError as error:
            return type(error)


@pytest.mark.parametrize("jit", [False, True])
def test_statements_after_a_call_without_a_loop_form_are_specialized(jit):
    args = [np.ones(shape) for shape in shapes_of(running_sums, PATTERNS[running_sums])]
    source = astgrad.specialized(gradient(running_sums, jit), args).source
    body = "\n".join(line.split("#")[0] for line in source[source.index("def "):].splitlines())
    assert "cumsum(" in body and "cumsum_adjoint(" in body  # kept, as the generic code calls
    for helper in ("matmul_adjoint", "promoted_matmul", "unreduce"):
        assert helper not in body, helper  # all the rest: loops, and np.dot for the products
    assert body.count("cast_like(") == 2  # the gradients in the arguments' dtypes
    assert body.count("np.dot(") == 3


@pytest.mark.parametrize("jit", [False, True])
def test_kept_statements_read_builtins_as_builtins(jit):
    args = (np.array([[1.1, 0.7, 0.3], [-0.6, 0.2, 0.1]]), np.array([1.2, 0.16]))
    generic = astgrad.value_and_grad(indexes_and_rebinds, wrt=(0, 1), jit=jit)
    fast = astgrad.specialized(generic, args)
    assert fast is not generic and "slice(" in fast.source
    assert_same(fast.compiled(*args), generic.compiled(*args))  # not the fallback to it


@pytest.mark.parametrize("jit", [False, True])
def test_writes_into_arrays_stay_in_program_order(jit):
    args = [np.random.default_rng(5).normal(size=s)
            for s in shapes_of(writes_into_parts, PATTERNS[writes_into_parts])]
    fast = astgrad.specialized(gradient(writes_into_parts, jit), args)
    expected = tape.value_and_grad(writes_into_parts, wrt=(0, 1))(*args)
    assert_same(fast.compiled(*args), expected)  # not the fallback to the generic one
    assert expected[0] == writes_into_parts(*[np.copy(a) for a in args])


@pytest.mark.parametrize("jit", [False, True])
def test_grad_runs_a_version_specialized_for_each_pattern(jit):
    gradient_of_all = astgrad.grad(broadcasts, wrt=(0, 1, 2), jit=jit)
    rng = np.random.default_rng(3)
    tangent = tape.grad(broadcasts, wrt=(0, 1, 2))
    calls = [{"n": 2, "m": 3}, {"n": 1, "m": 3}, {"n": 4, "m": 5}]  # the third as the first
    for count, sizes in zip((1, 2, 2), calls):
        args = [rng.normal(size=s) for s in shapes_of(broadcasts, sizes)]
        for got, expected in zip(gradient_of_all(*args), tangent(*args)):
            np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
        assert len(gradient_of_all.specialized) == count
    assert "specialized by astgrad" in gradient_of_all.specialized[0]
    single = [a.astype(np.float32) for a in args]  # another dtype: a version of its own
    assert all(g.dtype == np.float32 for g in gradient_of_all(*single))
    assert "dtype float32" in gradient_of_all.specialized[-1].splitlines()[0]


def test_grad_of_numbers_with_nothing_to_write_stays_generic():
    product = astgrad.grad(scaled_product, wrt=(0, 1))
    assert product(2.0, 3.0) == (3.0, 2.0)
    assert product.specialized == []
    entry_calls = product.__globals__[product.__name__]
    assert entry_calls is product.compiled  # the generic gradient put back: no dispatch


def pull(x, w):
    d = x - w
    return d / (d * d + 1.0) ** 1.5


def falls_to_the_ground(w):
    # numbers only, a while loop calling a helper: specialized all the same
    x, v = 8.0, 0.0
    while x > 0.0:
        v = v - 0.1 * pull(x, w) - 0.1
        x = x + 0.1 * v
    return x * v


@pytest.mark.parametrize("jit", [False, True])
def test_grad_of_numbers_writes_its_helpers_where_they_are_called(jit):
    gradient = astgrad.grad(falls_to_the_ground, jit=jit)
    got = gradient(1.5)
    assert got == pytest.approx(numerical_gradient(falls_to_the_ground, [1.5], 0), rel=1e-6)
    body = "\n".join(line.split("#")[0] for line in gradient.specialized[-1].splitlines())
    assert "pull(" not in body and "pull_vjp(" not in body and "unbroadcast(" not in body
    assert got == pytest.approx(astgrad.grad(falls_to_the_ground, jit=jit).compiled(1.5))


@pytest.mark.parametrize("jit", [False, True])
def test_loops_and_helpers_are_specialized(jit):
    args = [np.random.default_rng(2).normal(size=s)
            for s in shapes_of(steps_of_a_helper, PATTERNS[steps_of_a_helper])]
    fast = astgrad.specialized(gradient(steps_of_a_helper, jit), args)
    body = "\n".join(line.split("#")[0] for line in fast.source.splitlines())
    assert "for _ in range(3):" in body and "shifted_product" not in body  # inlined
    assert "damped_specialized(" in body and "damped_vjp_specialized(" in body
    assert "x.shape[0] - 1" in body  # the slices' loops
    assert "unreduce(" not in body and "own(" not in body
    assert_same(fast.compiled(*args), gradient(steps_of_a_helper, False).compiled(*args))
    loop = astgrad.specialized(astgrad.value_and_grad(with_a_loop, jit=jit), (np.ones(3), 2))
    assert loop.compiled(np.ones(3), 3) == (0.375, pytest.approx([0.125] * 3))


def test_additions_into_zeros_assign_and_only_the_rest_is_zeroed():
    source = astgrad.specialized(gradient(euler_steps, False), [np.linspace(0.1, 0.5, 4)]).source
    reversed_trips = source[source.index("for _ in range(3 - 1, -1, -1):"):]
    body = [line.split("#")[0].strip() for line in reversed_trips.splitlines()]
    # the vectors' zeros (the vjp's _dy and _dx): one element left of one, none of the other
    assert [line for line in body if line.endswith("= 0.0")] == [
        next(line for line in body if line.endswith("[x.shape[0] - 1] = 0.0"))]
    assert not [line for line in body if "] += " in line]
    assert any(re.fullmatch(r"_dx\d*\[0\] = _d_t\d+", line) for line in body)
    # the right-hand side's value, computed again only for its shape: its nest is left out
    assert not [line for line in body if re.fullmatch(r"z\d+\[_i\d+ \+ 1\] = .*", line)]


def _after_overwrites(text: str) -> list[str]:
    """The lines of `text` (statements whose top-level loops are nests) after overwrites.py."""
    statements = ast.parse(textwrap.dedent(text)).body
    for stmt in statements:
        if isinstance(stmt, ast.For):
            stmt.astgrad_nest = True
    return ast.unparse(zeros_overwritten(statements)).splitlines()


def test_zeros_overwritten_only_where_the_additions_cover_them():
    # a constant position, then a loop: what is left is a loop between them
    assert _after_overwrites("""
        for i in range(x.shape[0]):
            a[i] = 0.0
        d = a
        d[0] += v
        for j in range(x.shape[0] - 3):
            d[j + 1] += w[j]
        r = d * 2
    """) == ["for i in range(x.shape[0] - 2, x.shape[0]):", "    a[i] = 0.0", "d = a",
             "d[0] = v", "for j in range(x.shape[0] - 3):", "    d[j + 1] = w[j]", "r = d * 2"]
    fill = "for i in range(x.shape[0]):\n    d[i] = 0.0\n"
    # a read first, a loop in two dimensions, an addition reading the vector, or additions
    # into overlapping parts: the fill and what follows stay as they are
    for after in ["r = d[1]\nd[0] += v",
                  "for j in range(3):\n    for k in range(3):\n        d[k] += w[j]",
                  "for j in range(x.shape[0] - 1):\n    d[j] += d[j + 1]",
                  "for j in range(x.shape[0] - 1):\n    d[j] += w[j]\n    d[j + 1] += w[j]"]:
        assert _after_overwrites(fill + after) == (fill + after).splitlines()
    # the second addition into a part is one: the first assigns
    assert _after_overwrites(fill + "d[1] += v\nd[1] += v")[-2:] == ["d[1] = v", "d[1] += v"]


def test_adjoints_summed_to_a_number_are_loops():
    args = [0.5, np.ones((3, 4))]
    source = astgrad.specialized(gradient(scaled_by_a_number, False), args).source
    body = "\n".join(line.split("#")[0] for line in source[source.index("def "):].splitlines())
    assert "unbroadcast(" not in body and "unreduce(" not in body
    assert "_sum1 = _total" in body  # the one inside `_da + unbroadcast(...)`, bound first


def test_stores_through_basic_indexes_are_loops():
    args = [np.ones((4, 3)), np.ones(3)]
    source = astgrad.specialized(gradient(stores_into_parts, False), args).source
    body = "\n".join(line.split("#")[0] for line in source[source.index("def "):].splitlines())
    for store in ("c[_i", "d[_i", "_dc[_i", "_dd[_i", "_da[_i"):
        assert store in body
    assert "d[1:] = _t" in body  # a view of d itself: as written
    assert body.count("[1:] =") == 1 and "[1:] +=" not in body and "[:, 0] =" not in body
    assert "e[-1] =" not in body  # a copy is an array of the gradient's own
    assert "f[:, -1] =" not in body


def test_a_store_joins_the_loop_computing_its_value_unless_it_may_read_it():
    args = [np.ones(5), np.ones(5)]
    source = astgrad.specialized(gradient(steps_of_a_helper, False), args).source
    assert re.search(r"\n +z\d+\[_i\d+ \+ 1\] = _out\d+\n", source)  # z[1:] = x[1:] * ...
    args = [np.ones((4, 3))]
    source = astgrad.specialized(gradient(stores_over_a_view, False), args).source
    assert not re.search(r"\n +c\[_i\d+ \+ 1, _i\d+\] = _out\d+\n", source)


def log_sum_exp_plus_squares(x):
    return np.sum(x ** 2) + np.log(np.sum(np.exp(x)))


def reads_past_the_end(x):
    unused = x[4] * 2.0  # noqa: F841  (read for nothing: it raises all the same)
    return np.sum(x ** 2)


@pytest.mark.parametrize("jit", [False, True])
def test_what_only_the_returned_value_needs_is_left_out(jit):
    # grad seeds the value's adjoint with 1.0 of the dtype: the log of the sum, computed for
    # the value alone, is written nowhere (its adjoint reads the sum); value_and_grad keeps it
    x = np.array([0.5, -1.0, 2.0])
    fast = astgrad.specialized(astgrad.grad(log_sum_exp_plus_squares, jit=jit), [x])
    body = "\n".join(line.split("#")[0] for line in fast.source.splitlines())
    assert "np.log(" not in body
    np.testing.assert_allclose(fast(x), tape.grad(log_sum_exp_plus_squares)(x), rtol=1e-12)
    both = astgrad.value_and_grad(log_sum_exp_plus_squares, jit=jit)
    body = "\n".join(line.split("#")[0] for line in astgrad.specialized(both, [x]).source
                     .splitlines())
    assert "np.log(" in body
    # a read no adjoint needs still raises where the function does (past the end here)
    with pytest.raises(astgrad.AstgradError, match="index 4 is out of bounds"):
        astgrad.specialized(astgrad.grad(reads_past_the_end, jit=jit), [x])(x)


def test_a_loops_new_arrays_and_zero_adjoints_are_made_once():
    # shifted_product's np.empty_like(y), recomputed in each reversed trip too, and its
    # adjoint's zeros_like(y) and zeros_like(x): arrays of the function's own, the zeros a
    # nest fills, made before the loops (as ode's right-hand side)
    args = [np.ones(5), np.ones(5)]
    source = astgrad.specialized(gradient(steps_of_a_helper, False), args).source
    body = [line.split("#")[0].rstrip() for line in source[source.index("def "):].splitlines()]
    loops = [k for k, line in enumerate(body) if line.startswith("    for _ in range(3")]
    trips = [body[k + 1:next(e for e in range(k + 1, len(body)) if body[e].strip()
                             and not body[e].startswith("        "))] for k in loops]
    assert len(trips) == 2
    for trip in trips:
        assert any(re.fullmatch(r" +z\d = _out\d+", line) for line in trip)
        assert not any("empty_like" in line or "zeros_like" in line for line in trip)
    zeros = [line for line in trips[1] if re.fullmatch(r" +_out\d+\[_i\d+\] = 0.0", line)]
    assert len(zeros) == 1  # (the other's elements are all assigned after it: overwrites.py)
    fast = astgrad.specialized(gradient(steps_of_a_helper, True), args)
    x, y = np.linspace(0.1, 0.9, 5), np.linspace(-0.5, 0.5, 5)
    assert_same(fast(x, y), tape.value_and_grad(steps_of_a_helper, wrt=(0, 1))(x, y))


def test_sums_bound_anew_each_trip_are_made_once():
    # in each reversed trip, the arrays of the adjoints' sums but the two the next trip reads
    # (x's and y's, carried) are made once before the loop
    args = [np.ones(5), np.ones(5)]
    source = astgrad.specialized(astgrad.value_and_grad(two_stages, wrt=(0, 1), jit=False),
                                 args).source
    body = [line.split("#")[0].rstrip() for line in source[source.index("def "):].splitlines()]
    start = body.index("    for _ in range(3 - 1, -1, -1):")
    end = next(k for k in range(start + 1, len(body))
               if body[k].strip() and not body[k].startswith("        "))
    assert sum("np.empty(" in line for line in body[start:end]) == 2
    x, y = np.linspace(0.1, 0.9, 5), np.linspace(-0.5, 0.5, 5)
    fast = astgrad.specialized(astgrad.value_and_grad(two_stages, wrt=(0, 1)), args)
    assert_same(fast(x, y), tape.value_and_grad(two_stages, wrt=(0, 1))(x, y))


def test_a_loops_temporaries_are_allocated_once():
    args = [np.ones(5), np.ones(5)]
    source = astgrad.specialized(gradient(carried_and_temporary, False), args).source
    body = [line.split("#")[0].rstrip() for line in source[source.index("def "):].splitlines()]
    forward = body.index("    for _ in range(3):")
    end = next(k for k in range(forward + 1, len(body))
               if body[k].strip() and not body[k].startswith("        "))
    loop = body[forward + 1:end]
    # t's array (and the other temporaries, and h's tape), filled anew each trip and read by
    # nothing after the next trip fills it again, is made once before the loop; g's, which
    # the next trip reads (as h) after computing g again, in the loop
    assert "    _out3 = np.empty((w.shape[0],), np.float64)" in body[:forward]
    assert "    _kept_h = np.empty((3, x.shape[0]), np.float64)" in body[:forward]
    assert "    g = _out3" not in body and "        t = _out3" in loop
    assert sum("np.empty" in line for line in loop) == 1 and "        g = _out" in "\n".join(loop)


def test_adds_into_parts_of_one_array_join_the_loop_computing_them():
    # (a store used to close its loop: lstm's cell adjoint ran as seven loops, not one)
    args = [np.ones(5), np.ones(5)]
    source = astgrad.specialized(gradient(adds_into_overlapping_parts, False), args).source
    body = [line.split("#")[0].rstrip() for line in source[source.index("def "):].splitlines()]
    starts = [k for k, line in enumerate(body) if line.lstrip().startswith("for _i")]
    nests = [body[k + 1:end] for k, end in zip(starts, starts[1:] + [len(body)])]
    computing = [n for n in nests if not re.fullmatch(r" +_out\d+\[_i\d+\] = 0.0", n[0])]
    adds = [line for line in computing[0]
            if re.fullmatch(r" +_d[xw]\d\[_i\d+( \+ 1)?\] \+= _out\d+", line)]
    assert len(adds) == 8 and len(computing) == 3  # (the others fill the adjoints with zeros)


def test_a_loop_trip_leaves_out_what_neither_it_nor_the_next_reads():
    # (dead code in a loop's body was judged by all the loop reads: gmm's reverse trips
    # summed transformed ** 2 for nothing)
    args = [np.ones((4, 3)), np.ones((3, 3))]
    source = astgrad.specialized(gradient(squares_after_updates, False), args).source
    body = [line.split("#")[0] for line in source[source.index("def "):].splitlines()]
    reverse = next(k for k, line in enumerate(body) if "for k in range(" in line
                   and "-1, -1" in line)
    assert sum("** 2" in line for line in body[:reverse]) == 1
    assert not any("** 2" in line for line in body[reverse:])


def test_counters_index_and_columns_are_loops_in_both_sweeps():
    args = [np.ones(12), np.ones((4, 3))]
    source = astgrad.specialized(gradient(columns_by_a_counter, False), args).source
    body = "\n".join(line.split("#")[0] for line in source[source.index("def "):].splitlines())
    assert "[:, i] =" not in body and "[:, i] +=" not in body and "unbroadcast(" not in body
    assert "_dt[_i" in body and "_dx[_i" in body


@pytest.mark.parametrize("jit", [False, True])
def test_extrema_adjoints_are_loops_sharing_as_the_helper_does(jit):
    x = np.array([[1.0, 1.0, 0.0], [2.0, np.nan, 2.0], [0.0, 0.0, 0.0], [-1.0, 3.0, 3.0]])
    generic = astgrad.value_and_grad(extrema_of_lines, wrt=(0, 1), jit=jit)
    for v in (np.array([0.5, 0.5, -1.0]), np.array([0.5, np.nan, 0.5])):
        fast = astgrad.specialized(generic, [x, v])
        body = fast.source[fast.source.index("def "):]
        assert "extremum_adjoint(" not in "\n".join(
            line.split("#")[0] for line in body.splitlines())
        # against the gradient itself (the runtime's extremum_adjoint) and the tape, NaN
        # where they have NaN
        assert_same(fast.compiled(x, v), generic.compiled(x, v))
        assert_same(fast.compiled(x, v), tape.value_and_grad(extrema_of_lines, wrt=(0, 1))(x, v))


@pytest.mark.parametrize("jit", [False, True])
def test_a_specializer_that_fails_warns_and_the_gradient_runs(jit, monkeypatch):
    def broken(*args, **kwargs):
        raise TypeError("broken on purpose")

    monkeypatch.setattr(api, "specialize", broken)
    gradient = astgrad.value_and_grad(halved, jit=jit)
    with pytest.warns(astgrad.SpecializationWarning, match="TypeError: broken on purpose") \
            as warned:
        assert gradient(np.ones(3)) == (1.5, pytest.approx([0.5] * 3))
    assert warned[0].filename == __file__  # the line that called the gradient
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once: the gradient itself runs from now on
        assert gradient(np.ones(2)) == (1.0, pytest.approx([0.5] * 2))


@pytest.mark.parametrize("jit", [False, True])
def test_slices_bounded_by_sizes_are_checked_on_entry(jit):
    shapes = shapes_of(cells_in_a_loop, PATTERNS[cells_in_a_loop])
    args = [np.random.default_rng(4).normal(size=s) for s in shapes]
    fast = astgrad.specialized(gradient(cells_in_a_loop, jit), args)
    assert "w.shape[0] - 3 * " in fast.source  # w[3 * b:]'s size, checked
    assert_same(fast.compiled(*args), tape.value_and_grad(cells_in_a_loop, wrt=(0, 1, 2))(*args))
    longer = [args[0], np.ones(shapes[1][0] + 1), args[2]]  # w[3 * b:] is longer than x
    with pytest.raises(ShapePatternError):
        fast.compiled(*longer)
    with pytest.raises(astgrad.GradientRuntimeError, match="broadcast"):
        fast(*longer)  # the generic gradient's error, on the function's line


@pytest.mark.parametrize("jit", [False, True])
def test_a_loop_changing_a_shape_stays_generic(jit):
    generic = astgrad.value_and_grad(shortened_in_a_loop, jit=jit)
    args = (np.arange(5.0), 1)
    assert astgrad.specialized(generic, args) is generic
    with pytest.raises(astgrad.GradientRuntimeError, match="changes shape"):
        generic(*args)  # the generic gradient's error, on the loop's line


def test_arguments_of_mixed_dtypes_or_ranks_stay_generic():
    generic = gradient(broadcasts, jit=False)
    shapes = shapes_of(broadcasts, {"n": 2, "m": 3})
    mixed = [np.ones(shapes[0], np.float32), np.ones(shapes[1]), np.ones(shapes[2])]
    assert astgrad.specialized(generic, mixed) is generic
    cube = [np.ones((2, 3, 1)), np.ones(shapes[1]), np.ones(shapes[2])]
    assert astgrad.specialized(generic, cube) is generic


def test_float32_arguments_keep_float32():
    shapes = shapes_of(softmax_cross_entropy, PATTERNS[softmax_cross_entropy])
    rng = np.random.default_rng(0)
    args = [rng.normal(size=s).astype(np.float32) for s in shapes]
    generic = gradient(softmax_cross_entropy, jit=False)
    fast = astgrad.specialized(generic, args)
    assert "dtype float32" in fast.source.splitlines()[0]
    value, grads = fast(*args)
    expected_value, expected = generic.compiled(*args)
    assert all(g.dtype == np.float32 for g in grads)
    np.testing.assert_allclose(value, expected_value, rtol=1e-5)
    for g, e in zip(grads, expected):
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-6)
    wide = [a.astype(np.float64) for a in args]  # the tape in float64 at the same values
    taped_value, taped = tape.value_and_grad(softmax_cross_entropy,
                                             wrt=tuple(range(len(args))))(*wide)
    np.testing.assert_allclose(value, taped_value, rtol=1e-5)
    for g, e in zip(grads, taped):
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-6)


def scaled_rows(x1, x2):
    # found by the long fuzz run's float32 shard: as plain NumPy, the statements kept as
    # written (the write into a part of a1, and its adjoint) computed x2's gradient in
    # float64, and the specialized gradient returned it so
    a1 = np.ones((3,), dtype=np.float32)
    a1[1:] *= np.max(x1 * np.ones((2, 3), dtype=np.float32) / np.exp(x2), axis=-1)
    return np.sum(a1)


@pytest.mark.parametrize("jit", [False, True])
def test_float32_gradients_stay_float32_through_kept_statements(jit):
    args = (np.array([[0.0, 1.5, 0.22]], np.float32), np.array([1.02, 1.03, 1.01], np.float32))
    gradient_of_both = astgrad.grad(scaled_rows, wrt=(0, 1), jit=jit)
    grads = gradient_of_both(*args)
    assert len(gradient_of_both.specialized) == 1
    assert [g.dtype for g in grads] == [np.float32, np.float32]
    wide = [a.astype(np.float64) for a in args]  # the tape's in float64 at the same values
    taped = tape.grad(for_the_tape(scaled_rows), wrt=(0, 1))(*wide)
    for g, e in zip(grads, taped):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("jit", [False, True])
def test_gradients_that_are_one_array_are_returned_as_copies(jit):
    # the adjoints of a and b are the same array (the sum's adjoint, unbroadcast to itself):
    # returned twice, they must not share memory (an update of one would change the other)
    args = (np.ones((2, 3)), np.ones((2, 3)))
    fast = astgrad.specialized(astgrad.value_and_grad(summed, wrt=(0, 1), jit=jit), args)
    _, (da, db) = fast(*args)
    assert not np.shares_memory(da, db)
    np.testing.assert_array_equal(da, np.ones((2, 3)))


@pytest.mark.parametrize("jit", [False, True])
def test_a_product_computed_transposed_is_returned_row_major(jit):
    args = (np.arange(6.0).reshape(3, 2) / 6, np.arange(8.0).reshape(2, 4) / 8)
    generic = astgrad.value_and_grad(returns_a_transposed_product, wrt=(0, 1), jit=jit,
                                     has_aux=True)
    fast = astgrad.specialized(generic, args)
    assert fast is not generic
    (value, A), grads = fast(*args)
    (expected_value, expected_A), expected = generic.compiled(*args)
    assert A.flags.c_contiguous and not np.shares_memory(A, grads[0])
    np.testing.assert_allclose(A, expected_A, rtol=1e-12)
    assert_same((value, grads), (expected_value, expected))

    def loss(X, W):
        return returns_a_transposed_product(X, W)[0]

    assert_same((value, grads), tape.value_and_grad(loss, wrt=(0, 1))(*args))
    for k, g in enumerate(grads):
        np.testing.assert_allclose(g, numerical_gradient(loss, args, k), rtol=1e-5, atol=1e-7)


def test_branches_are_written_as_loops_too():
    args = [np.linspace(-1.0, 1.0, 4), np.linspace(0.5, 1.5, 4)]
    source = astgrad.specialized(gradient(branches_in_and_out_of_a_loop, False), args).source
    body = "\n".join(line.split("#")[0] for line in source[source.index("def "):].splitlines())
    assert "    if _t2:" in body and "    else:" in body  # (the first branch, both ways)
    assert "unbroadcast(" not in body and "zeros_like(y" not in body
    assert "np.tanh(y[_i" in body and "_t3[_i" in body  # (its value read back, element-wise)


@pytest.mark.parametrize("jit", [False, True])
def test_an_argument_a_branch_rebinds_has_no_known_shape_after_it(jit):
    # the version itself (.compiled), not the entry, which would fall back on an error
    function = regressions.argument_rebound_with_another_shape_in_a_branch
    for x in (np.array([0.5, 1.0, 2.0]), np.array([0.5, -1.0, -2.0])):
        fast = astgrad.specialized(astgrad.value_and_grad(function, jit=jit), [x])
        value, grad = fast.compiled(x.copy())
        expected_value, expected = tape.value_and_grad(function)(x)
        np.testing.assert_allclose(value, expected_value, rtol=1e-12)
        np.testing.assert_allclose(grad, expected, rtol=1e-12)


def _kept_results(function, args: list, jit: bool) -> str:
    """The specialized text of `function`'s gradient wrt all its arguments (comments and
    trailing spaces dropped), checked against the generic gradient run as Python."""
    wrt = tuple(range(len(args)))
    generic = [astgrad.value_and_grad(function, wrt=wrt, jit=j) for j in (jit, False)]
    fast = astgrad.specialized(generic[0], args)
    assert_same(fast.compiled(*args), generic[1].compiled(*args))
    return "\n".join(line.split("#")[0].rstrip() for line in fast.source.splitlines())


@pytest.mark.parametrize("jit", [False, True])
def test_a_helpers_results_kept_by_a_loop_are_written_and_read_by_its_nests(jit):
    # gates' forward half returns its tanh and its exp for its adjoint: the loop keeps them
    # in tapes of (trips, m), made before the loop (the generic gradient makes them at its
    # first trip), which its nests fill and the reversed trips read (no exp, no tanh there)
    args = [np.random.default_rng(3).normal(size=s) for s in [(3,), (12,), (4, 3)]]
    body = _kept_results(cells_in_a_loop, args, jit)
    assert "keep_result(" not in body and "result_tape(" not in body
    forward = body.index("for k in range(")  # the tapes made before the loop, not in a branch
    assert "_kept_gates" in body[:forward] and "if (k == 0)" not in body
    reverse = body[re.search(r"for k in range\(\w+ - 1, -1, -1\)", body).start():]
    assert "np.exp(" not in reverse and "np.tanh(" not in reverse
    body = _kept_results(squashed_in_a_loop, [np.linspace(-1.0, 1.0, 4),
                                              np.linspace(0.5, 1.5, 3)], jit)
    assert re.search(r"_kept_squash_\w+\[k, _i\d+\] = _out\d+$", body, re.M)
    body = _kept_results(stacked_squashes, [np.linspace(-1.0, 1.0, 4),
                                            np.linspace(0.5, 1.5, 5)], jit)
    assert re.search(r"^    _kept_squash_\w+ = np\.empty\(\(max\(_\w+_on_entry, 0\)", body, re.M)
