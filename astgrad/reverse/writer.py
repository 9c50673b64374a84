"""The forward and adjoint sweeps of one function: straight-line code, branches, stores, calls.

A *context* is a stretch of code whose adjoint runs right after it: the whole function (the
forward sweep, then the adjoint sweep), or one trip of a loop (recomputed, then reversed, in
the reverse loop). In a context:

- a rule reads its operands where they are; a name that a later statement of the context
  rebinds is first copied (a capture, `_x1 = x`), and the rule reads the copy;
- a store into an array whose values an earlier statement's adjoint still needs keeps what it
  overwrites (`_old1 = own(a[i])`) and puts it back in its adjoint (`a[i] = _old1`);
- each adjoint variable's state (ZERO, SHARED, OWNED; see state.py) decides whether a
  contribution assigns it, adds to it, or adds into it in place.
"""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass, field

from .. import analysis, ir
from ..emit import Comment, tag
from .adjoints import Adjoints
from .forward import index_value
from .loops import Loops
from .scalars import Scalars
from .state import SavedValue, State, Sweep, assign, clone, join, load, witness
from .trees import Trees
from .trips import names_in, primal_reads, recomputed, without_restores


@dataclass
class Needs:
    """What the adjoint of a statement reads of the forward computation."""

    names: set  # names whose values it reads
    output: bool = False  # whether it reads the statement's own result
    shapes: set = field(default_factory=set)  # names it reads only for their shapes


class FunctionWriter:
    """Writes the forward and adjoint sweeps of one function."""

    def __init__(self, function: ir.Function, activity: analysis.Activity, program_writer,
                 names):
        self.function = function
        self.activity = activity
        self.program = program_writer
        self.names = names
        self.ns = program_writer.namespace
        self.spelling = program_writer.spelling
        self.sweep = Sweep()
        self.captures: dict[tuple[int, str], str] = {}
        self.output_captures: dict[tuple[int, str], str] = {}  # (id(stmt), target) ->
        self.rebound_later: dict[int, set] = {}  # id(loop or guard) -> names rebound after it
        self.old_values: dict[int, str] = {}  # id(store) -> where it keeps what it overwrites
        self.listed_stores: set[int] = set()  # stores whose copies `saved` lists
        self.saved: list[SavedValue] = []
        self.live_after = analysis.live_after(function.body)
        self.sharing = analysis.sharing(function, program_writer.program)
        self.uncut = analysis.uncut_stores(function, activity)
        self.defined = analysis.defined_before(function)
        self.defined_unless_jumped = analysis.defined_before(function, unless_jumped=True)
        self.defined_when_jumped = analysis.defined_when_jumped(function, self.defined)
        self.scalars = Scalars(function)
        self.adjoint_reads: dict[int, list] = {}  # id(stmt) -> the adjoint written for it
        self.trees = Trees(self, [])  # the body's, once the sweeps are written
        # `a[i] += v` whose adjoint leaves d[a][i] as it is: the stores' ids, and the ids of
        # their reads of a[i] (whose adjoints are not written)
        self.in_place: set[int] = set()
        self.kept_reads: set[int] = set()
        # calls of user functions outside loops, whose forward values live until their
        # adjoints: id(stmt) -> the names of the residuals its forward half returns
        self.outside_loops = _outside_loops(function.body)
        # and calls in a `for` loop's body, whose forward run keeps them in tapes
        self.in_for_bodies = {id(s) for loop in ir.walk(function.body)
                              if isinstance(loop, ir.For) for s in loop.body}
        self.residuals: dict[int, list[str]] = {}
        self.loops = Loops(self)
        self.adjoints = Adjoints(self)

    # -- what adjoints need -------------------------------------------------------------

    def needs(self, stmt) -> Needs:
        """Names the adjoint of `stmt` reads (operands, indexes, tests, bounds)."""
        if isinstance(stmt, ir.If):  # its test; the shapes of zeros for its branches' adjoints
            zeros = self.activity.active_names([stmt]) & self.bound_entering(stmt)[1]
            return Needs(set(ir.reads(stmt)), shapes=zeros)
        if isinstance(stmt, ir.For):
            return Needs(set(ir.atom_names([stmt.start, stmt.step, stmt.stop])))
        if isinstance(stmt, ir.Store):
            names = set(stmt.index.names()) | {stmt.array}
            return Needs(names, shapes=set(ir.atom_names([stmt.value])) - names)
        if not isinstance(stmt, ir.Assign | ir.Unpack) or not self.activity.active_operands(stmt) \
                or not self.activity.is_active(stmt):
            return Needs(set())
        if not isinstance(stmt.value, ir.Call):
            return Needs(set())
        found = self.callee(stmt)
        if found.function is not None:  # a user function's adjoint recomputes it; zeros for
            # the outputs of a tuple no adjoint reaches are shaped like them
            return Needs(set(ir.atom_names(stmt.value.args)), isinstance(stmt, ir.Unpack))
        active = self.active_params(stmt, found)
        params = found.rule.needs(active)
        names = set().union(*(ir.atom_names([found.bound.get(p)]) for p in params - {"ans"}))
        shaped = {p for p in active if found.rule.adds_in_place(active) or (
            found.rule.elementwise and self.scalars.may_broadcast(p, found.bound))}
        shapes = set().union(*(ir.atom_names([found.bound[p]]) for p in shaped))
        return Needs(names, "ans" in params, (shapes | self.trees.shapes_read(stmt)) - names)

    def callee(self, stmt) -> analysis.Callee:
        return analysis.callee(stmt.value, stmt.at or stmt.origin, self.program.program)

    def active_params(self, stmt, found: analysis.Callee) -> set[str]:
        active = self.activity.active_operands(stmt)
        return {p for p in found.differentiable
                if set(ir.atom_names([found.bound[p]])) & active}

    def plan_captures(self, block: list, later: set, shape_checked: set = frozenset()) -> None:
        """Decide which operands are copied before later statements of the context rebind them.
        A name in `shape_checked` (a loop's carried names) needs no copy for its shape."""
        for position, stmt in enumerate(block):
            after = ir.assigned(block[position + 1:]) | later
            needs = self.needs(stmt)
            rebound = after | set(ir.writes(stmt))
            if isinstance(stmt, ir.For):
                rebound |= ir.assigned(stmt.body)
            if isinstance(stmt, ir.If):  # a guard `if not _returned1:` whose block sets it
                rebound |= ir.assigned(stmt.body) | ir.assigned(stmt.orelse)
            for name in sorted((needs.names | (needs.shapes - shape_checked)) & rebound):
                self.captures[(id(stmt), name)] = self.names.capture(name)
            for target in sorted(set(ir.writes(stmt)) & after if needs.output else ()):
                self.output_captures[(id(stmt), target)] = self.names.capture(target)
            if isinstance(stmt, ir.If):
                self.plan_captures(stmt.body, after, shape_checked)
                self.plan_captures(stmt.orelse, after, shape_checked)
            if isinstance(stmt, ir.For | ir.While | ir.If):
                self.rebound_later[id(stmt)] = after  # a loop's plan copies what trips read

    @property
    def plans(self) -> dict:
        """The plans of the function's loops, by id (made as their reverses are written)."""
        return self.loops.plans

    def captured(self, stmt, name: str) -> str:
        return self.captures.get((id(stmt), name), name)

    # -- forward sweep of a context -----------------------------------------------------

    def forward_block(self, block: list, needed_before: set, recompute: bool,
                      wanted: set | None = None, keep: tuple | None = None) -> list:
        """The statements of a context as they run, with captures and kept old values.

        `needed_before` holds the arrays whose values earlier adjoints of the context read:
        a store into one keeps what it overwrites. In a recomputed trip every store does,
        so that the trip ends with the arrays as it found them. `keep`, for a recomputed trip,
        is (the statements it runs, those it runs only for the copies made before them)."""
        out: list[ast.stmt] = []
        fresh: set[str] = set()  # names bound to a new array in this block, so far
        for stmt in block:
            if isinstance(stmt, ir.Assign):
                fresh.discard(stmt.target)
            else:
                fresh -= ir.assigned([stmt])
            if keep is not None and id(stmt) not in keep[0]:
                if id(stmt) in keep[1]:
                    out += self.captures_before(stmt, wanted)
                # the stores kept after it keep what they overwrite as when it ran
                needed_before |= analysis.shared_with(self.sharing, self.content_needs(stmt))
                continue
            if not isinstance(stmt, ir.For | ir.While):  # a loop's copies: once it is planned
                out += self.captures_before(stmt, wanted)
            if isinstance(stmt, ir.Assign | ir.Unpack):
                # (a recomputed trip reads what its helpers' forward halves returned from
                # their tapes: a call it runs for its outputs runs whole)
                out.append(self.spelling.assignment(stmt) if recompute else
                           self.assignment(stmt))
                out += [tag(assign(self.output_captures[(id(stmt), target)], load(target)),
                            stmt.origin) for target in ir.writes(stmt)
                        if (id(stmt), target) in self.output_captures]
            elif isinstance(stmt, ir.Store):
                if recompute or stmt.array in needed_before:
                    out += self.keep_old_values(stmt)
                out.append(self.spelling.store(stmt))
            elif isinstance(stmt, ir.If):
                body = self.forward_block(stmt.body, set(needed_before), recompute, wanted, keep)
                orelse = self.forward_block(stmt.orelse, set(needed_before), recompute, wanted,
                                            keep)
                out.append(tag(ast.If(self.spelling.atom(stmt.test), body, orelse), stmt.origin))
            elif isinstance(stmt, ir.For | ir.While):
                loop = self.loops.forward(stmt, needed_before, recompute,
                                          keep[0] if keep is not None else None,
                                          frozenset(fresh) if recompute else frozenset())
                out += self.captures_before(stmt, wanted) + loop
            if isinstance(stmt, ir.Assign) and analysis.new_array(stmt.value):
                fresh.add(stmt.target)
            # a view read later (`_t1 = a[1:]`) changes with a store into its array
            needed_before |= analysis.shared_with(self.sharing, self.content_needs(stmt))
        return out

    def split_of(self, stmt):
        """The halves of the vjp of the user function `stmt` calls (ProgramWriter.split),
        if it is called with arguments that carry derivatives outside loops or in a `for`
        loop's body (whose forward run keeps what the forward half returns; unless the
        program is written to recompute it); None for any other statement (or a function
        whose adjoint reads no value worth keeping)."""
        where = id(stmt) in self.outside_loops or (self.program.tape_results
                                                   and id(stmt) in self.in_for_bodies)
        if not where or not isinstance(stmt, ir.Assign | ir.Unpack) \
                or not isinstance(stmt.value, ir.Call) \
                or not isinstance(stmt.value.primitive, ir.UserFunction) \
                or not self.activity.is_active(stmt):
            return None
        found = self.callee(stmt)
        active = sorted(self.active_params(stmt, found), key=found.function.params.index)
        split = self.program.split(stmt.value.primitive, tuple(active)) if active else None
        if split is not None and id(stmt) not in self.residuals:
            prefix = f"_{found.function.name}_"
            self.residuals[id(stmt)] = [self.names.fresh(prefix + r.lstrip("_"))
                                        for r in split.residuals]
            if id(stmt) in self.outside_loops:  # (a loop's plan lists its tapes)
                self.saved.append(SavedValue(
                    split.kept(found.function.name), stmt.origin.line,
                    "kept from the call to its adjoint (an array's nbytes, 8 bytes a number)"))
        return split

    def assignment(self, stmt) -> ast.stmt:
        """An Assign or Unpack statement as it runs forward: a call of a user function split
        in halves binds the residuals its forward half returns too."""
        split = self.split_of(stmt)
        if split is None:
            return self.spelling.assignment(stmt)
        targets = [ast.Name(t, ast.Store())
                   for t in [*ir.writes(stmt), *self.residuals[id(stmt)]]]
        call = ast.Call(load(split.forward), [self.spelling.operand(a) for a in stmt.value.args],
                        [])
        return tag(ast.Assign([ast.Tuple(targets, ast.Store())], call, lineno=0), stmt.origin)

    def captures_before(self, stmt, wanted: set | None = None) -> list[ast.stmt]:
        """The copies made before `stmt` (only those in `wanted`, when given)."""
        return [tag(assign(capture, load(name)), stmt.origin)
                for (key, name), capture in self.captures.items()
                if key == id(stmt) and (wanted is None or capture in wanted)]

    def content_needs(self, stmt) -> set[str]:
        """Arrays (or any names) whose values the adjoint of `stmt` reads, nested included."""
        if isinstance(stmt, ir.If | ir.For | ir.While):
            return set().union(*(self.needs(s).names for s in ir.walk([stmt])))
        return self.needs(stmt).names

    def keep_old_values(self, stmt: ir.Store) -> list[ast.stmt]:
        if id(stmt) not in self.listed_stores:  # once, if the sweep is written again
            self.listed_stores.add(id(stmt))
            self.saved.append(SavedValue(f"values of {stmt.array} it overwrites",
                                         stmt.origin.line,
                                         "a copy of the part written, each time the line runs"))
        old = self.old_value_name(stmt)
        value = ast.Subscript(load(stmt.array), self.spelling.index(stmt.index), ast.Load())
        return [tag(assign(old, self.ns.call("own", value)), stmt.origin)]

    def old_value_name(self, store: ir.Store) -> str:
        """Where `store` keeps what it overwrites, named once (a recomputed trip's too)."""
        if id(store) not in self.old_values:
            self.old_values[id(store)] = self.names.numbered("_old")
        return self.old_values[id(store)]

    # -- adjoint sweep of a context -------------------------------------------------------

    def adjoint_block(self, block: list) -> list:
        out: list[ast.stmt] = []
        for stmt in reversed(block):
            if self.trees.inside(stmt) or id(stmt) in self.kept_reads:
                continue  # written with the root of its tree, or cancelled by a store's
            if self.trees.rooted_at(stmt) is not None:
                written = self.trees.adjoint(self.trees.rooted_at(stmt))
            elif isinstance(stmt, ir.Assign | ir.Unpack):
                written = self.adjoint_assign(stmt)
            elif isinstance(stmt, ir.Store):
                written = self.adjoint_store(stmt)
            elif isinstance(stmt, ir.If):
                written = self.adjoint_if(stmt)
            elif isinstance(stmt, ir.For | ir.While):
                written = self.loops.adjoint(stmt)
            else:
                continue
            if not isinstance(stmt, ir.If | ir.For | ir.While):
                self.adjoint_reads[id(stmt)] = written
            out += written
        return out

    def adjoint_if(self, stmt: ir.If) -> list:
        if not self.activity.is_active(stmt):
            return []
        out = [tag(s, stmt.origin) for s in self.sweep.materialize()]
        before = self.sweep
        branches, bodies = [], []
        for block in (stmt.body, stmt.orelse):
            self.sweep = before.copy()
            bodies.append(self.adjoint_block(block))
            branches.append(self.sweep)
        bound = self.bound_entering(stmt)
        self.sweep, endings = join(branches, lambda adjoint, branch: self.zero_statement(
            adjoint, stmt) if self.names.primal_of(adjoint) in bound[branch] else None)
        body, orelse = (b + [tag(e, stmt.origin) for e in ending]
                        for b, ending in zip(bodies, endings))
        test = self.spelling.atom(stmt.test, lambda n: self.captured(stmt, n))
        if not body and not orelse:  # no branch to choose: the test is not read
            return out
        # the branch is chosen here, and the zeros ending a branch read shapes as it began
        self.adjoint_reads[id(stmt)] = [ast.Expr(test)] + [e for ending in endings
                                                           for e in ending]
        return out + [tag(ast.If(test, body or [ast.Pass()], orelse), stmt.origin)]

    def bound_entering(self, branch: ir.If) -> tuple[frozenset, frozenset]:
        """The names bound on every path that enters the body of `branch`, and its orelse:
        those whose adjoints' zeros a branch may make. A path that jumped (`return`, `break`,
        `continue`) enters only the empty body of a guard (`if _returned1: else: <the
        rest>`), so any other `if` counts only the paths that did not: after `if c: return a`
        and `v = ...`, an `if` reading v has v bound whenever it runs."""
        if branch.body:
            bound = self.defined_unless_jumped.get(branch, frozenset())
            return bound, bound
        # a guard: copies made before it run on every path, so only names bound on all of
        # them are copied; one bound where its flags are raised is read as it is by the
        # jumped paths' zeros, if nothing rebinds it after the guard
        everywhere = self.defined.get(branch, frozenset())
        jumped = self.defined_when_jumped.get(branch, frozenset()) - \
            self.rebound_later.get(id(branch), set())
        return everywhere | jumped, everywhere

    def zero_statement(self, adjoint: str, branch: ir.If) -> ast.stmt:
        """Zeros for an adjoint a branch left untouched: of its primal's shape as the `if`
        saw it (a copy, if the context rebinds it later)."""
        primal = self.captured(branch, self.names.primal_of(adjoint))
        return assign(adjoint, self.ns.call("zeros_like", witness(load(primal))))

    def adjoint_assign(self, stmt) -> list:
        targets = list(ir.writes(stmt))
        adjoints = [self.names.adjoint(t) for t in targets]
        if not self.activity.is_active(stmt):
            # nothing flows back through it, but it rebinds its targets: the values they held
            # before have adjoints of their own, zero so far (not the new values' zeros,
            # which may be of another shape)
            out = []
            for adjoint in adjoints:
                out += [tag(s, stmt.origin) for s in self.sweep.before_write(adjoint)]
                self.sweep.set(adjoint, State.ZERO)
            return out
        if all(self.sweep.of(a) is State.ZERO for a in adjoints):
            return []  # nothing flows back into this value on this path
        out: list[ast.stmt] = []
        incoming = []
        operands = self.activity.active_operands(stmt)
        for target, adjoint in zip(targets, adjoints):
            if self.sweep.of(adjoint) is State.ZERO:
                incoming.append(None)
            elif target in operands:  # `x = x * a`: read x's adjoint before it restarts
                name = self.names.numbered("_g")
                out.append(tag(assign(name, self.sweep.read(adjoint)), stmt.origin))
                incoming.append(load(name))
            else:
                incoming.append(self.sweep.read(adjoint))
        for adjoint in adjoints:
            out += [tag(s, stmt.origin) for s in self.sweep.before_write(adjoint)]
            self.sweep.set(adjoint, State.ZERO)
        if not operands:  # a constant overwrote the targets: their adjoints stop here
            return out
        if isinstance(stmt.value, ir.Name):
            return out + self.adjoints.add(stmt.value.id, incoming[0], None, False, stmt)
        found = self.callee(stmt)
        if found.function is not None:
            return out + self.adjoint_user_call(stmt, found, incoming)
        return out + self.adjoint_rule(stmt, found, incoming[0])

    def adjoint_rule(self, stmt: ir.Assign, found: analysis.Callee, dans: ast.expr) -> list:
        active = self.active_params(stmt, found)
        operands = {p: self.operand(stmt, v) for p, v in found.bound.items()}
        output = load(self.output_captures.get((id(stmt), stmt.target), stmt.target))
        locals_, contributions = found.rule.instantiate(
            operands, output, dans, active,
            fresh=lambda base: self.names.numbered(f"_{base}"),
            spell=lambda obj, attr=None: self.ns.spell(obj, attr))
        out = [tag(s, stmt.origin) for s in locals_]
        for contribution in contributions:
            value = found.bound[contribution.param]
            if isinstance(value, tuple):  # a sequence of operands: a tuple of adjoints
                out += self.adjoint_sequence(stmt, value, contribution.value, operands,
                                             contribution.param)
                continue
            broadcasts = contribution.unbroadcast and self.scalars.may_broadcast(
                contribution.param, found.bound)
            picks_twice = not all(self.scalars.is_basic(found.bound[p])
                                  for p in contribution.index_reads if p in found.bound)
            for name in ir.atom_names([value]):
                out += self.adjoints.add(name, contribution.value, contribution.index, broadcasts,
                                       stmt, like=operands[contribution.param],
                                       picks_twice=picks_twice)
        return out

    def adjoint_sequence(self, stmt, sequence: tuple, value: ast.expr, operands: dict,
                         param: str) -> list:
        """`d[arrays] = parts` for a sequence of operands (np.concatenate((a, b))): the
        tuple of parts computed once, operand k's adjoint getting part k."""
        active = self.activity.active_operands(stmt)
        parts = self.names.numbered("_g")
        out = [tag(assign(parts, value), stmt.origin)]
        for k, element in enumerate(sequence):
            if isinstance(element, ir.Name) and element.id in active:
                part = ast.Subscript(load(parts), ast.Constant(k), ast.Load())
                out += self.adjoints.add(element.id, part, None, False, stmt,
                                         like=operands[param].elts[k])
        return out

    def adjoint_user_call(self, stmt, found: analysis.Callee, incoming: list) -> list:
        active = sorted(self.active_params(stmt, found), key=found.function.params.index)
        if not active:
            return []
        outputs = list(ir.writes(stmt))
        seeds = []
        for target, value in zip(outputs, incoming):
            seeds.append(value if value is not None else self.ns.call(
                "zeros_like", load(self.output_captures.get((id(stmt), target), target))))
        args = [self.operand(stmt, a) for a in stmt.value.args]
        split = self.split_of(stmt)
        if split is None:
            vjp = self.program.vjp(stmt.value.primitive, tuple(active))
        else:
            vjp = split.backward
            args = [args[k] for k in split.params] + [load(r) for r in self.residuals[id(stmt)]]
        args += seeds
        results = [self.names.numbered("_g") for _ in active]
        target = ast.Tuple([ast.Name(r, ast.Store()) for r in results], ast.Store()) \
            if len(results) > 1 else ast.Name(results[0], ast.Store())
        out = [tag(ast.Assign([target], ast.Call(load(vjp), args, []), lineno=0), stmt.origin)]
        for param, result in zip(active, results):
            name = found.bound[param].id
            out += self.adjoints.add(name, load(result), None, False, stmt)
        return out

    def operand(self, stmt, value) -> ast.expr:
        """How the adjoint of `stmt` reads one of its operands (through a capture if rebound)."""
        rename = lambda n: self.captured(stmt, n)  # noqa: E731
        if isinstance(value, ir.Index):
            return self.spelling.index(value, rename)
        if isinstance(value, tuple):
            return ast.Tuple([self.operand(stmt, v) for v in value], ast.Load())
        return self.spelling.atom(value, rename)

    def adjoint_store(self, stmt: ir.Store) -> list:
        """`a[i] = v`: v's adjoint gets `d[a][i]`, which is then cut (the old value is gone)."""
        out: list[ast.stmt] = []
        adjoint = self.names.adjoint(stmt.array)
        array = load(self.captured(stmt, stmt.array))
        index = self.spelling.index(stmt.index, lambda n: self.captured(stmt, n))
        if self.activity.is_active(stmt) and self.sweep.of(adjoint) is not State.ZERO:
            if self.scalars.is_basic(stmt.index):
                written = self.ns.call("own", ast.Subscript(self.sweep.read(adjoint), index,
                                                            ast.Load()))
            else:  # an element written twice keeps the value written last
                written = self.ns.call("written_part", self.sweep.read(adjoint),
                                       index_value(clone(index)))
            for name in self.activity.active_operands(stmt):
                value = self.spelling.atom(stmt.value, lambda n: self.captured(stmt, n))
                out += self.adjoints.add(name, written, None, True, stmt, like=value)
            # (`a[i] += v` adds the part cut back; nothing before an uncut one reads it)
            if id(stmt) not in self.in_place and id(stmt) not in self.uncut:
                out += self.adjoints.owned(adjoint, array, stmt)
                cut = ast.Subscript(load(adjoint), clone(index), ast.Store())
                out.append(tag(ast.Assign([cut], ast.Constant(0.0), lineno=0), stmt.origin))
        if id(stmt) in self.old_values:
            target = ast.Subscript(array, clone(index), ast.Store())
            restore = ast.Assign([target], load(self.old_values[id(stmt)]), lineno=0)
            restore.astgrad_restores = id(stmt)
            out.append(tag(restore, stmt.origin))
        return out

    # -- the whole function ------------------------------------------------------------------

    def sweeps(self, seeds: list[tuple[ir.Atom, ast.expr | None]]) -> tuple[list, list]:
        """The forward sweep and the adjoint sweep of the function's body (without its return);
        `seeds` pairs each returned atom with its incoming adjoint (None: the output seed)."""
        body = self.function.body[:-1]
        self.trees = Trees(self, self.function.body)  # first: what its adjoints read is captured
        in_place = [(key, old) for key, (store, old) in self.trees.in_place_additions().items()
                    if self.scalars.is_basic(store.index)]
        self.in_place = {key for key, _ in in_place}
        self.kept_reads = {id(old) for _, old in in_place}
        self.plan_captures(body, set())
        forward = [Comment("forward: the function as written, one operation per line")]
        forward += self.forward_block(body, set(), recompute=False)
        adjoint = [Comment("adjoint: the same lines in reverse, each applying its rule")]
        returned = self.function.body[-1]
        active = self.activity.active_names(self.function.body) | set(self.activity.wrt)
        for atom, seed in seeds:
            value = self.spelling.atom(atom)
            check = self.ns.call("output_seed", value) if seed is None else seed
            name = atom.id if isinstance(atom, ir.Name) else None
            if name is None or name not in active:
                if seed is None:
                    adjoint.append(tag(ast.Expr(check), returned.origin))
                continue
            adjoint += self.adjoints.add(name, check, None, False, returned)
        adjoint += self.adjoint_block(body)
        return forward, adjoint

    def replayed(self, adjoint: list, ending: list, given: frozenset = frozenset()
                 ) -> tuple[list, list]:
        """The sweeps of a vector-Jacobian product, whose caller ran the function forward with
        the same arguments: its forward recomputes only what the adjoint sweep and the
        `ending` (its return) read, but the values `given` (residuals the caller kept), and
        the adjoint puts back no store left out."""
        body, primal = self.function.body[:-1], self.primal_names()
        reads_at = {key: primal_reads(written, primal)
                    for key, written in self.adjoint_reads.items()}
        values, shapes = primal_reads(ending, primal)
        kept, copied, _, _ = recomputed(body, values, reads_at, self, shapes, given=given)
        adjoint = without_restores(adjoint, kept)
        wanted = names_in(adjoint) | names_in(adjoint, witnesses=True)
        forward = [Comment("forward: what the adjoint reads, recomputed")]
        forward += self.forward_block(body, set(), recompute=False, wanted=wanted,
                                      keep=(kept, copied))
        return forward, adjoint

    def primal_names(self) -> set[str]:
        """The names the forward sweep binds: the function's, its copies and residuals."""
        body = self.function.body[:-1]
        return ir.assigned(body) | ir.stored(body) | set(self.captures.values()) | set(
            self.output_captures.values()) | {r for names in self.residuals.values()
                                              for r in names}

    def residuals_for(self, adjoint: list) -> tuple[str, ...]:
        """The values the adjoint sweep reads that a caller keeps from the forward sweep
        rather than have them recomputed: arrays (or numbers not certainly so) bound once,
        outside branches, by an operation making a new value that no name written into, no
        parameter and nothing returned shares, and that costs more than reading it back (a
        function such as exp or tanh, a helper's call; not +, -, *, / or a comparison: ode's
        Runge-Kutta stages took longer kept than computed again); and the residuals of the
        function's own calls split in halves. None in a function with loops (whose forward
        sweep keeps tapes)."""
        body = self.function.body[:-1]
        if any(isinstance(s, ir.For | ir.While) for s in ir.walk(body)):
            return ()
        read = names_in(adjoint, skip_restores=True)
        returned = self.function.body[-1].value
        returned = set(ir.atom_names(returned if isinstance(returned, tuple) else [returned]))
        bindings: dict[str, int] = {}
        for stmt in ir.walk(self.function.body):
            for name in ir.writes(stmt):
                bindings[name] = bindings.get(name, 0) + 1
        unsafe = ir.stored(body) | returned | set(self.function.params)
        out = []
        for stmt in body:
            if isinstance(stmt, ir.Assign) and stmt.target in read \
                    and bindings[stmt.target] == 1 and isinstance(stmt.value, ir.Call) \
                    and stmt.target not in self.scalars.names \
                    and stmt.value.primitive not in _CHEAP \
                    and not analysis.shared_with(self.sharing, {stmt.target}) & unsafe \
                    and (analysis.new_array(stmt.value) or isinstance(stmt.value.primitive,
                                                              ir.UserFunction)):
                out.append(stmt.target)
            out += [r for r in self.residuals.get(id(stmt), ()) if r in read]
        return tuple(out)

    def computing(self) -> list:
        """The statements of the forward sweep, every one as written (a forward half runs
        the function, which raises where it does: an index past the end whose value nothing
        reads too), before its outputs and residuals are returned."""
        return self.forward_block(self.function.body[:-1], set(), recompute=False, wanted=set())

    def gradient_of(self, param: str, argument: ast.expr | None, several: bool) -> ast.expr:
        """The gradient of a parameter at the end of the adjoint sweep."""
        adjoint = self.names.adjoint(param)
        state = self.sweep.of(adjoint)
        like = argument if argument is not None else load(param)
        if state is State.ZERO:
            return self.ns.call("zeros_like", like)
        value: ast.expr = self.sweep.read(adjoint)
        if state is State.SHARED and several:  # two gradients must not be one array
            value = self.ns.call("own", value)
        return value if argument is None else self.ns.call("cast_like", value, like)


# operations computed again faster than kept and read back (sizes' arithmetic too: `2 * b`,
# `n // 2`)
_CHEAP = frozenset([operator.add, operator.sub, operator.mul, operator.truediv,
                    operator.floordiv, operator.mod, operator.neg, operator.pos,
                    *ir.COMPARISONS.values()])


def _outside_loops(block: list) -> set[int]:
    """The ids of the statements of `block` not in a loop (in its branches too)."""
    out = set()
    for stmt in block:
        out.add(id(stmt))
        if isinstance(stmt, ir.If):
            out |= _outside_loops(stmt.body) | _outside_loops(stmt.orelse)
    return out

