"""Expressions to one operation over atoms, their operands computed into temporaries.

Free names are replaced by what they are bound to: numbers become constants, arrays and dtypes
constants by reference, functions primitives (or `UserFunction`s, for the user's own), so that
`np.exp`, `numpy.exp` and `from numpy import exp` are one primitive. `and`, `or`, `x if c else
y` and chained comparisons evaluate their operands only when Python would, through `If`s.
"""

from __future__ import annotations

import ast
import math
import operator
import types

import numpy as np

from .. import ir
from ..errors import Origin, UnsupportedSyntaxError
from ..ir import describe
from ..names import Names
from ..parse import MUTATING_METHODS, ParsedFunction, dotted
from ..rules import facts_of

_LITERAL = (bool, int, float, complex, type(None), np.number, np.bool_)
# NumPy functions that write into an argument: astgrad would not see the change.
_MUTATING_FUNCTIONS = (np.copyto, np.put, np.place, np.putmask, np.fill_diagonal,
                       np.put_along_axis, np.random.shuffle)


class ExpressionNormalizer:
    """Writes the operations of expressions into `self.out`, the block being built."""

    def __init__(self, parsed: ParsedFunction, names: Names, program):
        self.parsed = parsed
        self.names = names
        self.program = program  # finds the user's functions that are called
        self.out: list = []
        self.origin: Origin | None = None  # of the user statement being normalized
        self.local_functions: dict[str, ir.UserFunction] = {}  # nested defs by name

    def fail(self, node: ast.AST, message: str, hint: str | None = None):
        raise UnsupportedSyntaxError(message, self.parsed.origin(node), hint)

    def emit(self, value: ir.Expr, node: ast.AST | None = None, name: str | None = None) -> ir.Name:
        """`name` (a new temporary by default) assigned `value`, from the user's `node`."""
        name = name or self.names.temp()
        at = self.parsed.origin(node) if node is not None else None
        self.out.append(ir.Assign(name, value, self.origin, at))
        return ir.Name(name)

    def atom(self, node: ast.expr) -> ir.Atom:
        """`node` as an atom, computing it into a temporary unless it is one already."""
        value = self.expr(node)
        if isinstance(value, ir.Name | ir.Const):
            return value
        self.refuse_tuple(value, node)
        return self.emit(value, node)

    def returns_tuple(self, value: ir.Expr) -> bool:
        """Is `value` a call of a user function that returns a tuple?"""
        return isinstance(value, ir.Call) and isinstance(value.primitive, ir.UserFunction) \
            and self.program.returns_tuple(value.primitive)

    def refuse_tuple(self, value: ir.Expr, node: ast.AST) -> None:
        """A helper's tuple is unpacked or indexed; used as one value, it is refused."""
        if self.returns_tuple(value):
            name = value.primitive.name
            self.fail(node, f"{name} returns a tuple, which is used here as one value",
                      f"unpack it (a, b = {name}(...)) or index it ({name}(...)[0])")

    def expr(self, node: ast.expr) -> ir.Expr:
        """`node` as one operation over atoms (its operands computed into temporaries)."""
        handler = getattr(self, f"expr_{type(node).__name__}", None)
        if handler is None:
            self.fail(node, f"{type(node).__name__} expressions are not supported")
        return handler(node)

    def into(self, target: str, node: ast.expr) -> None:
        """`target = node`, the outermost operation written straight into `target`."""
        if isinstance(node, ast.BoolOp | ast.IfExp) or (
                isinstance(node, ast.Compare) and len(node.ops) > 1):
            self.emit(self.expr(node), node, target)  # its branches already wrote a temporary
            return
        self.out.append(ir.Assign(target, self.expr(node), self.origin, self.parsed.origin(node)))

    # -- names and constants ----------------------------------------------------------------

    def expr_Constant(self, node: ast.Constant) -> ir.Const:
        return ir.Const(node.value)

    def expr_Name(self, node: ast.Name) -> ir.Atom:
        if node.id in self.local_functions:
            self.fail(node, f"'{node.id}' is a function; it can only be called here")
        if node.id in self.parsed.local_names:
            return ir.Name(node.id)
        return self.global_value(self.parsed.resolve(node.id, node), node, node.id)

    def global_value(self, value: object, node: ast.AST, spelling: str) -> ir.Const:
        """A global used as a value: numbers inline, arrays and dtypes by reference. Any other
        object is refused: astgrad does not know what reading it, indexing it or computing
        with it does (`np.r_[x, x]` would be a constant), so it never takes it for one."""
        if isinstance(value, types.ModuleType | types.FunctionType | types.BuiltinFunctionType
                      | np.ufunc) or (callable(value) and not isinstance(value, type)):
            self.fail(node, f"'{spelling}' is a {type(value).__name__}; it can only be called here")
        if not _known_constant(value):
            self.fail(node, *_unknown_constant(spelling, value))
        if isinstance(value, _LITERAL):
            known = spelling.split(".")[0] in ("np", "math")
            return ir.Const(value, spelling if known else None)
        return ir.Const(value, spelling)

    def expr_Attribute(self, node: ast.Attribute) -> ir.Expr:
        path = dotted(node)
        if path and path[0] not in self.parsed.local_names and not self.global_array(node.value):
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

    # -- operators ----------------------------------------------------------------------------

    def expr_BinOp(self, node: ast.BinOp) -> ir.Expr:
        left, right = self.atom(node.left), self.atom(node.right)
        operation = ir.BINARY_OPERATORS[type(node.op)]
        if is_number(left) and is_number(right):  # `K2 * -0.7`: computed here (is_number)
            value = _computed(operation, left.value, right.value)
            if value is not None:
                return ir.Const(value)
        return ir.Call(operation, (left, right))

    def expr_UnaryOp(self, node: ast.UnaryOp) -> ir.Expr:
        operand = self.atom(node.operand)
        if isinstance(node.op, ast.USub) and isinstance(operand, ir.Const) \
                and isinstance(operand.value, int | float) and not isinstance(operand.value, bool):
            return ir.Const(-operand.value)
        if isinstance(node.op, ast.Not) and is_number(operand):
            return ir.Const(not operand.value)
        return ir.Call(ir.UNARY_OPERATORS[type(node.op)], (operand,))

    def expr_Compare(self, node: ast.Compare) -> ir.Expr:
        if len(node.ops) == 1:
            left, right = self.atom(node.left), self.atom(node.comparators[0])
            compare = ir.COMPARISONS[type(node.ops[0])]
            if is_number(left) and is_number(right):  # `0.1 < 3.0`: decided here
                return ir.Const(bool(compare(left.value, right.value)))
            return ir.Call(compare, (left, right))
        # a < b < c: b is computed once, c only if a < b
        result = ir.Name(self.names.temp())
        left = self.atom(node.left)
        self.chain(result.id, left, list(zip(node.ops, node.comparators)), node)
        return result

    def chain(self, result: str, left: ir.Atom, rest: list, node: ast.AST) -> None:
        op, right_node = rest[0]
        right = self.atom(right_node)
        self.emit(ir.Call(ir.COMPARISONS[type(op)], (left, right)), node, result)
        if len(rest) > 1:
            body = self.nested(lambda: self.chain(result, right, rest[1:], node))
            self.out.append(ir.If(ir.Name(result), body, [], self.origin))

    def expr_BoolOp(self, node: ast.BoolOp) -> ir.Name:
        """`a and b` is a if a is false, else b; `a or b` the other way round (Python's values)."""
        result = self.names.temp()
        self.boolean(result, node.values, isinstance(node.op, ast.And), node)
        return ir.Name(result)

    def boolean(self, result: str, values: list, conjunction: bool, node: ast.AST) -> None:
        self.into(result, values[0])
        if len(values) > 1:
            rest = self.nested(lambda: self.boolean(result, values[1:], conjunction, node))
            body, orelse = (rest, []) if conjunction else ([], rest)
            self.out.append(ir.If(ir.Name(result), body, orelse, self.origin))

    def expr_IfExp(self, node: ast.IfExp) -> ir.Name:
        result = self.names.temp()
        test = self.condition(node.test)
        if is_number(test):  # decided here: only the value chosen is computed
            self.into(result, node.body if test.value else node.orelse)
            return ir.Name(result)
        body = self.nested(lambda: self.into(result, node.body))
        orelse = self.nested(lambda: self.into(result, node.orelse))
        self.out.append(ir.If(test, body, orelse, self.origin))
        return ir.Name(result)

    def condition(self, node: ast.expr) -> ir.Atom:
        return self.atom(node)

    def nested(self, write) -> list:
        """The statements `write()` appends, as a block of their own."""
        outer, self.out = self.out, []
        try:
            write()
            return self.out
        finally:
            self.out = outer

    # -- containers and indexing ------------------------------------------------------------

    def expr_Tuple(self, node: ast.Tuple) -> ir.Expr:
        atoms = tuple(self.atom(e) for e in node.elts)
        if all(isinstance(a, ir.Const) and a.spelling is None for a in atoms):
            return ir.Const(tuple(a.value for a in atoms))
        return ir.Call(ir.TUPLE, atoms)

    def expr_Subscript(self, node: ast.Subscript) -> ir.Expr:
        if isinstance(node.value, ast.Call):
            value = self.expr(node.value)
            if self.returns_tuple(value):  # `helper(x)[0]`: one value of its tuple
                return self.tuple_item(value, node)
            base = value if isinstance(value, ir.Name | ir.Const) else self.emit(value,
                                                                                 node.value)
        else:
            base = self.atom(node.value)
        return ir.Call(operator.getitem, (base, self.index(node.slice)))

    def tuple_item(self, call: ir.Call, node: ast.Subscript) -> ir.Name:
        """`helper(...)[k]`: the helper's values unpacked into temporaries, the k-th taken."""
        name, arity = call.primitive.name, self.program.arity(call.primitive)
        position = self.atom(node.slice) if not isinstance(node.slice, ast.Slice) else None
        if not (isinstance(position, ir.Const) and type(position.value) is int
                and -arity <= position.value < arity):
            self.fail(node, f"{name} returns {arity} values; index them with a number "
                            f"from 0 to {arity - 1}", f"or unpack them: a, b = {name}(...)")
        values = tuple(self.names.temp() for _ in range(arity))
        self.out.append(ir.Unpack(values, call, self.origin, self.parsed.origin(node.value)))
        return ir.Name(values[position.value])

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

    # -- calls ----------------------------------------------------------------------------------

    def expr_Call(self, node: ast.Call) -> ir.Call:
        func = node.func
        if isinstance(func, ast.Attribute) and not self.is_global_path(func):
            if func.attr in MUTATING_METHODS:
                self.fail(node, f".{func.attr}(...) changes its object in place, which astgrad "
                                "does not follow", "compute a new value instead (y = np.sort(x) "
                                "rather than x.sort()), or write into an array with a[i] = value")
            receiver = self.atom(func.value)
            primitive, args = ir.Method(func.attr), [receiver]
        else:
            primitive, args = self.callee(func), []
            if any(primitive is f for f in _MUTATING_FUNCTIONS):
                self.fail(node, f"{describe(primitive)} writes into its argument, which astgrad "
                                "does not follow", "write into the array with a[index] = value")
        args += [self.operand_of(primitive, a, position) for position, a in enumerate(node.args)]
        kwargs = tuple((k.arg, self.atom(k.value)) for k in node.keywords)
        if isinstance(primitive, ir.UserFunction):
            return self.program.call(primitive, tuple(args), kwargs, self.parsed.origin(node))
        return ir.Call(primitive, tuple(args), kwargs)

    def operand_of(self, primitive, node: ast.expr, position: int):
        """A call's argument as an atom; the sequence a function such as np.concatenate
        takes first, written as a tuple or a list, as a tuple of atoms: each its operand."""
        sequence = isinstance(node, ast.Tuple | ast.List) and position == 0 and not isinstance(
            primitive, ir.UserFunction | ir.Method) and facts_of(primitive).sequence
        if sequence:
            return tuple(self.atom(element) for element in node.elts)
        if isinstance(node, ast.List):
            self.fail(node, "list values are not supported", "make it a NumPy array where "
                      "it is written: np.array([a, b]) (or fill np.zeros(n) in a loop); a "
                      "tuple, for values not differentiated")
        return self.atom(node)

    def is_global_path(self, node: ast.expr) -> bool:
        path = dotted(node)
        return bool(path) and path[0] not in self.parsed.local_names \
            and not self.global_array(node.value)

    def global_array(self, node: ast.expr) -> bool:
        """Is `node` a global (or module attribute) bound to an array? Then `node.T` and
        `node.sum()` are the array's attribute and method, as for a local array."""
        path = dotted(node)
        if not path or path[0] in self.parsed.local_names:
            return False
        obj = self.parsed.resolve(path[0], node)
        for attr in path[1:]:
            if not isinstance(obj, types.ModuleType):
                return False
            obj = getattr(obj, attr, None)
        return isinstance(obj, np.ndarray)

    def callee(self, func: ast.expr) -> object:
        path = dotted(func)
        if path[0] in self.local_functions and len(path) == 1:
            return self.local_functions[path[0]]
        if path[0] in self.parsed.local_names:
            self.fail(func, f"'{path[0]}' is a local variable; only functions can be called",
                      "call a function defined with def, here or at module level, by its name")
        obj = self.resolve_path(path, func)
        if obj in (range, zip, enumerate):
            self.fail(func, f"{obj.__name__}() is only supported as the iterable of a for loop")
        if not callable(obj):
            self.fail(func, f"'{'.'.join(path)}' is a {type(obj).__name__}, not a function")
        user = self.program.user_function(obj)
        if user is not None:
            return user
        return obj


def _computed(operation, left, right):
    """`operation` of two numbers, as the function would compute it; None if that raises or
    warns (division by zero, overflow: left for the function to do, as it would) or gives an
    integer numba cannot hold."""
    try:
        with np.errstate(all="raise"):
            value = operation(left, right)
    except (ArithmeticError, ValueError, TypeError):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and not -2**63 <= value < 2**63:
        return None
    return value if isinstance(value, int | float | np.number | np.bool_) else None


def is_number(atom: ir.Atom) -> bool:
    """Is `atom` a constant number or bool, whose comparisons and tests are decided before the
    function runs? (numba prunes a branch on such a constant in one place and not in another
    when a loop's reverse recomputes it, and then cannot type what the pruned branch bound.)"""
    return isinstance(atom, ir.Const) and isinstance(atom.value, int | float | np.number | np.bool_)


def _canonical(path: list[str], obj: object) -> str:
    """`np.pi` for `numpy.pi` or `anything.pi` when it is NumPy's, so the text reads familiarly."""
    owner, attr = path[:-1], path[-1]
    for module, spelling in ((np, "np"), (math, "math")):
        if owner and getattr(module, attr, None) is obj:
            return f"{spelling}.{attr}"
    return ".".join(path)


def _known_constant(value: object) -> bool:
    """Is `value` a constant astgrad knows: a number, an array of numbers, a dtype, a type, a
    tuple of such, None or Ellipsis?"""
    if isinstance(value, tuple):
        return all(_known_constant(item) for item in value)
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "biufc"
    return value is None or value is Ellipsis or isinstance(value, (*_LITERAL, np.dtype, type))


def _unknown_constant(spelling: str, value: object) -> tuple[str, str]:
    """The message and hint refusing a global that is not a known constant."""
    kind = type(value).__name__
    if spelling in ("np.r_", "np.c_", "numpy.r_", "numpy.c_"):
        return (f"{spelling}[...] is not supported: astgrad does not differentiate through it",
                "make the array with np.zeros and write its parts into it (out[:n] = x; "
                "out[n:] = y)")
    if isinstance(value, list):
        return (f"'{spelling}' is a list, which astgrad does not compute with",
                f"make it a NumPy array at module level ({spelling} = np.array([...])) or a "
                "tuple")
    return (f"'{spelling}' is a {kind} object, which astgrad does not compute with: it knows "
            "numbers, NumPy arrays of numbers, dtypes and tuples of them",
            f"pass the numbers and arrays {spelling} holds to the function as arguments")
