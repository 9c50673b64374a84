"""Blocks of a generated gradient's statements, as the specializer walks them: one statement
after another, each told what the statements after it read, `for` loops over ranges and
`while` loops, whose bodies are written once for every trip, and branches.

A loop's body is written with the shapes its names have on entry. Every name it rebinds must
have the same shape (and be a comparison's array, or an int, or not alike) at the body's end,
so that what was written for the first trip holds for every trip; a name that does not is
taken as unknown on entry, and the body written again. Loop nests never cross a loop's bounds:
the open nest is emitted before the loop, and the body's own at its end.

A branch's two blocks are each written with what is known on entry. After it, a name either
block binds is known as both leave it; or, if they leave it otherwise, as the block binding
it leaves it when no other statement binds it (it then holds that statement's value, or none);
else it is unknown. Loop nests never cross a branch's bounds either."""

from __future__ import annotations

import ast
import builtins

from ..emit import Comment, tag
from ..parse import assigned_names
from .syntax import live_before, resolve, trip_start

SIMPLE = ast.Assign | ast.AugAssign | ast.Expr | ast.Return | Comment


def specializable(statements: list[ast.stmt], namespace: dict) -> bool:
    """Whether a block is what `write_block` takes: simple statements, `for` loops over a
    range and `while` loops whose bodies are such blocks, and branches between such blocks
    that return nothing (what a function returns is known from its one return at the end)."""
    return all(isinstance(s, SIMPLE) or ((is_range_loop(s, namespace) or isinstance(
                   s, ast.While) and not s.orelse) and specializable(s.body, namespace))
               or (isinstance(s, ast.If) and specializable(s.body + s.orelse, namespace)
                   and not any(isinstance(n, ast.Return) for n in ast.walk(s)))
               for s in statements)


def is_range_loop(node: ast.stmt, namespace: dict) -> bool:
    """`for name in range(...)`, with no `else`."""
    return (isinstance(node, ast.For) and isinstance(node.target, ast.Name) and not node.orelse
            and isinstance(node.iter, ast.Call) and not node.iter.keywords
            and resolve(node.iter.func, namespace, set()) is builtins.range)


def write_block(writer, statements: list[ast.stmt], after: set[str]) -> None:
    """Write `statements` into `writer`'s schedule; `after` is what the statements after the
    block read (a loop's body: the body again, for its next trip, and what follows the loop)."""
    read_from = _live(statements, after)
    for k, statement in enumerate(statements):
        writer.schedule.later = read_from[k]
        origin = getattr(statement, "astgrad_origin", None)
        if isinstance(statement, ast.For | ast.While):
            _write_loop(writer, statement, origin, read_from[k + 1])
        elif isinstance(statement, ast.If):
            _write_branch(writer, statement, origin, read_from[k + 1])
        else:
            writer.statement(statement, origin)


class _Changed(Exception):
    """A name a loop carries from one trip to the next ends a trip other than it began it."""


def _write_loop(writer, node: ast.For | ast.While, origin, after: set[str]) -> None:
    """Write a loop: its body as if for the first trip; if a name it carries from one trip
    to the next ends the trip other than it began it, again with nothing known of that name
    on entry (its statements then stay as they were), until every trip fits."""
    schedule = writer.schedule
    schedule.flush()
    rebound = assigned_names(node)
    carried = trip_start(node)  # from one trip to the next
    writer.forget_views(rebound)
    for name in rebound:  # (an int the body changes, `k = k + 1`, is not what it was)
        writer.infer.values.pop(name, None)
    outer = schedule.statements
    while True:
        state, before = writer.state(), []
        writer.open_loops.append((node, before))
        try:
            body = _body(writer, node, after, rebound, carried)
            break
        except _Changed as changed:
            writer.restore(state)
            schedule.nest = None
            writer.forget(changed.args[0])
        finally:
            schedule.statements = outer
            writer.open_loops.pop()
    loop = ast.While(node.test, body, []) if isinstance(node, ast.While) else ast.For(
        node.target, node.iter, body, [], lineno=0)
    schedule.place(before + [tag(loop, origin)], loop)


def _write_branch(writer, node: ast.If, origin, after: set[str]) -> None:
    """Write a branch: each block from what is known on entry, then what is known after it
    (the module's docstring)."""
    schedule = writer.schedule
    if writer.tapes_before_loop(node, origin):
        return
    schedule.flush()
    writer.read_globals(node.test)
    rebound = assigned_names(node)
    outer, entry = schedule.statements, writer.state()
    blocks, known = [], []
    start = rewritten = writer.rewritten
    shares, read = writer.shares, set(writer.globals)
    for block in (node.body, node.orelse):
        writer.restore(entry)
        schedule.statements = []
        write_block(writer, block, after)
        schedule.later = after
        schedule.flush()
        blocks.append(schedule.statements)
        known.append({name: _knowledge(writer, name) for name in rebound})
        rewritten += writer.rewritten - start
        shares, read = shares or writer.shares, read | writer.globals
    schedule.statements = outer
    writer.rewritten, writer.shares, writer.globals = rewritten, shares, read
    writer.forget_views(rebound)
    for name in rebound:
        if known[0][name] == known[1][name]:
            continue
        binding = [k for k, block in enumerate((node.body, node.orelse))
                   if name in assigned_names(ast.Module(block, []))]  # (one, or both)
        writer.forget(name)
        if name in writer.bound_once and len(binding) == 1:
            _know(writer, name, known[binding[0]][name])
    branch = ast.If(node.test, blocks[0], blocks[1], lineno=0)
    schedule.place([tag(branch, origin)], branch)


def _knowledge(writer, name: str) -> tuple:
    """What the writer knows of `name`'s value (its shape as classes are now: a block may
    join two), to compare and to restore."""
    return (_shape(writer, name), writer.shapes.get(name), _kind(writer, name),
            writer.infer.values.get(name))


def _know(writer, name: str, knowledge: tuple) -> None:
    _, shape, (boolean, integer, ints), value = knowledge
    if shape is not None:
        writer.shapes[name] = shape
    for names, holds in ((writer.booleans, boolean), (writer.infer.integers, integer),
                         (writer.infer.int_arrays, ints)):
        if holds:
            names.add(name)
    if value is not None:
        writer.infer.values[name] = value


def _body(writer, node: ast.For | ast.While, after: set[str], rebound,
          carried: set[str]) -> list:
    schedule = writer.schedule
    on_entry = {name: (writer.shapes.get(name), _kind(writer, name)) for name in rebound}
    if isinstance(node, ast.For):
        writer.shapes[node.target.id] = ()  # a range's ints
        writer.infer.integers.add(node.target.id)
    writer.read_globals(node.iter if isinstance(node, ast.For) else node.test)
    schedule.statements = []
    write_block(writer, node.body, after | carried)
    schedule.later = after | carried
    schedule.flush()
    for name, (shape, (boolean, integer, ints)) in on_entry.items():
        same_shape = shape is not None and _shape(writer, name) == tuple(
            writer.infer.sizes(shape))  # (as classes are now: the body may join two)
        same_dtype = (name in writer.booleans, name in writer.infer.int_arrays) == (
            boolean, ints)
        # (nothing known on entry, nothing the body's code assumed: it fits every trip, and
        # forgetting the name again would write the same body again, forever)
        known = shape is not None or boolean or integer or ints
        if name in carried and known and (not same_dtype or (
                integer and name not in writer.infer.integers) or (
                shape is not None and not same_shape)):
            raise _Changed(name)  # the first trip's code would not fit the next
        # after the loop: as on entry (no trip) or as at the body's end; a name that one
        # statement alone binds, in the body, is unbound on entry (or, in a loop around this
        # one, as that statement left it): as at the body's end
        if shape is None and name in writer.bound_once:
            continue
        if not same_shape or not same_dtype:
            writer.shapes.pop(name, None)  # (a known shape goes with knowing its dtype)
            writer.booleans.discard(name)
            writer.infer.int_arrays.discard(name)
        if not integer:
            writer.infer.integers.discard(name)
    writer.forget_views(rebound)
    return schedule.statements


def _live(statements: list[ast.stmt], after: set[str]) -> list[set[str]]:
    """The names statements k, k+1, ... and those after the block (`after`) may read before
    binding them, for each k: the values still to be read there (a loop nest's array that none
    of them reads is a number instead)."""
    before: dict[int, set[str]] = {}
    live_before(statements, after, before)
    return [before[id(statement)] for statement in statements] + [set(after)]


def _kind(writer, name: str) -> tuple[bool, bool, bool]:
    """Whether `name` holds a comparison's array, whether an int, whether an array of ints."""
    return name in writer.booleans, name in writer.infer.integers, name in writer.infer.int_arrays


def _shape(writer, name: str) -> tuple | None:
    shape = writer.shapes.get(name)
    return None if shape is None else tuple(writer.infer.sizes(shape))
