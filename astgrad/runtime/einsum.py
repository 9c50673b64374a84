"""np.einsum and its adjoints, compiled as the loops its subscripts denote (numba has no
einsum).

Generated code calls `einsum(subscripts, *operands)` for np.einsum and, for the adjoint of
operand k, `einsum_adjoint(g, k, subscripts, *operands)`: an einsum of the output's adjoint
and the other operands whose result has operand k's subscripts, which may repeat a letter (a
diagonal: the adjoint of 'ii->i' writes g on the diagonal of zeros) or hold letters no other
operand has (a sum: the adjoint of 'ij->i' spreads g along j).

As Python, they are np.einsum (the adjoint writes through np.einsum's diagonal view). Compiled,
the subscripts are string literals, and each call is a loop nest written for them when numba
types it: one loop per letter, the output's letters and those of the largest strides
outside, a sum over the innermost letters kept in a number. The two modes check each other.
"""

from __future__ import annotations

import numpy as np
from numba import literally, types
from numba.core.errors import TypingError
from numba.extending import overload, register_jitable
from numba.np.numpy_support import as_dtype

from ..shapes import einsum as einsum_shape
from ..subscripts import inner_subscripts, letter_sizes, parse, tensordot_subscripts
from .adjoints import unbroadcast
from .facts import helper


@helper(allocates=True, shape=einsum_shape)
def einsum(subscripts, *operands):
    """np.einsum(subscripts, *operands), compilable by numba; a new array (NumPy's may be a
    view of the operand: 'ii->i', 'ji')."""
    result = np.einsum(subscripts, *operands)
    return result.copy() if any(np.shares_memory(result, op) for op in operands) else result


@helper(allocates=True, shape=lambda g, k, subscripts, *operands: np.shape(operands[k]))
def einsum_adjoint(g, k, subscripts, *operands):
    """The adjoint of operand k of np.einsum(subscripts, *operands), given the output's `g`."""
    operands = [op for op in operands if op is not None]
    terms, output = parse(subscripts, tuple(np.ndim(op) for op in operands))
    target, x = terms[k], operands[k]
    others = [j for j in range(len(operands)) if j != k]
    unique = "".join(dict.fromkeys(target))
    present = set(output).union(*(terms[j] for j in others))
    kept = "".join(c for c in unique if c in present)
    spec = ",".join([output] + [terms[j] for j in others]) + "->" + kept
    summed = np.einsum(spec, g, *(operands[j] for j in others))
    if not target:  # a number: everything summed
        return summed
    sizes = letter_sizes((target, kept), [np.shape(x), np.shape(summed)])
    full = np.zeros(tuple(sizes[c] for c in target), np.result_type(summed, x))
    spread = np.expand_dims(summed, tuple(i for i, c in enumerate(unique) if c not in kept))
    np.einsum(f"{target}->{unique}", full)[...] = spread  # a view: onto the diagonal
    return unbroadcast(full, x)


def _is_operand(value) -> bool:
    return isinstance(value, types.Array | types.Number | types.NoneType | types.Omitted)


@overload(einsum, prefer_literal=True)
def _einsum(subscripts, *operands):
    if not isinstance(subscripts, types.StringLiteral):  # compile again for its value
        return lambda subscripts, *operands: literally(subscripts)
    terms, output = _typed_terms(subscripts, operands)
    factors = [(f"operands[{j}]", term, t) for j, (term, t) in enumerate(zip(terms, operands))]
    return _kernel("subscripts, *operands", factors, output, factors)


@overload(einsum_adjoint, prefer_literal=True)
def _einsum_adjoint(g, k, subscripts, *operands):
    if not isinstance(subscripts, types.StringLiteral):
        return lambda g, k, subscripts, *operands: literally(subscripts)
    if not isinstance(k, types.IntegerLiteral):
        return lambda g, k, subscripts, *operands: literally(k)
    k = k.literal_value
    terms, output = _typed_terms(subscripts, operands)
    others = [(f"operands[{j}]", term, t)
              for j, (term, t) in enumerate(zip(terms, operands)) if j != k and term is not None]
    factors = [("g", output, g), *others]
    x = (f"operands[{k}]", terms[k], operands[k])
    return _kernel("g, k, subscripts, *operands", factors, terms[k], [*factors, x],
                   unbroadcast_to=x[0])


def _typed_terms(subscripts, operands) -> tuple[list, str]:
    """The subscripts read for these operand types (None for an operand not given)."""
    if not all(_is_operand(t) for t in operands):
        raise TypingError(f"astgrad: np.einsum of {operands}: its operands are arrays and "
                          "numbers")
    given = [t for t in operands if not isinstance(t, types.NoneType | types.Omitted)]
    ranks = tuple(getattr(t, "ndim", 0) for t in given)
    try:
        terms, output = parse(subscripts.literal_value, ranks)
    except ValueError as error:
        raise TypingError(f"astgrad: {error}") from None
    read = iter(terms)
    return [None if isinstance(t, types.NoneType | types.Omitted) else next(read)
            for t in operands], output


def _kernel(params: str, factors: list, output: str, sized: list, unbroadcast_to=None):
    """A function of `params` computing the sum over every letter of the product of the
    `factors` (expression, letters, numba type), at `output`'s letters: zeros elsewhere when
    `output` repeats a letter. `sized` are the arrays whose shapes give each letter's size."""
    letters = list(dict.fromkeys("".join(term for _, term, _ in sized) + output))
    order = _loop_order(letters, output, [term for _, term, _ in sized] + [output])
    dtype = _result_dtype([t for _, _, t in factors])
    lines = [f"def kernel({params}):"]
    for letter in letters:
        dims = ", ".join(f"{expr}.shape[{axis}]" for expr, term, _ in sized
                         for axis, c in enumerate(term) if c == letter)
        lines.append(f"    n_{letter} = _letter_size(({dims},))")
    for expr, term, _ in sized:  # a diagonal is of equal sizes, never broadcast
        for letter in {c for c in term if term.count(c) > 1}:
            first = term.index(letter)
            for axis in [a for a, c in enumerate(term) if c == letter][1:]:
                lines.append(f"    if {expr}.shape[{first}] != {expr}.shape[{axis}]:")
                lines.append("        raise ValueError('einsum: a repeated letter needs "
                             "axes of equal sizes')")
    reads = []
    for j, (expr, term, t) in enumerate(factors):
        if isinstance(t, types.Array) and t.ndim:
            shape = "".join(f"n_{c}, " for c in term)
            lines.append(f"    v{j} = np.broadcast_to({expr}, ({shape}))")
            reads.append(f"v{j}[{', '.join(f'i_{c}' for c in term)}]")
        elif isinstance(t, types.Array):
            lines.append(f"    v{j} = {expr}.sum()")  # a 0-d array's one element
            reads.append(f"v{j}")
        else:
            reads.append(expr)
    product = " * ".join(reads)
    summed_inside = _summed_suffix(order, output)
    outside = order[:len(order) - len(summed_inside)]
    if output:
        lines.append(f"    out = np.zeros(({''.join(f'n_{c}, ' for c in output)}), DTYPE)")
    else:
        lines.append("    out = DTYPE(0)")
    indent = "    "
    for letter in outside:
        lines.append(f"{indent}for i_{letter} in range(n_{letter}):")
        indent += "    "
    at = f"out[{', '.join(f'i_{c}' for c in output)}]" if output else "out"
    if summed_inside:
        lines.append(f"{indent}total = DTYPE(0)")
        for k, letter in enumerate(summed_inside):
            lines.append(f"{indent}{'    ' * k}for i_{letter} in range(n_{letter}):")
        lines.append(f"{indent}{'    ' * len(summed_inside)}total += {product}")
        lines.append(f"{indent}{at} += total")
    else:
        lines.append(f"{indent}{at} += {product}")
    result = "out" if unbroadcast_to is None else f"unbroadcast(out, {unbroadcast_to})"
    lines.append(f"    return {result}")
    namespace = {"np": np, "DTYPE": dtype, "_letter_size": _letter_size,
                 "unbroadcast": unbroadcast}
    exec("\n".join(lines), namespace)  # noqa: S102 - the loops these subscripts denote
    return namespace["kernel"]


def _loop_order(letters: list, output: str, terms: list) -> list:
    """Letters from the outermost loop in: those far from the last axis of the arrays they
    index first (so that the inner loops step through memory), the output's first on ties."""
    def distance(letter):
        return sum(len(term) - 1 - term.rindex(letter) for term in terms if letter in term)
    return sorted(letters, key=lambda c: (-distance(c), c not in output, letters.index(c)))


def _summed_suffix(order: list, output: str) -> list:
    """The innermost letters that are not the output's: their sum is kept in a number."""
    suffix = []
    for letter in reversed(order):
        if letter in output:
            break
        suffix.insert(0, letter)
    return suffix


def _result_dtype(types_: list):
    """The product's dtype: the arrays' (numbers only raise integers to float64)."""
    arrays = [as_dtype(t.dtype) for t in types_ if isinstance(t, types.Array)]
    numbers = [as_dtype(t) for t in types_ if isinstance(t, types.Number)]
    dtype = np.result_type(*arrays) if arrays else np.result_type(*numbers)
    if any(n.kind == "f" for n in numbers) and dtype.kind in "iub":
        dtype = np.dtype(np.float64)
    return dtype.type


@register_jitable
def _letter_size(dims):
    size = 1
    for n in dims:
        if n != 1:
            if size != 1 and n != size:
                raise ValueError("einsum operands do not broadcast together")
            size = n
    return size



# -- products that are einsums of their operands' ranks: np.inner, np.tensordot -------------


def _contraction(subscripts_of, name: str):
    """The helpers of a product that is an einsum: `product(a, b, axes)` and
    `product_adjoint(g, k, a, b, axes)`, their subscripts from the operands' ranks (and
    tensordot's axes), which numba knows when it types the call."""
    def product(a, b, axes=2):
        return np.einsum(subscripts_of((np.ndim(a), np.ndim(b)), axes), a, b)

    def adjoint(g, k, a, b, axes=2):
        return einsum_adjoint(g, k, subscripts_of((np.ndim(a), np.ndim(b)), axes), a, b)

    def static(axes):
        return axes.literal_value if isinstance(axes, types.Literal) else (
            axes.value if isinstance(axes, types.Omitted) else axes)

    def typing(a, b, axes=2):
        if not isinstance(static(axes), int):
            return lambda a, b, axes=2: literally(axes)
        subscripts = subscripts_of((_rank(a), _rank(b)), static(axes))
        return _calling(f"def {name}(a, b, axes=2):\n"
                        f"    return einsum({subscripts!r}, a, b)")

    def adjoint_typing(g, k, a, b, axes=2):
        if not isinstance(k, types.IntegerLiteral):
            return lambda g, k, a, b, axes=2: literally(k)
        if not isinstance(static(axes), int):
            return lambda g, k, a, b, axes=2: literally(axes)
        subscripts = subscripts_of((_rank(a), _rank(b)), static(axes))
        return _calling(f"def {name}_adjoint(g, k, a, b, axes=2):\n"
                        f"    return einsum_adjoint(g, {k.literal_value}, {subscripts!r}, a, b)")

    product.__name__, adjoint.__name__ = name, f"{name}_adjoint"
    product.__qualname__, adjoint.__qualname__ = name, f"{name}_adjoint"
    overload(product, prefer_literal=True)(typing)
    overload(adjoint, prefer_literal=True)(adjoint_typing)
    return product, adjoint


def _rank(t) -> int:
    return t.ndim if isinstance(t, types.Array) else 0


def _calling(source: str):
    namespace = {"einsum": einsum, "einsum_adjoint": einsum_adjoint}
    exec(source, namespace)  # noqa: S102 - a call with its subscripts written out
    return namespace[source.split("(")[0][4:]]


inner, inner_adjoint = _contraction(inner_subscripts, "inner")
tensordot, tensordot_adjoint = _contraction(tensordot_subscripts, "tensordot")
