"""One program through four gradients: astgrad compiled, astgrad as plain NumPy, the tape engine
and central finite differences, which must agree.

`check_case` runs a generated `Case`: it writes the program to a module file (astgrad reads the
source with `inspect`), runs the traced text once to see the branch decisions, kinks and
magnitudes, `assume`s the inputs are clear of kinks and overflow, and compares. A regression
test, a plain module-level function, goes through `assert_gradients_agree` directly.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
import types
from pathlib import Path

import numpy as np
import scipy.special
from hypothesis import assume, event, note

import astgrad
from astgrad import tape
from astgrad.errors import AstgradError, UnsupportedSyntaxError
from astgrad.testing import numerical_gradient

from .syntax import Case
from .trace import Trace

ENGINES = dict(rtol=1e-10, atol=1e-12)  # two exact methods differ only by rounding
FINITE = dict(rtol=1e-5, atol=1e-6)  # astgrad.testing's central differences (step 1e-6)
MARGIN = 1e-3  # how far from a branch or kink the inputs must stay; finite steps are 1e-6
LARGEST = 1e4  # values beyond this are too large for finite differences to resolve

# What astgrad refuses on purpose in a valid program (an UnsupportedSyntaxError): such a
# program is rejected, as a hypothesis event, not failed. Keep this short.
KNOWN_REFUSALS = {
    # `if c: continue` before `v = ...`, then a loop reading v, in a loop: v is bound whenever
    # it is read, but a trip that jumps skips the assignment, so v may arrive unbound at the
    # next trip, whose reverse would need it (astgrad cannot see that the reads are skipped too)
    "is read in the loop before the loop assigns it": "a name bound only on paths that do "
                                                       "not jump, carried across trips",
}


# -- the tape's view of a module -----------------------------------------------------------


def _tape_numpy() -> types.ModuleType:
    """NumPy, except that the functions making new arrays make tape tensors (float64).

    The tape cannot write a tensor into a NumPy array (PyTorch cannot either: one writes into
    torch.zeros, not np.zeros). So the tape runs a program with np.zeros and friends standing
    for their tape versions, as a PyTorch port of it would; everything else is NumPy itself,
    which hands tensors to the tape through its dispatch."""
    shim = types.ModuleType("numpy_making_tensors")
    shim.__dict__.update(vars(np))
    # (in float64 whatever dtype the program asks for: the tape is the float64 reference)
    shim.zeros = lambda shape, dtype=None: tape.zeros(shape, dtype=np.float64)
    shim.ones = lambda shape, dtype=None: tape.ones(shape, dtype=np.float64)
    shim.full = lambda shape, value, dtype=None: tape.full(shape, value, dtype=np.float64)
    shim.zeros_like = lambda a: tape.zeros_like(a, dtype=np.float64)
    shim.ones_like = lambda a: tape.ones_like(a, dtype=np.float64)
    # (a program writes every element of its np.empty before reading it: zeros stand in)
    shim.empty = lambda shape, dtype=None: tape.zeros(shape, dtype=np.float64)
    shim.empty_like = lambda a: tape.zeros_like(a, dtype=np.float64)
    shim.copy = lambda a: np.copy(a) if isinstance(a, tape.Tensor) else tape.tensor(
        a, dtype=np.float64)
    # (np.array of values stacks them, as torch.stack does)
    shim.array = lambda a: tape.stack([tape.tensor(v, dtype=np.float64) if not isinstance(
        v, tape.Tensor) else v for v in a]) if isinstance(a, tuple | list) else np.copy(a)
    return shim


TAPE_NUMPY = _tape_numpy()


def _tape_scipy() -> types.SimpleNamespace:
    """scipy, with special.logsumexp, softmax and log_softmax as a PyTorch port calls them:
    SciPy's Python functions make arrays of tensors (no dispatch)."""
    def along(method, x, axis):
        if not isinstance(x, tape.Tensor):
            return getattr(scipy.special, method.__name__)(x, axis=axis)
        if axis is None:  # all of it: along the one axis of its elements in a row
            return method(x.reshape(-1), 0).reshape(x.shape)
        return method(x, axis)

    def logsumexp(a, axis=None, keepdims=False):
        if not isinstance(a, tape.Tensor):
            return scipy.special.logsumexp(a, axis=axis, keepdims=keepdims)
        if axis is None:
            total = a.reshape(-1).logsumexp(0)
            return total.reshape((1,) * a.ndim) if keepdims else total
        return a.logsumexp(axis, keepdim=keepdims)

    special = types.SimpleNamespace(**vars(scipy.special))
    special.logsumexp = logsumexp
    special.softmax = lambda x, axis=None: along(tape.Tensor.softmax, x, axis)
    special.log_softmax = lambda x, axis=None: along(tape.Tensor.log_softmax, x, axis)
    return types.SimpleNamespace(special=special)


TAPE_SCIPY = _tape_scipy()


def for_the_tape(function: types.FunctionType) -> types.FunctionType:
    """`function`, and the functions of its module it calls, seeing TAPE_NUMPY as `np`."""
    namespace = dict(function.__globals__, np=TAPE_NUMPY, scipy=TAPE_SCIPY)
    for name, value in list(namespace.items()):
        if isinstance(value, types.FunctionType) and value.__globals__ is function.__globals__:
            namespace[name] = types.FunctionType(value.__code__, namespace, value.__name__,
                                                 value.__defaults__, value.__closure__)
    return namespace[function.__name__]


# -- comparing -----------------------------------------------------------------------------


def _scale(gradients) -> float:
    """The largest gradient element, at least 1: absolute tolerances scale with it, since
    rounding errors are relative to the terms summed, not to their sum."""
    return max([1.0] + [float(np.max(np.abs(g), initial=0.0)) for g in gradients])


def _disagreement(got, expected, tolerance, scale) -> str | None:
    """None if the gradients agree within `tolerance`, else which elements differ."""
    for k, (g, e) in enumerate(zip(got, expected)):
        if np.shape(g) != np.shape(e):
            return f"gradient {k} has shape {np.shape(g)}, not {np.shape(e)}"
        try:
            np.testing.assert_allclose(g, e, rtol=tolerance["rtol"],
                                       atol=tolerance["atol"] * scale)
        except AssertionError as error:
            return f"gradient {k}: {str(error).strip()}"
    return None


def _fresh(args) -> list:
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def assert_gradients_agree(function, args, wrt, finite=None, jit: bool = True) -> None:
    """astgrad's gradients of `function` as plain NumPy and (if `jit`) compiled, and the tape's,
    agree with each other to rounding and with `finite` (finite differences, computed if not
    given) to FINITE; astgrad's value is the function's. A failure names who disagrees with
    whom."""
    expected = function(*_fresh(args))
    value, python = astgrad.value_and_grad(function, wrt, jit=False)(*_fresh(args))
    np.testing.assert_allclose(value, expected, rtol=1e-12, atol=1e-12,
                               err_msg="value_and_grad(jit=False): the value")
    python = astgrad.grad(function, wrt, jit=False)(*_fresh(args))
    taped = tape.grad(for_the_tape(function), wrt)(*_fresh(args))
    if finite is None:
        finite = [numerical_gradient(function, args, k) for k in wrt]
    scale = _scale(finite)
    problems = [f"{who} against {whom}: {problem}" for who, got, whom, reference, tolerance in [
        ("astgrad (jit=False)", python, "finite differences", finite, FINITE),
        ("the tape", taped, "finite differences", finite, FINITE),
        ("astgrad (jit=False)", python, "the tape", taped, ENGINES)]
        if (problem := _disagreement(got, reference, tolerance, scale))]
    assert not problems, "\n\n".join(problems)
    generic = astgrad.value_and_grad(function, wrt, jit=False)
    _, specialized = astgrad.specialized(generic, args)(*_fresh(args))  # or generic itself
    problem = _disagreement(specialized, python, ENGINES, scale)
    assert problem is None, f"astgrad.specialized against jit=False: {problem}"
    if not jit:
        return
    compiled = astgrad.grad(function, wrt, jit=True)(*_fresh(args))
    problem = _disagreement(compiled, python, ENGINES, scale)
    assert problem is None, f"astgrad jit=True against jit=False: {problem}"


FLOAT32 = dict(rtol=2e-3, atol=2e-3)  # float32's rounding, grown by the program (measured)


def assert_float32_gradients_agree(function, args, wrt) -> None:
    """astgrad's gradients of `function` at float32 `args`, as plain NumPy and compiled, are
    float32 where their arguments are, and agree with the tape's in float64 at the same
    values (the float32 values, exactly) to FLOAT32 of the largest gradient element."""
    wide = [a.astype(np.float64) if isinstance(a, np.ndarray) and a.dtype == np.float32
            else float(a) if isinstance(a, np.float32) else a for a in args]
    taped = tape.grad(for_the_tape(function), wrt)(*_fresh(wide))
    scale = _scale(taped)
    for jit in (False, True):
        got = astgrad.grad(function, wrt, jit=jit)(*_fresh(args))
        for k, g in zip(wrt, got):
            if isinstance(args[k], np.ndarray):
                assert np.asarray(g).dtype == np.float32, f"gradient {k} is {np.asarray(g).dtype}"
        problem = _disagreement(got, taped, FLOAT32, scale)
        assert problem is None, f"astgrad (jit={jit}) in float32 against the tape: {problem}"


def assert_index_errors(function, args, wrt, message: str) -> None:
    """The gradient of a function that indexes past the end raises Python's IndexError, on
    the function's line, compiled too (never reading what lies past the array)."""
    for jit in (False, True):
        try:
            result = astgrad.grad(function, wrt, jit=jit)(*_fresh(args))
        except astgrad.GradientRuntimeError as error:
            assert f"IndexError while computing the gradient of {function.__name__}: " \
                   f"{message}" in error.message, error.message
            assert error.origin is not None and error.origin.filename.endswith(".py")
            continue
        finally:
            remove_generated(function, wrt)
        raise AssertionError(f"Python raises IndexError: {message}; astgrad (jit={jit}) "
                             f"returned {result!r}")


# -- generated programs --------------------------------------------------------------------


def import_file(path: Path, name: str) -> types.ModuleType:
    """Import the module at `path` as `name`, registered in sys.modules (so numba and
    inspect can find it)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load(case: Case, folder: Path) -> tuple[types.ModuleType, types.ModuleType]:
    """The program as a module, and its traced text as another."""
    modules = []
    for traced in (False, True):
        source = case.program.source(traced)
        name = "fuzz_" + hashlib.sha256(source.encode()).hexdigest()[:16]
        path = folder / f"{name}.py"
        if not path.exists():
            path.write_text(source)
        modules.append(import_file(path, name))
    return modules[0], modules[1]


def traced_run(traced: types.ModuleType, args, overflow: str = "ignore") -> tuple[float, Trace]:
    """The value of the traced program at `args`, and what the run saw (with `overflow`
    "raise", a FloatingPointError if any value overflows)."""
    traced._trace = trace = Trace()
    with np.errstate(all="ignore", over=overflow):
        value = float(traced.f(*_fresh(args)))
    return value, trace


def check_case(case: Case, folder: Path, jit: bool = True, float32: bool = False) -> None:
    """The four gradients of a generated program agree, or three without `jit` (or hypothesis
    is told the inputs are no good: near a kink, or overflowing); with `float32` (float32
    arguments), astgrad's two against the tape's in float64."""
    note(f"the program and its arguments, as written to {folder}:\n{case!r}")
    module, traced = load(case, folder)
    try:
        value, trace = traced_run(traced, case.args, overflow="raise")
    except IndexError as error:  # an index past the end, which the program reached
        assert_index_errors(module.f, case.args, case.wrt, str(error))
        event("an index past the end: refused in both modes")
        return
    except FloatingPointError:  # exp(630) inside an expression: gradients of inf are NaN
        value, trace = np.inf, Trace()
    _reject_if(not (np.isfinite(value) and trace.magnitude < LARGEST), "values too large")
    _reject_if(trace.margin <= MARGIN, "inputs near a branch or kink")

    try:
        if float32:
            assert_float32_gradients_agree(module.f, case.args, case.wrt)
        else:
            assert_gradients_agree(module.f, case.args, case.wrt,
                                   finite_differences(case, traced, trace), jit)
    except UnsupportedSyntaxError as error:
        known = [why for message, why in KNOWN_REFUSALS.items() if message in str(error)]
        if not known:
            raise
        _reject_if(True, f"refused: {known[0]}")
    except astgrad.CompileError as error:
        if not _values_change_type(str(error), float32):
            raise
        _reject_if(True, "numba cannot compile a name whose type differs by path")
    finally:
        remove_generated(module.f, case.wrt)


_UNIFY = re.compile(r"Cannot unify (array\((\w+), (\d)d, \w\)|\w+) and "
                    r"(array\((\w+), (\d)d, \w\)|\w+) for '(\w+)[.\d]*'")


def _values_change_type(message: str, float32: bool) -> bool:
    """Does numba refuse a program because one of its names holds values of different kinds
    on different paths (an array and a number, arrays of two ranks; in a float32 program,
    also float32 and float64, which its NumPy makes)? That is numba's limit, not astgrad's
    mistake: its programs rebind names to values of another shape. Two dtypes in a float64
    program are astgrad's (a literal it made float64, say): not this; nor two dtypes of a
    temporary computed from the adjoints (`_g1`, `_d_t4`: numba typing it twice as a carried
    adjoint of a number changed type, fixed in 7f09e2e). (Still excused, and astgrad's: an
    array adjoint carried by a loop that a float32 number's derivative widens, `1 / y` of a
    float32 y being a float64 compiled; the rules' int literals are not in the values'
    float type yet.)"""
    found = _UNIFY.search(message)
    if found is None:
        return False
    first, first_dtype, first_rank, second, second_dtype, second_rank, name = found.groups()
    if (first_rank is None) != (second_rank is None) or first_rank != second_rank:
        return True
    return float32 and first_dtype != second_dtype and not _ADJOINT.fullmatch(name)


_ADJOINT = re.compile(r"_g\d+|_d_t\d+")


def finite_differences(case: Case, traced: types.ModuleType, trace: Trace) -> list:
    """Central differences of the program at its arguments, for each `wrt` argument, or a
    rejection if a finite step changes which way a decision goes (they would mean nothing)."""
    decisions = []

    def recorded(*args):
        result, seen = traced_run(traced, args)
        decisions.append(seen.decisions)
        return result

    finite = [numerical_gradient(recorded, case.args, k) for k in case.wrt]
    _reject_if(any(d != trace.decisions for d in decisions), "a finite step changes a branch")
    return finite


def _reject_if(condition: bool, why: str) -> None:
    if condition:
        event(f"rejected: {why}")  # hypothesis counts the reasons in its statistics
    assume(not condition)


def remove_generated(function, wrt) -> None:
    """Delete what astgrad wrote to its cache folder for `function`'s gradients (the modules,
    and numba's compiled code beside them): a generated program never comes back, and a long
    run would otherwise leave about a megabyte per program there."""
    for make in (astgrad.grad, astgrad.value_and_grad):
        try:
            path = Path(make(function, wrt, jit=False).__globals__["__file__"])
        except AstgradError:  # refused: nothing written
            return
        for stale in [path, *path.parent.glob(f"__pycache__/{path.stem}.*")]:
            stale.unlink(missing_ok=True)
