"""What the reverse of one loop trip recomputes, keeps and puts back: a loop's plan
(`LoopPlan`), and functions over a loop's statements (normalized, and the adjoint statements
written for them) that reverse/loops.py plans a reversed trip with."""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass, field

from .. import analysis, ir
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
    put_back: dict = field(default_factory=dict)  # name -> its copy from before the loop
    # a carried name that a statement after the loop rebinds -> its value when the loop ends
    # (the shape its adjoint starts the reverse loop with)
    at_exit: dict = field(default_factory=dict)


def recomputed(block: list, needed: set, reads_at: dict, writer) -> tuple[set, set, set]:
    """The statements of a trip whose values its adjoint reads (ids), those run only for
    the copies made before them (ids), and the names read before the trip binds them.
    `reads_at` holds what each statement's adjoint reads; `writer` knows the copies made
    before statements (`captures`, `output_captures`) and which statements are active."""
    kept: set[int] = set()
    copied: set[int] = set()
    for stmt in reversed(block):
        needed = needed | reads_at.get(id(stmt), set())
        # the copies made before the statement that are read: whatever the statement is
        # (a store's index, a branch's test), the copy reads its source before it runs
        sources = {name for (key, name), c in writer.captures.items()
                   if key == id(stmt) and c in needed}
        if isinstance(stmt, ir.Assign | ir.Unpack):
            targets = set(ir.writes(stmt)) | {writer.output_captures.get((id(stmt), t))
                                               for t in ir.writes(stmt)}
            if targets & needed:
                kept.add(id(stmt))
                needed = (needed - targets) | set(ir.reads(stmt))
        elif isinstance(stmt, ir.Store):
            if stmt.array in needed:
                kept.add(id(stmt))
                needed |= set(ir.reads(stmt))
        elif isinstance(stmt, ir.If):
            body_kept, body_copied, body_needed = recomputed(
                stmt.body, set(needed), reads_at, writer)
            else_kept, else_copied, else_needed = recomputed(
                stmt.orelse, set(needed), reads_at, writer)
            if body_kept | else_kept | body_copied | else_copied:
                kept |= {id(stmt)} | body_kept | else_kept
                copied |= body_copied | else_copied
                needed = body_needed | else_needed | set(ir.reads(stmt))
        elif isinstance(stmt, ir.For | ir.While):
            if writer.activity.is_active(stmt) or (ir.assigned(stmt.body) | ir.stored(
                    stmt.body)) & needed:
                kept |= {id(s) for s in ir.walk([stmt])}
                needed |= analysis.live_in([stmt], frozenset(needed))
        if sources and id(stmt) not in kept:
            copied.add(id(stmt))
        if id(stmt) in kept and isinstance(stmt, ir.If | ir.For | ir.While):
            sources |= {name for (key, name) in writer.captures if key == id(stmt)}
        needed |= sources
    return kept, copied, needed


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


def primal_reads(statements: list, primal: set, shape_only: frozenset = frozenset()) -> set:
    """The names of the forward computation (`primal`) that adjoint statements read: for
    their values (put-backs aside), or for their shapes (but those in `shape_only`, whose
    shapes are kept otherwise)."""
    return (names_in(statements, skip_restores=True) | (
        names_in(statements, witnesses=True) - shape_only)) & primal


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
