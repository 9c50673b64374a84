"""np.max and np.min in a specialized gradient, and their adjoint, as loop nests of their own:
the extremum along an axis (or of all elements), and `extremum_adjoint(g, a, ans, axis,
keepdims)`, which shares g evenly among the elements attaining it (a NaN attains a NaN
extremum), counted along each line first."""

from __future__ import annotations

import ast
import copy

from ..errors import Origin
from .code import assign, element, for_range, load, loops, scratch
from .dimensions import ONE
from .nests import reduced_places
from .syntax import Unknown, constant


def write_extremum(writer, target: str, node: ast.Call, origin: Origin | None, kind: str,
                   x: str, axis: int, keep: bool, sizes: list[str]) -> None:
    """np.max or np.min of `x` along an axis: a nest of its own (the loop along the axis
    starts at the first element)."""
    rank = len(sizes)
    indices = [writer.fresh("_i") for _ in range(rank)]
    kept = [k for k in range(rank) if k != axis]
    out, best = writer.fresh("_out"), writer.fresh("_best")
    at, out_sizes = reduced_places(rank, axis, keep, [load(i) for i in indices], sizes)

    def value_at():
        return element(x, [load(i) for i in indices])

    start = element(x, [ast.Constant(0) if k == axis else load(indices[k]) for k in range(rank)])
    better = ast.Gt() if kind == "max" else ast.Lt()
    wins = ast.BoolOp(ast.Or(), [  # NaN wins
        ast.Compare(value_at(), [ast.NotEq()], [value_at()]),
        ast.BoolOp(ast.And(), [ast.Compare(load(best), [ast.Eq()], [load(best)]),
                               ast.Compare(value_at(), [better], [load(best)])])])
    body = [assign(best, start),
            for_range(indices[axis], [ast.Constant(1), writer.size(sizes[axis])],
                      [ast.If(wins, [assign(best, value_at())], [])]),
            assign(element(out, at, store=True), load(best))]
    allocate = scratch(out, writer.sizes(out_sizes or [ONE]), writer.dtype)
    writer.schedule.own_nest(
        target, node, origin, allocate,
        loops([indices[k] for k in kept], writer.sizes([sizes[k] for k in kept]), body),
        load(out) if out_sizes else element(out, [ast.Constant(0)]))


def write_extremum_adjoint(writer, target: str, node: ast.Call, origin: Origin | None) -> bool:
    """`target = extremum_adjoint(g, a, ans, axis, keepdims)`, a an array of known shape and
    g and ans of the extremum's: along each line of the axis (all of a if axis is None), the
    count of elements attaining the line's extremum, then g's share in each that does."""
    if node.keywords or not 3 <= len(node.args) <= 5:
        return False
    g, a, ans = node.args[:3]
    try:
        axis, keep = (constant(node.args[k]) if len(node.args) > k else None for k in (3, 4))
        shape = writer.infer.shape(a)
        reduced = [writer.infer.shape(v) for v in (g, ans)]
    except Unknown:
        return False
    if not (isinstance(a, ast.Name) and shape) or a.id in writer.transposed \
            or a.id in writer.booleans \
            or not all(isinstance(v, ast.Name | ast.Constant) for v in (g, ans)):
        return False
    rank, sizes = len(shape), writer.infer.sizes(shape)
    axis = None if axis is None else axis % rank
    indices = [writer.fresh("_i") for _ in range(rank)]
    along = list(range(rank)) if axis is None else [axis]
    kept = [k for k in range(rank) if k not in along]
    if axis is None:
        at, out_sizes = [ast.Constant(0)] * rank, [ONE] * rank if keep else []
    else:
        at, out_sizes = reduced_places(rank, axis, bool(keep), [load(i) for i in indices], sizes)
    if any(writer.infer.sizes(s) != writer.infer.sizes(tuple(out_sizes)) for s in reduced):
        return False  # (g or ans not of the extremum's shape: the helper broadcasts them)
    top, count, share = writer.fresh("_top"), writer.fresh("_count"), writer.fresh("_share")
    value = writer.fresh("_x")  # a's element at hand

    def read(line_value: ast.expr) -> ast.expr:  # g or ans, at the line's place
        if isinstance(line_value, ast.Constant) or not writer.infer.shape(line_value):
            return copy.deepcopy(line_value)
        return element(line_value.id, copy.deepcopy(at))

    def attains() -> ast.expr:  # (a NaN attains a NaN extremum)
        nan = ast.BoolOp(ast.And(), [
            ast.Compare(load(value), [ast.NotEq()], [load(value)]),
            ast.Compare(load(top), [ast.NotEq()], [load(top)])])
        return ast.BoolOp(ast.Or(), [ast.Compare(load(value), [ast.Eq()], [load(top)]), nan])

    def along_the_line(body: list[ast.stmt]) -> list[ast.stmt]:
        take = assign(value, element(a.id, [load(i) for i in indices]))
        return loops([indices[k] for k in along], writer.sizes([sizes[k] for k in along]),
                     [take, *body])

    out = writer.fresh("_out")
    body = [assign(top, read(ans)), assign(count, ast.Constant(0)),
            *along_the_line([ast.If(attains(), [ast.AugAssign(
                ast.Name(count, ast.Store()), ast.Add(), ast.Constant(1))], [])]),
            assign(share, ast.BinOp(read(g), ast.Div(), load(count))),
            *along_the_line([assign(element(out, [load(i) for i in indices], store=True),
                                    ast.IfExp(attains(), load(share), ast.Constant(0.0)))])]
    allocate = scratch(out, writer.sizes(sizes), writer.dtype)
    writer.schedule.own_nest(target, node, origin, allocate,
                             loops([indices[k] for k in kept],
                                   writer.sizes([sizes[k] for k in kept]), body), load(out))
    return True
