"""The runtime of a generated gradient's entry function (the function astgrad.grad returns):
binding a call's arguments as the user's function binds them, and translating what the
gradient raises into an AstgradError on the user's line.

Takes, per generated module, a `GeneratedCode` that api.py registers when it loads the module:
the map from generated lines to the user's lines, the user's signature, and the same gradient
as plain Python (whose errors name shapes and indices where numba's do not). Produces the
bound arguments, or the translated error.
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from .errors import (
    AstgradError,
    CompileError,
    EndlessLoop,
    GradientRuntimeError,
    GradientShape,
    InputError,
    IntegerExpected,
    IntegerInput,
    NonScalarOutput,
    NonScalarOutputError,
    Origin,
    ResidualShapeChanged,
    ShapeChanged,
    SharedArray,
)

_generated: dict[str, GeneratedCode] = {}  # generated module name -> what it came from


def register_generated(module_name: str, code: GeneratedCode) -> None:
    _generated[module_name] = code


class _NotGiven:
    """The default of every parameter of a gradient's entry function: no argument was passed."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = _NotGiven()


def bind_arguments(module_name: str, given: tuple, more: tuple, named: dict) -> tuple:
    """The arguments of a call of a generated gradient that was not simply every argument by
    position, bound as Python binds the user's function (keywords, defaults) and in
    parameter order; or an InputError on the user's `def` line saying what is wrong.

    `given` holds the entry's parameters (NOT_GIVEN where nothing came), `more` the positional
    arguments beyond them, `named` the other keyword arguments."""
    code = _generated[module_name]
    positional, keywords = [], dict(named)
    for position, (name, value) in enumerate(zip(code.params, given)):
        if code.signature.parameters[name].kind is inspect.Parameter.KEYWORD_ONLY:
            if value is not NOT_GIVEN:
                keywords[name] = value
        elif value is not NOT_GIVEN and len(positional) == position:
            positional.append(value)  # by position, up to the first one not given
    parameters = code.signature.parameters
    unknown = [name for name in keywords if name not in parameters
               or parameters[name].kind is inspect.Parameter.POSITIONAL_ONLY]
    problems = [f"unexpected keyword argument {name!r}" for name in unknown]
    try:  # what else is wrong, the unknown keywords aside
        bound = code.signature.bind(*positional, *more, **{
            name: value for name, value in keywords.items() if name not in unknown})
    except TypeError as error:
        problems.append(str(error))
    if problems:
        raise InputError(f"wrong arguments for the gradient of {code.function}: "
                         + "; ".join(problems), code.definition,
                         f"call it as {code.function}{code.signature}") from None
    bound.apply_defaults()
    return tuple(bound.arguments[name] for name in code.params)


def recomputed(module_name: str, args: tuple):
    """The gradient of a generated module's function computed by its version whose loops
    recompute what helpers' adjoints read (made on first need): the module's loops keep it
    in tapes made at their first trips, and its shape changed in a later one."""
    return _generated[module_name].recomputing()(*args)


def translate_error(error: BaseException, module_name: str, args: tuple) -> BaseException:
    """An exception raised by a generated gradient, as an AstgradError on the user's line."""
    code = _generated.get(module_name)
    if isinstance(error, AstgradError) or code is None:
        return error
    return code.translate(error, args)


@dataclass
class GeneratedCode:
    """What a generated module needs in order to report an error on the user's line."""

    path: str
    line_origins: dict[int, Origin]
    function: str
    definition: Origin  # the user's `def` line
    returned: Origin  # the user's return statement
    params: list[str]
    signature: inspect.Signature  # the user's function's
    wrt: tuple[str, ...]
    jit: bool
    python: Callable[[], Callable] | None = None  # the same gradient as plain Python
    # the version whose loops recompute what helpers' adjoints read (recomputed)
    recomputing: Callable[[], Callable] | None = None

    def translate(self, error: BaseException, args: tuple) -> AstgradError:
        internal = _INTERNAL.get(type(error))
        if internal is not None:  # raised by the generated code itself, with the facts
            return internal(self, error.args, args)
        bad = self.refused_argument(args, integers=isinstance(error, IntegerInput))
        if bad is not None:
            return bad
        if self.jit and is_numba_error(error):
            failure = self._python_failure(args)
            if failure is not None:  # plain Python fails too, and says why on the user's line
                return replace(self, jit=False).translate(failure, args)
            message = re.sub(r"\x1b\[[0-9;]*m", "", str(error))  # numba colours its text
            origin = _origin_in_message(message, self.path, self.line_origins)
            return CompileError(
                f"numba cannot compile the gradient of {self.function}: {_numba_reason(message)}",
                origin or self.definition,
                "run astgrad.grad(..., jit=False) to execute the same code as plain NumPy and "
                "see the error on its line; use the NumPy functions numba supports")
        if self.jit:
            failure = self._python_failure(args)
            if failure is not None:  # Python's message names the shapes and indices; numba's not
                return replace(self, jit=False).translate(failure, args)
        origin = self._origin_in_traceback(error)
        hint = next((hint for applies, hint in _HINTS if applies(error)),
                    None if origin else "run with jit=False to see the line that fails")
        return GradientRuntimeError(
            f"{type(error).__name__} while computing the gradient of {self.function}: {error}",
            origin or self.definition, hint)

    def at_line(self, line: int) -> Origin:
        return next((o for o in self.line_origins.values() if o.line == line), self.definition)

    def refused_argument(self, args: tuple, integers: bool = False) -> AstgradError | None:
        """The InputError for the first argument a gradient cannot take, if any: one that is
        not a number, an array of numbers or (not differentiated) a tuple; with `integers`,
        also a differentiated argument that is not floating-point."""
        for name, value in zip(self.params, args):
            kind = type(value).__name__
            numeric = isinstance(value, (int, float, complex, bool, np.number, np.bool_,
                                         np.ndarray))
            if not numeric and not (isinstance(value, tuple) and name not in self.wrt) or (
                    isinstance(value, np.ndarray) and value.dtype.kind not in "biufc"):
                # a tuple may carry a shape or options; only numbers and arrays have gradients
                plain = value is None or isinstance(value, (str, list, tuple, dict, np.ndarray))
                hint = f"pass np.asarray({name}, dtype=float) instead" if plain else (
                    f"pass the numbers and arrays {name} holds (its attributes) to "
                    f"{self.function} as arguments of their own")
                return InputError(f"argument '{name}' of {self.function} is "
                                  f"{_describe_value(value)}; astgrad computes with numbers and "
                                  "NumPy arrays of numbers", self.definition, hint)
            if integers and name in self.wrt and np.asarray(value).dtype.kind != "f":
                dtype = np.asarray(value).dtype
                return InputError(
                    f"argument '{name}' of {self.function} is {kind} ({dtype}); gradients are "
                    "taken with respect to floating-point values", self.definition,
                    f"pass a float, e.g. {name}=float({name}) or np.asarray({name}, float)")
        return None

    def _python_failure(self, args: tuple) -> Exception | None:
        """The exception the same gradient raises when run as plain Python, if any."""
        if self.python is None:
            return None
        try:
            self.python()(*args)
        except ResidualShapeChanged:
            # plain Python's signal that a helper's kept values change shape, which the
            # compiled entry answers with its recomputing version: not the user's failure
            return None
        except Exception as python_error:
            return python_error
        return None

    def _origin_in_traceback(self, error: BaseException) -> Origin | None:
        found, tb = None, error.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.path:
                found = self.line_origins.get(tb.tb_lineno, found)
            tb = tb.tb_next
        return found


def _describe_value(value) -> str:
    """How a message names an argument's value: `None`, `a str`, `an array of <U1`, `NaN`."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of {value.dtype}"
    if isinstance(value, (float, np.floating)):
        return f"a float ({value})"
    return f"a {type(value).__name__}"


def is_numba_error(error: BaseException) -> bool:
    from numba.core.errors import NumbaError

    return isinstance(error, NumbaError)


_LINE_IN_FILE = re.compile(r'File "([^"]+)", line (\d+)')


def _origin_in_message(message: str, path: str, line_origins: dict[int, Origin]):
    """The Origin of the last generated line a numba error message points at."""
    found = None
    for file, line in _LINE_IN_FILE.findall(message):
        if os.path.samefile(file, path) if os.path.exists(file) else file == path:
            found = line_origins.get(int(line), found)
    return found


_REASONS = ("No implementation of function", "Invalid use of", "Cannot unify", "Can't unify",
            "Unknown attribute", "non-precise type", "Untyped global name", "NameError",
            "Cannot determine", "Use of unsupported NumPy function", "Unsupported",
            "Cannot type", "TypingError")


def _numba_reason(message: str) -> str:
    """The line of a numba error message that says what went wrong."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    for line in lines:
        if "astgrad:" in line:  # one of astgrad's own typing errors says it best
            return line[line.index("astgrad:") + len("astgrad:"):].strip()
    for position, line in enumerate(lines):
        if line.startswith(_REASONS):
            if line.endswith("found for signature:") and position + 1 < len(lines):
                return f"numba has no implementation of {lines[position + 1].lstrip('> ')}"
            return line.rstrip(":")
    return lines[-1] if lines else message


# -- what the generated code raises, as the user's errors -----------------------------------
# each takes the GeneratedCode, the exception's arguments and the call's arguments


def _non_scalar_output(code: GeneratedCode, facts: tuple, args: tuple) -> AstgradError:
    what = facts[0] if facts else "something else"
    shape = f"an array of shape {tuple(what)}" if isinstance(what, tuple) else f"a {what}"
    return NonScalarOutputError(
        f"{code.function} must return a scalar to be differentiated, but returns {shape}",
        code.returned, "return a scalar: a loss, a sum or mean, or one element")


def _shared_array(code: GeneratedCode, facts: tuple, args: tuple) -> AstgradError:
    name, line, written, picked = facts
    if written:
        if name:
            what, hint = (f"'{name}', which an index of integers made part of the same array",
                          f"make a copy: {name} = {name}.copy()")
        else:
            what, hint = (f"the part of it that an index of integers picked at line {picked}",
                          f"copy what line {picked} picks: {written}[...].copy()")
        return GradientRuntimeError(
            f"writing into '{written}' also changes {what} (it picked an array, not a number), "
            "which is read afterwards; astgrad cannot differentiate a write seen through two "
            "names", code.at_line(line), hint)
    return GradientRuntimeError(
        f"'{name} += ...' changes the array {name} in place, and another name refers to the "
        "same array; astgrad cannot differentiate a change seen through two names",
        code.at_line(line), f"write {name} = {name} + ..., or copy the array first")


def _shape_changed(code: GeneratedCode, facts: tuple, args: tuple) -> AstgradError:
    name, line = facts
    return GradientRuntimeError(
        f"'{name}' changes shape from one trip of the loop at line {line} to the next",
        code.at_line(line), "give it its final shape before the loop (for instance "
                            f"{name} = np.zeros(n) rather than {name} = 0.0)")


def _gradient_shape(code: GeneratedCode, facts: tuple, args: tuple) -> AstgradError:
    got, wanted = facts
    return GradientRuntimeError(
        f"astgrad computed a gradient of {code.function} of shape {tuple(got)} for an argument "
        f"of shape {tuple(wanted)}: a bug in astgrad, which it reports rather than return a "
        "wrong gradient", code.definition,
        "please report it with the function; astgrad.tape.grad computes the gradient meanwhile")


def _integer_expected(code: GeneratedCode, facts: tuple, args: tuple) -> AstgradError:
    name, line = facts
    value = dict(zip(code.params, args)).get(name)
    return InputError(
        f"argument '{name}' of {code.function} is {_describe_value(value)}, but it is the trip "
        f"count of the loop at line {line}, which must be an integer",
        code.at_line(line), f"pass an integer, e.g. {name}=int({name})")


def _endless_loop(code: GeneratedCode, facts: tuple, args: tuple) -> AstgradError:
    (line,) = facts
    return GradientRuntimeError(
        f"the while loop at line {line} can never end: a trip left the numbers that decide "
        "whether it goes on as they were, and one of them is NaN or infinite",
        code.at_line(line), "check the inputs with np.isfinite before computing the gradient, "
                            "or stop the loop after a maximum number of trips")


_INTERNAL: dict[type, Callable[[GeneratedCode, tuple, tuple], AstgradError]] = {
    NonScalarOutput: _non_scalar_output, SharedArray: _shared_array,
    ShapeChanged: _shape_changed, GradientShape: _gradient_shape,
    IntegerExpected: _integer_expected, EndlessLoop: _endless_loop,
}

# the hint for an error of Python's or NumPy's: the first whose test holds
_HINTS: list[tuple[Callable[[BaseException], bool], str]] = [
    (lambda error: re.match(r"cannot convert float (NaN|infinity) to integer", str(error)),
     "a NaN or infinite value reached a count or an index here; check the inputs with "
     "np.isfinite before computing the gradient"),
    (lambda error: "cannot be interpreted as an integer" in str(error),
     "range() takes integers: compute the bound with integers (n // 2, not n / 2), or convert "
     "it with int(...)"),
    (lambda error: isinstance(error, UnboundLocalError),
     "a name the function assigns is local to all of it: give it a value before reading it (to "
     "update a module-level value, pass it in as an argument and return the new value)"),
]
