"""The tape engine against the transformer, on the whole test corpus: the same gradients to
1e-10 relative in float64, compiled and as plain NumPy, with hypothesis drawing the inputs.

The two engines share no derivative code, so a wrong rule in either shows up here. A corpus
function the tape cannot express (it turns a tensor into a float with `math.*`, writes a tensor
into a NumPy array, or changes an input in place) is listed below with the reason; for those,
the tape must fail with an error, never give a different number.
"""

import numpy as np
import pytest
from hypothesis import assume, given

import astgrad
from astgrad import tape
from astgrad.errors import TapeError

from ..corpus import basics, control, custom, rules
from ..strategies import drawn
from ..test_rules import case_inputs

MODES = pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])

FLOAT_OF_TENSOR = "math.* or float() of a tensor (the tape refuses to drop its gradient)"
INTO_NUMPY = "writes tensors into a NumPy array (np.zeros, np.empty, np.ones)"
INPUT_IN_PLACE = "changes an input in place (x *= ..., x[0] = ...): PyTorch refuses this too"
INEXPRESSIBLE = {
    # rules
    "math_functions": FLOAT_OF_TENSOR, "builtins_functions": FLOAT_OF_TENSOR,
    "floor_ceil": FLOAT_OF_TENSOR, "aliases": "np.asarray of a tensor",
    "full_active": "np.full(3, x) copies x into a NumPy array",
    "math_special": FLOAT_OF_TENSOR,
    "array_of_values": "np.array makes a NumPy array of tensors (no dispatch)",
    **dict.fromkeys(["logsumexp", "logsumexp_axis", "logsumexp_weights", "softmax",
                     "log_softmax"], "SciPy's Python functions make a NumPy array of a tensor "
                    "(no dispatch): tests/tape/test_torch_ops.py checks their twins"),
    # control flow
    "stepped_range": FLOAT_OF_TENSOR, "clipped_walk": FLOAT_OF_TENSOR,
    "fixed_point_cos": FLOAT_OF_TENSOR, "norm_by_loop": FLOAT_OF_TENSOR,
    "softmax_by_loop": FLOAT_OF_TENSOR, "matrix_rows": INTO_NUMPY,
    "slice_assignment": INTO_NUMPY, "fill_squares": INTO_NUMPY, "fill_empty": INTO_NUMPY,
    "fill_ones_matrix": INTO_NUMPY, "cumulative_sum": INTO_NUMPY,
    "linear_recurrence_array": INTO_NUMPY, "augmented_subscript": INTO_NUMPY,
    "stencil_laplacian": INTO_NUMPY, "stencil_2d": INTO_NUMPY, "matvec_by_loops": INTO_NUMPY,
    "logistic_augmented": INPUT_IN_PLACE, "symplectic_oscillator": INPUT_IN_PLACE,
    "argument_written_in_place": INPUT_IN_PLACE,
}
# What NumPy raises when a tensor is written into one of its arrays: it sees a sequence.
NUMPY_REFUSES = "setting an array element with a sequence"


def assert_same_gradients(function, args, wrt, jit):
    expected = tape.grad(function, wrt)(*args)
    got = astgrad.grad(function, wrt, jit=jit)(*args)
    if not isinstance(wrt, tuple):
        expected, got = (expected,), (got,)
    for name, e, g in zip(wrt if isinstance(wrt, tuple) else (wrt,), expected, got):
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12,
                                   err_msg=f"d{function.__name__}/d{name}: transformer vs tape")


def assert_refused_or_same(function, args, wrt, jit):
    """For a function the tape cannot express: an error, or (on a path that avoids the
    construct) the same gradient; never a different number."""
    try:
        tape.grad(function, wrt)(*args)
    except TapeError:
        return
    except ValueError as error:
        assert NUMPY_REFUSES in str(error)
        return
    assert_same_gradients(function, args, wrt, jit)


def _expressible(cases):
    return [c for c in cases if c.name not in INEXPRESSIBLE]


def _inexpressible(cases):
    return [c for c in cases if c.name in INEXPRESSIBLE]


def _rule_wrt(case) -> tuple:
    return tuple(range(case.function.__code__.co_argcount - 1))  # all but the weight


@MODES
@pytest.mark.parametrize("case", _expressible(rules.CASES), ids=lambda c: c.name)
def test_every_rule_agrees_with_the_tape(case, jit):
    @given(case_inputs(case, jit=True))
    def check(args):
        assert_same_gradients(case.function, args, _rule_wrt(case), jit)

    check()


@MODES
@pytest.mark.parametrize("case", _expressible(basics.CASES + control.CASES),
                         ids=lambda c: c.name)
def test_every_corpus_function_agrees_with_the_tape(case, jit):
    @given(drawn(case))
    def check(args):
        assume(case.away is None or case.away(args))
        assert_same_gradients(case.function, args, case.wrt, jit)

    check()


@pytest.mark.parametrize("case", _inexpressible(rules.CASES + control.CASES),
                         ids=lambda c: c.name)
def test_what_the_tape_cannot_express_fails_loudly(case):
    strategy = drawn(case) if isinstance(case, control.Case) else case_inputs(case)
    wrt = case.wrt if isinstance(case, control.Case) else _rule_wrt(case)

    @given(strategy)
    def check(args):
        assume(getattr(case, "away", None) is None or case.away(args))
        assert_refused_or_same(case.function, args, wrt, jit=False)

    check()


def test_the_inexpressible_list_names_only_corpus_functions():
    names = {c.name for c in rules.CASES + basics.CASES + control.CASES}
    assert set(INEXPRESSIBLE) <= names


def test_a_user_rule_agrees_with_the_tape():
    x, w = np.array([0.3, -1.2, 2.0]), np.array([1.5, -0.5, 0.25])
    assert_same_gradients(custom.uses_softplus, (x, w), (0, 1), jit=False)


@MODES
def test_the_tape_catches_a_wrong_rule(jit):
    # custom.cube's registered rule says 2x where the derivative is 3x**2: the tape, which
    # differentiates cube's body, disagrees.
    with pytest.raises(AssertionError, match="transformer vs tape"):
        assert_same_gradients(custom.uses_cube, (1.5,), 0, jit)
