"""The statements and expressions of generated gradients that specialize rewrites: what their
calls call (found in the generic module's namespace, known by their declared facts), and
small readers of their syntax trees."""

from __future__ import annotations

import ast
import builtins

import numpy as np

from .. import ir
from ..emit import to_source
from ..rules import facts_of

# the operators element arithmetic in loops computes (comparisons as a select's condition
# only)
ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
COMPARISONS = tuple(ir.COMPARISONS)
# the loop forms (astgrad/runtime/facts.py) the specializer writes as loops of their own
REDUCTIONS = ("sum", "mean", "max", "min")
PRODUCTS = ("product", "product_adjoint_a", "product_adjoint_b")
FILLS = {"zeros": 0.0, "ones": 1.0, "empty": None}  # new arrays: their elements


def resolve(expr: ast.expr, namespace: dict, local: set[str]):
    """The object `np.exp` or `unreduce` names in the generic module (None for a local name
    or anything else)."""
    path = []
    while isinstance(expr, ast.Attribute):
        path.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name) or expr.id in local:
        return None
    obj = namespace.get(expr.id, getattr(builtins, expr.id, None))
    for attr in reversed(path):
        obj = getattr(obj, attr, None)
    return obj


def maps_numbers(function) -> bool:
    """Is `function` an elementwise NumPy ufunc from floats to a float (np.exp, np.maximum),
    which numba computes on numbers: a loop calls it on each element?"""
    return (isinstance(function, np.ufunc) and function.nout == 1
            and facts_of(function).elementwise and "d" * function.nin + "->d" in function.types)


class Unknown(Exception):
    """An expression the specializer cannot follow: its statement stays as it was."""


def names_in(node: ast.AST) -> set[str]:
    """The names `node` reads or binds (a function's parameters too)."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | {
        a.arg for a in ast.walk(node) if isinstance(a, ast.arg)}


def loads(node: ast.AST) -> set[str]:
    """The names `node` reads (`x += v` reads x)."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx,
                                                                                   ast.Load)} \
        | {n.target.id for n in ast.walk(node)
           if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)}


def bound_names(node: ast.AST) -> set[str]:
    """The names an assignment (or a loop's variable, or a target) binds."""
    if isinstance(node, ast.Assign):
        return set().union(*(bound_names(t) for t in node.targets))
    if isinstance(node, ast.For):
        return bound_names(node.target)
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Store)}


def names_bound_once(statements: list[ast.stmt]) -> set[str]:
    """The names one statement alone binds (an assignment, or a loop's target): whenever one
    holds a value, that statement computed it."""
    counts: dict[str, int] = {}
    for node in ast.walk(ast.Module(statements, [])):
        for name in bound_names(node) if isinstance(node, ast.Assign | ast.AugAssign
                                                      | ast.For) else ():
            counts[name] = counts.get(name, 0) + 1
    return {name for name, count in counts.items() if count == 1}


def is_nest(stmt: ast.stmt) -> bool:
    """Whether `stmt` is a loop nest the specializer wrote (code.loops)."""
    return getattr(stmt, "astgrad_nest", False)


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


def is_copy(node: ast.AST) -> bool:
    """Whether `node` is `x.copy()`: a new array, of x's shape."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
        node.func.attr == "copy") and not (node.args or node.keywords)


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


INTEGER_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod)


def is_integer(node: ast.expr, integers: set[str]) -> bool:
    """Whether `node` is an int: an int constant, one of the names `integers`, or +, -, *,
    //, % of ints."""
    if isinstance(node, ast.Constant):
        return type(node.value) is int
    if isinstance(node, ast.Name):
        return node.id in integers
    if isinstance(node, ast.BinOp) and isinstance(node.op, INTEGER_ARITHMETIC):
        return is_integer(node.left, integers) and is_integer(node.right, integers)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return is_integer(node.operand, integers)
    return False


def _bound(node: ast.expr | None, integers: set[str]):
    """A slice's bound: None, an int, an int expression of the names `integers`, or False."""
    if node is None:
        return None
    try:
        value = constant(node)
    except Unknown:
        return node if is_integer(node, integers) else False
    return value if type(value) is int else False


def basic_index(node: ast.Subscript, integers: set[str]) -> list | None:
    """The index of `x[1:, None, 0, i]` as parts: None (a new axis), an int or an int
    expression of the names `integers` (one element along an axis), or a slice's (lower,
    upper) (each None, an int or an int expression; no step); None for any other index."""
    parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    out = []
    for part in parts:
        try:
            if isinstance(part, ast.Slice):
                if part.step is not None:
                    return None
                bounds = [_bound(b, integers) for b in (part.lower, part.upper)]
                if any(b is False for b in bounds):
                    return None
                out.append(tuple(bounds))
                continue
            value = constant(part)
        except Unknown:
            if isinstance(part, ast.Slice) or not is_integer(part, integers):
                return None
            out.append(part)  # an int the program computes
            continue
        if value is not None and type(value) is not int:
            return None  # (x[True] is a mask)
        out.append(value)
    return out


def live_before(block: list, after: set[str], out: dict | None = None) -> set[str]:
    """The names read before being bound from the block's start, `after` being those read
    after it; from each statement on, in `out` (by id) if given. (A loop may make no trip,
    and a branch take either block: neither binds anything for certain.)"""
    live = set(after)
    for stmt in reversed(block):
        if isinstance(stmt, ast.For | ast.While):
            # after a trip: what the next trip reads before binding it, or what follows
            start = live_before(stmt.body, live | trip_start(stmt), out) - _target(stmt)
            live = live | start | (loads(stmt.test) if isinstance(stmt, ast.While) else
                                   loads(stmt.iter))
        elif isinstance(stmt, ast.If):
            live = loads(stmt.test) | live_before(stmt.body, live, out) | live_before(
                stmt.orelse, live, out)
        else:
            bound = bound_names(stmt) if isinstance(stmt, ast.Assign) else set()
            live = (live - bound) | loads(stmt)
        if out is not None:
            out[id(stmt)] = set(live)
    return live


def trip_start(loop: ast.For | ast.While) -> set[str]:
    """The names a trip of a loop reads before binding them (a `while` loop's test first,
    and again after the trip): what one trip may carry to the next."""
    if isinstance(loop, ast.For):
        return live_before(loop.body, set()) - _target(loop)
    return loads(loop.test) | live_before(loop.body, loads(loop.test))


def _target(loop: ast.For | ast.While) -> set[str]:
    return bound_names(loop.target) if isinstance(loop, ast.For) else set()


def viewed_name(value: ast.expr) -> str | None:
    """The name whose array `value` is, or is a view of (`a`, `a.T`, `a[1:]`)."""
    while isinstance(value, ast.Subscript) or is_transpose(value):
        value = value.value
    return value.id if isinstance(value, ast.Name) else None
