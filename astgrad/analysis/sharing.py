"""Arrays seen through two names: which names may refer to the same array (`y = x`, views,
helpers returning an argument), and the refusal of a write through one of them that another,
still read, would see."""

from __future__ import annotations

import operator
from dataclasses import dataclass

import numpy as np

from .. import ir
from ..errors import UnsupportedSyntaxError
from ..rules import facts_of
from .liveness import live_after


def sharing(function: ir.Function, program=None) -> dict[str, list]:
    """Names that may refer to the same array as other local names: name -> [(other name, the
    statement that made them share, UP if the statement binds the name to (part of) the
    other's array, else DOWN)]. `y = x`, views (`x[1:]`, `x.T`, `x.reshape(...)`) and helpers
    that return an argument make names share.

    Two names share an array only through a name both are bound from (or one from the
    other): a path of links up, then down (see `shared_with`). `t = a[1:] if c else b[1:]`
    binds t from a or from b, which does not make a and b share."""
    locals_ = set(function.params) | ir.assigned(function.body)
    shared: dict[str, list] = {}

    def pair(a: str, b: str, stmt) -> None:
        if a != b and b in locals_:
            shared.setdefault(a, []).append((b, stmt, UP))
            shared.setdefault(b, []).append((a, stmt, DOWN))

    for stmt in ir.walk(function.body):
        if not isinstance(stmt, ir.Assign | ir.Unpack):
            continue
        value = stmt.value
        if isinstance(value, ir.Name):
            pair(stmt.target, value.id, stmt)
        elif isinstance(value, ir.Call) and facts_of(value.primitive).view:
            # a view of its first argument, mostly; np.einsum's of an operand after the
            # subscripts: every array argument may be the one seen
            for argument in value.args:
                if isinstance(argument, ir.Name):
                    for target in ir.writes(stmt):
                        pair(target, argument.id, stmt)
        elif isinstance(value, ir.Call) and isinstance(value.primitive, ir.UserFunction):
            helper = program.function_of(value.primitive)
            for position in _returned_arguments(helper, program):
                argument = value.args[position]
                if isinstance(argument, ir.Name):
                    for target in ir.writes(stmt):
                        pair(target, argument.id, stmt)
    return shared


def _returned_arguments(function: ir.Function, program) -> set[int]:
    """Positions of the parameters a function may return (directly or through a view)."""
    shared = sharing(function, program)
    returned = function.body[-1].value
    names = set(ir.atom_names(returned if isinstance(returned, tuple) else [returned]))
    return {position for position, param in enumerate(function.params)
            if shared_with(shared, {param}) & names}


UP, DOWN = "up", "down"  # a link to the name bound from, or to a name bound from it


def shared_with(shared: dict[str, list], names: set[str]) -> set[str]:
    """`names` and every name that may share an array with one of them: those bound from
    them, from the names they are bound from (transitively), and from those."""
    return set(_sharing_paths_from(names, shared, lambda where, name: True))


@dataclass(frozen=True)
class SharingCheck:
    """A run-time check that `name` holds a number, not an array sharing memory with another
    name, `after` or before the statement `at`: before `x += v`, of x itself; after `v = x[i]`
    (an index of integers, which picks an array or a number), of v, when x is written into
    (`written`, at `line`) while v may still be read."""

    at: object
    after: bool
    name: str
    line: int
    written: str = ""


def refuse_shared_writes(function: ir.Function, program=None) -> list[SharingCheck]:
    """Refuse a write into an array that another name, still read afterwards, also refers
    to, directly or through other names; return the run-time checks of the names that share
    it only if they hold arrays."""
    shared = sharing(function, program)
    live = live_after(function.body)
    order, loops, places = _program_order(function.body)
    checks: list[SharingCheck] = []
    for stmt in ir.walk(function.body):
        written = stmt.array if isinstance(stmt, ir.Store) else stmt.target if isinstance(
            stmt, ir.Assign) and stmt.augmented else None
        if written is None:
            continue
        # shared since statements that may run before this one: earlier in the function, or
        # in a loop around both (a later trip); `a[i] = v` before `a = b` writes a's own
        # array, and so does `a = np.empty(n); a[i] = v` in a loop whose trip ends `b = a`
        rebound = _rebinding(stmt, written, places)

        def linked_before(where, name, stmt=stmt, rebound=rebound, written=written):
            if name == written and rebound is not None and not (
                    order[id(rebound)] <= order[id(where)] < order[id(stmt)]):
                return False
            return order[id(where)] < order[id(stmt)] or bool(loops[id(where)] & loops[id(stmt)])

        paths = _sharing_paths(written, shared, linked_before)
        seen_by = [other for other in paths if other != written and other in live.get(stmt, ())]
        if not seen_by:
            continue
        for other in seen_by:
            last, parts = paths[other]
            if not parts and isinstance(stmt, ir.Assign):  # `x += v`: in place if x is an array
                check = SharingCheck(stmt, False, written, stmt.origin.line)
                if check not in checks:
                    checks.append(check)
                continue
            if not parts:
                raise UnsupportedSyntaxError(
                    f"writing into '{written}' also changes '{other}', the same array since "
                    f"line {last.origin.line} ({last.origin.text.strip()}); astgrad cannot "
                    "differentiate a write seen through two names", stmt.origin,
                    _copy_hint(written, other, last))
            where, name = parts[-1]
            check = SharingCheck(where, True, name, stmt.origin.line, written)
            if check not in checks:
                checks.append(check)
    return checks


def _sharing_paths(written: str, shared: dict, linked_before) -> dict:
    """The names that share `written`'s array through links made by statements for which
    `linked_before(stmt, the name the link is followed from)` holds: name -> (the last
    link's statement, the links on the way that may pick a number rather than part of the
    array: [(statement, name it binds)])."""
    return _sharing_paths_from({written}, shared, linked_before)


def _sharing_paths_from(names: set[str], shared: dict, linked_before) -> dict:
    """_sharing_paths from several names at once. A path goes up the links (to the names a
    name is bound from), then down (to the names bound from those): two names bound from the
    same name share its array; two names that one name is bound from, on different paths,
    need not."""
    paths = {name: (None, []) for name in sorted(names)}
    frontier = [(name, UP) for name in sorted(names)]  # (name, the way the path went last)
    seen = set(frontier)
    while frontier:
        name, way = frontier.pop(0)
        for other, where, direction in shared.get(name, []):
            if (way is DOWN and direction is UP) or not linked_before(where, name):
                continue
            # having gone up to a name, the path may go on up or down: it covers going down
            if (other, UP) in seen or (other, direction) in seen:
                continue
            seen.add((other, direction))
            if other not in paths:
                part = [(where, other)] if _may_pick_a_number(where, name, other) else []
                paths[other] = (where, paths[name][1] + part)
            frontier.append((other, direction))
    return paths


def _may_pick_a_number(stmt, source: str, target: str) -> bool:
    """Is `stmt` `target = source[i, j]`, an index of integers only, which is a number when
    it picks one element and a view of part of `source` only when it picks fewer axes?"""
    value = getattr(stmt, "value", None)
    if not (isinstance(stmt, ir.Assign) and stmt.target == target and isinstance(value, ir.Call)
            and value.primitive is operator.getitem and value.args[0] == ir.Name(source)):
        return False
    index = value.args[1]
    items = index.items if isinstance(index, ir.Index) else (index,)
    return all(isinstance(item, ir.Name) or (isinstance(item, ir.Const) and isinstance(
        item.value, int | np.integer) and not isinstance(item.value, bool)) for item in items)


def _program_order(block: list, around: frozenset = frozenset(), parent=None, found=None):
    """Each statement's position in program order, the loops around it, and its place: its
    block, its position there and the statement around it (each by id)."""
    order, loops, places = ({}, {}, {}) if found is None else found
    for position, stmt in enumerate(block):
        order[id(stmt)], loops[id(stmt)] = len(order), around
        places[id(stmt)] = (block, position, parent)
        inner = around | {id(stmt)} if isinstance(stmt, ir.For | ir.While) else around
        for nested in ir.blocks_of(stmt):
            _program_order(nested, inner, stmt, (order, loops, places))
    return order, loops, places


def _rebinding(stmt, name: str, places: dict):
    """The statement binding `name` anew (`name = ...`) that runs last before `stmt` on every
    way to it from the start of the innermost loop's trip around it (or of the function);
    None if there is none: a link of `name` made before it, or after `stmt` (in a previous
    trip), no longer holds at `stmt`."""
    current = stmt
    while True:
        block, position, parent = places[id(current)]
        for earlier in reversed(block[:position]):
            if isinstance(earlier, ir.Assign | ir.Unpack) and not getattr(
                    earlier, "augmented", False) and name in ir.writes(earlier):
                return earlier
        if parent is None or isinstance(parent, ir.For | ir.While):
            return None
        current = parent


def _copy_hint(written: str, other: str, link) -> str:
    """The copy that keeps the two apart: of the array the other name was bound to from the
    written one (`prev = z`: `prev = z.copy()`), else of the other's for the written one."""
    if isinstance(link, ir.Assign) and link.target == other and link.value == ir.Name(written):
        return f"make a copy where they start sharing: {other} = {written}.copy()"
    return f"make a copy: {written} = {other}.copy()"


def new_array(value) -> bool:
    """Is the value of an assignment a new array (or a number), never one bound elsewhere?"""
    if not isinstance(value, ir.Call) or isinstance(value.primitive, ir.UserFunction):
        return False
    facts = facts_of(value.primitive)
    return (facts.elementwise or facts.allocates) and not facts.view
