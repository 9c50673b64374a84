"""grad and value_and_grad: the forms of wrt, decorators, the memo, the generated source, and
the straight-line transform on every kind of statement (checked by finite differences)."""

import ast
import inspect
import re

import numba
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import astgrad
from astgrad import api
from astgrad.testing import check_grads

from .corpus import basics, control, custom
from .strategies import drawn, values

MODES = pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])

@MODES
@pytest.mark.parametrize("case", basics.CASES,
                         ids=[f"{c.name}-{i}" for i, c in enumerate(basics.CASES)])
def test_transform_matches_finite_differences(case, jit):
    @given(drawn(case))
    def check(args):
        assume(case.away is None or case.away(args))
        check_grads(case.function, args, wrt=case.wrt, jit=jit)

    check()


@MODES
def test_inactive_arguments_pass_through_and_get_no_adjoint(jit):
    table = np.array([1.0, 2.0, 3.0])
    df = astgrad.grad(basics.inactive_arguments, jit=jit)
    check_grads(basics.inactive_arguments, (0.7, 3, True, table), wrt=0, jit=jit)
    for name in ("_dn", "_dflag", "_dtable"):
        assert name not in df.source
    assert df(0.7, 3, True, table) == pytest.approx(3 * table.sum())


@MODES
def test_wrt_by_position_name_and_tuple(jit):
    f = basics.seed_powers
    assert astgrad.grad(f, jit=jit)(2.0, 3.0) == 4.0
    assert astgrad.grad(f, wrt=1, jit=jit)(2.0, 3.0) == 27.0
    assert astgrad.grad(f, wrt="y", jit=jit)(2.0, 3.0) == 27.0
    assert astgrad.grad(f, wrt=(1,), jit=jit)(2.0, 3.0) == (27.0,)
    assert astgrad.grad(f, wrt=("y", 0), jit=jit)(2.0, 3.0) == (27.0, 4.0)
    assert astgrad.grad(f, wrt=[0, 1], jit=jit)(2.0, 3.0) == (4.0, 27.0)


@MODES
def test_decorator_forms(jit):
    @astgrad.grad(jit=jit)
    def square(x):
        return x * x

    @astgrad.value_and_grad(wrt=(0, 1), jit=jit)
    def product(x, y):
        return x * y

    assert square(3.0) == 6.0
    assert product(2.0, 5.0) == (10.0, (5.0, 2.0))


def test_bare_decorator():
    @astgrad.grad
    def cube(x):
        return x ** 3

    assert cube(2.0) == 12.0


def test_building_a_gradient_is_memoized(monkeypatch):
    def f(x):
        return x * 4.0

    builds = []
    real_build = api._build
    monkeypatch.setattr(api, "_build", lambda *a: builds.append(a) or real_build(*a))
    gradients = [astgrad.grad(f, wrt="x") for _ in range(5)] + [astgrad.grad(f)]
    assert len(builds) == 1 and all(g is gradients[0] for g in gradients)
    astgrad.grad(f, jit=False)
    astgrad.value_and_grad(f)
    assert len(builds) == 3


@MODES
def test_keyword_call_defaults_and_keyword_only_parameters(jit):
    x = np.array([0.5, 1.5])
    df = astgrad.grad(basics.with_defaults, jit=jit)
    np.testing.assert_allclose(df(x), 2 * (x + 1.0))
    np.testing.assert_allclose(df(x, power=3.0), 3 * (x + 1.0) ** 2)
    np.testing.assert_allclose(df(shift=2.0, x=x), 2 * (x + 2.0))
    dk = astgrad.grad(basics.keyword_only, wrt="scale", jit=jit)
    assert dk(x, scale=3.0) == pytest.approx(2.0)


@MODES
def test_inputs_are_never_modified(jit):
    arrays = [np.random.default_rng(0).normal(size=s) for s in [(4, 3), (4,), (1, 4), (1,),
                                                                    (5, 3), (5, 1)]]
    before = [a.copy() for a in arrays]
    astgrad.grad(basics.mlp_loss, wrt=(0, 1, 2, 3), jit=jit)(*arrays)
    astgrad.grad(basics.reads_argument, jit=jit)(arrays[1])
    for a, b in zip(arrays, before):
        np.testing.assert_array_equal(a, b)


@MODES
def test_gradients_of_two_arguments_are_separate_arrays(jit):
    def f(x, y):
        return np.sum(x + y)

    dx, dy = astgrad.grad(f, wrt=(0, 1), jit=jit)(np.ones(3), np.ones(3))
    dx[0] = 100.0
    assert dy[0] == 1.0


@MODES
def test_float32_arrays_keep_their_dtype_and_scalars_their_precision(jit):
    g = astgrad.grad(basics.reuse, jit=jit)(np.ones(3, np.float32))
    assert g.dtype == np.float32
    x = np.float32(0.1)
    dx = astgrad.grad(basics.seed_polynomial, jit=jit)(x)
    assert dx == np.float32(6) * x + np.float32(2)  # computed in float32, not float64
    # numba returns float32 scalars to Python as float; plain NumPy keeps np.float32
    assert type(dx) is (float if jit else np.float32)


@MODES
def test_constant_and_unused_inputs_get_zero_gradients(jit):
    assert astgrad.grad(basics.constant_output, jit=jit)(2.0) == 0.0
    assert astgrad.grad(basics.unused_argument, wrt=1, jit=jit)(2.0, 5.0) == 0.0
    np.testing.assert_array_equal(
        astgrad.grad(basics.unused_argument, wrt=1, jit=jit)(2.0, np.ones(2)), np.zeros(2))


@MODES
def test_an_array_with_one_element_is_a_scalar_output(jit):
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(astgrad.grad(basics.matrix_one_element, jit=jit)(x),
                                  [3.0, 0.0, 0.0])


def test_a_numba_function_is_differentiated_through_its_python_source():
    compiled = numba.njit(basics.seed_product)
    assert astgrad.grad(compiled, wrt=(0, 1))(2.0, 3.0) == (3.0, 2.0)


@MODES
def test_a_user_registered_rule_is_used(jit):
    @given(st.tuples(values((3,), -2, 2), values((3,), -2, 2)))
    def check(args):
        check_grads(custom.uses_softplus, args, wrt=(0, 1), jit=jit)

    check()
    assert "softplus_rule" not in astgrad.grad(custom.uses_softplus, jit=jit).source


def test_source_is_valid_python_and_labels_every_adjoint_statement_with_its_user_line():
    df = astgrad.grad(basics.reassign, wrt=(0, 1))
    ast.parse(df.source)
    body = df.source.split("def grad_reassign(")[1].split("\ndef ")[0]
    adjoint = body.split("# adjoint")[1].splitlines()[1:]
    lines = {i + 1 for i, text in enumerate(open(basics.__file__).read().splitlines())
             if "def reassign" in text}
    first = min(lines)
    for text in adjoint:
        if text.strip() and not text.strip().startswith("return"):
            label = re.search(r"# line (\d+)", text)
            assert label, f"unlabelled adjoint statement: {text}"
            assert first < int(label.group(1)) < first + 6
    assert "z = z * z + x" in body  # the user's text appears beside the statements it became


def test_source_has_no_adjoint_for_values_that_do_not_depend_on_wrt():
    df = astgrad.grad(basics.reassign, wrt="y")
    body = df.source.split("# adjoint")[1]
    # x = x * 3.0 does not depend on y: no adjoint statement is labelled with its line
    line = next(k for k, text in enumerate(inspect.getsourcelines(basics.reassign)[0],
                                           basics.reassign.__code__.co_firstlineno)
                if "x = x * 3.0" in text)
    assert f"# line {line}: x = x * 3.0" in df.source  # the forward statement is there
    assert f"# line {line}" not in body
    assert "_dx " not in body and "_dx=" not in body.replace(" ", "")


def test_the_power_rules_exponent_is_whole_for_a_whole_power_and_typed_for_a_value():
    from .corpus import rules

    def code(function):  # (without comments and spaces: emit wraps long lines)
        return re.sub(r"\s+", "", re.sub(r"#.*", "", astgrad.grad(function, wrt="x").source))

    assert "3*x**2)" in code(rules.power_constant)  # (numba multiplies; ** 2.0 calls pow)
    assert "y*x**(y-_float(1.0))" in code(rules.power)  # (float32 - 1 is a float64 compiled)


def test_a_helpers_vjp_recomputes_only_what_its_adjoint_reads():
    source = astgrad.grad(control.helper_filling_an_array, jit=False).source
    vjp = source.split("def shifted_product_vjp(")[1].split("\ndef ")[0]
    forward, vjp = (re.sub(r"#.*", "", text) for text in (vjp.split("# adjoint")[0], vjp))
    # z's elements are read by the caller, not by the adjoint: the vjp does not fill z again
    assert "empty_like" not in forward and not re.search(r"\bz\[", vjp) and "_old" not in vjp
    assert "y[:-1]" in forward  # what the adjoint reads is recomputed


def test_a_helper_called_outside_loops_is_run_once_forward():
    source = astgrad.grad(control.helper_keeping_its_values, wrt=(0, 1), jit=False).source
    caller, backward = (re.sub(r"#.*", "", source.split(f"def {name}(")[1].split("\ndef ")[0])
                        for name in ("grad_helper_keeping_its_values", "gates_bwd"))
    # its forward half returns the values its adjoint reads (forget, change and the exps,
    # sigmoid's too), which its backward half takes instead of computing them again
    assert "gates_fwd(" in caller and "gates_bwd(" in caller and "gates(" not in caller
    assert "forget" in backward.split(")")[0] and "change" in backward.split(")")[0]
    assert not re.search(r"np\.exp|np\.tanh|sigmoid_fwd|\bgates\(", backward)
    # in a `for` loop's body, its forward run keeps them, one tape each, for the reversed
    # trips; in a while loop (whose trips are not counted ahead), its vjp recomputes them
    looped = astgrad.grad(control.helper_in_loop, wrt=(0, 1), jit=False).source
    assert "sigmoid_fwd(" in looped and "keep_result(" in looped and "sigmoid_bwd(" in looped
    assert "sigmoid_vjp(" not in looped
    waiting = astgrad.grad(control.helper_in_while, jit=False).source
    assert "sigmoid_vjp(" in waiting and "keep_result(" not in waiting


def test_entry_function_carries_the_options():
    df = astgrad.grad(basics.seed_powers, wrt="y", jit=False)
    assert df.fun is basics.seed_powers and df.wrt == ("y",) and df.jit is False
    assert df.__name__ == "grad_seed_powers"


@MODES
def test_float32_products_after_a_literal_compile_and_check_out(jit):
    rng = np.random.default_rng(0)
    W1, W2, X = (rng.normal(size=s).astype(np.float32) for s in [(3, 4), (4, 2), (5, 3)])
    dW1, dW2 = check_grads(basics.float32_layers, (W1, W2, X), wrt=(0, 1), jit=jit)
    assert dW1.dtype == dW2.dtype == np.float32


def damped_in_float32(x, n):
    s = 0.0
    for _ in range(n):
        x = np.maximum(x * 0.5 + 0.1, -0.3) ** 2.0
        s = s + np.sum(x * x) * 1.5
    return s


@MODES
def test_a_float32_loop_with_float_literals_stays_float32(jit):
    """numba makes `x * 0.5` of a float32 array float64, so the loop, whose x is float32 on
    entry, did not compile; literals now take the arguments' float type, as NumPy's do."""
    from astgrad import tape

    x = np.array([0.3, -0.7, 1.2], np.float32)
    g = astgrad.grad(damped_in_float32, jit=jit)(x, 3)
    assert g.dtype == np.float32
    reference = tape.grad(damped_in_float32)(x.astype(np.float64), 3)
    np.testing.assert_allclose(g, reference, rtol=1e-5)  # float32's rounding, not more
    assert "_float(0.5)" in astgrad.grad(damped_in_float32, jit=jit).source


@MODES
def test_has_aux_returns_the_aux_value_undifferentiated(jit):
    rng = np.random.default_rng(0)
    w, X, Y = rng.normal(size=2), rng.normal(size=(4, 2)), rng.normal(size=4)
    (value, outputs), dw = astgrad.value_and_grad(basics.loss_with_outputs, has_aux=True,
                                                  jit=jit)(w, X, Y)
    expected_value, expected_outputs = basics.loss_with_outputs(w, X, Y)
    assert value == pytest.approx(expected_value, rel=1e-13)
    np.testing.assert_allclose(outputs, expected_outputs, rtol=1e-13)
    check_grads(lambda_free_loss, (w, X, Y), gradient=lambda *a: dw)
    gradient, aux = astgrad.grad(basics.decay_with_state, has_aux=True, jit=jit)(
        np.full(3, 0.3), 2)
    np.testing.assert_allclose(aux, np.full(3, 0.15))  # as the forward sweep left it
    np.testing.assert_allclose(gradient, np.full(3, 8 * 0.3 * (1 + 0.25)))


def lambda_free_loss(w, X, Y):
    return basics.loss_with_outputs(w, X, Y)[0]


def test_has_aux_needs_a_pair():
    with pytest.raises(astgrad.NonScalarOutputError, match=r"pair \(value, aux\)") as error:
        astgrad.grad(basics.aux_not_a_pair, has_aux=True)(1.0)
    assert error.value.origin.line == basics.aux_not_a_pair.__code__.co_firstlineno + 1
    with pytest.raises(astgrad.NonScalarOutputError, match="has_aux=True"):
        astgrad.grad(basics.loss_with_outputs)(np.ones(2), np.ones((3, 2)), np.ones(3))


@MODES
def test_a_0d_array_argument_has_a_0d_gradient_also_through_a_loop(jit):
    gradient = check_grads(basics.decay_of_a_0d_rate, (np.array(0.5), 6), jit=jit)
    assert np.shape(gradient) == () and isinstance(gradient, np.ndarray)
