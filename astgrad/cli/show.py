"""`python -m astgrad show FILE.py:FUNC`: print what astgrad makes of a function, stage by stage.

    $ python -m astgrad show model.py:loss --wrt w,b
    $ python -m astgrad show model.py:loss --stage normalize

`--stage parse` prints the function as astgrad read and checked it, `normalize` one operation
per line (the forward sweep as it will run), `reverse` (the default) the whole generated
gradient module. On a terminal the text is syntax-highlighted (not when NO_COLOR is set).
"""

from __future__ import annotations

import ast
import importlib.util
import io
import keyword
import os
import sys
import tokenize
from pathlib import Path

from ..api import grad
from ..emit import function_def, module_text
from ..errors import CommandLineError
from ..names import Names, Namespace
from ..normalize import normalize_program
from ..parse import parse
from ..reverse.forward import Spelling

STAGES = ("parse", "normalize", "reverse")


def add_parser(subcommands) -> None:
    command = subcommands.add_parser(
        "show", help="print the gradient astgrad writes for a function",
        description="Print the gradient source astgrad generates for FUNC in FILE.py.")
    command.add_argument("target", metavar="FILE.py:FUNC")
    command.add_argument("--wrt", help="arguments to differentiate, by name: x,y (default: "
                         "the first)")
    command.add_argument("--stage", choices=STAGES, default="reverse")
    command.set_defaults(run=run)


def run(arguments) -> int:
    function = user_function(arguments.target)
    text = stage_text(function, arguments.stage, _wrt(arguments.wrt))
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    print(highlighted(text) if color else text, end="")
    return 0


def user_function(target: str):
    """The function FUNC of FILE.py, its module imported as the user's own code would be."""
    filename, _, name = target.rpartition(":")
    if not filename or not name:
        raise CommandLineError(f"'{target}' is not FILE.py:FUNC",
                               "name a file and a function in it: model.py:loss")
    path = Path(filename)
    if not path.is_file():
        raise CommandLineError(f"no file {filename}")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.resolve().parent))  # so that it imports its neighbours
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        raise CommandLineError(f"importing {filename} failed: {type(error).__name__}: {error}",
                               "run it with python first to see the whole error") from None
    finally:
        sys.path.pop(0)
    function = getattr(module, name, None)
    if not callable(function):
        defined = sorted(k for k, v in vars(module).items()
                         if callable(v) and getattr(v, "__module__", None) == module.__name__)
        raise CommandLineError(f"{filename} defines no function {name}",
                               f"its functions: {', '.join(defined) or 'none'}")
    return function


def stage_text(function, stage: str, wrt) -> str:
    """The source text of one stage of astgrad's pipeline for `function`."""
    if stage == "parse":
        return ast.unparse(parse(function).tree) + "\n"
    if stage == "normalize":
        return _normalized_text(function)
    return grad(function, wrt=wrt, jit=False).source


def _normalized_text(function) -> str:
    program = normalize_program(function)
    names = Names(frozenset().union(*(f.user_names for f in program.functions.values())))
    spelling = Spelling(Namespace(names), lambda called: called.name)
    definitions = []
    for normalized in program.functions.values():
        parameters = ast.arguments(posonlyargs=[], args=[ast.arg(p) for p in normalized.params],
                                   kwonlyargs=[], kw_defaults=[], defaults=[])
        body = spelling.plain_block(normalized.body)
        definitions.append(function_def(normalized.name, parameters, body))
    text, _ = module_text(f"{function.__name__} normalized: one operation per line.", [],
                          definitions)
    return text


def _wrt(option: str | None):
    if option is None:
        return 0
    names = tuple(name.strip() for name in option.split(",") if name.strip())
    return names[0] if len(names) == 1 else names


_STYLE = {tokenize.COMMENT: "2;37", tokenize.STRING: "32", tokenize.NUMBER: "36"}


def highlighted(text: str) -> str:
    """Python source with ANSI colours: keywords, strings, numbers, comments."""
    out, end = [], (1, 0)
    lines = text.splitlines(keepends=True)
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        out.append(_between(lines, end, token.start))
        style = _STYLE.get(token.type)
        if token.type == tokenize.NAME and keyword.iskeyword(token.string):
            style = "1;34"
        out.append(f"\x1b[{style}m{token.string}\x1b[0m" if style else token.string)
        end = token.end
    return "".join(out)


def _between(lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    """The text between two token positions (whitespace and line breaks)."""
    (row, col), (end_row, end_col) = start, end
    if row == end_row:
        return lines[row - 1][col:end_col] if row <= len(lines) else ""
    return lines[row - 1][col:] + "".join(lines[row:end_row - 1]) + (
        lines[end_row - 1][:end_col] if end_row <= len(lines) else "")
