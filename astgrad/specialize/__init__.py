"""Specialize: a generated gradient rewritten for arguments of known ranks and shape pattern,
its elementwise, broadcasting and reduction steps as plain loops.

Takes the syntax tree of a generated gradient function, as the reverse stage wrote it (its
statements tagged with their user lines), and the arguments of a call: arrays of rank 1 or 2
of one float dtype, and numbers. Produces the text of a module whose function computes
the same values for arguments of the same ranks, dtype and *shape pattern*, or None when the
gradient is not straight-line code (loops, branches and tapes stay generic).

The shape pattern: which of the arguments' dimensions are 1 (the others are more than 1),
and which are equal to which. The
specializer follows every dimension of every value back to the arguments' (a class of equal
dimensions, or 1), so each loop nest knows its sizes and which operand repeats along which
dimension: no broadcasting machinery is left at run time. The function starts by checking the
pattern and raises `ShapePatternError` on arguments of another one (the caller then uses the
generic gradient).

Why: numba compiles each NumPy array expression and each generic helper (`unbroadcast`,
`unreduce`, the reductions) of the generic gradient as its own piece of machine code with its
own broadcasting machinery, then optimizes all of it again inside the gradient; loop nests for
the shapes at hand compile in a fraction of that time. Consecutive statements over the same
sizes share one nest (each still writes its own array; a value the nest computes is read only
at the nest's own indices), so that a forward or adjoint pass runs over memory once per shape
rather than once per operation; a statement that only names an array or its transpose waits
until after the nest, so that later ones may still join it; an array a nest fills element by
element that nothing after it reads is a number in the loop instead. Compiled, the loops' sums
may be reordered (numba's fastmath flags `reassoc` and `contract`,
astgrad.api.SUMS_IN_ANY_ORDER), so that numba vectorizes them, as BLAS reorders its own sums.
Statements the specializer does not write as loops (anything of unknown shape) are kept as they
were: the generic helpers remain the fallback.

A call is known by the object it calls (found in the generic module's namespace) and that
object's declared facts (astgrad/runtime/facts.py): its `loop` form below, or, for any other,
its `shape`, so that a statement kept as it was still gives later ones its value's shape.

    dimensions.py  classes of dimensions known equal, and the check of the pattern
    syntax.py      what a call calls, the loop forms, small readers of syntax trees
    inference.py   the symbolic shape of each value
    writer.py      statement by statement: loops, np.dot, or the statement as it was
    elements.py    an expression's element at a loop nest's indices
    schedule.py    loop nests shared by consecutive statements; where other statements go
    nests.py       a loop nest's parts, and an array it fills turned into a number
    code.py        builders of the trees written (names, elements, numbers, new arrays, loops)
    simplify.py    helpers that are the identity for the pattern's dtype, written as such

It writes syntax trees, tagged with their user lines as the generic gradient's are; emit
prints them.

Grammar rewritten (statements of the generic gradient, one operation per line):

    t = E                                 E elementwise of rank 1 or 2: one loop nest
    t = unbroadcast(E, like)              the loop nest adds into `like`'s shape
    t = reduce_f(x, axis=k, keepdims=b)   f in sum, mean, max, min: a loop nest
    t = np.sum(x) | np.mean(x)            a loop
    t = promoted_matmul(a, b), matmul_adjoint_a/b(g, a, b)   of matrices: np.dot into an
                                  array, or loops if a dimension is 1 (an outer product
                                  elementwise; a matrix-vector product summed in the
                                  matrix's memory order)
    t = a.T                       kept; loops read `a` itself (in its own memory order)
    E := name | number | E op E | -E | np.f(E) | np.maximum(E, E) | np.minimum(E, E)
         | unreduce(E, like, axis, keepdims) | unbroadcast(E, like of E's shape)
         | extremum_share(E, E, E, larger) | size(x)
         | select(C, E, E) | np.where(C, E, E)    C := E < E, E == E, ... or a name of one
"""

from __future__ import annotations

import ast
import copy

import numpy as np

from ..emit import Comment, function_def, module_text
from ..names import Names
from ..parse import assigned_names
from ..runtime import float_type
from .code import assign, load
from .dimensions import Dimensions, ShapeConflict
from .syntax import is_transpose, names_in, resolve
from .writer import Writer


def argument_pattern(arguments) -> tuple | None:
    """The shapes of `arguments` (() for a number) and their common float dtype, or None if
    they are not arrays of rank 1 or 2 of one float dtype and numbers.

    >>> argument_pattern((np.ones((3, 2)), np.ones(2), 0.5))
    (((3, 2), (2,), ()), dtype('float64'))
    """
    shapes, dtypes = [], set()
    for value in arguments:
        if isinstance(value, np.ndarray):
            if value.ndim not in (1, 2) or value.dtype not in (np.float32, np.float64):
                return None
            shapes.append(value.shape)
            dtypes.add(value.dtype)
        elif isinstance(value, (float, int)) and not isinstance(value, bool):
            shapes.append(())
        else:
            return None
    return (tuple(shapes), dtypes.pop()) if len(dtypes) == 1 else None


def straight_line(function: ast.FunctionDef) -> bool:
    """Whether a generated function is statements one after another (no loop or branch):
    what `specialize` takes."""
    return all(isinstance(s, ast.Assign | ast.AugAssign | ast.Expr | ast.Return | Comment)
               for s in function.body)


def specialize(generic: ast.FunctionDef, shapes: tuple, dtype, module_name: str,
               namespace: dict) -> str | None:
    """The text of a module defining the function `generic` (a tree the reverse stage wrote,
    left as it is) for arguments with the pattern of `shapes` and of `dtype`, or None if
    nothing in it can be. Its module is importable as `module_name`, its globals `namespace`
    (what its calls call).

    >>> specialize(gradient.trees["value_and_grad_loss"], ((3, 2), (64, 2)), np.float64, name,
    ...            vars(sys.modules[name]))
    """
    if not straight_line(generic):
        return None
    function = copy.deepcopy(generic)
    function_name = function.name
    function.body = [s for s in function.body if not isinstance(s, Comment)]
    _numbers_as_written(function, namespace)
    params = [a.arg for a in function.args.args]
    if len(params) != len(shapes):
        return None
    names = Names(names_in(function) | set(namespace))
    # loops are sized by the arguments' shapes: an argument the function rebinds is also
    # bound to a name of its own at the start, whose shape the loops read
    sizing, aliases = {}, []
    for param in params:
        sizing[param] = param
        if param in assigned_names(function):
            sizing[param] = names.fresh(f"_{param}_given")
            aliases.append(assign(sizing[param], load(param)))
    dims = Dimensions({sizing[p]: shape for p, shape in zip(params, shapes)})
    dtype_name = np.dtype(dtype).name
    writer = Writer(dims, dtype_name, names, {*assigned_names(function), *params,
                                              *sizing.values()},
                    transposed_later=_transposed_later(function), namespace=namespace)
    for param, shape in zip(params, shapes):
        writer.shapes[param] = dims.of_argument(sizing[param], shape)
    read_from = [set() for _ in range(len(function.body) + 1)]  # by statements k, k+1, ...
    for k in reversed(range(len(function.body))):
        read_from[k] = read_from[k + 1] | names_in(function.body[k])
    try:
        for k, statement in enumerate(function.body):
            writer.schedule.later = read_from[k]
            writer.statement(statement, getattr(statement, "astgrad_origin", None))
        writer.schedule.later = set()
        writer.schedule.flush()
    except ShapeConflict:
        return None
    if not writer.rewritten:
        return None
    docstring = (f"{function_name} of {module_name}, specialized by astgrad for arguments "
                 f"of shapes like {shapes} and dtype {dtype_name}:\nits elementwise, "
                 "broadcasting and reduction steps written as loops for them.")
    header = ["", "import numpy as np", "from astgrad.runtime import ShapePatternError" + (
        ", extremum_share_scalar" if writer.shares else "")]
    imports = sorted(writer.globals - {"np"})
    if imports:
        header.append(f"from {module_name} import {', '.join(imports)}")
    body = aliases + dims.guard() + writer.schedule.statements
    text, _ = module_text(docstring, header, [function_def(function_name, function.args, body)])
    return text


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
    returned = set().union(*(names_in(node) for node in function.body
                             if isinstance(node, ast.Return)))
    return {node.value.id for node in ast.walk(function) if is_transpose(node)} - returned
