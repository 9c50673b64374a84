"""Parse: a function object to its syntax tree, free names resolved, unsupported syntax rejected.

Takes a Python function. Produces a `ParsedFunction`: the `def` as an `ast.FunctionDef` whose
line and column numbers are those of the user's file, its parameters and defaults, and
`resolve`, which maps a free name to the object it is bound to (closure, then globals, then
builtins). Later stages therefore recognise `np.exp`, `numpy.exp` and `from numpy import exp`
as one function, by identity rather than by spelling.

Everything astgrad cannot differentiate is rejected here, before any transform, with an
`UnsupportedSyntaxError` that points at the offending text and suggests the supported rewrite.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import linecache
import sys
import textwrap
from dataclasses import dataclass
from functools import cached_property

from .errors import Origin, SourceUnavailableError, UnsupportedSyntaxError
from .ir import describe


@dataclass
class ParsedFunction:
    func: object
    name: str
    filename: str
    tree: ast.FunctionDef
    params: list[str]
    kwonly: list[str]
    defaults: dict[str, object]
    local_names: frozenset[str]

    @cached_property
    def assigned(self) -> frozenset[str]:
        """The names the function assigns anywhere in its body."""
        return assigned_names(self.tree)

    def origin(self, node: ast.AST) -> Origin:
        """Where `node` is in the user's file."""
        line = getattr(node, "lineno", self.tree.lineno)
        end_line = getattr(node, "end_lineno", line)
        col = getattr(node, "col_offset", 0)
        end_col = getattr(node, "end_col_offset", None) if end_line == line else None
        text = linecache.getline(self.filename, line).rstrip("\n")
        return Origin(self.filename, line, col, end_col, text, self.name)

    def resolve(self, name: str, node: ast.AST) -> object:
        """The object a free name is bound to: closure, then globals, then builtins."""
        code = self.func.__code__
        if name in code.co_freevars:
            cell = self.func.__closure__[code.co_freevars.index(name)]
            try:
                return cell.cell_contents
            except ValueError:
                raise UnsupportedSyntaxError(
                    f"'{name}' is used before the enclosing function assigns it",
                    self.origin(node)) from None
        if name in self.func.__globals__:
            return self.func.__globals__[name]
        if hasattr(builtins, name):
            return getattr(builtins, name)
        raise UnsupportedSyntaxError(
            f"name '{name}' is not defined", self.origin(node),
            "define it at module level before computing the gradient, or pass it as an argument")


def parse(func: object) -> ParsedFunction:
    """Read, parse and check a function's source."""
    func = plain_function(func)
    filename = func.__code__.co_filename
    where = Origin(filename, func.__code__.co_firstlineno, 0, None,
                   linecache.getline(filename, func.__code__.co_firstlineno).rstrip("\n"),
                   func.__name__)
    if func.__name__ == "<lambda>":
        raise (UnsupportedSyntaxError if where.text else SourceUnavailableError)(
            "astgrad cannot differentiate a lambda", where,
            "define the function with def, in a file or a notebook cell")
    try:
        lines, first_line = inspect.getsourcelines(func)
    except (OSError, TypeError):
        raise SourceUnavailableError(
            f"the source of {func.__name__} cannot be read", where,
            "astgrad rewrites a function's source: define it in a file or a notebook cell, "
            "not at an interactive prompt or with exec") from None
    source = "".join(lines)
    indent = len(lines[0]) - len(lines[0].lstrip())
    module = ast.parse(textwrap.dedent(source))
    tree = module.body[0]
    ast.increment_lineno(tree, first_line - 1)
    for node in ast.walk(tree):
        if hasattr(node, "col_offset"):
            node.col_offset += indent
            if getattr(node, "end_col_offset", None) is not None:
                node.end_col_offset += indent
    parsed = ParsedFunction(func, func.__name__, filename, tree, [], [], {}, frozenset())
    if not isinstance(tree, ast.FunctionDef):
        raise UnsupportedSyntaxError("async functions cannot be differentiated",
                                     parsed.origin(tree), "define it with def, without async")
    tree.decorator_list = []
    _check_arguments(tree.args, parsed)
    parsed.params = [a.arg for a in tree.args.posonlyargs + tree.args.args]
    parsed.kwonly = [a.arg for a in tree.args.kwonlyargs]
    parsed.defaults = _defaults(func)
    _Checker(parsed).check(tree)
    parsed.local_names = frozenset(parsed.params + parsed.kwonly) | parsed.assigned
    return parsed


# Libraries whose functions astgrad knows by their rules, never by their source: a call of
# one without a rule is "no rule for scipy.special.logsumexp", not a transform of SciPy's code.
_LIBRARIES = frozenset({"numpy", "scipy", "numba", "astgrad", *sys.stdlib_module_names})


def is_library_function(func: object) -> bool:
    """Is `func` a function of NumPy, SciPy, numba, astgrad or Python's standard library?"""
    module = getattr(func, "__module__", None) or ""
    return module.split(".")[0] in _LIBRARIES


def plain_function(func: object):
    """The Python function behind `func`, or an error saying why there is none."""
    given = func = getattr(func, "py_func", func)  # a numba dispatcher wraps the function
    func = inspect.unwrap(func)
    if inspect.isfunction(func) and is_library_function(func):
        name = describe(given)
        raise SourceUnavailableError(
            f"{name} is a library function; astgrad differentiates functions you write, and "
            "knows library functions by their derivative rules", None,
            f"write a function that calls it (def f(x): return {name}(x)), and "
            f"differentiate that")
    if inspect.isfunction(func):
        return func
    if inspect.ismethod(func):
        code = func.__func__.__code__
        raise SourceUnavailableError(
            f"{func.__qualname__} is a method; astgrad differentiates plain functions",
            Origin(code.co_filename, code.co_firstlineno, 0, None,
                   linecache.getline(code.co_filename, code.co_firstlineno).rstrip("\n"),
                   func.__name__),
            "write a function that takes the object's arrays as arguments")
    name = getattr(func, "__name__", type(func).__name__)
    raise SourceUnavailableError(
        f"{name} is not a Python function (it is a {type(func).__name__}), so it has no source "
        "to differentiate", None,
        "pass a function defined with def; to give a builtin a derivative, register a rule "
        "with @astgrad.rule")


def _check_arguments(args: ast.arguments, parsed: ParsedFunction) -> None:
    for star in (args.vararg, args.kwarg):
        if star is not None:
            raise UnsupportedSyntaxError("*args and **kwargs parameters are not supported",
                                         parsed.origin(star), "name each parameter")


def _defaults(func) -> dict[str, object]:
    names = func.__code__.co_varnames[: func.__code__.co_argcount]
    values = func.__defaults__ or ()
    out = dict(zip(names[len(names) - len(values):], values))
    out.update(func.__kwdefaults__ or {})
    return out


def assigned_names(tree: ast.FunctionDef) -> frozenset[str]:
    """The names a function assigns anywhere in its body, nested defs' names included."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef) and node is not tree:
            names.add(node.name)
    return frozenset(names)


_STRINGS = ("strings are not supported in differentiated code",
            "keep text outside the function: compute with numbers and NumPy arrays only")
_COMPREHENSION = ("comprehensions are not supported",
                  "preallocate an array with np.zeros(n) and fill it in a for loop")
_UNSUPPORTED: dict[type, tuple[str, str | None]] = {
    ast.Lambda: ("lambda expressions are not supported", "define a helper function with def"),
    ast.ListComp: _COMPREHENSION,
    ast.SetComp: _COMPREHENSION,
    ast.DictComp: _COMPREHENSION,
    ast.GeneratorExp: _COMPREHENSION,
    ast.Yield: ("generators cannot be differentiated", "return a value instead of yielding"),
    ast.YieldFrom: ("generators cannot be differentiated", "return a value instead of yielding"),
    ast.Await: ("async code cannot be differentiated", None),
    ast.AsyncFor: ("async code cannot be differentiated", None),
    ast.AsyncWith: ("async code cannot be differentiated", None),
    ast.AsyncFunctionDef: ("async code cannot be differentiated", None),
    ast.Try: ("try statements are not supported",
              "test the condition with if, or catch errors outside the differentiated function"),
    ast.With: ("with statements are not supported",
               "move the with block outside the differentiated function"),
    ast.Global: ("global statements are not supported",
                 "pass the value in as an argument and return the new value"),
    ast.Nonlocal: ("nonlocal statements are not supported",
                   "pass the value in as an argument and return the new value"),
    ast.ClassDef: ("class definitions are not supported here",
                   "define classes outside the differentiated function"),
    ast.Delete: ("del statements are not supported", "simply stop using the variable"),
    ast.Raise: ("raise statements are not supported in differentiated code",
                "check the inputs before calling the gradient"),
    ast.Assert: ("assert statements are not supported in differentiated code",
                 "check the inputs before calling the gradient"),
    ast.Import: ("imports inside the function are not supported", "import at module level"),
    ast.ImportFrom: ("imports inside the function are not supported", "import at module level"),
    ast.NamedExpr: ("assignment expressions (:=) are not supported",
                    "assign the value on a line of its own"),
    ast.Starred: ("starred expressions are not supported", "pass each value explicitly"),
    ast.JoinedStr: _STRINGS,
    ast.Dict: ("dict values are not supported", "use NumPy arrays or tuples"),
    ast.Set: ("set values are not supported", "use NumPy arrays or tuples"),
    ast.List: ("list values are not supported",
               "make it a NumPy array where it is written: np.array([a, b]) (or fill "
               "np.zeros(n) in a loop); a tuple, for values not differentiated"),
}
_UNSUPPORTED[ast.Match] = ("match statements are not supported", "use if/elif/else")
if hasattr(ast, "TryStar"):  # Python 3.11
    _UNSUPPORTED[ast.TryStar] = _UNSUPPORTED[ast.Try]

# Methods that change their object in place: astgrad would not see the change.
MUTATING_METHODS = frozenset({
    "append", "extend", "insert", "pop", "remove", "clear", "update", "add", "sort", "fill",
    "resize", "setdefault", "put", "itemset", "partition", "setflags"})

_ALLOWED = (
    ast.FunctionDef, ast.arguments, ast.arg, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return,
    ast.If, ast.For, ast.While, ast.Break, ast.Continue, ast.Pass, ast.Expr,
    ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.Call, ast.keyword, ast.Attribute,
    ast.Subscript, ast.Slice, ast.Name, ast.Constant, ast.Tuple, ast.IfExp,
    ast.operator, ast.unaryop, ast.boolop, ast.cmpop, ast.expr_context,
)


class _Checker(ast.NodeVisitor):
    """Rejects what astgrad cannot differentiate, naming the user's line and the rewrite."""

    def __init__(self, parsed: ParsedFunction):
        self.parsed = parsed
        self.root: ast.FunctionDef | None = None

    def fail(self, node: ast.AST, message: str, hint: str | None = None):
        raise UnsupportedSyntaxError(message, self.parsed.origin(node), hint)

    def check(self, tree: ast.FunctionDef) -> None:
        self.root = tree
        for stmt in _without_docstring(tree.body):
            self.visit(stmt)

    def generic_visit(self, node: ast.AST) -> None:
        if type(node) in _UNSUPPORTED:
            self.fail(node, *_UNSUPPORTED[type(node)])
        if not isinstance(node, _ALLOWED):
            self.fail(node, f"{type(node).__name__} syntax is not supported")
        super().generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if node.decorator_list:
            self.fail(node.decorator_list[0], "decorators on nested functions are not supported",
                      "define the helper at module level")
        _check_arguments(node.args, self.parsed)
        for stmt in _without_docstring(node.body):
            self.visit(stmt)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, (str, bytes)):
            self.fail(node, *_STRINGS)

    def visit_Expr(self, node: ast.Expr) -> None:
        call = node.value
        if isinstance(call, (ast.Yield, ast.YieldFrom, ast.Await)):
            self.visit(call)  # `yield x` is a statement of its own: say why it is refused
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
                and call.func.attr in MUTATING_METHODS:
            self.fail(node, f".{call.func.attr}(...) mutates its object, which is not supported",
                      "preallocate an array instead of list.append, and write into it "
                      "with a[i] = value")
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) \
                and call.func.id == "print":
            self.fail(node, "print is not supported in differentiated code",
                      "print outside the function, or run the gradient with jit=False in a "
                      "debugger")
        self.fail(node, "an expression whose value is not used has no effect on the gradient "
                  "(and a change it makes to its arguments in place is not followed)",
                  "assign its value to a variable, or remove it; write into arrays with "
                  "a[index] = value")

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._check_target(target)
        self.visit(node.value)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._check_target(node.target)
        self.visit(node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._check_target(node.target)
        if node.value is not None:
            self.visit(node.value)

    def _check_target(self, target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            return
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._check_target(element)
            return
        if isinstance(target, ast.Subscript):
            if not isinstance(target.value, ast.Name):
                self.fail(target, "only a named array can be written into",
                          "bind the array to a name first: a = ...; a[i] = value")
            self.visit(target.slice)
            return
        if isinstance(target, ast.Attribute):
            self.fail(target, "assigning to an attribute is not supported",
                      "keep the value in a variable")
        self.fail(target, f"cannot assign to {type(target).__name__}")

    def visit_For(self, node: ast.For) -> None:
        if node.orelse:
            self.fail(node, "else blocks on loops are not supported", "use a flag variable")
        self._check_target(node.target)
        self.visit(node.iter)
        for stmt in node.body:
            self.visit(stmt)

    def visit_While(self, node: ast.While) -> None:
        if node.orelse:
            self.fail(node, "else blocks on loops are not supported", "use a flag variable")
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        for op in node.ops:
            if isinstance(op, (ast.Is, ast.IsNot, ast.In, ast.NotIn)):
                self.fail(node, "'is' and 'in' comparisons are not supported",
                          "compare numbers with ==, <, > and friends")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Lambda):
            self.visit(node.func)  # say that it is the lambda that is not supported
        if not isinstance(node.func, (ast.Name, ast.Attribute)):
            self.fail(node, "only named functions can be called",
                      "assign the function to a name, or call it directly")
        for keyword in node.keywords:
            if keyword.arg is None:
                self.fail(keyword, "**kwargs in a call is not supported",
                          "pass each keyword argument explicitly")
        # a string written as an argument is an option of the function (np.einsum's
        # subscripts, a mode): the function's rule takes it or its call is refused; a list
        # written as the first argument, the arrays np.concatenate joins (normalize refuses
        # it for a function that does not take a sequence of operands)
        self.visit(node.func)
        for position, value in enumerate([*node.args, *(k.value for k in node.keywords)]):
            if isinstance(value, ast.List) and position == 0:
                for element in value.elts:
                    self.visit(element)
            elif not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
                self.visit(value)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        self.visit(node.value)
        index = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        for item in index:
            if not (isinstance(item, ast.Constant) and item.value is Ellipsis):
                self.visit(item)


def dotted(node: ast.expr) -> list[str] | None:
    """['np', 'linalg', 'norm'] for `np.linalg.norm`; None unless only names and attributes."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return [node.id, *reversed(parts)]
    return None


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        return body[1:]
    return body
