"""Loops: each trip is a checkpoint.

The forward loop keeps, at the start of each trip, the values the reverse of that trip will
need and that the trip itself overwrites: the loop-carried names (in tapes allocated from the
trip count before the loop; grown as they go for `while`), and, for arrays written in place,
an undo log of the elements each trip overwrites. The reverse loop runs the trips backwards;
each one puts back its starting state (undo the trip's writes, restore the kept names),
recomputes the trip's forward operations that its adjoint reads, and then runs the adjoint of
the trip. Nothing else is kept: temporaries and loop-local values are recomputed, which in a
scalar recurrence costs a few arithmetic operations instead of memory.

The adjoints carried from trip to trip (of names live across trips) are arrays of the
gradient's own when the reverse loop starts and ends each trip: that is what lets a trip add
into them in place (`_dx[i] += g`) without copying.
"""

from __future__ import annotations

import ast

from .. import analysis, ir
from ..emit import tag
from ..errors import UnsupportedSyntaxError
from ..rules.simplify import simplify
from .recording import Recorder
from .state import State, Sweep, assign, clone, load, witness
from .trips import (
    LoopPlan,
    Rename,
    added_in_place,
    names_in,
    own_stores,
    primal_reads,
    rebound_in,
    recomputed,
    saved,
    without_restores,
)


class Loops:
    """The forward and reverse of one function's loops, and the plan each is written by.

    It asks `writer` (the function's writer) for the statements of a loop's body
    (`forward_block`, `adjoint_block`), the copies made before statements (`plan_captures`,
    `captured`, and the `captures`/`output_captures` it decided) and the name of the copy a
    store keeps of what it overwrites (`old_value_name`); it reads the writer's analyses, what
    each statement's adjoint reads (`adjoint_reads`) and what is rebound after each loop
    (`rebound_later`), adds to what the gradient keeps (`saved`), and writes each trip's
    reverse with an adjoint state of its own (`sweep`, the writer's, swapped meanwhile).
    """

    def __init__(self, writer):
        self.writer = writer
        self.function, self.activity = writer.function, writer.activity
        self.names, self.ns, self.spelling = writer.names, writer.ns, writer.spelling
        self.defined, self.defined_unless_jumped = writer.defined, writer.defined_unless_jumped
        self.captures, self.output_captures = writer.captures, writer.output_captures
        self.residuals = writer.residuals  # (`recomputed` reads it of the writer it is given)
        self.rebound_later, self.adjoint_reads = writer.rebound_later, writer.adjoint_reads
        self.saved = writer.saved
        self.plans: dict[int, LoopPlan] = {}  # id(loop) -> its plan
        self.recorder = Recorder(self.ns, self.spelling, writer.captured, writer.assignment)

    @property
    def sweep(self) -> Sweep:
        return self.writer.sweep

    @sweep.setter
    def sweep(self, sweep: Sweep) -> None:
        self.writer.sweep = sweep

    # -- forward ------------------------------------------------------------------------

    def forward(self, loop, needed_before: set, recompute: bool, running: set | None = None,
                fresh: frozenset = frozenset()) -> list:
        """The loop run forward, keeping what its reversed trips need. `running`: the ids of
        the statements run (in a recomputed trip, or a replay), if not all; `fresh`: arrays
        the recomputed trip bound to new arrays before the loop."""
        if not self.activity.is_active(loop):
            return self.spelling.plain_block([loop], self.recorder.log_hook, keep=running)
        # a recomputed trip leaves arrays as it found them; the function's own sweep only
        # those whose values an earlier adjoint still reads
        restore = ir.stored(loop.body) if recompute else needed_before & ir.stored(loop.body)
        plan = self.plan(loop, restore)
        logged = None
        if recompute and running is not None:
            # (the plan, made with the trip's adjoint, logs every array the loop writes)
            written = {s.array for s in ir.walk(loop.body)
                       if isinstance(s, ir.Store) and id(s) in running}
            # an array new in the trip that no earlier adjoint reads is not put back
            logged = plan.live | (written - (fresh - needed_before))
        return self.recorder.record(loop, plan, running, logged) + [
            tag(assign(value, load(name)), loop.origin) for name, value in plan.at_exit.items()]

    # -- reverse ------------------------------------------------------------------------

    def adjoint(self, loop) -> list:
        if not self.activity.is_active(loop):
            return []
        plan = self.plan(loop, ir.stored(loop.body))  # made already, unless in a recomputed trip
        out = [tag(s, loop.origin) for s in self.sweep.materialize()]
        put_back = [tag(assign(name, load(copy)), loop.origin)
                    for name, copy in plan.put_back.items()]
        out += put_back
        for name in sorted(plan.carried):
            adjoint = self.names.adjoint(name)
            state = self.sweep.of(adjoint)
            if state is State.ZERO:  # shaped as the name was when the loop ended
                at_exit = load(plan.at_exit.get(name, name))
                out.append(tag(assign(adjoint, self.ns.call("zeros_like", at_exit)),
                               loop.origin))
            elif state is State.SHARED and name in plan.in_place:
                out.append(tag(assign(adjoint, self.ns.call("own", self.sweep.read(adjoint))),
                               loop.origin))
        for adjoint in names_in(plan.trip) & self.names.adjoint_names():
            self.sweep.set(adjoint, State.ZERO)  # a trip's own adjoints do not outlive it
        for name in plan.carried:
            state = State.OWNED if name in plan.in_place else State.SHARED
            self.sweep.set(self.names.adjoint(name), state)
        if plan.simple:
            stop = self.spelling.atom(loop.stop, lambda n: self.writer.captured(loop, n))
            last = ast.BinOp(stop, ast.Sub(), ast.Constant(1))
            target = loop.target
        else:
            last = ast.BinOp(load(plan.count), ast.Sub(), ast.Constant(1))
            target = plan.position
        header = ast.Call(load("range"), [last, ast.Constant(-1), ast.Constant(-1)], [])
        # what the loop reads before its trips: its bounds (its recorded run reads them too)
        rename = lambda n: self.writer.captured(loop, n)  # noqa: E731
        bounds = [self.spelling.atom(bound, rename) for bound in (loop.start, loop.stop,
                                                                   loop.step)] \
            if isinstance(loop, ir.For) else []
        self.adjoint_reads[id(loop)] = put_back + [ast.Expr(e) for e in [clone(header), *bounds]]
        out.append(tag(ast.For(ast.Name(target, ast.Store()), header, plan.trip, [], lineno=0),
                       loop.origin))
        return out

    def plan(self, loop, restore: set) -> LoopPlan:
        """What the loop keeps and how each trip is reversed (made once per loop)."""
        if id(loop) in self.plans:
            return self.plans[id(loop)]
        plan = self._new_plan(loop)
        adjoint, ending = self._reversed_trip(plan)
        recompute, adjoint, live, shape_only = self._recomputed_trip(plan, adjoint, ending)
        self._keep_for_trips(plan, live, shape_only, restore)
        flags = set(self.function.flags)
        plan.trip = self.trip_start(plan) + [
            tag(assign(flag, ast.Constant(False)), loop.origin) for flag in sorted(live & flags)
        ] + recompute + adjoint
        self._put_back_names_rebound_later(plan)
        return plan

    def _new_plan(self, loop) -> LoopPlan:
        """The loop's plan, registered: how trips are counted, the copies its trips make,
        what they carry from one to the next."""
        body = loop.body
        simple = isinstance(loop, ir.For) and loop.start == ir.Const(0) \
            and loop.step == ir.Const(1) and not loop.until \
            and loop.target not in ir.assigned(body) \
            and not (set(ir.atom_names([loop.stop])) & ir.assigned(body))
        plan = LoopPlan(loop, simple)
        if isinstance(loop, ir.For) and not simple:
            plan.trips = self.names.numbered("_trips")
            plan.position = self.names.numbered("_trip")
            plan.count = self.names.numbered("_done") if loop.until else plan.trips
        elif isinstance(loop, ir.While):
            plan.count = self.names.numbered("_done")
            plan.position = self.names.numbered("_trip")
        self.plans[id(loop)] = plan
        self.writer.plan_captures(body, set(), rebound_in(loop) & analysis.live_in(body))
        plan.carried = self.carried(loop)
        plan.in_place = added_in_place(body) & plan.carried
        if isinstance(loop, ir.For):
            self._keep_results(plan)
        # (a name the loop may leave unbound, such as a `return` inside it, keeps its own)
        bound = self.defined.get(loop, frozenset())
        for name in sorted(plan.carried & self.rebound_later.get(id(loop), set()) & bound):
            plan.at_exit[name] = self.names.fresh(f"_exit_{name.lstrip('_')}")
        return plan

    def _keep_results(self, plan: LoopPlan) -> None:
        """The helpers' calls in the loop's body (not in its branches: they run in every
        trip) whose vjp is split in halves: the forward run keeps what each forward half
        returns for its adjoint, one tape per value, which the reversed trip reads instead
        of recomputing the call (ProgramWriter.split)."""
        for stmt in plan.loop.body:
            split = self.writer.split_of(stmt)
            if split is None:
                continue
            names = self.writer.residuals[id(stmt)]
            plan.results[id(stmt)] = [(name, self.names.fresh(f"_kept{name}"))
                                      for name in names]
            self.saved.append(saved(
                split.kept(stmt.value.primitive.name), plan.loop, "one of each per trip of "
                "the for loop (8 bytes for a number, its nbytes for an array)"))
            self.writer.program.taped = True

    def _reversed_trip(self, plan: LoopPlan) -> tuple[list, list]:
        """The reverse of one trip, written with the adjoint state every trip starts with:
        its statements, and the ending that leaves the state as it started."""
        loop, body = plan.loop, plan.loop.body
        outer, self.sweep = self.sweep, Sweep()
        for name in plan.carried:
            state = State.OWNED if name in plan.in_place else State.SHARED
            self.sweep.set(self.names.adjoint(name), state)
        for store in own_stores(body):
            self.writer.old_value_name(store)  # a recomputed trip puts back what it overwrites
        adjoint = self.writer.adjoint_block(body)
        ending = [tag(s, loop.origin) for s in self.sweep.materialize()]
        rebound = {node.id for stmt in adjoint + ending for node in ast.walk(stmt)
                   if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
        for name in sorted(plan.carried):
            ending += self.carried_ending(name, loop, name in plan.in_place, rebound)
        self.sweep = outer
        return adjoint + ending, ending

    def _recomputed_trip(self, plan: LoopPlan, adjoint: list, ending: list):
        """Recompute only what the reversed trip reads, where it reads it. Returns the
        recomputation, the reversed trip without the copies it no longer needs, the names
        the recomputation needs from before the trip, and the names read only for shapes."""
        body = plan.loop.body
        rebound = rebound_in(plan.loop)
        in_body = {id(s) for s in ir.walk(body)}
        primal = ir.assigned(body) | ir.stored(body)
        primal |= {capture for (key, _), capture in self.captures.items() if key in in_body}
        primal |= {c for (key, _), c in self.output_captures.items() if key in in_body}
        values = names_in(adjoint, skip_restores=True)
        witnesses = names_in(adjoint, witnesses=True)
        # a loop-carried name read only for its shape: checked to keep its shape, not kept
        shape_only = (witnesses - values) & rebound & analysis.live_in(body)

        def reads(statements: list) -> tuple[set, set]:
            return primal_reads(statements, primal, shape_only)

        reads_at = {key: reads(written) for key, written in self.adjoint_reads.items()
                    if key in in_body}
        ending_values, ending_shapes = reads(ending)
        kept, copied, live, live_shapes = recomputed(body, ending_values, reads_at, self,
                                                     ending_shapes)
        # a name the trips rebind is kept for its value even if read for its shape alone:
        # its shape may change from trip to trip
        live |= live_shapes & rebound
        plan.live, plan.live_shapes = live, live_shapes - rebound
        needed = set().union(*reads(ending), *(v | s for v, s in reads_at.values()))
        adjoint = without_restores(adjoint, kept)
        needed |= names_in(adjoint) & primal  # and what the put-backs it keeps read
        # a copy is needed only if the recomputed trip rebinds its source after it
        redundant = self.redundant_captures(body, kept)
        adjoint = [Rename(redundant).visit(stmt) for stmt in adjoint]
        recompute = self.writer.forward_block(body, set(), recompute=True,
                                       wanted=(needed | live) - set(redundant),
                                       keep=(kept, copied))
        recompute = [Rename(redundant).visit(stmt) for stmt in recompute]
        return recompute, adjoint, live, shape_only

    def _keep_for_trips(self, plan: LoopPlan, live: set, shape_only: set,
                        restore: set) -> None:
        """What the forward loop must keep for the reversed trips: the values of names the
        trips rebind, the shapes of those read only for their shapes, the elements the trips
        overwrite."""
        loop, body = plan.loop, plan.loop.body
        rebound = rebound_in(loop)
        for name in sorted((live & rebound) - set(self.function.flags)):
            self.require_defined(name, loop)
            plan.records[name] = self.names.fresh(f"_kept_{name.lstrip('_')}")
            self.saved.append(saved(name, loop))
        for name in sorted(shape_only - set(plan.records)):
            self.require_defined(name, loop)
            plan.shapes[name] = self.names.fresh(f"_shape_{name.lstrip('_')}")
        for name in sorted(((live | restore) & ir.stored(body)) - rebound):
            plan.logs[name] = (self.names.fresh(f"_log_{name}"),
                               self.names.fresh(f"_marks_{name}"))
            self.saved.append(saved(f"values of {name} overwritten in the loop", loop,
                                     "the elements each trip writes, and their positions "
                                     "(16 bytes per element written)"))

    def _put_back_names_rebound_later(self, plan: LoopPlan) -> None:
        """A name the trips read but leave alone, or read only for its shape (which every
        trip keeps), which a statement after the loop rebinds: copied before the loop, and
        put back before the reverse loop."""
        loop = plan.loop
        later = self.rebound_later.get(id(loop), set()) - (rebound_in(loop) - set(plan.shapes))
        later.discard(getattr(loop, "target", None))
        for name in sorted((names_in(plan.trip) | names_in(plan.trip, witnesses=True)) & later):
            if (id(loop), name) not in self.captures:
                self.captures[(id(loop), name)] = self.names.capture(name)
            plan.put_back[name] = self.captures[(id(loop), name)]

    def redundant_captures(self, body: list, kept: set) -> dict[str, str]:
        """Copies made in a trip whose source no recomputed statement rebinds afterwards."""
        order = {id(s): k for k, s in enumerate(ir.walk(body))}
        writes = [(order[id(s)], n) for s in ir.walk(body) if id(s) in kept
                  for n in ir.writes(s)]
        return {capture: name for (key, name), capture in self.captures.items()
                if key in order and not any(p >= order[key] and n == name for p, n in writes)}

    def trip_start(self, plan: LoopPlan) -> list:
        """Put back the state the trip started from: undo its writes, restore kept names."""
        loop, out = plan.loop, []
        position = load(plan.loop.target if plan.simple else plan.position)
        for array, (log, marks) in plan.logs.items():
            mark = ast.Subscript(load(marks), clone(position), ast.Load())
            out.append(ast.Expr(self.ns.call("undo_to", load(log), load(array), mark)))
        for name, tape in plan.records.items():
            value = ast.Subscript(load(tape), clone(position), ast.Load())
            out.append(assign(name, self.ns.call("retyped", value, load(name))))
        for name, tape in (pair for pairs in plan.results.values() for pair in pairs):
            out.append(assign(name, ast.Subscript(load(tape), clone(position), ast.Load())))
        if isinstance(loop, ir.For) and not plan.simple:
            rename = lambda n: self.writer.captured(loop, n)  # noqa: E731
            start, step = (self.spelling.atom(a, rename) for a in (loop.start, loop.step))
            offset = ast.BinOp(load(plan.position), ast.Mult(), step)
            out.append(assign(loop.target, simplify(ast.BinOp(start, ast.Add(), offset))))
        return [tag(s, loop.origin) for s in out]

    def carried(self, loop) -> set[str]:
        """Names whose adjoints flow from trip to trip: live across the trips' boundary."""
        body = loop.body if isinstance(loop, ir.For) else loop.test_block + loop.body
        exposed = analysis.live_in(body, frozenset())
        useful_after = self.activity.useful_after.get(loop, frozenset())
        active = self.activity.active_names(body)
        return {n for n in active if n in exposed or n in useful_after}

    def carried_ending(self, name: str, loop, in_place: bool, rebound: set) -> list:
        """Each trip ends as it starts: a carried adjoint of a number is a number of its
        name's type (one the trip rebinds is cast back: numba types `1 - t * t` of a float32 t
        as a float64, and an adjoint whose type changes from one trip to the next changes the
        types of what the trip computes from it, which numba then cannot compile), and an
        array of its own if trips add into it in place."""
        adjoint = self.names.adjoint(name)
        state = self.sweep.of(adjoint)
        self.sweep.set(adjoint, State.OWNED if in_place else state)
        if state is State.ZERO:
            self.sweep.set(adjoint, State.OWNED)
            zero = self.ns.call("zeros_like", witness(load(name)))
            return [tag(assign(adjoint, zero), loop.origin)]
        out = []
        if adjoint in rebound:
            typed = self.ns.call("retyped", load(adjoint), witness(load(name)))
            out.append(tag(assign(adjoint, typed), loop.origin))
        if state is State.SHARED and in_place:
            out.append(tag(assign(adjoint, self.ns.call("own", load(adjoint))), loop.origin))
        return out

    def require_defined(self, name: str, loop) -> None:
        # a loop after a return, break or continue runs only on the paths that did not jump
        defined = self.defined_unless_jumped.get(loop, frozenset())
        if name not in defined and name not in self.function.flags:
            raise UnsupportedSyntaxError(
                f"'{name}' is read in the loop before the loop assigns it, and it may have no "
                "value when the loop starts", loop.origin,
                f"give {name} a value before the loop")
