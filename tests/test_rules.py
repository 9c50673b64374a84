"""Every derivative rule against central finite differences, compiled and as plain NumPy.

Inputs are drawn by hypothesis, away from each function's kinks, for scalars, arrays and
broadcasting shapes (tests/corpus/rules.py lists the cases).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import astgrad
from astgrad import tape
from astgrad.testing import check_grads

from .corpus.rules import CASES
from .strategies import away_from_kinks, values, weight_shape


def _arity(case) -> int:
    return case.function.__code__.co_argcount - 1  # all but the weight


def _shapes(case, spec):
    return spec if isinstance(spec, tuple) and spec and isinstance(spec[0], tuple) else (spec,) * (
        _arity(case))


@st.composite
def case_inputs(draw, case, dtype=np.float64, jit=False):
    # Compiling costs about a second per new signature: compiled, a rule is checked for its
    # first and its most general shapes; as plain NumPy, for all of them.
    shapes = case.shapes if not jit else tuple(dict.fromkeys((case.shapes[0], case.shapes[-1])))
    spec = draw(st.sampled_from(shapes))
    args = [draw(values(shape, case.low, case.high, dtype)) for shape in _shapes(case, spec)]
    away_from_kinks(case.kink, args)
    shape = weight_shape(case.function, args)
    weight = draw(values(shape, -2.0, 2.0, dtype))
    return args + [weight]


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_rule_matches_finite_differences(case, jit):
    @given(case_inputs(case, jit=jit))
    def check(args):
        check_grads(case.function, args, wrt=tuple(range(_arity(case))), jit=jit)

    check()


FLOAT32_CASES = [c for c in CASES if c.name in (
    "mul", "div", "exp", "tanh", "sqrt", "maximum", "sum_axis", "matmul", "index_slice",
    "mean_axis_keepdims", "einsum_batched")]


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])
@pytest.mark.parametrize("case", FLOAT32_CASES, ids=lambda c: c.name)
def test_float32_arrays_give_float32_gradients(case, jit):
    @given(case_inputs(case, np.float32, jit=True))
    def check(args):
        arrays = [np.asarray(a, np.float32) for a in args]
        gradients = check_grads(case.function, arrays, wrt=tuple(range(_arity(case))), jit=jit)
        for gradient in gradients:
            assert np.asarray(gradient).dtype == np.float32

    check()


# SciPy's Python functions make a NumPy array of a tensor (no dispatch): their cases are
# checked against twins written with the tape's methods
SCIPY_TWINS = {
    "logsumexp": lambda x, w: x.logsumexp() * w,
    "logsumexp_axis": lambda x, w: (x.logsumexp(1, keepdim=True) * w).sum(),
    "logsumexp_weights": lambda x, b, w: ((x + b.log()).logsumexp(0) * w).sum(),
    "softmax": lambda x, w: (x.softmax(-1) * w).sum(),
    "log_softmax": lambda x, w: ((x - x.logsumexp()) * w).sum(),
}


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])
@pytest.mark.parametrize("name", sorted(SCIPY_TWINS))
def test_scipy_functions_agree_with_their_twins_on_the_tape(name, jit):
    case = next(c for c in CASES if c.name == name)

    @given(case_inputs(case, jit=True))
    def check(args):
        wrt = tuple(range(_arity(case)))
        gradients = astgrad.grad(case.function, wrt, jit=jit)(*args)
        tensors = [tape.tensor(a, requires_grad=True) for a in args[:-1]]
        SCIPY_TWINS[name](*tensors, args[-1]).backward()
        for gradient, tensor in zip(gradients, tensors):
            np.testing.assert_allclose(gradient, tensor.grad.numpy(), rtol=1e-10, atol=1e-12)

    check()


def test_python_floats_give_python_floats():
    from .corpus.rules import mul

    gradients = astgrad.grad(mul, wrt=(0, 1))(2.0, 3.0, 1.5)
    assert gradients == (4.5, 3.0) and all(type(g) is float for g in gradients)


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])
@pytest.mark.parametrize("zeros", [[(0, 1)], [(0, 1), (1, 2)], [(0, 1), (1, 1)]],
                         ids=["one", "two-lines", "one-line"])
def test_a_product_with_zeros_has_the_exact_gradient(zeros, jit):
    """np.prod's adjoint without dividing by the elements: at a zero, the product of the
    others; next to it, 0 (finite differences of a polynomial are exact enough)."""
    from .corpus.rules import prod, prod_axis

    x = np.linspace(0.5, 1.6, 6).reshape(2, 3)
    for place in zeros:
        x[place] = 0.0
    for function, weight in ((prod_axis, np.array([0.5, -1.5, 2.0])), (prod, 1.5)):
        gradient = check_grads(function, [x, weight], wrt=(0,), jit=jit)[0]
        taped = tape.tensor(x, requires_grad=True)
        function(taped, weight).backward()
        np.testing.assert_allclose(gradient, taped.grad.numpy(), rtol=1e-12)
