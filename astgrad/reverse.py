"""Reverse: a normalized function to its gradient function, a forward sweep then an adjoint sweep.

Takes an `ir.Function`, the names of its `wrt` parameters and its `Activity`. Produces a
`Gradient`: Python syntax trees for a function that runs the user's computation forward, one
operation per line, then walks the lines backward applying each active statement's derivative
rule, and returns the gradients (and the value, for value_and_grad). Every generated statement is
tagged with the user `Origin` it comes from (`emit` prints it as a comment).

Values the adjoint needs are read where they are: a rule reads its operands by name. When a later
statement rebinds a name whose current value a rule still needs, the forward sweep keeps a copy
(a capture, `_x1 = x`) at the point of use, and the rule reads the copy.

Each adjoint variable is tracked while the sweep is written: ZERO (no contribution yet: the
first one assigns), SHARED (holds a value that may be another array: adding makes a new array)
or OWNED (an array this gradient made: safe to add into in place, as `d[x][i] += g` does).
"""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from . import ir, runtime
from .analysis import Activity, bind
from .emit import Comment, function_def, tag
from .names import Names, Namespace
from .rules import lookup


class State(Enum):
    ZERO = "zero"
    SHARED = "shared"
    OWNED = "owned"


_BINARY = {v: k for k, v in ir.BINARY_OPERATORS.items()}
_UNARY = {v: k for k, v in ir.UNARY_OPERATORS.items()}
_COMPARE = {v: k for k, v in ir.COMPARISONS.items()}

# Calls whose value is a scalar whatever their operands (a full reduction, a math function).
_REDUCTIONS = ("sum", "mean", "max", "min", "amax", "amin", "trace", "len")

# Runtime helpers that always return a new array (or a scalar).
_ALLOCATING = (runtime.zeros_like, runtime.own, runtime.select, runtime.unreduce,
               runtime.extremum_adjoint, runtime.matmul_adjoint_a, runtime.matmul_adjoint_b,
               runtime.outer_adjoint_a, runtime.outer_adjoint_b, runtime.trace_adjoint)


@dataclass
class Gradient:
    """The generated gradient: a function for numba, and the Python entry point around it."""

    function: ast.FunctionDef
    entry: ast.FunctionDef
    namespace: Namespace
    names: Names


@dataclass
class _Operand:
    """How a rule sees one of its call's operands."""

    expr: ast.expr  # what the rule reads (a capture, when the name is rebound later)
    name: str | None  # the primal name that receives the adjoint, if any
    active: bool = False


@dataclass
class _Sweep:
    """The adjoint state while the sweep is written."""

    state: dict[str, State] = field(default_factory=dict)
    # adjoint -> the adjoint whose value it has, not yet copied into a variable of its own
    alias: dict[str, str] = field(default_factory=dict)

    def of(self, adjoint: str) -> State:
        return self.state.get(adjoint, State.ZERO)

    def read(self, adjoint: str) -> ast.Name:
        return _load(self.alias.get(adjoint, adjoint))

    def before_write(self, adjoint: str) -> list[ast.stmt]:
        """Copies for the aliases of `adjoint`, which is about to change."""
        self.alias.pop(adjoint, None)
        out = []
        for other, source in list(self.alias.items()):
            if source == adjoint:
                out.append(_assign(other, _load(adjoint)))
                del self.alias[other]
        return out


def reverse(function: ir.Function, wrt: tuple[str, ...], activity: Activity, *,
            single: bool, with_value: bool, names: Names, namespace: Namespace,
            function_name: str, entry_name: str) -> Gradient:
    """The gradient of `function` with respect to the parameters `wrt`."""
    writer = _Writer(function, activity, names, namespace)
    body = writer.gradient_body(wrt, single, with_value)
    compiled = function_def(function_name, _arguments(function, namespace), body)
    entry = _entry(function, function_name, entry_name, namespace)
    return Gradient(compiled, entry, namespace, names)


class _Writer:
    def __init__(self, function: ir.Function, activity: Activity, names: Names,
                 namespace: Namespace):
        self.function = function
        self.activity = activity
        self.names = names
        self.ns = namespace
        self.sweep = _Sweep()
        self.scalars = _known_scalars(function.body)
        self.captures: dict[tuple[int, str], str] = {}  # (id(stmt), name) -> capture name
        self.output_captures: dict[int, str] = {}  # id(stmt) -> capture of its target

    # -- the whole function ----------------------------------------------------------------

    def gradient_body(self, wrt: tuple[str, ...], single: bool, with_value: bool) -> list:
        body: list[ast.stmt] = []
        origin = self.function.origin
        for param in wrt:
            body.append(tag(_expr_stmt(self.ns.call("require_float", _load(param))), origin))
        rebound = {s.target for s in ir.walk(self.function.body) if isinstance(s, ir.Assign)}
        arguments = {}
        for param in wrt:
            arguments[param] = param
            if param in rebound:  # the body rebinds it: keep the argument for the result type
                arguments[param] = self.names.capture(param)
                body.append(tag(_assign(arguments[param], _load(param)), origin))
        body.append(Comment("forward: the function as written, one operation per line"))
        body += self.forward_block(self.function.body[:-1])
        returned = self.function.body[-1]
        body.append(Comment("adjoint: the same lines in reverse, each applying its rule"))
        body += self.seed(returned)
        body += self.adjoint_block(self.function.body[:-1])
        gradients = [self.gradient_of(param, _load(arguments[param]), len(wrt) > 1)
                     for param in wrt]
        result: ast.expr = gradients[0] if single else ast.Tuple(gradients, ast.Load())
        if with_value:
            result = ast.Tuple([self.ns.atom(returned.value), result], ast.Load())
        body.append(tag(ast.Return(result), returned.origin))
        return body

    def seed(self, returned: ir.Return) -> list:
        value = self.ns.atom(returned.value)
        check = self.ns.call("output_seed", value)
        name = returned.value.id if isinstance(returned.value, ir.Name) else None
        if name is None or name not in self.activity.active_names():
            return [tag(_expr_stmt(check), returned.origin)]
        adjoint = self.names.adjoint(name)
        self.sweep.state[adjoint] = State.OWNED
        return [tag(_assign(adjoint, check), returned.origin)]

    def gradient_of(self, param: str, argument: ast.expr, several: bool) -> ast.expr:
        adjoint = self.names.adjoint(param)
        state = self.sweep.of(adjoint)
        if state is State.ZERO:
            return self.ns.call("zeros_like", argument)
        value: ast.expr = self.sweep.read(adjoint)
        if state is State.SHARED and several:  # two gradients must not be one array
            value = self.ns.call("own", value)
        return self.ns.call("cast_like", value, argument)

    # -- forward sweep ----------------------------------------------------------------------

    def forward_block(self, block: list) -> list:
        out: list[ast.stmt] = []
        for position, stmt in enumerate(block):
            later = _assigned(block[position + 1:])
            if isinstance(stmt, ir.Assign):
                out += self.forward_assign(stmt, later)
            else:
                raise NotImplementedError(type(stmt).__name__)
        return out

    def forward_assign(self, stmt: ir.Assign, later: set[str]) -> list:
        out = []
        needed, needs_output = self.needed(stmt)
        for name in sorted(needed & (later | {stmt.target})):  # `y = y * x` rebinds y itself
            capture = self.names.capture(name)
            self.captures[(id(stmt), name)] = capture
            out.append(tag(_assign(capture, _load(name)), stmt.origin))
        out.append(tag(_assign(stmt.target, self.forward_expr(stmt.value)), stmt.origin))
        if needs_output and stmt.target in later:
            capture = self.names.capture(stmt.target)
            self.output_captures[id(stmt)] = capture
            out.append(tag(_assign(capture, _load(stmt.target)), stmt.origin))
        return out

    def needed(self, stmt: ir.Assign) -> tuple[set[str], bool]:
        """Names whose values the statement's adjoint reads, and whether it reads the output."""
        if not self.activity.is_active(stmt) or not isinstance(stmt.value, ir.Call):
            return set(), False
        rule, bound = bind(stmt.value, stmt.origin)
        active = self._active_params(stmt, bound)
        params = rule.needs(active)
        if rule.adds_in_place(active):
            params |= active  # adding into part of an adjoint needs the operand's shape
        names = set()
        for param in params - {"ans"}:
            value = bound.get(param)
            values = value if isinstance(value, tuple) else (value,)
            for item in values:
                if isinstance(item, ir.Name):
                    names.add(item.id)
                elif isinstance(item, ir.Index):
                    names |= set(item.names())
        return names, "ans" in params

    def _active_params(self, stmt: ir.Assign, bound: dict) -> set[str]:
        active_names = self.activity.active_operands(stmt)
        return {p for p, v in bound.items() if isinstance(v, ir.Name) and v.id in active_names}

    def forward_expr(self, value: ir.Expr) -> ast.expr:
        if not isinstance(value, ir.Call):
            return self.ns.atom(value)
        args = [self.operand_expr(a) for a in value.args]
        kwargs = [ast.keyword(k, self.ns.atom(v)) for k, v in value.kwargs]
        primitive = value.primitive
        if primitive in _BINARY:
            return ast.BinOp(args[0], _BINARY[primitive](), args[1])
        if primitive in _UNARY:
            return ast.UnaryOp(_UNARY[primitive](), args[0])
        if primitive in _COMPARE:
            return ast.Compare(args[0], [_COMPARE[primitive]()], [args[1]])
        if primitive is operator.getitem:
            return ast.Subscript(args[0], args[1], ast.Load())
        if primitive is ir.TUPLE:
            return ast.Tuple(args, ast.Load())
        if isinstance(primitive, ir.Attribute):
            return ast.Attribute(args[0], primitive.name, ast.Load())
        rule = lookup(primitive)
        if rule is not None and rule.forward is not None and (
                rule.forward_always or len(args) + len(kwargs) > 1):
            return ast.Call(self.ns.spell(rule.forward), args, kwargs)
        if isinstance(primitive, ir.Method):
            method = ast.Attribute(args[0], primitive.name, ast.Load())
            return ast.Call(method, args[1:], kwargs)
        return ast.Call(self.ns.spell(primitive, getattr(primitive, "__name__", None)), args,
                        kwargs)

    def operand_expr(self, operand) -> ast.expr:
        if isinstance(operand, ir.Index):
            return _index(operand, self.ns)
        return self.ns.atom(operand)

    # -- adjoint sweep ----------------------------------------------------------------------

    def adjoint_block(self, block: list) -> list:
        out: list[ast.stmt] = []
        for stmt in reversed(block):
            if isinstance(stmt, ir.Assign):
                out += self.adjoint_assign(stmt)
            else:
                raise NotImplementedError(type(stmt).__name__)
        return out

    def adjoint_assign(self, stmt: ir.Assign) -> list:
        if not self.activity.is_active(stmt):
            return []
        target_adjoint = self.names.adjoint(stmt.target)
        if self.sweep.of(target_adjoint) is State.ZERO:
            return []  # nothing flows back into this value on this path
        out: list[ast.stmt] = []
        dans: ast.expr = self.sweep.read(target_adjoint)
        if stmt.target in self.activity.active_operands(stmt):
            # `x = x * a`: the incoming adjoint must be read before x's adjoint restarts
            incoming = self.names.numbered("_g")
            out.append(tag(_assign(incoming, dans), stmt.origin))
            dans = _load(incoming)
        self.sweep.state[target_adjoint] = State.ZERO
        if isinstance(stmt.value, ir.Name):
            out += self.accumulate(stmt.value.id, dans, None, False, stmt)
            return out
        rule, bound = bind(stmt.value, stmt.origin)
        active = self._active_params(stmt, bound)
        operands = {p: self.rule_operand(stmt, v) for p, v in bound.items()}
        output = self.output_captures.get(id(stmt), stmt.target)
        locals_, contributions = rule.instantiate(
            {p: o.expr for p, o in operands.items()}, _load(output), dans, active,
            fresh=lambda base: self.names.numbered(f"_{base}"),
            spell=lambda obj, attr=None: self.ns.spell(obj, attr))
        out += [tag(s, stmt.origin) for s in locals_]
        for contribution in contributions:
            operand = operands[contribution.param]
            broadcasts = contribution.unbroadcast and self._may_broadcast(
                contribution.param, bound)
            out += self.accumulate(operand.name, contribution.value, contribution.index,
                                   broadcasts, stmt, like=operand.expr)
        return out

    def rule_operand(self, stmt: ir.Assign, value) -> _Operand:
        if isinstance(value, ir.Name):
            capture = self.captures.get((id(stmt), value.id))
            return _Operand(_load(capture or value.id), value.id)
        if isinstance(value, ir.Index):
            return _Operand(self._captured_index(stmt, value), None)
        if isinstance(value, tuple):
            return _Operand(ast.Tuple([self.rule_operand(stmt, v).expr for v in value],
                                      ast.Load()), None)
        return _Operand(self.ns.atom(value), None)

    def _captured_index(self, stmt: ir.Assign, index: ir.Index) -> ast.expr:
        def atom(a):
            if isinstance(a, ir.Name):
                return ir.Name(self.captures.get((id(stmt), a.id), a.id))
            return a

        items = []
        for item in index.items:
            if isinstance(item, ir.Slice):
                items.append(ir.Slice(*(None if p is None else atom(p)
                                        for p in (item.lower, item.upper, item.step))))
            else:
                items.append(atom(item))
        return _index(ir.Index(tuple(items)), self.ns)

    def _may_broadcast(self, param: str, bound: dict) -> bool:
        """Can the result of an elementwise call have more elements than this operand?"""
        others = [v for p, v in bound.items() if p != param]
        return not all(self._is_scalar(v) for v in others)

    def _is_scalar(self, value) -> bool:
        if isinstance(value, ir.Const):
            return isinstance(value.value, (bool, int, float)) or value.value is None
        return isinstance(value, ir.Name) and value.id in self.scalars

    def accumulate(self, name: str | None, value: ast.expr, index: ast.expr | None,
                   broadcasts: bool, stmt, like: ast.expr | None = None) -> list:
        """Add `value` into the adjoint of `name` (or into `d[name][index]`)."""
        if name is None:
            return []
        adjoint = self.names.adjoint(name)
        state = self.sweep.of(adjoint)
        if index is None and broadcasts:
            value = self.ns.call("unbroadcast", value, like)
        if index is None and state is State.ZERO and isinstance(value, ast.Name):
            self.sweep.alias[adjoint] = self.sweep.alias.get(value.id, value.id)
            self.sweep.state[adjoint] = State.SHARED
            return []
        current = self.sweep.read(adjoint)  # its value, possibly still another adjoint's
        out = self.sweep.before_write(adjoint)
        if index is not None:
            if state is State.ZERO:
                out.append(_assign(adjoint, self.ns.call("zeros_like", like)))
            elif state is State.SHARED:
                out.append(_assign(adjoint, self.ns.call("own", current)))
            target = ast.Subscript(_load(adjoint), index, ast.Store())
            out.append(ast.AugAssign(target, ast.Add(), value))
            self.sweep.state[adjoint] = State.OWNED
        elif state is State.ZERO:
            out.append(_assign(adjoint, value))
            self.sweep.state[adjoint] = State.OWNED if self.fresh(value) else State.SHARED
        else:
            out.append(_assign(adjoint, ast.BinOp(current, ast.Add(), value)))
            self.sweep.state[adjoint] = State.OWNED
        return [tag(s, stmt.origin) for s in out]

    def fresh(self, value: ast.expr) -> bool:
        """Is `value` certainly a new array (or a scalar), never one that exists elsewhere?"""
        if isinstance(value, ast.BinOp | ast.UnaryOp | ast.Constant):
            return True
        if not isinstance(value, ast.Call):
            return False
        function = self.ns.resolve(value.func)
        if function is runtime.unbroadcast:
            return self.fresh(value.args[0])
        return isinstance(function, np.ufunc) or function in _ALLOCATING

def _assigned(block: list) -> set[str]:
    return {s.target for s in ir.walk(block) if isinstance(s, ir.Assign)}


def _known_scalars(block: list) -> set[str]:
    """Names that certainly hold scalars: math results, full reductions, numbers, len()."""
    scalars: set[str] = set()
    for stmt in ir.walk(block):
        if not isinstance(stmt, ir.Assign):
            continue
        value = stmt.value
        is_scalar = False
        if isinstance(value, ir.Const):
            is_scalar = isinstance(value.value, (bool, int, float))
        elif isinstance(value, ir.Call):
            primitive = value.primitive
            module = getattr(primitive, "__module__", "")
            name = getattr(primitive, "name", None) or getattr(primitive, "__name__", "")
            if module == "math" or primitive in (float, int, len, abs, max, min, round):
                is_scalar = all(_scalar_atom(a, scalars) for a in value.args) or module == "math"
            elif name in _REDUCTIONS and not value.kwargs and len(value.args) == 1:
                is_scalar = True
            elif primitive in _BINARY or primitive in _UNARY or primitive in _COMPARE:
                is_scalar = all(_scalar_atom(a, scalars) for a in value.args)
        if is_scalar:
            scalars.add(stmt.target)
        else:
            scalars.discard(stmt.target)
    return scalars


def _scalar_atom(atom, scalars: set[str]) -> bool:
    if isinstance(atom, ir.Const):
        return isinstance(atom.value, (bool, int, float))
    return isinstance(atom, ir.Name) and atom.id in scalars


def _index(index: ir.Index, ns: Namespace) -> ast.expr:
    items = []
    for item in index.items:
        if isinstance(item, ir.Slice):
            items.append(ast.Slice(*(None if p is None else ns.atom(p)
                                     for p in (item.lower, item.upper, item.step))))
        elif isinstance(item, ir.Const) and item.value is Ellipsis:
            items.append(ast.Constant(Ellipsis))
        else:
            items.append(ns.atom(item))
    return items[0] if len(items) == 1 else ast.Tuple(items, ast.Load())


def _arguments(function: ir.Function, ns: Namespace) -> ast.arguments:
    params = function.params
    defaults = [ns.constant(ir.Const(function.defaults[p])) for p in params
                if p in function.defaults]
    return ast.arguments(posonlyargs=[], args=[ast.arg(p) for p in params], vararg=None,
                         kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=defaults)


def _entry(function: ir.Function, compiled: str, entry: str, ns: Namespace) -> ast.FunctionDef:
    """The Python function the user calls: the compiled gradient, with errors translated."""
    args = [_load(p) for p in function.params]
    call = ast.Call(_load(compiled), args, [])
    translate = ast.Call(_load(ns.import_from("astgrad.errors", "translate_error")),
                         [_load("error"), _load("__name__"), ast.Tuple(args, ast.Load())], [])
    handler = ast.ExceptHandler(_load("Exception"), "error",
                                [ast.Raise(translate, ast.Constant(None))])
    body = [ast.Try([ast.Return(call)], [handler], [], [])]
    return function_def(entry, _arguments(function, ns), body)


def _load(name: str) -> ast.Name:
    return ast.Name(name, ast.Load())


def _assign(name: str, value: ast.expr) -> ast.Assign:
    return ast.Assign([ast.Name(name, ast.Store())], value, lineno=0)


def _expr_stmt(value: ast.expr) -> ast.Expr:
    return ast.Expr(value)
