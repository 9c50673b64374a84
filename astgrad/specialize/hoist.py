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
"""

from __future__ import annotations

import ast

from .code import is_scratch
from .syntax import bound_names, is_nest, live_before, loads, names_bound_once


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
    out = []
    for stmt in statements:
        if isinstance(stmt, ast.For | ast.While) and not is_nest(stmt):
            loop_bound = {n for node in ast.walk(stmt) for n in bound_names(node)}
            moved = [a for a in _allocations(stmt)
                     if _target(a) in bound_once and not loads(a.value) & loop_bound
                     and not _aliases(_target(a), links) & live[id(a)]]
            _remove([stmt], {id(a) for a in moved})  # (sizes the loop binds may change)
            out += moved
        out.append(stmt)
    return out


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
