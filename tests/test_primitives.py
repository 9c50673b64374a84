"""Every primitive the registry declares (astgrad/rules/): its facts checked against NumPy on
shapes hypothesis draws, and its derivative recorded by the tape engine.

The facts: the result's shape (`shape`, or the broadcast shape of an elementwise primitive)
and dtype (floats of float operands unless `dtype` says otherwise),
whether it may share memory with its operand (`view`; a primitive that is not declared one
must never), whether it allocates (never shares), whether it is a number given its operand
alone (`number`), that one declared `total` computes any finite numbers without a warning
but an overflow, and, for an elementwise one, that each element of its result is the
primitive of the operands' elements at that place. A primitive new to the registry fails
`test_every_primitive_has_an_example` until it has an example call here.
"""

import builtins
import math
import operator

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from astgrad import runtime, tape
from astgrad.ir import Attribute, Method
from astgrad.rules import declared, facts_of, lookup


def name(primitive) -> str:
    """A primitive's name, the same in every process (test ids, their order)."""
    if isinstance(primitive, Method | Attribute):
        return repr(primitive)
    module = getattr(primitive, "__module__", None) or (
        "numpy" if isinstance(primitive, np.ufunc) else "")
    return f"{module}.{getattr(primitive, '__qualname__', None) or primitive.__name__}"


REGISTRY = declared()
PRIMITIVES = sorted(REGISTRY, key=name)

# primitives whose results are not arrays or numbers: no array fact applies
NOT_ARRAYS = {np.shape, range, Attribute("shape"), Attribute("dtype"), runtime.not_shared,
              runtime.check_progress}
# functions of Python numbers only (the `math` module, int(), round(), bool())
OF_NUMBERS = {builtins.int, builtins.round, builtins.bool, builtins.float}

shape = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)


def array(draw, dims=None):
    """A float array of a drawn shape (of rank `dims` if given), values in [-1, 1]."""
    drawn = draw(hnp.array_shapes(min_dims=dims or 1, max_dims=dims or 3, min_side=1,
                                  max_side=4))
    return draw(hnp.arrays(np.float64, drawn, elements=st.floats(-1, 1)))


@st.composite
def reduction(draw):
    a = array(draw)
    axis = draw(st.sampled_from([None, *range(a.ndim), -1]))
    return (a,), {"axis": axis, "keepdims": draw(st.booleans())}


@st.composite
def one_array(draw, dims=None):
    return (array(draw, dims),), {}


@st.composite
def product(draw, ranks):
    """Operands of a matrix product of ranks drawn from `ranks`, their inner sizes equal."""
    left, right = draw(st.sampled_from(ranks))
    n, inner, m, stack = (draw(st.integers(1, 4)) for _ in range(4))
    shapes = {0: (), 1: (inner,), 2: (n, inner), 3: (stack, n, inner)}
    right_shapes = {0: (), 1: (inner,), 2: (inner, m), 3: (stack, inner, m)}
    return (np.ones(shapes[left]), np.ones(right_shapes[right])), {}


@st.composite
def transposition(draw, spread=False):
    """x.transpose(*axes) (`spread`), np.transpose(x, axes), or either without axes."""
    a = array(draw)
    axes = tuple(draw(st.permutations(range(a.ndim))))
    if not draw(st.booleans()):
        return (a,), {}
    return ((a, *axes) if spread and draw(st.booleans()) else (a, axes)), {}


@st.composite
def reshaping(draw, spread=False):
    """x.reshape(*shape) (`spread`) or np.reshape(x, shape), a -1 among the sizes or not."""
    a = array(draw)
    size = a.size
    rows = draw(st.sampled_from([d for d in range(1, size + 1) if size % d == 0]))
    new = draw(st.sampled_from([(rows, size // rows), (rows, -1), (-1,), (size,)]))
    return ((a, *new) if spread and draw(st.booleans()) else (a, new)), {}


@st.composite
def filling(draw):
    return (draw(shape), draw(st.floats(-1, 1))), {}


@st.composite
def like(draw):
    return (array(draw), draw(st.floats(-1, 1))), {}


@st.composite
def created(draw):
    return (draw(shape),), {}


@st.composite
def square(draw, columns=True):
    n = draw(st.integers(1, 4))
    return ((n, draw(st.integers(1, 4))) if columns and draw(st.booleans()) else (n,)), {}


@st.composite
def bounds(draw):
    start, stop = draw(st.integers(-3, 3)), draw(st.integers(-3, 3))
    return (start, stop, draw(st.sampled_from([1, 2, -1]))), {}


@st.composite
def expand(draw):
    a = array(draw)
    return (a, draw(st.integers(0, a.ndim))), {}


@st.composite
def broadcast_to(draw):
    a = array(draw)
    return (a, (draw(st.integers(1, 3)), *a.shape)), {}


@st.composite
def index(draw):
    a = array(draw)
    picks = [slice(1, None), 0, -1, (slice(None), 0) if a.ndim > 1 else slice(None, None, 2),
             np.array([0, 0, -1])]
    return (a, draw(st.sampled_from(picks))), {}


@st.composite
def stack(draw):
    return (array(draw, draw(st.sampled_from([2, 3]))),), {}


@st.composite
def cumulation(draw):
    a = array(draw)
    return (a,), ({"axis": draw(st.integers(-a.ndim, a.ndim - 1))} if draw(st.booleans()) else {})


@st.composite
def differencing(draw):
    a = array(draw)
    axis = draw(st.integers(-a.ndim, a.ndim - 1))
    return (a,), {"n": draw(st.integers(0, a.shape[axis])), "axis": axis}


@st.composite
def weighing(draw):
    """np.average's operands: weights of the array's shape, 1-D along the axis, or none."""
    (a,), kwargs = draw(reduction())
    form = draw(st.sampled_from(["none", "whole", "along"] if kwargs["axis"] is not None
                                else ["none", "whole"]))
    if form != "none":
        shape = a.shape if form == "whole" else (a.shape[kwargs["axis"]],)
        kwargs["weights"] = draw(hnp.arrays(np.float64, shape, elements=st.floats(0.5, 1)))
    return (a,), kwargs


@st.composite
def swapped(draw):
    """An array and two of its axes (np.swapaxes, np.moveaxis)."""
    a = array(draw)
    axes = st.integers(-a.ndim, a.ndim - 1)
    return (a, draw(axes), draw(axes)), {}


@st.composite
def triangle(draw):
    return (array(draw, 2),), ({"k": draw(st.integers(-2, 2))} if draw(st.booleans()) else {})


EINSUMS = ["ij,jk->ik", "ij,jk", "ii->i", "ii", "iji->ij", "i,i", "i,j->ij", "ij->", "ji",
           "...ij,...jk->...ik", "ijk,kj->i", "i,ij,j->"]


@st.composite
def contraction(draw):
    """np.einsum's subscripts and operands of sizes that fit them (a 1 may broadcast)."""
    subscripts = draw(st.sampled_from(EINSUMS))
    sizes = {c: draw(st.integers(1, 3)) for c in "ijk"}
    batch = draw(st.lists(st.integers(1, 2), max_size=2))
    operands = []
    for term in subscripts.split("->")[0].split(","):
        shape = [sizes[c] if draw(st.integers(0, 4)) else 1 for c in term.replace("...", "")]
        letters = term.replace("...", "")
        for c in {c for c in letters if letters.count(c) > 1}:  # a diagonal: equal sizes
            shape = [sizes[c] if d == c else n for d, n in zip(letters, shape)]
        if "..." in term:
            shape = batch[draw(st.integers(0, len(batch))):] + shape
        operands.append(draw(hnp.arrays(np.float64, tuple(shape), elements=st.floats(-1, 1))))
    return (subscripts, *operands), {}


@st.composite
def joining(draw, new_axis=False, axis=True):
    """A tuple of one to three arrays of one shape but along the axis they join (along a new
    axis: of one shape) and, where `axis`, the axis (np.concatenate's may be None)."""
    rank = draw(st.integers(1, 3))
    shape = draw(hnp.array_shapes(min_dims=rank, max_dims=rank, max_side=3))
    given = draw(st.integers(0, 3)) > 0  # else the default axis, 0
    at = draw(st.integers(-rank - new_axis, rank - 1 + new_axis)) if given else 0
    arrays = []
    for _ in range(draw(st.integers(1, 3))):
        own = list(shape)
        if not new_axis and axis:
            own[at] = draw(st.integers(1, 3))
        arrays.append(draw(hnp.arrays(np.float64, tuple(own), elements=st.floats(-1, 1))))
    if not axis:
        return (tuple(arrays),), {}
    if given and not new_axis and draw(st.booleans()):
        at = None
    return (tuple(arrays),), ({"axis": at} if given else {})


@st.composite
def last_axes(draw):
    """np.inner's operands: of one size along their last axes (or a number and an array)."""
    size = draw(st.integers(1, 3))
    shapes = [draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3)) for _ in range(2)]
    if draw(st.integers(0, 4)):
        shapes = [s + (size,) for s in shapes]
    else:  # a number scales the other
        shapes[draw(st.integers(0, 1))] = ()
    return tuple(draw(hnp.arrays(np.float64, s, elements=st.floats(-1, 1)))
                 for s in shapes), {}


@st.composite
def summed_axes(draw):
    """np.tensordot's operands: a's last `axes` axes of the sizes of b's first."""
    axes = draw(st.integers(0, 2))
    summed = draw(hnp.array_shapes(min_dims=axes, max_dims=axes, max_side=3)) if axes else ()
    kept_a = draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3))
    kept_b = draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3))
    a = draw(hnp.arrays(np.float64, kept_a + summed, elements=st.floats(-1, 1)))
    b = draw(hnp.arrays(np.float64, summed + kept_b, elements=st.floats(-1, 1)))
    return (a, b), ({"axes": axes} if axes != 2 or draw(st.booleans()) else {})


@st.composite
def arraying(draw):
    """np.array's operand: an array, or a tuple of numbers or of arrays of one shape."""
    form = draw(st.sampled_from(["array", "numbers", "arrays"]))
    if form == "array":
        return (array(draw),), {}
    if form == "numbers":
        return (tuple(draw(st.lists(st.floats(-1, 1), min_size=1, max_size=4))),), {}
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=2, max_side=3))
    count = draw(st.integers(1, 3))
    return (tuple(draw(hnp.arrays(np.float64, shape, elements=st.floats(-1, 1)))
                  for _ in range(count)),), {}


@st.composite
def weighted_reduction(draw):
    """scipy.special.logsumexp's operands: a reduction's, with weights b of a's shape or
    none."""
    (a,), kwargs = draw(reduction())
    if draw(st.booleans()):
        kwargs["b"] = draw(hnp.arrays(np.float64, a.shape, elements=st.floats(0.5, 1)))
    return (a,), kwargs


@st.composite
def along(draw):
    """An array and one of its axes or none (scipy.special.softmax)."""
    a = array(draw)
    return (a,), {"axis": draw(st.sampled_from([None, *range(a.ndim), -1]))}


@st.composite
def cast(draw):
    return (array(draw), draw(st.sampled_from([np.float32, np.float64, np.int64]))), {}


PRODUCTS = [(1, 1), (1, 2), (2, 1), (2, 2), (3, 2), (2, 3), (1, 3), (3, 1), (3, 3)]
EXAMPLES = {
    **dict.fromkeys([np.sum, np.mean, np.max, np.amax, np.min, np.amin, np.argmax, np.argmin,
                     Method("sum"), Method("mean"), Method("max"), Method("min"),
                     Method("argmax"), Method("argmin"), np.prod, Method("prod"), np.var,
                     Method("var"), np.std, Method("std"), np.ptp, np.nansum, np.nanmean],
                    reduction()),
    **dict.fromkeys([np.matmul, operator.matmul], product(PRODUCTS)),
    **dict.fromkeys([np.dot, Method("dot")], product([(0, 2), (2, 0), (1, 1), (2, 1), (2, 2),
                                                      (1, 2)])),  # (of stacks: refused)
    np.outer: product([(1, 1), (2, 2), (2, 1)]),
    np.trace: stack(),
    np.einsum: contraction(),
    np.inner: last_axes(),
    np.tensordot: summed_axes(),
    np.array: arraying(),
    scipy.special.logsumexp: weighted_reduction(),
    **dict.fromkeys([scipy.special.softmax, scipy.special.log_softmax], along()),
    np.concatenate: joining(),
    np.stack: joining(new_axis=True),
    **dict.fromkeys([np.vstack, np.hstack, np.column_stack, np.dstack], joining(axis=False)),
    **dict.fromkeys([np.cumsum, Method("cumsum"), np.cumprod, Method("cumprod")],
                    cumulation()),
    np.diff: differencing(),
    np.average: weighing(),
    np.flip: cumulation(),  # (an array, an axis or none)
    **dict.fromkeys([np.flipud, np.fliplr], one_array(dims=2)),
    np.swapaxes: swapped(),
    np.moveaxis: swapped(),
    **dict.fromkeys([np.tril, np.triu], triangle()),
    np.transpose: transposition(),
    Method("transpose"): transposition(spread=True),
    np.reshape: reshaping(),
    Method("reshape"): reshaping(spread=True),
    **dict.fromkeys([Attribute("T"), np.ravel, Method("ravel"), Method("flatten"), np.asarray,
                     np.copy, Method("copy"), np.zeros_like, np.ones_like,
                     np.empty_like, np.argsort, Method("argsort"), np.ndim, np.size, len,
                     Attribute("ndim"), Attribute("size"), runtime.stop_gradient, np.squeeze,
                     np.atleast_1d, np.atleast_2d, Method("squeeze"), Method("view")],
                    one_array()),
    operator.getitem: index(),
    np.full: filling(),
    np.full_like: like(),
    Method("astype"): cast(),
    **dict.fromkeys([np.zeros, np.ones, np.empty], created()),
    np.eye: square(),
    np.identity: square(columns=False),
    runtime.trip_count: bounds(),
    runtime.loop_bound: st.tuples(st.tuples(st.integers(-3, 3)), st.just({})),
    np.expand_dims: expand(),
    math.acosh: st.tuples(st.tuples(st.floats(1.0, 3.0)), st.just({})),  # (0.1-0.9: none)
    np.broadcast_to: broadcast_to(),
}


def call(primitive, args, kwargs):
    """The primitive applied as generated code applies it (a method on its first argument)."""
    if isinstance(primitive, Method):
        return getattr(args[0], primitive.name)(*args[1:], **kwargs)
    if isinstance(primitive, Attribute):
        return getattr(args[0], primitive.name)
    return primitive(*args, **kwargs)


def arity(primitive) -> int:
    rule = lookup(primitive)
    if rule is not None and rule.signature is not None:
        return sum(p.default is p.empty for p in rule.signature.parameters.values())
    if isinstance(primitive, np.ufunc):
        return primitive.nin
    return 2 if primitive in (operator.and_, operator.or_, operator.xor, operator.floordiv,
                              operator.lt, operator.le, operator.gt, operator.ge, operator.eq,
                              operator.ne) else 1


def of_numbers(primitive) -> bool:
    return primitive in OF_NUMBERS or getattr(primitive, "__module__", None) == "math" or (
        primitive in (builtins.max, builtins.min, builtins.abs, builtins.pow))


@st.composite
def elementwise(draw, primitive):
    """Operands of broadcastable shapes (numbers, for functions of Python numbers)."""
    count = arity(primitive)
    if of_numbers(primitive):
        return tuple(draw(st.floats(0.1, 0.9)) for _ in range(count)), {}
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=count, max_dims=3, max_side=3))
    operands = [draw(hnp.arrays(np.float64, s, elements=st.floats(0.1, 0.9)))
                for s in shapes.input_shapes]
    if primitive in (operator.and_, operator.or_, operator.xor, operator.not_,
                     operator.invert, np.logical_and, np.logical_or, np.logical_xor,
                     np.logical_not):
        operands = [o > 0.5 for o in operands]
    if primitive is np.where:
        operands[0] = operands[0] > 0.5
    if primitive is operator.not_:
        operands = [np.bool_(np.all(operands[0]))]  # `not` of an array is refused
    return tuple(operands), {}


def example(primitive):
    if primitive in EXAMPLES:
        return EXAMPLES[primitive]
    return elementwise(primitive)


def test_every_primitive_has_an_example():
    missing = [p for p in PRIMITIVES if p not in NOT_ARRAYS and p not in EXAMPLES
               and not REGISTRY[p].elementwise]
    assert not missing, f"primitives without an example call in this test: {missing}"


def _arrays(values) -> list:
    """The arrays among values, and in a tuple among them (np.concatenate's)."""
    return [v for value in values for v in (value if isinstance(value, tuple) else (value,))
            if isinstance(v, np.ndarray)]


@pytest.mark.parametrize("primitive", [p for p in PRIMITIVES if p not in NOT_ARRAYS],
                         ids=name)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_declared_facts_hold(primitive, data):
    facts = facts_of(primitive)
    args, kwargs = data.draw(example(primitive))
    with np.errstate(all="ignore"):
        result = call(primitive, args, kwargs)
    declared_shape = facts.result_shape(*args, **kwargs)
    if declared_shape is not None:
        assert declared_shape == np.shape(result), (args, kwargs)
    shares = isinstance(result, np.ndarray) and any(
        np.shares_memory(result, a) for a in _arrays(args))
    assert not shares or facts.view, "its result shares memory but it is not declared a view"
    assert not (shares and facts.allocates), "declared to allocate, its result is shared"
    kind = np.asarray(result).dtype.kind
    assert kind == {"bool": "b", "int64": "i"}.get(facts.dtype, kind if facts.dtype else "f"), (
        f"a result of dtype kind {kind}, declared {facts.dtype}")
    if facts.number:  # a reduction of its operand alone; len(x), trip_count(...) always
        assert np.ndim(call(primitive, args[:1], {}) if kwargs else result) == 0
    if facts.total and all(np.all(np.isfinite(a)) for a in args if np.ndim(a) or
                           isinstance(a, float)):  # of finite numbers: nothing but overflow
        with np.errstate(all="raise", over="ignore"):
            call(primitive, args, kwargs)
    if facts.elementwise and np.ndim(result) > 0:
        place = tuple(data.draw(st.integers(0, n - 1)) for n in np.shape(result))
        at = [np.broadcast_to(a, np.shape(result))[place] if np.ndim(a) else a for a in args]
        with np.errstate(all="ignore"):  # (NumPy's vector loops may round the last bit apart)
            alone = call(primitive, at, kwargs)
        assert np.allclose(result[place], alone, rtol=1e-14, atol=0, equal_nan=True)


# Primitives with a derivative that the tape engine cannot record: why
NOT_IN_THE_TAPE = {
    **dict.fromkeys([p for p in PRIMITIVES if of_numbers(p)],
                    "a function of Python numbers: a tensor is not one (its NumPy twin is)"),
    **dict.fromkeys([np.asarray, np.array, np.float64, np.float32],
                    "NumPy makes an ndarray of its argument without asking it (no dispatch)"),
    np.full: "NumPy writes the fill value into a new array without asking it (no dispatch)",
    **dict.fromkeys([scipy.special.logsumexp, scipy.special.softmax, scipy.special.log_softmax],
                    "SciPy's Python function makes an array of its argument (no dispatch)"),
}


@pytest.mark.parametrize("primitive", [p for p in PRIMITIVES
                                       if lookup(p) is not None and not lookup(p).is_zero
                                       and p not in NOT_IN_THE_TAPE], ids=name)
@settings(max_examples=3, deadline=None)
@given(data=st.data())
def test_the_tape_records_each_differentiable_primitive(primitive, data):
    args, kwargs = data.draw(example(primitive))
    differentiable = [k for k, a in enumerate(args) if isinstance(a, np.ndarray | float)
                      and np.asarray(a).dtype.kind == "f"]
    tensors = [tape.tensor(a, requires_grad=True) if k in differentiable else a
               for k, a in enumerate(args)]
    if facts_of(primitive).sequence:  # the arrays it joins are its operands
        tensors[0] = tuple(tape.tensor(a, requires_grad=True) for a in args[0])
    with np.errstate(all="ignore"):
        result = call(primitive, tensors, kwargs)
    assert isinstance(result, tape.Tensor), primitive
    assert result.requires_grad or result.dtype.kind in "biu", primitive  # (a cast to ints)
