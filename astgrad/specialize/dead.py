"""Statements of a specialized function that compute only what nothing reads, left out.

Takes the statements a specialized function's writer produced (its loop nests, and the
statements it kept as written) and produces them without those that bind names nothing reads
after them and can neither raise nor change an array anything else sees: plain arithmetic,
views, allocations, and the loop nests filling arrays of their own.

Why: the generic gradient computes the function's value in its forward sweep, and a helper's
value before its vjp; a specialized gradient knows the value's shape, so that the value
itself is often read by nothing (`output_seed(value)` is the number 1.0 of the dtype), and
neither need numba compile nor the gradient run what computed it (gmm's whole
log-likelihood after its loops).

A statement that may raise stays, so that the gradient raises where the function does: an
index by a number (out of range), a call of anything but a NumPy ufunc or an allocation,
a store into an array the statement did not allocate itself. A loop nest writing an array of
the function's own that nothing reads (nor any name bound to it) goes too: its loops index
within the array (ode's right-hand side, computed again in the reversed trips for its shape
alone, 4% of the gradient's time).
"""

from __future__ import annotations

import ast

import numpy as np

from ..emit import Comment
from .code import is_scratch
from .syntax import bound_names, is_nest, loads, trip_start

ALLOCATIONS = (np.empty, np.zeros, np.ones)


def without_dead(statements: list[ast.stmt], read_after: set[str], resolve) -> list[ast.stmt]:
    """`statements` without those computing only what nothing reads; `read_after`: the names
    read after them; `resolve(node)` the object a call's function names, or None. Again
    while that leaves out more: an array only a statement left out read is read by nothing."""
    while True:
        count = _count(statements)
        statements = _without_dead(statements, read_after, resolve, _unread_arrays(statements))
        if _count(statements) == count:
            return statements


def _count(statements: list[ast.stmt]) -> int:
    return sum(1 for stmt in statements for node in ast.walk(stmt) if isinstance(node, ast.stmt))


def _without_dead(statements: list[ast.stmt], read_after: set[str], resolve,
                  unread: frozenset) -> list[ast.stmt]:
    live = set(read_after)
    kept: list[ast.stmt] = []
    own = _own_allocations(statements, resolve)
    dropped = False  # the next statement (not a comment) was left out: so is its comment
    for position in reversed(range(len(statements))):
        stmt = statements[position]
        if isinstance(stmt, Comment):
            if not dropped:
                kept.append(stmt)
            continue
        dropped = _dead(stmt, live, own.get(position, set()) | unread, resolve)
        if dropped:
            continue
        if isinstance(stmt, ast.For) and not is_nest(stmt):
            # what the next trip reads before binding it is read after a trip too
            stmt.body = _without_dead(stmt.body, live | trip_start(stmt), resolve, unread)
        # (a loop may make no trip: it binds nothing for certain)
        bound = bound_names(stmt) if isinstance(stmt, ast.Assign) else set()
        live = (live - bound) | loads(stmt)
        kept.append(stmt)
    return kept[::-1]


def _dead(stmt: ast.stmt, live: set[str], own: set[str], resolve) -> bool:
    if isinstance(stmt, ast.Assign):
        names = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
        return len(names) == len(stmt.targets) and not set(names) & live and _pure(
            stmt.value, resolve)
    if isinstance(stmt, ast.For) and is_nest(stmt):
        stores = {t.value.id for node in ast.walk(stmt) for t in _targets(node)
                  if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name)}
        bound = {t.id for node in ast.walk(stmt) for t in _targets(node)
                 if isinstance(t, ast.Name)}
        # (its loops index within their arrays' shapes: only its calls might raise)
        return stores <= own and not (stores | bound) & live and all(
            _harmless(resolve(node.func)) for node in ast.walk(stmt)
            if isinstance(node, ast.Call))
    return False


def _pure(node: ast.expr, resolve) -> bool:
    """Whether computing `node` can neither raise nor change anything."""
    if isinstance(node, ast.Name | ast.Constant):
        return True
    if isinstance(node, ast.BinOp | ast.UnaryOp | ast.BoolOp | ast.Compare | ast.Tuple
                  | ast.Attribute | ast.IfExp):
        return all(_pure(child, resolve) for child in ast.iter_child_nodes(node)
                   if isinstance(child, ast.expr))
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) \
            and node.value.attr == "shape" and isinstance(node.slice, ast.Constant):
        return _pure(node.value, resolve)  # a size (of the rank the pattern gives)
    if isinstance(node, ast.Subscript):  # a view: slices and new axes, never a number
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        return _pure(node.value, resolve) and all(
            isinstance(i, ast.Slice) and all(_pure(b, resolve) for b in (i.lower, i.upper, i.step)
                                             if b is not None)
            or isinstance(i, ast.Constant) and i.value is None for i in items)
    if isinstance(node, ast.Call) and not node.keywords:
        return _harmless(resolve(node.func)) and all(_pure(a, resolve) for a in node.args)
    return False


def _harmless(function) -> bool:
    """A function that of numbers and arrays raises nothing and changes nothing."""
    return isinstance(function, np.ufunc) or function in ALLOCATIONS or function is range


def _own_allocations(statements: list[ast.stmt], resolve) -> dict[int, set[str]]:
    """For each loop nest (by position), the arrays the statements right before it allocate
    (the nest's own)."""
    out = {}
    for position, stmt in enumerate(statements):
        if not (isinstance(stmt, ast.For) and is_nest(stmt)):
            continue
        own, read, before = set(), set(), position - 1
        while before >= 0 and isinstance(statements[before], ast.Assign) and _pure(
                statements[before].value, resolve):
            value = statements[before].value
            if isinstance(value, ast.Call) and resolve(value.func) in ALLOCATIONS:
                # (an array another name was bound to since is not the nest's alone)
                own |= {t.id for t in statements[before].targets
                        if isinstance(t, ast.Name) and t.id not in read}
            read |= loads(statements[before])
            before -= 1
        out[position] = own
    return out


def _unread_arrays(statements: list[ast.stmt]) -> frozenset:
    """The names of the arrays of the function's own (code.scratch) that nothing reads: the
    name and every name bound to it are only ever written into (a helper's value computed
    again in its vjp only for its shape: ode's fourth right-hand side)."""
    found = _Reads()
    for stmt in statements:
        found.visit(stmt)
    unread = set()
    for root in found.scratch:
        group, grown = {root}, True
        while grown:
            more = set().union(*(found.aliases.get(name, set()) for name in group)) - group
            group |= more
            grown = bool(more)
        if not group & found.names:
            unread |= group
    return frozenset(unread)


class _Reads(ast.NodeVisitor):
    """The names statements read (not an array whose elements they write, nor one they bind
    another name to), the names bound to others, and the function's own arrays."""

    def __init__(self):
        self.names: set[str] = set()
        self.aliases: dict[str, set[str]] = {}  # name -> the names bound to it
        self.scratch: set[str] = set()

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.names.add(node.id)

    def visit_Assign(self, node: ast.Assign) -> None:
        if is_scratch(node):
            self.scratch |= bound_names(node)
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and isinstance(node.value, ast.Name):
            self.aliases.setdefault(node.value.id, set()).add(node.targets[0].id)
            return
        for target in node.targets:
            self._target(target)
        self.visit(node.value)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._target(node.target)
        self.visit(node.value)

    def _target(self, target: ast.expr) -> None:
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            self.visit(target.slice)  # (the index is read, the array written)
        else:
            self.visit(target)


def _targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        return node.targets
    if isinstance(node, ast.AugAssign):
        return [node.target]
    return []
