"""Normalize: parsed functions to one operation per statement (the grammar of `ir`).

Takes the `ParsedFunction` of the function to differentiate. Produces a `Program`: that
function, and every user function it calls (defined at module level, imported, or nested in
it), each as an `ir.Function` whose statements apply one primitive to atoms. Nested
expressions get temporaries (`_t1`), tuple unpacking one assignment per name, `x += v` the
operation and the assignment, loops and jumps the forms described in `ir`. Calls of the user's
functions have their arguments bound to parameters, defaults filled in.

Every statement made from one user statement shares that statement's `Origin`, so the generated
code can label each line with the user line it comes from, and errors can point at it.

    expressions.py  expressions, free names resolved, short-circuit operators
    statements.py   assignments, stores into arrays, if, return, jumps as flags and guards
    loops.py        for (over ranges, arrays, zip, enumerate) and while
    returns.py      returns before the end made structured where possible
"""

from __future__ import annotations

import ast
import inspect
import types

from .. import ir
from ..analysis import SharingCheck, refuse_shared_writes
from ..errors import NonScalarOutputError, Origin, UnsupportedSyntaxError
from ..names import Names
from ..parse import ParsedFunction, assigned_names, is_library_function, parse
from ..rules import lookup
from ..runtime import not_shared
from .loops import LoopNormalizer, watch_while_loops
from .returns import always_returns, lift_returns, mark_returns
from .statements import StatementNormalizer


class FunctionNormalizer(LoopNormalizer, StatementNormalizer):
    def function(self, key: object) -> ir.Function:
        tree = self.parsed.tree
        statements = [s for s in tree.body
                      if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        statements = lift_returns(statements)
        mark_returns(statements)
        for stmt in statements:
            if isinstance(stmt, ast.FunctionDef):
                self.local_functions[stmt.name] = self.program.nested(stmt, self.parsed)
        body = self.block([s for s in statements if not isinstance(s, ast.FunctionDef)])
        if not (body and isinstance(body[-1], ir.Return)):
            if self.result is None or not always_returns(statements):
                raise NonScalarOutputError(
                    f"{self.parsed.name} can end without returning a value",
                    self.parsed.origin(tree), "end every path through it with `return value`")
            body.append(ir.Return(ir.Name(self.result), self.parsed.origin(statements[-1])))
        if self.returned:
            body.insert(0, ir.Assign(self.returned, ir.Const(False), self.parsed.origin(tree)))
        body = _without_unread_flags(body)
        params = self.parsed.params + self.parsed.kwonly
        function = ir.Function(self.parsed.name, params, self.parsed.defaults, body,
                               self.parsed.origin(tree), self.parsed.filename,
                               frozenset(self.names.taken), key)
        function.returns_tuple = isinstance(body[-1].value, tuple)
        function.flags = frozenset(self.flag_names)
        function.keyword_only = frozenset(self.parsed.kwonly)
        watch_while_loops(function, self.names)
        for check in refuse_shared_writes(function, self.program):
            _insert_check(function.body, check, self.names, self.parsed.local_names)
        return function

    def stmt_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.fail(node, "helper functions can be defined only at the top level of the "
                        "function body", "move the def out of the if or loop")


def _insert_check(block: list, check: SharingCheck, names: Names, user_names) -> bool:
    """Put `check` (a call of not_shared) before or after its statement, wherever in `block`
    that is; whether it was found. Its error names the checked name only if the user wrote it
    (not a temporary of an unpacking), and the line that made it."""
    for position, stmt in enumerate(block):
        if stmt is check.at:
            shown = check.name if check.name in user_names or not check.written else ""
            call = ir.Call(not_shared, (ir.Name(check.name), ir.Const(shown),
                                        ir.Const(check.line), ir.Const(check.written),
                                        ir.Const(stmt.origin.line)))
            block.insert(position + check.after, ir.Assign(names.temp(), call, stmt.origin))
            return True
        if any(_insert_check(inner, check, names, user_names) for inner in ir.blocks_of(stmt)):
            return True
    return False


def _without_unread_flags(body: list) -> list:
    """Drop `flag = True/False` for flags nothing reads (a jump with nothing after it)."""
    read = {name for stmt in ir.walk(body) for name in ir.reads(stmt)}
    read |= {s.until for s in ir.walk(body) if isinstance(s, ir.For) and s.until}

    def keep(stmt) -> bool:
        return not (isinstance(stmt, ir.Assign) and isinstance(stmt.value, ir.Const)
                    and isinstance(stmt.value.value, bool) and stmt.target.startswith(
                        ("_break", "_continue", "_returned")) and stmt.target not in read)

    def clean(block: list) -> list:
        out = []
        for stmt in block:
            if not keep(stmt):
                continue
            if isinstance(stmt, ir.If):
                stmt.body, stmt.orelse = clean(stmt.body), clean(stmt.orelse)
            elif isinstance(stmt, ir.For | ir.While):
                stmt.body = clean(stmt.body)
                if isinstance(stmt, ir.For) and stmt.until not in read:
                    stmt.until = None
            out.append(stmt)
        return out

    return clean(body)


class Program:
    """The function to differentiate and the user functions it calls, normalized once each."""

    def __init__(self):
        self.functions: dict[object, ir.Function] = {}
        self.signatures: dict[object, inspect.Signature] = {}
        self.captured: dict[object, list[str]] = {}  # nested function key -> enclosing names
        self.main: object = None
        self._normalizing: list[object] = []
        self._nested: dict[object, ParsedFunction] = {}
        self.functions_named: dict[object, str] = {}

    def normalize(self, parsed: ParsedFunction, key: object, is_helper: bool,
                  aux: bool = False) -> ir.Function:
        if key in self.functions:
            return self.functions[key]
        self._normalizing.append(key)
        self.functions_named[key] = parsed.name
        try:
            names = Names(parsed.local_names)
            normalizer = FunctionNormalizer(parsed, names, self, is_helper=is_helper, aux=aux)
            function = normalizer.function(key)
            function.aux = aux
        finally:
            self._normalizing.pop()
        if is_helper:
            _refuse_writes_into_arguments(function)
        self.functions[key] = function
        return function

    @property
    def main_function(self) -> ir.Function:
        return self.functions[self.main]

    def helpers(self) -> list[ir.Function]:
        return [f for key, f in self.functions.items() if key != self.main]

    # -- called by the normalizers --------------------------------------------------------

    def user_function(self, obj: object) -> ir.UserFunction | None:
        """The UserFunction for a Python function of the user's (one without a rule)."""
        obj = getattr(obj, "py_func", obj)
        if not isinstance(obj, types.FunctionType) or lookup(obj) is not None \
                or is_library_function(obj):
            return None
        return ir.UserFunction(obj, obj.__name__)

    def nested(self, node: ast.FunctionDef, parent: ParsedFunction) -> ir.UserFunction:
        """A function defined inside another: its free names from the enclosing function
        become extra parameters, passed at every call."""
        key = (parent.func, node.name, node.lineno)
        inner = _nested_parsed(node, parent)
        captured = sorted(_free_names(node) & parent.local_names - set(inner.params))
        inner.params = inner.params + captured
        inner.local_names = inner.local_names | frozenset(captured)
        self.captured[key] = captured
        self.signatures[key] = inspect.Signature(
            [inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in inner.params])
        self._nested[key] = inner
        return ir.UserFunction(key, node.name)

    def call(self, user: ir.UserFunction, args: tuple, kwargs: tuple, at: Origin) -> ir.Call:
        """A call of a user function, its arguments in parameter order, defaults filled in."""
        if user.key in self._normalizing:
            chain = [self.functions_named.get(k, "?") for k in self._normalizing]
            cycle = " → ".join(chain[chain.index(user.name):] + [user.name]) \
                if user.name in chain else user.name
            raise UnsupportedSyntaxError(f"recursion is not supported: {cycle}", at,
                                         "rewrite the recursion as a loop")
        function = self.function_of(user)
        extra = tuple(ir.Name(n) for n in self.captured.get(user.key, ()))
        signature = self.signatures[user.key]
        try:
            bound = signature.bind(*args, *extra, **dict(kwargs))
        except TypeError as error:
            raise UnsupportedSyntaxError(f"{user.name}(...): {error}", at) from None
        bound.apply_defaults()
        assert len(bound.arguments) == len(function.params)
        return ir.Call(user, tuple(v if isinstance(v, ir.Name | ir.Const) else ir.Const(v)
                                   for v in bound.arguments.values()))

    def function_of(self, user: ir.UserFunction) -> ir.Function:
        if user.key not in self.functions:
            if user.key in self._nested:
                self.normalize(self._nested[user.key], user.key, is_helper=True)
            else:
                parsed = parse(user.key)
                self.signatures[user.key] = inspect.signature(user.key)
                self.normalize(parsed, user.key, is_helper=True)
        return self.functions[user.key]

    def returns_tuple(self, user: ir.UserFunction) -> bool:
        return self.function_of(user).returns_tuple

    def arity(self, user: ir.UserFunction) -> int:
        value = self.function_of(user).body[-1].value
        return len(value) if isinstance(value, tuple) else 1


def normalize_program(func: object, has_aux: bool = False) -> Program:
    """The function `func` and the user functions it calls, normalized. With `has_aux`,
    `func` returns a pair `(value, aux)`."""
    program = Program()
    parsed = parse(func)
    program.main = parsed.func
    program.normalize(parsed, parsed.func, is_helper=False, aux=has_aux)
    return program


def _nested_parsed(node: ast.FunctionDef, parent: ParsedFunction) -> ParsedFunction:
    params = [a.arg for a in node.args.posonlyargs + node.args.args]
    if node.args.kwonlyargs or node.args.defaults:
        raise UnsupportedSyntaxError("nested helper functions take plain positional parameters",
                                     parent.origin(node), "define it at module level instead")
    inner = ParsedFunction(parent.func, node.name, parent.filename, node, params, [], {},
                           frozenset(params) | assigned_names(node))
    inner.resolve = parent.resolve  # free names not captured resolve like the parent's
    return inner


def _free_names(node: ast.FunctionDef) -> set[str]:
    loaded = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)
              and isinstance(n.ctx, ast.Load)}
    params = {a.arg for a in node.args.posonlyargs + node.args.args}
    return loaded - assigned_names(node) - params


def _refuse_writes_into_arguments(function: ir.Function) -> None:
    for stmt in ir.walk(function.body):
        if isinstance(stmt, ir.Store) and stmt.array in function.params:
            raise UnsupportedSyntaxError(
                f"{function.name} writes into its argument '{stmt.array}', which would change "
                "the caller's array", stmt.origin,
                f"write into a copy ({stmt.array} = {stmt.array}.copy()) and return it")


__all__ = ["Program", "normalize_program"]
