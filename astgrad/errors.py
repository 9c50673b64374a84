"""Errors a user can cause, each naming the user's file and line.

Every error astgrad raises because of what it was given derives from `AstgradError`. It carries
an `Origin` (the user's file, line, column and source text), a message saying what went wrong,
and a hint saying what to do. `UnsupportedSyntaxError` is also a `SyntaxError`, so Python prints
it with a caret under the offending text.

Errors that surface while a generated gradient runs (a numba typing failure, a NumPy error, a
non-scalar output) are translated here into the same form by `translate_error`, using the map
from generated lines to user lines that the loader registers for each generated module.
"""

from __future__ import annotations

import inspect
import linecache
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Origin:
    """A place in the user's source: the statement a generated line comes from."""

    filename: str
    line: int
    col: int  # 0-based start column of the offending text
    end_col: int | None
    text: str  # the whole source line, without its newline
    function: str

    def __str__(self) -> str:
        return f"{self.filename}, line {self.line}"

    def caret(self) -> str:
        """The source line and a caret under the offending text, indented like a traceback."""
        stripped = self.text.lstrip()
        indent = len(self.text) - len(stripped)
        start = max(self.col - indent, 0)
        end = self.end_col - indent if self.end_col is not None else len(stripped)
        width = max(min(end, len(stripped.rstrip())) - start, 1)
        return f"    {stripped.rstrip()}\n    {' ' * start}{'^' * width}"


class AstgradError(Exception):
    """An error in what the user gave astgrad, naming their file and line."""

    def __init__(self, message: str, origin: Origin | None = None, hint: str | None = None):
        self.message = message
        self.origin = origin
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        parts = [self.message]
        if self.origin is not None:
            parts.append(
                f'  File "{self.origin.filename}", line {self.origin.line}, '
                f"in {self.origin.function}"
            )
            if self.origin.text.strip():
                parts.append(self.origin.caret())
        if self.hint:
            parts.append(f"hint: {self.hint}")
        return "\n".join(parts)


_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def _inside_astgrad(filename: str) -> bool:
    return os.path.abspath(filename).startswith(_PACKAGE + os.sep)


def caller_origin() -> Origin | None:
    """The Origin of the innermost frame outside astgrad: the user's line that called us."""
    frame = sys._getframe(1)
    while frame is not None and _inside_astgrad(frame.f_code.co_filename):
        frame = frame.f_back
    if frame is None:
        return None
    filename, line = frame.f_code.co_filename, frame.f_lineno
    text = linecache.getline(filename, line).rstrip("\n")
    return Origin(filename, line, len(text) - len(text.lstrip()), None, text, frame.f_code.co_name)


class UnsupportedSyntaxError(AstgradError, SyntaxError):
    """A construct astgrad cannot differentiate, rejected before any transform."""

    def __init__(self, message: str, origin: Origin, hint: str | None = None):
        self.message, self.origin, self.hint = message, origin, hint
        text = message if not hint else f"{message}\nhint: {hint}"
        end = origin.end_col + 1 if origin.end_col is not None else None
        location = (origin.filename, origin.line, origin.col + 1, origin.text, origin.line, end)
        SyntaxError.__init__(self, text, location)

    def __str__(self) -> str:
        return self.render()


class SourceUnavailableError(AstgradError):
    """The function's source cannot be read (a lambda typed at a prompt, a builtin, ...)."""


class WrtError(AstgradError):
    """`wrt` names no argument of the function, or one that cannot be differentiated."""


class NoRuleError(AstgradError):
    """A differentiable value flows into a call that has no derivative rule."""


class NonScalarOutputError(AstgradError):
    """The function returns something other than a scalar."""


class InputError(AstgradError):
    """A gradient was called with inputs it cannot differentiate (an int in `wrt`, ...)."""


class CompileError(AstgradError):
    """numba could not compile the generated gradient; mapped back to the user's line."""


class GradientRuntimeError(AstgradError):
    """The gradient failed while running (a NumPy error in the user's code, ...)."""


class TapeError(AstgradError, RuntimeError):
    """A misuse of the tape engine (`astgrad.tape`): backward through a freed graph, a
    gradient read from a tensor that has none, an operation with no derivative, ...

    A `RuntimeError` too, as PyTorch raises for the same mistakes.
    """

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message, caller_origin(), hint)


class TrainingError(AstgradError):
    """A model, data or option astgrad.nn cannot train with, or a loss that became NaN."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message, caller_origin(), hint)


class CommandLineError(AstgradError):
    """A mistake in a `python -m astgrad` command (a missing file, an unknown column)."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message, None, hint)


# -- errors raised from inside generated code ---------------------------------------------
#
# Compiled code can only raise exception classes with simple arguments. These carry the facts;
# `translate_error` turns them into the user-facing errors above.


class NonScalarOutput(Exception):
    """Raised by the generated code when the function's value is not a scalar."""


class IntegerInput(Exception):
    """Raised by the generated code when an argument in `wrt` is not a floating-point value."""


class SharedArray(Exception):
    """Raised by the generated code when `x += v` would change an array another name shares."""


class ShapeChanged(Exception):
    """Raised by the generated code when a loop-carried array changes shape between trips."""


class GradientShape(Exception):
    """Raised by the generated code when a gradient it computed does not have its argument's
    shape: a bug in astgrad, reported as such rather than returned."""


class IntegerExpected(Exception):
    """Raised by the generated code when an argument used as a trip count is not an integer."""


class EndlessLoop(Exception):
    """Raised by the generated code when a while loop can never end (its numbers are stuck
    at NaN or infinity)."""


# -- translation ----------------------------------------------------------------------------

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

    def translate(self, error: BaseException, args: tuple) -> AstgradError:
        if isinstance(error, NonScalarOutput):
            what = error.args[0] if error.args else "something else"
            shape = f"an array of shape {tuple(what)}" if isinstance(what, tuple) else f"a {what}"
            return NonScalarOutputError(
                f"{self.function} must return a scalar to be differentiated, but returns {shape}",
                self.returned, "return a scalar: a loss, a sum or mean, or one element")
        if isinstance(error, SharedArray):
            name, line = error.args
            return GradientRuntimeError(
                f"'{name} += ...' changes the array {name} in place, and another name refers to "
                "the same array; astgrad cannot differentiate a change seen through two names",
                self._at_line(line), f"write {name} = {name} + ..., or copy the array first")
        if isinstance(error, ShapeChanged):
            name, line = error.args
            return GradientRuntimeError(
                f"'{name}' changes shape from one trip of the loop at line {line} to the next",
                self._at_line(line), "give it its final shape before the loop (for instance "
                        f"{name} = np.zeros(n) rather than {name} = 0.0)")
        if isinstance(error, GradientShape):
            got, wanted = error.args
            return GradientRuntimeError(
                f"astgrad computed a gradient of {self.function} of shape {tuple(got)} for an "
                f"argument of shape {tuple(wanted)}: a bug in astgrad, which it reports rather "
                "than return a wrong gradient", self.definition,
                "please report it with the function; astgrad.tape.grad computes the gradient "
                "meanwhile")
        if isinstance(error, IntegerExpected):
            name, line = error.args
            value = dict(zip(self.params, args)).get(name)
            return InputError(
                f"argument '{name}' of {self.function} is {_describe_value(value)}, but it is "
                f"the trip count of the loop at line {line}, which must be an integer",
                self._at_line(line), f"pass an integer, e.g. {name}=int({name})")
        if isinstance(error, EndlessLoop):
            (line,) = error.args
            return GradientRuntimeError(
                f"the while loop at line {line} can never end: a trip left the numbers that "
                "decide whether it goes on as they were, and one of them is NaN or infinite",
                self._at_line(line),
                "check the inputs with np.isfinite before computing the gradient, or stop the "
                "loop after a maximum number of trips")
        bad = self.refused_argument(args, integers=isinstance(error, IntegerInput))
        if bad is not None:
            return bad
        if self.jit and _is_numba_error(error):
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
        hint = None if origin else "run with jit=False to see the line that fails"
        if re.match(r"cannot convert float (NaN|infinity) to integer", str(error)):
            hint = ("a NaN or infinite value reached a count or an index here; check the inputs "
                    "with np.isfinite before computing the gradient")
        elif "cannot be interpreted as an integer" in str(error):
            hint = ("range() takes integers: compute the bound with integers (n // 2, not "
                    "n / 2), or convert it with int(...)")
        elif isinstance(error, UnboundLocalError):
            hint = ("a name the function assigns is local to all of it: give it a value before "
                    "reading it (to update a module-level value, pass it in as an argument and "
                    "return the new value)")
        return GradientRuntimeError(
            f"{type(error).__name__} while computing the gradient of {self.function}: {error}",
            origin or self.definition, hint)

    def _at_line(self, line: int) -> Origin:
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


def _is_numba_error(error: BaseException) -> bool:
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
