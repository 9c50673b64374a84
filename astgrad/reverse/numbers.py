"""Float literals of a generated function in the float type of its arguments.

Takes a generated function's syntax tree. Rewrites each float literal that meets a value (an
operand of arithmetic, an argument of an elementwise function or of the user's function beside
values, the whole value of an assignment) as `_float(0.5)`, and starts the function with
`_float = float_type((its parameters))` if it rewrote any: compiled, a float32 computation then
stays float32, as NumPy keeps it (astgrad/runtime/numbers.py says why). Comparisons, indexes
and arguments of other functions (np.full's fill value) keep their literals, as NumPy reads
those.
"""

from __future__ import annotations

import ast

import numpy as np

from ..emit import tag
from ..rules import lookup
from .state import assign, load

_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)


def typed_literals(function: ast.FunctionDef, name: str, namespace, callees: set[str],
                   origin) -> ast.FunctionDef:
    """`function` with its float literals in the arguments' float type, read through the
    local `name`; `callees` are the generated functions it may call (the user's, which take
    a number as NumPy passes a Python float: in the caller's type)."""
    typing = _Typing(name, namespace, callees)
    function.body = [typing.visit(stmt) for stmt in function.body]
    if typing.wrote:
        params = ast.Tuple([load(a.arg) for a in function.args.args], ast.Load())
        definition = assign(name, namespace.call("float_type", params))
        function.body.insert(after_checks(function.body), tag(definition, origin))
    return function


def after_checks(body: list) -> int:
    """Where a function's own definitions go: after the checks of its arguments
    (`require_float(x)`, ...) that a gradient starts with."""
    return next((k for k, stmt in enumerate(body) if not (
        isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and isinstance(
            stmt.value.func, ast.Name) and stmt.value.func.id.startswith("require_"))),
        len(body))


class _Typing(ast.NodeTransformer):
    def __init__(self, name: str, namespace, callees: set[str]):
        self.name, self.namespace, self.callees = name, namespace, callees
        self.wrote = False

    def typed(self, node: ast.expr) -> ast.expr:
        self.wrote = True
        typed = ast.Call(load(self.name), [node], [])
        typed.__dict__.update({k: v for k, v in node.__dict__.items() if k.startswith("astgrad")})
        return typed

    def literal(self, node: ast.expr) -> bool:
        """A Python float written in the code: 0.5, -0.5, np.pi."""
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            node = node.operand
        if isinstance(node, ast.Constant):
            return type(node.value) is float
        return isinstance(node, ast.Attribute) and type(self.namespace.resolve(node)) is float

    def constant(self, node: ast.expr) -> bool:
        if isinstance(node, ast.UnaryOp):
            node = node.operand
        return isinstance(node, ast.Constant) or self.literal(node)

    def visit_BinOp(self, node: ast.BinOp) -> ast.BinOp:
        self.generic_visit(node)
        if isinstance(node.op, _ARITHMETIC):
            if self.literal(node.left) and not self.constant(node.right):
                node.left = self.typed(node.left)
            elif self.literal(node.right) and not self.constant(node.left):
                node.right = self.typed(node.right)
        return node

    def visit_Call(self, node: ast.Call) -> ast.Call:
        self.generic_visit(node)
        if self.takes_numbers(node.func) and not all(self.constant(a) for a in node.args):
            node.args = [self.typed(a) if self.literal(a) else a for a in node.args]
        return node

    def takes_numbers(self, func: ast.expr) -> bool:
        """Does the callee read a Python float as NumPy's arithmetic does (an elementwise
        function of NumPy or astgrad, or the user's own function)?"""
        if isinstance(func, ast.Name) and func.id in self.callees:
            return True
        obj = self.namespace.resolve(func)
        rule = lookup(obj) if obj is not None else None
        return isinstance(obj, np.ufunc) or (rule is not None and rule.elementwise)

    def visit_Assign(self, node: ast.Assign) -> ast.Assign:
        self.generic_visit(node)
        if isinstance(node.targets[0], ast.Name) and self.literal(node.value):
            node.value = self.typed(node.value)
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.Subscript:
        node.value = self.visit(node.value)
        return node  # indexes hold integers and slices
