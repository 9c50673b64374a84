"""PyTorch's `torch.nn.functional` for the tape: layers and losses as functions.

The losses follow PyTorch's definitions and `reduction` options ("mean", "sum", "none");
cross-entropy takes class indices (integers) or class probabilities.
"""

import numpy as np

from ...errors import TapeError
from ..ops import losses
from ..tensor import Tensor, apply, unwrap

relu, sigmoid, tanh = Tensor.relu, Tensor.sigmoid, Tensor.tanh


def softmax(x, dim: int = -1) -> Tensor:
    return Tensor.softmax(x, dim)


def log_softmax(x, dim: int = -1) -> Tensor:
    return Tensor.log_softmax(x, dim)


def linear(x, weight, bias=None) -> Tensor:
    """`x @ weight.T + bias`, with weight of shape (out_features, in_features)."""
    y = x @ weight.T
    return y if bias is None else y + bias


def _reduced(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise TapeError(f"reduction={reduction!r} is not one of 'mean', 'sum', 'none'")


def _same_shape(input, target, loss: str) -> None:
    if np.shape(unwrap(input)) != np.shape(unwrap(target)):
        raise TapeError(f"{loss}: the input has shape {np.shape(unwrap(input))} and the target "
                        f"{np.shape(unwrap(target))}; they must match",
                        "reshape the target, e.g. y.reshape(-1, 1) for a (N, 1) output")


def mse_loss(input, target, reduction: str = "mean") -> Tensor:
    """Mean squared error."""
    _same_shape(input, target, "mse_loss")
    return _reduced((input - target) ** 2, reduction)


def binary_cross_entropy(input, target, reduction: str = "mean") -> Tensor:
    """Cross-entropy of probabilities `input` against targets in [0, 1]."""
    _same_shape(input, target, "binary_cross_entropy")
    return _reduced(apply(losses.binary_cross_entropy, input, target), reduction)


def binary_cross_entropy_with_logits(input, target, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of sigmoid(input), computed without overflow."""
    _same_shape(input, target, "binary_cross_entropy_with_logits")
    return _reduced(apply(losses.binary_cross_entropy_with_logits, input, target), reduction)


def nll_loss(log_probabilities, target, reduction: str = "mean",
             ignore_index: int = -100) -> Tensor:
    """Negative log-likelihood of integer class labels, from (N, C) log-probabilities."""
    labels = np.asarray(unwrap(target))
    classes = log_probabilities.shape[-1]
    if log_probabilities.ndim != 2 or labels.shape != log_probabilities.shape[:1]:
        raise TapeError(f"nll_loss needs (N, C) scores and N labels, not {log_probabilities.shape}"
                        f" and {labels.shape}")
    kept = labels != ignore_index
    bad = labels[kept & ((labels < 0) | (labels >= classes))]
    if bad.size:
        raise TapeError(f"class label {bad[0]} is out of range for {classes} classes",
                        f"labels must be integers in 0..{classes - 1}")
    rows = np.flatnonzero(kept)
    picked = -log_probabilities[rows, labels[rows]]
    if reduction == "none" and not kept.all():
        return _scatter_rows(picked, rows, kept)
    return _reduced(picked, reduction)


def _scatter_rows(values: Tensor, rows: np.ndarray, kept: np.ndarray) -> Tensor:
    """Per-sample losses with zeros at the ignored samples."""
    out = Tensor(np.zeros(kept.shape, dtype=values.dtype))
    out[rows] = values
    return out


def cross_entropy(input, target, reduction: str = "mean", ignore_index: int = -100) -> Tensor:
    """Cross-entropy of (N, C) scores (logits) against N integer labels or (N, C)
    probabilities; log-softmax is taken stably."""
    log_probabilities = log_softmax(input, dim=-1)
    labels = unwrap(target)
    if np.asarray(labels).dtype.kind in "iu":
        return nll_loss(log_probabilities, labels, reduction, ignore_index)
    _same_shape(input, target, "cross_entropy")
    return _reduced(-(target * log_probabilities).sum(dim=-1), reduction)
