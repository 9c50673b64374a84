"""Loops: `for` over a range directly; over arrays, `zip` and `enumerate` as a `for` over
positions that reads the elements at the start of each trip; `while` with its test recomputed.

    for a, b in zip(x, y):      becomes      _n = min(len(x), len(y))
        body                                 for _k in range(0, _n, 1):
                                                 a = x[_k]
                                                 b = y[_k]
                                                 body

`break` leaves through a flag the `For` checks after each trip (`until`), and through the test
of a `while`; `continue` through a flag reset at the start of each trip.
"""

from __future__ import annotations

import ast
import math
import operator
from dataclasses import dataclass

import numpy as np

from .. import ir
from ..analysis import defined_before, live_in
from ..parse import dotted
from ..runtime import check_progress, loop_bound, trip_count
from .statements import LoopFlags

# Calls of one argument whose result is an int (round with ndigits is not among them)
_INTEGER_RESULTS = (len, int, round, math.floor, math.ceil, math.trunc, np.size, np.ndim)


@dataclass
class _Range:
    start: ir.Atom
    stop: ir.Atom
    step: ir.Atom


@dataclass
class _Sequence:
    array: ir.Atom


@dataclass
class _Zip:
    items: list


@dataclass
class _Enumerate:
    item: object
    start: ir.Atom


class LoopNormalizer:
    """A mixin of StatementNormalizer: for and while loops."""

    def stmt_For(self, node: ast.For) -> None:
        origin = self.origin
        rebound = {n.id for stmt in node.body for n in ast.walk(stmt)
                   if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        iterable = self.iterable(node.iter, rebound)
        direct = isinstance(iterable, _Range) and isinstance(node.target, ast.Name)
        if direct:
            bounds = (iterable.start, iterable.stop, iterable.step)
            target = node.target.id
        else:
            bounds = (ir.Const(0), self.length(iterable), ir.Const(1))
            target = self.names.numbered("_k")
        flags = LoopFlags()
        self.loops.append(flags)
        try:
            prologue = [] if direct else self.nested(lambda: self.assign_element(
                node.target, self.element(iterable, ir.Name(target))))
            body = prologue + self.block(node.body)
        finally:
            self.loops.pop()
        self.origin = origin
        if flags.continues:
            body.insert(0, ir.Assign(flags.continues, ir.Const(False), origin))
        if flags.breaks:
            self.set_flag(flags.breaks, False)
        self.out.append(ir.For(target, *bounds, body, origin, until=flags.breaks))

    def stmt_While(self, node: ast.While) -> None:
        origin = self.origin
        flags = LoopFlags()
        self.loops.append(flags)
        try:
            body = self.block(node.body)
        finally:
            self.loops.pop()
        self.origin = origin
        test = self.names.temp()
        compute = self.nested(lambda: self.into(test, node.test))
        if flags.breaks:  # a break ends the loop before its test is computed again
            compute = [ir.If(ir.Name(flags.breaks), [ir.Assign(test, ir.Const(False), origin)],
                             compute, origin)]
            self.set_flag(flags.breaks, False)
        if flags.continues:
            body.insert(0, ir.Assign(flags.continues, ir.Const(False), origin))
        self.out.append(ir.While(compute, ir.Name(test), body, origin))

    # -- what a for loop runs over ------------------------------------------------------------

    def iterable(self, node: ast.expr, rebound: set):
        """What `node` walks over; an array the loop's body rebinds is read through a name of
        its own, since Python walks the array the loop started with."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute) \
                and not self.is_local_callee(node.func):
            callee = self.resolve_path(self.callee_path(node.func), node.func)
            if callee is range:
                return self.range_of(node)
            if callee is zip:
                if node.keywords or not node.args:
                    self.fail(node, "zip() takes the sequences to walk together, nothing else")
                return _Zip([self.iterable(a, rebound) for a in node.args])
            if callee in (reversed, iter, map, filter, sorted, list):
                hint = "use range(n - 1, -1, -1)" if callee is reversed else \
                    "loop over a range, an array, zip(...) or enumerate(...)"
                self.fail(node, f"for loops over {callee.__name__}(...) are not supported", hint)
            if callee is enumerate:
                start = ir.Const(0)
                for keyword in node.keywords:
                    start = self.atom(keyword.value)
                if len(node.args) == 2:
                    start = self.atom(node.args[1])
                return _Enumerate(self.iterable(node.args[0], rebound), start)
        array = self.atom(node)
        if isinstance(array, ir.Name) and array.id in rebound:
            array = self.emit(array)
        return _Sequence(array)

    def range_of(self, node: ast.Call) -> _Range:
        if node.keywords or not 1 <= len(node.args) <= 3:
            self.fail(node, "range() takes one to three positional arguments")
        args = [self.atom(a) if self.integral(a) else self.emit(ir.Call(loop_bound, (
            self.atom(a),))) for a in node.args]
        if len(args) == 1:
            return _Range(ir.Const(0), args[0], ir.Const(1))
        return _Range(args[0], args[1], args[2] if len(args) == 3 else ir.Const(1))

    def integral(self, node: ast.expr) -> bool:
        """Whether a bound of range() is an integer by its form (`len(x)`, `x.shape[0]`,
        `n - 1`, ...) or a parameter the gradient checks on entry. Other bounds go through
        loop_bound: Python refuses range(2.5), which numba would run for two trips."""
        if isinstance(node, ast.Constant):
            return type(node.value) in (int, bool)
        if isinstance(node, ast.Name):
            return node.id in self.parsed.params and node.id not in self.parsed.assigned
        if isinstance(node, ast.BinOp):
            return isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.FloorDiv | ast.Mod) \
                and self.integral(node.left) and self.integral(node.right)
        if isinstance(node, ast.UnaryOp):
            return isinstance(node.op, ast.USub) and self.integral(node.operand)
        if isinstance(node, ast.Attribute):
            return node.attr in ("size", "ndim")
        if isinstance(node, ast.Subscript):
            return isinstance(node.value, ast.Attribute) and node.value.attr == "shape"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute) \
                and not node.keywords and not self.is_local_callee(node.func):
            callee = self.resolve_path(self.callee_path(node.func), node.func)
            if callee in (min, max):
                return all(self.integral(a) for a in node.args)
            return callee in _INTEGER_RESULTS and len(node.args) == 1
        return False

    def is_local_callee(self, func: ast.expr) -> bool:
        path = self.callee_path(func)
        return path is None or path[0] in self.parsed.local_names

    def callee_path(self, func: ast.expr):
        return dotted(func)

    def length(self, iterable) -> ir.Atom:
        """The number of trips over `iterable`, computed before the loop."""
        if isinstance(iterable, _Range):
            return self.emit(ir.Call(trip_count, (iterable.start, iterable.stop, iterable.step)))
        if isinstance(iterable, _Sequence):
            return self.emit(ir.Call(len, (iterable.array,)))
        if isinstance(iterable, _Enumerate):
            return self.length(iterable.item)
        lengths = [self.length(item) for item in iterable.items]
        shortest = lengths[0]
        for other in lengths[1:]:
            shortest = self.emit(ir.Call(min, (shortest, other)))
        return shortest

    def element(self, iterable, position: ir.Name):
        """The element at `position` (an atom, or a tuple of them for zip and enumerate)."""
        if isinstance(iterable, _Range):
            offset = self.emit(ir.Call(operator.mul, (position, iterable.step)))
            return self.emit(ir.Call(operator.add, (iterable.start, offset)))
        if isinstance(iterable, _Sequence):
            return self.emit(ir.Call(operator.getitem, (iterable.array, ir.Index((position,)))))
        if isinstance(iterable, _Enumerate):
            count = position if iterable.start == ir.Const(0) else self.emit(
                ir.Call(operator.add, (position, iterable.start)))
            return (count, self.element(iterable.item, position))
        return tuple(self.element(item, position) for item in iterable.items)

    def assign_element(self, target: ast.expr, element) -> None:
        if isinstance(target, ast.Tuple | ast.List):
            if not isinstance(element, tuple) or len(element) != len(target.elts):
                self.fail(target, "the loop's targets do not match what it walks over")
            for part, value in zip(target.elts, element):
                self.assign_element(part, value)
        elif isinstance(element, tuple):
            self.fail(target, "unpack what zip() and enumerate() give: for a, b in zip(...)")
        elif isinstance(target, ast.Name):
            self.refuse_function_target(target.id, target)
            self.out.append(ir.Assign(target.id, element, self.origin))
        else:
            self.fail(target, "a loop's target must be a name or a tuple of names")


def watch_while_loops(function: ir.Function, names) -> None:
    """Make the test of each while loop check that the loop can still end (`check_progress`).

    When the numbers the loop's test depends on come back to what they were at an earlier
    test, one of them NaN or infinite (a trip that leaves them as they were), the loop would
    repeat the trips between forever: the check raises instead. Those numbers are the names a
    trip reads before assigning them (carried from the trip before) on which the test depends,
    through assignments and the branches around them, flags aside (they end the loop, or
    start each trip False). A counter the test does not depend on is not among them, so
    `while x > 1: x = x / 2; k += 1` with x = inf is caught. A loop that writes into arrays is
    not watched, since its numbers do not show those writes, nor one that carries a name
    without a value when it starts.
    """
    _watch(function.body, defined_before(function), function.flags, names)


def _watch(block: list, defined: dict, flags: frozenset, names) -> None:
    position = 0
    while position < len(block):
        stmt = block[position]
        for inner in (getattr(stmt, "body", None), getattr(stmt, "orelse", None)):
            if isinstance(inner, list):
                _watch(inner, defined, flags, names)
        if isinstance(stmt, ir.While):
            carried = (live_in([stmt]) & ir.assigned(stmt.body) & _deciding(stmt)) - flags
            if carried and carried <= defined[stmt] and not ir.stored(stmt.body):
                # the numbers at the last test where one was NaN or infinite, after a flag
                # (0.0: none yet), of the numbers' types
                seen = names.numbered("_seen")
                numbers = tuple(map(ir.Name, sorted(carried)))
                start = ir.Call(ir.TUPLE, (ir.Const(0.0),) + numbers)
                block.insert(position, ir.Assign(seen, start, stmt.origin))
                position += 1
                carried_now = names.numbered("_carried")
                check = ir.Call(check_progress, (stmt.test, ir.Name(seen),
                                                 ir.Const(stmt.origin.line), ir.Name(carried_now)))
                stmt.test_block += [
                    ir.Assign(carried_now, ir.Call(ir.TUPLE, numbers), stmt.origin),
                    ir.Assign(seen, check, stmt.origin)]
        position += 1


def _deciding(loop: ir.While) -> set[str]:
    """The names whose values decide whether a while loop goes on: those its test reads, and
    those they depend on in the body, through assignments and the branches and loops around
    them."""
    deciding = {name for stmt in ir.walk(loop.test_block) for name in ir.reads(stmt)}
    grown = True
    while grown:
        size = len(deciding)
        for stmt, around in _with_conditions(loop.body, frozenset()):
            if set(ir.writes(stmt)) & deciding:
                deciding |= set(ir.reads(stmt)) | around
        grown = len(deciding) > size
    return deciding


def _with_conditions(block: list, around: frozenset):
    """Each assignment of a block, with the names read by the tests and loop bounds around it."""
    for stmt in block:
        inner = around | set(ir.reads(stmt))
        if isinstance(stmt, ir.If):
            yield from _with_conditions(stmt.body + stmt.orelse, inner)
        elif isinstance(stmt, ir.For):
            yield stmt, around  # its target
            yield from _with_conditions(stmt.body, inner)
        elif isinstance(stmt, ir.While):
            inner |= {name for s in ir.walk(stmt.test_block) for name in ir.reads(s)}
            yield from _with_conditions(stmt.test_block + stmt.body, inner)
        else:
            yield stmt, around
