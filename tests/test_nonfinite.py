"""NaN and infinity go through gradients as PyTorch sends them.

For each derivative rule (the functions of tests/corpus/rules.py), hypothesis draws inputs
whose elements are often NaN, +inf, -inf or an edge point of the rule (0 for sqrt, log, abs
and division, equal operands for maximum and minimum, ties for max and min, the bounds of
clip). The gradient from astgrad, compiled and as plain NumPy, and from the tape engine must
equal PyTorch's (float64, torch.autograd) elementwise: NaN where PyTorch has NaN, infinities of
the same sign, other values to 1e-9.

Each function has its PyTorch twin here, written as the same formula. Some twins are not the
obvious PyTorch call, because astgrad keeps a convention of its own (`CONVENTIONS`):

- max and min over an axis share the gradient among the elements that attain the result, a
  NaN attaining a NaN result: what PyTorch's `max()` of a whole array does. PyTorch's `amax`
  and `amin` instead give NaN to every element of a slice holding a NaN (a 0/0 in their
  backward), which astgrad does not copy.
- floor division has zero derivative: PyTorch's `floor_divide` has no derivative at all, its
  `div(rounding_mode="floor")` has zero.
- Python's `max(a, b)` and `min(a, b)` give all of a tie's gradient to `a`, which is what they
  return (PyTorch has no such function; the twin is the `torch.where` that picks the same).
- np.prod and np.cumprod give each element the product of the others, multiplied out;
  PyTorch's `prod()` and `cumprod()` divide by the element where none is 0, which is NaN at
  an infinite element and wrong where the product underflows (the twins are chains of
  multiplications).

The math-module functions are left out: they raise ValueError outside their domain (at inf,
for instance) in plain Python, where NumPy and PyTorch give NaN.

Gradients are built once and called with one shape per function, so the draws of hypothesis
cost no compilation.
"""

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import astgrad
from astgrad import tape

from .corpus import rules
from .corpus.rules import CASES
from .strategies import weight_shape

torch = pytest.importorskip("torch")

NAN, INF = float("nan"), float("inf")
# Drawn often: the non-finite values, and the edge points of the rules.
SPECIAL = [NAN, INF, -INF, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0]

CONVENTIONS = {
    "max_axis": "shares among the attaining elements, NaN included, as PyTorch's max() does; "
                "PyTorch's amax gives NaN to a whole slice that holds a NaN",
    "min_axis_keepdims": "as max_axis, for amin",
    "floordiv": "zero derivative, as PyTorch's div(rounding_mode='floor')",
    "builtins_functions": "max(a, b) and min(a, b) give all of a tie's gradient to a, the "
                          "value Python returns (np.maximum shares it, as torch.maximum does)",
    "prod": "the product of the other elements, multiplied out; PyTorch's prod() divides the "
            "product by the element where none is 0 (NaN at an infinite one, and wrong where "
            "the product underflows)",
    "prod_axis": "as prod, along an axis",
    "cumprod": "as prod, for each running product",
}

# The tape refuses float(tensor), which would drop the gradient (PyTorch would drop it silently).
WITHOUT_TAPE = {"builtins_functions"}


def _multiplied(x):
    """The product of x's rows, as a chain of multiplications: its gradient is the product
    of the others (PyTorch's prod() divides the product by the element instead)."""
    return functools.reduce(operator.mul, x.unbind(0))


def _running_products(x):
    """torch.cumprod along dim 0, as a chain of multiplications (see _multiplied)."""
    rows = list(x.unbind(0))
    for k in range(1, len(rows)):
        rows[k] = rows[k - 1] * rows[k]
    return torch.stack(rows)


def _per_slice(reduce, x, dim, keepdim=False):
    """`reduce` (torch.max or torch.min of a whole array) of each slice along `dim`."""
    out = torch.stack([reduce(part) for part in x.unbind(1 - dim)])
    return out.unsqueeze(dim) if keepdim else out


T = torch
TWINS: dict[str, Callable] = {
    # operators
    "add": lambda x, y, w: ((x + y) * w).sum(),
    "sub": lambda x, y, w: ((x - y) * w).sum(),
    "mul": lambda x, y, w: ((x * y) * w).sum(),
    "div": lambda x, y, w: ((x / y) * w).sum(),
    "power": lambda x, y, w: ((x ** y) * w).sum(),
    "power_constant": lambda x, w: ((x ** 3) * w).sum(),
    "np_power": lambda x, y, w: (T.pow(x, y) * w).sum(),
    "mod": lambda x, y, w: (T.remainder(x, y) * w).sum(),
    "floordiv": lambda x, y, w: ((T.div(x, y, rounding_mode="floor") + x) * w).sum(),
    "neg": lambda x, w: ((-x) * w).sum(),
    "pos": lambda x, w: ((+x) * w).sum(),
    "builtin_abs": lambda x, w: (abs(x) * w).sum(),
    "np_abs": lambda x, w: (T.abs(x) * w).sum(),
    "compare": lambda x, y, w: (((x < y) + (x >= y) * 2.0 + x) * w).sum(),
    "np_ufunc_ops": lambda x, y, w: (((x + y) * (x - y) + (x * y) / (y / 2.0)) * w).sum(),
    "builtins_functions": lambda x, y, w: (
        T.where(y > x, y, x) * 2.0 + T.where(y < x, y, x) + x * abs(y) + x ** 2 + y) * w,
    # elementwise functions
    "exp": lambda x, w: (T.exp(x) * w).sum(),
    "exp2": lambda x, w: (T.exp2(x) * w).sum(),
    "expm1": lambda x, w: (T.expm1(x) * w).sum(),
    "log": lambda x, w: (T.log(x) * w).sum(),
    "log2": lambda x, w: (T.log2(x) * w).sum(),
    "log10": lambda x, w: (T.log10(x) * w).sum(),
    "log1p": lambda x, w: (T.log1p(x) * w).sum(),
    "sqrt": lambda x, w: (T.sqrt(x) * w).sum(),
    "square": lambda x, w: (T.square(x) * w).sum(),
    "reciprocal": lambda x, w: (T.reciprocal(x) * w).sum(),
    "sin": lambda x, w: (T.sin(x) * w).sum(),
    "cos": lambda x, w: (T.cos(x) * w).sum(),
    "tan": lambda x, w: (T.tan(x) * w).sum(),
    "arcsin": lambda x, w: (T.asin(x) * w).sum(),
    "arccos": lambda x, w: (T.acos(x) * w).sum(),
    "arctan": lambda x, w: (T.atan(x) * w).sum(),
    "arctan2": lambda y, x, w: (T.atan2(y, x) * w).sum(),
    "hypot": lambda x, y, w: (T.hypot(x, y) * w).sum(),
    "sinh": lambda x, w: (T.sinh(x) * w).sum(),
    "cosh": lambda x, w: (T.cosh(x) * w).sum(),
    "tanh": lambda x, w: (T.tanh(x) * w).sum(),
    "arcsinh": lambda x, w: (T.asinh(x) * w).sum(),
    "arccosh": lambda x, w: (T.acosh(x) * w).sum(),
    "arctanh": lambda x, w: (T.atanh(x) * w).sum(),
    "sinc": lambda x, w: (T.sinc(x) * w).sum(),
    "angles": lambda x, w: ((2 * T.deg2rad(x) + 2 * T.rad2deg(x)) * w).sum(),
    "logaddexp": lambda x, y, w: ((T.logaddexp(x, y) + T.logaddexp2(x, y)) * w).sum(),
    "float_power": lambda x, y, w: (T.float_power(x, y) * w).sum(),
    "copysign": lambda x, y, w: (T.copysign(x, y) * w).sum(),
    "fmax": lambda x, y, w: (T.fmax(x, y) * w).sum(),
    "fmin": lambda x, y, w: (T.fmin(x, y) * w).sum(),
    "nan_to_num": lambda x, w: (T.nan_to_num(x * 2.0, nan=0.5, posinf=2.0) * w).sum(),
    "maximum": lambda x, y, w: (T.maximum(x, y) * w).sum(),
    "minimum": lambda x, y, w: (T.minimum(x, y) * w).sum(),
    "where": lambda x, y, w: (T.where(x > 0.3, x * y, y - x) * w).sum(),
    "clip": lambda x, w: (T.clamp(x, -0.5, 0.5) * w).sum(),
    "clip_bounds": lambda x, lo, w: (T.clamp(x, lo, lo + 1.0) * w).sum(),
    "sign_floor_ceil_round": lambda x, w: (
        (T.sign(x) + T.floor(x) + T.ceil(x) + T.round(x) + x) * w).sum(),
    # reductions
    "sum_method": lambda x, w: x.sum() * w,
    "sum_axis": lambda x, w: (x.sum(0) * w).sum(),
    "sum_axis_last_keepdims": lambda x, w: (x.sum(-1, keepdim=True) * w).sum(),
    "mean": lambda x, w: x.mean() * w + x.mean(),
    "mean_axis": lambda x, w: (x.mean(1) * w).sum(),
    "maximum_reduction": lambda x, w: x.max() * w + x.max(),
    "minimum_reduction": lambda x, w: x.min() * w + x.min() + x.max(),
    "max_axis": lambda x, w: (_per_slice(T.max, x, 0) * w).sum(),
    "min_axis_keepdims": lambda x, w: (_per_slice(T.min, x, 1, keepdim=True) * w).sum(),
    "cumprod": lambda x, w: (_running_products(x) * w).sum() + (
        _running_products(x.T).T * _running_products(x.flatten())[:1]).sum(),
    "diff": lambda x, w: (T.diff(x) * w).sum() + T.diff(x, n=2, dim=-1).sum() + (
        T.diff(x, dim=0) ** 2).sum(),
    "flips": lambda x, w: ((T.flip(x, (0, 1)) + T.flip(x, (-1,)) * x + T.flipud(x)
                            + T.fliplr(x) ** 2) * w).sum(),
    "moved_axes": lambda x, w: (T.swapaxes(x, 0, 1) * w).sum() + (T.movedim(x, 0, -1) ** 3).sum(),
    "triangles": lambda x, w: ((T.tril(x) + T.triu(x, 1) * x + T.tril(x, -1) ** 2) * w).sum(),
    "prod": lambda x, w: _multiplied(x.flatten()) * w,
    "prod_axis": lambda x, w: (_multiplied(x) * w).sum() + _multiplied(x.T).sum(),
    "var_axis": lambda x, w: (x.var(0) * w).sum() + x.var(-1, correction=0, keepdim=True).sum(),
    "nan_reductions": lambda x, w: (T.nansum(x, 0) * w).sum() + T.nanmean(x) + (
        T.nanmean(x, -1, keepdim=True) * T.nansum(x)).sum(),
    # products and shapes
    "dot": lambda a, b, w: ((a @ b) * w).sum(),
    "error_functions": lambda x, w: ((T.erf(x) + 0.5 * T.erfc(x) + T.sigmoid(x)) * w).sum(),
    "matmul": lambda a, b, w: ((a @ b) * w).sum(),
    "outer": lambda a, b, w: (T.outer(a, b) * w).sum(),
    "trace": lambda a, w: T.trace(a) * w,
    "transpose": lambda a, w: (a.T * w).sum(),
    "reshape": lambda a, w: (a.reshape(3, 2) * w).sum(),
    "index_slice": lambda a, w: (a[1:3] * w).sum() + a.flip(0)[::2].sum(),
    "index_tuple": lambda a, w: a[1, 2] * w + a[0, -1] * a[1, 0],
}

CASE = {case.name: case for case in CASES}


@dataclass
class Compiled:
    """A corpus function's gradients, built once: astgrad's (both modes) and the tape's."""

    function: object
    arity: int

    def __post_init__(self):
        wrt = tuple(range(self.arity))
        self.compiled = astgrad.grad(self.function, wrt=wrt)
        self.python = astgrad.grad(self.function, wrt=wrt, jit=False)
        self.tape = tape.grad(self.function, wrt=wrt)


_built: dict[str, Compiled] = {}


def built(name: str) -> Compiled:
    if name not in _built:
        function = getattr(rules, name)
        _built[name] = Compiled(function, function.__code__.co_argcount - 1)
    return _built[name]


def _shapes(name: str) -> tuple:
    """The most general shapes of the rule test (compiled there already: numba's disk cache)."""
    case, arity = CASE[name], getattr(rules, name).__code__.co_argcount - 1
    spec = case.shapes[-1]
    return spec if spec and isinstance(spec[0], tuple) else (spec,) * arity


def _elements():
    # finite values of moderate size: a tiny one makes the rules' terms cancel in amounts
    # that rounding decides (in PyTorch too), which is not what this file is about
    moderate = st.floats(-3.0, 3.0).filter(lambda v: abs(v) >= 1e-3)
    return st.one_of(st.sampled_from(SPECIAL), moderate)


@st.composite
def inputs(draw, name):
    """Arguments with many non-finite and edge elements, and a finite weight."""
    args = []
    for shape in _shapes(name):
        value = draw(arrays(np.float64, shape, elements=_elements()))
        args.append(float(value) if shape == () else value)
    with np.errstate(all="ignore"):
        shape = weight_shape(getattr(rules, name), args)
    weight = draw(arrays(np.float64, shape, elements=st.sampled_from([0.5, -1.5, 2.0])))
    return args, (float(weight) if shape == () else weight)


def pytorch_gradients(name: str, args: list, weight) -> list:
    tensors = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in args]
    TWINS[name](*tensors, torch.tensor(weight, dtype=torch.float64)).backward()
    return [t.grad.numpy() if t.grad is not None else np.zeros(t.shape) for t in tensors]


def assert_same(ours, theirs, what: str) -> None:
    """Equal elementwise: NaN positions, infinities and their signs, values to 1e-9."""
    for position, (a, b) in enumerate(zip(ours, theirs)):
        assert np.shape(a) == np.shape(b), what
        np.testing.assert_allclose(np.asarray(a, float), b, rtol=1e-9, atol=1e-9,
                                   equal_nan=True, err_msg=f"{what}, gradient {position}")


def test_every_twin_is_a_rule_case():
    assert set(TWINS) <= set(CASE)
    assert set(CONVENTIONS) <= set(TWINS)


@pytest.mark.parametrize("name", list(TWINS))
def test_nonfinite_gradients_are_pytorchs(name):
    gradients = built(name)

    @given(inputs(name))
    def check(drawn):
        args, weight = drawn
        expected = pytorch_gradients(name, args, weight)
        with np.errstate(all="ignore"):
            for engine in ("compiled", "python") + (("tape",) if name not in WITHOUT_TAPE
                                                     else ()):
                got = getattr(gradients, engine)(*args, weight)
                got = got if isinstance(got, tuple) else (got,)
                assert_same(got, expected, f"{name} ({engine}) at {args}")

    check()
