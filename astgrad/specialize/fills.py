"""New arrays in a specialized gradient: `np.zeros_like(x)`, `np.empty((n, k))`, astgrad's
`zeros_like(x)` (an adjoint's zeros), ... of the float dtype, as arrays of the specialized
function's own (code.scratch) that a loop nest fills (np.empty's, none).

Why: so made, a loop's trips need not each allocate them: hoist.py makes them once before the
loop when no trip reads what the previous trip left in them (ode's reversed trips allocated
twelve arrays each, the right-hand side's `np.empty_like(y)` and its adjoints' zeros; with
hoist.py's sums bound anew, its gradient went from 644 us to 547 us)."""

from __future__ import annotations

import ast

from ..emit import tag
from ..errors import Origin
from .code import assign, element, load, loops, number, scratch
from .nests import assignment, comment
from .syntax import FILLS, viewed_name


def write_filled(writer, target: str, node: ast.Call, origin: Origin | None, form: str) -> bool:
    """`target = node`, a new array (`form`: "zeros", "ones" or "empty") of one argument, its
    shape or the array it is made like; False if of another dtype than the float dtype."""
    if node.keywords or len(node.args) != 1:
        return False
    given = node.args[0]
    infer = writer.infer
    if infer.shape_sizes(given) is not None or infer.size_value(given) is not None:
        if writer.dtype != "float64":  # (NumPy's dtype for a new array of a shape)
            return False
    elif infer.of_ints(given) or viewed_name(given) in writer.booleans:
        return False  # (made like an index table, or a comparison's array)
    shape = infer.shape(node)
    if not shape:
        return False
    sizes = infer.sizes(shape)
    out = writer.fresh("_out")
    statements = [comment(target, node, origin),
                  tag(scratch(out, writer.sizes(sizes), writer.dtype), origin)]
    if FILLS[form] is not None:  # (a nest of its own, before the open one: it reads nothing)
        indices = [writer.fresh("_i") for _ in sizes]
        fill = assign(element(out, [load(i) for i in indices], store=True),
                      number(FILLS[form], writer.dtype))
        statements += loops(indices, writer.sizes(sizes), [fill])  # (trees of their own)
    writer.schedule.place(statements + [assign(target, load(out))], assignment(target, node))
    writer.allocated[target] = out
    writer.rewritten += 1
    return True
