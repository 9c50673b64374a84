"""Folding of instantiated rule templates, so that generated code reads like hand-written code.

With its operands in place, a template often holds constant arithmetic: the rule for `x ** 2`
gives `2 * x ** (2 - 1)`. `simplify` folds constant operations and drops the identities that are
exact in floating point (`e * 1`, `e / 1`, `e ** 1`, `e + 0`, `-(-e)`), and resolves
`select(True, a, b)`, and writes `e * -1` as `-e` and `a + -b` as `a - b`, and a whole
exponent `e ** 2.0` as `e ** 2`. It never folds `0 * e`: that is NaN when `e` is infinite.
"""

from __future__ import annotations

import ast

from ..ir import BINARY_OPERATORS, COMPARISONS


def number(node: ast.AST):
    """The value of a numeric constant (a negated one included), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, bool)):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = number(node.operand)
        return None if inner is None or isinstance(inner, bool) else -inner
    return None


def _constant(value) -> ast.expr:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
        return ast.UnaryOp(ast.USub(), ast.Constant(-value))
    return ast.Constant(value)


def _is(node: ast.AST, value) -> bool:
    found = number(node)
    return found is not None and not isinstance(found, bool) and found == value


class _Fold(ast.NodeTransformer):
    def __init__(self, is_select):
        self.is_select = is_select

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        left, right = number(node.left), number(node.right)
        if left is not None and right is not None and type(node.op) in BINARY_OPERATORS:
            try:
                value = BINARY_OPERATORS[type(node.op)](left, right)
            except (ArithmeticError, ValueError, TypeError):  # (1 / 0, 2 @ 3)
                return node
            if isinstance(value, (int, float)) and abs(value) < 1e15:
                return _constant(value)
        op = type(node.op)
        exponent = number(node.right)
        if op is ast.Pow and isinstance(exponent, float) and exponent.is_integer() \
                and abs(exponent) < 2 ** 31:
            # a whole exponent as an int (the power rule's `y - 1.0` of y = 3): numba
            # multiplies for x ** 2, where x ** 2.0 calls pow
            node.right = _constant(int(exponent))
        if (op in (ast.Mult, ast.Div, ast.Pow) and _is(node.right, 1)) or (
                op in (ast.Add, ast.Sub) and _is(node.right, 0)):
            return node.left
        if (op is ast.Mult and _is(node.left, 1)) or (op is ast.Add and _is(node.left, 0)):
            return node.right
        if op is ast.Mult and _is(node.right, -1):
            return ast.UnaryOp(ast.USub(), node.left)  # exact: negation only flips the sign
        if op is ast.Mult and _is(node.left, -1):
            return ast.UnaryOp(ast.USub(), node.right)
        if op is ast.Add and isinstance(node.right, ast.UnaryOp) \
                and isinstance(node.right.op, ast.USub):
            return ast.BinOp(node.left, ast.Sub(), node.right.operand)
        if op is ast.Mult and isinstance(node.left, ast.UnaryOp) \
                and isinstance(node.left.op, ast.USub):
            return ast.UnaryOp(ast.USub(), ast.BinOp(node.left.operand, ast.Mult(), node.right))
        if op is ast.BitAnd and number(node.right) is True:
            return node.left
        if op is ast.BitAnd and number(node.left) is True:
            return node.right
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.op, ast.USub):
            if isinstance(node.operand, ast.UnaryOp) and isinstance(node.operand.op, ast.USub):
                return node.operand.operand
            value = number(node.operand)
            if value is not None and not isinstance(value, bool):
                return _constant(-value)
        if isinstance(node.op, ast.Not) and isinstance(number(node.operand), bool):
            return ast.Constant(not number(node.operand))
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.expr:
        self.generic_visit(node)
        if len(node.ops) == 1 and type(node.ops[0]) in COMPARISONS:
            left, right = number(node.left), number(node.comparators[0])
            if left is not None and right is not None:
                return ast.Constant(bool(COMPARISONS[type(node.ops[0])](left, right)))
        return node

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        if self.is_select(node.func) and len(node.args) == 3:
            test = node.args[0]
            if isinstance(test, ast.Constant) and isinstance(test.value, bool):
                return node.args[1] if test.value else node.args[2]
        return node


def simplify(expr: ast.expr, is_select=lambda func: False) -> ast.expr:
    """`expr` with constant arithmetic folded; `is_select(func)` recognises `select(c, a, b)`."""
    return _Fold(is_select).visit(expr)
