"""What the reverse of one loop trip recomputes, keeps and puts back: a loop's plan
(`LoopPlan`), and functions over a loop's statements (normalized, and the adjoint statements
written for them) that reverse/loops.py plans a reversed trip with."""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass, field

from .. import analysis, ir
from ..rules import facts_of
from .state import SavedValue


@dataclass
class LoopPlan:
    loop: object
    simple: bool  # `for i in range(n)`: tapes indexed by i, reversed as range(n - 1, -1, -1)
    trips: str | None = None  # how many trips the loop makes (a general for)
    count: str | None = None  # how many trips it made: the reverse loop's length
    position: str | None = None  # the trip index of a general for
    records: dict[str, str] = field(default_factory=dict)  # name -> its tape
    logs: dict[str, tuple[str, str]] = field(default_factory=dict)  # array -> (log, marks)
    shapes: dict[str, str] = field(default_factory=dict)  # name -> its shape when the loop starts
    carried: set = field(default_factory=set)  # names whose adjoints cross trips
    in_place: set = field(default_factory=set)  # carried names whose adjoints trips add into
    trip: list = field(default_factory=list)  # the reverse of one trip
    # names the reversed trips read from the start of their trip: for their values, and
    # (names the trips leave bound) for their shapes alone
    live: set = field(default_factory=set)
    live_shapes: set = field(default_factory=set)
    put_back: dict = field(default_factory=dict)  # name -> its copy from before the loop
    # a carried name that a statement after the loop rebinds -> its value when the loop ends
    # (the shape its adjoint starts the reverse loop with)
    at_exit: dict = field(default_factory=dict)
    # id(a helper's call in the body) -> [(a value its forward half returns for its adjoint,
    # the tape keeping it)]: a reversed trip reads them instead of recomputing the call
    results: dict = field(default_factory=dict)


def recomputed(block: list, needed: set, reads_at: dict, writer,
               shapes: frozenset = frozenset(), plain: bool = False,
               given: frozenset = frozenset()) -> tuple:
    """The statements of a trip whose values its adjoint reads (ids), those run only for
    the copies made before them (ids), the names read before the trip binds them for their
    values, and those read before it for their shapes alone.

    `reads_at` holds what each statement's adjoint reads (names read for their values, names
    read for their shapes alone); `shapes` what is read after the block for shapes alone;
    `writer` knows the copies made before statements (`captures`, `output_captures`), which
    statements are active and the plans of the loops reversed (`plans`). A value read only
    for its shape is recomputed from what its operands hold, which need not be the values
    they held when it was computed: an array the trip writes into is not put back for it
    (its shape never changes). A loop nested in the trip runs only the statements that give
    what its own reversed trips and the statements after it read; in that loop's body
    (`plain`), loops run as written. The names `given` (residuals a vjp's caller passes) are
    there without recomputing them."""
    kept: set[int] = set()
    copied: set[int] = set()
    needed, shapes = set(needed) - given, set(shapes) - set(needed) - given
    for stmt in reversed(block):
        values_read, shapes_read = reads_at.get(id(stmt), (set(), set()))
        needed |= values_read - given
        shapes = (shapes | shapes_read) - needed - given
        # the copies made before the statement that are read: whatever the statement is
        # (a store's index, a branch's test), the copy reads its source before it runs
        sources = {name for (key, name), c in writer.captures.items()
                   if key == id(stmt) and (c in needed or c in shapes)}
        if isinstance(stmt, ir.Assign | ir.Unpack):
            targets = set(ir.writes(stmt)) | {writer.output_captures.get((id(stmt), t))
                                               for t in ir.writes(stmt)} | set(
                writer.residuals.get(id(stmt), ()))
            if targets & needed:
                kept.add(id(stmt))
                needed = (needed - targets) | set(ir.reads(stmt))
                shapes -= targets
            elif targets & shapes:
                kept.add(id(stmt))
                of_values, of_shapes = shape_reads(stmt)
                needed |= of_values
                shapes = (shapes - targets) | of_shapes
        elif isinstance(stmt, ir.Store):
            if stmt.array in needed:
                kept.add(id(stmt))
                needed |= set(ir.reads(stmt))
        elif isinstance(stmt, ir.If):
            body = recomputed(stmt.body, needed, reads_at, writer, shapes, plain, given)
            orelse = recomputed(stmt.orelse, needed, reads_at, writer, shapes, plain, given)
            if body[0] | orelse[0] | body[1] | orelse[1]:
                kept |= {id(stmt)} | body[0] | orelse[0]
                copied |= body[1] | orelse[1]
                needed = body[2] | orelse[2] | set(ir.reads(stmt))
                shapes = body[3] | orelse[3]
        elif isinstance(stmt, ir.For | ir.While):
            run, values_before, shapes_before = loop_run(stmt, needed, shapes, writer, plain)
            kept |= run
            needed |= values_before
            shapes |= shapes_before
        if sources and id(stmt) not in kept:
            copied.add(id(stmt))
        if id(stmt) in kept and isinstance(stmt, ir.If | ir.For | ir.While):
            sources |= {name for (key, name) in writer.captures if key == id(stmt)}
        needed = (needed | sources) - given
        shapes -= needed | given
    return kept, copied, needed, shapes


def loop_run(loop, needed: set, shapes: set, writer, plain: bool) -> tuple[set, set, set]:
    """What of a loop in a recomputed trip runs (ids), and the names it reads from before it
    for their values and for their shapes. A loop whose reverse runs in the trip (active,
    not `plain`) gives its reversed trips what they keep at each trip's start, and the
    statements after it what they read; it runs only the statements that compute those."""
    body = loop.body if isinstance(loop, ir.For) else loop.test_block + loop.body
    written = ir.assigned(body) | ir.stored(body) | set(ir.writes(loop))
    plan = None if plain else writer.plans.get(id(loop))
    if plan is None or not isinstance(loop, ir.For):
        if writer.activity.is_active(loop) or written & (needed | shapes):
            # all of it: the names it writes that are read after it are read for values
            return ({id(s) for s in ir.walk([loop])},
                    set(analysis.live_in([loop], frozenset(needed | (shapes & written)))),
                    set())
        return set(), set(), set()
    kept_results = {name for pairs in plan.results.values() for name, _ in pairs}
    end_values = (needed & written) | plan.live | set(ir.reads(loop)) | kept_results
    end_shapes = ((shapes & written) | plan.live_shapes) - end_values
    while True:
        run, _, start_values, start_shapes = recomputed(loop.body, end_values, {}, writer,
                                                        end_shapes, plain=True)
        start_values.discard(loop.target)
        carried_values = (start_values & written) - end_values
        carried_shapes = (start_shapes & written) - end_shapes - end_values
        if not carried_values and not carried_shapes:
            break
        end_values |= carried_values
        end_shapes = (end_shapes | carried_shapes) - end_values
    start_shapes |= set(plan.shapes)  # kept when the loop starts
    return ({id(loop)} | run, start_values | set(ir.reads(loop)),
            start_shapes - start_values)


def shape_reads(stmt) -> tuple[set, set]:
    """What a statement computing a value read only for its shape reads: names for their
    values, and names for their shapes alone (the operands of an elementwise operation
    defined for any numbers, the array an index reads; of anything else, every name for its
    value)."""
    value = stmt.value
    if isinstance(stmt, ir.Assign) and isinstance(value, ir.Name):
        return set(), {value.id}
    if isinstance(stmt, ir.Assign) and isinstance(value, ir.Call) and not value.kwargs:
        facts = facts_of(value.primitive)
        if facts.elementwise and facts.total:  # no warning from numbers not the program's
            return set(), set(ir.atom_names(value.args))
        if value.primitive is operator.getitem and isinstance(value.args[0], ir.Name):
            # the index is read for its values: they say the shape, and may be out of range
            return set(ir.atom_names(value.args[1:])), {value.args[0].id}
    return set(ir.reads(stmt)), set()


def rebound_in(loop) -> set[str]:
    """The names a loop's trips assign, besides a `for` loop's own variable."""
    target = {loop.target} if isinstance(loop, ir.For) else set()
    return ir.assigned(loop.body) - target


def saved(what: str, loop, per: str | None = None) -> SavedValue:
    kind = "for" if isinstance(loop, ir.For) else "while"
    size = f"one value of {what} per trip of the {kind} loop (8 bytes for a number, its " \
           "nbytes for an array)"
    return SavedValue(what, loop.origin.line, per or size)


def added_in_place(block: list) -> set[str]:
    """Names whose adjoints a trip adds into in place: arrays indexed, or written into."""
    out = set(ir.stored(block))
    for stmt in ir.walk(block):
        if isinstance(stmt, ir.Assign) and isinstance(stmt.value, ir.Call) \
                and stmt.value.primitive is operator.getitem:
            out |= set(ir.atom_names(stmt.value.args[:1]))
    return out


class Rename(ast.NodeTransformer):
    """Read copies by their sources' names (copies a trip does not need)."""

    def __init__(self, names: dict[str, str]):
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if node.id in self.names:
            renamed = ast.Name(self.names[node.id], node.ctx)
            renamed.__dict__.update({k: v for k, v in node.__dict__.items()
                                     if k.startswith("astgrad")})
            return renamed
        return node


def own_stores(block: list) -> list:
    """The stores of a trip itself: in its branches, not in loops nested in it."""
    out = []
    for stmt in block:
        if isinstance(stmt, ir.Store):
            out.append(stmt)
        elif isinstance(stmt, ir.If):
            out += own_stores(stmt.body) + own_stores(stmt.orelse)
    return out


def names_in(statements: list, skip_restores: bool = False, witnesses: bool = False) -> set:
    """Names the statements read: for their values, or (`witnesses`) only for their shapes."""
    names = set()
    for stmt in statements:
        if skip_restores and getattr(stmt, "astgrad_restores", None) is not None:
            continue
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and getattr(node, "astgrad_witness", False) == witnesses:
                names.add(node.id)
    return names


def primal_reads(statements: list, primal: set, shape_only: frozenset = frozenset()
                 ) -> tuple[set, set]:
    """The names of the forward computation (`primal`) that adjoint statements read: for
    their values (put-backs aside), and for their shapes alone (but those in `shape_only`,
    whose shapes are kept otherwise)."""
    values = names_in(statements, skip_restores=True) & primal
    return values, (names_in(statements, witnesses=True) & primal) - values - shape_only


def without_restores(statements: list, kept: set) -> list:
    """The adjoint with the put-backs of stores the recomputation does not run removed."""
    out = []
    for stmt in statements:
        restores = getattr(stmt, "astgrad_restores", None)
        if restores is not None and restores not in kept:
            continue
        if isinstance(stmt, ast.If | ast.For | ast.While):
            stmt.body = without_restores(stmt.body, kept) or [ast.Pass()]
            stmt.orelse = without_restores(stmt.orelse, kept)
        out.append(stmt)
    return out
