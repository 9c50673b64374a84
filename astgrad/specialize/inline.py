"""A call of a straight-line helper written as the helper's statements in its caller: its
parameters and the names it binds renamed to fresh ones, bound to the call's arguments on
entry, and its return value bound to the call's targets. The caller's loop nests then run
through the helper's statements too (lstm's gates, `sigmoid(x * w + b)`, one nest each)
instead of each call allocating and filling arrays of its own."""

from __future__ import annotations

import ast
import copy

from ..emit import tag
from ..names import Names
from ..parse import assigned_names
from .code import assign

SIMPLE = ast.Assign | ast.AugAssign | ast.Expr


def inlinable(function: ast.FunctionDef, call: ast.Call) -> bool:
    """Whether `call` of `function` (a generated helper, prepared) can be written as its
    statements: a body of simple statements ending in its one return, called with as many
    positional arguments as it has parameters."""
    arguments = function.args
    return (not (arguments.vararg or arguments.kwarg or arguments.kwonlyargs
                 or arguments.posonlyargs or call.keywords)
            and len(arguments.args) == len(call.args)
            and not any(isinstance(a, ast.Starred) for a in call.args)
            and bool(function.body) and isinstance(function.body[-1], ast.Return)
            and function.body[-1].value is not None
            and all(isinstance(s, SIMPLE) for s in function.body[:-1]))


def inlined(function: ast.FunctionDef, node: ast.Assign, names: Names,
            origin) -> tuple[list[ast.stmt], dict[str, str]]:
    """The statements `node` (`target = function(args)`, `a, b = function(args)`) stands for,
    and the renaming of the helper's names they use."""
    params = [a.arg for a in function.args.args]
    renamed = {name: names.fresh(name) for name in [*params, *sorted(assigned_names(function))]}
    body = [_Rename(renamed).visit(copy.deepcopy(s)) for s in function.body]
    entry = [tag(assign(renamed[p], copy.deepcopy(a)), origin)
             for p, a in zip(params, node.value.args)]
    value, target = body[-1].value, node.targets[0]
    if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(
            target.elts) == len(value.elts) and all(isinstance(t, ast.Name)
                                                    for t in target.elts):
        # (each value is a name or a number: the reverse stage binds what it returns)
        exit = [tag(assign(t.id, v), origin) for t, v in zip(target.elts, value.elts)]
    else:
        exit = [tag(ast.Assign([copy.deepcopy(target)], value, lineno=0), origin)]
    return entry + body[:-1] + exit, renamed


class _Rename(ast.NodeTransformer):
    def __init__(self, renamed: dict[str, str]):
        self.renamed = renamed

    def visit_Name(self, node: ast.Name) -> ast.Name:
        return ast.copy_location(ast.Name(self.renamed.get(node.id, node.id), node.ctx), node)
