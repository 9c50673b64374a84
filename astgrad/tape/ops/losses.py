"""The elementwise parts of the binary cross-entropy losses, with PyTorch's formulas: the
logarithms clamped at -100 and the gradient's denominator kept above 1e-12 (`BCELoss`), and
the logits form computed through log-sigmoid so that it never overflows."""

import numpy as np

from . import primitive

EPSILON = float(np.float32(1e-12))  # PyTorch's constant is a C float, also in float64


@primitive("BinaryCrossEntropyBackward0")
def binary_cross_entropy(p, target):
    if np.any((p < 0) | (p > 1)) or np.any((target < 0) | (target > 1)):
        raise ValueError("binary cross-entropy needs probabilities and targets between 0 and 1")
    with np.errstate(divide="ignore"):  # log(0) is clamped at -100
        log_q, log_p = np.maximum(np.log1p(-p), -100), np.maximum(np.log(p), -100)
    loss = (target - 1) * log_q - target * log_p

    def vjp(g):  # PyTorch leaves the logarithms unclamped in the target's gradient
        return g * (p - target) / np.maximum((1 - p) * p, EPSILON), g * (
            np.log1p(-p) - np.log(p))

    return loss, vjp


@primitive("BinaryCrossEntropyWithLogitsBackward0")
def binary_cross_entropy_with_logits(z, target):
    log_sigmoid = np.minimum(z, 0) - np.log1p(np.exp(-np.abs(z)))
    with np.errstate(over="ignore"):
        probability = 1 / (1 + np.exp(-z))
    return (1 - target) * z - log_sigmoid, lambda g: (g * (probability - target), -g * z)
