"""Normalize: a parsed function to one operation per statement (the grammar of `ir`).

Takes a `ParsedFunction`. Produces an `ir.Function` whose statements each apply one
primitive to atoms (names and constants): nested expressions get temporaries (`_t1`), tuple
unpacking becomes one assignment per name, keyword arguments stay attached to their call, and
every free name is replaced by the object it is bound to (a rule key, or a constant).

Every statement made from one user statement shares that statement's `Origin`, so that the
generated code can label each line with the user line it comes from, and errors can point at it.
"""

from __future__ import annotations

import ast
import math
import operator
import types

import numpy as np

from . import ir
from .errors import NonScalarOutputError, Origin, UnsupportedSyntaxError
from .names import Names
from .parse import ParsedFunction, dotted

_LITERAL = (bool, int, float, complex, type(None), np.number, np.bool_)


def normalize(parsed: ParsedFunction) -> ir.Function:
    """The function in the normalized grammar of `ir`."""
    user_names = set(parsed.local_names)  # globals cannot clash: generated code never names them
    normalizer = _Normalizer(parsed, Names(user_names))
    body = normalizer.function_body(parsed.tree)
    return ir.Function(parsed.name, parsed.params + parsed.kwonly, parsed.defaults, body,
                       parsed.origin(parsed.tree), parsed.filename, frozenset(user_names))


class _Normalizer:
    def __init__(self, parsed: ParsedFunction, names: Names):
        self.parsed = parsed
        self.names = names
        self.out: list = []  # the block being written
        self.origin: Origin | None = None  # of the user statement being normalized

    def fail(self, node: ast.AST, message: str, hint: str | None = None):
        raise UnsupportedSyntaxError(message, self.parsed.origin(node), hint)

    # -- statements ---------------------------------------------------------------------------

    def function_body(self, tree: ast.FunctionDef) -> list:
        body = [s for s in tree.body
                if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        block = self.block(body)
        if not block or not isinstance(block[-1], ir.Return):
            raise NonScalarOutputError(
                f"{tree.name} has no return statement; it must return a scalar",
                self.parsed.origin(tree), "end the function with `return value`")
        return block

    def block(self, statements: list[ast.stmt]) -> list:
        outer, self.out = self.out, []
        try:
            for stmt in statements:
                self.origin = self.parsed.origin(stmt)
                self.statement(stmt)
                if self.out and isinstance(self.out[-1], ir.Return):
                    break  # anything after a return never runs
            return self.out
        finally:
            self.out = outer

    def statement(self, node: ast.stmt) -> None:
        handler = getattr(self, f"stmt_{type(node).__name__}", None)
        if handler is None:
            self.fail(node, f"{type(node).__name__.lower()} statements are not supported yet")
        handler(node)

    def stmt_Pass(self, node: ast.Pass) -> None:
        pass

    def stmt_Assign(self, node: ast.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            self.assign_expr(node.targets[0].id, node.value)
            return
        if len(node.targets) == 1 and isinstance(node.targets[0], (ast.Tuple, ast.List)) \
                and isinstance(node.value, ast.Tuple):
            self.unpack_display(node.targets[0], node.value)
            return
        value = self.atom(node.value)
        for target in node.targets:
            self.assign_atom(target, value)

    def stmt_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.stmt_Assign(ast.Assign([node.target], node.value, lineno=node.lineno))

    def stmt_Return(self, node: ast.Return) -> None:
        if node.value is None or (isinstance(node.value, ast.Constant)
                                  and node.value.value is None):
            raise NonScalarOutputError(f"{self.parsed.name} returns None; it must return a scalar",
                                       self.origin, "return the value to differentiate")
        if isinstance(node.value, (ast.Tuple, ast.List)):
            raise NonScalarOutputError(
                f"{self.parsed.name} returns a tuple; astgrad differentiates functions that "
                "return one scalar", self.parsed.origin(node.value),
                "return a scalar such as a loss; differentiate each output separately")
        self.out.append(ir.Return(self.atom(node.value), self.origin))

    def unpack_display(self, targets: ast.Tuple | ast.List, values: ast.Tuple) -> None:
        """`a, b = b, a`: every value is read before any name is written."""
        if len(targets.elts) != len(values.elts):
            self.fail(targets, f"cannot unpack {len(values.elts)} values into "
                               f"{len(targets.elts)} names")
        written = {t.id for t in ast.walk(targets) if isinstance(t, ast.Name)}
        atoms = []
        for value in values.elts:
            atom = self.atom(value)
            if isinstance(atom, ir.Name) and atom.id in written:
                atom = self.emit(ir.Name(atom.id))  # keep the old value before it is overwritten
            atoms.append(atom)
        for target, atom in zip(targets.elts, atoms):
            self.assign_atom(target, atom)

    def assign_atom(self, target: ast.expr, value: ir.Atom) -> None:
        if isinstance(target, ast.Name):
            self.out.append(ir.Assign(target.id, value, self.origin))
        elif isinstance(target, (ast.Tuple, ast.List)):
            for position, element in enumerate(target.elts):
                index = ir.Index((ir.Const(position),))
                item = self.emit(ir.Call(operator.getitem, (value, index)))
                self.assign_atom(element, item)
        else:
            self.fail(target, f"cannot assign to {type(target).__name__} yet")

    def assign_expr(self, target: str, node: ast.expr) -> None:
        """`target = node`, with the outermost operation written straight into `target`."""
        self.out.append(ir.Assign(target, self.expr(node), self.origin, self.parsed.origin(node)))

    # -- expressions ----------------------------------------------------------------------

    def emit(self, value: ir.Expr, node: ast.AST | None = None) -> ir.Name:
        """A temporary holding `value` (computed from the user's expression `node`)."""
        name = self.names.temp()
        at = self.parsed.origin(node) if node is not None else None
        self.out.append(ir.Assign(name, value, self.origin, at))
        return ir.Name(name)

    def atom(self, node: ast.expr) -> ir.Atom:
        """`node` as an atom, computing it into a temporary unless it is one already."""
        value = self.expr(node)
        if isinstance(value, (ir.Name, ir.Const)):
            return value
        return self.emit(value, node)

    def expr(self, node: ast.expr) -> ir.Expr:
        """`node` as one operation over atoms (its operands computed into temporaries)."""
        handler = getattr(self, f"expr_{type(node).__name__}", None)
        if handler is None:
            self.fail(node, f"{type(node).__name__} expressions are not supported yet")
        return handler(node)

    def expr_Constant(self, node: ast.Constant) -> ir.Const:
        return ir.Const(node.value)

    def expr_Name(self, node: ast.Name) -> ir.Atom:
        if node.id in self.parsed.local_names:
            return ir.Name(node.id)
        return self.global_value(self.parsed.resolve(node.id, node), node, node.id)

    def global_value(self, value: object, node: ast.AST, spelling: str) -> ir.Const:
        """A global used as a value: numbers inline, arrays and dtypes by reference."""
        if isinstance(value, (types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
                              np.ufunc)) or callable(value) and not isinstance(value, type):
            self.fail(node, f"'{spelling}' is a {type(value).__name__}; it can only be called here")
        if isinstance(value, _LITERAL):
            known = spelling.split(".")[0] in ("np", "math")
            return ir.Const(value, spelling if known else None)
        return ir.Const(value, spelling)

    def expr_Attribute(self, node: ast.Attribute) -> ir.Expr:
        path = dotted(node)
        if path and path[0] not in self.parsed.local_names:
            obj = self.resolve_path(path, node)
            return self.global_value(obj, node, _canonical(path, obj))
        return ir.Call(ir.Attribute(node.attr), (self.atom(node.value),))

    def resolve_path(self, path: list[str], node: ast.AST) -> object:
        obj = self.parsed.resolve(path[0], node)
        for position, attr in enumerate(path[1:], start=1):
            if not isinstance(obj, types.ModuleType):
                self.fail(node, f"'{'.'.join(path[:position])}' is a {type(obj).__name__}; "
                                "attributes of objects are not supported",
                          "pass the values it holds as arguments")
            if not hasattr(obj, attr):
                self.fail(node, f"module '{obj.__name__}' has no attribute '{attr}'")
            obj = getattr(obj, attr)
        return obj

    def expr_BinOp(self, node: ast.BinOp) -> ir.Call:
        left, right = self.atom(node.left), self.atom(node.right)
        return ir.Call(ir.BINARY_OPERATORS[type(node.op)], (left, right))

    def expr_UnaryOp(self, node: ast.UnaryOp) -> ir.Expr:
        operand = self.atom(node.operand)
        if isinstance(node.op, ast.USub) and isinstance(operand, ir.Const) \
                and isinstance(operand.value, (int, float)):
            return ir.Const(-operand.value)
        return ir.Call(ir.UNARY_OPERATORS[type(node.op)], (operand,))

    def expr_Compare(self, node: ast.Compare) -> ir.Expr:
        if len(node.ops) > 1:
            self.fail(node, "chained comparisons are not supported yet")
        left, right = self.atom(node.left), self.atom(node.comparators[0])
        return ir.Call(ir.COMPARISONS[type(node.ops[0])], (left, right))

    def expr_Tuple(self, node: ast.Tuple) -> ir.Expr:
        atoms = tuple(self.atom(e) for e in node.elts)
        if all(isinstance(a, ir.Const) and a.spelling is None for a in atoms):
            return ir.Const(tuple(a.value for a in atoms))
        return ir.Call(ir.TUPLE, atoms)

    def expr_Subscript(self, node: ast.Subscript) -> ir.Call:
        base = self.atom(node.value)
        return ir.Call(operator.getitem, (base, self.index(node.slice)))

    def index(self, node: ast.expr) -> ir.Index:
        items = node.elts if isinstance(node, ast.Tuple) else [node]
        out = []
        for item in items:
            if isinstance(item, ast.Slice):
                out.append(ir.Slice(*(None if part is None else self.atom(part)
                                      for part in (item.lower, item.upper, item.step))))
            elif isinstance(item, ast.Constant) and item.value is Ellipsis:
                out.append(ir.Const(Ellipsis))
            else:
                out.append(self.atom(item))
        return ir.Index(tuple(out))

    def expr_Call(self, node: ast.Call) -> ir.Call:
        func = node.func
        if isinstance(func, ast.Attribute) and not self.is_global_path(func):
            receiver = self.atom(func.value)
            primitive, args = ir.Method(func.attr), [receiver]
        else:
            primitive, args = self.callee(func), []
        args += [self.atom(a) for a in node.args]
        kwargs = tuple((k.arg, self.atom(k.value)) for k in node.keywords)
        return ir.Call(primitive, tuple(args), kwargs)

    def is_global_path(self, node: ast.expr) -> bool:
        path = dotted(node)
        return bool(path) and path[0] not in self.parsed.local_names

    def callee(self, func: ast.expr) -> object:
        path = dotted(func)
        if path[0] in self.parsed.local_names:
            self.fail(func, f"'{path[0]}' is a local variable; only functions defined outside "
                            "can be called")
        obj = self.resolve_path(path, func)
        if obj is self.parsed.func:
            self.fail(func, f"{self.parsed.name} calls itself; recursion is not supported",
                      "rewrite the recursion as a loop")
        if obj in (range, zip, enumerate):
            self.fail(func, f"{obj.__name__}() is only supported as the iterable of a for loop")
        if not callable(obj):
            self.fail(func, f"'{'.'.join(path)}' is a {type(obj).__name__}, not a function")
        return obj


def _canonical(path: list[str], obj: object) -> str:
    """`np.pi` for `numpy.pi` or `anything.pi` when it is NumPy's, so the text reads familiarly."""
    owner, attr = path[:-1], path[-1]
    for module, spelling in ((np, "np"), (math, "math")):
        if owner and getattr(module, attr, None) is obj:
            return f"{spelling}.{attr}"
    return ".".join(path)
