"""Liveness and definedness: for every statement, the names that may still be read after it,
and those certainly bound when it runs (dataflow over the structured program, iterated to a
fixpoint around loops)."""

from __future__ import annotations

import operator

from .. import ir


def around_loop(loop, fact: frozenset, through) -> frozenset:
    """A may-fact at a loop's boundary: `fact`, joined with what `through(body, fact)` makes
    of it after any number of trips (a fixpoint; the facts only grow)."""
    body = loop.test_block + loop.body if isinstance(loop, ir.While) else loop.body
    while True:
        after = through(body, fact)
        if after <= fact:
            return fact
        fact = fact | after


def live_after(block: list, live: frozenset = frozenset()) -> dict:
    """For every statement, the names that may be read after it."""
    out: dict = {}
    _live(block, live, out)
    return out


def live_in(block: list, live: frozenset = frozenset()) -> frozenset:
    """The names that may be read in `block` before being bound in it."""
    return _live(block, live, {})


def _live(block: list, live: frozenset, out: dict) -> frozenset:
    for stmt in reversed(block):
        out[stmt] = live
        if isinstance(stmt, ir.Store):  # a partial update: the array itself stays live
            live = live | set(ir.reads(stmt))
        elif isinstance(stmt, ir.If):
            live = _live(stmt.body, live, out) | _live(stmt.orelse, live, out) | set(
                ir.reads(stmt))
        elif isinstance(stmt, ir.For):
            inner = around_loop(stmt, live, lambda body, fact: _live(body, fact, out))
            live = (inner - {stmt.target}) | live | set(ir.reads(stmt))
        elif isinstance(stmt, ir.While):
            live = _live_around_while(stmt, live, out)
        else:
            live = (live - set(ir.writes(stmt))) | set(ir.reads(stmt))
    return frozenset(live)


def _live_around_while(loop: ir.While, live: frozenset, out: dict) -> frozenset:
    """Live at a while loop's head: its test block runs first, then the test chooses between
    the body (back to the head) and what follows the loop."""
    test = frozenset(ir.reads(loop))
    head = _live(loop.test_block, live | test, out)
    while True:
        after_test = live | test | _live(loop.body, head, out)
        new = _live(loop.test_block, after_test, out)
        if new <= head:
            return head
        head = head | new


def defined_before(function: ir.Function, unless_jumped: bool = False) -> dict:
    """For every statement, the names certainly bound when it runs. With `unless_jumped`, on
    the paths that have not jumped: a path that raised a `_returned`, `_break` or `_continue`
    flag counts as binding every name, since what follows in its block is skipped on it
    (`if c: return x` then `y = ...`, then a loop reading y: y is bound whenever it runs)."""
    out: dict = {}
    everything = frozenset(function.params) | ir.assigned(function.body) \
        if unless_jumped else None
    _defined(function.body, frozenset(function.params), out, everything)
    return out


def _defined(block: list, defined: frozenset, out: dict, everything=None) -> frozenset:
    for stmt in block:
        out[stmt] = defined
        if isinstance(stmt, ir.If):
            body = _defined(stmt.body, defined, out, everything)
            if everything is not None and isinstance(stmt.test, ir.Name) \
                    and _is_jump_flag(stmt.test.id):
                body = everything  # `if _continue1: <nothing> else: <the rest of the trip>`
            defined = body & _defined(stmt.orelse, defined, out, everything)
        elif isinstance(stmt, ir.For):
            _defined(stmt.body, defined | {stmt.target}, out, everything)  # it may not run
        elif isinstance(stmt, ir.While):
            _defined(stmt.body, _defined(stmt.test_block, defined, out, everything), out,
                     everything)
            defined = _defined(stmt.test_block, defined, out, everything)
        elif everything is not None and _is_jump_flag(ir.raised(stmt) or ""):
            defined = everything
        else:
            defined = defined | set(ir.writes(stmt))
    return defined


def defined_when_jumped(function: ir.Function, defined: dict) -> dict:
    """For every guard (`if _returned1: <nothing> else: <the rest>`, or one testing several
    flags), the names certainly bound on the paths that jumped and so take its empty branch:
    those bound wherever its flags are raised. `defined` is `defined_before(function)`."""
    raised: dict[str, frozenset] = {}  # flag -> names bound wherever it is raised
    either: dict[str, list] = {}  # `_t3 = _break1 | _continue1` -> its flags
    for stmt in ir.walk(function.body):
        flag = ir.raised(stmt)
        if flag is not None and _is_jump_flag(flag):
            raised[flag] = raised.get(flag, defined[stmt]) & defined[stmt]
        elif isinstance(stmt, ir.Assign) and isinstance(stmt.value, ir.Call) \
                and stmt.value.primitive is operator.or_:
            either[stmt.target] = [flag for operand in ir.atom_names(stmt.value.args)
                                   for flag in either.get(operand, [operand])]
    out = {}
    for stmt in ir.walk(function.body):
        if isinstance(stmt, ir.If) and not stmt.body and isinstance(stmt.test, ir.Name):
            flags = either.get(stmt.test.id, [stmt.test.id])
            if all(flag in raised for flag in flags):
                out[stmt] = frozenset.intersection(*(raised[flag] for flag in flags))
    return out


def _is_jump_flag(name: str) -> bool:
    return name.startswith(("_returned", "_break", "_continue"))
