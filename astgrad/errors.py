"""Errors a user can cause, each naming the user's file and line.

Every error astgrad raises because of what it was given derives from `AstgradError`. It carries
an `Origin` (the user's file, line, column and source text), a message saying what went wrong,
and a hint saying what to do. `UnsupportedSyntaxError` is also a `SyntaxError`, so Python prints
it with a caret under the offending text.

Generated code raises the plain exceptions at the end of this module (compiled code can raise
only those); astgrad/entry.py translates them, and any other error a generated gradient meets,
into the errors above on the user's line.
"""

from __future__ import annotations

import linecache
import os
import sys
from dataclasses import dataclass


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


class SpecializationWarning(UserWarning):
    """astgrad could not write the specialized version of a gradient for its arguments'
    pattern (a bug in astgrad): the gradient runs as generated, correct but slower."""


# -- errors raised from inside generated code ---------------------------------------------
#
# Compiled code can only raise exception classes with simple arguments. These carry the facts;
# astgrad.entry.translate_error turns them into the user-facing errors above.


class NonScalarOutput(Exception):
    """Raised by the generated code when the function's value is not a scalar."""


class IntegerInput(Exception):
    """Raised by the generated code when an argument in `wrt` is not a floating-point value."""


class SharedArray(Exception):
    """Raised by the generated code when `x += v`, or a write into an array, would change an
    array another name shares (runtime.not_shared)."""


class ShapeChanged(Exception):
    """Raised by the generated code when a loop-carried array changes shape between trips."""


class ResidualShapeChanged(Exception):
    """Raised by the generated code when a value that a helper called in a loop returns for
    its adjoint (kept in a tape made at the first trip) has another shape in a later trip:
    the entry then computes the gradient with a version that recomputes such values."""


class GradientShape(Exception):
    """Raised by the generated code when a gradient it computed does not have its argument's
    shape: a bug in astgrad, reported as such rather than returned."""


class IntegerExpected(Exception):
    """Raised by the generated code when an argument used as a trip count is not an integer."""


class EndlessLoop(Exception):
    """Raised by the generated code when a while loop can never end (its numbers are stuck
    at NaN or infinity)."""
