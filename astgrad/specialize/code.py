"""Builders of the syntax trees a specialized gradient is made of: names, elements of arrays,
numbers of the one dtype, new arrays, loops. emit prints the trees."""

from __future__ import annotations

import ast


def load(name: str) -> ast.Name:
    return ast.Name(name, ast.Load())


def attribute(value: ast.expr | str, attr: str) -> ast.Attribute:
    """`value.attr` (`np.float32`, `a.T`, `a.size`)."""
    return ast.Attribute(load(value) if isinstance(value, str) else value, attr, ast.Load())


def call(function: ast.expr | str, *args: ast.expr) -> ast.Call:
    """`function(*args)`; a dotted string (`np.dot`) is spelled as attributes."""
    if isinstance(function, str):
        first, *rest = function.split(".")
        function = load(first)
        for attr in rest:
            function = attribute(function, attr)
    return ast.Call(function, list(args), [])


def element(array: str, at: list[ast.expr], store: bool = False) -> ast.Subscript:
    """`array[i, j]`, or `array[i]` of one position."""
    index = ast.Tuple(list(at), ast.Load()) if len(at) > 1 else at[0]
    return ast.Subscript(load(array), index, ast.Store() if store else ast.Load())


def assign(target: str | ast.expr, value: ast.expr) -> ast.Assign:
    if isinstance(target, str):
        target = ast.Name(target, ast.Store())
    return ast.Assign([target], value, lineno=0)


def add_into(target: ast.expr, value: ast.expr) -> ast.AugAssign:
    """`target += value`."""
    return ast.AugAssign(target, ast.Add(), value)


def number(value, dtype: str) -> ast.expr:
    """A number in the one dtype: as written for float64 (Python's float), else converted."""
    if dtype == "float64":
        return ast.Constant(value)
    return call(f"np.{dtype}", ast.Constant(value))


def in_dtype(value: ast.expr, dtype: str) -> ast.expr:
    """`value` converted to the one dtype (needed only for float32: Python's numbers are
    float64)."""
    return value if dtype == "float64" else call(f"np.{dtype}", value)


def new_array(kind: str, sizes: list[ast.expr], dtype: str) -> ast.Call:
    """`np.empty((m, n), np.float64)` (`kind`: empty or zeros)."""
    return call(f"np.{kind}", ast.Tuple(list(sizes), ast.Load()), attribute("np", dtype))


def scratch(name: str, sizes: list[ast.expr], dtype: str) -> ast.Assign:
    """`name = np.empty(sizes, dtype)`: an array the specialized function fills before it
    reads it (a nest's, a loop's tape), so that no old contents of it are ever read: one made
    before a loop serves every trip (hoist.py)."""
    allocate = assign(name, new_array("empty", sizes, dtype))
    allocate.astgrad_scratch = True
    return allocate


def is_scratch(stmt: ast.stmt) -> bool:
    return getattr(stmt, "astgrad_scratch", False)


def for_range(index: str, bounds: list[ast.expr], body: list[ast.stmt]) -> ast.For:
    """`for index in range(*bounds): body`."""
    return ast.For(ast.Name(index, ast.Store()), call("range", *bounds), body, [], lineno=0)


def loops(indices: list[str], sizes: list[ast.expr], body: list[ast.stmt]) -> list[ast.stmt]:
    """`body` in a nest of loops over `sizes`, the first index outermost."""
    for index, size in reversed(list(zip(indices, sizes))):
        body = [for_range(index, [size], body)]
    body[0].astgrad_nest = True  # (which dead.py may leave out)
    return body


def is_assignment_to(stmt: ast.stmt, name: str) -> bool:
    """Whether `stmt` is `name = ...`."""
    return isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
        stmt.targets[0], ast.Name) and stmt.targets[0].id == name


class AsNumber(ast.NodeTransformer):
    """`array[...]` read or written as the number `array`: for an array a loop fills element
    by element that nothing after the loop reads."""

    def __init__(self, array: str):
        self.array = array

    def visit_Subscript(self, node: ast.Subscript):
        self.generic_visit(node)
        if isinstance(node.value, ast.Name) and node.value.id == self.array:
            return ast.Name(self.array, node.ctx)
        return node
