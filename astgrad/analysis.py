"""Analyze: which values need adjoints (activity), which names are live, which are defined.

Takes a normalized `ir.Function` (and the `Program` it belongs to, for calls to the user's
other functions). Produces:

- `Activity`: a statement is active when its target both depends on a `wrt` input (it is
  *varied*) and reaches the returned value through differentiable operations (it is *useful*).
  Only active statements get adjoint code; only varied operands receive contributions.
- `live_after`: for every statement, the names whose values may still be read after it.
- `defined_before`: for every statement, the names certainly bound when it runs.

All three are dataflow over the structured program, iterated to a fixpoint around loops, and
pure functions of the normalized program. A call with no derivative rule into which a varied
value flows is an error here, naming the function: never a silent zero.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field

import numpy as np

from . import ir
from .errors import AstgradError, NoRuleError, UnsupportedSyntaxError
from .ir import describe
from .rules import facts_of, lookup
from .rules.registry import Rule


@dataclass
class Callee:
    """What a call calls: a rule, a user function, or something astgrad knows nothing about."""

    rule: Rule | None
    function: ir.Function | None
    bound: dict[str, object]  # parameter name -> operand (atom, index, or tuple of atoms)

    @property
    def differentiable(self) -> list[str]:
        if self.function is not None:
            return list(self.bound)
        if self.rule is None:
            return list(self.bound)
        return [p for p in self.rule.differentiable if p in self.bound]


def callee(call: ir.Call, origin, program=None) -> Callee:
    """The rule or user function a call applies, with its operands by parameter name."""
    if isinstance(call.primitive, ir.UserFunction):
        function = program.function_of(call.primitive)
        return Callee(None, function, dict(zip(function.params, call.args)))
    rule = lookup(call.primitive)
    if rule is None or rule.signature is None:
        return Callee(rule, None, {str(i): a for i, a in enumerate(call.operands())})
    try:
        return Callee(rule, None, rule.bind(call.args, call.kwargs))
    except TypeError as error:
        raise AstgradError(f"{describe(call.primitive)}: {error}", origin,
                           "astgrad's rule for it supports the arguments "
                           f"({', '.join(rule.signature.parameters)})") from None


def _names(value) -> set[str]:
    """Names in an operand: an atom, an index, or a tuple of atoms."""
    return set(ir.atom_names([value]))


@dataclass
class Activity:
    """Which statements and operands take part in the adjoint."""

    wrt: tuple[str, ...]
    program: object = None
    aux: bool = False  # the function returns (value, aux): only the value needs adjoints
    varied_before: dict = field(default_factory=dict)  # statement -> names varied before it
    useful_after: dict = field(default_factory=dict)  # statement -> names useful after it
    # statement -> names whose adjoints may be nonzero after it (useful, and varied where used)
    adjoint_after: dict = field(default_factory=dict)

    def differentiable_names(self, stmt) -> set[str]:
        """Names a derivative can flow into from this statement's target(s)."""
        if isinstance(stmt, ir.Store):
            return _names(stmt.value)
        if isinstance(stmt, ir.Assign | ir.Unpack):
            if isinstance(stmt.value, ir.Name):
                return {stmt.value.id}
            if isinstance(stmt.value, ir.Call):
                found = callee(stmt.value, stmt.at or stmt.origin, self.program)
                if found.rule is not None and found.rule.is_zero:
                    return set()
                return set().union(*(_names(found.bound[p]) for p in found.differentiable)) \
                    if found.differentiable else set()
        return set()

    def active_operands(self, stmt) -> set[str]:
        """Differentiable operands of the statement that vary with `wrt`."""
        return self.differentiable_names(stmt) & self.varied_before.get(stmt, frozenset())

    def is_active(self, stmt) -> bool:
        """Does the statement get adjoint code? (Its target varies and is useful.)"""
        useful = self.useful_after.get(stmt, ())
        if isinstance(stmt, ir.Assign | ir.Unpack):
            # also when it overwrites a varied value with a constant: the adjoint of the old
            # value stops here (`if c: x = 1.0` leaves no derivative for the x before it)
            targets = set(ir.writes(stmt)) & useful
            return bool(targets) and bool(self.active_operands(stmt) or self.overwrites(stmt))
        if isinstance(stmt, ir.Store):
            # a store into an active array also cuts the overwritten elements' adjoint
            varied = self.varied_before.get(stmt, ())
            return stmt.array in useful and (stmt.array in varied or bool(
                _names(stmt.value) & varied))
        if isinstance(stmt, ir.If | ir.For | ir.While):
            return any(self.is_active(s) for s in ir.walk([stmt]) if s is not stmt)
        return False

    def overwrites(self, stmt) -> set[str]:
        """The targets of an assignment whose adjoints may be nonzero after it."""
        return set(ir.writes(stmt)) & self.adjoint_after.get(stmt, frozenset())

    def active_names(self, block: list) -> set[str]:
        """Every name that an active statement of a block writes or differentiates. (Not the
        `wrt` parameters as such: a parameter the block reads after rebinding it is another
        value, whose adjoint is not the gradient.)"""
        out = set()
        for stmt in ir.walk(block):
            if self.is_active(stmt):
                out |= set(ir.writes(stmt)) | self.active_operands(stmt)
                if isinstance(stmt, ir.Store):
                    out.add(stmt.array)
        return out


def activity(function: ir.Function, wrt: tuple[str, ...], program=None) -> Activity:
    """Varied and useful names at every statement of `function`."""
    result = Activity(wrt, program, aux=function.aux)
    _forward(function.body, frozenset(wrt), result)
    _backward(function.body, frozenset(), result, result.useful_after,
              result.differentiable_names)
    _backward(function.body, frozenset(), result, result.adjoint_after, result.active_operands)
    _check_rules(function.body, result)
    return result


def _forward(block: list, varied: frozenset, result: Activity) -> frozenset:
    for stmt in block:
        result.varied_before[stmt] = varied
        if isinstance(stmt, ir.Assign | ir.Unpack):
            targets = set(ir.writes(stmt))
            varied = (varied | targets) if result.active_operands(stmt) else (varied - targets)
        elif isinstance(stmt, ir.Store):
            if _names(stmt.value) & varied:
                varied = varied | {stmt.array}
        elif isinstance(stmt, ir.If):
            varied = _forward(stmt.body, varied, result) | _forward(stmt.orelse, varied, result)
        elif isinstance(stmt, ir.For | ir.While):
            varied = _around_loop(stmt, varied - {getattr(stmt, "target", None)},
                                  lambda body, fact: _forward(body, fact, result))
    return varied


def _backward(block: list, useful: frozenset, result: Activity, after: dict,
              flows_into) -> frozenset:
    """Names a derivative may flow back from, after each statement (into `after`), when it
    flows into `flows_into(stmt)` of an assignment's or a store's operands: all of those a
    derivative can reach (useful names), or those also varied there (nonzero adjoints)."""
    for stmt in reversed(block):
        after[stmt] = useful
        if isinstance(stmt, ir.Return):
            outputs = stmt.value if isinstance(stmt.value, tuple) else (stmt.value,)
            useful = frozenset(ir.atom_names(outputs[:1] if result.aux else outputs))
        elif isinstance(stmt, ir.Assign | ir.Unpack):
            targets = set(ir.writes(stmt))
            if targets & useful:
                useful = (useful - targets) | flows_into(stmt)
        elif isinstance(stmt, ir.Store):
            if stmt.array in useful:
                useful = useful | flows_into(stmt)
        elif isinstance(stmt, ir.If):
            useful = _backward(stmt.body, useful, result, after, flows_into) | _backward(
                stmt.orelse, useful, result, after, flows_into)
        elif isinstance(stmt, ir.For | ir.While):
            useful = _around_loop(stmt, useful, lambda body, fact: _backward(
                body, fact, result, after, flows_into))
    return useful


def _around_loop(loop, fact: frozenset, through) -> frozenset:
    """A may-fact at a loop's boundary: `fact`, joined with what `through(body, fact)` makes
    of it after any number of trips (a fixpoint; the facts only grow)."""
    body = loop.test_block + loop.body if isinstance(loop, ir.While) else loop.body
    while True:
        after = through(body, fact)
        if after <= fact:
            return fact
        fact = fact | after


def _check_rules(block: list, result: Activity) -> None:
    """An active call must have a rule (or be a user function): never a silent zero."""
    for stmt in ir.walk(block):
        if not (isinstance(stmt, ir.Assign | ir.Unpack) and isinstance(stmt.value, ir.Call)):
            continue
        if not result.active_operands(stmt) or not result.is_active(stmt):
            continue
        where = stmt.at or stmt.origin
        if stmt.value.primitive is ir.TUPLE:
            raise NoRuleError(
                "a differentiable value is put into a tuple, which astgrad cannot differentiate "
                "through", where, "keep the values in separate variables")
        found = callee(stmt.value, where, result.program)
        if found.rule is None and found.function is None:
            primitive = stmt.value.primitive
            raise NoRuleError(
                f"no derivative rule for {describe(primitive)}, and a differentiable value "
                "flows into it", where, _registering(primitive) + ", or wrap the argument in "
                "astgrad.stop_gradient(...) if it should not be differentiated")


def _registering(primitive) -> str:
    """How the user can give `primitive` a rule, in words they can act on."""
    if isinstance(primitive, ir.Method | ir.Attribute):
        kind = type(primitive).__name__
        function = getattr(np, primitive.name, None)
        if isinstance(primitive, ir.Method) and lookup(function) is not None:
            return f"call np.{primitive.name}(x, ...) instead, which astgrad differentiates"
        return (f"for an array, register a rule with @astgrad.rule(astgrad.{kind}"
                f"(\"{primitive.name}\")) (see the README); for an object of yours, call a "
                "function defined with def instead, which astgrad differentiates")
    return f"register one with @astgrad.rule({describe(primitive)}) (see the README)"


# -- arrays seen through two names ------------------------------------------------------------

def sharing(function: ir.Function, program=None) -> dict[str, list]:
    """Names that may refer to the same array as other local names: name -> [(other name, the
    statement that made them share)]. `y = x`, views (`x[1:]`, `x.T`, `x.reshape(...)`) and
    helpers that return an argument make names share."""
    locals_ = set(function.params) | ir.assigned(function.body)
    shared: dict[str, list] = {}

    def pair(a: str, b: str, stmt) -> None:
        if a != b and b in locals_:
            shared.setdefault(a, []).append((b, stmt))
            shared.setdefault(b, []).append((a, stmt))

    for stmt in ir.walk(function.body):
        if not isinstance(stmt, ir.Assign | ir.Unpack):
            continue
        value = stmt.value
        if isinstance(value, ir.Name):
            pair(stmt.target, value.id, stmt)
        elif isinstance(value, ir.Call) and facts_of(value.primitive).view and isinstance(
                value.args[0], ir.Name):
            for target in ir.writes(stmt):
                pair(target, value.args[0].id, stmt)
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


def shared_with(shared: dict[str, list], names: set[str]) -> set[str]:
    """`names` and every name that may share an array with one of them, transitively."""
    closure, frontier = set(names), list(names)
    while frontier:
        for other, _ in shared.get(frontier.pop(), []):
            if other not in closure:
                closure.add(other)
                frontier.append(other)
    return closure


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
    order, loops = _program_order(function.body)
    checks: list[SharingCheck] = []
    for stmt in ir.walk(function.body):
        written = stmt.array if isinstance(stmt, ir.Store) else stmt.target if isinstance(
            stmt, ir.Assign) and stmt.augmented else None
        if written is None:
            continue
        # shared since statements that may run before this one: earlier in the function, or
        # in a loop around both (a later trip); `a[i] = v` before `a = b` writes a's own array
        paths = _sharing_paths(written, shared, lambda where, stmt=stmt: order[id(where)] < order[
            id(stmt)] or bool(loops[id(where)] & loops[id(stmt)]))
        seen_by = [other for other in paths if other != written and other in live.get(stmt, ())]
        if not seen_by:
            continue
        if isinstance(stmt, ir.Assign):
            checks.append(SharingCheck(stmt, False, written, stmt.origin.line))
            continue
        for other in seen_by:
            last, parts = paths[other]
            if not parts:
                raise UnsupportedSyntaxError(
                    f"writing into '{written}' also changes '{other}', the same array since "
                    f"line {last.origin.line} ({last.origin.text.strip()}); astgrad cannot "
                    "differentiate a write seen through two names", stmt.origin,
                    f"make a copy: {written} = {other}.copy()")
            where, name = parts[-1]
            check = SharingCheck(where, True, name, stmt.origin.line, written)
            if check not in checks:
                checks.append(check)
    return checks


def _sharing_paths(written: str, shared: dict, linked_before) -> dict:
    """The names that share `written`'s array through links made by statements for which
    `linked_before(stmt)` holds: name -> (the last link's statement, the links on the way
    that may pick a number rather than part of the array: [(statement, name it binds)])."""
    paths = {written: (None, [])}
    frontier = [written]
    while frontier:
        name = frontier.pop(0)
        for other, where in shared.get(name, []):
            if other in paths or not linked_before(where):
                continue
            part = [(where, other)] if _may_pick_a_number(where, name, other) else []
            paths[other] = (where, paths[name][1] + part)
            frontier.append(other)
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


def _program_order(block: list, around: frozenset = frozenset(), order=None, loops=None):
    """Each statement's position in program order, and the loops around it (by id)."""
    order = {} if order is None else order
    loops = {} if loops is None else loops
    for stmt in block:
        order[id(stmt)], loops[id(stmt)] = len(order), around
        inner = around | {id(stmt)} if isinstance(stmt, ir.For | ir.While) else around
        for nested in ir.blocks_of(stmt):
            _program_order(nested, inner, order, loops)
    return order, loops


# -- liveness and definedness ---------------------------------------------------------------


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
            inner = _around_loop(stmt, live, lambda body, fact: _live(body, fact, out))
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
        elif everything is not None and isinstance(stmt, ir.Assign) \
                and _is_jump_flag(stmt.target) and stmt.value == ir.Const(True):
            defined = everything
        else:
            defined = defined | set(ir.writes(stmt))
    return defined


def _is_jump_flag(name: str) -> bool:
    return name.startswith(("_returned", "_break", "_continue"))
