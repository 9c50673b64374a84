"""Zeros that the additions after them overwrite: `d[k] += v` into a part still zero is
`d[k] = v`, and that part need not be zeroed first.

Takes the statements of a specialized function (written, without what nothing reads) and
produces them with each fill of a vector with zeros (a nest of its own, fills.py) cut down
to the parts no later nest writes first: the nests and statements after it that add into the
vector, one element per trip of a single loop (`d[i + 1] += v[i]` for i in range(n - 1)) or
at a constant index (`d[0] += v`), each into a part that is still all zeros, assign instead,
until anything else reads or writes the vector.

Why: the adjoint of a slice's read is zeros with the slice's part added in (`_dy =
zeros_like(y); _dy[:-1] += _d_t`); ode's right-hand side reads `x[1:]` and `y[:-1]` and
writes `z[0]` and `z[1:]`, so that each of its adjoints zeroed two vectors and then added
into almost all of them, eight fills in every reversed trip.

Parts are ranges of positions whose bounds are a size (`x.shape[0]`, the same as written) or
nothing, plus a number, so that `[0, n - 1)` and `[1, n)` are seen to leave `[n - 1, n)` and
`[0, 1)` of `[0, n)`; sizes so written are 2 or more (the pattern's, 1 or more than 1), which
is what compares a position from the start with one from the end. A part whose bounds cannot
be compared so stops the rewriting of its vector there.
"""

from __future__ import annotations

import ast
import copy

from ..emit import Comment, tag
from .code import assign, element, for_range, load
from .syntax import Unknown, bound_names, constant, is_nest, loads

# a bound: (the text of a size expression, or None for none; a number added to it)
Bound = tuple[str | None, int]


def zeros_overwritten(statements: list[ast.stmt]) -> list[ast.stmt]:
    """`statements` with the zero fills of vectors that later additions overwrite cut down to
    what they do not, those additions assigning (in nested blocks too)."""
    for stmt in statements:
        if isinstance(stmt, ast.For | ast.While | ast.If) and not is_nest(stmt):
            stmt.body = zeros_overwritten(stmt.body)
            stmt.orelse = zeros_overwritten(stmt.orelse)
    out = list(statements)
    position = 0
    while position < len(out):
        fill = _zero_fill(out[position])
        replacement = [out[position]] if fill is None else _rewritten(out, position, *fill)
        out[position:position + 1] = replacement
        position += len(replacement)
    return out


def _zero_fill(stmt: ast.stmt):
    """(the vector, its loop's index, its length's expression, the zero) of
    `for i in range(n): vector[i] = 0.0`, else None."""
    if not (isinstance(stmt, ast.For) and is_nest(stmt) and len(stmt.body) == 1):
        return None
    index, size = _single_range(stmt)
    fill = stmt.body[0]
    if index is None or not isinstance(fill, ast.Assign) or len(fill.targets) != 1:
        return None
    target = fill.targets[0]
    if not (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
            and isinstance(target.slice, ast.Name) and target.slice.id == index
            and _is_zero(fill.value)):
        return None
    return target.value.id, index, size, fill.value


def _rewritten(statements: list, position: int, vector: str, index: str, size: ast.expr,
               zero: ast.expr) -> list[ast.stmt]:
    """The fill at `position` as what is left of it, once the additions after it into parts
    still zero are rewritten as assignments (in `statements`)."""
    length = _bound(size)
    if length is None:
        return [statements[position]]
    names = {vector}  # the vector and the names bound to it
    left: list = [((None, 0), length)]  # the parts still zero
    rewrites = []  # (the statement or nest holding an addition, the addition)
    for later in range(position + 1, len(statements)):
        stmt = statements[later]
        if isinstance(stmt, Comment):
            continue
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Name) \
                and stmt.value.id in names and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], ast.Name):
            names.add(stmt.targets[0].id)
            continue
        if not (loads(stmt) | bound_names(stmt)) & names:
            continue
        additions = _additions(stmt, names, length)
        remaining = left
        for _, part in additions or ():
            remaining = _without(remaining, part) if remaining is not None else None
        if not additions or remaining is None:
            break
        rewrites += [(later, addition) for addition, _ in additions]
        left = remaining
    if left == [((None, 0), length)] or not all(_within(part, length) for part in left):
        return [statements[position]]
    for later, addition in rewrites:  # (each into zeros: an assignment)
        assigned = tag(assign(addition.target, addition.value),
                       getattr(addition, "astgrad_origin", None))
        holder = statements[later]
        if holder is addition:
            statements[later] = assigned
        else:
            holder.body[holder.body.index(addition)] = assigned
    return [_filled(vector, index, part, zero) for part in left]


def _additions(stmt: ast.stmt, names: set[str], length: Bound):
    """The additions `vector[k] += v` a statement makes, each with the part it adds into, if
    they are all it does with the vector: one per position of a single loop, or one at a
    constant position; None otherwise."""
    if isinstance(stmt, ast.AugAssign):
        part = _part(stmt, names, None, None, length)
        return None if part is None or loads(stmt.value) & names else [(stmt, part)]
    if not (isinstance(stmt, ast.For) and is_nest(stmt)):
        return None
    index, size = _single_range(stmt)
    if index is None or not all(isinstance(s, ast.Assign | ast.AugAssign) for s in stmt.body):
        return None
    out = []
    for inner in stmt.body:
        targets = inner.targets if isinstance(inner, ast.Assign) else [inner.target]
        reads = loads(inner.value) | {n for t in targets for n in loads(
            t.slice if isinstance(t, ast.Subscript) else t)}
        if reads & names:
            return None
        written = {t.value.id for t in targets if isinstance(t, ast.Subscript)
                   and isinstance(t.value, ast.Name)} | bound_names(inner)
        if not written & names:
            continue
        part = _part(inner, names, index, _bound(size), length) \
            if isinstance(inner, ast.AugAssign) else None
        if part is None:
            return None
        out.append((inner, part))
    return out


def _part(addition: ast.AugAssign, names: set[str], index: str | None, size: Bound | None,
          length: Bound):
    """The part `[start, end)` an addition `vector[k] += v` adds into over the trips of a loop
    over `index` in range(size) (k is `index` plus a number), or once (k a number)."""
    target = addition.target
    if not (isinstance(addition.op, ast.Add) and isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name) and target.value.id in names):
        return None
    at = target.slice
    if index is None:
        position = _integer(at)
        if position is None:
            return None
        start = (None, position) if position >= 0 else (length[0], length[1] + position)
        return start, (start[0], start[1] + 1)
    offset = 0
    if isinstance(at, ast.BinOp) and isinstance(at.op, ast.Add) \
            and isinstance(at.right, ast.Constant) and isinstance(at.right.value, int):
        at, offset = at.left, at.right.value
    if size is None or not (isinstance(at, ast.Name) and at.id == index) or offset < 0:
        return None
    return (None, offset), (size[0], size[1] + offset)


def _without(parts: list, part) -> list | None:
    """`parts` without `part`, which must lie in one of them; None if it cannot be shown to."""
    start, end = part
    for position, (lower, upper) in enumerate(parts):
        if _at_most(lower, start) and _at_most(end, upper):
            pieces = [p for p in ((lower, start), (end, upper)) if p[0] != p[1]]
            return parts[:position] + pieces + parts[position + 1:]
    return None


def _within(part, length: Bound) -> bool:
    """Whether a part left to zero lies in the vector whatever its length, 2 or more (the
    pattern's sizes are 1 or more than 1): from a position from the start to one from the
    end (a loop of no trips if they cross), or within 2 of the start, or of the end."""
    (start, end), (term, number) = part, length
    if start[0] is None:
        return end[0] == term or end[1] <= 2
    return start[0] == end[0] == term and number - start[1] <= 2


def _at_most(first: Bound, second: Bound) -> bool:
    """Whether `first` is certainly at most `second`: a size is 2 or more."""
    if first[0] == second[0]:
        return first[1] <= second[1]
    return first[0] is None and first[1] <= second[1] + 2


def _bound(size: ast.expr) -> Bound | None:
    """A length as (the text of its size expression, a number added): `x.shape[0] - 1` is
    ("x.shape[0]", -1), `3` is (None, 3)."""
    number = _integer(size)
    if number is not None:
        return None, number
    if isinstance(size, ast.BinOp) and isinstance(size.op, ast.Add | ast.Sub) \
            and isinstance(size.right, ast.Constant) and isinstance(size.right.value, int):
        inner = _bound(size.left)
        if inner is not None and inner[0] is not None:
            sign = 1 if isinstance(size.op, ast.Add) else -1
            return inner[0], inner[1] + sign * size.right.value
        return None
    if isinstance(size, ast.Subscript) and isinstance(size.value, ast.Attribute) \
            and size.value.attr == "shape":  # (a dimension of 1 is written 1)
        return ast.unparse(size), 0
    return None


def _integer(node: ast.expr) -> int | None:
    """The int `node` spells (`3`, `-1`), else None."""
    try:
        value = constant(node)
    except Unknown:
        return None
    return value if type(value) is int else None


def _expression(bound: Bound) -> ast.expr:
    text, number = bound
    if text is None:
        return ast.Constant(number)
    size = ast.parse(text, mode="eval").body
    if number == 0:
        return size
    return ast.BinOp(size, ast.Add() if number > 0 else ast.Sub(), ast.Constant(abs(number)))


def _filled(vector: str, index: str, part, zero: ast.expr) -> ast.stmt:
    """Zeros into `vector` over `part`: one statement for one position, else a loop."""
    start, end = part
    if start[0] == end[0] and end[1] - start[1] == 1:
        return assign(element(vector, [_expression(start)], store=True), copy.deepcopy(zero))
    fill = assign(element(vector, [load(index)], store=True), copy.deepcopy(zero))
    bounds = [_expression(end)] if start == (None, 0) else [_expression(start),
                                                            _expression(end)]
    loop = for_range(index, bounds, [fill])
    loop.astgrad_nest = True  # (as code.loops marks its nests, of a range with a start)
    return loop


def _single_range(loop: ast.For) -> tuple[str | None, ast.expr | None]:
    """The index and size of `for index in range(size)`, else (None, None)."""
    if isinstance(loop.target, ast.Name) and isinstance(loop.iter, ast.Call) \
            and isinstance(loop.iter.func, ast.Name) and loop.iter.func.id == "range" \
            and len(loop.iter.args) == 1 and not loop.iter.keywords:
        return loop.target.id, loop.iter.args[0]
    return None, None


def _is_zero(value: ast.expr) -> bool:
    """`0.0`, or `np.float32(0.0)` (code.number's zero)."""
    if isinstance(value, ast.Call) and len(value.args) == 1:
        value = value.args[0]
    return isinstance(value, ast.Constant) and value.value == 0 \
        and not isinstance(value.value, bool)


