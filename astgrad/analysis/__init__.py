"""Analyze: which values need adjoints (activity), which names are live, which are defined.

Takes a normalized `ir.Function` (and the `Program` it belongs to, for calls to the user's
other functions). Produces:

- `Activity`: a statement is active when its target both depends on a `wrt` input (it is
  *varied*) and reaches the returned value through differentiable operations (it is *useful*).
  Only active statements get adjoint code; only varied operands receive contributions.
- `live_after`: for every statement, the names whose values may still be read after it.
- `defined_before`: for every statement, the names certainly bound when it runs (and
  `defined_when_jumped`: at a guard, on the paths that jumped).

All three are dataflow over the structured program, iterated to a fixpoint around loops, and
pure functions of the normalized program. A call with no derivative rule into which a varied
value flows is an error here, naming the function: never a silent zero.

    __init__.py   activity, and the refusal of calls without a rule
    liveness.py   live_after, live_in, defined_before, defined_when_jumped
    sharing.py    names that may refer to one array; writes through two names refused
    cuts.py       stores whose adjoint need not zero the part they overwrote
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import ir
from ..errors import AstgradError, NoRuleError
from ..ir import describe
from ..rules import lookup
from ..rules.templates import Rule
from .cuts import uncut_stores
from .liveness import around_loop, defined_before, defined_when_jumped, live_after, live_in
from .sharing import SharingCheck, new_array, refuse_shared_writes, shared_with, sharing

__all__ = ["Activity", "Callee", "SharingCheck", "activity", "callee", "defined_before",
           "defined_when_jumped", "live_after", "live_in", "new_array", "refuse_shared_writes",
           "shared_with", "sharing", "uncut_stores"]


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
            varied = around_loop(stmt, varied - {getattr(stmt, "target", None)},
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
            useful = around_loop(stmt, useful, lambda body, fact: _backward(
                body, fact, result, after, flows_into))
    return useful


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
                "through", where, "keep the values in separate variables; the arrays "
                "np.concatenate or np.stack joins, write in the call: np.concatenate((a, b))")
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
