"""Specialize: a generated gradient rewritten for arguments of known ranks and shape pattern,
its elementwise, broadcasting and reduction steps as plain loops.

Takes the syntax trees of a generated gradient function and of the helpers of its module, as
the reverse stage wrote them (their statements tagged with their user lines), and the arguments
of a call: arrays of rank 1 or 2 of one float dtype (and of ints, which it reads only by index:
a table of indices), and numbers. Produces the text of a module whose function computes the
same values for arguments of the same ranks, dtypes and *shape pattern*, or None when nothing
in it can be written as loops. Its `for` loops over ranges and `while` loops stay loops, their
bodies specialized once for every trip, and its branches stay branches (blocks.py); the helpers
it calls (a forward function, a vjp) are specialized for the shapes of their arguments at each
call (program.py); slices with bounds of their own (`x[1:]`, `y[:-1]`) have a dimension of
their argument's less a number.

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

    program.py     the module's functions: the gradient, and its helpers for their calls
    inline.py      a straight-line helper's call written as its statements in its caller
    blocks.py      statements one after another, and loops over ranges
    dimensions.py  classes of dimensions known equal, and the check of the pattern
    sizes.py       ints computed from the arguments' dimensions (slices' bounds)
    syntax.py      what a call calls, the loop forms, small readers of syntax trees
    inference.py   the symbolic shape of each value
    writer.py      statement by statement: loops, np.dot, or the statement as it was
    elements.py    an expression's element at a loop nest's indices
    extrema.py     np.max and np.min, and their adjoint, as nests of their own
    fills.py       new arrays (np.zeros_like(x), np.empty(...)) of the function's own
    schedule.py    loop nests shared by consecutive statements; where other statements go
    nests.py       a loop nest's parts, and an array it fills turned into a number
    code.py        builders of the trees written (names, elements, numbers, new arrays, loops)
    simplify.py    helpers that are the identity for the pattern's dtype, written as such
    dead.py        what nothing reads, left out
    overwrites.py  zeros that the additions after them overwrite, left out
    hoist.py       arrays a loop's trips fill, made once before it

It writes syntax trees, tagged with their user lines as the generic gradient's are; emit
prints them.

Grammar rewritten (statements of the generic gradient, one operation per line):

    t = E                                 E elementwise of rank 1 or 2: one loop nest
    t = unbroadcast(E, like)              the loop nest adds into `like`'s shape
    t = reduce_f(x, axis=k, keepdims=b)   f in sum, mean, max, min: a loop nest
    t = np.sum(x) | np.mean(x)            a loop
    t = np.zeros_like(x) | np.ones((m, n)) | np.empty_like(x) | zeros_like(x)   of the float
                                  dtype: an array of the function's own, filled by a nest
                                  (np.empty's by none)
    t = promoted_matmul(a, b), matmul_adjoint_a/b(g, a, b)   of matrices: np.dot into an
                                  array, or loops if a dimension is 1 (an outer product
                                  elementwise; a matrix-vector product summed in the
                                  matrix's memory order)
    t = a.T                       kept; loops read `a` itself (in its own memory order)
    t = x[1:, None, 0]            kept (a view); loops read it, or x at shifted indices
    t = f(...), a, b = f_vjp(...) a helper of the module, specialized for its arguments
    for i in range(...): block    a loop, its block written as these (and while c: block)
    if c: block else: block       a branch, each block written as these
    E := name | number | E op E | -E | np.f(E) | np.maximum(E, E) | np.minimum(E, E)
         | x[1:, None, 0] | own(E)
         | unreduce(E, like, axis, keepdims) | unbroadcast(E, like of E's shape)
         | extremum_share(E, E, E, larger) | size(x)
         | select(C, E, E) | np.where(C, E, E)    C := E < E, E == E, ... or a name of one
"""

from __future__ import annotations

import ast

import numpy as np

from ..emit import function_def, module_text
from ..names import Names
from .blocks import specializable
from .dimensions import Dimensions, ShapeConflict
from .program import Program, prepared, sizing_names
from .syntax import names_in

__all__ = ["argument_pattern", "specializable", "specialize"]

FLOATS = (np.float32, np.float64)


def argument_pattern(arguments) -> tuple | None:
    """The shapes of `arguments` (() for a number), their common float dtype, and the
    positions of the arrays of ints among them (index tables); None if they are not arrays of
    rank 1 or 2 (of one float dtype, or of ints) and numbers, with at least one float array
    or, when there is none, a float number (the dtype is then float64).

    >>> argument_pattern((np.ones((3, 2)), np.arange(2), 0.5))
    (((3, 2), (2,), ()), dtype('float64'), (1,))
    >>> argument_pattern((0.5, 3))
    (((), ()), dtype('float64'), ())
    """
    shapes, dtypes, integers = [], set(), []
    for position, value in enumerate(arguments):
        if isinstance(value, np.ndarray):
            if value.ndim not in (1, 2) or (value.dtype not in FLOATS and value.dtype.kind != "i"):
                return None
            shapes.append(value.shape)
            if value.dtype in FLOATS:
                dtypes.add(value.dtype)
            else:
                integers.append(position)
        elif isinstance(value, (float, int)) and not isinstance(value, bool):
            shapes.append(())
        else:
            return None
    if not dtypes and any(isinstance(value, float) for value in arguments):
        dtypes.add(np.dtype(np.float64))  # numbers only: Python's floats are float64
    return (tuple(shapes), dtypes.pop(), tuple(integers)) if len(dtypes) == 1 else None


def specialize(generic: ast.FunctionDef, shapes: tuple, dtype, integers: tuple,
               module_name: str, namespace: dict,
               trees: dict[str, ast.FunctionDef] | None = None) -> tuple[str, list[str]] | None:
    """The text of a module defining the function `generic` (a tree the reverse stage wrote,
    left as it is) for arguments with the pattern of `shapes` and of `dtype`, and the names
    of its functions (the first `generic`'s); None if nothing in it can be. Its module is
    importable as `module_name`, its globals `namespace` (what its calls call), its other
    functions' trees `trees` (the helpers it calls, specialized too).

    >>> specialize(gradient.trees["value_and_grad_loss"], ((3, 2), (64, 2)), np.float64, (), name,
    ...            vars(sys.modules[name]), gradient.trees)
    """
    if not specializable(generic.body, namespace):
        return None
    function = prepared(generic, namespace)
    params = [a.arg for a in function.args.args]
    if len(params) != len(shapes):
        return None
    trees = {name: tree for name, tree in (trees or {}).items() if name != generic.name}
    names = Names(set().union(*(names_in(t) for t in [function, *trees.values()]))
                  | set(namespace) | set(trees))
    # loops are sized by the arguments' shapes: an argument the function rebinds is also
    # bound to a name of its own at the start, whose shape the loops read
    sizing = sizing_names(function, names)
    dims = Dimensions({sizing[p]: shape for p, shape in zip(params, shapes)})
    dtype_name = np.dtype(dtype).name
    program = Program(trees, dims, dtype_name, names, namespace)
    try:
        aliases, body, _ = program.write(
            function, [dims.of_argument(sizing[p], shape) for p, shape in zip(params, shapes)],
            sizing, int_arrays={params[k] for k in integers})
    except ShapeConflict:
        return None
    if not program.rewritten:
        return None
    docstring = (f"{function.name} of {module_name}, specialized by astgrad for arguments "
                 f"of shapes like {shapes} and dtype {dtype_name}:\nits elementwise, "
                 "broadcasting and reduction steps written as loops for them.")
    header = ["", "import numpy as np", "from astgrad.runtime import ShapePatternError" + (
        ", extremum_share_scalar" if program.shares else "")]
    imports = sorted(program.imports - {"np"})
    if imports:
        header.append(f"from {module_name} import {', '.join(imports)}")
    body = aliases + dims.guard() + body
    functions = [function_def(function.name, function.args, body), *program.functions]
    text, _ = module_text(docstring, header, functions)
    return text, [f.name for f in functions]
