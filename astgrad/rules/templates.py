"""Rule templates: a derivative rule's body, in derivative notation, parsed into a `Rule` (the
adjoint statements it makes, the operands they read) and instantiated with a call's operands.

A rule is a small Python function. Its parameters are the primitive's output `ans` and then
its inputs, and its body says how the output's adjoint `d[ans]` reaches each input. A scalar
function can be given by its partial derivatives alone:

    @rule(np.tanh, math.tanh)
    def tanh(ans, x):
        return 1 - ans * ans                  # d ans / d x

    @rule(np.arctan2)
    def arctan2(ans, y, x):
        r = d[ans] / (x * x + y * y)
        d[y] = r * x
        d[x] = -r * y

A partial-derivative rule differentiates every parameter without a default, in order. An
adjoint rule may also write `d[x][index] += value` to add into part of an adjoint in place,
once for every time the index picks an element (an integer array may pick one twice: the
generated code then adds with np.add.at's meaning, not NumPy's buffered `+=`).
Rule bodies are never executed: they are templates, instantiated into the generated source with
the call's operands in place of the parameters. Their other free names (np, helpers from
astgrad.runtime) are resolved in the rule's module, by identity.
"""

from __future__ import annotations

import ast
import builtins
import copy
import inspect
import textwrap
from dataclasses import dataclass, field

from .. import ir
from ..errors import AstgradError, Origin
from ..parse import dotted
from ..runtime import select as _select
from .simplify import simplify


class _AdjointNotation:
    """`d` in rule templates: `d[x]` is the adjoint of x. Never evaluated."""

    def __getitem__(self, item):
        raise TypeError("d[...] only has a meaning inside an astgrad rule template")


d = _AdjointNotation()


@dataclass
class Contribution:
    """One instantiated `d[param] = value` (or `d[param][index] += value`) of a rule."""

    param: str
    value: ast.expr
    index: ast.expr | None = None
    unbroadcast: bool = False
    index_reads: frozenset = frozenset()  # the rule's parameters the index is made of


@dataclass
class Rule:
    name: str
    signature: inspect.Signature | None  # of the primitive's inputs (rule parameters after ans)
    body: list[ast.stmt] = field(default_factory=list)  # adjoint-form template statements
    namespace: dict = field(default_factory=dict)  # the rule module's globals
    elementwise: bool = False
    # What generated code calls instead of the primitive, where numba cannot compile the
    # primitive itself: always, or only when the call passes more than its first argument.
    forward: object | None = None
    forward_always: bool = False
    origin: str = ""  # file:line of the rule, for messages

    @property
    def is_zero(self) -> bool:
        return not self.body

    @property
    def differentiable(self) -> set[str]:
        return {_target(stmt)[0] for stmt in self.body if _target(stmt)}

    def bind(self, args: tuple, kwargs: tuple) -> dict[str, object]:
        """Map a call's operands to the rule's parameter names (defaults filled in)."""
        bound = self.signature.bind(*args, **dict(kwargs))
        bound.apply_defaults()
        return {name: value if isinstance(value, ir.Name | ir.Const | ir.Index | tuple)
                else ir.Const(value) for name, value in bound.arguments.items()}

    def needs(self, active: set[str]) -> set[str]:
        """Template names (parameters, `ans`) read when differentiating the `active` inputs."""
        needed: set[str] = set()
        for stmt in self._statements_for(active):
            needed |= _primal_names(_value(stmt))
            index = _target(stmt)[1] if _target(stmt) else None
            if index is not None:
                needed |= _primal_names(index)
        return needed & (set(self.signature.parameters) | {"ans"})

    def partial(self, param: str, operands: dict[str, ast.expr], ans: ast.expr, spell):
        """The partial derivative of the output with respect to `param`, when the rule's
        contribution is the output's adjoint times it (`d[x] = d[ans] * p`); else None."""
        if not self.elementwise:
            return None
        marker = ast.Name("__adjoint_of_ans__", ast.Load())
        locals_, contributions = self.instantiate(operands, ans, marker, {param},
                                                  fresh=lambda base: base, spell=spell)
        if locals_ or len(contributions) != 1 or contributions[0].index is not None:
            return None
        return _factor(contributions[0].value, marker.id)

    def adds_in_place(self, active: set[str]) -> bool:
        """Does differentiating the `active` inputs add into part of an adjoint (d[x][i] += g)?"""
        return any(_target(s)[1] is not None for s in self._statements_for(active) if _target(s))

    def instantiate(self, operands: dict[str, ast.expr], ans: ast.expr, dans: ast.expr,
                    active: set[str], fresh, spell) -> tuple[list[ast.stmt], list[Contribution]]:
        """The rule's template with the call's operands in place of its parameters.

        `operands` maps parameter names to expressions, `ans` and `dans` are the output and its
        adjoint, `fresh(base)` makes a new name for a template local, `spell(obj, attr)` an
        expression naming an outside object. Returns the local assignments the contributions
        need, then one Contribution per active input.
        """
        renamed: dict[str, ast.expr] = {"ans": ans, **operands}
        locals_: list[ast.stmt] = []
        out: list[Contribution] = []
        for stmt in self._statements_for(active):
            value = self._substitute(_value(stmt), renamed, dans, spell)
            target = _target(stmt)
            if target is None:
                name = fresh(stmt.targets[0].id)
                renamed[stmt.targets[0].id] = ast.Name(name, ast.Load())
                locals_.append(ast.Assign([ast.Name(name, ast.Store())], value))
                continue
            param, index = target
            reads = frozenset() if index is None else frozenset(_primal_names(index))
            index = None if index is None else self._substitute(index, renamed, dans, spell)
            out.append(Contribution(param, value, index, self.elementwise and index is None,
                                    reads))
        return locals_, out

    def _statements_for(self, active: set[str]) -> list[ast.stmt]:
        """The template statements that the contributions to `active` inputs depend on."""
        wanted = [s for s in self.body if _target(s) and _target(s)[0] in active]
        needed_locals = set()
        for stmt in reversed(self.body):
            if stmt in wanted or (_target(stmt) is None and stmt.targets[0].id in needed_locals):
                needed_locals |= _primal_names(_value(stmt))
        return [s for s in self.body
                if s in wanted or (_target(s) is None and s.targets[0].id in needed_locals)]

    def _substitute(self, template: ast.expr, renamed: dict, dans: ast.expr, spell) -> ast.expr:
        """Operands in place of parameters, constants folded, free names spelled."""
        rule = self

        def operand(node: ast.expr) -> ast.expr:
            node = copy.deepcopy(node)
            for part in ast.walk(node):
                part.astgrad_operand = True  # user names: never looked up in the rule module
            return node

        class Substitute(ast.NodeTransformer):
            def visit_Subscript(self, node):
                if _is_adjoint_of(node, "ans"):
                    return operand(dans)
                return self.generic_visit(node)

            def visit_Name(self, node):
                return operand(renamed[node.id]) if node.id in renamed else node

        class Spell(ast.NodeTransformer):
            def visit(self, node):
                return node if getattr(node, "astgrad_operand", False) else super().visit(node)

            def visit_Attribute(self, node):
                path = dotted(node)
                if path and path[0] in rule.namespace:
                    obj = rule.namespace[path[0]]
                    for attr in path[1:]:
                        obj = getattr(obj, attr)
                    return spell(obj, path[-1])
                return self.generic_visit(node)

            def visit_Name(self, node):
                if node.id in rule.namespace:
                    return spell(rule.namespace[node.id], node.id)
                if hasattr(builtins, node.id):
                    return node
                raise AstgradError(f"rule {rule.name} ({rule.origin}) uses an undefined name "
                                   f"'{node.id}'")

        def is_select(func: ast.expr) -> bool:
            return (isinstance(func, ast.Name) and not getattr(func, "astgrad_operand", False)
                    and rule.namespace.get(func.id) is _select)

        substituted = Substitute().visit(copy.deepcopy(template))
        return Spell().visit(simplify(substituted, is_select))


def _factor(expr: ast.expr, marker: str):
    """`p` when `expr` is the marker times p (or divided by p, or negated); else None."""
    if isinstance(expr, ast.Name) and expr.id == marker:
        return ast.Constant(1)
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub):
        inner = _factor(expr.operand, marker)
        return None if inner is None else simplify(ast.UnaryOp(ast.USub(), inner))
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mult | ast.Div):
        uses = [any(isinstance(n, ast.Name) and n.id == marker for n in ast.walk(side))
                for side in (expr.left, expr.right)]
        if uses == [True, False]:
            inner = _factor(expr.left, marker)
            return None if inner is None else simplify(ast.BinOp(inner, expr.op, expr.right))
        if uses == [False, True] and isinstance(expr.op, ast.Mult):
            inner = _factor(expr.right, marker)
            return None if inner is None else simplify(ast.BinOp(expr.left, ast.Mult(), inner))
    return None


def _is_adjoint_of(node: ast.AST, name: str | None = None) -> bool:
    """Is `node` the template expression `d[name]`?"""
    return (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
            and node.value.id == "d" and isinstance(node.slice, ast.Name)
            and (name is None or node.slice.id == name))


def _primal_names(expr: ast.expr) -> set[str]:
    """Names a template expression reads, not counting the `ans` of an adjoint `d[ans]`."""
    names = set()

    def visit(node):
        if _is_adjoint_of(node):
            return
        if isinstance(node, ast.Name):
            names.add(node.id)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(expr)
    return names


def _target(stmt: ast.stmt) -> tuple[str, ast.expr | None] | None:
    """(param, index) for `d[param] = ...` / `d[param][index] += ...`; None for a local."""
    if isinstance(stmt, ast.Assign) and _is_adjoint_of(stmt.targets[0]):
        return stmt.targets[0].slice.id, None
    if isinstance(stmt, ast.AugAssign):
        return stmt.target.value.slice.id, stmt.target.slice
    return None


def _value(stmt: ast.stmt) -> ast.expr:
    return stmt.value


# -- the registry -----------------------------------------------------------------------------


def parse_template(template, elementwise: bool | None) -> Rule:
    """The Rule a template function states (its source read, checked and parsed)."""
    source = textwrap.dedent(inspect.getsource(template))
    where = f"{inspect.getsourcefile(template)}:{template.__code__.co_firstlineno}"
    tree = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef))
    ast.increment_lineno(tree, inspect.getsourcelines(template)[1] - 1)
    signature = inspect.signature(template)
    params = list(signature.parameters.values())
    if not params or params[0].name != "ans":
        raise AstgradError(f"rule {template.__name__} ({where}): the first parameter must be "
                           "`ans`, the function's output")
    inputs = inspect.Signature(params[1:])
    body = [s for s in tree.body
            if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) == 1 and isinstance(body[0], ast.Return):
        body = _partials_to_adjoints(body[0], inputs, template.__name__, where)
        elementwise = True if elementwise is None else elementwise
    for stmt in body:
        _check_template_statement(stmt, template.__name__, where)
    return Rule(template.__name__, inputs, body, template.__globals__, bool(elementwise),
                origin=where)


def _partials_to_adjoints(ret: ast.Return, inputs: inspect.Signature, name: str, where: str):
    """`return p_x, p_y` becomes `d[x] = d[ans] * (p_x)` and `d[y] = d[ans] * (p_y)`."""
    partials = ret.value.elts if isinstance(ret.value, ast.Tuple) else [ret.value]
    differentiable = [p.name for p in inputs.parameters.values()
                      if p.default is inspect.Parameter.empty
                      and p.kind is not inspect.Parameter.VAR_POSITIONAL]
    if len(partials) != len(differentiable):
        raise AstgradError(f"rule {name} ({where}) returns {len(partials)} partial derivative(s) "
                           f"for {len(differentiable)} input(s) {differentiable}")
    dans = ast.Subscript(ast.Name("d", ast.Load()), ast.Name("ans", ast.Load()), ast.Load())
    out = []
    for param, partial in zip(differentiable, partials):
        target = ast.Subscript(ast.Name("d", ast.Load()), ast.Name(param, ast.Load()), ast.Store())
        out.append(ast.Assign([target], ast.BinOp(dans, ast.Mult(), partial)))
    return out


def _check_template_statement(stmt: ast.stmt, name: str, where: str) -> None:
    ok = (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
          and (_is_adjoint_of(stmt.targets[0]) or isinstance(stmt.targets[0], ast.Name))) or (
        isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Add)
        and isinstance(stmt.target, ast.Subscript) and _is_adjoint_of(stmt.target.value))
    if not ok:
        raise AstgradError(
            f"rule {name} ({where}): a rule body is `return partials`, or statements "
            "`d[x] = value`, `d[x][index] += value` and `local = value`",
            Origin(where.rsplit(":", 1)[0], stmt.lineno, 0, None, "", name))
