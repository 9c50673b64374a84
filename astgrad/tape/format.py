"""How a tensor prints: PyTorch's layout, so that the seed documents' outputs read the same.

    tensor(31., grad_fn=<AddBackward0>)
    tensor([[0.1000, 2.0000],
            [3.0000, 4.0000]], dtype=float64)

Numbers that are all whole print as `3.`; others with four decimals, or in scientific notation
when they span more than three orders of magnitude; more than 1000 elements are summarized.
"""

import numpy as np

DEFAULT_DTYPES = (np.dtype(np.float32), np.dtype(np.int64), np.dtype(np.bool_))
LINE_WIDTH, THRESHOLD, EDGE_ITEMS = 80, 1000, 3


def tensor_repr(value: np.ndarray, suffixes: list[str]) -> str:
    if value.dtype not in DEFAULT_DTYPES:
        suffixes = [f"dtype={value.dtype}", *suffixes]
    prefix = "tensor("
    summarize = value.size > THRESHOLD
    shown = _shown_values(value, summarize)
    formatter = _formatter(shown)
    body = _block(value, formatter, len(prefix), summarize)
    return prefix + ", ".join([body, *suffixes]) + ")"


def _shown_values(value: np.ndarray, summarize: bool) -> np.ndarray:
    if not summarize or value.ndim == 0:
        return value.ravel()
    parts = [value]
    for axis in range(value.ndim):
        parts = [p for part in parts for p in _edges(part, axis)]
    return np.concatenate([p.ravel() for p in parts])


def _edges(value: np.ndarray, axis: int) -> list:
    if value.shape[axis] <= 2 * EDGE_ITEMS:
        return [value]
    head = np.take(value, range(EDGE_ITEMS), axis=axis)
    tail = np.take(value, range(value.shape[axis] - EDGE_ITEMS, value.shape[axis]), axis=axis)
    return [head, tail]


def _formatter(values: np.ndarray):
    if values.dtype.kind == "b":
        texts = {True: "True", False: "False"}
        return _padded(lambda v: texts[bool(v)], values)
    if values.dtype.kind in "iu":
        return _padded(str, values)
    finite = values[np.isfinite(values)]
    magnitudes = np.abs(finite[finite != 0])
    whole = finite.size == 0 or bool(np.all(finite == np.ceil(finite)))
    spread = magnitudes.size > 0 and (
        magnitudes.max() / magnitudes.min() > 1000 or magnitudes.max() > 1e8
        or (not whole and magnitudes.min() < 1e-4))
    if spread:
        return _padded(lambda v: _finite_or(v, "{:.4e}"), values)
    if whole:
        return _padded(lambda v: _finite_or(v, "{:.0f}."), values)
    return _padded(lambda v: _finite_or(v, "{:.4f}"), values)


def _finite_or(v, pattern: str) -> str:
    return pattern.format(v) if np.isfinite(v) else str(float(v))


def _padded(format_one, values: np.ndarray):
    width = max((len(format_one(v)) for v in values), default=0)
    return lambda v: format_one(v).rjust(width)


def _block(value: np.ndarray, formatter, indent: int, summarize: bool) -> str:
    if value.ndim == 0:
        return formatter(value.item())
    if value.ndim == 1:
        items = [v if isinstance(v, str) else formatter(v) for v in _summarized(value, summarize)]
        per_line = max((LINE_WIDTH - indent) // (len(items[0]) + 2 if items else 1), 1)
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = [_block(row, formatter, indent + 1, summarize) if row is not None else "..."
            for row in _summarized(value, summarize)]
    separator = "," + "\n" * (value.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(rows) + "]"


def _summarized(value: np.ndarray, summarize: bool) -> list:
    """The rows (or elements) to show: all, or the first and last few around an ellipsis."""
    if not summarize or len(value) <= 2 * EDGE_ITEMS:
        return list(value)
    ellipsis = "..." if value.ndim == 1 else None
    return [*value[:EDGE_ITEMS], ellipsis, *value[-EDGE_ITEMS:]]
