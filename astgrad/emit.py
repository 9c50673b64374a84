"""Emit: generated syntax trees to readable source text, each line labelled with its user line.

Takes the syntax trees of a gradient (statements tagged with the user `Origin` they come from)
and produces the module's text, plus a map from each generated line number to its Origin, which
is how a numba error in generated code is reported on the user's line. Statements and comments
are laid out here; expressions are printed by astor, the project's printer, behind `to_source`
(the standard library's `ast.unparse` takes over where astor cannot run).
"""

from __future__ import annotations

import ast

from .errors import Origin

COMMENT_COLUMN = 44


class Comment(ast.stmt):
    """A comment line in generated code (emit prints it; it is never executed)."""

    _fields = ("text",)

    def __init__(self, text: str = ""):  # (copy.deepcopy makes one empty, then fills it)
        super().__init__()
        self.text = text


def tag(stmt: ast.stmt, origin: Origin | None) -> ast.stmt:
    """Mark a generated statement with the user statement it comes from."""
    stmt.astgrad_origin = origin
    return stmt


def label(origin: Origin, with_text: bool) -> str:
    """The comment that labels a generated line with its user line (and that line's text, on
    the first of the lines it becomes)."""
    return f"# line {origin.line}: {origin.text.strip()}" if with_text else f"# line {origin.line}"


def function_def(name: str, args: ast.arguments, body: list) -> ast.FunctionDef:
    """A FunctionDef node, whatever fields this Python's ast requires."""
    node = ast.FunctionDef(name=name, args=args, body=body, decorator_list=[], returns=None,
                           type_comment=None)
    if "type_params" in ast.FunctionDef._fields:
        node.type_params = []
    return node


def to_source(node: ast.AST) -> str:
    """Source text of an expression or a simple statement."""
    try:
        import astor

        return astor.to_source(node).rstrip("\n")
    except Exception:  # astor does not know this Python's newest syntax
        return ast.unparse(ast.fix_missing_locations(node))


def _one_line(node: ast.expr) -> str:
    """An expression on one line (astor breaks long ones, which a block's header cannot be)."""
    return " ".join(line.strip() for line in to_source(node).splitlines())


class _Printer:
    def __init__(self):
        self.lines: list[str] = []
        self.origins: dict[int, Origin] = {}
        self._last_origin: Origin | None = None

    def line(self, text: str, origin: Origin | None = None) -> None:
        if origin is not None:
            comment = label(origin, with_text=origin is not self._last_origin)
            text = f"{text.ljust(COMMENT_COLUMN - 2)}  {comment}"
            self.origins[len(self.lines) + 1] = origin
        self._last_origin = origin
        self.lines.append(text)

    def statement(self, stmt: ast.stmt, indent: str) -> None:
        origin = getattr(stmt, "astgrad_origin", None)
        if isinstance(stmt, Comment):  # labelled if tagged (what a loop nest computes)
            self.line(f"{indent}# {stmt.text}", origin)
        elif isinstance(stmt, ast.FunctionDef):
            *header, _ = to_source(function_def(stmt.name, stmt.args, [ast.Pass()])).splitlines()
            self.line(f"{indent}{header[0]}", origin)
            for text in header[1:]:  # a long parameter list, wrapped
                self.line(f"{indent}{text}")
            self.block(stmt.body, indent + "    ")
        elif isinstance(stmt, ast.If):
            self.line(f"{indent}if {_one_line(stmt.test)}:", origin)
            self.block(stmt.body, indent + "    ")
            if stmt.orelse:
                self.line(f"{indent}else:")
                self.block(stmt.orelse, indent + "    ")
        elif isinstance(stmt, ast.For):
            self.line(f"{indent}for {to_source(stmt.target)} in {to_source(stmt.iter)}:", origin)
            self.block(stmt.body, indent + "    ")
        elif isinstance(stmt, ast.While):
            self.line(f"{indent}while {_one_line(stmt.test)}:", origin)
            self.block(stmt.body, indent + "    ")
        elif isinstance(stmt, ast.Try):
            self.line(f"{indent}try:")
            self.block(stmt.body, indent + "    ")
            for handler in stmt.handlers:
                named = f" as {handler.name}" if handler.name else ""
                self.line(f"{indent}except {to_source(handler.type)}{named}:")
                self.block(handler.body, indent + "    ")
        else:
            for text in to_source(stmt).splitlines():
                self.line(f"{indent}{text}", origin)

    def block(self, body: list, indent: str) -> None:
        if all(isinstance(stmt, Comment) for stmt in body):  # (what it computed was left out)
            body = [*body, ast.Pass()]
        for stmt in body:
            self.statement(stmt, indent)


def module_text(docstring: str, header: list[str], functions: list[ast.FunctionDef],
                footer: list[str] = ()) -> tuple[str, dict[int, Origin]]:
    """The generated module's text, and the user Origin of each of its labelled lines."""
    printer = _Printer()
    for text in [*('"""' + docstring.strip()).splitlines(), '"""', *header]:
        printer.line(text)
    for function in functions:
        printer.line("")
        printer.line("")
        printer.statement(function, "")
    for text in footer:
        printer.line(text)
    text = "\n".join(line.rstrip() for line in printer.lines) + "\n"
    return text, printer.origins
