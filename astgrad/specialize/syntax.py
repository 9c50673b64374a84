"""The statements and expressions of generated gradients that specialize rewrites: the
functions and calls it knows, and small readers of their syntax trees."""

from __future__ import annotations

import ast

from ..emit import to_source
from ..parse import dotted

# NumPy's ufuncs of one argument that the rules differentiate and numba computes on numbers
ELEMENTWISE_FUNCTIONS = {"exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt",
                         "square", "absolute", "sin", "cos", "tan", "arcsin", "arccos",
                         "arctan", "sinh", "cosh", "tanh"}
BINARY_FUNCTIONS = {"maximum", "minimum"}
SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
COMPARISONS = {ast.Gt: ">", ast.Lt: "<", ast.GtE: ">=", ast.LtE: "<=", ast.Eq: "==",
               ast.NotEq: "!="}  # as the condition of a select only
AXIS_REDUCTIONS = {"reduce_sum": "sum", "reduce_mean": "mean", "reduce_max": "max",
                   "reduce_min": "min"}
WHOLE_REDUCTIONS = {"sum", "mean", "max", "min"}
SAME_SHAPE = {"stop_gradient", "own", "cast_like", "output_seed"}  # shape of the first argument
PRODUCTS = {"promoted_matmul", "promoted_dot", "matmul_adjoint_a", "matmul_adjoint_b"}


class Unknown(Exception):
    """An expression the specializer cannot follow: its statement stays as it was."""


def names_in(node: ast.AST) -> set[str]:
    """The names `node` reads or binds (a function's parameters too)."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | {
        a.arg for a in ast.walk(node) if isinstance(a, ast.arg)}


def reduction_arguments(node: ast.Call):
    values = {"axis": None, "keepdims": False}
    for name, argument in zip(("axis", "keepdims"), node.args[1:]):
        values[name] = constant(argument)
    for keyword in node.keywords:
        if keyword.arg not in values:
            raise Unknown(to_source(node))
        values[keyword.arg] = constant(keyword.value)
    if not isinstance(node.args[0], ast.Name):
        raise Unknown(to_source(node))
    return node.args[0], values["axis"], bool(values["keepdims"])


def call_name(node: ast.Call) -> str | None:
    """`exp` for `np.exp(x)`, `unreduce` for `unreduce(g, x)`."""
    parts = dotted(node.func)
    return parts[-1] if parts else None


def is_np(node: ast.Call) -> bool:
    """Whether `node` calls a function of NumPy's namespace (`np.exp(x)`)."""
    return dotted(node.func) == ["np", call_name(node)]


def is_transpose(node: ast.AST) -> bool:
    """Whether `node` is `name.T`."""
    return isinstance(node, ast.Attribute) and node.attr == "T" and isinstance(
        node.value, ast.Name)


def is_flag(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, bool)


def constant(node: ast.expr):
    if isinstance(node, ast.Constant) and (node.value is None or type(node.value) in (int, bool)):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(
            node.operand, ast.Constant) and type(node.operand.value) is int:
        return -node.operand.value
    raise Unknown(to_source(node))
