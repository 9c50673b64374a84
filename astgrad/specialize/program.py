"""The functions of a specialized module: the gradient, and the generic module's functions it
calls (forward helpers and their vjps): one of simple statements written inline where it is
called (inline.py), any other specialized for the symbolic shapes of its arguments at a call,
as a function of its own, once per pattern of shapes.

Takes the generic module's function trees and the dimensions of the gradient's arguments;
produces the specialized functions' trees (`functions`), the generic module's names they read
(`imports`), and whether anything was written as loops (`rewritten`). A helper's loops are
sized by its own parameters, whose dimensions are classes of the gradient's arguments', so
the gradient's check of its arguments' pattern on entry covers every helper. A call the
specializer cannot follow (an argument of unknown shape, a helper with a branch, shapes that
conflict) calls the generic helper, as the generic gradient does."""

from __future__ import annotations

import ast
import copy

from ..emit import Comment, function_def
from ..errors import Origin
from ..names import Names
from ..parse import assigned_names
from ..runtime import float_type
from .blocks import specializable, write_block
from .code import assign, load
from .dead import without_dead
from .dimensions import Dimensions, ShapeConflict
from .hoist import hoisted
from .inline import inlinable, inlined
from .overwrites import zeros_overwritten
from .syntax import Unknown, is_integer, is_transpose, names_bound_once, names_in, resolve
from .writer import Writer


class Program:
    """Writes the specialized module's functions: `write` the gradient's body, and, for each
    call of a helper its writer meets (`call`), the helper inline or specialized."""

    def __init__(self, trees: dict[str, ast.FunctionDef], dims: Dimensions, dtype: str,
                 names: Names, namespace: dict):
        self.trees, self.dims, self.dtype = trees, dims, dtype
        self.names, self.namespace = names, namespace
        self.functions: list[ast.FunctionDef] = []  # the helpers written, in order
        self.imports: set[str] = set()  # the generic module's names the functions read
        self.shares = False  # whether a loop calls extremum_share_scalar
        self.rewritten = 0
        self._written: dict[tuple, tuple | None] = {}  # (helper, shapes) -> (name, returned)
        self._inlining: list[str] = []  # the helpers whose statements are being written

    def write(self, function: ast.FunctionDef, shapes: list[tuple], sizing: dict[str, str],
              booleans: set[str] = frozenset(), ints: set[str] = frozenset(),
              sizes: dict | None = None, int_arrays: set[str] = frozenset()
              ) -> tuple[list, list, Writer]:
        """The body of `function` (prepared, see `prepared`) for parameters of symbolic
        `shapes` (`booleans` of them comparisons' arrays, `ints` ints, `sizes` ints computed
        from dimensions, `int_arrays` arrays of ints), sized by the names `sizing` gives for
        its parameters: the statements binding those names, the rest of the body, and its
        writer. Raises ShapeConflict."""
        params = [a.arg for a in function.args.args]
        local = {*assigned_names(function), *params, *sizing.values()}
        writer = Writer(self.dims, self.dtype, self.names, local,
                        transposed_later=_transposed_later(function), namespace=self.namespace,
                        bound_once=names_bound_once(function.body) - set(params),
                        sizing={sizing[p]: shape for p, shape in zip(params, shapes)},
                        helpers=self)
        for param, shape in zip(params, shapes):
            writer.shapes[param] = shape
        writer.booleans |= set(booleans)
        writer.infer.integers |= set(ints)
        writer.infer.int_arrays |= set(int_arrays)
        writer.infer.values.update(sizes or {})
        write_block(writer, function.body, set())
        writer.schedule.later = set()
        writer.schedule.flush()
        names = lambda node: resolve(node, self.namespace, writer.local)  # noqa: E731
        written = hoisted(zeros_overwritten(without_dead(writer.schedule.statements, set(),
                                                         names)))
        self.imports |= writer.globals
        self.shares |= writer.shares
        self.rewritten += writer.rewritten
        aliases = [assign(given, load(p)) for p, given in sizing.items() if given != p]
        return aliases, written, writer

    def call(self, writer: Writer, node: ast.stmt, origin: Origin | None) -> bool:
        """Write `node` if it binds what a call of a generic module's function returns (`y =
        f(x)`, `a, b = f_vjp(x, g)`): the function's statements, or a call of the function
        specialized for its arguments' shapes, the targets bound to the shapes it returns."""
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
                and node.value.func.id in self.trees and node.value.func.id not in writer.local
                and not node.value.keywords):
            return False
        helper = node.value.func.id
        function = prepared(self.trees[helper], self.namespace)
        if inlinable(function, node.value) and helper not in self._inlining:
            self._inline(writer, function, node, origin)
            return True
        try:
            shapes = [writer.infer.shape(a) for a in node.value.args]
        except Unknown:
            return False
        booleans = [isinstance(a, ast.Name) and a.id in writer.booleans for a in node.value.args]
        ints = [is_integer(a, writer.infer.integers) or writer.infer.size_value(a) is not None
                for a in node.value.args]
        sizes = [writer.infer.size_value(a) for a in node.value.args]
        int_arrays = [writer.infer.of_ints(a) and bool(shape)
                      for a, shape in zip(node.value.args, shapes)]
        written = self._helper(function, shapes, booleans, ints, sizes, int_arrays)
        if written is None:
            return False
        name, (is_tuple, returned) = written
        target = node.targets[0]
        if isinstance(target, ast.Tuple) and is_tuple and len(target.elts) == len(returned) \
                and all(isinstance(t, ast.Name) for t in target.elts):
            bound = [(t.id, known) for t, known in zip(target.elts, returned)]
        elif isinstance(target, ast.Name):
            bound = [(target.id, None if is_tuple or not returned else returned[0])]
        else:
            return False
        if name != node.value.func.id:  # a loop written somewhere inside
            writer.rewritten += 1
        node = copy.deepcopy(node)
        node.value.func = load(name)
        writer.keep(node, origin)
        for target_name, known in bound:
            writer.booleans.discard(target_name)
            writer.shapes.pop(target_name, None)
            if known is not None:
                writer.shapes[target_name] = known[0]
                if known[1]:
                    writer.booleans.add(target_name)
        return True

    def _inline(self, writer: Writer, function: ast.FunctionDef, node: ast.Assign,
                origin: Origin | None) -> None:
        """Write the call `node` of `function` as its statements (inline.py)."""
        statements, renamed = inlined(function, node, self.names, origin)
        writer.local |= set(renamed.values())
        writer.transposed_later |= {renamed[name] for name in _transposed_later(function)
                                    if name in renamed}
        after = writer.schedule.later
        self._inlining.append(function.name)
        try:
            write_block(writer, statements, after)
        finally:
            self._inlining.pop()

    def _helper(self, function: ast.FunctionDef, shapes: list[tuple], booleans: list[bool],
                ints: list[bool], sizes: list, int_arrays: list[bool]):
        """The name of the helper `function` (prepared) specialized for arguments of `shapes`
        (`booleans` of them comparisons' arrays, `ints` ints, of `sizes` where computed from
        dimensions, `int_arrays` arrays of ints) (the generic one's if nothing in it is written
        as loops), and what it returns; None if it cannot be followed."""
        helper = function.name
        sizes = [None if s is None else self.dims.normal(s) for s in sizes]
        key = (helper, tuple(tuple(self.dims.find(d) for d in s) for s in shapes),
               tuple(booleans), tuple(ints), tuple(sizes), tuple(int_arrays))
        if key in self._written:
            return self._written[key]
        self._written[key] = None  # a call of itself, inside: the generic function
        arguments = function.args
        if not specializable(function.body, self.namespace) or len(arguments.args) != len(
                shapes) or arguments.vararg or arguments.kwonlyargs or arguments.kwarg:
            return None
        sizing = sizing_names(function, self.names)
        state = (len(self.functions), set(self._written), set(self.imports), self.shares,
                 self.rewritten)
        params = [a.arg for a in function.args.args]
        try:
            aliases, body, writer = self.write(
                function, shapes, sizing, {p for p, boolean in zip(params, booleans) if boolean},
                {p for p, known in zip(params, ints) if known},
                {p: s for p, s in zip(params, sizes) if s is not None},
                {p for p, known in zip(params, int_arrays) if known})
        except ShapeConflict:
            count, keys, self.imports, self.shares, self.rewritten = state
            del self.functions[count:]
            self._written = {k: v for k, v in self._written.items() if k in keys}
            return None
        name = helper  # nothing written as loops: the generic function is as good
        if writer.rewritten:
            name = self.names.fresh(f"{helper}_specialized")
            self.functions.append(function_def(name, function.args, aliases + body))
        self._written[key] = (name, writer.returned or (False, [None]))
        return self._written[key]


def prepared(tree: ast.FunctionDef, namespace: dict) -> ast.FunctionDef:
    """A copy of a generated function to specialize: no comments, numbers as written."""
    function = copy.deepcopy(tree)
    function.body = [s for s in function.body if not isinstance(s, Comment)]
    _numbers_as_written(function, namespace)
    return function


def sizing_names(function: ast.FunctionDef, names: Names) -> dict[str, str]:
    """The name holding each parameter's value as given: itself, or, for a parameter the
    function rebinds, a name of its own bound at the start (loops are sized by it)."""
    rebound = assigned_names(function)
    return {a.arg: names.fresh(f"_{a.arg}_given") if a.arg in rebound else a.arg
            for a in function.args.args}


def _numbers_as_written(function: ast.FunctionDef, namespace: dict) -> None:
    """Drop the generic gradient's float type of numbers (`_float = float_type(...)`,
    `_float(0.5)`): the specialized code writes its numbers in its one dtype itself."""
    def defines_it(s: ast.stmt) -> bool:
        return isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Name) and isinstance(
            s.value, ast.Call) and resolve(s.value.func, namespace, set()) is float_type

    names = {s.targets[0].id for s in function.body if defines_it(s)}
    function.body = [s for s in function.body if not defines_it(s)]

    class Unwrap(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            if isinstance(node.func, ast.Name) and node.func.id in names:
                return node.args[0]
            return node

    for statement in function.body:
        Unwrap().visit(statement)


def _transposed_later(function: ast.FunctionDef) -> set[str]:
    """The names some statement transposes (`x = name.T`) and no return statement returns
    (those stay row-major, as the generic gradient returns them)."""
    returned = set().union(*(names_in(node) for node in ast.walk(function)
                             if isinstance(node, ast.Return)))
    return {node.value.id for node in ast.walk(function) if is_transpose(node)} - returned
