"""Every error a user can cause is an AstgradError that names their file and line.

The bad functions are in tests/corpus/bad.py, with the offending line marked `# error`. The
tables below list each with the error it must raise: `BUILT` when the gradient is built,
`CALLED` when it is called with the given inputs (in both modes, compiled and plain NumPy), and
`WRONG_WRT` for `wrt` naming no argument. Each error must name bad.py and the marked line, say
what went wrong, and suggest what to do. A last test checks that every marked function of
bad.py is in a table.

NaN and infinity: in the data they propagate to the gradient, as in PyTorch (below, and
tests/test_nonfinite.py); where they would decide a loop's trip count, an index, or that a
while loop never ends, they are an error on that line.
"""

import inspect
import math
import traceback
from dataclasses import dataclass

import numpy as np
import pytest

import astgrad
from astgrad import entry

from .corpus import bad

NAN, INF = float("nan"), float("inf")


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


@dataclass
class Bad:
    """A bad function, the error it raises, and what the message and the hint say."""

    function: object  # the function whose marked line the error names
    error: type
    words: str  # in the message
    hint: str | None  # in the hint; None where there is no hint to give
    args: tuple | None = None  # the inputs that make the call fail; None: refused when built
    entry: object = None  # what is given to astgrad.grad, when not `function` itself
    python_gradient: object = None  # when only numba refuses it: the gradient without jit

    @property
    def name(self) -> str:
        return self.function.__name__ + (f"-{_short(self.args)}" if self.args else "")


def _short(args: tuple) -> str:
    return ",".join(type(a).__name__ if not isinstance(a, float) else repr(a) for a in args)


def check(case: Bad, error: astgrad.AstgradError) -> None:
    assert isinstance(error, case.error)
    assert_names_line(error, case.function)
    assert case.words in error.message
    if case.hint is not None:
        assert error.hint and case.hint in error.hint


S = astgrad.UnsupportedSyntaxError  # shorter table rows
BUILT = [
    # syntax
    Bad(bad.uses_try, S, "try statements", "catch errors outside"),
    Bad(bad.uses_with, S, "with statements", "outside the differentiated function"),
    Bad(bad.uses_lambda, S, "lambda", "def"),
    Bad(bad.calls_a_lambda_inline, S, "lambda", "def"),
    Bad(bad.SQUARE, S, "lambda", "def", entry=bad.calls_a_module_lambda),
    Bad(bad.uses_comprehension, S, "comprehension", "preallocate"),
    Bad(bad.sums_a_generator, S, "comprehension", "preallocate"),
    Bad(bad.uses_generator, S, "generators", "return a value"),
    Bad(bad.yields_from, S, "generators", "return a value"),
    Bad(bad.asynchronous, S, "async", "without async"),
    Bad(bad.uses_global, S, "global", "pass the value in as an argument"),
    Bad(bad.uses_nonlocal, S, "nonlocal", "pass the value in as an argument"),
    Bad(bad.writes_a_module_array, S, "'BUFFER' is not a local array", "BUFFER.copy()"),
    Bad(bad.uses_import, S, "import", "module level"),
    Bad(bad.uses_del, S, "del", "stop using"),
    Bad(bad.uses_raise, S, "raise", "check the inputs"),
    Bad(bad.uses_assert, S, "assert", "check the inputs"),
    Bad(bad.uses_string, S, "strings", "numbers"),
    Bad(bad.formats_a_string, S, "strings", "numbers"),
    Bad(bad.uses_dict, S, "dict", "NumPy arrays"),
    Bad(bad.uses_list, S, "list", "NumPy array"),
    Bad(bad.uses_set, S, "set", "NumPy arrays"),
    Bad(bad.uses_walrus, S, ":=", "a line of its own"),
    Bad(bad.uses_append, S, ".append(...) mutates", "preallocate an array"),
    Bad(bad.appends_to_a_list, S, ".append(...) mutates", "preallocate an array"),
    Bad(bad.uses_print, S, "print", "jit=False"),
    Bad(bad.uses_is, S, "'is'", "=="),
    Bad(bad.uses_in, S, "'in'", "=="),
    Bad(bad.passes_starred, S, "starred", "each value"),
    Bad(bad.passes_kwargs, S, "**kwargs", "each keyword"),
    Bad(bad.assigns_attribute, S, "attribute", "variable"),
    Bad(bad.writes_an_attribute_element, S, "named array", "bind the array to a name"),
    Bad(bad.takes_varargs, S, "*args", "name each parameter"),
    Bad(bad.uses_undefined, S, "not defined", "pass it as an argument"),
    Bad(bad.calls_local, S, "local variable", "def"),
    Bad(bad.object_attribute, S, "attributes of objects", "as arguments"),
    Bad(bad.calls_a_method, S, "attributes of objects", "as arguments"),
    Bad(bad.defines_a_class, S, "class definitions", "outside"),
    Bad(bad.uses_match, S, "match", "if/elif/else"),
    Bad(bad.for_else, S, "else blocks on loops", "flag"),
    Bad(bad.decorated_helper, S, "decorators", "module level"),
    Bad(bad.def_in_branch, S, "top level", "move the def"),
    Bad(bad.loops_over_reversed, S, "reversed", "range(n - 1, -1, -1)"),
    Bad(bad.carried_without_value, S, "y", "give y a value before the loop"),
    # recursion
    Bad(bad.calls_itself, S, "recursion", "loop"),
    Bad(bad.pong, S, "ping → pong → ping", "loop", entry=bad.ping),
    # writes through a second name
    Bad(bad.store_through_alias, S, "also changes 'x'", "x.copy()"),
    Bad(bad.store_through_view, S, "also changes 'x'", "copy"),
    Bad(bad.store_through_a_scalar_constructor, S, "also changes 'x'", "copy"),
    Bad(bad.store_before_alias_in_a_loop, S, "also changes 'x'", "a = x.copy()"),
    Bad(bad.store_after_a_rebinding_in_one_branch, S, "also changes 'prev'", "prev = a.copy()"),
    Bad(bad.store_through_a_view_of_an_alias, S, "also changes 'c'", "copy"),
    Bad(bad.store_through_returned_argument, S, "also changes 'x'", "copy"),
    # calls without a derivative rule
    Bad(bad.calls_numpy_without_rule, astgrad.NoRuleError, "np.median", "@astgrad.rule"),
    Bad(bad.active_linspace, astgrad.NoRuleError, "np.linspace", "@astgrad.rule"),
    Bad(bad.eigenvalues, astgrad.NoRuleError, "np.linalg.eig", "@astgrad.rule(np.linalg.eig)"),
    Bad(bad.log_gamma, astgrad.NoRuleError, "loggamma", "stop_gradient"),
    Bad(bad.math_gamma, astgrad.NoRuleError, "math.gamma", "@astgrad.rule(math.gamma)"),
    Bad(bad.builtin_sum, astgrad.NoRuleError, "sum", "@astgrad.rule"),
    Bad(bad.sorts, astgrad.NoRuleError, "np.sort", "@astgrad.rule"),
    Bad(bad.einsum_of_five, astgrad.AstgradError, "np.einsum: too many positional arguments",
        "(subscripts, a0"),
    Bad(bad.einsum_optimized, astgrad.AstgradError, "unexpected keyword argument 'optimize'",
        "(subscripts, a0"),
    Bad(bad.calls_a_numba_ufunc, astgrad.NoRuleError, "numba_ufunc", "@astgrad.rule"),
    Bad(bad.active_tuple, astgrad.NoRuleError, "tuple", "separate variables"),
    Bad(bad.concatenates_a_held_tuple, astgrad.NoRuleError, "tuple",
        "np.concatenate((a, b))"),
    Bad(bad.sums_a_list, S, "list values", "np.array([a, b])"),
    Bad(bad.sums_a_tuple, S, "returns a tuple, which is used here as one value",
        "value_and_double(...)[0]"),
    Bad(bad.indexes_a_tuple_past_its_end, S, "returns 2 values", "a, b = value_and_double"),
    # what astgrad does not know is never taken for a constant
    Bad(bad.concatenates_with_r, S, "np.r_[...] is not supported", "out[n:] = y"),
    Bad(bad.stacks_columns_with_c, S, "np.c_[...] is not supported", "out[n:] = y"),
    Bad(bad.reads_a_module_list, S, "'WEIGHTS' is a list", "WEIGHTS = np.array"),
    Bad(bad.reads_a_module_object, S, "'SETTINGS' is a Settings object",
        "pass the numbers and arrays SETTINGS holds"),
    Bad(bad.calls_a_library_function_without_rule, astgrad.NoRuleError,
        "no derivative rule for scipy.special.zeta", "@astgrad.rule(scipy.special.zeta)"),
    Bad(bad.takes_a_diagonal_by_method, astgrad.NoRuleError,
        "no derivative rule for .diagonal()", '@astgrad.rule(astgrad.Method("diagonal"))'),
    Bad(bad.clips_by_method, astgrad.NoRuleError, "no derivative rule for .clip()",
        "call np.clip(x, ...) instead"),
    Bad(bad.sorts_in_place, S, ".sort(...) changes its object in place", "np.sort(x)"),
    Bad(bad.copies_into, S, "value is not used", "a[index] = value"),
    Bad(bad.copies_into_as_a_value, S, "np.copyto writes into its argument", "a[index] = value"),
    # outputs known not to be scalars
    Bad(bad.returns_tuple, astgrad.NonScalarOutputError, "scalar", "has_aux=True"),
    Bad(bad.returns_none, astgrad.NonScalarOutputError, "None", "return the value"),
    Bad(bad.no_return, astgrad.NonScalarOutputError, "without returning", "`return value`"),
    # no plain function to read
    Bad(bad.Model.loss, astgrad.SourceUnavailableError, "method", "arguments",
        entry=bad.MODEL.loss),
]


@pytest.mark.parametrize("case", BUILT, ids=lambda c: c.name)
def test_refused_when_the_gradient_is_built(case):
    with pytest.raises(astgrad.AstgradError) as caught:
        astgrad.grad(case.entry or case.function)
    check(case, caught.value)
    if isinstance(caught.value, SyntaxError):  # Python prints it with a caret
        printed = "".join(traceback.format_exception_only(type(caught.value), caught.value))
        assert "^" in printed and f"line {marked_line(case.function)}" in printed


INPUT, RUN = astgrad.InputError, astgrad.GradientRuntimeError  # shorter table rows
CALLED = [
    # inputs of the wrong kind
    *(Bad(bad.scales, INPUT, words, "np.asarray(x", (x, 2.0)) for x, words in [
        ("a", "is a str"), (None, "is None"), ([1.0, 2.0], "is a list"),
        ({"a": 1.0}, "is a dict"), ((1.0, 2.0), "is a tuple"), (np.array(["a"]), "<U1"),
        (np.array([1.0], dtype=object), "array of object")]),
    Bad(bad.scales, INPUT, "'factor' of scales is a str", "np.asarray(factor", (2.0, "a")),
    Bad(bad.scales, INPUT, "'factor' of scales is a Settings", "(its attributes) to scales",
        (np.ones(2), bad.SETTINGS)),
    *(Bad(bad.scales, INPUT, words, "pass a float", (x, 2.0)) for x, words in [
        (2, "int"), (np.arange(3), "int64"), (True, "bool"), (1 + 2j, "complex"),
        (np.ones(2) + 1j, "complex")]),
    # NaN and infinity where a number decides a count, an index or the end of a loop
    Bad(bad.sums_over_trips, INPUT, "trip count of the loop", "n=int(n)", (2.0, NAN)),
    Bad(bad.sums_over_trips, INPUT, "trip count of the loop", "n=int(n)", (2.0, 3.0)),
    Bad(bad.sums_over_trips, INPUT, "trip count of the loop", "n=int(n)", (2.0, np.float64(INF))),
    Bad(bad.trips_from_a_float, RUN, "cannot convert float NaN", "np.isfinite", (2.0, NAN)),
    Bad(bad.trips_from_a_float, RUN, "cannot convert float infinity", "np.isfinite", (2.0, INF)),
    Bad(bad.trips_from_a_floor, RUN, "cannot convert float NaN", "np.isfinite", (2.0, NAN)),
    Bad(bad.trips_from_a_half, RUN, "'float' object cannot be interpreted as an integer",
        "n // 2", (2.0, 4)),
    Bad(bad.picks_a_rounded_position, RUN, "cannot convert float NaN", "np.isfinite",
        (np.ones(3), NAN)),
    Bad(bad.picks_an_element, RUN, "IndexError", None, (np.ones(3), NAN)),
    Bad(bad.halves_until_small, RUN, "can never end", "np.isfinite", (INF,)),
    Bad(bad.waits_until_small, RUN, "can never end", "np.isfinite", (NAN,)),
    Bad(bad.breaks_when_small, RUN, "can never end", "np.isfinite", (INF,)),
    # values that turn out wrong while running
    Bad(bad.returns_array, astgrad.NonScalarOutputError, "shape (3,)", "return a scalar",
        (np.ones(3),)),
    Bad(bad.shapes_mismatch, RUN, "could not be broadcast together with shapes (3,) (4,)",
        None, (np.ones(3), np.ones(4))),
    Bad(bad.einsum_of_a_misfit, RUN, "broadcast", None, (np.ones((2, 3)),)),
    # compiled, an index out of bounds raises as in Python, instead of reading past the end
    Bad(bad.writes_past_the_end, RUN, "index 3 is out of bounds for axis 0 with size 3", None,
        (2.0,)),
    Bad(bad.reads_past_the_end, RUN, "index 3 is out of bounds for axis 0 with size 3", None,
        (np.ones(3),)),
    Bad(bad.gathers_past_the_end, RUN, "index 5 is out of bounds for axis 0 with size 3", None,
        (np.ones(3), np.array([0, 5]))),
    Bad(bad.grows_in_loop, RUN, "'s' changes shape", "np.zeros", (np.ones(3),)),
    Bad(bad.shrinks_in_loop, RUN, "'y' changes shape", "final shape", (np.ones(4),)),
    Bad(bad.augmented_alias, RUN, "another name refers to the same array", "y = y + ...",
        (np.ones(3),)),
    Bad(bad.store_after_an_index_picked_a_row, RUN, "also changes 'v'", "v = v.copy()",
        (np.ones((2, 2)),)),
    # the unpacking's temporaries are astgrad's names: the error names the line instead
    Bad(bad.store_after_unpacking_rows, RUN, "the part of it that an index of integers "
        "picked at line", "copy what line", (np.ones((2, 2)),)),
    Bad(bad.updates_a_module_number, RUN, "UnboundLocalError", "pass it in as an argument",
        (2.0,)),
    Bad(bad.numba_cannot_compile, astgrad.CompileError, "median", "jit=False",
        (np.arange(6.0).reshape(2, 3),),
        python_gradient=lambda x: 2.0 * np.broadcast_to(np.median(x, axis=0), x.shape)),
    Bad(bad.numba_cannot_type_a_number_a_helper_loop_changes, astgrad.CompileError,
        "Cannot unify", "jit=False", (np.array([0.3, -0.2, 0.5]),),
        python_gradient=lambda x: 2 * np.sin(x[0] / 2) ** 2 + np.sin(x[1] / 2) ** 2 + np.sum(
            x) * np.array([np.sin(x[0]), np.sin(x[1]) / 2, 0.0])),
]


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])
@pytest.mark.parametrize("case", CALLED, ids=lambda c: c.name)
def test_refused_when_the_gradient_is_called(case, jit):
    if case.python_gradient and not jit:  # what numba cannot compile, plain NumPy runs
        np.testing.assert_allclose(astgrad.grad(case.function, jit=False)(*case.args),
                                   case.python_gradient(*case.args), rtol=1e-12)
        return
    gradient = astgrad.grad(case.entry or case.function, jit=jit)
    with np.errstate(invalid="ignore"), pytest.raises(astgrad.AstgradError) as caught:
        gradient(*case.args)
    check(case, caught.value)


WRONG_WRT = [
    (2, "takes 2 positional"), (-1, "takes 2 positional"), ("z", "no argument 'z'"),
    ((0, 0), "twice"), ((), "empty"), (True, "positions or names"), (1.5, "positions or names")]


@pytest.mark.parametrize("wrt, words", WRONG_WRT, ids=[repr(w) for w, _ in WRONG_WRT])
def test_a_wrong_wrt_is_an_error_naming_the_function(wrt, words):
    with pytest.raises(astgrad.WrtError) as caught:
        astgrad.grad(bad.scales, wrt=wrt)
    assert_names_line(caught.value, bad.scales)
    assert words in caught.value.message


def _marked_functions():
    """Every function of bad.py (methods and lambdas too) with a line marked `# error`."""
    found = []
    for value in list(vars(bad).values()) + list(vars(bad.Model).values()):
        if inspect.isfunction(value) and value.__module__ == bad.__name__ \
                and "# error" in inspect.getsource(value):
            found.append(value)
    return found


def test_every_bad_function_is_in_a_table():
    tested = {case.function for case in BUILT + CALLED} | {bad.scales}
    missing = [f.__qualname__ for f in _marked_functions() if f not in tested]
    assert not missing
    assert len(BUILT) + len(CALLED) >= 40


# -- what is not an error -------------------------------------------------------------------


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])
def test_nan_in_the_data_propagates_to_the_gradient(jit):
    # as PyTorch does: NaN compares false, so the loop ends, and NaN flows through the values
    assert astgrad.grad(bad.halves_until_small, jit=jit)(NAN) == 3.0
    assert astgrad.grad(bad.trips_from_a_float, jit=jit)(NAN, 3.0) == 3.0  # 0 + 1 + 2
    assert math.isnan(astgrad.grad(bad.scales, wrt="factor", jit=jit)(np.array([1.0, NAN]), 2.0))
    assert astgrad.grad(bad.sums_over_trips, jit=jit)(NAN, 3) == 3.0
    assert astgrad.grad(bad.sums_over_trips, wrt="x", jit=jit)(INF, 2) == 2.0
    assert astgrad.grad(bad.breaks_when_small, jit=jit)(8.0) == 0.25


def counts_to_computed_bounds(x, n):
    half, s = n // 2, 0.0
    for _i in range(half):
        s = s + x
    for _i in range(n - half, 2 * n):
        s = s + x * x
    for _i in range(int(n * 1.5)):
        s = s + 0.5 * x
    return s


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])
def test_range_takes_bounds_computed_as_integers(jit):
    # each bound the function computes is checked to be an integer, as Python's range does
    dx = astgrad.grad(counts_to_computed_bounds, jit=jit)(3.0, 5)
    assert dx == 2 + 2 * 3.0 * (10 - 3) + 0.5 * 7


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])
def test_a_while_loop_that_starts_from_infinity_is_fine(jit):
    def newton_sqrt(a):
        x = a
        step = np.inf  # a common start: the test holds once, then the step becomes finite
        while step > 1e-12:
            better = 0.5 * (x + a / x)
            step = abs(better - x)
            x = better
        return x

    assert astgrad.grad(newton_sqrt, jit=jit)(4.0) == pytest.approx(0.25, rel=1e-9)


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])
def test_a_numba_compiled_helper_is_differentiated_through_its_python_source(jit):
    assert astgrad.grad(bad.calls_a_numba_function, jit=jit)(3.0) == 2.0


def test_a_call_without_a_rule_is_fine_when_nothing_differentiable_flows_into_it():
    def f(x, y):
        return x * bad.unknown_function(y)

    assert astgrad.grad(f, jit=False)(2.0, np.ones(3)) == 3.0


WRONG_CALLS = [  # (positional, keyword arguments, what the message says) for bad.scales
    ((np.ones(2),), {}, "missing a required argument: 'factor'"),
    ((), {"factor": 2.0}, "missing a required argument: 'x'"),
    ((np.ones(2), 2.0, 3.0), {}, "too many positional arguments"),
    ((np.ones(2), 2.0), {"scale": 3.0}, "unexpected keyword argument 'scale'"),
    ((np.ones(2),), {"z": 3.0}, "unexpected keyword argument 'z'; missing a required argument: "
                                "'factor'"),
    ((np.ones(2), 2.0), {"x": np.ones(2)}, "multiple values for argument 'x'"),
    ((np.ones(2),), {"x": np.ones(2), "factor": 2.0}, "multiple values for argument 'x'"),
]


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])
@pytest.mark.parametrize("args, kwargs, words", WRONG_CALLS, ids=[w for *_, w in WRONG_CALLS])
def test_a_call_with_wrong_arguments_names_the_def_line(args, kwargs, words, jit):
    with pytest.raises(astgrad.InputError) as caught:
        astgrad.grad(bad.scales, jit=jit)(*args, **kwargs)
    assert_names_line(caught.value, bad.scales)
    assert caught.value.message == f"wrong arguments for the gradient of scales: {words}"
    assert caught.value.hint == "call it as scales(x, factor)"


@pytest.mark.parametrize("option", [dict(jit="yes"), dict(jit=None), dict(has_aux=1)])
def test_options_are_checked(option):
    with pytest.raises(astgrad.InputError) as caught:
        astgrad.grad(bad.scales, **option)
    (name, value), = option.items()
    assert caught.value.message == f"{name} must be True or False, not {value!r}"
    assert_names_line(caught.value, bad.scales)


def weighted_power(x, factor, *, power=2):
    return np.sum(factor * x**power)


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])
def test_a_gradient_takes_keywords_and_defaults_as_the_function_does(jit):
    gradient, x = astgrad.grad(weighted_power, jit=jit), np.array([0.5, -2.0])
    expected = {2: 3.0 * 2 * x, 3: 3.0 * 3 * x**2}  # d/dx of factor * x**power
    for power, call in [(2, lambda: gradient(x, 3.0)), (2, lambda: gradient(x, factor=3.0)),
                        (3, lambda: gradient(factor=3.0, power=3, x=x)),
                        (3, lambda: gradient(x, 3.0, power=3))]:
        np.testing.assert_allclose(call(), expected[power], rtol=1e-15)
    assert str(inspect.signature(gradient)) == "(x, factor, *, power=2)"
    with pytest.raises(astgrad.InputError, match="too many positional arguments"):
        gradient(x, 3.0, 3)  # power is keyword-only, as in the function


# -- functions without a source file ----------------------------------------------------------


def test_a_lambda_typed_at_a_prompt_has_no_source():
    prompt_lambda = eval("lambda x: x * 2")
    with pytest.raises(astgrad.SourceUnavailableError) as caught:
        astgrad.grad(prompt_lambda)
    assert caught.value.origin.filename == "<string>" and caught.value.origin.line == 1
    assert "def" in caught.value.hint


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
    assert "not a Python function" in str(caught.value) and "@astgrad.rule" in caught.value.hint


@pytest.mark.parametrize("function, name", [(np.sum, "np.sum"), (np.linalg.norm,
                                                                 "np.linalg.norm")])
def test_a_library_function_is_never_transformed(function, name):
    """NumPy's own np.sum is a Python function; astgrad refuses to read its source."""
    with pytest.raises(astgrad.SourceUnavailableError) as caught:
        astgrad.grad(function)
    assert f"{name} is a library function" in caught.value.message
    assert f"return {name}(x)" in caught.value.hint


# -- the translation of errors ---------------------------------------------------------------


def test_errors_from_generated_code_that_are_not_ours_are_left_alone():
    error = ValueError("x")
    assert entry.translate_error(error, "not_a_generated_module", ()) is error


def test_a_helper_that_writes_into_its_argument_is_refused():
    with pytest.raises(astgrad.UnsupportedSyntaxError) as caught:
        astgrad.grad(bad.calls_writer)
    assert "writes into its argument 'out'" in str(caught.value)
    assert caught.value.origin.line == bad.writes_argument.__code__.co_firstlineno + 1


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])
def test_augmented_assignment_on_a_number_is_fine(jit):
    assert astgrad.grad(bad.augmented_scalar_alias, jit=jit)(2.0) == 4.5
