"""np.einsum's subscripts read into one letter per axis: what the einsum helpers
(astgrad/runtime/einsum.py), its shape fact (astgrad/shapes.py) and the tape engine share.

`parse("ij,jk", (2, 2))` is `(("ij", "jk"), "ik")`: the operands' subscripts and the
output's, with NumPy's meanings: without `->`, the output is the letters that appear once, in
alphabetical order; `...` stands for the axes no letter names, which broadcast (right aligned)
and lead an implicit output. Each `...` becomes letters the subscripts do not use, so that
every axis has a letter.
"""

from __future__ import annotations

import string

LETTERS = string.ascii_letters


def parse(subscripts: str, ranks: tuple[int, ...]) -> tuple[tuple[str, ...], str]:
    """The operands' letters and the output's, `...` spelled out (ranks: each operand's)."""
    if not isinstance(subscripts, str):
        raise ValueError("einsum's subscripts must be a string such as 'ij,jk->ik' (the form "
                         "with lists of axis numbers is not supported)")
    text = subscripts.replace(" ", "")
    inputs, arrow, output = text.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(ranks):
        raise ValueError(f"einsum subscripts '{subscripts}' name {len(terms)} operand(s) and "
                         f"{len(ranks)} were given")
    for term in (*terms, output):
        if any(c not in LETTERS for c in term.replace("...", "")) or term.count("...") > 1:
            raise ValueError(f"einsum subscripts '{subscripts}': each term is letters with at "
                             "most one '...'")
    spare = [c for c in LETTERS if c not in text]
    broadcast = max((rank - len(term.replace("...", ""))
                     for term, rank in zip(terms, ranks) if "..." in term), default=0)
    ellipsis = "".join(spare[:broadcast])
    expanded = []
    for term, rank in zip(terms, ranks):
        extra = rank - len(term.replace("...", ""))
        if extra < 0 or (extra and "..." not in term):
            raise ValueError(f"einsum subscripts '{term}' do not fit an operand of "
                             f"{rank} dimension(s)")
        expanded.append(term.replace("...", ellipsis[len(ellipsis) - extra:]))
    if arrow:
        if any(output.count(c) > 1 for c in output.replace("...", "")):
            raise ValueError(f"einsum output subscripts '{output}' repeat a letter")
        if ellipsis and "..." not in output and "..." in inputs:
            raise ValueError(f"einsum subscripts '{subscripts}' need '...' in the output too")
        result = output.replace("...", ellipsis)
        missing = set(result) - set("".join(expanded))
        if missing:
            raise ValueError(f"einsum output letter(s) {''.join(sorted(missing))} appear in "
                             "no operand")
    else:
        letters = "".join(expanded)
        once = sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ellipsis)
        result = ellipsis + "".join(once)
    return tuple(expanded), result


def letter_sizes(terms: tuple[str, ...], shapes: list[tuple]) -> dict[str, int]:
    """The size along each letter: the operands' sizes for it, where 1 broadcasts."""
    sizes: dict[str, int] = {}
    for term, shape in zip(terms, shapes):
        for letter in set(term):
            dims = {n for c, n in zip(term, shape) if c == letter}
            if len(dims) > 1:
                raise ValueError(f"einsum subscripts '{term}' repeat '{letter}' over axes of "
                                 f"sizes {sorted(dims)}: a diagonal needs equal sizes")
        for letter, n in zip(term, shape):
            known = sizes.get(letter, 1)
            if known != n and 1 not in (known, n):
                raise ValueError(f"einsum operands do not broadcast: {known} and {n} along "
                                 f"'{letter}'")
            sizes[letter] = n if known == 1 else known
    return sizes


def inner_subscripts(ranks: tuple[int, int], _=None) -> str:
    """np.inner's einsum: the last axes of both summed (a number scales the other)."""
    left, right = ranks
    a, b = "".join(LETTERS[:left]), "".join(LETTERS[left:left + right])
    if left and right:
        b = b[:-1] + a[-1]
        return f"{a},{b}->{a[:-1]}{b[:-1]}"
    return f"{a},{b}->{a}{b}"


def tensordot_subscripts(ranks: tuple[int, int], axes=2) -> str:
    """np.tensordot's einsum for an integer `axes`: the last `axes` axes of a summed with the
    first of b."""
    left, right = ranks
    if not isinstance(axes, int) or not 0 <= axes <= min(left, right):
        raise ValueError(f"tensordot: axes={axes!r}: astgrad takes a number of axes, at most "
                         "both ranks (pairs of axis lists: transpose the operands first)")
    a = LETTERS[:left]
    b = a[left - axes:] + LETTERS[left:left + right - axes]
    return f"{a},{b}->{a[:left - axes]}{b[axes:]}"
