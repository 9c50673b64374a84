"""The forward run of a planned loop: its trips as written, keeping at the start of each what
the reverse of that trip needs (reverse/loops.py plans what): the values of names the trip
rebinds (tapes allocated from the trip count, or grown as a while loop goes), the shapes of
names read only for their shapes, and, for arrays written in place, an undo log of the
elements each trip overwrites; and after a helper's call in a `for` loop's body, what its
forward half returns for its adjoint (tapes made at the first trip, when those values'
shapes are known)."""

from __future__ import annotations

import ast

import numpy as np

from .. import ir
from ..emit import tag
from ..rules.simplify import simplify
from .state import assign, clone, load
from .trips import LoopPlan


class Recorder:
    """Writes the recorded forward loops of one function. `captured(stmt, name)` is how the
    function's writer spells a name that a copy made before `stmt` holds."""

    def __init__(self, ns, spelling, captured, assignment):
        self.ns, self.spelling, self.captured = ns, spelling, captured
        self.assignment = assignment  # the writer's: a helper's call split in halves
        self.logging: dict[str, str] = {}  # array -> undo log, while a recorded body is written
        self.running: set | None = None  # the statements the loop recorded runs, if not all
        self.logged: set | None = None  # the arrays it logs, if not all its plan's

    def record(self, loop, plan: LoopPlan, running: set | None = None,
               logged: set | None = None) -> list:
        """The loop run forward as its plan says. `running`: the ids of the statements it
        runs (in a recomputed trip), if not all; `logged`: the arrays whose writes are logged,
        if not all the plan logs (the others' logs stay empty, their undoing does nothing)."""
        self.running, self.logged = running, logged
        if isinstance(loop, ir.While):
            return self.record_while(loop, plan)
        return self.record_for(loop, plan)

    def log_hook(self, stmt: ir.Store) -> list:
        """Before a store into an array whose writes are logged: log what it overwrites."""
        log = self.logging.get(stmt.array)
        if log is None:
            return []
        index = self.spelling.index_tuple(stmt.index)
        call = self.ns.call("log_write", load(log), load(stmt.array), index)
        return [tag(assign(log, call), stmt.origin)]

    def plain_body(self, body: list, plan: LoopPlan, trip: tuple | None = None) -> list:
        """The body as written, with its logs and checks; `trip` (a `for` loop's position and
        trip count) the calls whose results it keeps."""
        outer = self.logging
        self.logging = {**outer, **{array: log for array, (log, _) in plan.logs.items()
                                    if self.logged is None or array in self.logged}}

        def after(stmt) -> list:
            checks = [tag(ast.Expr(self.ns.call(
                "same_shape", load(name), load(plan.shapes[name]), ast.Constant(name),
                ast.Constant(plan.loop.origin.line))), stmt.origin)
                for name in ir.writes(stmt) if name in plan.shapes]
            return checks + self.keep_results(stmt, plan, trip)

        def spell(stmt) -> ast.stmt:
            if id(stmt) in plan.results:
                return self.assignment(stmt)
            return self.spelling.assignment(stmt)

        try:
            return self.spelling.plain_block(body, self.log_hook, after, self.running, spell)
        finally:
            self.logging = outer

    def keep_results(self, stmt, plan: LoopPlan, trip: tuple | None) -> list:
        """After a helper's call whose forward half returns values for its adjoint: each kept
        in its tape, made at the first trip (their shapes known then)."""
        if id(stmt) not in plan.results or trip is None:
            return []
        position, size = trip
        made, kept = [], []
        for name, tape in plan.results[id(stmt)]:
            made.append(assign(tape, self.ns.call("result_tape", load(name), clone(size))))
            kept.append(ast.Expr(self.ns.call("keep_result", load(tape), clone(position),
                                              load(name))))
        first = ast.Compare(clone(position), [ast.Eq()], [ast.Constant(0)])
        return [tag(s, stmt.origin) for s in [ast.If(first, made, []), *kept]]

    def shapes_at_start(self, plan: LoopPlan) -> list:
        shape = self.ns.spell(np.shape, "shape")
        return [tag(assign(variable, ast.Call(shape, [load(name)], [])), plan.loop.origin)
                for name, variable in plan.shapes.items()]

    def keep_at_trip_start(self, plan: LoopPlan, position: ast.expr, grow: bool) -> list:
        out = []
        for name, tape in plan.records.items():
            if grow:
                out.append(assign(tape, self.ns.call("grow", load(tape), clone(position))))
            out.append(ast.Expr(self.ns.call("keep", load(tape), clone(position), load(name),
                                             ast.Constant(name),
                                             ast.Constant(plan.loop.origin.line))))
        for log, marks in plan.logs.values():
            if grow:
                out.append(assign(marks, self.ns.call("grow", load(marks), clone(position))))
            out.append(ast.Assign([ast.Subscript(load(marks), clone(position), ast.Store())],
                                  self.ns.call("log_mark", load(log)), lineno=0))
        return [tag(s, plan.loop.origin) for s in out]

    def allocate(self, plan: LoopPlan, size: ast.expr) -> list:
        out = []
        for name, tape in plan.records.items():
            out.append(assign(tape, self.ns.call("empty_tape", load(name), clone(size))))
        writes = max(1, sum(1 for s in ir.walk(plan.loop.body) if isinstance(s, ir.Store)))
        for array, (log, marks) in plan.logs.items():
            capacity = simplify(ast.BinOp(clone(size), ast.Mult(), ast.Constant(writes)))
            out.append(assign(log, self.ns.call("undo_log", load(array), capacity)))
            out.append(assign(marks, self.ns.call("empty_tape", ast.Constant(0), clone(size))))
        return [tag(s, plan.loop.origin) for s in out]

    def record_for(self, loop: ir.For, plan: LoopPlan) -> list:
        """The for loop as written, with what its reverse needs kept at each trip's start."""
        out: list[ast.stmt] = []
        rename = lambda n: self.captured(loop, n)  # noqa: E731
        body: list[ast.stmt] = []
        if plan.simple:
            size = self.spelling.atom(loop.stop, rename)
            header = self.spelling.range_call(loop.start, loop.stop, loop.step, rename)
            target = loop.target
        else:
            size = load(plan.trips)
            bounds = [self.spelling.atom(a, rename) for a in (loop.start, loop.stop, loop.step)]
            out.append(tag(assign(plan.trips, self.ns.call("trip_count", *bounds)), loop.origin))
            header = ast.Call(load("range"), [load(plan.trips)], [])
            target = plan.position
            step = ast.BinOp(load(plan.position), ast.Mult(), clone(bounds[2]))
            position = simplify(ast.BinOp(clone(bounds[0]), ast.Add(), step))
            body.append(tag(assign(loop.target, position), loop.origin))
        out += self.allocate(plan, size) + self.shapes_at_start(plan)
        if loop.until:
            out.append(tag(assign(plan.count, ast.Constant(0)), loop.origin))
        position = load(target)
        body += self.keep_at_trip_start(plan, position, grow=False)
        if loop.until:  # a break ends the loop: count the trips that started
            body.append(tag(assign(plan.count, ast.BinOp(load(target), ast.Add(),
                                                         ast.Constant(1))), loop.origin))
        body += self.plain_body(loop.body, plan, (position, size))
        if loop.until:
            body.append(self.spelling.loop_exit(loop))
        out.append(tag(ast.For(ast.Name(target, ast.Store()), header, body, [], lineno=0),
                       loop.origin))
        return out

    def record_while(self, loop: ir.While, plan: LoopPlan) -> list:
        """The while loop as written, its tapes grown as its trips go: in a loop of its own
        around the trips, which run while the tapes have room,

            while test:                           (tapes grown: twice the room)
                while test and count < room:      (the trips as written)

        A tape rebound in the trips' loop (`tape = grow(tape, count)` in every trip) made
        numba count references to it in every trip: particle's gradient took 1.7 times as
        long."""
        out = self.allocate(plan, ast.Constant(16)) + self.shapes_at_start(plan)
        out.append(tag(assign(plan.count, ast.Constant(0)), loop.origin))
        out += self.spelling.plain_block(loop.test_block)
        trip = self.keep_at_trip_start(plan, load(plan.count), grow=False)
        trip.append(tag(ast.AugAssign(ast.Name(plan.count, ast.Store()), ast.Add(),
                                      ast.Constant(1)), loop.origin))
        trip += self.plain_body(loop.body, plan) + self.spelling.plain_block(loop.test_block)
        test = self.spelling.atom(loop.test)
        tapes = [*plan.records.values(), *(marks for _, marks in plan.logs.values())]
        if not tapes:
            out.append(tag(ast.While(test, trip, []), loop.origin))
            return out
        grown = [assign(tape, self.ns.call("grow", load(tape), load(plan.count)))
                 for tape in tapes]
        # (every tape starts with room for 16 and doubles at the same count: one has the room)
        size = ast.Subscript(ast.Attribute(load(tapes[0]), "shape", ast.Load()),
                             ast.Constant(0), ast.Load())
        has_room = ast.Compare(load(plan.count), [ast.Lt()], [size])
        trips = ast.While(ast.BoolOp(ast.And(), [clone(test), has_room]), trip, [])
        out.append(tag(ast.While(test, [tag(s, loop.origin) for s in grown] + [
            tag(trips, loop.origin)], []), loop.origin))
        return out
