"""Arrays a specialized function fills in every trip of a loop, allocated once.

Takes the statements of a specialized function (written, and without what nothing reads: see
dead.py) and produces them with each `_out = np.empty(sizes, dtype)` of a loop nest, or tape of
a loop, inside a loop (code.scratch) moved before the loop, when the sizes are the same in
every trip (read from names the loop does not bind) and the array the previous trip filled is
read by nothing after the next trip fills it again: no name that may be bound to it (the name
itself, a name bound to it or to a view of it, or to anything a call returns from it) is read
before it is bound again.

Why: a gradient's trips allocate each array their nests fill (lstm's reversed trips about
seventy arrays of fourteen numbers each, a few tens of nanoseconds apiece; det's 40,320 trips a
tape of 8 numbers each, which took five times the function's own time): issue 18's "per-trip
temporaries are allocated once outside the loop and reused".

A size the loop computes in every trip from what it does not bind (lstm's `_t8 =
state.shape[0] // 2`, the trip count of the layers' loop whose tapes each reversed trip
makes) is computed once more before the loop, under a name of its own, for the allocation
moved there (lstm: 5.37 ms to 5.05 ms).
"""

from __future__ import annotations

import ast
import copy

from .code import is_scratch
from .syntax import bound_names, is_nest, live_before, loads, names_bound_once, trip_start


def hoisted(statements: list[ast.stmt]) -> list[ast.stmt]:
    """`statements` (a function's body) with the allocations of arrays filled before they are
    read (loop nests', tapes) that may be made once moved before the outermost loop they can
    leave."""
    live: dict[int, set[str]] = {}
    live_before(statements, set(), live)
    # (what binds what from what, once: names bound from arithmetic are new arrays, and those
    # the writer knew numbers are no arrays)
    links = [(loads(s.value), bound_names(s)) for s in _outside_nests(statements)
             if isinstance(s, ast.Assign) and not getattr(s, "astgrad_number", False)
             and not isinstance(s.value, ast.BinOp | ast.UnaryOp | ast.Compare)]
    bound_once = names_bound_once(statements)
    taken = {n.id for stmt in statements for n in ast.walk(stmt) if isinstance(n, ast.Name)}
    out = []
    for stmt in statements:
        if isinstance(stmt, ast.For | ast.While) and not is_nest(stmt):
            loop_bound = {n for node in ast.walk(stmt) for n in bound_names(node)}
            sizes = _sizes_on_entry(stmt, loop_bound)
            moved = [a for a in _allocations(stmt)
                     if _target(a) in bound_once and loads(a.value) & loop_bound <= set(sizes)
                     and not _held(a, stmt, _aliases(_target(a), links), live[id(a)])]
            _remove([stmt], {id(a) for a in moved})  # (sizes the loop binds may change)
            out += _computed_before(moved, sizes, taken)
        out.append(stmt)
    return out


def _sizes_on_entry(loop, loop_bound: set[str]) -> dict[str, ast.expr]:
    """The names the loop binds once in its body, in every trip, to a size computed from
    names it does not bind (or other such names), before any statement of the trip reads
    them: `_t6 = state.shape`, `_t7 = _t6[0]`, `_t8 = _t7 // 2`; each with its value."""
    once = names_bound_once(loop.body) - trip_start(loop)
    out: dict[str, ast.expr] = {}
    for stmt in loop.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], ast.Name) and stmt.targets[0].id in once and _size_form(
                stmt.value) and loads(stmt.value) & loop_bound <= set(out):
            out[stmt.targets[0].id] = stmt.value
    return out


def _size_form(node: ast.expr) -> bool:
    """`x.shape`, `s[0]`, `n // 2`, `max(n, 0)`...: arithmetic of sizes, which raises
    nothing."""
    if isinstance(node, ast.Name | ast.Constant):
        return True
    if isinstance(node, ast.Attribute):
        return node.attr == "shape" and isinstance(node.value, ast.Name)
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and _size_form(node.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult
                                                  | ast.FloorDiv):
        return _size_form(node.left) and _size_form(node.right) and not (
            isinstance(node.op, ast.FloorDiv) and not (
                isinstance(node.right, ast.Constant) and node.right.value))
    return False


def _computed_before(moved: list[ast.Assign], sizes: dict[str, ast.expr],
                     taken: set[str]) -> list[ast.stmt]:
    """The allocations `moved` before the loop, the sizes of the loop's they read computed
    before them under names of their own."""
    renamed: dict[str, str] = {}
    out: list[ast.stmt] = []
    for allocation in moved:
        for name in sizes:  # (in the loop's order: a size reads those before it)
            if name in renamed or name not in _needs(allocation.value, sizes):
                continue
            renamed[name] = _fresh(f"{name}_on_entry", taken)
            value = _Renamed(renamed).visit(copy.deepcopy(sizes[name]))
            out.append(ast.Assign([ast.Name(renamed[name], ast.Store())], value, lineno=0))
        allocation.value = _Renamed(renamed).visit(allocation.value)
        out.append(allocation)
    return out


def _needs(value: ast.expr, sizes: dict[str, ast.expr]) -> set[str]:
    """The sizes `value` reads, and those they read."""
    out, pending = set(), loads(value) & set(sizes)
    while pending:
        name = pending.pop()
        out.add(name)
        pending |= (loads(sizes[name]) & set(sizes)) - out
    return out


def _fresh(base: str, taken: set[str]) -> str:
    name, k = base, 1
    while name in taken:
        k += 1
        name = f"{base}{k}"
    taken.add(name)
    return name


class _Renamed(ast.NodeTransformer):
    def __init__(self, names: dict[str, str]):
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.Name:
        return ast.Name(self.names.get(node.id, node.id), node.ctx)


def _aliases(array: str, links: list) -> set[str]:
    """Names that may be bound to `array` or a part of it (`links`: the names each
    assignment reads and binds): through names, views, calls (a helper may return its
    argument), never through arithmetic (a new array)."""
    names = {array}
    while True:
        found = {t for read, bound in links if read & names for t in bound}
        if found <= names:
            return names
        names |= found


def _held(allocation: ast.Assign, loop, aliases: set[str], live: set[str]) -> set[str]:
    """The names read after `allocation` that may hold the array the previous trip made
    there: of its `aliases` live there, those the trip has not bound again before it, in the
    loop's own body (not in a branch), to a value read from none of them. (lstm's and ode's
    `g = g + h` in a reversed trip: g, bound to the array its previous trip added into, was
    bound anew at the trip's start.)"""
    held = aliases & live
    position = next((k for k, stmt in enumerate(loop.body) if stmt is allocation), None)
    if position is None:  # (in a loop or branch of the body)
        return held
    decided: set[str] = set()
    for stmt in reversed(loop.body[:position]):
        bound = {n for node in ast.walk(stmt) for n in bound_names(node)} & held - decided
        if bound and isinstance(stmt, ast.Assign) and not loads(stmt.value) & aliases:
            held -= bound
        decided |= bound
    return held


def _allocations(loop: ast.For) -> list[ast.Assign]:
    """The arrays inside `loop` filled before they are read (code.scratch: loop nests',
    tapes)."""
    return [s for s in _outside_nests(loop.body) if is_scratch(s)]


def _remove(block: list, ids: set[int]) -> None:
    """Take the statements of `ids` out of `block` and the blocks in it (but nests')."""
    block[:] = [s for s in block if id(s) not in ids]
    for stmt in block:
        if isinstance(stmt, ast.For | ast.While | ast.If) and not is_nest(stmt):
            _remove(stmt.body, ids)
            _remove(stmt.orelse, ids)



def _outside_nests(block: list):
    """The statements of a block and its loops and branches, but not those inside loop nests
    (which read and write arrays element by element)."""
    for stmt in block:
        yield stmt
        if isinstance(stmt, ast.For | ast.While | ast.If) and not is_nest(stmt):
            yield from _outside_nests(stmt.body)
            yield from _outside_nests(stmt.orelse)


def _target(allocation: ast.Assign) -> str:
    return allocation.targets[0].id
