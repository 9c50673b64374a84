"""Every error a user can cause is an AstgradError that names their file and line.

The bad functions are in tests/corpus/bad.py, with the offending line marked `# error`.
"""

import inspect
import traceback

import numpy as np
import pytest

import astgrad
from astgrad import errors

from .corpus import bad


def marked_line(function) -> int:
    lines, first = inspect.getsourcelines(function)
    marked = [first + i for i, text in enumerate(lines) if text.rstrip().endswith("# error")]
    assert len(marked) == 1, function.__name__
    return marked[0]


def assert_names_line(error: astgrad.AstgradError, function) -> None:
    assert error.origin is not None
    assert error.origin.filename == bad.__file__
    assert error.origin.line == marked_line(function)
    text = str(error)
    assert f"line {marked_line(function)}" in text and bad.__file__ in text


UNSUPPORTED = [
    (bad.uses_try, "try"), (bad.uses_with, "with"), (bad.uses_lambda, "lambda"),
    (bad.uses_comprehension, "comprehension"), (bad.uses_generator, "generator"),
    (bad.uses_global, "global"), (bad.uses_import, "import"), (bad.uses_del, "del"),
    (bad.uses_raise, "raise"), (bad.uses_assert, "assert"), (bad.uses_string, "string"),
    (bad.uses_dict, "dict"), (bad.uses_list, "list"), (bad.uses_walrus, ":="),
    (bad.uses_append, "preallocate an array instead of list.append"),
    (bad.uses_print, "print"), (bad.uses_is, "'is'"), (bad.assigns_attribute, "attribute"),
    (bad.takes_varargs, "*args"), (bad.uses_undefined, "not defined"),
    (bad.calls_itself, "recursion"), (bad.calls_local, "local variable"),
    (bad.object_attribute, "attributes of objects"),
    (bad.pong, "ping → pong → ping"), (bad.def_in_branch, "top level"),
    (bad.uses_nonlocal, "nonlocal"),
    (bad.carried_without_value, "give y a value before the loop"),
    (bad.loops_over_reversed, "range(n - 1, -1, -1)"),
    (bad.store_through_alias, "x.copy()"), (bad.store_through_view, "also changes 'x'"),
    (bad.store_through_returned_argument, "also changes 'x'"),
]


@pytest.mark.parametrize("function, words", UNSUPPORTED,
                         ids=[f.__name__ for f, _ in UNSUPPORTED])
def test_unsupported_syntax_is_rejected_before_any_transform(function, words):
    entry = bad.ping if function is bad.pong else function  # the cycle closes in pong
    with pytest.raises(astgrad.UnsupportedSyntaxError) as caught:
        astgrad.grad(entry)
    error = caught.value
    assert isinstance(error, SyntaxError) and isinstance(error, astgrad.AstgradError)
    assert_names_line(error, function)
    assert words in str(error)
    printed = "".join(traceback.format_exception_only(type(error), error))
    assert "^" in printed and f"line {marked_line(function)}" in printed


@pytest.mark.parametrize("function, name", [
    (bad.calls_numpy_without_rule, "np.cumsum"), (bad.active_linspace, "np.linspace"),
    (bad.active_tuple, "tuple")])
def test_a_call_without_a_rule_names_the_function(function, name):
    with pytest.raises(astgrad.NoRuleError) as caught:
        astgrad.grad(function)
    assert_names_line(caught.value, function)
    assert name in caught.value.message


def test_a_call_without_a_rule_is_fine_when_nothing_differentiable_flows_into_it():
    def f(x, y):
        return x * bad.unknown_function(y)

    assert astgrad.grad(f, jit=False)(2.0, np.ones(3)) == 3.0


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])
def test_an_array_output_is_an_error_at_the_return(jit):
    with pytest.raises(astgrad.NonScalarOutputError) as caught:
        astgrad.grad(bad.returns_array, jit=jit)(np.ones(3))
    assert_names_line(caught.value, bad.returns_array)
    assert "shape (3,)" in str(caught.value)


@pytest.mark.parametrize("function", [bad.returns_tuple, bad.returns_none, bad.no_return])
def test_outputs_known_not_to_be_scalars_are_errors_before_running(function):
    with pytest.raises(astgrad.NonScalarOutputError) as caught:
        astgrad.grad(function)
    assert_names_line(caught.value, function)


def test_a_lambda_typed_at_a_prompt_has_no_source():
    prompt_lambda = eval("lambda x: x * 2")
    with pytest.raises(astgrad.SourceUnavailableError) as caught:
        astgrad.grad(prompt_lambda)
    assert caught.value.origin.filename == "<string>" and caught.value.origin.line == 1


def test_a_function_made_by_exec_has_no_source():
    namespace = {}
    exec("def made(x):\n    return x * 2\n", namespace)
    with pytest.raises(astgrad.SourceUnavailableError) as caught:
        astgrad.grad(namespace["made"])
    assert "define it in a file" in caught.value.hint


@pytest.mark.parametrize("function", [np.exp, len, print])
def test_a_builtin_has_no_source(function):
    with pytest.raises(astgrad.SourceUnavailableError) as caught:
        astgrad.grad(function)
    assert "not a Python function" in str(caught.value)


def test_a_method_is_refused_with_its_line():
    class Model:
        def loss(self, x):
            return x * 2

    with pytest.raises(astgrad.SourceUnavailableError) as caught:
        astgrad.grad(Model().loss)
    assert "method" in str(caught.value)
    assert caught.value.origin.line == Model.loss.__code__.co_firstlineno


def test_a_numba_typing_failure_names_the_user_line_and_suggests_jit_false():
    with pytest.raises(astgrad.CompileError) as caught:
        astgrad.grad(bad.numba_cannot_compile)(np.ones((2, 3)))
    assert_names_line(caught.value, bad.numba_cannot_compile)
    assert "median" in caught.value.message and "jit=False" in caught.value.hint


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])
def test_a_numpy_error_while_running_names_the_user_line(jit):
    with pytest.raises(astgrad.GradientRuntimeError) as caught:
        astgrad.grad(bad.shapes_mismatch, jit=jit)(np.ones(3), np.ones(4))
    assert_names_line(caught.value, bad.shapes_mismatch)


@pytest.mark.parametrize("wrt, words", [
    (2, "takes 2 positional"), (-1, "takes 2 positional"), ("z", "no argument 'z'"),
    ((0, 0), "twice"), ((), "empty"), (True, "positions or names"), (1.5, "positions or names")])
def test_a_wrong_wrt_is_an_error_naming_the_function(wrt, words):
    def f(x, y):
        return x * y

    with pytest.raises(astgrad.WrtError) as caught:
        astgrad.grad(f, wrt=wrt)
    assert words in str(caught.value)
    assert caught.value.origin.line == f.__code__.co_firstlineno


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])
@pytest.mark.parametrize("value", [2, np.arange(3), True], ids=["int", "int-array", "bool"])
def test_integer_inputs_in_wrt_are_refused(jit, value):
    def f(x):
        return np.sum(x * 2.0)

    with pytest.raises(astgrad.InputError) as caught:
        astgrad.grad(f, jit=jit)(value)
    assert "floating-point" in str(caught.value) and "'x'" in str(caught.value)


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])
def test_inputs_of_the_wrong_type_are_refused(jit):
    def f(x):
        return np.sum(x * 2.0)

    with pytest.raises(astgrad.InputError) as caught:
        astgrad.grad(f, jit=jit)([1.0, 2.0])
    assert "list" in str(caught.value) and "np.asarray" in caught.value.hint


def test_errors_from_generated_code_that_are_not_ours_are_left_alone():
    error = ValueError("x")
    assert errors.translate_error(error, "not_a_generated_module", ()) is error


def test_a_helper_that_writes_into_its_argument_is_refused():
    with pytest.raises(astgrad.UnsupportedSyntaxError) as caught:
        astgrad.grad(bad.calls_writer)
    assert "writes into its argument 'out'" in str(caught.value)
    assert caught.value.origin.line == bad.writes_argument.__code__.co_firstlineno + 1


def test_a_value_that_changes_shape_in_a_loop_is_an_error_on_its_line():
    # as plain NumPy, s becomes an array on the first trip; numba refuses it when compiling
    with pytest.raises(astgrad.GradientRuntimeError) as caught:
        astgrad.grad(bad.grows_in_loop, jit=False)(np.ones(3))
    assert_names_line(caught.value, bad.grows_in_loop)
    assert "'s' changes shape" in str(caught.value) and "np.zeros" in caught.value.hint
    with pytest.raises(astgrad.CompileError) as caught:
        astgrad.grad(bad.grows_in_loop)(np.ones(3))
    assert caught.value.origin.filename == bad.__file__


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])
def test_augmented_assignment_on_a_shared_array_is_refused_but_fine_on_numbers(jit):
    with pytest.raises(astgrad.GradientRuntimeError) as caught:
        astgrad.grad(bad.augmented_alias, jit=jit)(np.ones(3))
    assert_names_line(caught.value, bad.augmented_alias)
    assert "y = y + ..." in caught.value.hint
    assert astgrad.grad(bad.augmented_scalar_alias, jit=jit)(2.0) == 4.5
