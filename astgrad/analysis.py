"""Analyze: which values need adjoints (activity), and which operands feed each derivative.

Takes an `ir.Function` and the names of its `wrt` parameters. Produces an `Activity`: a
statement is active when its target both depends on a `wrt` input (it is *varied*) and reaches
the returned value through differentiable operations (it is *useful*). Only active statements
get adjoint code, and only varied operands of an active statement receive contributions;
everything else in the generated gradient is the plain forward computation.

Both properties are dataflow over the structured program: forward for varied, backward for
useful, iterated to a fixpoint around loops. Both are pure functions of the normalized program.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import ir
from .errors import AstgradError, NoRuleError
from .rules import lookup
from .rules.registry import Rule


def bind(call: ir.Call, origin) -> tuple[Rule | None, dict[str, object]]:
    """The rule of a call and its operands by rule parameter; ({}, None) when it has no rule."""
    rule = lookup(call.primitive)
    if rule is None or rule.signature is None:
        return rule, {}
    try:
        return rule, rule.bind(call.args, call.kwargs)
    except TypeError as error:
        raise AstgradError(f"{describe(call.primitive)}: {error}", origin,
                           "astgrad's rule for it supports the arguments "
                           f"({', '.join(rule.signature.parameters)})") from None


def differentiable_operands(call: ir.Call, origin) -> list[ir.Atom]:
    """The operands of a call that a derivative can flow into."""
    rule, bound = bind(call, origin)
    if rule is None:
        return [a for a in call.operands()]  # no rule: assume everything (an error if active)
    if rule.is_zero:
        return []
    out = []
    for param in rule.differentiable:
        value = bound.get(param)
        if isinstance(value, tuple):
            out += list(value)
        elif value is not None:
            out.append(value)
    return [a for a in out if isinstance(a, ir.Name | ir.Const)]


def describe(primitive: object) -> str:
    """How to name a primitive in a message: `np.exp`, `x.sum`, `foo`."""
    if isinstance(primitive, ir.Method):
        return f".{primitive.name}()"
    if isinstance(primitive, ir.Attribute):
        return f".{primitive.name}"
    module = getattr(primitive, "__module__", None) or ""
    name = getattr(primitive, "__qualname__", None) or getattr(primitive, "__name__", None)
    if name is None:
        return repr(primitive)
    if module.startswith("numpy"):
        return f"np.{name}"
    return f"math.{name}" if module == "math" else name


@dataclass
class Activity:
    """Which statements and operands take part in the adjoint."""

    wrt: tuple[str, ...]
    varied_before: dict = field(default_factory=dict)  # statement -> names varied before it
    useful_after: dict = field(default_factory=dict)  # statement -> names useful after it

    def is_active(self, stmt) -> bool:
        """Does the statement get adjoint code? (Its target is varied and useful.)"""
        if isinstance(stmt, ir.Assign):
            return stmt.target in self.useful_after.get(stmt, ()) and bool(
                self.active_operands(stmt))
        if isinstance(stmt, ir.Store):
            # A store into an active array also cuts the overwritten element's adjoint.
            varied = self.varied_before.get(stmt, ())
            return stmt.array in self.useful_after.get(stmt, ()) and (
                stmt.array in varied or _name(stmt.value) in varied)
        return False

    def active_operands(self, stmt) -> set[str]:
        """Names among the statement's differentiable operands that vary with `wrt`."""
        return _differentiable_names(stmt) & self.varied_before.get(stmt, frozenset())

    def active_names(self) -> set[str]:
        """Every name that gets an adjoint somewhere."""
        out = set(self.wrt)
        for stmt in self.useful_after:
            if self.is_active(stmt):
                out.add(stmt.target if isinstance(stmt, ir.Assign) else stmt.array)
                if isinstance(stmt, ir.Assign):
                    out |= self.active_operands(stmt)
        return out


def activity(function: ir.Function, wrt: tuple[str, ...]) -> Activity:
    """Varied and useful names at every statement of `function`."""
    result = Activity(wrt)
    _forward(function.body, frozenset(wrt), result)
    _backward(function.body, frozenset(), result)
    _check_rules(function.body, result)
    return result


def _forward(block: list, varied: frozenset, result: Activity) -> frozenset:
    for stmt in block:
        result.varied_before[stmt] = varied
        if isinstance(stmt, ir.Assign):
            gets = bool(result.active_operands(stmt))
            varied = (varied | {stmt.target}) if gets else (varied - {stmt.target})
        elif isinstance(stmt, ir.Store):
            if _name(stmt.value) in varied:
                varied = varied | {stmt.array}
        elif isinstance(stmt, ir.If):
            varied = _forward(stmt.body, varied, result) | _forward(stmt.orelse, varied, result)
        elif isinstance(stmt, (ir.For, ir.While)):
            varied = _around_loop(stmt, varied, lambda body, fact: _forward(body, fact, result))
    return varied


def _backward(block: list, useful: frozenset, result: Activity) -> frozenset:
    for stmt in reversed(block):
        result.useful_after[stmt] = useful
        if isinstance(stmt, ir.Return):
            useful = frozenset({stmt.value.id}) if isinstance(stmt.value, ir.Name) else frozenset()
        elif isinstance(stmt, ir.Assign):
            if stmt.target in useful:
                useful = (useful - {stmt.target}) | _differentiable_names(stmt)
        elif isinstance(stmt, ir.Store):
            if stmt.array in useful and isinstance(stmt.value, ir.Name):
                useful = useful | {stmt.value.id}
        elif isinstance(stmt, ir.If):
            useful = _backward(stmt.body, useful, result) | _backward(stmt.orelse, useful, result)
        elif isinstance(stmt, (ir.For, ir.While)):
            useful = _around_loop(stmt, useful, lambda body, fact: _backward(body, fact, result))
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
    """An active call must have a rule: never a silent zero."""
    for stmt in ir.walk(block):
        if not (isinstance(stmt, ir.Assign) and isinstance(stmt.value, ir.Call)):
            continue
        if not result.is_active(stmt):
            continue
        rule, _ = bind(stmt.value, stmt.at or stmt.origin)
        if stmt.value.primitive is ir.TUPLE:
            raise NoRuleError(
                "a differentiable value is put into a tuple, which astgrad cannot differentiate "
                "through", stmt.at or stmt.origin, "keep the values in separate variables")
        if rule is None:
            name = describe(stmt.value.primitive)
            raise NoRuleError(
                f"no derivative rule for {name}, and a differentiable value flows into it",
                stmt.at or stmt.origin,
                f"register one with @astgrad.rule({name.lstrip('.').rstrip('()')}) "
                "(see the README), or wrap the argument in astgrad.stop_gradient(...) if "
                "it should not be differentiated")


def _differentiable_names(stmt) -> set[str]:
    """Names a derivative can flow into from this statement's target."""
    if isinstance(stmt, ir.Store):
        return {stmt.value.id} if isinstance(stmt.value, ir.Name) else set()
    if isinstance(stmt.value, ir.Name):
        return {stmt.value.id}
    if isinstance(stmt.value, ir.Call):
        return {a.id for a in differentiable_operands(stmt.value, stmt.origin)
                if isinstance(a, ir.Name)}
    return set()


def _name(atom: ir.Atom) -> str | None:
    return atom.id if isinstance(atom, ir.Name) else None
